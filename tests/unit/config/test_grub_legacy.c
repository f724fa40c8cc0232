#include "unit.h"
#include "parse_fixture.h"
#include "grub_legacy.h"

static struct grubdev *map;

static int setup(void **state)
{
	parse_setup(state);
	fake_dev(&fs, "sda", "sda", 0, "dos", NULL, NULL);
	fake_dev(&fs, "sda1", "sda", 1, NULL, "boot", NULL);
	fake_dev(&fs, "sda2", "sda", 2, NULL, NULL, NULL);
	fake_dev(&fs, "sdb", "sdb", 0, NULL, "whole", NULL); /* a filesystem on the whole disk */
	map = grubdev_new(&fs.io);
	grubdev_set_home(map, "sda1");
	return 0;
}

static int teardown(void **state)
{
	grubdev_free(map);
	return parse_teardown(state);
}

static void parse_on(const char *dev, const char *text)
{
	struct grub_legacy_opts o = {&fs.io, dev, "/boot/grub/menu.lst", map};
	grub_legacy_parse(&o, text, strlen(text), &list, &diags);
}

static void parse(const char *text)
{
	parse_on("sda1", text);
}

static void entries_default_and_timeout(void **state)
{
	parse("# menu.lst\ndefault\t\t1\ntimeout 5\ncolor cyan/blue white/blue\nhiddenmenu\n"
	      "splashimage=(hd0,0)/grub/splash.xpm.gz\n\n"
	      "title\t\tDebian GNU/Linux, kernel 2.6.26-2-686\n"
	      "root\t\t(hd0,1)\n"
	      "kernel\t\t/boot/vmlinuz-2.6.26-2-686 root=/dev/sda2 ro quiet\n"
	      "initrd\t\t/boot/initrd.img-2.6.26-2-686\nsavedefault\n\n"
	      "title Other\r\nkernel (hd0,0)/vmlinuz\r\ninitrd (hd1)/initrd.img\r\n");
	assert_int_equal(diags.lines.n, 0);
	assert_int_equal(list.n, 2);
	assert_int_equal(list.default_index, 1);
	assert_int_equal(list.timeout, 5);
	assert_true(list.hidden_menu);
	const struct target *t = &list.v[0];
	assert_str(t->title, "Debian GNU/Linux, kernel 2.6.26-2-686");
	assert_str(t->origin, "/boot/grub/menu.lst:8 on sda1");
	assert_str(t->root, "sda2");
	assert_str(t->kernel, "/boot/vmlinuz-2.6.26-2-686");
	assert_str(t->cmdline, "root=/dev/sda2 ro quiet");
	assert_int_equal(t->initrds.n, 1);
	assert_str(t->initrds.v[0], "/boot/initrd.img-2.6.26-2-686");
	assert_int_equal(t->kind, KIND_LINUX);
	assert_true(target_bootable(t));
	t = &list.v[1];
	assert_str(t->root, "sda1"); /* no root line: the menu's own device */
	assert_str(t->kernel, "(sda1)/vmlinuz");
	assert_null(t->cmdline);
	assert_str(t->initrds.v[0], "(sdb)/initrd.img");
}

static void equals_signs_and_later_initrd(void **state)
{
	parse("default=0\ntimeout=0\n\ntitle A\n root (hd0,0)\n kernel /k ro root=LABEL=x\n"
	      " initrd /one\n initrd /two\n");
	assert_int_equal(diags.lines.n, 0);
	assert_int_equal(list.timeout, 0);
	assert_false(list.hidden_menu);
	assert_int_equal(list.default_index, 0);
	assert_str(list.v[0].cmdline, "ro root=LABEL=x");
	assert_int_equal(list.v[0].initrds.n, 1);
	assert_str(list.v[0].initrds.v[0], "/two");
}

static void multiboot_modules(void **state)
{
	parse("title Xen\nroot (hd0,0)\nkernel --type=multiboot /xen.gz dom0_mem=1024M\n"
	      "module /vmlinuz-xen root=/dev/sda2 ro\nmodulenounzip /initrd-xen.img\n");
	assert_int_equal(diags.lines.n, 0);
	const struct target *t = &list.v[0];
	assert_int_equal(t->kind, KIND_MULTIBOOT);
	assert_str(t->kernel, "/xen.gz");
	assert_str(t->cmdline, "dom0_mem=1024M");
	assert_int_equal(t->nmodules, 2);
	assert_str(t->modules[0].path, "/vmlinuz-xen");
	assert_str(t->modules[0].cmdline, "root=/dev/sda2 ro");
	assert_false(t->modules[0].nounzip);
	assert_str(t->modules[1].path, "/initrd-xen.img");
	assert_str(t->modules[1].cmdline, "");
	assert_true(t->modules[1].nounzip);
}

