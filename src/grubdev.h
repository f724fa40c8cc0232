/* GRUB device names ("hd0", "hd0,1", "hd0,msdos2", "hd1,gpt3", "hd0,a") and
 * their mapping to kexec-loader devices: grub-map directives, device.map
 * files, and otherwise a guess from the kernel's disk order. Pure: devices
 * come from the fsio seam. */
#ifndef KL_GRUBDEV_H
#define KL_GRUBDEV_H
#include <stdbool.h>
#include <stddef.h>
#include "fsio.h"
#include "target.h"

struct grubdev;

struct grubdev *grubdev_new(const struct fsio *io);
void grubdev_free(struct grubdev *g);
/* A grub-map directive (SPEC section 4); overrides device.map entries. */
void grubdev_add_map(struct grubdev *g, const char *grub, const char *device);
/* A device.map file: "(hd0) /dev/sda" lines; problems are reported as FILE:LINE. */
void grubdev_parse_device_map(struct grubdev *g, const char *text, size_t len, const char *name,
			      struct diag_list *d);
/* "hd0,1" or "(hd0,1)" -> a device in SPEC section 3 syntax ("sda1", "UUID=…"),
 * owned by the caller, or NULL when unknown. legacy: GRUB legacy counts
 * partitions from 0, GRUB 2 from 1. */
char *grubdev_to_device(struct grubdev *g, const char *grubname, bool legacy);
/* A kernel device name ("sda1") -> its GRUB 2 name ("hd0,msdos1"), or NULL. */
char *grubdev_from_device(struct grubdev *g, const char *kname);

#endif
