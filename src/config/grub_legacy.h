/* GRUB legacy menu.lst / grub.conf (kexec-loader.conf(5), OTHER SOURCES OF
 * TARGETS): text in, targets and
 * "FILE:LINE: message" diagnostics out. Pure: the `default` file (for
 * `default saved`) is read through fsio, GRUB devices through grub_devmap. */
#ifndef KL_GRUB_LEGACY_H
#define KL_GRUB_LEGACY_H
#include <stddef.h>
#include "fsio.h"
#include "grub_devmap.h"
#include "target.h"

struct grub_legacy_opts {
	const struct fsio *io; /* may be NULL: `default saved` then means entry 0 */
	const char *device;    /* the device the file was found on ("sda1", "LABEL=x") */
	const char *path;      /* its path there: "/boot/grub/menu.lst" */
	struct grubdev *map;   /* may be NULL: GRUB device names are then unknown */
};

/* Appends the file's entries to out (its default and timeout apply only
 * where out has none). Entries without a kernel or chainloader, or with an
 * empty root, are skipped; chainloader/makeactive entries are listed as not
 * bootable; an unknown GRUB device makes the entry not bootable with a
 * reason that says which grub-map line would fix it. */
void grub_legacy_parse(const struct grub_legacy_opts *o, const char *text, size_t len,
		       struct target_list *out, struct diag_list *d);

#endif
