/* SYSLINUX / EXTLINUX / ISOLINUX configuration files (kexec-loader.conf(5), OTHER
 * SOURCES OF TARGETS):
 * case-insensitive directives; DEFAULT, LABEL, KERNEL/LINUX, APPEND (with
 * initrd= inside; "APPEND -" means none), INITRD (comma-separated),
 * TIMEOUT (tenths of a second, rounded up to seconds), ONTIMEOUT, PROMPT,
 * UI, MENU LABEL/DEFAULT/HIDE, INCLUDE and MENU INCLUDE (bounded). Relative
 * paths are taken from the directory of the configuration file, as SYSLINUX
 * does (it makes that directory its working directory). "KERNEL mboot.c32"
 * with "APPEND xen.gz args --- vmlinuz args --- initrd" is a Multiboot
 * target; other .c32 modules, boot sectors, COMBOOT images, LOCALBOOT and
 * CONFIG are listed as not bootable. Hotkey marks ('^') are removed from
 * MENU LABEL titles, as SYSLINUX shows them. Pure: files through fsio.
 *
 * Command lines are built as SYSLINUX/PXELINUX 6 build them:
 * "BOOT_IMAGE=<KERNEL line> <APPEND> initrd=<INITRD>" and then, for each bit
 * of IPAPPEND/SYSAPPEND (the label's, else the global one) in bit order, the
 * string the caller knows for it (ip=, BOOTIF=, SYSUUID=, DMI fields). */
#ifndef KL_SYSLINUX_H
#define KL_SYSLINUX_H
#include "fsio.h"
#include "target.h"

/* The SYSAPPEND bits of SYSLINUX 6.04, in its order (bit 0 = 1, bit 1 = 2, …). */
enum sysappend_bit {
	SYSAPPEND_IP,        /* "ip=client:server:gateway:netmask" (PXELINUX only) */
	SYSAPPEND_BOOTIF,    /* "BOOTIF=01-aa-bb-cc-dd-ee-ff" (PXELINUX only) */
	SYSAPPEND_SYSUUID,   /* "SYSUUID=…" */
	SYSAPPEND_CPU,       /* "CPU=…" */
	SYSAPPEND_SYSVENDOR, SYSAPPEND_SYSPRODUCT, SYSAPPEND_SYSVERSION, SYSAPPEND_SYSSERIAL,
	SYSAPPEND_SYSSKU, SYSAPPEND_SYSFAMILY, SYSAPPEND_MBVENDOR, SYSAPPEND_MBPRODUCT,
	SYSAPPEND_MBVERSION, SYSAPPEND_MBSERIAL, SYSAPPEND_MBASSET, SYSAPPEND_BIOSVENDOR,
	SYSAPPEND_BIOSVERSION, SYSAPPEND_SYSFF,
	SYSAPPEND_MAX
};

struct syslinux_opts {
	const struct fsio *io;
	const char *device; /* the device the file was found on */
	const char *path;   /* its path there: "/isolinux/isolinux.cfg" */
	/* SYSAPPEND_MAX whole words ("BOOTIF=01-…"), NULL or "" where unknown;
	 * the array itself may be NULL (nothing to append). */
	const char *const *sysappend;
	/* The folder relative paths start from; NULL: the file's own folder.
	 * PXELINUX takes them from its boot file's folder (or option 210). */
	const char *cwd;
};

/* Reads o->path and what it includes; appends its labels to out (its
 * default and timeout apply where out has none). Returns 0, or -errno when
 * o->path cannot be read. */
int syslinux_load(const struct syslinux_opts *o, struct target_list *out, struct diag_list *d);

#endif
