#include "boot.h"

#include <errno.h>
#include <linux/reboot.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <unistd.h>
#include "boot_linux.h"
#include "disk.h"
#include "log.h"

const char *describe_contents(const unsigned char *p, size_t n)
{
	if (n == 0)
		return "an empty file";
	if (n >= 4 && !memcmp(p, "\177ELF", 4))
		return "an ELF program, not a bootable kernel image";
	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return "gzip-compressed data";
	if (n >= 6 && !memcmp(p, "\3757zXZ", 6))
		return "xz-compressed data";
	if (n >= 4 && !memcmp(p, "\x28\xb5\x2f\xfd", 4))
		return "zstd-compressed data";
	if (n >= 6 && (!memcmp(p, "070701", 6) || !memcmp(p, "070702", 6)))
		return "a cpio archive (an initramfs?)";
	if (n >= 2 && p[0] == 'M' && p[1] == 'Z')
		return "a Windows or EFI program";
	size_t text = 0, k = n < 512 ? n : 512;
	for (size_t i = 0; i < k; i++)
		text += (p[i] >= 32 && p[i] < 127) || p[i] == '\n' || p[i] == '\r' || p[i] == '\t';
	if (text == k)
		return "a text file";
	return "data of an unknown kind";
}

/* A bzImage has "HdrS" at 0x202 and the boot sector signature at 0x1fe. */
static bool is_bzimage(const unsigned char *p, size_t n)
{
	return n >= 0x206 && p[0x1fe] == 0x55 && p[0x1ff] == 0xaa && !memcmp(p + 0x202, "HdrS", 4);
}

static int check_kernel(int fd, const char *path, const char *root, char **err)
{
	unsigned char head[1024];
	ssize_t n = pread(fd, head, sizeof(head), 0);
	if (n < 0) {
		*err = xasprintf("cannot read %s on %s: %s", path, root, strerror(errno));
		return -1;
	}
	if (!is_bzimage(head, (size_t)n)) {
		*err = xasprintf("%s on %s is not a Linux kernel: it looks like %s", path, root,
				 describe_contents(head, (size_t)n));
		return -1;
	}
	return 0;
}

static int open_all(const struct target *t, int *fds, char **err)
{
	fds[0] = disk_open(t->root, t->kernel, err);
	if (fds[0] < 0)
		return -1;
	for (size_t i = 0; i < t->initrds.n; i++) {
		fds[i + 1] = disk_open(t->root, t->initrds.v[i], err);
		if (fds[i + 1] < 0)
			return -1;
	}
	return 0;
}

int boot_load(const struct target *t, char **err)
{
	if (!target_bootable(t)) {
		*err = xasprintf("'%s' cannot be booted: %s", t->title, t->reason);
		return -1;
	}
	if (t->kind != KIND_LINUX || t->nmodules) {
		*err = xasprintf("'%s' is a Multiboot target; this version of kexec-loader "
				 "boots Linux kernels only", t->title);
		return -1;
	}
	size_t nfd = t->initrds.n + 1;
	int *fds = xmalloc(nfd * sizeof(int));
	for (size_t i = 0; i < nfd; i++)
		fds[i] = -1;
	int r = open_all(t, fds, err);
	if (r == 0)
		r = check_kernel(fds[0], t->kernel, t->root, err);
	if (r == 0)
		r = boot_linux_load(fds[0], t->kernel, fds + 1, t->initrds.n, t->cmdline, err) < 0 ? -1 : 0;
	for (size_t i = 0; i < nfd; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
	return r;
}

void boot_execute(char **err)
{
	disk_umount_all();
	sync();
	log_info("calling kexec");
	reboot(LINUX_REBOOT_CMD_KEXEC);
	*err = xasprintf("the loaded kernel could not be started: %s", strerror(errno));
}
