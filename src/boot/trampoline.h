/* The code kexec jumps to for kernels that start in 32-bit protected mode
 * (Multiboot 1 and 2, the Linux 32-bit boot protocol). The running kernel
 * enters it in 64-bit mode with every RAM page identity-mapped; it loads its
 * own GDT (flat 32-bit code at selector 0x10, data at 0x18, as Linux's
 * boot protocol wants), drops to 32-bit protected mode with paging and long
 * mode off, and puts the machine back as a PC BIOS hands it to a boot loader,
 * whatever CPU it runs on: CR4 and EFER zero, XSAVE state initial and XCR0
 * x87 only, PAT at its reset value, the local APIC in xAPIC virtual-wire
 * mode with nothing pending or in service, the IDTR on the IVT, the 8259s at vectors 0x08/0x70 with the BIOS's interrupts unmasked,
 * the PIT ticking at 18.2 Hz; optionally it installs the BIOS disk guard and
 * puts the VGA adapter back in 80x25 text mode. It sets EAX, EBX, ESI (EBP,
 * EDI, ECX zero) and jumps to the kernel's entry.
 * It is position-independent: copy it to a page boundary below 4 GiB and
 * enter at its first byte (it takes about 4 KiB, a scratch IDT included). */
#ifndef KL_TRAMPOLINE_H
#define KL_TRAMPOLINE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tramp_regs {
	uint32_t eax, ebx, esi, entry;
	bool reset_vga;
	uint32_t disk_guard; /* where the BIOS disk guard goes (below 1 MiB), or 0 */
};

/* The trampoline's size in bytes (well under a page). */
size_t trampoline_size(void);
/* Writes the trampoline with these registers into buf (trampoline_size() bytes). */
void trampoline_build(unsigned char *buf, const struct tramp_regs *r);
/* Where the register values sit inside the trampoline (for tests). */
#define TRAMP_PARAM_EAX 0
#define TRAMP_PARAM_EBX 4
#define TRAMP_PARAM_ESI 8
#define TRAMP_PARAM_ENTRY 12
#define TRAMP_PARAM_VGA 16
#define TRAMP_PARAM_DISK_GUARD 20
/* Base memory the BIOS disk guard takes off the top of conventional memory. */
#define TRAMP_DISK_GUARD_SIZE 1024
size_t trampoline_params_offset(void);

#endif
