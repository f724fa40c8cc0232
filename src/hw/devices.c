#include "devices.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "disk.h"
#include "errtext.h"
#include "log.h"
#include "sysfs_watch.h"
#include "uevent.h"
#include "util.h"

static struct kmod *km;
static int ev_fd = -1;

/* Without the event socket (a kernel without networking), the folders whose entries
 * change when a disk or a USB device comes or goes. */
static struct sysfs_watch *watch;
enum { WATCH_BLOCK, WATCH_USB };
static const char *const watched[] = {"/sys/class/block", "/sys/bus/usb/devices"};
#define WATCH_INTERVAL_MS 250

/* Loading the module ourselves is faster than the kernel starting /sbin/modprobe. */
static void load_fs(const char *fstype)
{
	if (kmod_is_loaded(km, fstype))
		return;
	char *alias = xasprintf("fs-%s", fstype);
	if (kmod_load(km, alias) == -ENOENT)
		kmod_load(km, fstype);
	free(alias);
}

/* Linux tells of a disc put into a drive (or a card into a reader) only when
 * it polls the drive, which it does not by default: udisks turns this on on
 * a desktop. Every 2 seconds, as there. */
static void poll_removable_media(void)
{
	int fd = open("/sys/module/block/parameters/events_dfl_poll_msecs", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "2000", 4) != 4)
		log_debug("cannot ask the kernel to look for new discs: %s", errtext(errno));
	if (fd >= 0)
		close(fd);
}

void devices_start(void)
{
	poll_removable_media();
	disk_set_fs_loader(load_fs);
	ev_fd = uevent_open();
	if (ev_fd < 0) {
		int e = -ev_fd;
		watch = sysfs_watch_open(watched, 2, WATCH_INTERVAL_MS);
		if (watch)
			log_info("the kernel sends no device events (%s, a kernel without "
				 "networking): watching /sys/class/block instead", errtext(e));
		else
			log_warn("cannot listen for device events: %s; devices that appear later "
				 "will not be seen", errtext(e));
	}
	km = kmod_open_running();
	int n = kmod_coldplug(km, "/sys/devices");
	log_info("looked at %d devices for modules", n);
}

int devices_fd(void)
{
	return watch ? sysfs_watch_fd(watch) : ev_fd;
}

/* A USB device may need a module before its disk appears; a disk needs a rescan. */
static int handle_watch(void)
{
	unsigned changed = sysfs_watch_changes(watch);
	if (changed & (1u << WATCH_USB))
		kmod_coldplug(km, "/sys/devices");
	return changed ? disk_rescan() : 0;
}

int devices_handle_events(void)
{
	if (watch)
		return handle_watch();
	struct uevent *ev = xmalloc(sizeof(*ev));
	bool block = false;
	int r;
	while ((r = uevent_receive(ev_fd, ev)) != 0) {
		if (r == -ENOBUFS) {
			/* Events were lost: look at every device again. */
			kmod_coldplug(km, "/sys/devices");
			block = true;
			continue;
		}
		if (r < 0)
			break;
		uevent_load_modules(km, ev);
		block |= ev->subsystem && !strcmp(ev->subsystem, "block");
	}
	free(ev);
	return block ? disk_rescan() : 0;
}

void devices_set_options(kmod_options_fn fn, void *ctx)
{
	kmod_set_options(km, fn, ctx);
}

void devices_load_folder(const char *dir)
{
	int n = kmod_load_folder(km, dir);
	if (n > 0)
		log_info("loaded %d modules from %s", n, dir);
}
