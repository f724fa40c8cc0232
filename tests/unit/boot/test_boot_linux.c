/* The boot engine's kexec_file_load path when what it needs the kernel to
 * hold fails: each failure is a sentence for the user, never silence. The
 * writes are made to fail with RLIMIT_FSIZE, which memfds obey too. */
#include "unit.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>
#include "boot.h"
#include "boot_linux.h"
#include "disk.h"
#include "gzip_pack.h"
#include "hostfile.h"
#include "util.h"

static char dir[] = "/tmp/kl-bootlinux-XXXXXX";
static struct rlimit saved;

static int setup(void **state)
{
	assert_non_null(mkdtemp(dir));
	signal(SIGXFSZ, SIG_IGN); /* a write past the limit fails with EFBIG instead */
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
	return 0;
}

static int teardown(void **state)
{
	setrlimit(RLIMIT_FSIZE, &saved);
	char *cmd = xasprintf("rm -rf '%s'", dir);
	int r = system(cmd);
	free(cmd);
	return r;
}

static void limit_file_size(rlim_t bytes)
{
	struct rlimit l = {bytes, saved.rlim_max};
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &l), 0);
}

static int open_below(const char *name, const char *text)
{
	char *p = xasprintf("%s/%s", dir, name);
	write_text(p, text);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	free(p);
	return fd;
}

/* Two initrds are joined in a memfd, the second starting on a 4-byte
 * boundary: when the padding cannot be written the load fails with a
 * message (the menu used to print "Boot failed: (null)"). */
static void a_failed_padding_write_is_told(void **state)
{
	int fds[2] = {open_below("rd1", "12345"), open_below("rd2", "6")};
	char *err = NULL;
	limit_file_size(5); /* rd1 fits, its padding does not */
	int r = boot_linux_load(-1, "/vmlinuz", fds, 2, "quiet", &err);
	setrlimit(RLIMIT_FSIZE, &saved);
	assert_true(r < 0);
	assert_non_null(err);
	if (!strstr(err, "cannot join the initrds: File too large"))
		fail_msg("%s", err);
	free(err);
	close(fds[0]);
	close(fds[1]);
}

/* A 64-bit bzImage (protocol 2.15, 64-bit entry, loadable above 4 GiB). */
static unsigned char *bzimage64(size_t *len)
{
	*len = 5 * 512 + 64 * 1024;
	unsigned char *d = bzimage_header(*len, 3);
	for (size_t i = 0xa00; i < *len; i++)
		d[i] = (unsigned char)(i * 7);
	return d;
}

/* A gzip-packed 64-bit kernel is unpacked into a memfd for kexec_file_load;
 * when the memfd cannot hold it the user reads why, not that the packed
 * file "is not a kernel" (which kexec_file_load would say of it). */
static void a_kernel_that_cannot_be_held_unpacked_is_named(void **state)
{
	size_t len, zlen;
	unsigned char *k = bzimage64(&len);
	unsigned char *z = gzip_pack(k, len, 6, &zlen);
	char *p = xasprintf("%s/vmlinuz.gz", dir);
	write_bytes(p, z, zlen);
	disk_add_dir(dir, "sdz1", "ext4", NULL, NULL);
	struct target t;
	target_init(&t);
	t.title = xstrdup("packed");
	t.root = xstrdup("sdz1");
	t.kernel = xstrdup("/vmlinuz.gz");
	FILE *null = fopen("/dev/null", "w");
	struct boot_opts o = {.print_plan = null};
	char *err = NULL;
	limit_file_size(zlen + 4096); /* the packed file was written; the unpacked one is larger */
	int r = boot_load(&t, &o, &err);
	setrlimit(RLIMIT_FSIZE, &saved);
	fclose(null);
	assert_int_equal(r, -1);
	assert_non_null(err);
	if (!strstr(err, "cannot hold the unpacked kernel of /vmlinuz.gz on sdz1 in memory: File too large"))
		fail_msg("%s", err);
	free(err);
	target_free(&t);
	free(p);
	free(z);
	free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_failed_padding_write_is_told),
		cmocka_unit_test(a_kernel_that_cannot_be_held_unpacked_is_named),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
