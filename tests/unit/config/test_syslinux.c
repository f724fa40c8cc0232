#include "unit.h"
#include "parse_fixture.h"
#include "minijson.h"
#include "syslinux.h"

static const char *const *sysappend; /* what the caller knows for SYSAPPEND, per test */

static int load_from(const char *dev, const char *path)
{
	struct syslinux_opts o = {.io = &fs.io, .device = dev, .path = path, .sysappend = sysappend};
	return syslinux_load(&o, &list, &diags);
}

static void load(const char *text)
{
	fake_file(&fs, "sdb1", "/boot/syslinux/syslinux.cfg", text);
	assert_int_equal(load_from("sdb1", "/boot/syslinux/syslinux.cfg"), 0);
}

static void labels_paths_and_initrds(void **state)
{
	load("# comment\nPROMPT 1\nDEFAULT second\nTIMEOUT 50\n"
	     "Label first\n  kErNeL vmlinuz\n  append initrd=initrd.img,/abs/extra.img root=/dev/sda1 quiet\n"
	     "LABEL second\n  LINUX /boot/vmlinuz-6 ro\n  INITRD a.img,b.img\n  APPEND -\n");
	assert_int_equal(diags.lines.n, 0);
	assert_int_equal(list.n, 2);
	assert_int_equal(list.timeout, 5);
	assert_int_equal(list.default_index, 1);
	const struct target *t = &list.v[0];
	assert_str(t->title, "first");
	assert_str(t->origin, "/boot/syslinux/syslinux.cfg:5 on sdb1");
	assert_str(t->root, "sdb1");
	assert_str(t->kernel, "/boot/syslinux/vmlinuz");
	assert_str(t->cmdline, "BOOT_IMAGE=vmlinuz initrd=initrd.img,/abs/extra.img root=/dev/sda1 quiet");
	assert_int_equal(t->initrds.n, 2);
	assert_str(t->initrds.v[0], "/boot/syslinux/initrd.img");
	assert_str(t->initrds.v[1], "/abs/extra.img");
	t = &list.v[1];
	assert_str(t->kernel, "/boot/vmlinuz-6");
	/* APPEND - : nothing appended; INITRD after it, as SYSLINUX puts it */
	assert_str(t->cmdline, "BOOT_IMAGE=/boot/vmlinuz-6 ro initrd=a.img,b.img");
	assert_int_equal(t->initrds.n, 2);
	assert_str(t->initrds.v[1], "/boot/syslinux/b.img");
}

static void global_append_and_timeouts(void **state)
{
	load("APPEND console=ttyS0\nTIMEOUT 15\nUI menu.c32\nLABEL a\nKERNEL /k\n"
	     "LABEL b\nKERNEL /k\nAPPEND own\n");
	assert_str(list.v[0].cmdline, "BOOT_IMAGE=/k console=ttyS0");
	assert_str(list.v[1].cmdline, "BOOT_IMAGE=/k own");
	assert_int_equal(list.timeout, 2); /* 1.5 s, rounded up */
	assert_false(list.hidden_menu);
	tl_free(&list);
	load("DEFAULT vesamenu.c32\nTIMEOUT 0\nMENU HIDDEN\nLABEL a\nKERNEL /k\n");
	assert_int_equal(list.timeout, -1); /* a menu with TIMEOUT 0 waits */
	assert_true(list.hidden_menu);
	tl_free(&list);
	load("DEFAULT a\nTIMEOUT 100\nLABEL a\nKERNEL /k\n");
	assert_int_equal(list.timeout, 0); /* PROMPT 0 without a menu: boots at once */
}

static void default_precedence(void **state)
{
	load("UI menu.c32\nDEFAULT a\nONTIMEOUT c\nLABEL a\nKERNEL /a\nLABEL b\nMENU DEFAULT\nKERNEL /b\n"
	     "LABEL c\nKERNEL /c\n");
	assert_str(list.v[list.default_index].title, "c");
	tl_free(&list);
	load("UI menu.c32\nDEFAULT a\nLABEL a\nKERNEL /a\nLABEL b\nMENU DEFAULT\nKERNEL /b\n");
	assert_str(list.v[list.default_index].title, "b");
	tl_free(&list);
	load("DEFAULT B\nLABEL a\nKERNEL /a\nLABEL b\nKERNEL /b\n"); /* case-insensitive fallback */
	assert_str(list.v[list.default_index].title, "b");
}

static void menu_label_hide_and_text(void **state)
{
	load("LABEL live\n MENU LABEL ^Start Live\n MENU HIDE\n TEXT HELP\n  kernel /evil\n"
	     "  label bogus\n ENDTEXT\n KERNEL /vmlinuz\n"
	     "LABEL back\n MENU LABEL Back\n MENU EXIT\nLABEL empty\n");
	assert_int_equal(list.n, 1);
	assert_str(list.v[0].title, "Start Live");
	assert_str(list.v[0].kernel, "/vmlinuz");
	assert_true(list.v[0].flags & TF_HIDDEN);
	assert_int_equal(diags.lines.n, 1); /* "back" exits a menu: no message */
	assert_str(diags.lines.v[0], "/boot/syslinux/syslinux.cfg:12: label 'empty' has no KERNEL line; skipped");
}

