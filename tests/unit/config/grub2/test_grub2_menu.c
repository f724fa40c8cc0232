/* grub.cfg files in the shapes grub-mkconfig writes (tests/data/grub2/),
 * menus, defaults, errors and bounds of the GRUB 2 interpreter. */
#include "unit.h"
#include "test_grub2.h"
#include "hostfile.h"
#include "grub2.h"

#include <time.h>

static struct fakefs fs;
static struct target_list tl;
static struct diag_list dg;

/* hd0 is sda: GRUB 2 counts partitions from 1, like the kernel */
static char *to_dev(void *ctx, const char *g)
{
	if (str_starts(g, "hd0,gpt") || str_starts(g, "hd0,msdos"))
		return xasprintf("sda%s", strchr(g, ',') + (g[4] == 'g' ? 4 : 6));
	return NULL;
}

static char *from_dev(void *ctx, const char *k)
{
	return str_starts(k, "sda") ? xasprintf("hd0,gpt%s", k + 3) : NULL;
}

static void load(const char *dev, const char *path)
{
	struct fsio io = fake_io(&fs);
	struct grub2_opts o = {.io = &io, .device = dev, .path = path, .to_device = to_dev,
			       .from_device = from_dev};
	tl_free(&tl);
	diag_free(&dg);
	assert_int_equal(grub2_load(&o, &tl, &dg), 0);
}

static void devices(const char *esp, const char *root)
{
	fake_free(&fs);
	fake_add(&fs, "sda1", esp, "ABCD-1234", "EFI");
	fake_add(&fs, "sda2", root, "0f6a4d5e-1c2b-4a3d-9e8f-7a6b5c4d3e2f", NULL);
	fake_add(&fs, "sdb1", root, "3b0c9d8e-7f6a-4b5c-8d9e-0a1b2c3d4e5f", "ubuntu");
}

static int teardown(void **state)
{
	tl_free(&tl);
	diag_free(&dg);
	fake_free(&fs);
	return 0;
}

static void check_debian12(void)
{
	assert_int_equal(tl.n, 5);
	static const char *const titles[] = {
		"Debian GNU/Linux", "Debian GNU/Linux, with Linux 6.1.0-18-amd64",
		"Debian GNU/Linux, with Linux 6.1.0-18-amd64 (recovery mode)",
		"Debian GNU/Linux, with Linux 6.1.0-17-amd64", "Memtest86+ (custom)"};
	for (size_t i = 0; i < tl.n; i++)
		assert_str(tl.v[i].title, titles[i]);
	const struct target *t = &tl.v[0];
	assert_str(t->kernel, "(sda2)/boot/vmlinuz-6.1.0-18-amd64");
	assert_int_equal(t->initrds.n, 1);
	assert_str(t->initrds.v[0], "(sda2)/boot/initrd.img-6.1.0-18-amd64");
	assert_str(t->cmdline, "BOOT_IMAGE=/boot/vmlinuz-6.1.0-18-amd64 "
			       "root=UUID=0f6a4d5e-1c2b-4a3d-9e8f-7a6b5c4d3e2f ro quiet");
	assert_str(t->id, "gnulinux-simple-0f6a4d5e-1c2b-4a3d-9e8f-7a6b5c4d3e2f");
	assert_str(t->root, "sda2");
	assert_true(target_bootable(t));
	assert_str(tl.v[2].cmdline, "BOOT_IMAGE=/boot/vmlinuz-6.1.0-18-amd64 "
				    "root=UUID=0f6a4d5e-1c2b-4a3d-9e8f-7a6b5c4d3e2f ro single");
	/* saved_entry in grubenv is a path into the submenu */
	assert_int_equal(tl.default_index, 3);
	assert_int_equal(tl.timeout, 5);
	assert_false(tl.hidden_menu);
	assert_str(tl.v[4].kernel, "(sda2)/boot/memtest86+x64.bin");
	assert_int_equal(tl.v[4].kind, KIND_LINUX);
}

static void debian12(void **state)
{
	devices("tests/data/grub2/esp", "tests/data/grub2/debian12");
	load("sda2", "/boot/grub/grub.cfg");
	check_debian12();
	assert_non_null(strstr(tl.v[1].origin, "/boot/grub/grub.cfg:"));
	assert_non_null(strstr(tl.v[1].origin, " on sda2"));
	assert_non_null(strstr(tl.v[4].origin, "custom.cfg:1 on sda2"));
}

static void efi_stub_configfile(void **state)
{
	devices("tests/data/grub2/esp", "tests/data/grub2/debian12");
	load("sda1", "/EFI/debian/grub.cfg");
	check_debian12();
}

