/* The shell over the device layer in host mode: folders stand for filesystems. */
#include "unit.h"
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "disk.h"
#include "log.h"
#include "shell.h"
#include "vt.h"
#include "hostfile.h"

static char base[] = "/tmp/kl-shell-XXXXXX";
static struct vt V;

static void put(const char *rel, const void *data, size_t n)
{
	write_bytes_below(base, rel, data, n);
}

static void puts_file(const char *rel, const char *text)
{
	write_text_below(base, rel, text);
}

static int group_setup(void **state)
{
	assert_non_null(mkdtemp(base));
	puts_file("a/boot/vmlinuz-6.1", "kernel");
	puts_file("a/boot/vmlinuz-5.10", "old kernel");
	puts_file("a/boot/initrd.img-6.1", "initrd");
	puts_file("a/boot/grub/grub.cfg", "set timeout=5\nmenuentry 'Debian' {\n}\n");
	puts_file("a/etc/fstab", "# static file system information\n");
	puts_file("a/my file.txt", "spaces in the name\n");
	const unsigned char bin[] = {0x7f, 'E', 'L', 'F', 0x1b, '[', '2', 'J', 0x00, 0x9b, 0xff, '\r', 'x', '\n'};
	put("a/bin/program", bin, sizeof(bin));
	puts_file("b/kexec-loader.conf", "title x\n");
	char *link = xasprintf("%s/a/loop", base), *target = xasprintf("%s/a", base);
	assert_int_equal(symlink(target, link), 0); /* find must not follow it round and round */
	char *a = xasprintf("%s/a", base), *b = xasprintf("%s/b", base);
	disk_add_dir(a, "sda1", "ext4", "debian", "0e0bd2a5-51b6-4f6b-9d0e-4c5c3d0c9a11");
	disk_add_dir(b, "sdb1", "vfat", "KEXECLOADER", "2222-BBBB");
	free(a), free(b), free(link), free(target);
	return 0;
}

static int group_teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", base);
	int r = system(cmd);
	free(cmd);
	return r;
}

static struct shell SH; /* the state the shell is given */

static int setup(void **state)
{
	vt_open(&V);
	shell_reset(&SH);
	return 0;
}

static int teardown(void **state)
{
	shell_reset(&SH);
	vt_close(&V);
	return 0;
}

static struct target booted;
static int boots;

static int fake_boot(const struct target *t, char **err, void *ctx)
{
	boots++;
	target_free(&booted);
	target_copy(&booted, t);
	*err = xstrdup("kexec_file_load: fake refusal");
	return -1;
}

static const struct shell_hooks hooks = {.boot = fake_boot, .event_fd = -1};

/* Runs one command; returns what it wrote, as raw text. */
static char *run(const char *line)
{
	free(vt_update(&V));
	shell_exec(&SH, &V.t, &hooks, line);
	return vt_update(&V);
}

static void has(const char *out, const char *want)
{
	if (!strstr(out, want))
		fail_msg("'%s' not in the output:\n%s", want, out);
}

static void has_not(const char *out, const char *unwanted)
{
	if (strstr(out, unwanted))
		fail_msg("'%s' should not be in the output:\n%s", unwanted, out);
}

static void check(const char *line, const char *want)
{
	char *out = run(line);
	has(out, want);
	free(out);
}

static void help_names_every_command(void **state)
{
	char *out = run("help");
	const char *cmds[] = {"root ", "kernel ", "initrd ", "cmdline ", "append ", "module ",
			      "reset-vga", "boot ", "disks ", "ls ", "find ", "cat ", "log ", "help ",
			      "reboot ", "poweroff ", "exit "};
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		has(out, cmds[i]);
	free(out);
	check("frobnicate now", "Unknown command 'frobnicate'");
	check("kernel", "kernel needs a path");
}