static void includes_relative_and_bounded(void **state)
{
	fake_file(&fs, "sdb1", "/boot/syslinux/menu.cfg", "LABEL inc\nKERNEL inc.img.gz\n");
	fake_file(&fs, "sdb1", "/boot/syslinux/loop.cfg", "LABEL loop\nKERNEL /k\nINCLUDE loop.cfg\nINCLUDE loop.cfg\n");
	load("include menu.cfg\nMENU INCLUDE /boot/syslinux/menu.cfg Title\nINCLUDE missing.cfg\n");
	assert_int_equal(list.n, 2);
	assert_str(list.v[0].kernel, "/boot/syslinux/inc.img.gz");
	assert_int_equal(diags.lines.n, 1);
	assert_str(diags.lines.v[0], "file /boot/syslinux/missing.cfg not found on sdb1");
	tl_free(&list);
	diag_free(&diags);
	load("INCLUDE loop.cfg\n");
	assert_true(list.n >= 15 && list.n <= 64);
	assert_true(diags.lines.n > 0);
	assert_non_null(strstr(diags.lines.v[0], "INCLUDEs nest too deep or are too many"));
}

static void mboot_is_multiboot(void **state)
{
	fake_file(&fs, "sr0", "/isolinux/isolinux.cfg",
		  "label xen\n kernel mboot.c32\n append xen.gz console=none --- vmlinuz inst.stage2=hd:LABEL=Q "
		  "quiet --- initrd.img\n");
	load_from("sr0", "/isolinux/isolinux.cfg");
	const struct target *t = &list.v[0];
	assert_int_equal(t->kind, KIND_MULTIBOOT);
	assert_true(target_bootable(t));
	assert_str(t->kernel, "/isolinux/xen.gz");
	assert_str(t->cmdline, "console=none");
	assert_int_equal(t->nmodules, 2);
	assert_str(t->modules[0].path, "/isolinux/vmlinuz");
	assert_str(t->modules[0].cmdline, "inst.stage2=hd:LABEL=Q quiet");
	assert_str(t->modules[1].path, "/isolinux/initrd.img");
	assert_str(t->modules[1].cmdline, "");
}

static void not_bootable_kinds(void **state)
{
	load("LABEL hdt\nKERNEL hdt.c32\nLABEL local\nLOCALBOOT 0\nLABEL other\nCONFIG /other.cfg\n"
	     "LABEL bs\nKERNEL boot.bss\nLABEL c32\nCOM32 reboot.c32\nLABEL dos\nKERNEL memdisk.img\n");
	assert_int_equal(list.n, 6);
	for (size_t i = 0; i < list.n; i++) {
		assert_int_equal(list.v[i].kind, KIND_CHAIN);
		assert_false(target_bootable(&list.v[i]));
	}
	assert_non_null(strstr(list.v[0].reason, "hdt.c32"));
	assert_non_null(strstr(list.v[1].reason, "BIOS"));
	assert_non_null(strstr(list.v[2].reason, "/other.cfg"));
	assert_non_null(strstr(list.v[3].reason, "boot.bss"));
}

static void default_command_line(void **state)
{
	load("DEFAULT /vmlinuz root=/dev/sda2\nAPPEND quiet\n");
	assert_int_equal(list.n, 1);
	assert_str(list.v[0].title, "/vmlinuz root=/dev/sda2");
	assert_str(list.v[0].kernel, "/vmlinuz");
	assert_str(list.v[0].cmdline, "BOOT_IMAGE=/vmlinuz root=/dev/sda2 quiet");
	assert_int_equal(list.default_index, 0);
}

/* PXELINUX 6.04's own example: KERNEL, APPEND, INITRD and IPAPPEND 2. */
static void pxelinux_command_line_order(void **state)
{
	static const char *const known[SYSAPPEND_MAX] = {
		[SYSAPPEND_IP] = "ip=10.0.2.15:10.0.2.2:10.0.2.2:255.255.255.0",
		[SYSAPPEND_BOOTIF] = "BOOTIF=01-52-54-00-12-34-56",
		[SYSAPPEND_SYSUUID] = "SYSUUID=8f3c0e4a-0000-4000-8000-000000000001",
		[SYSAPPEND_SYSPRODUCT] = "SYSPRODUCT=Standard PC  (Q35) ",
	};
	sysappend = known;
	load("LABEL debian\n KERNEL debian/linux\n INITRD debian/initrd.gz\n APPEND vga=788 quiet\n"
	     " IPAPPEND 2\n");
	assert_str(list.v[0].cmdline,
		   "BOOT_IMAGE=debian/linux vga=788 quiet initrd=debian/initrd.gz BOOTIF=01-52-54-00-12-34-56");
	assert_str(list.v[0].initrds.v[0], "/boot/syslinux/debian/initrd.gz");
	tl_free(&list);
	/* The global SYSAPPEND applies to labels without their own, in bit order;
	 * blanks in a string become one '_' and none at its ends */
	load("SYSAPPEND 0x27\nLABEL a\n KERNEL /k ro\nLABEL b\n KERNEL /k\n APPEND x\n IPAPPEND 1\n"
	     "LABEL c\n KERNEL /k\n SYSAPPEND 0\n");
	assert_str(list.v[0].cmdline, "BOOT_IMAGE=/k ro ip=10.0.2.15:10.0.2.2:10.0.2.2:255.255.255.0 "
				      "BOOTIF=01-52-54-00-12-34-56 SYSUUID=8f3c0e4a-0000-4000-8000-000000000001 "
				      "SYSPRODUCT=Standard_PC_(Q35)");
	assert_str(list.v[1].cmdline, "BOOT_IMAGE=/k x ip=10.0.2.15:10.0.2.2:10.0.2.2:255.255.255.0");
	assert_str(list.v[2].cmdline, "BOOT_IMAGE=/k");
	tl_free(&list);
	/* On a disk nothing is known for the PXE bits: nothing is added */
	sysappend = NULL;
	load("LABEL a\n KERNEL /k\n IPAPPEND 3\n");
	assert_str(list.v[0].cmdline, "BOOT_IMAGE=/k");
}

