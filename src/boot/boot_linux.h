/* Loading a Linux kernel with kexec_file_load. */
#ifndef KL_BOOT_LINUX_H
#define KL_BOOT_LINUX_H
#include <stddef.h>

/* Loads the kernel with its initrds (concatenated, as the kernel accepts) and
 * command line. Returns 0, or -errno with *err a sentence for the user.
 * -ENOSYS means this kernel has no kexec_file_load. */
int boot_linux_load(int kernel_fd, const char *kernel_name, const int *initrd_fds, size_t ninitrd,
		    const char *cmdline, char **err);

#endif