static void ubuntu2204(void **state)
{
	devices("tests/data/grub2/esp", "tests/data/grub2/ubuntu2204");
	load("sdb1", "/boot/grub/grub.cfg");
	assert_int_equal(tl.n, 5);
	assert_str(tl.v[0].title, "Ubuntu");
	assert_str(tl.v[0].kernel, "(sdb1)/boot/vmlinuz-5.15.0-91-generic");
	assert_str(tl.v[0].cmdline, "BOOT_IMAGE=/boot/vmlinuz-5.15.0-91-generic "
				    "root=UUID=3b0c9d8e-7f6a-4b5c-8d9e-0a1b2c3d4e5f ro quiet splash vt.handoff=7");
	assert_str(tl.v[2].title, "Ubuntu, with Linux 5.15.0-91-generic (recovery mode)");
	assert_str(tl.v[2].cmdline, "BOOT_IMAGE=/boot/vmlinuz-5.15.0-91-generic "
				    "root=UUID=3b0c9d8e-7f6a-4b5c-8d9e-0a1b2c3d4e5f ro recovery nomodeset "
				    "dis_ucode_ldr");
	assert_str(tl.v[3].title, "Memory test (memtest86+.elf)");
	assert_str(tl.v[4].title, "UEFI Firmware Settings");
	assert_false(target_bootable(&tl.v[4]));
	assert_int_equal(tl.default_index, 0);
	assert_int_equal(tl.timeout, 0);
	assert_true(tl.hidden_menu);
}

static void fedora_blscfg(void **state)
{
	fake_free(&fs);
	fake_add(&fs, "sda1", "tests/data/grub2/esp", "ABCD-1234", NULL);
	fake_add(&fs, "sda2", "tests/data/grub2/fedora/boot", "7d1e2f3a-4b5c-6d7e-8f9a-0b1c2d3e4f5a", NULL);
	load("sda2", "/grub2/grub.cfg");
	assert_int_equal(tl.n, 3);
	assert_str(tl.v[0].title, "Fedora Linux (6.6.8-200.fc39.x86_64) 39 (Workstation Edition)");
	assert_str(tl.v[0].kernel, "(sda2)/vmlinuz-6.6.8-200.fc39.x86_64");
	assert_str(tl.v[0].initrds.v[0], "(sda2)/initramfs-6.6.8-200.fc39.x86_64.img");
	assert_str(tl.v[0].cmdline, "BOOT_IMAGE=/vmlinuz-6.6.8-200.fc39.x86_64 "
				    "root=UUID=9a8b7c6d-5e4f-3a2b-1c0d-e9f8a7b6c5d4 ro rootflags=subvol=root rhgb quiet");
	assert_str(tl.v[1].title, "Fedora Linux (6.5.6-300.fc39.x86_64) 39 (Workstation Edition)");
	assert_str(tl.v[2].title, "Fedora Linux (0-rescue-5a1f0e2d3c4b5a69788796a5b4c3d2e1) 39 (Workstation Edition)");
	/* saved_entry names the BLS file */
	assert_int_equal(tl.default_index, 1);
	assert_int_equal(tl.timeout, 5);
}

static const char *script_dir(void)
{
	return "/tmp/kl-grub2-test";
}

static void write_cfg(const char *name, const char *text)
{
	mkdir(script_dir(), 0700);
	write_text_below(script_dir(), name, text);
}

static void load_text(const char *text)
{
	write_cfg("grub.cfg", text);
	fake_free(&fs);
	fake_add(&fs, "sda1", script_dir(), "1111-2222", "BOOT");
	load("sda1", "/grub.cfg");
}

static void syntax_error_costs_one_entry(void **state)
{
	load_text("menuentry A { linux /a }\n"
		  "menuentry B {\n  linux /b 'unclosed\n}\nmenuentry C { linux /c & }\n"
		  "menuentry D {\n  linux /d x\n}\n");
	/* the unclosed quote runs to the end of the file in GRUB too: only A
	 * survives it; a bad character costs only its entry */
	assert_int_equal(tl.n, 1);
	assert_true(dg.lines.n >= 1);
	assert_non_null(strstr(dg.lines.v[0], "/grub.cfg:"));
	load_text("menuentry A { linux /a }\nmenuentry C { linux /c & }\n"
		  "if true; then\n fi fi\nmenuentry D {\n  linux /d x\n}\n");
	assert_int_equal(tl.n, 2);
	assert_str(tl.v[0].title, "A");
	assert_str(tl.v[1].title, "D");
	assert_str(tl.v[1].cmdline, "BOOT_IMAGE=/d x");
	assert_int_equal(dg.lines.n, 2);
	assert_non_null(strstr(dg.lines.v[0], "/grub.cfg:2:"));
	assert_non_null(strstr(dg.lines.v[1], "/grub.cfg:4:"));
}

