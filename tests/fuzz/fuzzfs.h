/* A tiny fsio for the configuration-parser fuzzers: every file read gives
 * the fuzz input (so INCLUDE and `default` files loop back into it), and a
 * fixed set of disks and partitions stands for the machine. */
#ifndef KL_FUZZFS_H
#define KL_FUZZFS_H
#include <errno.h>
#include <stdint.h>
#include "fsio.h"
#include "util.h"

static const uint8_t *fz_data;
static size_t fz_size;

static const struct fsinfo fz_devs[] = {
	{"sda", "sda", 0, "dos", NULL, NULL, NULL, 0},
	{"sda1", "sda", 1, NULL, "ext4", "boot", "1111-2222", 0},
	{"sda5", "sda", 5, NULL, "ext4", NULL, "5555", 0},
	{"nvme0n1", "nvme0n1", 0, "gpt", NULL, NULL, NULL, 0},
	{"nvme0n1p2", "nvme0n1", 2, NULL, "xfs", "root two", "abcd", 0},
	{"sr0", "sr0", 0, NULL, "iso9660", "CD", "2020", 0},
};

static int fz_read(void *ctx, const char *dev, const char *path, size_t max, char **buf, size_t *len)
{
	if (fz_size > max)
		return -EFBIG;
	*buf = xstrndup((const char *)fz_data, fz_size);
	if (len)
		*len = fz_size;
	return 0;
}

static int fz_stat(void *ctx, const char *dev, const char *path, bool *is_dir)
{
	*is_dir = false;
	return 0;
}

static int fz_list(void *ctx, const char *dev, const char *path, struct strlist *names)
{
	sl_push(names, "a.conf");
	sl_push(names, "b+0-1.conf");
	return 0;
}

static size_t fz_devices(void *ctx, const struct fsinfo **v)
{
	*v = fz_devs;
	return sizeof(fz_devs) / sizeof(fz_devs[0]);
}

static const struct fsio fz_io = {NULL, fz_read, fz_stat, fz_list, fz_devices};

static void fz_set(const uint8_t *data, size_t size)
{
	fz_data = data;
	fz_size = size;
}

#endif
