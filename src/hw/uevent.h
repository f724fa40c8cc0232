/* Device events from the kernel (the NETLINK_KOBJECT_UEVENT socket): how
 * kexec-loader learns about devices that appear after start (USB disks,
 * and devices the drivers it loads bring up). */
#ifndef KL_UEVENT_H
#define KL_UEVENT_H
#include <stdbool.h>
#include <stddef.h>

struct kmod;

/* The kernel's uevent buffer is 2 KB; this leaves room. */
#define UEVENT_MSG_MAX 8192

struct uevent {
	const char *action;    /* "add", "remove", "change", "bind", ... */
	const char *devpath;   /* "/devices/pci0000:00/0000:00:04.0/virtio1/block/vda" */
	const char *subsystem; /* "block", "usb", ... or NULL */
	const char *devtype;   /* "disk", "partition", "usb_interface", ... or NULL */
	const char *devname;   /* "vda1" (under /dev), or NULL */
	const char *modalias;  /* or NULL */
	char raw[UEVENT_MSG_MAX + 1]; /* the strings above point here */
};

/* Parses a kernel message "ACTION@DEVPATH\0KEY=VALUE\0...". False for
 * anything else (udev's "libudev" messages, garbage, no action or path). */
bool uevent_parse(struct uevent *ev, const void *msg, size_t len);

/* The event socket, non-blocking and close-on-exec, for poll(). Open it
 * before kmod_coldplug so no device is missed. fd, or -errno. */
int uevent_open(void);

/* Reads the next event sent by the kernel. 1 with *ev filled, 0 when none
 * is waiting, -ENOBUFS when events were lost (walk sysfs again), other
 * -errno on failure. */
int uevent_receive(int fd, struct uevent *ev);

/* Loads the modules for a device that was added. Returns how many
 * modules matched its modalias. */
int uevent_load_modules(struct kmod *km, const struct uevent *ev);

#endif
