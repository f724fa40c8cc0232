/* Watching sysfs folders where the kernel sends no device events (no networking):
 * a disk that comes or goes is seen through the timer descriptor, as an event would be. */
#include "unit.h"
#include <poll.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include "sysfs_watch.h"
#include "util.h"

static char base[] = "/tmp/kl-watch-XXXXXX";
static char *block, *usb;

static int setup(void **state)
{
	assert_non_null(mkdtemp(base));
	block = xasprintf("%s/class/block", base);
	usb = xasprintf("%s/bus/usb/devices", base);
	char *cls = xasprintf("%s/class", base);
	mkdir(cls, 0755);
	mkdir(block, 0755);
	free(cls);
	char *fd0 = xasprintf("%s/fd0", block);
	mkdir(fd0, 0755);
	free(fd0);
	return 0;
}

static int teardown(void **state)
{
	char *cmd = xasprintf("rm -rf %s", base);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(block);
	free(usb);
	return 0;
}

static void entry(const char *dir, const char *name, bool add)
{
	char *p = xasprintf("%s/%s", dir, name);
	assert_int_equal(add ? mkdir(p, 0755) : rmdir(p), 0);
	free(p);
}

/* The descriptor becomes readable within a few intervals, as poll() in the menu sees it. */
static void wait_readable(struct sysfs_watch *w)
{
	struct pollfd p = {.fd = sysfs_watch_fd(w), .events = POLLIN};
	assert_int_equal(poll(&p, 1, 5000), 1);
}

static void a_disk_that_comes_and_goes_is_seen(void **state)
{
	const char *dirs[] = {block, usb};
	struct sysfs_watch *w = sysfs_watch_open(dirs, 2, 10);
	assert_non_null(w);
	assert_true(sysfs_watch_fd(w) >= 0);
	wait_readable(w);
	assert_int_equal(sysfs_watch_changes(w), 0);

	entry(block, "sda", true);
	entry(block, "sda1", true);
	wait_readable(w);
	assert_int_equal(sysfs_watch_changes(w), 1u << 0);
	/* once reported, the same names are no change */
	assert_int_equal(sysfs_watch_changes(w), 0);

	entry(block, "sda1", false);
	assert_int_equal(sysfs_watch_changes(w), 1u << 0);
	sysfs_watch_close(w);
}

static void a_folder_that_appears_later_counts(void **state)
{
	const char *dirs[] = {block, usb};
	struct sysfs_watch *w = sysfs_watch_open(dirs, 2, 10);
	assert_non_null(w);
	char *bus = xasprintf("%s/bus", base), *bususb = xasprintf("%s/bus/usb", base);
	mkdir(bus, 0755);
	mkdir(bususb, 0755);
	mkdir(usb, 0755);
	/* an empty folder is no device yet */
	assert_int_equal(sysfs_watch_changes(w), 0);
	entry(usb, "1-1", true);
	assert_int_equal(sysfs_watch_changes(w), 1u << 1);
	free(bus);
	free(bususb);
	sysfs_watch_close(w);
}

static void the_timer_is_quiet_after_a_look(void **state)
{
	const char *dirs[] = {block};
	struct sysfs_watch *w = sysfs_watch_open(dirs, 1, 60000);
	assert_non_null(w);
	struct pollfd p = {.fd = sysfs_watch_fd(w), .events = POLLIN};
	assert_int_equal(poll(&p, 1, 0), 0);
	entry(block, "sdb", true);
	/* looking before the interval is allowed and finds the change */
	assert_int_equal(sysfs_watch_changes(w), 1u << 0);
	assert_int_equal(poll(&p, 1, 0), 0);
	sysfs_watch_close(w);
}

static void bad_arguments_are_refused(void **state)
{
	const char *dirs[] = {block};
	assert_null(sysfs_watch_open(dirs, 1, 0));
	assert_null(sysfs_watch_open(dirs, 33, 10));
	assert_int_equal(sysfs_watch_fd(NULL), -1);
	sysfs_watch_close(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_disk_that_comes_and_goes_is_seen),
		cmocka_unit_test(a_folder_that_appears_later_counts),
		cmocka_unit_test(the_timer_is_quiet_after_a_look),
		cmocka_unit_test(bad_arguments_are_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
