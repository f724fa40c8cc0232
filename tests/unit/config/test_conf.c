#include "unit.h"
#include "conf.h"

static struct config cfg;
static struct diag_list diags;

static void parse(const char *text)
{
	config_free(&cfg);
	config_init(&cfg);
	diag_free(&diags);
	conf_parse(&cfg, &diags, text, strlen(text), "kexec-loader.conf", "LABEL=kexecloader");
}

static void two_targets_default_second(void **state)
{
	parse("timeout 1\n"
	      "title One\nroot LABEL=kexecloader\nkernel /vmlinuz\ninitrd /a.img\n"
	      "title Two\n  root\tvda\nkernel (UUID=1234-ABCD)/boot/vmlinuz\n"
	      "initrd /a.img\ninitrd (ext4:vdb1)/b.img\ncmdline console=ttyS0 x=\"a b\" y='c'\ndefault\n");
	assert_int_equal(diags.lines.n, 0);
	assert_int_equal(cfg.targets.n, 2);
	assert_int_equal(cfg.targets.timeout, 1);
	assert_int_equal(cfg.targets.default_index, 1);
	const struct target *t = &cfg.targets.v[1];
	assert_str(t->title, "Two");
	assert_str(t->root, "vda");
	assert_str(t->kernel, "(UUID=1234-ABCD)/boot/vmlinuz");
	assert_int_equal(t->initrds.n, 2);
	assert_str(t->initrds.v[1], "(ext4:vdb1)/b.img");
	assert_str(t->cmdline, "console=ttyS0 x=\"a b\" y='c'");
	assert_str(t->origin, "kexec-loader.conf:6 on LABEL=kexecloader");
	assert_true(target_bootable(t));
	assert_int_equal(t->kind, KIND_LINUX);
}

static void dos_endings_and_comments(void **state)
{
	parse("# a comment\r\n\r\n   # indented comment\r\ntitle A\r\nroot sda1\r\nkernel /k\r\n"
	      "append quiet splash\r\n");
	assert_int_equal(diags.lines.n, 0);
	assert_int_equal(cfg.targets.n, 1);
	assert_str(cfg.targets.v[0].title, "A");
	assert_str(cfg.targets.v[0].cmdline, "quiet splash");
	assert_int_equal(cfg.targets.default_index, -1);
}

static void errors_are_reported_and_valid_targets_survive(void **state)
{
	parse("kernel /early\n"              /* 1: before any title */
	      "title Good\nroot sda1\nkernel /k\n" /* 2-4 */
	      "frobnicate 3\n"               /* 5: unknown */
	      "title NoKernel\nroot sda1\n"  /* 6-7 */
	      "title Bad root\nroot a/b\nkernel /k\n" /* 8-10 */
	      "title NoRoot\nkernel /k\n"    /* 11-12 */
	      "title Last\nroot sdb\nkernel /k2\ntimeout soon\n"); /* 13-16 */
	assert_int_equal(cfg.targets.n, 2);
	assert_str(cfg.targets.v[0].title, "Good");
	assert_str(cfg.targets.v[1].title, "Last");
	assert_int_equal(diags.lines.n, 7);
	assert_true(str_starts(diags.lines.v[0], "kexec-loader.conf:1: 'kernel' must come after"));
	assert_true(str_starts(diags.lines.v[1], "kexec-loader.conf:5: unknown directive 'frobnicate'"));
	assert_true(str_starts(diags.lines.v[2], "kexec-loader.conf:6: target 'NoKernel' has no 'kernel'"));
	assert_true(str_starts(diags.lines.v[3], "kexec-loader.conf:9: 'a/b' is not a device"));
	assert_true(str_starts(diags.lines.v[4], "kexec-loader.conf:8: target 'Bad root' skipped"));
	assert_true(str_starts(diags.lines.v[5], "kexec-loader.conf:11: target 'NoRoot' has no 'root'"));
	assert_true(str_starts(diags.lines.v[6], "kexec-loader.conf:16: timeout 'soon'"));
}

