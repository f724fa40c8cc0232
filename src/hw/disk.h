/* The device layer: block devices from sysfs (or directories in host mode),
 * identified by fsprobe, resolved from the device syntax of kexec-loader.conf(5),
 * Devices and paths,
 * mounted read-only on demand and shared, and files opened inside them
 * without ever escaping their filesystem. */
#ifndef KL_DISK_H
#define KL_DISK_H
#include <stdbool.h>
#include "fsio.h"

/* PID 1: sysfs "/sys", devices "/dev", mounts under mntdir. */
void disk_setup(const char *sysfs, const char *devdir, const char *mntdir);
/* Host mode: a directory stands for a filesystem with this name, label, UUID, type. */
void disk_add_dir(const char *dir, const char *name, const char *fstype, const char *label,
		  const char *uuid);
/* Host mode: a filesystem image file (or block device) stands for the filesystem
 * with this name. fsprobe gives its type, label and UUID (non-NULL arguments
 * win); it is mounted read-only from a read-only loop device on a private
 * directory, unmounted at exit or on a fatal signal. Returns 0, or -1 with *err
 * set to a sentence naming the file (owned by the caller). Needs root. */
int disk_add_image(const char *path, const char *name, const char *fstype, const char *label,
		   const char *uuid, char **err);
/* Re-reads the list of block devices; returns how many changed (appeared or vanished). */
int disk_rescan(void);
/* The current devices, in the kernel's order. */
size_t disk_list(const struct fsinfo **v);

/* Finds the device named by spec. On failure returns NULL and sets *err to a
 * sentence for the user (owned by the caller). */
const struct fsinfo *disk_find(const char *spec, char **err);
/* Opens the regular file at path ("(DEV)/p" or "/p" relative to device `root`),
 * mounting on demand (through userfile: a pipe, a socket, a device or a
 * folder is refused). Returns an fd, or -errno / -UF_E* with *err set to a
 * sentence naming the path, the device and what it is. */
int disk_open(const char *root, const char *path, char **err);
/* Opens a directory on a device, for listings. Same conventions. */
int disk_opendir(const char *root, const char *path, char **err);
/* The directory where the device named by spec is mounted (mounting it). */
const char *disk_mountpoint(const char *spec, char **err);
/* Mounts block device node on mnt read-only, with journal replay off (a replay
 * writes). Returns 0 or -errno. */
int disk_mount_ro(const char *node, const char *mnt, const char *type);
/* Unmounts every filesystem kexec-loader mounted. Returns 0 or -errno. */
int disk_umount_all(void);

/* Called with a filesystem type before a mount, so that its module can be loaded. */
void disk_set_fs_loader(void (*fn)(const char *fstype));

/* Called when a device is not there: returns true when it may have appeared
 * (look again), false to give up. NULL (the default): give up at once. */
void disk_set_waiter(bool (*fn)(const char *spec));

/* Opens network paths ("tftp,SERVER", "http,SERVER:PORT" devices, see
 * netpath.h) for every caller of this layer; NULL: they are refused. */
void disk_set_net_opener(int (*fn)(const char *dev, const char *path, char **err));

/* The fsio seam backed by this layer. */
struct fsio *disk_fsio(void);

#endif
