/* Messages that misled or were missing: each problem named, with the file,
 * the device or the limit, and what to do. */
#include "unit.h"
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include "boot_plan.h"
#include "conf.h"
#include "disk.h"
#include "fakefs.h"
#include "grub2.h"
#include "hostfile.h"
#include "hostmode.h"
#include "sources.h"
#include "collect.h"

/* ---- a damaged filesystem is said to be damaged ---- */

static int damaged_stat(void *ctx, const char *dev, const char *path, bool *is_dir)
{
	return strcmp(dev, "sda1") ? fake_stat(ctx, dev, path, is_dir) : -EBADMSG;
}

static int damaged_list(void *ctx, const char *dev, const char *path, struct strlist *names)
{
	return strcmp(dev, "sda1") ? fake_list(ctx, dev, path, names) : -EBADMSG;
}

static void a_damaged_filesystem_is_named(void **state)
{
	static struct fakefs fs;
	fake_init(&fs);
	fs.io.stat = damaged_stat;
	fs.io.list = damaged_list;
	fake_dev(&fs, "sda1", "sda", 1, NULL, "boot", "1111");
	fake_dev(&fs, "sdb1", "sdb", 1, NULL, "ok", "2222");
	fake_file(&fs, "sdb1", "/syslinux.cfg", "LABEL b\nLINUX /b\n");
	struct target_list l;
	struct diag_list d;
	collect_defaults(&fs.io, &l, &d);
	assert_int_equal(count_with(&d, "sda1: the filesystem cannot be read (Bad message"), 1);
	assert_int_equal(count_with(&d, "sdb1"), 0);
	assert_int_equal(l.n, 1);
	tl_free(&l);
	diag_free(&d);
}

/* ---- a host directory named sda1 is partition 1 of sda to GRUB ---- */

static void hd0_1_is_the_directory_named_sda1(void **state)
{
	char base[] = "/tmp/kl-msg-XXXXXX";
	assert_non_null(mkdtemp(base));
	write_text_below(base, "boot/grub/grub.cfg",
			 "set root=(hd0,1)\nmenuentry Linux { linux /vmlinuz; }\n"
			 "menuentry Other { linux (hd0,2)/vmlinuz; }\n");
	write_text_below(base, "vmlinuz", "k");
	disk_add_dir(base, "sdq1", "ext4", NULL, NULL);
	struct target_list l;
	struct diag_list d;
	collect_defaults(disk_fsio(), &l, &d);
	int lin = tl_find_title(&l, "Linux"), other = tl_find_title(&l, "Other");
	assert_true(lin >= 0 && other >= 0);
	assert_str(l.v[lin].kernel, "(sdq1)/vmlinuz");
	assert_true(target_bootable(&l.v[lin]));
	/* no partition 2 exists: not a made-up "sdq1p2" listed as bootable */
	assert_null(strstr(l.v[other].kernel, "sdq1p"));
	tl_free(&l);
	diag_free(&d);
}

/* ---- an address that wraps is not "above 4 GiB" at a low address ---- */

static void a_wrapping_address_is_told_as_such(void **state)
{
	struct memmap mm = {0};
	memmap_add(&mm, 0x100000, 0x7f00000, MM_RAM);
	struct kexec_plan p;
	plan_init(&p);
	char *err = NULL;
	static const unsigned char b[16];
	assert_int_not_equal(plan_add(&p, &mm, b, sizeof(b), 0xfffffffffffff000ull, 0x20000, NULL,
				      "module 1 (/m)", &err), 0);
	if (!strstr(err, "module 1 (/m) would start at 0xfffffffffffff000 and be 0x20000 bytes long"))
		fail_msg("%s", err);
	assert_null(strstr(err, "0x1f000"));
	free(err);
	plan_free(&p);
	memmap_free(&mm);
}

/* ---- size limits are stated when hit ---- */

static void the_grub_cfg_limit_is_stated(void **state)
{
	static struct fakefs fs;
	fake_init(&fs);
	size_t n = 5 << 20;
	char *big = xmalloc(n + 1);
	memset(big, '#', n);
	big[n] = 0;
	fake_file(&fs, "sda1", "/boot/grub/grub.cfg", big);
	struct grub2_opts o = {.io = &fs.io, .device = "sda1", .path = "/boot/grub/grub.cfg"};
	struct target_list l;
	struct diag_list d = {0};
	tl_init(&l);
	grub2_load(&o, &l, &d);
	assert_int_equal(count_with(&d, "/boot/grub/grub.cfg on sda1 is larger than 4 MiB, the most"), 1);
	tl_free(&l);
	diag_free(&d);
	free(big);
}

