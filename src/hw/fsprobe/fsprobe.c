/* The dispatcher of the probe: every known format tried in the order blkid
 * tries them, with blkid's rules for a device that carries more than one
 * signature, then the partition table. The probers (fsprobe_disc, _linux,
 * _ms, _volume, _pt) read through the helper library, fsprobe_lib. */
#include "fsprobe.h"

#include <errno.h>
#include <linux/cdrom.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fsprobe_disc.h"
#include "fsprobe_lib.h"
#include "fsprobe_linux.h"
#include "fsprobe_ms.h"
#include "fsprobe_pt.h"
#include "fsprobe_volume.h"
#include "util.h"

enum usage { FS, RAID, CRYPTO, OTHER };

struct prober {
	const char *name;
	int (*fn)(struct fsp *p);
	enum usage usage;
	bool tolerant; /* may share the device with another filesystem (CD images) */
	uint32_t minsz;
};

/* blkid's order, which decides what a device with several signatures is. */
static const struct prober probers[] = {
	{"linux_raid_member", fsp_linux_raid, RAID, false, 0},
	{"LVM2_member", fsp_lvm2, RAID, false, 0},
	{"crypto_LUKS", fsp_luks, CRYPTO, false, 0},
	{"vfat", fsp_vfat, FS, false, 0},
	{"swsuspend", fsp_swsuspend, OTHER, false, 10 * 4096},
	{"swap", fsp_swap, OTHER, false, 10 * 4096},
	{"xfs", fsp_xfs, FS, false, 0},
	{"ext4dev", fsp_ext4dev, FS, false, 0},
	{"ext4", fsp_ext4, FS, false, 0},
	{"ext3", fsp_ext3, FS, false, 0},
	{"ext2", fsp_ext2, FS, false, 0},
	{"jbd", fsp_jbd, OTHER, false, 0},
	{"udf", fsp_udf, FS, true, 0},
	{"iso9660", fsp_iso9660, FS, true, 0},
	{"ntfs", fsp_ntfs, FS, false, 0},
	{"squashfs", fsp_squashfs, FS, false, 0},
	{"squashfs3", fsp_squashfs3, FS, false, 0},
	{"btrfs", fsp_btrfs, FS, false, 1024 * 1024},
	{"exfat", fsp_exfat, FS, false, 0},
	{"f2fs", fsp_f2fs, FS, false, 0},
};

bool fsprobe_is_filesystem(const char *type)
{
	for (size_t i = 0; i < sizeof(probers) / sizeof(probers[0]); i++)
		if (!strcmp(probers[i].name, type))
			return probers[i].usage == FS;
	return true; /* a type given by the user: let mount(2) decide */
}

static bool skipped(const struct fsp *p, const struct prober *pr)
{
	if (pr->minsz && pr->minsz > p->size)
		return true;
	/* Reading the last sectors of a disc can take a drive's whole timeout. */
	if ((pr->usage == RAID || pr->usage == OTHER) && p->is_cdrom)
		return true;
	return pr->usage == RAID && fsp_is_tiny(p);
}

static int run(struct fsp *p, const struct prober *pr, char *label, char *uuid)
{
	label[0] = uuid[0] = '\0';
	p->label = label;
	p->uuid = uuid;
	p->label_cap = FSPROBE_LABEL_MAX;
	p->uuid_cap = sizeof(((struct fsprobe_result *)0)->uuid);
	return pr->fn(p);
}

static void keep(struct fsprobe_result *r, const struct prober *pr, const char *label,
		 const char *uuid)
{
	snprintf(r->type, sizeof(r->type), "%s", pr->name);
	snprintf(r->label, sizeof(r->label), "%s", label);
	snprintf(r->uuid, sizeof(r->uuid), "%s", uuid);
}

/* Every prober runs: a second filesystem signature makes the result
 * ambiguous unless both may share a device (ISO 9660 and UDF do). RAID and
 * encryption headers win at once: what lies inside them is not ours to read. */
static int filesystems(struct fsp *p, struct fsprobe_result *r, const struct prober **found)
{
	char label[FSPROBE_LABEL_MAX], uuid[sizeof(r->uuid)];
	int count = 0, intolerant = 0;
	if (p->size <= 1024)
		return FSPROBE_NONE;
	for (size_t i = 0; i < ARRAY_SIZE(probers); i++) {
		const struct prober *pr = &probers[i];
		if (skipped(p, pr) || run(p, pr, label, uuid) != 0)
			continue;
		if (++count == 1) {
			keep(r, pr, label, uuid);
			*found = pr;
		}
		if (fsp_is_tiny(p) || pr->usage == RAID || pr->usage == CRYPTO)
			break;
		if (!pr->tolerant)
			intolerant++;
	}
	if (count > 1 && intolerant)
		return FSPROBE_AMBIGUOUS;
	return count ? FSPROBE_FOUND : FSPROBE_NONE;
}

int fsprobe(const struct fsprobe_dev *dev, struct fsprobe_result *r)
{
	struct fsp p = {.read_at = dev->read_at, .ctx = dev->ctx, .size = dev->size,
			.sector_size = dev->sector_size, .is_cdrom = dev->is_cdrom != 0};
	const struct prober *found = NULL;
	memset(r, 0, sizeof(*r));
	int rc = filesystems(&p, r, &found);
	if (rc == FSPROBE_AMBIGUOUS) {
		memset(r, 0, sizeof(*r));
	} else if (!found || strcmp(found->name, "linux_raid_member") != 0) {
		/* A RAID 1 member shows the array's partition table, which is not its own. */
		p.fstype = r->type;
		const char *pt = fsp_partition_table(&p);
		if (pt) {
			snprintf(r->pttype, sizeof(r->pttype), "%s", pt);
			if (found && p.lvm_wipes_mbr) /* pvcreate would have wiped a table */
				r->type[0] = r->label[0] = r->uuid[0] = '\0';
			rc = FSPROBE_FOUND;
		}
	}
	fsp_release(&p);
	return rc;
}

struct mem {
	const uint8_t *data;
	size_t len;
};

static int mem_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	const struct mem *m = ctx;
	if (off > m->len || len > m->len - off)
		return -1;
	memcpy(buf, m->data + off, len);
	return 0;
}

int fsprobe_buf(const void *data, size_t len, struct fsprobe_result *r)
{
	struct mem m = {data, len};
	struct fsprobe_dev dev = {.read_at = mem_read, .ctx = &m, .size = len};
	return fsprobe(&dev, r);
}

static int fd_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	int fd = *(int *)ctx;
	for (size_t done = 0; done < len;) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

int fsprobe_fd(int fd, uint64_t size, struct fsprobe_result *r)
{
	struct fsprobe_dev dev = {.read_at = fd_read, .ctx = &fd, .size = size};
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISBLK(st.st_mode)) {
		int ssz = 0;
		if (!size)
			ioctl(fd, BLKGETSIZE64, &dev.size);
		if (ioctl(fd, BLKSSZGET, &ssz) == 0 && ssz >= 512)
			dev.sector_size = (unsigned)ssz;
		dev.is_cdrom = ioctl(fd, CDROM_GET_CAPABILITY, NULL) >= 0;
	} else if (!size && S_ISREG(st.st_mode)) {
		dev.size = (uint64_t)st.st_size;
	}
	return fsprobe(&dev, r);
}
