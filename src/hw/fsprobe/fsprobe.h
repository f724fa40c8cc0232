/* Identifies what a block device holds: the filesystem type, label and UUID
 * and the partition table type, spelled as `blkid -p` spells them, for the
 * few dozen formats a boot loader meets (see docs/design-decisions.md for
 * why this replaces libblkid). Reads a few kilobytes per device. */
#ifndef KL_FSPROBE_H
#define KL_FSPROBE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FSPROBE_LABEL_MAX 256

struct fsprobe_result {
	char type[24];   /* "ext4", "vfat", "crypto_LUKS", … or "" */
	char label[FSPROBE_LABEL_MAX]; /* UTF-8 for the formats that store UTF-16, else as stored */
	char uuid[48];
	char pttype[8];  /* "dos", "gpt", "PMBR" or "" */
};

/* What the probe reads from: read_at fills buf with len bytes at off and
 * returns 0, or returns -1 when it cannot. */
struct fsprobe_dev {
	int (*read_at)(void *ctx, uint64_t off, void *buf, size_t len);
	void *ctx;
	uint64_t size;        /* bytes */
	unsigned sector_size; /* logical sector size; 0 means 512 */
	int is_cdrom;         /* skips the RAID and swap probes, which read the end of the disc */
};

enum {
	FSPROBE_FOUND = 0,      /* a filesystem or a partition table */
	FSPROBE_NONE = 1,       /* nothing recognised */
	FSPROBE_AMBIGUOUS = -2, /* signatures of two filesystems: type is "", as blkid does */
};

/* Fills r (always: fields not found are ""). Returns an FSPROBE_ value. */
int fsprobe(const struct fsprobe_dev *dev, struct fsprobe_result *r);
/* The same over an open file or block device of size bytes (0: ask the fd). */
int fsprobe_fd(int fd, uint64_t size, struct fsprobe_result *r);
/* The same over bytes in memory: an image, a fuzzer's input. */
int fsprobe_buf(const void *data, size_t len, struct fsprobe_result *r);
/* Whether a type fsprobe names is a filesystem one mounts (not swap, a RAID
 * or LVM member, an encrypted volume). */
bool fsprobe_is_filesystem(const char *type);

#endif