static void endless_source_and_loops(void **state)
{
	load_text("menuentry A { linux /a }\nsource /grub.cfg\n");
	assert_int_equal(tl.n, 32);
	assert_true(dg.lines.n >= 1);
	/* the message names the source line that went one file too deep */
	assert_non_null(strstr(dg.lines.v[0], "grub.cfg:2:"));
	assert_non_null(strstr(dg.lines.v[0], "too deeply"));
	load_text("menuentry A { linux /a }\nwhile true; do true; done\nmenuentry B { linux /b }\n");
	assert_int_equal(tl.n, 1);
	assert_true(dg.lines.n >= 1);
	/* a submenu that sources its own file: nesting is bounded (found by fuzzing:
	 * each level ran in a fresh scope, so nothing stopped it but the stack) */
	load_text("menuentry A { linux /a }\nsubmenu S { source /grub.cfg }\n");
	assert_int_equal(tl.n, 33); /* A at the top and in each of 32 nested submenus */
	for (size_t i = 0; i < tl.n; i++)
		assert_str(tl.v[i].title, "A");
	assert_int_equal(dg.lines.n, 1);
	assert_non_null(strstr(dg.lines.v[0], "grub.cfg:2:"));
	assert_non_null(strstr(dg.lines.v[0], "submenus nest more than 32 deep"));
	/* endless recursion in a body stops that body only */
	load_text("function f { f; f; }\nmenuentry A { f; linux /a }\nmenuentry B { linux /b }\n");
	assert_int_equal(tl.n, 2);
	assert_false(target_bootable(&tl.v[0]));
	assert_str(tl.v[1].kernel, "(sda1)/b");
	assert_true(dg.lines.n >= 1);
}

/* A top-level entry's body runs as part of its file: eval (a new piece of
 * that file) and messages name it. Found by fuzzing: eval crashed here. */
static void entry_bodies_run_in_their_file(void **state)
{
	load_text("menuentry A { eval 'linux /a' x }\nmenuentry B {\n\tsource /missing.cfg\n\tlinux /b\n}\n");
	assert_int_equal(tl.n, 2);
	assert_str(tl.v[0].kernel, "(sda1)/a");
	assert_str(tl.v[0].cmdline, "BOOT_IMAGE=/a x");
	assert_str(tl.v[1].kernel, "(sda1)/b");
	assert_int_equal(dg.lines.n, 1);
	assert_non_null(strstr(dg.lines.v[0], "grub.cfg:3:"));
	assert_non_null(strstr(dg.lines.v[0], "/missing.cfg"));
}

static void defaults_and_entry_scope(void **state)
{
	load_text("set default='B'\nset timeout=3\nx=outer\n"
		  "menuentry A { x=inner; linux /a $x }\n"
		  "menuentry B --id bee extra { linux /b $x $1 $2 }\n"
		  "submenu S --id sub { menuentry S1 { linux /s1 $x } ; menuentry S2 --id s2 { linux /s2 } }\n"
		  "x=final\n");
	assert_int_equal(tl.n, 4);
	assert_int_equal(tl.default_index, 1);
	/* bodies run after the file, each in its own scope */
	assert_str(tl.v[0].cmdline, "BOOT_IMAGE=/a inner");
	assert_str(tl.v[1].cmdline, "BOOT_IMAGE=/b final B extra");
	/* submenus see only exported variables */
	assert_str(tl.v[2].cmdline, "BOOT_IMAGE=/s1");
	load_text("set default='sub>s2'\nmenuentry A { linux /a }\n"
		  "submenu S --id sub { menuentry S1 { linux /s1 } ; menuentry S2 --id s2 { linux /s2 } }\n");
	assert_int_equal(tl.default_index, 2);
	load_text("set default='1>0'\nmenuentry A { linux /a }\n"
		  "submenu S { menuentry S1 { linux /s1 } ; menuentry S2 { linux /s2 } }\n");
	assert_int_equal(tl.default_index, 1);
	load_text("set default=7\nmenuentry A { linux /a }\nmenuentry B { linux /b }\n");
	assert_int_equal(tl.default_index, 0);
	assert_int_equal(tl.timeout, -1);
}

