#include "keymap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "disk.h"
#include "errtext.h"
#include "log.h"
#include "util.h"

#define MAGIC "bkeymap"
#define MAGIC_LEN 7
#define TABLE_BYTES (KEYMAP_KEYS * sizeof(uint16_t))

int keymap_parse(const unsigned char *buf, size_t len, const char *name, struct keymap *km,
		 char **err)
{
	memset(km, 0, sizeof(*km));
	if (len < MAGIC_LEN + KEYMAP_TABLES || memcmp(buf, MAGIC, MAGIC_LEN) != 0) {
		*err = xasprintf("%s is not a binary keymap (make one with loadkeys -b)", name);
		return -1;
	}
	const unsigned char *flags = buf + MAGIC_LEN, *p = flags + KEYMAP_TABLES;
	size_t left = len - MAGIC_LEN - KEYMAP_TABLES;
	for (unsigned i = 0; i < KEYMAP_TABLES; i++) {
		if (flags[i] > 1) {
			*err = xasprintf("%s is damaged: table flag %u is %u, not 0 or 1", name, i,
					 flags[i]);
			return -1;
		}
		if (!flags[i])
			continue;
		if (left < TABLE_BYTES) {
			*err = xasprintf("%s is cut short: table %u is incomplete", name, i);
			return -1;
		}
		memcpy(km->value[i], p, TABLE_BYTES);
		km->present[i] = 1;
		km->ntables++;
		p += TABLE_BYTES;
		left -= TABLE_BYTES;
	}
	if (km->ntables == 0) {
		*err = xasprintf("%s holds no key table", name);
		return -1;
	}
	if (left)
		log_warn("%s: %zu bytes after the last key table are ignored", name, left);
	return 0;
}

int keymap_apply(const struct keymap *km, keymap_set_fn set, void *ctx, char **err)
{
	for (unsigned i = 0; i < KEYMAP_TABLES; i++) {
		if (!km->present[i])
			continue;
		for (unsigned k = 0; k < KEYMAP_KEYS; k++) {
			int r = set(ctx, i, k, km->value[i][k]);
			if (r < 0) {
				*err = xasprintf("the kernel refused key %u of table %u: %s", k, i,
						 errtext(-r));
				return -1;
			}
		}
	}
	return 0;
}

/* KDSKBENT on a virtual terminal file descriptor (ctx points to the fd). */
static int keymap_set_ioctl(void *ctx, unsigned table, unsigned key, uint16_t value)
{
	struct kbentry e = {(unsigned char)table, (unsigned char)key, value};
	return ioctl(*(int *)ctx, KDSKBENT, &e) < 0 ? -errno : 0;
}

static int apply_to_vt(const struct keymap *km, const char *vt, char **err)
{
	int fd = open(vt, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		*err = xasprintf("cannot open the virtual terminal %s to load the keymap: %s", vt,
				 errtext(errno));
		return -1;
	}
	int r = keymap_apply(km, keymap_set_ioctl, &fd, err);
	close(fd);
	return r;
}

int keymap_load(const char *root, const char *path, const char *vt, char **err)
{
	int fd = disk_open(root, path, err);
	if (fd == -ENOENT) {
		free(*err);
		*err = NULL;
		return -ENOENT;
	}
	if (fd < 0)
		return -1;
	unsigned char *buf;
	size_t len;
	int r = read_file_fd(fd, MAGIC_LEN + KEYMAP_TABLES * (1 + TABLE_BYTES) + 4096, (char **)&buf,
			     &len);
	close(fd);
	if (r < 0) {
		*err = xasprintf("cannot read the keymap %s on %s: %s", path, root, errtext(-r));
		return -1;
	}
	struct keymap *km = xmalloc(sizeof(*km));
	r = keymap_parse(buf, len, path, km, err);
	free(buf);
	if (r == 0)
		r = apply_to_vt(km, vt, err);
	if (r == 0)
		log_info("keymap %s loaded (%zu tables)", path, km->ntables);
	free(km);
	return r;
}
