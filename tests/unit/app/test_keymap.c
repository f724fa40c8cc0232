/* Binary keymaps (loadkeys -b, busybox loadkmap): parsing and loading through the seam. */
#include "unit.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include "disk.h"
#include "keymap.h"
#include "util.h"

/* A keymap file written the way the format is described: magic, flags, tables. */
static unsigned char *make_bmap(const unsigned *tables, size_t ntables, size_t *len)
{
	size_t n = 7 + 256 + ntables * 256;
	unsigned char *b = xcalloc(1, n);
	memcpy(b, "bkeymap", 7);
	for (size_t i = 0; i < ntables; i++) {
		b[7 + tables[i]] = 1;
		for (unsigned k = 0; k < 128; k++) {
			uint16_t v = (uint16_t)(tables[i] << 8 | k); /* unique per table and key */
			memcpy(b + 7 + 256 + i * 256 + k * 2, &v, 2);
		}
	}
	*len = n;
	return b;
}

struct record {
	size_t calls;
	unsigned last_table, last_key;
	uint16_t last_value;
	size_t fail_at;
	bool bad_value;
};

static int record_set(void *ctx, unsigned table, unsigned key, uint16_t value)
{
	struct record *r = ctx;
	if (r->fail_at && r->calls + 1 == r->fail_at)
		return -EPERM;
	r->calls++;
	if (value != (uint16_t)(table << 8 | key))
		r->bad_value = true;
	r->last_table = table, r->last_key = key, r->last_value = value;
	return 0;
}

static void present_tables_are_read_in_order(void **state)
{
	const unsigned tables[] = {0, 1, 2, 12};
	size_t len;
	unsigned char *b = make_bmap(tables, 4, &len);
	struct keymap *km = xmalloc(sizeof(*km));
	char *err = NULL;
	assert_int_equal(keymap_parse(b, len, "k.bmap", km, &err), 0);
	assert_int_equal(km->ntables, 4);
	assert_true(km->present[12] && !km->present[3]);
	assert_int_equal(km->value[12][30], 12 << 8 | 30);
	assert_int_equal(km->value[1][127], 1 << 8 | 127);
	struct record r = {0};
	assert_int_equal(keymap_apply(km, record_set, &r, &err), 0);
	assert_int_equal(r.calls, 4 * 128);
	assert_false(r.bad_value);
	assert_int_equal(r.last_table, 12);
	assert_int_equal(r.last_key, 127);
	free(km);
	free(b);
}

static void a_refused_key_stops_and_says_which(void **state)
{
	const unsigned tables[] = {0};
	size_t len;
	unsigned char *b = make_bmap(tables, 1, &len);
	struct keymap *km = xmalloc(sizeof(*km));
	char *err = NULL;
	assert_int_equal(keymap_parse(b, len, "k.bmap", km, &err), 0);
	struct record r = {.fail_at = 6};
	assert_int_equal(keymap_apply(km, record_set, &r, &err), -1);
	assert_int_equal(r.calls, 5);
	assert_non_null(strstr(err, "key 5 of table 0"));
	free(err);
	free(km);
	free(b);
}

static void damaged_files_are_refused_with_their_name(void **state)
{
	const unsigned tables[] = {0, 1};
	size_t len;
	unsigned char *b = make_bmap(tables, 2, &len);
	struct keymap *km = xmalloc(sizeof(*km));
	char *err = NULL;
	/* cut short */
	assert_int_equal(keymap_parse(b, len - 1, "k.bmap", km, &err), -1);
	assert_non_null(strstr(err, "k.bmap"));
	assert_non_null(strstr(err, "table 1"));
	free(err), err = NULL;
	/* no header */
	assert_int_equal(keymap_parse(b, 100, "k.bmap", km, &err), -1);
	free(err), err = NULL;
	/* a text keymap, not a binary one */
	const char *text = "keymaps 0-2\nkeycode 30 = a\n";
	assert_int_equal(keymap_parse((const unsigned char *)text, strlen(text), "us.map", km, &err), -1);
	assert_non_null(strstr(err, "loadkeys -b"));
	free(err), err = NULL;
	/* a flag that is neither 0 nor 1 */
	b[7 + 5] = 7;
	assert_int_equal(keymap_parse(b, len, "k.bmap", km, &err), -1);
	free(err), err = NULL;
	/* no table at all */
	memset(b + 7, 0, 256);
	assert_int_equal(keymap_parse(b, 7 + 256, "k.bmap", km, &err), -1);
	free(err), err = NULL;
	free(km);
	free(b);
}

