/* The seam between the configuration parsers and the outside world.
 * Parsers stay pure: everything they need from disks goes through this
 * interface, which the device layer (src/hw/disk.c) fills for real and tests
 * fill with fakes. Device arguments use the device syntax of kexec-loader.conf(5)
 * ("sda1", "LABEL=x", "UUID=y", "ext4:sda1"); NULL means "the device the
 * file being parsed was found on". */
#ifndef KL_FSIO_H
#define KL_FSIO_H
#include <stdbool.h>
#include <stddef.h>
#include "util.h"

struct fsinfo {
	const char *name;   /* kernel name: "sda1", "nvme0n1p2", "sr0" */
	const char *disk;   /* the whole disk: "sda" (same as name for a whole-disk fs) */
	int partno;         /* partition number as the kernel counts (1…), 0 for a whole disk */
	const char *pttype; /* "dos", "gpt" or NULL for the disk's partition table */
	const char *fstype; /* "ext4", "vfat", … or NULL */
	const char *label;  /* or NULL */
	const char *uuid;   /* or NULL */
	unsigned long long size; /* bytes */
};

struct fsio {
	void *ctx;
	/* Reads the whole file (at most max bytes). 0 or -errno. */
	int (*read)(void *ctx, const char *dev, const char *path, size_t max, char **buf, size_t *len);
	/* 0 when path exists (is_dir tells what it is), else -errno. */
	int (*stat)(void *ctx, const char *dev, const char *path, bool *is_dir);
	/* Names in a directory, sorted; directories end in '/'. 0 or -errno. */
	int (*list)(void *ctx, const char *dev, const char *path, struct strlist *names);
	/* Every block device with a filesystem or a partition table, in the kernel's order. */
	size_t (*devices)(void *ctx, const struct fsinfo **v);
};

#endif
