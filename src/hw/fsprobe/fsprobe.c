/* The probe: every known format tried in the order blkid tries them, with
 * blkid's rules for a device that carries more than one signature, then the
 * partition table. Reads go through a small cache of 4 KiB-aligned blocks so
 * that the probers, which mostly look at the same first kilobytes, cost one
 * read each. */
#include "fsprobe.h"

#include <errno.h>
#include <linux/cdrom.h>
#include <linux/fs.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fsprobe_int.h"
#include "util.h"

#define CHUNK 4096u
/* A bound on what one device may make us read, whatever its superblocks say. */
#define READ_MAX (4u << 20)
/* blkid treats devices up to a floppy's size specially. */
#define TINY_MAX (1440u * 1024)

struct fsp_buf {
	struct fsp_buf *next;
	uint64_t off;
	size_t len;
	uint8_t data[];
};

unsigned fsp_sector_size(const struct fsp *p)
{
	return p->dev->sector_size ? p->dev->sector_size : 512;
}

bool fsp_is_tiny(const struct fsp *p)
{
	return p->dev->size <= TINY_MAX;
}

const uint8_t *fsp_get(struct fsp *p, uint64_t off, size_t len)
{
	uint64_t size = p->dev->size;
	if (len == 0 || off > size || len > size - off)
		return NULL;
	for (struct fsp_buf *b = p->bufs; b; b = b->next)
		if (off >= b->off && off + len <= b->off + b->len)
			return b->data + (off - b->off);
	uint64_t start = off & ~(uint64_t)(CHUNK - 1);
	uint64_t end = (off + len + CHUNK - 1) & ~(uint64_t)(CHUNK - 1);
	if (end > size)
		end = size;
	size_t n = (size_t)(end - start);
	if (n > READ_MAX - p->read_total)
		return NULL;
	struct fsp_buf *b = malloc(sizeof(*b) + n);
	if (!b)
		return NULL;
	if (p->dev->read_at(p->dev->ctx, start, b->data, n) < 0) {
		free(b);
		return NULL;
	}
	p->read_total += n;
	b->off = start;
	b->len = n;
	b->next = p->bufs;
	p->bufs = b;
	return b->data + (off - start);
}

bool fsp_all_zero(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

uint32_t fsp_crc32(uint32_t crc, const uint8_t *b, size_t n)
{
	crc = ~crc;
	for (size_t i = 0; i < n; i++) {
		crc ^= b[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & -(crc & 1));
	}
	return ~crc;
}

static size_t put_utf8(char *dst, size_t cap, size_t j, uint32_t c)
{
	int n = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
	if (j + (size_t)n >= cap)
		return 0;
	if (n == 1) {
		dst[j] = (char)c;
		return 1;
	}
	static const uint8_t lead[] = {0, 0, 0xc0, 0xe0, 0xf0};
	for (int k = n - 1; k > 0; k--, c >>= 6)
		dst[j + (size_t)k] = (char)(0x80 | (c & 0x3f));
	dst[j] = (char)(lead[n] | c);
	return (size_t)n;
}

/* Unpaired surrogates are written as they are, as util-linux does. */
size_t fsp_to_utf8(enum fsp_enc enc, char *dst, size_t cap, const uint8_t *src, size_t n)
{
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t c = src[i];
		if (enc != FSP_LATIN1) {
			if (i + 2 > n)
				break;
			c = enc == FSP_UTF16LE ? le16(src + i) : be16(src + i);
			i++;
			if (c >= 0xD800 && c <= 0xDBFF && i + 2 < n) {
				uint32_t c2 = enc == FSP_UTF16LE ? le16(src + i + 1) : be16(src + i + 1);
				if (c2 >= 0xDC00 && c2 <= 0xDFFF) {
					c = 0x10000 + ((c - 0xD800) << 10) + (c2 - 0xDC00);
					i += 2;
				}
			}
		}
		if (c == 0)
			break;
		size_t w = put_utf8(dst, cap, j, c);
		if (!w)
			break;
		j += w;
	}
	dst[j] = '\0';
	return j;
}

static void rtrim(char *s)
{
	size_t n = strlen(s);
	while (n && strchr(" \t\n\v\f\r", s[n - 1]))
		s[--n] = '\0';
}

static void copy_text(char *dst, size_t cap, const uint8_t *s, size_t len)
{
	size_t n = strnlen((const char *)s, len);
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
	rtrim(dst);
}

void fsp_set_label(struct fsp *p, const uint8_t *s, size_t len)
{
	copy_text(p->label, FSPROBE_LABEL_MAX, s, len);
}

void fsp_set_label_enc(struct fsp *p, const uint8_t *s, size_t len, enum fsp_enc enc)
{
	fsp_to_utf8(enc, p->label, FSPROBE_LABEL_MAX, s, len);
	rtrim(p->label);
}

void fsp_set_uuid(struct fsp *p, const uint8_t u[16])
{
	if (fsp_all_zero(u, 16))
		return;
	snprintf(p->uuid, sizeof(((struct fsprobe_result *)0)->uuid),
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0],
		 u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
		 u[14], u[15]);
}

void fsp_set_uuid_fmt(struct fsp *p, const uint8_t *raw, size_t rawlen, const char *fmt, ...)
{
	if (fsp_all_zero(raw, rawlen))
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->uuid, sizeof(((struct fsprobe_result *)0)->uuid), fmt, ap);
	va_end(ap);
}

void fsp_set_uuid_text(struct fsp *p, const uint8_t *s, size_t len)
{
	copy_text(p->uuid, sizeof(((struct fsprobe_result *)0)->uuid), s, len);
}

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

static bool skipped(const struct fsp *p, const struct prober *pr)
{
	if (pr->minsz && pr->minsz > p->dev->size)
		return true;
	/* Reading the last sectors of a disc can take a drive's whole timeout. */
	if ((pr->usage == RAID || pr->usage == OTHER) && p->dev->is_cdrom)
		return true;
	return pr->usage == RAID && fsp_is_tiny(p);
}

static int run(struct fsp *p, const struct prober *pr, char *label, char *uuid)
{
	label[0] = uuid[0] = '\0';
	p->label = label;
	p->uuid = uuid;
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
	if (p->dev->size <= 1024)
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
	struct fsp p = {.dev = dev};
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
	while (p.bufs) {
		struct fsp_buf *next = p.bufs->next;
		free(p.bufs);
		p.bufs = next;
	}
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
