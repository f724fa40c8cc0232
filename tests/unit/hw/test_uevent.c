/* Parsing kernel device events, and what an event makes happen. */
#include "unit.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>
#include "kmod.h"
#include "uevent.h"
#include "util.h"
#include "hostfile.h"

/* A message as the kernel sends it: strings separated by NULs. */
#define MSG(s) (s), sizeof(s) - 1

static struct uevent ev;

static void add_of_a_usb_interface(void **state)
{
	assert_true(uevent_parse(&ev, MSG("add@/devices/pci0000:00/0000:00:1d.0/usb2/2-1/2-1:1.0\0"
					  "ACTION=add\0DEVPATH=/devices/pci0000:00/0000:00:1d.0/usb2/2-1/2-1:1.0\0"
					  "SUBSYSTEM=usb\0DEVTYPE=usb_interface\0PRODUCT=781/5406/200\0"
					  "MODALIAS=usb:v0781p5406d0200dc00dsc00dp00ic08isc06ip50in00\0SEQNUM=1234\0")));
	assert_str(ev.action, "add");
	assert_str(ev.devpath, "/devices/pci0000:00/0000:00:1d.0/usb2/2-1/2-1:1.0");
	assert_str(ev.subsystem, "usb");
	assert_str(ev.devtype, "usb_interface");
	assert_str(ev.modalias, "usb:v0781p5406d0200dc00dsc00dp00ic08isc06ip50in00");
	assert_null(ev.devname);
}

static void block_device_with_a_name(void **state)
{
	/* the last field without its NUL, as a short read could leave it */
	assert_true(uevent_parse(&ev, MSG("add@/devices/virtual/block/loop0/loop0p1\0ACTION=add\0"
					  "SUBSYSTEM=block\0DEVNAME=loop0p1\0DEVTYPE=partition\0PARTN=1")));
	assert_str(ev.subsystem, "block");
	assert_str(ev.devname, "loop0p1");
	assert_str(ev.devtype, "partition");
	assert_null(ev.modalias);
	assert_true(uevent_parse(&ev, MSG("remove@/devices/x\0")));
	assert_str(ev.action, "remove");
	assert_str(ev.devpath, "/devices/x");
	assert_null(ev.subsystem);
}

static void other_messages_are_refused(void **state)
{
	assert_false(uevent_parse(&ev, MSG("libudev\0\xfe\xed\xca\xfe" "ACTION=add\0")));
	assert_false(uevent_parse(&ev, MSG("@/devices/x\0")));
	assert_false(uevent_parse(&ev, MSG("add@\0")));
	assert_false(uevent_parse(&ev, MSG("add\0DEVPATH=/devices/x\0")));
	assert_false(uevent_parse(&ev, "", 0));
	/* longer than any kernel message: cut, never overrun */
	static char big[UEVENT_MSG_MAX * 2];
	memset(big, 'A', sizeof(big));
	memcpy(big, "add@/devices/y", 14);
	assert_true(uevent_parse(&ev, big, sizeof(big)));
	assert_int_equal(strlen(ev.devpath), UEVENT_MSG_MAX - 4);
}

/* ---- modules for added devices ---- */

static char root[64];
static char last[128];
static int n_loads;

static int fake_finit(int fd, const char *params, int flags)
{
	char link[64], target[256];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	target[n > 0 ? n : 0] = 0;
	snprintf(last, sizeof(last), "%s", strrchr(target, '/') + 1);
	n_loads++;
	return 0;
}

static void put(const char *rel, const char *text)
{
	write_text_below(root, rel, text);
}

static void added_device_loads_its_driver(void **state)
{
	strcpy(root, "/tmp/test_uevent.XXXXXX");
	assert_non_null(mkdtemp(root));
	put("modules.dep", "uas.ko:\n");
	put("modules.alias", "alias usb:v*p*d*dc*dsc*dp*ic08isc06ip62in* uas\n"
			     "alias usb:v*p*d*dc*dsc*dp*ic08isc06ip50in* uas\n");
	put("uas.ko", "");
	kmod_finit_module = fake_finit;
	struct kmod *km = kmod_open(root);
	assert_true(uevent_parse(&ev, MSG("remove@/devices/u\0MODALIAS=usb:v1p2d3dc00dsc00dp00ic08isc06ip50in00\0")));
	assert_int_equal(uevent_load_modules(km, &ev), 0);
	assert_true(uevent_parse(&ev, MSG("add@/devices/u\0SUBSYSTEM=usb\0")));
	assert_int_equal(uevent_load_modules(km, &ev), 0);
	assert_int_equal(n_loads, 0);
	assert_true(uevent_parse(&ev, MSG("add@/devices/u\0MODALIAS=usb:v1p2d3dc00dsc00dp00ic08isc06ip50in00\0")));
	assert_int_equal(uevent_load_modules(km, &ev), 1);
	assert_int_equal(n_loads, 1);
	assert_str(last, "uas.ko");
	kmod_close(km);
	char *rm = xasprintf("rm -rf %s", root);
	assert_int_equal(system(rm), 0);
	free(rm);
}

/* ---- the socket ---- */

static void socket_ignores_messages_not_from_the_kernel(void **state)
{
	int fd = uevent_open();
	if (fd == -EPERM || fd == -EACCES || fd == -EAFNOSUPPORT || fd == -EPROTONOSUPPORT)
		skip();
	assert_true(fd >= 0);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
	/* a process (not the kernel) that sends a well-formed event to the group */
	int tx = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
	assert_true(tx >= 0);
	struct sockaddr_nl to = {.nl_family = AF_NETLINK, .nl_groups = 1};
	static const char fake[] = "add@/devices/evil\0MODALIAS=pci:v1\0";
	bool sent = sendto(tx, fake, sizeof(fake) - 1, 0, (struct sockaddr *)&to, sizeof(to)) > 0;
	/* whatever the host's kernel sends meanwhile is fine; the fake is not */
	int r;
	while ((r = uevent_receive(fd, &ev)) == 1)
		assert_string_not_equal(ev.devpath, "/devices/evil");
	assert_int_equal(r, 0);
	close(tx);
	close(fd);
	if (!sent)
		skip();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(add_of_a_usb_interface),
		cmocka_unit_test(block_device_with_a_name),
		cmocka_unit_test(other_messages_are_refused),
		cmocka_unit_test(added_device_loads_its_driver),
		cmocka_unit_test(socket_ignores_messages_not_from_the_kernel),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
