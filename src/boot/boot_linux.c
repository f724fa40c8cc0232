#include "boot_linux.h"

#include <errno.h>
#include <linux/kexec.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "errtext.h"
#include "log.h"
#include "secureboot.h"
#include "util.h"

/* The sentence for an errno of kexec_file_load about kernel `name`. */
static char *kexec_error(int e, const char *name)
{
	switch (e) {
	case ENOEXEC:
		return xasprintf("%s is not a kernel this system can start with kexec_file_load", name);
	case EKEYREJECTED:
	case EBADMSG:
	case EPERM:
		return xasprintf("the running kernel refused %s: its signature was rejected "
				 "(the kernel is locked down, as under Secure Boot). Boot a signed "
				 "kernel, or turn Secure Boot off in the firmware setup", name);
	case ENOMEM:
		return xasprintf("not enough memory to load %s and its initrds", name);
	case EFBIG:
	case E2BIG:
		return xasprintf("%s or its initrds are too large to load", name);
	case EBUSY:
		return xasprintf("another kernel is already being loaded; try again");
	case ENOSYS:
		return xasprintf("this kernel cannot load kernels from files (no kexec_file_load)");
	case EINVAL:
		return xasprintf("the running kernel refused %s or its command line "
				 "(is the command line too long?)", name);
	default:
		return xasprintf("cannot load %s: %s", name, errtext(e));
	}
}

/* Several initrds become one file, as the kernel takes a single one and
 * concatenated cpio archives are unpacked in order. */
static int concat_initrds(const int *fds, size_t n, char **err)
{
	if (n == 1)
		return fds[0];
	int out = memfd_create("initrd", MFD_CLOEXEC);
	if (out < 0) {
		*err = xasprintf("cannot join the initrds: %s", errtext(errno));
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		for (;;) {
			ssize_t r = sendfile(out, fds[i], NULL, 1 << 30);
			if (r == 0)
				break;
			if (r < 0) {
				*err = xasprintf("cannot join the initrds: %s", errtext(errno));
				close(out);
				return -1;
			}
		}
		/* Cpio archives that follow must start on a 4-byte boundary. */
		off_t pos = lseek(out, 0, SEEK_CUR);
		static const char zeros[4];
		size_t pad = pos % 4 ? (size_t)(4 - pos % 4) : 0;
		if (pad && write(out, zeros, pad) != (ssize_t)pad) {
			*err = xasprintf("cannot join the initrds: %s",
					 errtext(errno ? errno : EIO));
			close(out);
			return -1;
		}
	}
	return out;
}

int boot_linux_load(int kernel_fd, const char *kernel_name, const int *initrd_fds, size_t ninitrd,
		    const char *cmdline, char **err)
{
	int initrd = -1;
	unsigned long flags = 0;
	if (ninitrd) {
		initrd = concat_initrds(initrd_fds, ninitrd, err);
		if (initrd < 0)
			return -EIO;
	} else {
		flags |= KEXEC_FILE_NO_INITRAMFS;
	}
	const char *cl = cmdline ? cmdline : "";
	log_info("calling kexec_file_load for %s with command line: %s", kernel_name, cl);
	long r = syscall(SYS_kexec_file_load, kernel_fd, initrd, strlen(cl) + 1, cl, flags);
	int e = errno;
	if (initrd >= 0 && ninitrd > 1)
		close(initrd);
	if (r < 0) {
		*err = secure_boot_load_error(secure_boot_current(), e, kernel_name);
		if (!*err)
			*err = kexec_error(e, kernel_name);
		return -e;
	}
	return 0;
}
