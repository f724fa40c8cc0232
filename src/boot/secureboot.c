#include "secureboot.h"

#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "util.h"

static struct secure_boot current;

static bool efivar_is_one(const char *path)
{
	unsigned char buf[8];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof(buf));
	close(fd);
	/* 4 bytes of attributes, then the one-byte value. */
	return n >= 5 && buf[4] == 1;
}

/* struct boot_params' secure_boot byte (arch/x86/include/uapi/asm/bootparam.h):
 * the EFI stub's efi_secureboot_mode, 0 unset, 1 unknown, 2 disabled, 3 enabled. */
#define BP_SECURE_BOOT 0x1ec

static int boot_params_mode(const char *path)
{
	unsigned char b;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = pread(fd, &b, 1, BP_SECURE_BOOT);
	close(fd);
	return n == 1 ? b : 0;
}

void secure_boot_read(struct secure_boot *sb, const char *boot_params, const char *efivar,
		      const char *lockdown)
{
	int mode = boot_params_mode(boot_params);
	sb->on = mode == 3 || (mode != 2 && efivar_is_one(efivar));
	char *s = read_line_file(lockdown);
	if (s)
		sb->locked = strstr(s, "[integrity]") || strstr(s, "[confidentiality]");
	else
		sb->locked = sb->on;
	free(s);
}

void secure_boot_init(void)
{
	secure_boot_read(&current, SB_BOOT_PARAMS, SB_EFIVAR, SB_LOCKDOWN);
}

const struct secure_boot *secure_boot_current(void)
{
	return &current;
}

const char *secure_boot_kexec_load_refusal(const struct secure_boot *sb)
{
	if (!sb->locked)
		return NULL;
	return sb->on ? "kexec_load is disabled while Secure Boot is on"
		      : "kexec_load is disabled while the kernel is locked down";
}

const char *secure_boot_refusal(const struct secure_boot *sb, enum target_kind kind, unsigned flags)
{
	bool needs_kexec_load = kind == KIND_MULTIBOOT || kind == KIND_MULTIBOOT2 ||
				(kind == KIND_LINUX && (flags & TF_FORCE_KEXEC_LOAD));
	return needs_kexec_load ? secure_boot_kexec_load_refusal(sb) : NULL;
}

char *secure_boot_unsigned_reason(const struct secure_boot *sb, const char *name)
{
	return xasprintf("%s is not signed by a key this machine trusts; %s", name,
			 sb->on ? "Secure Boot is on" : "the kernel is locked down");
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int secure_boot_pe_signed(const unsigned char *d, size_t n)
{
	if (n < 0x40 || d[0] != 'M' || d[1] != 'Z')
		return -1;
	size_t pe = le32(d + 0x3c);
	/* "PE\0\0", the 20-byte COFF header, then the optional header. */
	if (pe > n || n - pe < 24 + 2 || memcmp(d + pe, "PE\0\0", 4))
		return -1;
	size_t opt = pe + 24;
	unsigned magic = d[opt] | (unsigned)d[opt + 1] << 8;
	size_t count_at = magic == 0x20b ? 108 : magic == 0x10b ? 92 : 0;
	if (!count_at)
		return -1;
	size_t dirs = opt + count_at + 4; /* the data directories, 8 bytes each */
	if (n < opt + count_at + 4)
		return -1;
	if (le32(d + opt + count_at) <= 4) /* no certificate table entry (index 4) */
		return 0;
	size_t cert = dirs + 4 * 8;
	if (n < cert + 8)
		return -1;
	return le32(d + cert + 4) ? 1 : 0;
}

char *secure_boot_load_error(const struct secure_boot *sb, int errnum, const char *name)
{
	if (!sb->locked)
		return NULL;
	/* ENODATA: no signature at all; EKEYREJECTED, ENOKEY, EBADMSG: a signature
	 * no trusted key vouches for, or a broken one; EPERM: a kernel that cannot
	 * check signatures refuses every kexec_file_load when locked down. */
	if (errnum != ENODATA && errnum != EKEYREJECTED && errnum != ENOKEY && errnum != EBADMSG &&
	    errnum != EPERM)
		return NULL;
	return secure_boot_unsigned_reason(sb, name);
}

void secure_boot_mark(const struct secure_boot *sb, struct target_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const char *why = secure_boot_refusal(sb, l->v[i].kind, l->v[i].flags);
		if (why)
			target_refuse(&l->v[i], "%s", why);
	}
}

const char *secure_boot_header(const struct secure_boot *sb)
{
	return sb->on ? " - Secure Boot is on" : "";
}