static void a_typed_target_boots_with_what_was_typed(void **state)
{
	boots = 0;
	check("boot", "give a kernel first");
	check("kernel /boot/vmlinuz-6.1", "");
	check("boot", "Which device");
	assert_int_equal(boots, 0);
	check("root LABEL=debian", "root is LABEL=debian (sda1, ext4)");
	check("initrd /boot/initrd.img-6.1", "");
	check("initrd (sdb1)/kexec-loader.conf", "2 initrds");
	check("cmdline root=/dev/sda1 ro  quiet splash=\"a b\"", "");
	check("reset-vga", "");
	check("boot", "Boot failed: kexec_file_load: fake refusal");
	assert_int_equal(boots, 1);
	assert_str(booted.root, "LABEL=debian");
	assert_str(booted.kernel, "/boot/vmlinuz-6.1");
	assert_int_equal(booted.initrds.n, 2);
	assert_str(booted.initrds.v[1], "(sdb1)/kexec-loader.conf");
	assert_str(booted.cmdline, "root=/dev/sda1 ro  quiet splash=\"a b\"");
	assert_int_equal(booted.kind, KIND_LINUX);
	assert_true(booted.flags & TF_RESET_VGA);
	assert_true(target_bootable(&booted));
	/* append is the same as cmdline; the last one wins */
	check("append console=ttyS0", "");
	check("reset-vga off", "");
	check("boot", "Boot failed");
	assert_str(booted.cmdline, "console=ttyS0");
	assert_false(booted.flags & TF_RESET_VGA);
	target_free(&booted);
}

static void paths_with_spaces_and_devices_in_parentheses(void **state)
{
	check("root (sda1)", "root is sda1");
	check("kernel /my kernel file", "");
	check("module (sdb1)/mod.gz  arg one  two", "");
	check("boot", "Boot failed");
	assert_str(booted.kernel, "/my kernel file");
	assert_int_equal(booted.nmodules, 1);
	assert_str(booted.modules[0].path, "(sdb1)/mod.gz");
	assert_str(booted.modules[0].cmdline, "arg one  two");
	assert_int_equal(booted.kind, KIND_MULTIBOOT);
	check("kernel boot/vmlinuz", "is not a path");
	check("kernel (sda1", "is not a path");
	check("kernel (bad dev)/x", "is not a device");
	check("root not a device", "is not a device");
	check("root sdz9", "Warning: there is no device sdz9");
	check("show", "root sdz9");
	target_free(&booted);
}

static void disks_lists_every_device(void **state)
{
	char *out = run("disks");
	has(out, "Device");
	has(out, "UUID");
	has(out, "sda1");
	has(out, "ext4");
	has(out, "debian");
	has(out, "0e0bd2a5-51b6-4f6b-9d0e-4c5c3d0c9a11");
	has(out, "sdb1");
	has(out, "vfat");
	has(out, "KEXECLOADER");
	has(out, "2222-BBBB");
	free(out);
}

static void ls_lists_folders_with_a_slash(void **state)
{
	check("ls", "(sda1)"); /* no root yet: the devices */
	check("ls (sdb1)/", "kexec-loader.conf");
	check("root sda1", "");
	char *out = run("ls");
	has(out, "boot/");
	has(out, "etc/");
	has(out, "my file.txt");
	free(out);
	out = run("ls /boot");
	has(out, "grub/");
	has(out, "initrd.img-6.1");
	has(out, "vmlinuz-5.10");
	has_not(out, "vmlinuz-5.10/");
	free(out);
	check("ls /nowhere", "file /nowhere not found on sda1");
	check("ls /etc/fstab", "is not a folder");
	check("ls (LABEL=nothing)/", "there is no device LABEL=nothing");
}

