/* Planning a Linux bzImage boot through kexec_load and the 32-bit boot
 * protocol (Documentation/arch/x86/boot.rst): for images kexec_file_load
 * refuses (no 64-bit entry, not loadable above 4 GiB: memtest86+, ipxe.lkrn),
 * when kexec_file_load is missing, or when forced. The protected-mode kernel
 * goes to its preferred address (or 1 MiB, or wherever its alignment allows)
 * with room for init_size; the initrds, concatenated, as high as
 * initrd_addr_max allows; then one segment of ours: trampoline, boot_params
 * (setup header from the image, e820 map from the memory map, screen, ACPI
 * RSDP) and the command line. ESI points to boot_params at the jump. */
#ifndef KL_LINUX32_H
#define KL_LINUX32_H
#include "boot_plan.h"

/* kernel->cmdline is the command line. Gzip, xz and zstd images are unpacked
 * first. Fills *out (plan_free it) and returns 0, or -1 with *err. */
int plan_linux32(const struct boot_blob *kernel, const struct boot_blob *initrds, size_t n,
		 const struct boot_env *env, struct kexec_plan *out, char **err);

#endif
