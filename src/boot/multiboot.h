/* Planning a Multiboot 1 or 2 boot: the kernel's pieces where its header or
 * ELF file puts them, every module page-aligned above it (unpacked unless
 * nounzip), then one segment of our own with the trampoline and the
 * information structure (GRUB's multiboot.h / multiboot2.h layout): memory
 * sizes and map, command lines (the kernel's and each module's start with
 * their path, as GRUB legacy and QEMU pass them), ELF section headers, the
 * boot loader name "kexec-loader VERSION", ACPI RSDP and framebuffer (MB2). */
#ifndef KL_MULTIBOOT_H
#define KL_MULTIBOOT_H
#include "boot_plan.h"

#define MB1_BOOT_MAGIC 0x2BADB002u
#define MB2_BOOT_MAGIC 0x36D76289u
#define MB_LOADER_NAME "kexec-loader " KL_VERSION

/* version: 1 or 2, or 0 for the kernel's own (Multiboot 1 when it has both).
 * Fills *out (plan_free it) and returns 0, or returns -1 with *err: a
 * sentence naming the file and what is wrong. */
int plan_multiboot(const struct boot_blob *kernel, const struct boot_blob *mods, size_t nmods,
		   const struct boot_env *env, int version, struct kexec_plan *out, char **err);

#endif