static void find_matches_wildcards(void **state)
{
	check("find vmlinuz*", "Give a folder");
	char *out = run("find vmlinuz* (sda1)/");
	has(out, "(sda1)/boot/vmlinuz-6.1\r\n");
	has(out, "(sda1)/boot/vmlinuz-5.10\r\n");
	has_not(out, "initrd");
	has_not(out, "/loop/"); /* the symbolic link is not followed */
	free(out);
	check("root sda1", "");
	out = run("find vmlinuz-?.1");
	has(out, "/boot/vmlinuz-6.1\r\n");
	has_not(out, "5.10");
	free(out);
	out = run("find *.cfg /boot");
	has(out, "/boot/grub/grub.cfg\r\n");
	free(out);
	check("find g* /boot", "/boot/grub/\r\n");
	check("find /boot/*/*.cfg", "/boot/grub/grub.cfg\r\n"); /* a pattern with / matches the path */
	check("find *.txt", "/my file.txt");
	check("find nothing-like-this", "Nothing found.");
	check("find x /none", "not found");
}

static void find_stops_on_ctrl_c(void **state)
{
	for (int i = 0; i < 600; i++) {
		char *rel = xasprintf("a/many/f%03d", i);
		puts_file(rel, "");
		free(rel);
	}
	vt_type(&V, "\003");
	char *out = run("find nomatch* (sda1)/many");
	has(out, "(stopped)");
	has_not(out, "Nothing found");
	free(out);
	out = run("find f59? (sda1)/many");
	has(out, "f599");
	free(out);
}

static void cat_shows_text_and_escapes_the_rest(void **state)
{
	check("root sda1", "");
	check("cat /etc/fstab", "# static file system information\r\n");
	check("cat (sda1)/boot/grub/grub.cfg", "menuentry 'Debian' {\r\n");
	char *out = run("cat /bin/program");
	/* No byte that drives a terminal gets through: ESC, CSI, NUL. */
	has_not(out, "\033[2J");
	assert_null(memchr(out, 0x9b, strlen(out)));
	has(out, "^?ELF^[[2J^@\\x9b\\xff^Mx\r\n");
	free(out);
	check("cat /nothing", "file /nothing not found on sda1");
	check("cat /boot", "is a folder");
	check("cat", "cat needs a file");
}

static void cat_pages_long_files(void **state)
{
	struct strbuf sb = {0};
	for (int i = 0; i < 100; i++)
		sb_printf(&sb, "line %d\n", i);
	put("a/long.txt", sb.s, sb.len);
	sb_free(&sb);
	check("root sda1", "");
	vt_type(&V, " q");
	char *out = run("cat /long.txt");
	has(out, "-- more");
	has(out, "line 45\r\n"); /* the second page */
	has_not(out, "line 46\r\n");
	free(out);
	/* A line longer than the screen is wrapped, and counts as the rows it takes. */
	char wide[4000];
	memset(wide, 'w', sizeof(wide) - 1);
	wide[sizeof(wide) - 1] = 0;
	puts_file("a/wide.txt", wide);
	vt_type(&V, "\003");
	out = run("cat /wide.txt");
	has(out, "-- more");
	assert_true(strlen(out) < 2000);
	free(out);
}

static void log_marks_warnings_and_errors(void **state)
{
	log_warn("a warning for the test");
	log_error("an error for the test");
	char *out = run("log");
	has(out, "W a warning for the test");
	has(out, "E an error for the test");
	free(out);
}

static char *complete(const char *line)
{
	struct strlist words = {0};
	size_t start = shell_complete(&SH, line, strlen(line), &words);
	struct strbuf sb = {0};
	sb_printf(&sb, "%zu:", start);
	for (size_t i = 0; i < words.n; i++)
		sb_printf(&sb, "%s%s", i ? "," : "", words.v[i]);
	sl_free(&words);
	return sb_steal(&sb);
}

static void check_completion(const char *line, const char *want)
{
	char *got = complete(line);
	assert_str(got, want);
	free(got);
}

