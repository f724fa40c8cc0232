/* Keyboard layouts for the virtual terminals: a keymap file in the binary
 * format `loadkeys -b` writes (the one busybox's loadkmap reads) is put into
 * the kernel's translation tables with the KDSKBENT ioctl.
 *
 * The format: the 7 bytes "bkeymap", then one byte per table (256 tables:
 * plain, Shift, AltGr, Ctrl… and their combinations) that is 1 when the
 * table follows, then each such table as 128 16-bit key values in the byte
 * order of the machine that wrote it. */
#ifndef KL_KEYMAP_H
#define KL_KEYMAP_H
#include <stddef.h>
#include <stdint.h>

#define KEYMAP_TABLES 256
#define KEYMAP_KEYS 128

struct keymap {
	unsigned char present[KEYMAP_TABLES];
	uint16_t value[KEYMAP_TABLES][KEYMAP_KEYS];
	size_t ntables;
};

/* Reads a binary keymap. 0, or -1 with *err a sentence naming `name`. */
int keymap_parse(const unsigned char *buf, size_t len, const char *name, struct keymap *km,
		 char **err);

/* Sets one key of one table; 0 or -errno. The seam the tests replace. */
typedef int (*keymap_set_fn)(void *ctx, unsigned table, unsigned key, uint16_t value);
/* Sets every key of every present table; stops at the first failure. */
int keymap_apply(const struct keymap *km, keymap_set_fn set, void *ctx, char **err);

/* Loads the keymap file at path (device layer syntax, on device root) into
 * the virtual terminals through vt ("/dev/tty0"). 0, -ENOENT when there is
 * no such file (nothing to do), else -1 with *err set. */
int keymap_load(const char *root, const char *path, const char *vt, char **err);

#endif
