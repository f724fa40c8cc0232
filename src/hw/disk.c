#include "disk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include "devpath.h"
#include "errtext.h"
#include "netpath.h"
#include "fsprobe.h"
#include "log.h"
#include "userfile.h"

struct dev {
	struct fsinfo info; /* strings owned by this struct */
	char *mnt;          /* mount point (or the host directory), NULL when not mounted */
	bool host_dir;      /* host mode: mnt is a directory given by the user */
	int mount_errno;    /* why mounting with the probed type failed (0: not tried or fine) */
	char *mount_msg;    /* and the sentence that said so */
	bool seen;          /* found by the current rescan */
};

static struct {
	char *sysfs, *devdir, *mntdir;
	struct dev *v;
	size_t n;
	struct fsinfo *infos; /* a copy for disk_list(), stable until the devices change */
	bool infos_stale;
	void (*fs_loader)(const char *fstype);
	bool (*waiter)(const char *spec);
	int (*net_open)(const char *dev, const char *path, char **err);
	struct strlist floppies_tried; /* floppy drives opened once and found empty */
} D;

void disk_set_net_opener(int (*fn)(const char *dev, const char *path, char **err))
{
	D.net_open = fn;
}

/* A network device's file: fetched whole by the network layer. */
static int open_net(const char *dev, const char *path, enum uf_want want, char **err)
{
	if (want == UF_DIR) {
		*err = xasprintf("(%s)%s: folders cannot be listed over TFTP or HTTP", dev, path);
		return -ENOTDIR;
	}
	if (!D.net_open) {
		*err = xasprintf("(%s)%s: network paths need the network (netboot on)", dev, path);
		return -ENETUNREACH;
	}
	return D.net_open(dev, path, err);
}

void disk_set_waiter(bool (*fn)(const char *spec))
{
	D.waiter = fn;
}

void disk_set_fs_loader(void (*fn)(const char *fstype))
{
	D.fs_loader = fn;
}