static void globals_and_multiboot(void **state)
{
	parse("timeout off\ngrub-path (LABEL=os)/boot/grub\ngrub-autodetect on\n"
	      "grub-map hd0,1 UUID=abcd\ngrub-map (hd1) sdb\nkmod loop max_part=3 max_loop=2\n"
	      "password grub.pbkdf2.sha512.10000.AA.BB\n"
	      "title Xen\nroot sda1\nkernel /xen.gz console=com1\nmodule /vmlinuz root=/dev/sda1 ro\n"
	      "module --nounzip /initrd.img\nreset-vga\n");
	assert_int_equal(diags.lines.n, 0);
	assert_int_equal(cfg.targets.timeout, -1);
	assert_str(cfg.grub_path, "(LABEL=os)/boot/grub");
	assert_int_equal(config_grub_autodetect(&cfg), 1);
	assert_int_equal(cfg.ngrub_maps, 2);
	assert_str(cfg.grub_maps[0].grub, "hd0,1");
	assert_str(cfg.grub_maps[1].grub, "hd1");
	assert_str(cfg.grub_maps[1].device, "sdb");
	assert_str(config_kmod_args(&cfg, "loop"), "max_part=3 max_loop=2");
	assert_str(config_kmod_args(&cfg, "ext4"), "");
	assert_str(cfg.password, "grub.pbkdf2.sha512.10000.AA.BB");
	const struct target *t = &cfg.targets.v[0];
	assert_int_equal(t->kind, KIND_MULTIBOOT);
	assert_int_equal(t->nmodules, 2);
	assert_str(t->modules[0].path, "/vmlinuz");
	assert_str(t->modules[0].cmdline, "root=/dev/sda1 ro");
	assert_str(t->modules[1].cmdline, "");
	assert_str(t->modules[1].path, "/initrd.img");
	assert_true(t->modules[1].nounzip);
	assert_false(t->modules[0].nounzip);
	assert_true(t->flags & TF_RESET_VGA);
}

static void autodetect_default(void **state)
{
	parse("timeout 3\n");
	assert_int_equal(config_grub_autodetect(&cfg), 1);
	parse("title a\nroot sda\nkernel /k\n");
	assert_int_equal(config_grub_autodetect(&cfg), 0);
	parse("grub-path (sda1)/grub\n");
	assert_int_equal(config_grub_autodetect(&cfg), 0);
}

static void missing_arguments(void **state)
{
	parse("title\ntimeout\ntitle T\nroot\nkernel /k\nroot sda\n");
	assert_int_equal(cfg.targets.n, 0);
	assert_true(diags.lines.n >= 3);
	assert_true(str_starts(diags.lines.v[0], "kexec-loader.conf:1: 'title' needs an argument"));
}

static void no_trailing_newline_and_nul(void **state)
{
	const char text[] = "title A\nroot sda\nkernel /k\nfoo\0bar\ncmdline x";
	config_free(&cfg);
	config_init(&cfg);
	diag_free(&diags);
	conf_parse(&cfg, &diags, text, sizeof(text) - 1, "kxloader.cfg", NULL);
	assert_int_equal(cfg.targets.n, 1);
	assert_str(cfg.targets.v[0].cmdline, "x");
	assert_str(cfg.targets.v[0].origin, "kxloader.cfg:1");
	assert_int_equal(diags.lines.n, 1);
	assert_true(str_starts(diags.lines.v[0], "kxloader.cfg:4: line holds a NUL"));
}

static void network_boot(void **state)
{
	parse("title Net\nroot http,10.0.2.2:8080\nkernel /vmlinuz\n"
	      "initrd http://10.0.2.2:8080/initrd.img\ninitrd (tftp,10.0.2.2)/extra.img\n");
	assert_int_equal(diags.lines.n, 0);
	assert_int_equal(cfg.netboot, -1); /* unset: on when no disk offers a target */
	assert_int_equal(cfg.targets.n, 1);
	assert_str(cfg.targets.v[0].root, "http,10.0.2.2:8080");
	assert_str(cfg.targets.v[0].initrds.v[0], "http://10.0.2.2:8080/initrd.img");
	assert_str(cfg.targets.v[0].initrds.v[1], "(tftp,10.0.2.2)/extra.img");
	parse("netboot off\nnetboot-interface eth1\nnetboot-interface 52:54:00:12:34:56\n");
	assert_int_equal(diags.lines.n, 0);
	assert_int_equal(cfg.netboot, 0);
	assert_int_equal(cfg.net_ifaces.n, 2);
	assert_str(cfg.net_ifaces.v[1], "52:54:00:12:34:56");
	parse("netboot maybe\nnetboot-interface a b\n"
	      "title Bad\nroot http,no host\nkernel /k\n");
	assert_int_equal(cfg.netboot, -1);
	assert_int_equal(cfg.net_ifaces.n, 0);
	assert_int_equal(cfg.targets.n, 0);
	assert_true(diags.lines.n >= 3);
	assert_true(str_starts(diags.lines.v[0], "kexec-loader.conf:1: "));
	assert_true(str_starts(diags.lines.v[1], "kexec-loader.conf:2: 'a b' is not a network interface"));
}

static int teardown(void **state)
{
	config_free(&cfg);
	diag_free(&diags);
	return 0;
}

int main(void)
{
	config_init(&cfg);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(two_targets_default_second),
		cmocka_unit_test(dos_endings_and_comments),
		cmocka_unit_test(errors_are_reported_and_valid_targets_survive),
		cmocka_unit_test(globals_and_multiboot),
		cmocka_unit_test(autodetect_default),
		cmocka_unit_test(missing_arguments),
		cmocka_unit_test(no_trailing_newline_and_nul),
		cmocka_unit_test(network_boot),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