static void loaders(void **state)
{
	load_text("menuentry X {\n multiboot2 /xen.gz dom0_mem=1G\n module2 --nounzip /vmlinuz root=/dev/sda1 'a b'\n"
		  " module2 /initrd.img\n}\n"
		  "menuentry C { chainloader +1 }\n"
		  "menuentry I { linux (hd0,gpt1)/k 'q=\"x y\"'; initrd /i1 /i2; initrd /i3 /i4 }\n"
		  "menuentry N { linux (hd9,gpt1)/k }\n");
	assert_int_equal(tl.n, 4);
	const struct target *t = &tl.v[0];
	assert_int_equal(t->kind, KIND_MULTIBOOT2);
	assert_str(t->cmdline, "dom0_mem=1G"); /* the boot engine puts the path first */
	assert_int_equal(t->nmodules, 2);
	assert_true(t->modules[0].nounzip);
	assert_str(t->modules[0].cmdline, "root=/dev/sda1 \"a b\"");
	assert_str(t->modules[1].path, "(sda1)/initrd.img");
	assert_int_equal(tl.v[1].kind, KIND_CHAIN);
	assert_false(target_bootable(&tl.v[1]));
	t = &tl.v[2];
	assert_str(t->cmdline, "BOOT_IMAGE=(hd0,gpt1)/k \"q=\\\"x y\\\"\"");
	assert_int_equal(t->initrds.n, 2);
	assert_str(t->initrds.v[1], "(sda1)/i4");
	assert_false(target_bootable(&tl.v[3]));
}

static void probe_search_env(void **state)
{
	write_cfg("env", "# GRUB Environment Block\na=1\nb=2\nsaved_entry=Two\n#####\n");
	load_text("load_env -f /env a saved_entry\nprobe --set=fs -u (hd0,gpt1)\n"
		  "search -l BOOT --set=dev\nsave_env a\n"
		  "menuentry One { linux /k $a$b $fs $dev }\nmenuentry Two { linux /k }\n"
		  "set default=$saved_entry\n");
	assert_str(tl.v[0].cmdline, "BOOT_IMAGE=/k 1 1111-2222 hd0,gpt1");
	assert_int_equal(tl.default_index, 1);
	assert_int_equal(dg.lines.n, 0);
}

/* 5,000 entries in 50 submenus: report the time, never assert it. */
static void big_menu_timing(void **state)
{
	struct strbuf sb = {0};
	sb_puts(&sb, "set default=0\nset timeout=5\ninsmod part_gpt\n");
	for (int s = 0; s < 50; s++) {
		sb_printf(&sb, "submenu 'Kernels %d' $menuentry_id_option 'sub-%d' {\n", s, s);
		for (int e = 0; e < 100; e++)
			sb_printf(&sb, "\tmenuentry 'Linux %d.%d' --class gnu-linux $menuentry_id_option 'e-%d-%d' {\n"
				       "\t\tload_video\n\t\tinsmod gzio\n\t\tset root='hd0,gpt1'\n"
				       "\t\tlinux /boot/vmlinuz-%d.%d root=UUID=1111 ro quiet\n"
				       "\t\tinitrd /boot/initrd.img-%d.%d\n\t}\n", s, e, s, e, s, e, s, e);
		sb_puts(&sb, "}\n");
	}
	char *text = sb_steal(&sb);
	write_cfg("big.cfg", text);
	free(text);
	fake_free(&fs);
	fake_add(&fs, "sda1", script_dir(), "1111-2222", "BOOT");
	struct timespec a, b, ca, cb;
	clock_gettime(CLOCK_MONOTONIC, &a);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ca);
	load("sda1", "/big.cfg");
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cb);
	clock_gettime(CLOCK_MONOTONIC, &b);
	assert_int_equal(tl.n, 5000);
	assert_str(tl.v[4999].title, "Linux 49.99");
	assert_str(tl.v[4999].kernel, "(sda1)/boot/vmlinuz-49.99");
	printf("grub2: 5000 entries in 50 submenus interpreted in %.1f ms (%.1f ms of CPU; this build)\n",
	       (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6,
	       (cb.tv_sec - ca.tv_sec) * 1e3 + (cb.tv_nsec - ca.tv_nsec) / 1e6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(debian12, teardown),
		cmocka_unit_test_teardown(efi_stub_configfile, teardown),
		cmocka_unit_test_teardown(ubuntu2204, teardown),
		cmocka_unit_test_teardown(fedora_blscfg, teardown),
		cmocka_unit_test_teardown(syntax_error_costs_one_entry, teardown),
		cmocka_unit_test_teardown(endless_source_and_loops, teardown),
		cmocka_unit_test_teardown(defaults_and_entry_scope, teardown),
		cmocka_unit_test_teardown(loaders, teardown),
		cmocka_unit_test_teardown(probe_search_env, teardown),
		cmocka_unit_test_teardown(entry_bodies_run_in_their_file, teardown),
		cmocka_unit_test_teardown(big_menu_timing, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
