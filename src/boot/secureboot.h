/* Secure Boot as kexec-loader meets it: whether the firmware booted with Secure
 * Boot on, whether the running kernel is locked down, and what that forbids.
 * Under lockdown kexec_file_load starts only kernels signed by a key the
 * kernel trusts, and kexec_load (Multiboot, the 32-bit boot protocol) is
 * refused outright. The decisions are pure functions of a state read from
 * files whose paths are parameters, so unit tests give their own. */
#ifndef KL_SECUREBOOT_H
#define KL_SECUREBOOT_H
#include <stdbool.h>
#include "target.h"

#define SB_BOOT_PARAMS "/sys/kernel/boot_params/data"
#define SB_EFIVAR "/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"
#define SB_LOCKDOWN "/sys/kernel/security/lockdown"

struct secure_boot {
	bool on;     /* the firmware's SecureBoot variable says 1 */
	bool locked; /* the kernel is locked down (integrity or confidentiality) */
};

/* Reads the state. boot_params is the x86 boot parameters the kernel's EFI
 * stub filled in (its secure_boot byte: 2 off, 3 on); when that says nothing,
 * efivar, the firmware's SecureBoot variable (4 bytes of attributes, then the
 * value), when efivarfs is mounted. lockdown is the kernel's lockdown file
 * ("none [integrity] confidentiality"); when it cannot be read, Secure Boot
 * on counts as locked down, as kernels that lock down under it do. */
void secure_boot_read(struct secure_boot *sb, const char *boot_params, const char *efivar,
		      const char *lockdown);

/* The state of this machine: read once from SB_BOOT_PARAMS, SB_EFIVAR and SB_LOCKDOWN by
 * secure_boot_init (PID 1); all off until then (host mode). */
void secure_boot_init(void);
const struct secure_boot *secure_boot_current(void);

/* Why a target of this kind cannot boot under this state (it needs
 * kexec_load), or NULL. */
const char *secure_boot_refusal(const struct secure_boot *sb, enum target_kind kind, unsigned flags);

/* The sentence for kexec_load being refused (EPERM) under this state, or NULL. */
const char *secure_boot_kexec_load_refusal(const struct secure_boot *sb);

/* The sentence for kexec_file_load failing with errnum for the kernel `name`
 * when a missing or untrusted signature is the cause, or NULL. */
char *secure_boot_load_error(const struct secure_boot *sb, int errnum, const char *name);

/* Marks the targets of the list that cannot boot under this state. */
void secure_boot_mark(const struct secure_boot *sb, struct target_list *l);

/* Whether a kernel's first bytes show an Authenticode signature (a PE image,
 * as an EFI-stub bzImage is, whose certificate table is not empty): 1 signed,
 * 0 unsigned, -1 not a PE image or too short to tell. */
int secure_boot_pe_signed(const unsigned char *head, size_t n);

/* The reason for a Linux target whose kernel carries no signature at all. */
char *secure_boot_unsigned_reason(const struct secure_boot *sb, const char *name);

/* " - Secure Boot is on" for the menu's header, or "". */
const char *secure_boot_header(const struct secure_boot *sb);
#endif