void disk_setup(const char *sysfs, const char *devdir, const char *mntdir)
{
	D.sysfs = xstrdup(sysfs);
	D.devdir = xstrdup(devdir);
	D.mntdir = xstrdup(mntdir);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static struct dev *dev_new(const char *name)
{
	D.v = xrealloc(D.v, (D.n + 1) * sizeof(*D.v));
	struct dev *d = &D.v[D.n++];
	memset(d, 0, sizeof(*d));
	D.infos_stale = true;
	d->info.name = xstrdup(name);
	d->info.disk = xstrdup(name);
	d->seen = true;
	return d;
}

static void dev_free(struct dev *d)
{
	free((char *)d->info.name);
	free((char *)d->info.disk);
	free((char *)d->info.pttype);
	free((char *)d->info.fstype);
	free((char *)d->info.label);
	free((char *)d->info.uuid);
	free(d->mnt);
	free(d->mount_msg);
}

/* The disk and partition number a kernel name stands for, as the kernel
 * names them: sda1 is partition 1 of sda, nvme0n1p2 and mmcblk0p1 carry a
 * 'p'; anything else (vdb, sr0, loop0) is a whole disk. A directory given in
 * host mode as sda1 is then partition 1 of sda to GRUB's (hd0,1) too. */
static void kname_split(const char *name, char **disk, int *partno)
{
	size_t n = strlen(name), digits = 0;
	while (digits < n && name[n - 1 - digits] >= '0' && name[n - 1 - digits] <= '9')
		digits++;
	size_t stem = n - digits;
	bool lettered = stem > 2 && name[stem - 1] >= 'a' && name[stem - 1] <= 'z' &&
			(str_starts(name, "sd") || str_starts(name, "hd") || str_starts(name, "vd") ||
			 str_starts(name, "xvd"));
	bool with_p = stem > 1 && name[stem - 1] == 'p' && name[stem - 2] >= '0' &&
		      name[stem - 2] <= '9';
	if (digits && digits < 6 && (lettered || with_p)) {
		*disk = xstrndup(name, stem - with_p);
		*partno = atoi(name + stem);
	} else {
		*disk = xstrdup(name);
		*partno = 0;
	}
}

void disk_add_dir(const char *dir, const char *name, const char *fstype, const char *label,
		  const char *uuid)
{
	struct dev *d = dev_new(name);
	free((char *)d->info.disk);
	kname_split(name, (char **)&d->info.disk, &d->info.partno);
	d->info.fstype = dup_or_null(fstype);
	d->info.label = dup_or_null(label);
	d->info.uuid = dup_or_null(uuid);
	d->mnt = xstrdup(dir);
	d->host_dir = true;
}

/* Reads what fsprobe finds on one device node; false when it cannot be opened
 * (a CD drive without a disc, a device that went away). */
static bool probe(struct dev *d, const char *node)
{
	int fd = open(node, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	struct fsprobe_result r;
	if (fsprobe_fd(fd, 0, &r) == FSPROBE_AMBIGUOUS)
		log_warn("%s carries the signatures of more than one filesystem; kexec-loader "
			 "will not guess which is real (wipefs -n %s lists them)", d->info.name, node);
	close(fd);
	d->info.fstype = r.type[0] ? xstrdup(r.type) : NULL;
	d->info.label = r.label[0] ? xstrdup(r.label) : NULL;
	d->info.uuid = r.uuid[0] ? xstrdup(r.uuid) : NULL;
	d->info.pttype = r.pttype[0] ? xstrdup(r.pttype) : NULL;
	return true;
}

static struct dev *dev_by_name(const char *name)
{
	for (size_t i = 0; i < D.n; i++)
		if (strcmp(D.v[i].info.name, name) == 0)
			return &D.v[i];
	return NULL;
}

static unsigned long long sysfs_num(const char *dir, const char *attr)
{
	char *p = xasprintf("%s/%s", dir, attr);
	char *s = read_line_file(p);
	free(p);
	unsigned long long v = s ? strtoull(s, NULL, 10) : 0;
	free(s);
	return v;
}

/* A floppy drive's size reads 0 until the drive is first opened: the driver learns the
 * disk's format then. The open must block (no O_NONBLOCK), or the driver skips the disk;
 * an empty drive answers with an error after its motor has spun, so each drive is tried
 * once, not at every rescan. */
static unsigned long long floppy_size(const char *name, const char *dir)
{
	for (size_t i = 0; i < D.floppies_tried.n; i++)
		if (strcmp(D.floppies_tried.v[i], name) == 0)
			return 0;
	sl_push(&D.floppies_tried, name);
	char *node = xasprintf("%s/%s", D.devdir, name);
	int fd = open(node, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		log_debug("%s: %s", node, errtext(errno));
		free(node);
		return 0;
	}
	unsigned long long size = sysfs_num(dir, "size") * 512;
	log_debug("%s: opened, %llu bytes", node, size);
	close(fd);
	free(node);
	return size;
}

/* Adds or refreshes one /sys/class/block entry; returns 1 when it is new. */
static int scan_one(const char *name)
{
	if (str_starts(name, "ram") || str_starts(name, "zram") || str_starts(name, "dm-"))
		return 0;
	char *dir = xasprintf("%s/class/block/%s", D.sysfs, name);
	unsigned long long size = sysfs_num(dir, "size") * 512;
	if (size == 0 && str_starts(name, "fd") && !dev_by_name(name))
		size = floppy_size(name, dir);
	int partno = (int)sysfs_num(dir, "partition");
	struct dev *d = dev_by_name(name);
	int changed = 0;
	if (d && d->info.size != size && !d->mnt) {
		/* A new medium in a CD drive: identify it again. */
		dev_free(d);
		*d = D.v[--D.n];
		d = NULL;
	}
	if (!d && size == 0)
		log_debug("%s has no medium (size 0)", name);
	if (!d && size > 0) {
		char *node = xasprintf("%s/%s", D.devdir, name);
		d = dev_new(name);
		d->info.size = size;
		d->info.partno = partno;
		if (partno) {
			char *link = xasprintf("%s/..", dir), *real = realpath(link, NULL);
			if (real) {
				free((char *)d->info.disk);
				d->info.disk = xstrdup(strrchr(real, '/') + 1);
			}
			free(real);
			free(link);
		}
		if (!probe(d, node)) {
			dev_free(d);
			D.n--;
			d = NULL;
		} else {
			changed = 1;
			log_info("found %s: %s%s%s%s%s, %llu MB", name,
				 d->info.fstype ? d->info.fstype : d->info.pttype ? d->info.pttype : "no filesystem",
				 d->info.label ? " label " : "", d->info.label ? d->info.label : "",
				 d->info.uuid ? " UUID " : "", d->info.uuid ? d->info.uuid : "",
				 size >> 20);
		}
		free(node);
	}
	if (d)
		d->seen = true;
	free(dir);
	return changed;
}

/* Orders disks as the kernel names them (sda before sdb, vda1 before vda10). */
static int natural_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
			unsigned long x = strtoul(a, (char **)&a, 10), y = strtoul(b, (char **)&b, 10);
			if (x != y)
				return x < y ? -1 : 1;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		a++, b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

static int dev_cmp(const void *x, const void *y)
{
	const struct dev *a = x, *b = y;
	int r = natural_cmp(a->info.disk, b->info.disk);
	return r ? r : a->info.partno - b->info.partno;
}

static void forget_gone(int *changed)
{
	for (size_t i = 0; i < D.n;) {
		struct dev *d = &D.v[i];
		if (d->seen || d->host_dir) {
			i++;
			continue;
		}
		log_warn("%s has gone away", d->info.name);
		if (d->mnt)
			umount2(d->mnt, MNT_DETACH);
		dev_free(d);
		memmove(d, d + 1, (D.n - i - 1) * sizeof(*d));
		D.n--;
		(*changed)++;
	}
}

int disk_rescan(void)
{
	int changed = 0;
	if (!D.sysfs)
		return 0;
	for (size_t i = 0; i < D.n; i++)
		D.v[i].seen = false;
	char *path = xasprintf("%s/class/block", D.sysfs);
	DIR *dir = opendir(path);
	free(path);
	struct dirent *e;
	while (dir && (e = readdir(dir)))
		if (e->d_name[0] != '.')
			changed += scan_one(e->d_name);
	if (dir)
		closedir(dir);
	forget_gone(&changed);
	if (D.n > 1) /* an empty list has no array: qsort(NULL) is undefined */
		qsort(D.v, D.n, sizeof(*D.v), dev_cmp);
	if (changed)
		D.infos_stale = true;
	return changed;
}

size_t disk_list(const struct fsinfo **v)
{
	/* Callers keep the pointers while they work: make a new copy only when
	 * the devices changed. */
	if (D.infos_stale || !D.infos) {
		free(D.infos);
		D.infos = xcalloc(D.n, sizeof(*D.infos));
		for (size_t i = 0; i < D.n; i++)
			D.infos[i] = D.v[i].info;
		D.infos_stale = false;
	}
	*v = D.infos;
	return D.n;
}

static bool matches(const struct dev *d, const struct devspec *s, bool exact)
{
	const char *have = s->by == DEV_BY_NAME ? d->info.name
			 : s->by == DEV_BY_LABEL ? d->info.label : d->info.uuid;
	if (!have)
		return false;
	if (s->by == DEV_BY_UUID || !exact)
		return strcasecmp(have, s->value) == 0;
	return strcmp(have, s->value) == 0;
}

static struct dev *find(const char *spec, struct devspec *ds, char **err)
{
	if (devspec_parse(spec, ds) < 0) {
		*err = xasprintf("'%s' is not a device name (use sda1, LABEL=…, UUID=…)", spec);
		return NULL;
	}
	/* Labels match exactly first, then ignoring case (FAT labels are often upper-cased).
	 * A device that is not there yet (a CD drive still starting) may be waited for. */
	do {
		for (int exact = 1; exact >= 0; exact--)
			for (size_t i = 0; i < D.n; i++)
				if (matches(&D.v[i], ds, exact))
					return &D.v[i];
	} while (D.waiter && D.waiter(spec));
	*err = xasprintf("there is no device %s (type D at the menu to list the disks)", spec);
	devspec_free(ds);
	return NULL;
}

const struct fsinfo *disk_find(const char *spec, char **err)
{
	struct devspec ds;
	struct dev *d = find(spec, &ds, err);
	if (!d)
		return NULL;
	devspec_free(&ds);
	return &d->info;
}

/* Options that keep a read-only mount from replaying a journal, which would
 * write, tried in turn. btrfs took "nologreplay" until Linux 5.9 and takes
 * "rescue=nologreplay" since (newer kernels refuse the old name); without
 * either, a btrfs with a pending log fails to mount (EIO) on a read-only
 * device, so the bare mount comes last, for drivers that know neither. */
static const char *const *no_replay_options(const char *fstype)
{
	static const char *const journal[] = {"norecovery", NULL};
	static const char *const btrfs[] = {"rescue=nologreplay", "nologreplay", NULL};
	if (!fstype)
		return NULL;
	if (!strcmp(fstype, "ext3") || !strcmp(fstype, "ext4") || !strcmp(fstype, "xfs"))
		return journal;
	if (!strcmp(fstype, "btrfs"))
		return btrfs;
	return NULL;
}

int disk_mount_ro(const char *node, const char *mnt, const char *type)
{
	unsigned long fl = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
	const char *const *opts = no_replay_options(type);
	int r = -1;
	errno = EINVAL;
	/* A driver that does not know an option refuses the mount with EINVAL. */
	for (size_t i = 0; opts && opts[i] && r < 0 && errno == EINVAL; i++)
		r = mount(node, mnt, type, fl, opts[i]);
	if (r < 0 && errno == EINVAL)
		r = mount(node, mnt, type, fl, NULL);
	return r < 0 ? -errno : 0;
}

static void set_block_readonly(const char *node)
{
	int fd = open(node, O_RDONLY | O_CLOEXEC);
	int on = 1;
	if (fd >= 0) {
		if (ioctl(fd, BLKROSET, &on) < 0)
			log_debug("cannot mark %s read-only: %s", node, errtext(errno));
		close(fd);
	}
}

/* A filesystem that cannot be mounted (damaged under its superblock, no
 * driver) is tried once per medium: every path on it gets the same answer,
 * not another mount attempt and another page of kernel messages. */
static const char *mount_dev(struct dev *d, const char *fstype, int *errnum, char **err)
{
	if (d->mnt)
		return d->mnt;
	if (!fstype && d->mount_errno) {
		*errnum = d->mount_errno;
		*err = xstrdup(d->mount_msg);
		return NULL;
	}
	*errnum = ENOENT;
	const char *type = fstype ? fstype : d->info.fstype;
	if (!fstype && type && !fsprobe_is_filesystem(type)) {
		*err = xasprintf("%s holds %s, not a filesystem", d->info.name, type);
		return NULL;
	}
	if (!type) {
		*err = xasprintf("%s holds no filesystem that kexec-loader recognises", d->info.name);
		return NULL;
	}
	char *node = xasprintf("%s/%s", D.devdir, d->info.name);
	char *mnt = xasprintf("%s/%s", D.mntdir, d->info.name);
	mkdir(D.mntdir, 0755);
	mkdir(mnt, 0755);
	set_block_readonly(node);
	if (D.fs_loader)
		D.fs_loader(type);
	int e = -disk_mount_ro(node, mnt, type);
	free(node);
	if (e) {
		rmdir(mnt);
		free(mnt);
		*err = e == ENODEV ? xasprintf("cannot mount %s: this kernel has no %s driver "
					       "(add its module to the boot disk's modules folder)",
					       d->info.name, type)
				   : xasprintf("cannot mount %s (%s): %s", d->info.name, type, errtext(e));
		/* A missing driver is not damage: it stays "not there" to the sources. */
		*errnum = e == ENODEV ? ENOENT : e;
		if (!fstype) {
			d->mount_errno = e;
			d->mount_msg = xstrdup(*err);
			log_warn("%s", *err);
		}
		return NULL;
	}
	log_info("mounted %s (%s) read-only on %s", d->info.name, type, mnt);
	d->mnt = mnt;
	return mnt;
}

static const char *mountpoint(const char *spec, int *errnum, char **err)
{
	struct devspec ds;
	*errnum = ENOENT;
	struct dev *d = find(spec, &ds, err);
	if (!d)
		return NULL;
	const char *m = mount_dev(d, ds.fstype, errnum, err);
	devspec_free(&ds);
	return m;
}

const char *disk_mountpoint(const char *spec, char **err)
{
	int e;
	return mountpoint(spec, &e, err);
}

/* Every file is opened through userfile: beneath the mount point, and only
 * when it is what the caller wants (a pipe or a device is refused by name). */
static int open_on(const char *root, const char *spec, enum uf_want want, char **err)
{
	char *dev, *path;
	if (path_split(spec, &dev, &path) < 0) {
		*err = xasprintf("'%s' is not a path", spec);
		return -EINVAL;
	}
	const char *devname = dev ? dev : root;
	int fd = -ENOENT;
	if (netdev_is(devname)) {
		fd = open_net(devname, path, want, err);
		goto out;
	}
	if (!devname) {
		*err = xasprintf("%s: no device given (add a root line or write (DEVICE)%s)", spec, path);
		goto out;
	}
	int merr;
	const char *mnt = mountpoint(devname, &merr, err);
	if (!mnt) {
		fd = -merr; /* a filesystem that cannot be mounted says why */
		goto out;
	}
	int dirfd = open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	fd = dirfd < 0 ? -errno : uf_open_beneath(dirfd, path, want);
	if (fd < 0) {
		int e = -fd;
		*err = e == ENOTDIR && want == UF_DIR ? xasprintf("%s on %s is not a folder", path, devname)
		       : e == ENOENT || uf_is_refusal(e) ? uf_message(path, devname, fd)
		       : xasprintf("cannot open %s on %s: %s", path, devname, errtext(e));
	}
	if (dirfd >= 0)
		close(dirfd);
out:
	free(dev);
	free(path);
	return fd;
}

int disk_open(const char *root, const char *path, char **err)
{
	return open_on(root, path, UF_FILE, err);
}

int disk_opendir(const char *root, const char *path, char **err)
{
	return open_on(root, path, UF_DIR, err);
}

int disk_umount_all(void)
{
	int ret = 0;
	for (size_t i = D.n; i-- > 0;) {
		struct dev *d = &D.v[i];
		if (!d->mnt || d->host_dir)
			continue;
		if (umount2(d->mnt, 0) < 0 && umount2(d->mnt, MNT_DETACH) < 0) {
			ret = -errno;
			log_warn("cannot unmount %s: %s", d->mnt, errtext(errno));
		}
		free(d->mnt);
		d->mnt = NULL;
	}
	return ret;
}

/* The fsio seam over this layer. */
static int io_read(void *ctx, const char *dev, const char *path, size_t max, char **buf,
		   size_t *len)
{
	char *err = NULL;
	int fd = open_on(dev, path, UF_FILE, &err);
	free(err);
	if (fd < 0)
		return fd;
	int r = uf_read_fd(fd, max, buf, len);
	close(fd);
	return r;
}

static int io_stat(void *ctx, const char *dev, const char *path, bool *is_dir)
{
	char *err = NULL;
	int fd = open_on(dev, path, UF_ANY, &err);
	free(err);
	if (fd < 0)
		return fd;
	struct stat st;
	int r = fstat(fd, &st) < 0 ? -errno : 0;
	if (is_dir)
		*is_dir = S_ISDIR(st.st_mode);
	close(fd);
	return r;
}

static int io_list(void *ctx, const char *dev, const char *path, struct strlist *names)
{
	char *err = NULL;
	int fd = open_on(dev, path, UF_DIR, &err);
	free(err);
	if (fd < 0)
		return fd;
	int r = uf_read_names(fd, names, SIZE_MAX);
	return r < 0 ? r : 0;
}

static size_t io_devices(void *ctx, const struct fsinfo **v)
{
	return disk_list(v);
}

struct fsio *disk_fsio(void)
{
	static struct fsio io = {NULL, io_read, io_stat, io_list, io_devices};
	return &io;
}