/* A real file from kbd's loadkeys, when it is installed (tools/deps e2e installs kbd). */
static void reads_what_loadkeys_writes(void **state)
{
	if (access("/usr/bin/loadkeys", X_OK) != 0) {
		skip();
		return;
	}
	char dir[] = "/tmp/kl-keymap-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *src = xasprintf("%s/swap.map", dir), *out = xasprintf("%s/swap.bmap", dir);
	FILE *f = fopen(src, "w");
	fputs("keymaps 0-1\nkeycode 30 = b\nkeycode 48 = a\nkeycode 57 = space\n", f);
	fclose(f);
	char *cmd = xasprintf("loadkeys -b %s > %s 2>/dev/null", src, out);
	assert_int_equal(system(cmd), 0);
	char *buf;
	size_t len;
	assert_int_equal(read_file_at(AT_FDCWD, out, 1 << 20, &buf, &len), 0);
	struct keymap *km = xmalloc(sizeof(*km));
	char *err = NULL;
	assert_int_equal(keymap_parse((unsigned char *)buf, len, "swap.bmap", km, &err), 0);
	assert_int_equal(km->ntables, 2);
	/* KT_LETTER (0x0b) with the letter; Shift gets the capital. */
	assert_int_equal(km->value[0][30], 0x0b00 | 'b');
	assert_int_equal(km->value[0][48], 0x0b00 | 'a');
	assert_int_equal(km->value[1][30], 0x0b00 | 'B');
	assert_int_equal(km->value[0][57] & 0xff, ' ');
	free(km);
	free(buf);
	unlink(src), unlink(out), rmdir(dir);
	free(src), free(out), free(cmd);
}

static void load_finds_the_file_on_the_device(void **state)
{
	char dir[] = "/tmp/kl-keymap-XXXXXX";
	assert_non_null(mkdtemp(dir));
	disk_add_dir(dir, "sdk1", "vfat", "KMAP", NULL);
	char *err = NULL;
	assert_int_equal(keymap_load("sdk1", "/keymap.bmap", "/dev/null", &err), -ENOENT);
	assert_null(err);
	char *p = xasprintf("%s/keymap.bmap", dir);
	FILE *f = fopen(p, "w");
	fputs("not a keymap", f);
	fclose(f);
	assert_int_equal(keymap_load("sdk1", "/keymap.bmap", "/dev/null", &err), -1);
	assert_non_null(strstr(err, "/keymap.bmap is not a binary keymap"));
	free(err), err = NULL;
	const unsigned tables[] = {0};
	size_t len;
	unsigned char *b = make_bmap(tables, 1, &len);
	f = fopen(p, "w");
	fwrite(b, 1, len, f);
	fclose(f);
	/* /dev/null is no virtual terminal: the kernel's refusal is reported. */
	assert_int_equal(keymap_load("sdk1", "/keymap.bmap", "/dev/null", &err), -1);
	assert_non_null(strstr(err, "refused key 0 of table 0"));
	free(err), err = NULL;
	assert_int_equal(keymap_load("sdk1", "/keymap.bmap", "/nonexistent/tty0", &err), -1);
	assert_non_null(strstr(err, "/nonexistent/tty0"));
	free(err);
	unlink(p), rmdir(dir);
	free(p), free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(present_tables_are_read_in_order),
		cmocka_unit_test(a_refused_key_stops_and_says_which),
		cmocka_unit_test(damaged_files_are_refused_with_their_name),
		cmocka_unit_test(reads_what_loadkeys_writes),
		cmocka_unit_test(load_finds_the_file_on_the_device),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