static void chainloader_listed_not_bootable(void **state)
{
	parse("title Windows\nrootnoverify (hd0,1)\nmakeactive\nchainloader +1\n"
	      "title Menu\nconfigfile /boot/grub/other.lst\n"
	      "title NetBSD\nroot (hd0,0)\nkernel --type=netbsd /netbsd\n");
	assert_int_equal(diags.lines.n, 0);
	assert_int_equal(list.n, 3);
	assert_int_equal(list.v[0].kind, KIND_CHAIN);
	assert_false(target_bootable(&list.v[0]));
	assert_non_null(strstr(list.v[0].reason, "BIOS"));
	assert_non_null(strstr(list.v[1].reason, "/boot/grub/other.lst"));
	assert_non_null(strstr(list.v[2].reason, "netbsd"));
}

static void saved_default_from_file(void **state)
{
	fake_file(&fs, "sda1", "/boot/grub/default", "2\n#\n#\n# WARNING: do not edit\n");
	parse("default saved\ntitle A\nkernel /a\ntitle B\nkernel /b\ntitle C\nkernel /c\n");
	assert_int_equal(list.default_index, 2);
	tl_free(&list);
	parse_on("sda2", "default saved\ntitle A\nkernel /a\ntitle B\nkernel /b\n");
	assert_int_equal(list.default_index, 0); /* no `default` file there */
}

static void skipped_entries_keep_default_numbering(void **state)
{
	parse("default 3\n"
	      "title Empty root\nroot\nkernel /x\n"  /* 2-4: skipped */
	      "title Nothing\nroot (hd0,0)\n"        /* 5-6: skipped */
	      "title Good\nkernel /g\n"
	      "title Wanted\nkernel /w\n"
	      "frobnicate\n");
	assert_int_equal(list.n, 2);
	assert_str(list.v[list.default_index].title, "Wanted");
	assert_int_equal(diags.lines.n, 3);
	assert_true(str_starts(diags.lines.v[0], "/boot/grub/menu.lst:3: 'root' without a device"));
	assert_true(str_starts(diags.lines.v[1], "/boot/grub/menu.lst:5: entry 'Nothing' has no kernel"));
	assert_true(str_starts(diags.lines.v[2], "/boot/grub/menu.lst:11: unknown command 'frobnicate'"));
}

static void unknown_device_refused_with_reason(void **state)
{
	parse("title Far\nroot (hd7,0)\nkernel /k\ntitle Far2\nkernel (hd5,2)/k\n");
	assert_int_equal(list.n, 2);
	assert_false(target_bootable(&list.v[0]));
	assert_non_null(strstr(list.v[0].reason, "(hd7,0)"));
	assert_non_null(strstr(list.v[0].reason, "grub-map"));
	assert_non_null(strstr(list.v[1].reason, "(hd5,2)"));
	grubdev_add_map(map, "hd7,1", "UUID=abcd");
	tl_free(&list);
	parse("title Far\nroot (hd7,0)\nkernel /k\n");
	assert_true(target_bootable(&list.v[0]));
	assert_str(list.v[0].root, "UUID=abcd");
}

static void default_out_of_range(void **state)
{
	parse("default 9\ntitle A\nkernel /a\n");
	assert_int_equal(list.default_index, -1);
	assert_int_equal(diags.lines.n, 1);
	assert_non_null(strstr(diags.lines.v[0], "default entry does not exist"));
}

/* The RHEL 7.8 cloud image's grub.conf in the configuration corpus. Its expected
 * JSON there describes the grub.cfg beside it, so the values below are read
 * from the file itself: one entry on the whole-disk filesystem (hd0). */
static void corpus_rhel_grub_conf(void **state)
{
	char *dir = xasprintf("%s/uroot/grub/testdata_new/rhel_7_8_another", corpus_dir());
	size_t len;
	char *path = xasprintf("%s/boot/grub/grub.conf", dir), *text = corpus_text(path, 1 << 20, &len);
	grubdev_set_home(map, "sdb");
	struct grub_legacy_opts o = {&fs.io, "sdb", "/boot/grub/grub.conf", map};
	grub_legacy_parse(&o, text, len, &list, &diags);
	assert_int_equal(diags.lines.n, 0);
	assert_int_equal(list.n, 1);
	assert_int_equal(list.default_index, 0);
	assert_int_equal(list.timeout, 0);
	const struct target *t = &list.v[0];
	assert_str(t->title, "Red Hat Enterprise Linux 7 (3.10.0-1127.el7.x86_64)");
	assert_str(t->root, "sdb");
	assert_str(t->kernel, "/boot/vmlinuz-3.10.0-1127.el7.x86_64");
	assert_str(t->cmdline, "ro root=UUID=71360dfb-1e6e-40dc-abec-3538d5fffa39 console=hvc0 "
			       "LANG=en_US.UTF-8");
	assert_str(t->initrds.v[0], "/boot/initramfs-3.10.0-1127.el7.x86_64.img");
	free(text);
	free(path);
	free(dir);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(entries_default_and_timeout), T(equals_signs_and_later_initrd), T(multiboot_modules),
		T(chainloader_listed_not_bootable), T(saved_default_from_file),
		T(skipped_entries_keep_default_numbering), T(unknown_device_refused_with_reason),
		T(default_out_of_range), T(corpus_rhel_grub_conf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
