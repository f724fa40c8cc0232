#include "unit.h"
#include "parse_fixture.h"
#include "sources.h"

static struct config cfg;

static int setup(void **state)
{
	parse_setup(state);
	fake_dev(&fs, "sda", "sda", 0, "dos", NULL, NULL);
	fake_dev(&fs, "sda1", "sda", 1, NULL, "os", "1111");
	fake_dev(&fs, "sdb", "sdb", 0, "gpt", NULL, NULL);
	fake_dev(&fs, "sdb1", "sdb", 1, NULL, "ESP", "2222");
	fake_dev(&fs, "sdb2", "sdb", 2, NULL, NULL, "3333");
	fake_dev(&fs, "sdc1", "sdc", 1, NULL, "kexecloader", "4444");
	config_init(&cfg);
	return 0;
}

static int teardown(void **state)
{
	config_free(&cfg);
	return parse_teardown(state);
}

static void conf(const char *text)
{
	conf_parse(&cfg, &diags, text, strlen(text), "kexec-loader.conf", "LABEL=kexecloader");
}

static void collect(void)
{
	sources_collect(&cfg, &fs.io, "LABEL=kexecloader", &list, &diags);
}

static int find_origin(const char *prefix)
{
	for (size_t i = 0; i < list.n; i++)
		if (str_starts(list.v[i].origin, prefix))
			return (int)i;
	return -1;
}

static void autodetect_every_kind_on_every_filesystem(void **state)
{
	fake_file(&fs, "sda1", "/boot/grub/menu.lst",
		  "default 1\ntimeout 7\ntitle Old\nkernel /old\ntitle Debian\nroot (hd1,1)\nkernel /vmlinuz\n");
	fake_file(&fs, "sda1", "/boot/grub/device.map", "(hd0) /dev/sda\n(hd1) /dev/sdb\n");
	fake_file(&fs, "sdb1", "/loader/entries/fedora.conf", "title Fedora\nlinux /f\noptions quiet\n");
	fake_file(&fs, "sdb2", "/boot/extlinux/extlinux.conf", "LABEL ext\nLINUX /e\n");
	fake_file(&fs, "sdb2", "/isolinux/isolinux.cfg", "LABEL iso\nLINUX /i\n");
	fake_file(&fs, "sdb2", "/isolinux.cfg", "LABEL not-read\nLINUX /n\n"); /* second of its family */
	fake_file(&fs, "sdc1", "/syslinux.cfg", "LABEL kexec-loader\nLINUX /kexec-loader\n");
	collect();
	assert_int_equal(diags.lines.n, 0);
	assert_int_equal(list.n, 5);
	int old = find_origin("/boot/grub/menu.lst:3 on sda1");
	int deb = find_origin("/boot/grub/menu.lst:5 on sda1");
	int fed = find_origin("/loader/entries/fedora.conf:1 on sdb1");
	int ext = find_origin("/boot/extlinux/extlinux.conf:1 on sdb2");
	int iso = find_origin("/isolinux/isolinux.cfg:1 on sdb2");
	assert_true(old >= 0 && deb >= 0 && fed >= 0 && ext >= 0 && iso >= 0);
	assert_str(list.v[deb].root, "sdb2"); /* device.map: hd1 is sdb */
	assert_str(list.v[fed].cmdline, "quiet");
	assert_int_equal(list.default_index, deb);
	assert_int_equal(list.timeout, 7);
	assert_int_equal(tl_find_title(&list, "kexec-loader"), -1);
	assert_int_equal(tl_find_title(&list, "not-read"), -1);
}

static void grub_map_overrides_device_map(void **state)
{
	conf("grub-map hd1 /dev/sda\n");
	fake_file(&fs, "sda1", "/grub/grub.conf", "title T\nroot (hd1,0)\nkernel /k\n");
	fake_file(&fs, "sda1", "/grub/device.map", "(hd1) /dev/sdb\n");
	collect();
	assert_int_equal(list.n, 1);
	assert_str(list.v[0].root, "sda1");
	assert_str(list.v[0].origin, "/grub/grub.conf:1 on sda1");
}

static void conf_targets_and_grub_path(void **state)
{
	conf("timeout 3\ngrub-path (LABEL=ESP)/EFI/debian\n"
	     "title Mine\nroot sda1\nkernel /mine\n");
	fake_file(&fs, "LABEL=ESP", "/EFI/debian/menu.lst", "default 1\ntimeout 9\ntitle A\nkernel /a\n"
		  "title B\nkernel /b\n");
	fake_file(&fs, "sdb2", "/syslinux.cfg", "LABEL auto\nLINUX /x\n"); /* no autodetection */
	collect();
	assert_int_equal(diags.lines.n, 0);
	assert_int_equal(list.n, 3);
	assert_str(list.v[0].title, "Mine");
	assert_str(list.v[1].title, "A");
	assert_str(list.v[1].root, "LABEL=ESP");
	assert_int_equal(list.default_index, 0); /* kexec-loader.conf's targets rule */
	assert_int_equal(list.timeout, 3);
}

