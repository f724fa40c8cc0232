/* The GRUB 2 grub.cfg interpreter (kexec-loader.conf(5), OTHER SOURCES OF
 * TARGETS; its files: docs/architecture.md): a real interpreter of
 * GRUB's script language, pure. Files and devices come through struct fsio,
 * GRUB device names through the two mapping callbacks. */
#ifndef KL_GRUB2_H
#define KL_GRUB2_H
#include <stddef.h>
#include "fsio.h"
#include "target.h"
#include "util.h"

struct grub2_opts {
	const struct fsio *io;
	const char *device; /* the device the file was found on, as kexec-loader names it */
	const char *path;   /* its path on that device, e.g. /boot/grub/grub.cfg */
	/* GRUB name ("hd0,gpt2") -> device (owned by the caller's heap), or NULL. */
	char *(*to_device)(void *ctx, const char *grubname);
	/* kernel name ("sda2") -> GRUB name ("hd0,gpt2"), or NULL. */
	char *(*from_device)(void *ctx, const char *kname);
	void *map_ctx;
	/* Optional: appends what echo writes (and GRUB's "error: …" lines). */
	struct strbuf *echo_out;
	/* Optional: "NAME=VALUE" variables set and exported before the file runs,
	 * after GRUB's own (a network boot's net_* variables). */
	const struct strlist *vars;
};

/* Reads o->path through o->io, runs it and appends its menu to out (a
 * submenu's entries take its place, with their own titles), with default and
 * timeout ("SUBMENU>ENTRY" defaults reach into submenus). Problems
 * are reported as FILE:LINE. Returns 0, or -errno when the file cannot be read. */
int grub2_load(const struct grub2_opts *o, struct target_list *out, struct diag_list *d);

/* Runs a script with no devices; appends what echo writes to echo_out. */
int grub2_run_script(const char *text, size_t len, const char *name, struct strbuf *echo_out,
		     struct diag_list *d);

#endif
