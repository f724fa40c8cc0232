/* GRUB device names ("hd0", "hd0,1", "hd0,msdos2", "hd1,gpt3", "hd0,a") and
 * their mapping to kexec-loader devices: grub-map directives, device.map
 * files, and otherwise a guess from the kernel's disk order. Pure: devices
 * come from the fsio seam.
 *
 * Rules (docs/grub-devices.md): grub-map wins over device.map. grub-map
 * partitions count from 1 as GRUB 2 does (grub-map hd0,1 is menu.lst's
 * (hd0,0)). A disk mapped to a device gives its partitions as the kernel
 * numbers them (hd0 -> sda, so hd0,msdos5 -> sda5, nvme0n1 -> nvme0n1p5).
 * Without a map for hdN: the disk holding the configuration (set_home) is
 * hd0, the other hard disks (not sr*, fd*, loop*, ram*) follow in the order
 * of fsio's devices() list, disks named by maps are left out. fdN is the
 * kernel's fdN, (cd) the first sr device. A BSD letter ("hd0,a",
 * "hd0,1,a", "hd0,msdos1,bsd1") is only known through grub-map: the kernel
 * numbers BSD disklabel partitions after the DOS ones, which cannot be
 * told apart from the device list. */
#ifndef KL_GRUB_DEVMAP_H
#define KL_GRUB_DEVMAP_H
#include <stdbool.h>
#include <stddef.h>
#include "fsio.h"
#include "target.h"

struct grubdev;

struct grubdev *grubdev_new(const struct fsio *io);
void grubdev_free(struct grubdev *g);
/* A grub-map directive (kexec-loader.conf(5)); overrides device.map entries. */
void grubdev_add_map(struct grubdev *g, const char *grub, const char *device);
/* The device (kexec-loader.conf(5), Devices and paths) the configuration being read was found on: without
 * a map, its disk is hd0 and the other hard disks follow in the kernel's
 * order, skipping disks a map names (see docs/grub-devices.md). NULL: none. */
void grubdev_set_home(struct grubdev *g, const char *device);
/* A device.map file: "(hd0) /dev/sda" lines; problems are reported as FILE:LINE. */
void grubdev_parse_device_map(struct grubdev *g, const char *text, size_t len, const char *name,
			      struct diag_list *d);
/* "hd0,1" or "(hd0,1)" -> a device in kexec-loader's syntax ("sda1", "UUID=…"),
 * owned by the caller, or NULL when unknown. legacy: GRUB legacy counts
 * partitions from 0, GRUB 2 from 1. */
char *grubdev_to_device(struct grubdev *g, const char *grubname, bool legacy);
/* A kernel device name ("sda1") -> its GRUB 2 name ("hd0,msdos1"), or NULL. */
char *grubdev_from_device(struct grubdev *g, const char *kname);

#endif
