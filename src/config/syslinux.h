/* SYSLINUX / EXTLINUX / ISOLINUX configuration files (SPEC section 5):
 * case-insensitive directives; DEFAULT, LABEL, KERNEL/LINUX, APPEND (with
 * initrd= inside; "APPEND -" means none), INITRD (comma-separated),
 * TIMEOUT (tenths of a second, rounded up to seconds), ONTIMEOUT, PROMPT,
 * UI, MENU LABEL/DEFAULT/HIDE, INCLUDE and MENU INCLUDE (bounded). Relative
 * paths are taken from the directory of the configuration file, as SYSLINUX
 * does (it makes that directory its working directory). "KERNEL mboot.c32"
 * with "APPEND xen.gz args --- vmlinuz args --- initrd" is a Multiboot
 * target; other .c32 modules, boot sectors, COMBOOT images, LOCALBOOT and
 * CONFIG are listed as not bootable. Hotkey marks ('^') are removed from
 * MENU LABEL titles, as SYSLINUX shows them. Pure: files through fsio. */
#ifndef KL_SYSLINUX_H
#define KL_SYSLINUX_H
#include "fsio.h"
#include "target.h"

struct syslinux_opts {
	const struct fsio *io;
	const char *device; /* the device the file was found on */
	const char *path;   /* its path there: "/isolinux/isolinux.cfg" */
};

/* Reads o->path and what it includes; appends its labels to out (its
 * default and timeout apply where out has none). Returns 0, or -errno when
 * o->path cannot be read. */
int syslinux_load(const struct syslinux_opts *o, struct target_list *out, struct diag_list *d);

#endif
