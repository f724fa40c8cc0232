/* The kexec_file_load path with files that cannot be loaded: a kernel and
 * initrds that need more memory than there is are refused before anything is
 * read, naming the largest file, its size and the memory available. (A disk
 * failing under kexec_file_load and a kernel it refuses are proven in the
 * virtual-machine tests, test_faults.py.) */
#include "unit.h"
#include <stdio.h>
#include <unistd.h>
#include "boot.h"
#include "disk.h"
#include "hostfile.h"

static char dir[] = "/tmp/kl-loadf-XXXXXX";

static void sparse(const char *rel, off_t size)
{
	write_sparse_below(dir, rel, size);
}

static int setup(void **state)
{
	assert_non_null(mkdtemp(dir));
	write_bzimage_below(dir, "vmlinuz", 3); /* 64-bit, as kexec_file_load wants it */
	sparse("small.img", 1 << 20);
	sparse("big.img", 40 << 20);
	disk_add_dir(dir, "sdz1", "ext4", NULL, NULL);
	return 0;
}

static int teardown(void **state)
{
	remove_tree(dir);
	return 0;
}

static int plan(const char *initrd, size_t limit, char **err)
{
	struct target t;
	target_init(&t);
	t.title = xstrdup("t");
	t.root = xstrdup("sdz1");
	t.kernel = xstrdup("/vmlinuz");
	sl_push(&t.initrds, initrd);
	FILE *null = fopen("/dev/null", "w");
	struct boot_opts o = {.print_plan = null, .memory_limit = limit};
	int r = boot_load(&t, &o, err);
	fclose(null);
	target_free(&t);
	return r;
}

static void twice_the_files_must_fit(void **state)
{
	char *err = NULL;
	assert_int_equal(plan("/small.img", 64 << 20, &err), 0);
	free(err);
	err = NULL;
	/* 40 MiB and a kernel fit in 64 MiB once, not twice */
	assert_int_equal(plan("/big.img", 64 << 20, &err), -1);
	assert_non_null(err);
	assert_str(err, "not enough memory to load /big.img on sdz1 (40 MiB): the kernel and its "
			"initrds take 41 MiB, loading them needs twice that, and 64 MiB are available");
	free(err);
	err = NULL;
	assert_int_equal(plan("/big.img", 128 << 20, &err), 0);
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(twice_the_files_must_fit),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
