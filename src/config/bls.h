/* Boot Loader Specification type #1 entries (*.conf files in /loader/entries), read
 * through fsio and sorted as the specification says: entries marked bad by
 * boot counting last; entries with sort-key first, by sort-key, machine-id
 * (both A-Z) and version (newest first); then by file name without ".conf",
 * newest version first. Version order is the UAPI Version Format
 * Specification's algorithm, with one correction: its steps test for the end
 * of a string before '~', which would put 1~rc1 above 1 against its own rule
 * that '~' "starts a suffix that always sorts lower"; like systemd (its
 * reference implementation) we test '~' first, so "~" < "" and "~" < "0".
 *
 * Every key is read: title, version, machine-id, sort-key, linux, initrd
 * (several; each may list several files), options (several, joined with
 * spaces), devicetree and devicetree-overlay (kept by no target field: the
 * machines kexec-loader runs on take no device tree), architecture (an
 * entry for another one is listed, not bootable) and efi (listed, not
 * bootable). Other keys (GRUB's grub_users, grub_class, …) are ignored. */
#ifndef KL_BLS_H
#define KL_BLS_H
#include <stdbool.h>
#include "fsio.h"
#include "target.h"

/* A variable's value for "$name" / "${name}" in entries, as GRUB's blscfg
 * expands them (Fedora writes "options $kernelopts"); NULL when unset. The
 * string only needs to live until the next call. */
typedef const char *(*bls_lookup_fn)(void *ctx, const char *name);

struct bls_opts {
	const struct fsio *io;
	const char *device;  /* the device holding the entries */
	const char *dir;     /* "/loader/entries" or "/boot/loader/entries" */
	bls_lookup_fn lookup; /* NULL: values are taken as written */
	void *lookup_ctx;
	/* Found on its own rather than through GRUB's blscfg: also read the
	 * default (a glob over file names) and timeout from loader.conf beside
	 * the entries directory, as systemd-boot does, and tell entries with
	 * equal titles apart by their version, as the specification asks. */
	bool standalone;
};

/* Appends the entries of o->dir, sorted, to out (with target->id the file
 * name without ".conf"). Returns how many, or -errno when the directory
 * cannot be listed. Kernel command lines are the options as written: a
 * caller that wants GRUB's "BOOT_IMAGE=…" prefix adds it. */
int bls_load(const struct bls_opts *o, struct target_list *out, struct diag_list *d);

/* One entry's text; name is its file name (with ".conf"). Appends at most
 * one target, unsorted. Returns 0, or -1 when the entry was skipped. */
int bls_parse(const struct bls_opts *o, const char *name, const char *text, size_t len,
	      struct target_list *out, struct diag_list *d);

/* The specification's version order: <0, 0, >0 like strcmp. */
int bls_version_cmp(const char *a, const char *b);

#endif
