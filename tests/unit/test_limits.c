/* Hostile inputs anyone could leave on a USB stick: each must cost PID 1
 * bounded memory, end with a message naming the file, and never crash it.
 * Memory is measured (peakmem.h), not taken from the code's own counters. */
#include "unit.h"
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include "bls.h"
#include "disk.h"
#include "fakefs.h"
#include "grub2.h"
#include "hostfile.h"
#include "limits.h"
#include "peakmem.h"
#include "syslinux.h"

/* ASan keeps freed memory for a while to catch use after free; a small
 * quarantine keeps that from being measured as the code's own. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "quarantine_size_mb=4";
}

static size_t count_with(const struct diag_list *d, const char *what)
{
	size_t n = 0;
	for (size_t i = 0; i < d->lines.n; i++)
		n += strstr(d->lines.v[i], what) != NULL;
	return n;
}

/* ---- adjacent quoted pieces: one copy of the word, not one per piece ---- */

static char *quoted_pieces(size_t n)
{
	struct strbuf sb = {0};
	sb_puts(&sb, "set x=");
	for (size_t i = 0; i < n; i++)
		sb_puts(&sb, "\"a\"");
	sb_puts(&sb, "\necho ${#}\n");
	return sb_steal(&sb);
}

static void run_script(void *text)
{
	struct strbuf out = {0};
	struct diag_list d = {0};
	grub2_run_script(text, strlen(text), "grub.cfg", &out, &d);
	sb_free(&out);
	diag_free(&d);
}

static void quoted_pieces_cost_one_copy(void **state)
{
	char *text = quoted_pieces(40000); /* 120 KB: took 792 MB */
	long mib = peak_mib(run_script, text);
	assert_true(mib < 32);
	/* and the word is whole: 40,000 a's */
	struct strbuf out = {0};
	struct diag_list d = {0};
	const char *t = "set x=\"a\"'b'\"\"c\"d\"\necho $x\nset y=''\"\"\necho \"[$y]\"\n";
	grub2_run_script(t, strlen(t), "grub.cfg", &out, &d);
	assert_str(out.s, "abcd\n[]\n");
	sb_free(&out);
	diag_free(&d);
	free(text);
}

static void empty_quotes_still_make_a_word(void **state)
{
	struct strbuf out = {0};
	struct diag_list d = {0};
	const char *t = "function n { echo $#; }\nn '' \"\" $nothing\"\" ''$nothing x''\"\"y\n";
	grub2_run_script(t, strlen(t), "grub.cfg", &out, &d);
	assert_str(out.s, "5\n");
	sb_free(&out);
	diag_free(&d);
}

/* ---- a loop sourcing a big file: the texts kept are bounded ---- */

struct sourcing {
	struct fakefs fs;
	char *big;
	struct diag_list d;
};

static void load_grub(void *arg)
{
	struct sourcing *s = arg;
	struct grub2_opts o = {.io = &s->fs.io, .device = "sda1", .path = "/boot/grub/grub.cfg"};
	struct target_list l;
	tl_init(&l);
	grub2_load(&o, &l, &s->d);
	tl_free(&l);
}

static void sourcing_in_a_loop_is_bounded(void **state)
{
	static struct sourcing s;
	fake_init(&s.fs);
	size_t n = 1 << 20;
	s.big = xmalloc(n + 1);
	memset(s.big, '.', n); /* comment lines: cheap to parse, costly to keep */
	for (size_t i = 0; i < n; i += 64) {
		s.big[i] = '#';
		s.big[i + 63] = '\n';
	}
	s.big[n] = 0;
	fake_file(&s.fs, "sda1", "/boot/grub/big.cfg", s.big);
	fake_file(&s.fs, "sda1", "/boot/grub/grub.cfg",
		  "for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do\n"
		  " for j in 1 2 3 4 5 6 7 8 9 10; do source /boot/grub/big.cfg; done\n"
		  "done\nmenuentry after { linux /vmlinuz; }\n");
	long mib = peak_mib(load_grub, &s); /* 200 MB of text kept before */
	assert_true(mib < 100);
	load_grub(&s);
	assert_int_equal(count_with(&s.d, "grub.cfg:2: more than 16 MiB of script text"), 1);
	diag_free(&s.d);
	free(s.big);
}

/* ---- BLS: variables expand within bounds ---- */

static const char *big_value(void *ctx, const char *name)
{
	return ctx;
}

struct bls_bomb {
	char *text, *value;
	struct diag_list d;
	struct target_list l;
};

static void parse_bls(void *arg)
{
	struct bls_bomb *b = arg;
	struct bls_opts o = {.device = "sda1", .dir = "/loader/entries", .lookup = big_value,
			     .lookup_ctx = b->value};
	bls_parse(&o, "bomb.conf", b->text, strlen(b->text), &b->l, &b->d);
}