/* Runs host mode with its output in a file; returns its status. */
static int host(char **out, int argc, ...)
{
	char *argv[16];
	va_list ap;
	va_start(ap, argc);
	for (int i = 0; i < argc; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	argv[argc] = NULL;
	char path[] = "/tmp/kl-host-out-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	fflush(NULL);
	int o1 = dup(1), o2 = dup(2);
	dup2(fd, 1);
	dup2(fd, 2);
	optind = 0;
	int r = host_main(argc, argv);
	fflush(NULL);
	dup2(o1, 1);
	dup2(o2, 2);
	close(o1), close(o2), close(fd);
	assert_int_equal(read_file_at(AT_FDCWD, path, 1 << 20, out, NULL), 0);
	unlink(path);
	return r;
}

static void the_conf_limit_is_stated(void **state)
{
	char path[] = "/tmp/kl-conf-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 2 << 20), 0);
	close(fd);
	char *out;
	assert_int_equal(host(&out, 3, "kexec-loader", "list", path), 1);
	if (!strstr(out, "is larger than 1 MiB, the most kexec-loader reads"))
		fail_msg("%s", out);
	free(out);
	unlink(path);
}

/* ---- --dev names and plan indexes ---- */

static void dev_names_must_be_kernel_names(void **state)
{
	char *out;
	assert_int_equal(host(&out, 4, "kexec-loader", "--dev", "/tmp,name=", "list"), 2);
	assert_non_null(strstr(out, "the name must be a kernel device name"));
	free(out);
	assert_int_equal(host(&out, 4, "kexec-loader", "--dev", "/tmp,name=a/b", "list"), 2);
	assert_non_null(strstr(out, "without '/' (got 'a/b')"));
	free(out);
}

static void a_plan_index_does_not_wrap(void **state)
{
	char path[] = "/tmp/kl-conf-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *conf = "title only\nroot sda1\nkernel /vmlinuz\n";
	assert_int_equal(write(fd, conf, strlen(conf)), (ssize_t)strlen(conf));
	close(fd);
	char *out;
	assert_int_equal(host(&out, 4, "kexec-loader", "plan", path, "4294967296"), 1);
	if (!strstr(out, "no target '4294967296' (there are 1)"))
		fail_msg("%s", out);
	free(out);
	unlink(path);
}

/* ---- kexec-loader.conf: a byte-order mark, a damaged password hash ---- */

static void a_byte_order_mark_is_skipped(void **state)
{
	struct config c;
	struct diag_list d = {0};
	config_init(&c);
	const char *t = "\xef\xbb\xbftimeout 5\n";
	conf_parse(&c, &d, t, strlen(t), "kexec-loader.conf", "sda1");
	assert_int_equal(d.lines.n, 0);
	assert_int_equal(c.targets.timeout, 5);
	config_free(&c);
	diag_free(&d);
}

static void a_damaged_password_hash_is_told(void **state)
{
	struct config c;
	struct diag_list d = {0};
	config_init(&c);
	const char *t = "password grub.pbkdf2.sha512.10000.0g12.abcd\n"
			"password grub.pbkdf2.sha512.10000.0a12.abcd\n";
	conf_parse(&c, &d, t, strlen(t), "kexec-loader.conf", "sda1");
	assert_int_equal(d.lines.n, 1);
	assert_non_null(strstr(d.lines.v[0], "kexec-loader.conf:1: the password hash is damaged"));
	assert_str(c.password, "grub.pbkdf2.sha512.10000.0a12.abcd"); /* a good one is taken */
	config_free(&c);
	diag_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_damaged_filesystem_is_named),
		cmocka_unit_test(hd0_1_is_the_directory_named_sda1),
		cmocka_unit_test(a_wrapping_address_is_told_as_such),
		cmocka_unit_test(the_grub_cfg_limit_is_stated),
		cmocka_unit_test(the_conf_limit_is_stated),
		cmocka_unit_test(dev_names_must_be_kernel_names),
		cmocka_unit_test(a_plan_index_does_not_wrap),
		cmocka_unit_test(a_byte_order_mark_is_skipped),
		cmocka_unit_test(a_damaged_password_hash_is_told),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