static void grub_path_without_config_is_reported(void **state)
{
	conf("grub-path (sda1)/boot/grub\n");
	collect();
	assert_int_equal(list.n, 0);
	assert_int_equal(diags.lines.n, 1);
	assert_non_null(strstr(diags.lines.v[0], "grub-path (sda1)/boot/grub: no grub.cfg"));
}

static void grub2_cfg_preferred_and_repeats_dropped(void **state)
{
	const char *cfg2 = "set timeout=4\nmenuentry 'Debian GNU/Linux' {\n\tlinux /vmlinuz root=/dev/sda1\n}\n";
	fake_file(&fs, "sda1", "/boot/grub/grub.cfg", cfg2);
	fake_file(&fs, "sda1", "/boot/grub/menu.lst", "title Stale\nkernel /stale\n");
	/* The same syslinux.cfg twice, as hybrid images carry it. */
	fake_file(&fs, "sdb2", "/syslinux/syslinux.cfg", "LABEL same\nLINUX /s\n");
	fake_file(&fs, "sdb2", "/isolinux/isolinux.cfg", "LABEL same\nLINUX /s\n");
	collect();
	assert_int_equal(tl_find_title(&list, "Stale"), -1);
	int deb = tl_find_title(&list, "Debian GNU/Linux");
	assert_true(deb >= 0);
	assert_non_null(strstr(list.v[deb].kernel, "vmlinuz"));
	assert_int_equal(list.timeout, 4);
	int same = 0;
	for (size_t i = 0; i < list.n; i++)
		same += strcmp(list.v[i].title, "same") == 0;
	assert_int_equal(same, 1);
}

/* "timeout off" is a value: the menu waits for a key whatever an autodetected
 * grub.cfg says. Without a timeout line, the grub.cfg's applies. */
static void timeout_off_wins_over_an_autodetected_grub_cfg(void **state)
{
	fake_file(&fs, "sda1", "/boot/grub/grub.cfg",
		  "set timeout_style=hidden\nset timeout=5\nmenuentry 'Debian GNU/Linux' {\n"
		  "\tlinux /vmlinuz\n}\n");
	conf("timeout off\ngrub-autodetect on\n");
	collect();
	assert_int_equal(list.n, 1);
	assert_int_equal(list.timeout, -1);
	assert_false(tl_menu_hidden(&list)); /* hidden only while a countdown runs */
	tl_free(&list);
	tl_init(&list);
	config_free(&cfg);
	config_init(&cfg);
	conf("grub-autodetect on\n");
	collect();
	assert_int_equal(list.timeout, 5);
	assert_true(tl_menu_hidden(&list));
	tl_free(&list);
	tl_init(&list);
	config_free(&cfg);
	config_init(&cfg);
	conf("timeout 0\n");
	collect();
	assert_int_equal(list.timeout, 0);
	assert_false(tl_menu_hidden(&list));
}

static void blscfg_entries_not_listed_twice(void **state)
{
	fake_file(&fs, "sda1", "/boot/grub2/grub.cfg", "blscfg\n");
	fake_file(&fs, "sda1", "/boot/loader/entries/f.conf", "title F\nlinux /f\n");
	fake_file(&fs, "sdb1", "/loader/entries/g.conf", "title G\nlinux /g\n"); /* no grub.cfg here */
	collect();
	int f = 0;
	for (size_t i = 0; i < list.n; i++)
		f += strcmp(list.v[i].title, "F") == 0;
	assert_true(f <= 1);
	assert_true(tl_find_title(&list, "G") >= 0);
}

static void efi_stub_grub_cfg(void **state)
{
	fake_file(&fs, "sdb1", "/EFI/fedora/grub.cfg",
		  "menuentry 'From ESP' {\n\tlinux /vmlinuz-esp\n}\n");
	fake_file(&fs, "sdb1", "/EFI/BOOT/BOOTX64.EFI", "MZ");
	collect();
	int i = tl_find_title(&list, "From ESP");
	assert_true(i >= 0);
	assert_true(str_starts(list.v[i].origin, "/EFI/fedora/grub.cfg:"));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(autodetect_every_kind_on_every_filesystem), T(grub_map_overrides_device_map),
		T(conf_targets_and_grub_path), T(grub_path_without_config_is_reported),
		T(grub2_cfg_preferred_and_repeats_dropped), T(timeout_off_wins_over_an_autodetected_grub_cfg), T(blscfg_entries_not_listed_twice),
		T(efi_stub_grub_cfg),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
