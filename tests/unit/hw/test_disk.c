/* The device layer in host mode: directories stand for filesystems. */
#include "unit.h"
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <errno.h>
#include "disk.h"
#include "hostfile.h"

static char base[] = "/tmp/kl-disk-XXXXXX";

static void put(const char *rel, const char *text)
{
	write_text_below(base, rel, text);
}

static int setup(void **state)
{
	assert_non_null(mkdtemp(base));
	char *a = xasprintf("%s/a", base), *b = xasprintf("%s/b", base);
	mkdir(a, 0755);
	mkdir(b, 0755);
	char *boot = xasprintf("%s/a/boot", base);
	mkdir(boot, 0755);
	put("a/boot/vmlinuz", "kernel-a");
	put("b/secret", "outside");
	put("b/file", "b-file");
	char *link = xasprintf("%s/a/escape", base), *link2 = xasprintf("%s/a/boot/up", base);
	assert_int_equal(symlink("../b/secret", link), 0);
	assert_int_equal(symlink("/boot/vmlinuz", link2), 0);
	disk_add_dir(a, "sda1", "ext4", "root-a", "1111-AAAA");
	disk_add_dir(b, "sdb1", "vfat", "KEXECLOADER", "2222-bbbb");
	free(a), free(b), free(boot), free(link), free(link2);
	return 0;
}

static char *read_via(const char *root, const char *path, char **err)
{
	int fd = disk_open(root, path, err);
	if (fd < 0)
		return NULL;
	char *buf;
	assert_int_equal(read_file_fd(fd, 1000, &buf, NULL), 0);
	close(fd);
	return buf;
}

static void resolves_every_device_syntax(void **state)
{
	const char *ways[] = {"sda1", "/dev/sda1", "LABEL=root-a", "UUID=1111-aaaa", "ext4:sda1"};
	for (size_t i = 0; i < ARRAY_SIZE(ways); i++) {
		char *err = NULL, *s = read_via(ways[i], "/boot/vmlinuz", &err);
		assert_non_null(s);
		assert_str(s, "kernel-a");
		free(s);
	}
	char *err = NULL, *s = read_via("sda1", "(LABEL=kexecloader)/file", &err);
	assert_str(s, "b-file"); /* labels fall back to ignoring case */
	free(s);
}

static void paths_never_escape(void **state)
{
	char *err = NULL;
	char *s = read_via("sda1", "/../b/secret", &err);
	assert_null(s); /* ".." stops at the filesystem's root */
	free(err), err = NULL;
	s = read_via("sda1", "/escape", &err);
	assert_null(s); /* a symbolic link cannot lead out either */
	free(err), err = NULL;
	s = read_via("sda1", "/boot/up", &err);
	assert_str(s, "kernel-a"); /* an absolute link means this filesystem's root */
	free(s);
}

static void errors_name_path_and_device(void **state)
{
	char *err = NULL;
	assert_int_equal(disk_open("sda1", "/boot/missing", &err), -ENOENT);
	assert_str(err, "file /boot/missing not found on sda1");
	free(err), err = NULL;
	assert_true(disk_open("LABEL=nothing", "/x", &err) < 0);
	assert_non_null(strstr(err, "there is no device LABEL=nothing"));
	free(err), err = NULL;
	assert_true(disk_open(NULL, "/x", &err) < 0);
	assert_non_null(strstr(err, "no device given"));
	free(err);
}

static void fsio_lists_and_reads(void **state)
{
	struct fsio *io = disk_fsio();
	struct strlist names = {0};
	assert_int_equal(io->list(io->ctx, "sda1", "/", &names), 0);
	assert_int_equal(names.n, 2);
	assert_str(names.v[0], "boot/");
	assert_str(names.v[1], "escape");
	sl_free(&names);
	bool dir = false;
	assert_int_equal(io->stat(io->ctx, "UUID=2222-BBBB", "/file", &dir), 0);
	assert_false(dir);
	const struct fsinfo *v, *w;
	assert_int_equal(io->devices(io->ctx, &v), 2);
	/* A second call (the GRUB mapping makes them while parsing) must not
	 * invalidate what the first returned. */
	assert_int_equal(io->devices(io->ctx, &w), 2);
	assert_str(v[1].label, "KEXECLOADER");
	assert_str(w[0].name, "sda1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(resolves_every_device_syntax),
		cmocka_unit_test(paths_never_escape),
		cmocka_unit_test(errors_name_path_and_device),
		cmocka_unit_test(fsio_lists_and_reads),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