static void bls_expansion_is_bounded(void **state)
{
	struct bls_bomb b = {0};
	tl_init(&b.l);
	b.value = xmalloc(65537);
	memset(b.value, 'v', 65536);
	b.value[65536] = 0;
	struct strbuf sb = {0};
	sb_puts(&sb, "title bomb\nlinux /vmlinuz\noptions");
	for (int i = 0; i < 50000; i++) /* 100 KB of file: 3.2 GB expanded */
		sb_puts(&sb, " $a");
	sb_puts(&sb, "\n");
	b.text = sb.s;
	assert_true(peak_mib(parse_bls, &b) < 32);
	parse_bls(&b);
	assert_int_equal(b.l.n, 1);
	assert_true(strlen(b.l.v[0].cmdline) <= 4 * KL_MAX_VALUE);
	assert_int_equal(count_with(&b.d, "/loader/entries/bomb.conf: its values are longer"), 1);
	tl_free(&b.l);
	diag_free(&b.d);
	sb_free(&sb);
	free(b.value);
}

/* ---- diagnostics: capped per file, with how many were dropped ---- */

static void diagnostics_are_capped_per_file(void **state)
{
	size_t n = 2000000;
	char *text = xmalloc(2 * n + 1);
	for (size_t i = 0; i < n; i++)
		memcpy(text + 2 * i, "}\n", 2);
	text[2 * n] = 0;
	struct strbuf out = {0};
	struct diag_list d = {0};
	grub2_run_script(text, 2 * n, "grub.cfg", &out, &d);
	assert_int_equal(d.lines.n, KL_DIAG_PER_FILE + 1);
	assert_non_null(strstr(d.lines.v[0], "grub.cfg:1: syntax error"));
	char *want = xasprintf("grub.cfg: %zu more messages about this file were dropped",
			       n - KL_DIAG_PER_FILE);
	assert_non_null(strstr(d.lines.v[KL_DIAG_PER_FILE], want));
	free(want);
	sb_free(&out);
	diag_free(&d);
	free(text);
}

static void diagnostics_are_capped_in_all(void **state)
{
	struct diag_list d = {0};
	for (int f = 0; f < 200; f++) {
		char name[32];
		snprintf(name, sizeof(name), "file%d", f);
		for (int i = 0; i < 30; i++)
			diag_add(&d, name, i + 1, "message %d", i);
	}
	/* KL_DIAG_MAX messages, then one line for the rest */
	assert_int_equal(d.lines.n, KL_DIAG_MAX + 1);
	char *want = xasprintf("%d more messages were dropped", 200 * 30 - KL_DIAG_MAX);
	assert_non_null(strstr(d.lines.v[d.lines.n - 1], want));
	free(want);
	diag_free(&d);
}

static void syslinux_self_include_is_bounded(void **state)
{
	static struct fakefs fs;
	fake_init(&fs);
	struct strbuf sb = {0};
	sb_puts(&sb, "INCLUDE /syslinux.cfg\n");
	for (int i = 0; i < 20000; i++)
		sb_printf(&sb, "LABEL l%d\nBOGUS x\n", i);
	fake_file(&fs, "sda1", "/syslinux.cfg", sb.s);
	struct syslinux_opts o = {&fs.io, "sda1", "/syslinux.cfg"};
	struct target_list l;
	struct diag_list d = {0};
	tl_init(&l);
	syslinux_load(&o, &l, &d);
	assert_true(d.lines.n <= KL_DIAG_PER_FILE + 2);
	assert_true(count_with(&d, "/syslinux.cfg: ") >= 1);
	assert_int_equal(count_with(&d, "more messages about this file were dropped"), 1);
	tl_free(&l);
	diag_free(&d);
	sb_free(&sb);
}

/* ---- undefined behaviour UBSan reported ---- */

static void shift_zero_without_parameters(void **state)
{
	struct strbuf out = {0};
	struct diag_list d = {0};
	const char *t = "shift 0\necho $?\nfunction f { shift 0; echo $# $?; }\nf\n";
	grub2_run_script(t, strlen(t), "grub.cfg", &out, &d);
	assert_str(out.s, "0\n0 0\n");
	sb_free(&out);
	diag_free(&d);
}

static void empty_entries_folder_lists_nothing(void **state)
{
	char base[] = "/tmp/kl-limits-XXXXXX";
	assert_non_null(mkdtemp(base));
	char *dir = xasprintf("%s/loader/entries", base);
	write_text_below(base, "loader/entries/.keep", "");
	char *keep = xasprintf("%s/.keep", dir);
	assert_int_equal(unlink(keep), 0);
	free(keep);
	disk_add_dir(base, "sdz1", "ext4", NULL, NULL);
	struct strlist names = {0};
	assert_int_equal(disk_fsio()->list(disk_fsio()->ctx, "sdz1", "/loader/entries", &names), 0);
	assert_int_equal(names.n, 0);
	sl_free(&names);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quoted_pieces_cost_one_copy),
		cmocka_unit_test(empty_quotes_still_make_a_word),
		cmocka_unit_test(sourcing_in_a_loop_is_bounded),
		cmocka_unit_test(bls_expansion_is_bounded),
		cmocka_unit_test(diagnostics_are_capped_per_file),
		cmocka_unit_test(diagnostics_are_capped_in_all),
		cmocka_unit_test(syslinux_self_include_is_bounded),
		cmocka_unit_test(shift_zero_without_parameters),
		cmocka_unit_test(empty_entries_folder_lists_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