static void tab_completes_commands_devices_and_paths(void **state)
{
	check_completion("bo", "0:boot");
	check_completion("  re", "2:reboot,reset-vga");
	check_completion("ls (sdb", "3:(sdb1)/");
	check_completion("ls (LABEL=d", "3:(LABEL=debian)/");
	check_completion("root L", "5:LABEL=debian,LABEL=KEXECLOADER");
	check_completion("root (s", "5:(sda1),(sdb1)");
	check_completion("cat (sda1)/boot/vm", "4:(sda1)/boot/vmlinuz-5.10,(sda1)/boot/vmlinuz-6.1");
	check_completion("cat (sda1)/b", "4:(sda1)/bin/,(sda1)/boot/");
	check_completion("cmdline (sda1)/b", "8:");
	check_completion("find (sda1)/b", "5:");         /* the pattern is not a path */
	check_completion("find x (sda1)/e", "7:(sda1)/etc/");
	shell_exec(&SH, &V.t, &hooks, "root sda1");
	check_completion("kernel /boot/g", "7:/boot/grub/");
	check_completion("initrd /boot/grub/", "7:/boot/grub/grub.cfg");
	check_completion("kernel /nothere/", "7:");
}

static void the_shell_runs_lines_with_history_until_exit(void **state)
{
	/* Tab completes in place; Up recalls; junk does not hurt; exit leaves. */
	vt_type(&V, "root (sda1)\r");
	vt_type(&V, "kernel /boot/vmlinuz-6\t\r");
	vt_type(&V, "\033[A\033[A\033[A\r"); /* root (sda1) again */
	vt_type(&V, "\033[15~\033[99;99R\001\002\x1b[Zcmdline one two\r");
	vt_type(&V, "boot\r");
	vt_type(&V, "exi\t\r");
	boots = 0;
	shell_run(&SH, &V.t, &hooks);
	char *out = vt_update(&V);
	assert_int_equal(boots, 1);
	assert_str(booted.kernel, "/boot/vmlinuz-6.1");
	assert_str(booted.cmdline, "one two");
	has(out, SHELL_PROMPT);
	assert_int_equal(SH.le.hist.n, 6);
	assert_str(SH.le.hist.v[2], "root (sda1)"); /* recalled with Up */
	assert_str(SH.le.hist.v[5], "exit "); /* as completed, with its space */
	free(out);
	target_free(&booted);
}

static void long_lines_and_control_characters_do_no_harm(void **state)
{
	char *keys = xmalloc(20000);
	memset(keys, 'x', 9000);
	strcpy(keys + 9000, "\r");
	strcat(keys, "cat \033\033\033[A\033O\r");
	for (int c = 1; c < 32; c++) {
		if (c == '\r' || c == '\n' || c == 3 || c == '\t' || c == 27)
			continue;
		char k[2] = {(char)c, 0};
		strcat(keys, k);
	}
	strcat(keys, "\rexit\r");
	vt_type(&V, keys);
	shell_run(&SH, &V.t, &hooks);
	char *out = vt_update(&V);
	has(out, "Unknown command 'xxxxxxxx");
	free(out);
	free(keys);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(help_names_every_command, setup, teardown),
		cmocka_unit_test_setup_teardown(a_typed_target_boots_with_what_was_typed, setup, teardown),
		cmocka_unit_test_setup_teardown(paths_with_spaces_and_devices_in_parentheses, setup, teardown),
		cmocka_unit_test_setup_teardown(disks_lists_every_device, setup, teardown),
		cmocka_unit_test_setup_teardown(ls_lists_folders_with_a_slash, setup, teardown),
		cmocka_unit_test_setup_teardown(find_matches_wildcards, setup, teardown),
		cmocka_unit_test_setup_teardown(find_stops_on_ctrl_c, setup, teardown),
		cmocka_unit_test_setup_teardown(cat_shows_text_and_escapes_the_rest, setup, teardown),
		cmocka_unit_test_setup_teardown(cat_pages_long_files, setup, teardown),
		cmocka_unit_test_setup_teardown(log_marks_warnings_and_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(tab_completes_commands_devices_and_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(the_shell_runs_lines_with_history_until_exit, setup, teardown),
		cmocka_unit_test_setup_teardown(long_lines_and_control_characters_do_no_harm, setup, teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