/* A corpus file reference below the case directory. */
static const char *below(const struct jv *file, const char *casename)
{
	const char *s = file ? jstr(file, "url") : NULL;
	const char *at = s ? strstr(s, casename) : NULL;
	return at ? at + strlen(casename) : NULL;
}

/* u-root leaves out SYSLINUX's "BOOT_IMAGE=KERNEL " at the front. */
static const char *after_boot_image(const struct target *t)
{
	const char *s = t->cmdline ? t->cmdline : "";
	if (t->kind != KIND_LINUX)
		return s;
	assert_true(str_starts(s, "BOOT_IMAGE="));
	s += strcspn(s, " ");
	return s + strspn(s, " ");
}

/* u-root lists the default first, then the others in file order, and leaves
 * out what it cannot boot; see docs/corpus-differences.md for the rest. */
static void check_uroot(const char *casename)
{
	char *dir = xasprintf("%s/uroot/syslinux/testdata/%s", corpus_dir(), casename);
	char *jpath = xasprintf("%s.json", dir), *json = corpus_text(jpath, 1 << 22, NULL);
	fake_hostdir(&fs, casename, dir);
	assert_int_equal(load_from(casename, "/isolinux/isolinux.cfg"), 0);
	struct target_list order;
	tl_init(&order);
	struct target t;
	target_copy(&t, &list.v[tl_default(&list)]);
	tl_push(&order, &t);
	for (size_t i = 0; i < list.n; i++)
		if (i != tl_default(&list) && list.v[i].kind != KIND_CHAIN)
			target_copy(&t, &list.v[i]), tl_push(&order, &t);
	struct jv want;
	const char *p = json;
	jparse(&p, &want);
	assert_int_equal(order.n, want.n);
	for (size_t i = 0; i < want.n; i++) {
		const struct jv *w = &want.v[i];
		const struct target *g = &order.v[i];
		struct strbuf name = {0};
		for (const char *c = jstr(w, "name"); *c; c++)
			if (*c != '^')
				sb_putc(&name, *c);
		assert_str(g->title, name.s);
		sb_free(&name);
		assert_str(g->kernel, below(jget(w, "kernel"), casename));
		assert_str(after_boot_image(g), jstr(w, "cmdline"));
		const struct jv *initrd = jget(w, "initrd"), *mods = jget(w, "modules");
		assert_int_equal(g->initrds.n, initrd ? 1 : 0);
		if (initrd)
			assert_str(g->initrds.v[0], below(initrd, casename));
		assert_int_equal(g->kind, mods ? KIND_MULTIBOOT : KIND_LINUX);
		for (size_t m = 0; mods && m < mods->n; m++) {
			assert_str(g->modules[m].path, below(&mods->v[m], casename));
			/* u-root's module command line starts with the file as written */
			char *full = *g->modules[m].cmdline
				? xasprintf("%s %s", jstr(&mods->v[m], "name"), g->modules[m].cmdline)
				: xstrdup(jstr(&mods->v[m], "name"));
			assert_str(full, jstr(&mods->v[m], "cmdline"));
			free(full);
		}
	}
	jfree(&want);
	tl_free(&order);
	free(json), free(jpath), free(dir);
}

static void corpus_fedora_27(void **state)
{
	check_uroot("fedora_27_install");
	assert_int_equal(list.timeout, 60);
}

static void corpus_qubes_3_2(void **state)
{
	check_uroot("qubes_3_2_install");
}

static void corpus_debian_9(void **state)
{
	check_uroot("debian_9_install");
	assert_int_equal(diags.lines.n, 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, parse_setup, parse_teardown)
	const struct CMUnitTest tests[] = {
		T(labels_paths_and_initrds), T(global_append_and_timeouts), T(default_precedence),
		T(menu_label_hide_and_text), T(includes_relative_and_bounded), T(mboot_is_multiboot),
		T(not_bootable_kinds), T(default_command_line), T(pxelinux_command_line_order), T(corpus_fedora_27), T(corpus_qubes_3_2),
		T(corpus_debian_9),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
