/* Hostile inputs anyone could leave on a USB stick: each must cost PID 1
 * bounded memory, end with a message naming the file, and never crash it.
 * Memory is measured (peakmem.h), not taken from the code's own counters. */
#include "unit.h"
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include "bls.h"
#include "collect.h"
#include "boot.h"
#include "conf.h"
#include "gzip_pack.h"
#include "sources.h"
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
	return "quarantine_size_mb=4:allocator_may_return_null=1";
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

/* A small file sourced 20,000 times: 2 MB of text, well under its bound,
 * but each source keeps a parsed tree (before, 16 KiB at least: 320 MB). */
static void small_sources_are_bounded_by_their_trees(void **state)
{
	static struct sourcing s;
	fake_init(&s.fs);
	fake_file(&s.fs, "sda1", "/boot/grub/small.cfg",
		  "# theme\nset color_normal=white/black\nset menu_color_highlight=black/white\n");
	struct strbuf cfg = {0};
	sb_puts(&cfg, "set thousand=\"");
	for (int i = 0; i < 1000; i++)
		sb_puts(&cfg, "x ");
	sb_puts(&cfg, "\"\nfor i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do\n"
		      " for j in $thousand; do source /boot/grub/small.cfg; done\n"
		      "done\nmenuentry after { linux /vmlinuz; }\n");
	fake_file(&s.fs, "sda1", "/boot/grub/grub.cfg", cfg.s);
	long mib = peak_mib(load_grub, &s);
	assert_true(mib < 150);
	load_grub(&s);
	assert_int_equal(count_with(&s.d, "grub.cfg:3: more than 64 MiB taken by sourced or evaluated scripts"), 1);
	diag_free(&s.d);
	free(cfg.s);
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
	struct syslinux_opts o = {.io = &fs.io, .device = "sda1", .path = "/syslinux.cfg"};
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

/* ---- running out of memory returns to the caller, with a message ---- */

static void too_big_an_allocation_returns(void **state)
{
	struct oom_point p;
	volatile int reached = 0;
	oom_push(&p);
	if (sigsetjmp(p.jb, 0) == 0) {
		void *x = xmalloc((size_t)1 << 60);
		free(x);
		reached = 1;
	} else {
		reached = 2;
	}
	oom_pop(&p);
	assert_int_equal(reached, 2);
	void *x = xmalloc(100); /* and allocation works again afterwards */
	free(x);
}

/* Runs in a child (peakmem.h): what the failed work took is lost on purpose,
 * and the leak checker must not count that against the test. */
static void fail_inside_one_filesystem(void *arg)
{
	static struct fakefs fs;
	fake_init(&fs);
	fake_dev(&fs, "sda1", "sda", 1, NULL, "a", "1111");
	fake_dev(&fs, "sdb1", "sdb", 1, NULL, "b", "2222");
	fake_file(&fs, "sda1", "/boot/grub/grub.cfg",
		  "for i in 1 2 3 4 5 6 7 8 9; do menuentry \"A $i\" { linux /a; }; done\n");
	fake_file(&fs, "sdb1", "/syslinux.cfg", "LABEL b\nLINUX /b\n");
	struct target_list l;
	struct diag_list d;
	xalloc_fail_after(60); /* inside sda1's grub.cfg */
	collect_defaults(&fs.io, &l, &d);
	xalloc_fail_after(0);
	bool told = count_with(&d, "sda1: not enough memory to read the boot menus") == 1;
	/* the other filesystem is still read */
	bool other = l.n >= 1 && !strcmp(l.v[l.n - 1].title, "b");
	if (!told || !other) {
		fprintf(stderr, "told %d, other %d, %zu targets, %zu messages\n", told, other, l.n,
			d.lines.n);
		_exit(1);
	}
}

static void out_of_memory_in_one_filesystem(void **state)
{
	peak_mib(fail_inside_one_filesystem, NULL);
}

/* ---- loading a target within the memory there is ---- */

static char loaddir[] = "/tmp/kl-load-XXXXXX";

static void sparse(const char *rel, off_t size)
{
	write_sparse_below(loaddir, rel, size);
}

struct load_try {
	struct target t;
	struct boot_opts o;
	char *err;
	int r;
};

static void plan_target(void *arg)
{
	struct load_try *lt = arg;
	FILE *null = fopen("/dev/null", "w");
	lt->o.print_plan = null;
	lt->r = boot_load(&lt->t, &lt->o, &lt->err);
	fclose(null);
}

static void setup_loaddir(void)
{
	if (loaddir[14] != 'X')
		return;
	assert_non_null(mkdtemp(loaddir));
	write_bzimage_below(loaddir, "vmlinuz", 0); /* the 32-bit protocol */
	sparse("big1.img", 40 << 20);
	sparse("big2.img", 40 << 20);
	disk_add_dir(loaddir, "sdy1", "ext4", NULL, NULL);
}

static void initrds_beyond_the_memory_are_refused(void **state)
{
	setup_loaddir();
	struct load_try lt = {0};
	target_init(&lt.t);
	lt.t.title = xstrdup("two big initrds");
	lt.t.root = xstrdup("sdy1");
	lt.t.kernel = xstrdup("/vmlinuz");
	sl_push(&lt.t.initrds, "/big1.img");
	sl_push(&lt.t.initrds, "/big2.img");
	lt.o.force_kexec_load = true;
	lt.o.memory_limit = 64 << 20;
	assert_true(peak_mib(plan_target, &lt) < 72); /* one 40 MiB initrd read, not two */
	plan_target(&lt);
	assert_int_equal(lt.r, -1);
	if (!strstr(lt.err, "not enough memory to load /big2.img on sdy1 (40 MiB)"))
		fail_msg("%s", lt.err);
	free(lt.err);
	target_free(&lt.t);
}

static void a_kernel_bomb_is_refused_by_name(void **state)
{
	setup_loaddir();
	size_t n = 100 << 20, zlen;
	unsigned char *z = gzip_zeros(n, 1, &zlen);
	char *p = xasprintf("%s/bomb.gz", loaddir);
	write_bytes(p, z, zlen);
	free(p);
	free(z);
	struct load_try lt = {0};
	target_init(&lt.t);
	lt.t.title = xstrdup("bomb");
	lt.t.root = xstrdup("sdy1");
	lt.t.kernel = xstrdup("/bomb.gz");
	lt.o.memory_limit = 48 << 20;
	assert_true(peak_mib(plan_target, &lt) < 100);
	plan_target(&lt);
	assert_int_equal(lt.r, -1);
	if (!strstr(lt.err, "/bomb.gz on sdy1: the gzip data would unpack to more than 47 MiB"))
		fail_msg("%s", lt.err);
	free(lt.err);
	target_free(&lt.t);
}

/* ---- work that the step count did not see ---- */

static void run_script_quietly(void *text)
{
	struct strbuf out = {0};
	struct diag_list d = {0};
	grub2_run_script(text, strlen(text), "grub.cfg", &out, &d);
	if (out.len > 200)
		out.s[200] = 0;
	fprintf(stderr, "%s", out.s ? out.s : "");
	sb_free(&out);
	diag_free(&d);
}

static void many_variables_expanded_in_a_loop(void **state)
{
	struct strbuf sb = {0};
	for (int i = 0; i < 4096; i++)
		sb_printf(&sb, "set v%d=x\n", i);
	sb_puts(&sb, "for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do\n"
		     " for j in 1 2 3 4 5; do set y=\"");
	for (int i = 0; i < 40000; i++) /* 280 KB of references to the last variable */
		sb_puts(&sb, "$v4095");
	sb_puts(&sb, "\"; done\ndone\n");
	assert_true(peak_mib_cpu(run_script_quietly, sb.s, 20) < 64);
	sb_free(&sb);
}

static void too_many_variables_are_told(void **state)
{
	struct strbuf sb = {0};
	for (int i = 0; i < 5000; i++)
		sb_printf(&sb, "set v%d=x\n", i);
	sb_puts(&sb, "echo $v4000 $v4999\n");
	struct strbuf out = {0};
	struct diag_list d = {0};
	grub2_run_script(sb.s, sb.len, "grub.cfg", &out, &d);
	assert_int_equal(count_with(&d, "grub.cfg: more than 4096 variables; the others are not set"), 1);
	assert_str(out.s, "x\n"); /* the first ones are set, the last ones not */
	sb_free(&out);
	diag_free(&d);
	sb_free(&sb);
}

static void many_functions(void **state)
{
	struct strbuf sb = {0};
	for (int i = 0; i < 140000; i++) /* 3.9 MB */
		sb_printf(&sb, "function f%d { true; }\n", i);
	sb_puts(&sb, "f139999\n");
	assert_true(peak_mib_cpu(run_script_quietly, sb.s, 20) < 256);
	sb_free(&sb);
}

struct grub_run {
	struct fakefs fs;
	struct diag_list d;
	size_t targets;
};

static void load_grub_run(void *arg)
{
	struct grub_run *g = arg;
	struct grub2_opts o = {.io = &g->fs.io, .device = "sda1", .path = "/boot/grub/grub.cfg"};
	struct target_list l;
	tl_init(&l);
	grub2_load(&o, &l, &g->d);
	g->targets = l.n;
	tl_free(&l);
}

static void many_submenus_with_many_variables(void **state)
{
	static struct grub_run g;
	fake_init(&g.fs);
	struct strbuf sb = {0};
	for (int i = 0; i < 4096; i++)
		sb_printf(&sb, "set v%d=x\n", i);
	sb_puts(&sb, "export v1\n");
	for (int i = 0; i < 1000; i++)
		sb_printf(&sb, "submenu s%d { set w=$v1; menuentry \"e $w\" { linux /k; } }\n", i);
	fake_file(&g.fs, "sda1", "/boot/grub/grub.cfg", sb.s);
	assert_true(peak_mib_cpu(load_grub_run, &g, 20) < 64);
	load_grub_run(&g);
	assert_int_equal(g.targets, 1000);
	diag_free(&g.d);
	sb_free(&sb);
}

static void load_env_in_a_loop(void **state)
{
	static struct grub_run g;
	fake_init(&g.fs);
	struct strbuf env = {0};
	sb_puts(&env, "# GRUB Environment Block\n");
	while (env.len < (4u << 20) - 1100) {
		sb_printf(&env, "k%zu=", env.len % 977);
		for (int i = 0; i < 1000; i++)
			sb_putc(&env, 'v');
		sb_putc(&env, '\n');
	}
	fake_file(&g.fs, "sda1", "/boot/grub/grubenv", env.s);
	fake_file(&g.fs, "sda1", "/boot/grub/grub.cfg",
		  "for i in 1 2 3 4 5 6 7 8 9 10; do for j in 1 2 3 4 5 6 7 8 9 10; do\n"
		  " for k in 1 2 3 4 5 6 7 8 9 10; do load_env; done; done; done\n"
		  "menuentry e { linux /k; }\n");
	assert_true(peak_mib_cpu(load_grub_run, &g, 20) < 128);
	load_grub_run(&g);
	assert_int_equal(count_with(&g.d, "more than 64 MiB read from files"), 1);
	diag_free(&g.d);
	sb_free(&env);
}

static char blsdir[] = "/tmp/kl-bls-XXXXXX";

static void load_many_bls(void *arg)
{
	struct target_list l;
	struct diag_list d = {0};
	tl_init(&l);
	struct bls_opts o = {.io = disk_fsio(), .device = "sdx1", .dir = "/loader/entries",
			     .standalone = true};
	bls_load(&o, &l, &d);
	*(size_t *)arg = l.n;
	if (l.n && !strstr(l.v[0].title, "Same ("))
		_exit(3); /* equal titles are told apart by version */
	tl_free(&l);
	diag_free(&d);
}

static void many_bls_entries_with_one_title(void **state)
{
	assert_non_null(mkdtemp(blsdir));
	for (int i = 0; i < 40000; i++) {
		char rel[64], text[96];
		snprintf(rel, sizeof(rel), "loader/entries/e%05d.conf", i);
		snprintf(text, sizeof(text), "title Same\nversion %d\nlinux /k\n", i);
		write_text_below(blsdir, rel, text);
	}
	disk_add_dir(blsdir, "sdx1", "ext4", NULL, NULL);
	size_t n = 0;
	assert_true(peak_mib_cpu(load_many_bls, &n, 20) < 256);
	load_many_bls(&n);
	assert_int_equal(n, KL_MAX_TARGETS_PER_FILE); /* the rest are left out, with a message */
	remove_tree(blsdir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quoted_pieces_cost_one_copy),
		cmocka_unit_test(empty_quotes_still_make_a_word),
		cmocka_unit_test(sourcing_in_a_loop_is_bounded),
		cmocka_unit_test(small_sources_are_bounded_by_their_trees),
		cmocka_unit_test(bls_expansion_is_bounded),
		cmocka_unit_test(diagnostics_are_capped_per_file),
		cmocka_unit_test(diagnostics_are_capped_in_all),
		cmocka_unit_test(syslinux_self_include_is_bounded),
		cmocka_unit_test(shift_zero_without_parameters),
		cmocka_unit_test(empty_entries_folder_lists_nothing),
		cmocka_unit_test(many_variables_expanded_in_a_loop),
		cmocka_unit_test(too_many_variables_are_told),
		cmocka_unit_test(many_functions),
		cmocka_unit_test(many_submenus_with_many_variables),
		cmocka_unit_test(load_env_in_a_loop),
		cmocka_unit_test(many_bls_entries_with_one_title),
		cmocka_unit_test(too_big_an_allocation_returns),
		cmocka_unit_test(out_of_memory_in_one_filesystem),
		cmocka_unit_test(initrds_beyond_the_memory_are_refused),
		cmocka_unit_test(a_kernel_bomb_is_refused_by_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
