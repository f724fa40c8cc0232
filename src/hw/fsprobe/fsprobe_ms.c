/* Microsoft's filesystems: FAT12/16/32, NTFS, exFAT. FAT has no single magic
 * number, so its boot sector is checked field by field, as blkid and the
 * kernel check it. */
#include <string.h>
#include "fsprobe_ms.h"

#define FAT12_MAX 0xFF4u
#define FAT16_MAX 0xFFF4u
#define FAT32_MAX 0x0FFFFFF6u

static bool pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

/* 1: a strong signature, 2: only a jump or the 55 AA mark, 0: none. */
static int fat_magic(const uint8_t *b)
{
	static const struct {
		const char *s;
		size_t len, off;
	} m[] = {
		{"MSWIN", 5, 0x52}, {"FAT32   ", 8, 0x52}, {"MSDOS", 5, 0x36},
		{"FAT16   ", 8, 0x36}, {"FAT12   ", 8, 0x36}, {"FAT     ", 8, 0x36},
		{"\353", 1, 0}, {"\351", 1, 0}, {"\125\252", 2, 0x1fe},
	};
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (!memcmp(b + m[i].off, m[i].s, m[i].len))
			return m[i].len <= 2 ? 2 : 1;
	return 0;
}

/* BitLocker keeps a FAT-like boot sector; its Vista and 7 forms say so at byte 0. */
static bool bitlocker(const uint8_t *b)
{
	return !memcmp(b, "\xeb\x52\x90-FVE-FS-", 11) || !memcmp(b, "\xeb\x58\x90-FVE-FS-", 11);
}

struct fat_geom {
	uint32_t clusters, fat_size;
	uint16_t sector_size, reserved;
};

static bool fat_valid(const uint8_t *b, int magic, struct fat_geom *g)
{
	if (magic == 2 && (b[510] != 0x55 || b[511] != 0xAA ||
			   !memcmp(b + 0x36, "JFS     ", 8) || !memcmp(b + 0x36, "HPFS    ", 8)))
		return false;
	uint8_t fats = b[0x10], media = b[0x15], spc = b[0x0d];
	g->reserved = le16(b + 0x0e);
	g->sector_size = le16(b + 0x0b);
	if (!fats || !g->reserved || !(media >= 0xf8 || media == 0xf0) || !pow2(spc))
		return false;
	if (!pow2(g->sector_size) || g->sector_size < 512 || g->sector_size > 4096)
		return false;
	uint32_t sectors = le16(b + 0x13) ? le16(b + 0x13) : le32(b + 0x20);
	uint32_t fat_len = le16(b + 0x16) ? le16(b + 0x16) : le32(b + 0x24);
	g->fat_size = fat_len * fats;
	uint32_t dir_size = ((uint32_t)le16(b + 0x11) * 32 + g->sector_size - 1) / g->sector_size;
	g->clusters = (sectors - (g->reserved + g->fat_size + dir_size)) / spc;
	uint32_t max = !le16(b + 0x16) && le32(b + 0x24) ? FAT32_MAX
		       : g->clusters > FAT12_MAX ? FAT16_MAX : FAT12_MAX;
	return g->clusters <= max && !bitlocker(b);
}

bool fsp_is_vfat(struct fsp *p)
{
	struct fat_geom g;
	const uint8_t *b = fsp_get(p, 0, 512);
	int magic = b ? fat_magic(b) : 0;
	return magic && fat_valid(b, magic, &g);
}

/* The volume label entry of a root directory, or NULL. */
static const uint8_t *fat_dir_label(struct fsp *p, uint64_t off, uint32_t entries)
{
	/* blkid reads a large disk's root directory whole: it must all be there. */
	if (!fsp_is_tiny(p) && (off > p->size || (uint64_t)entries * 32 > p->size - off))
		return NULL;
	for (uint32_t i = 0; i < entries; i++) {
		const uint8_t *e = fsp_get(p, off + (uint64_t)i * 32, 32);
		if (!e || e[0] == 0)
			return NULL;
		if (e[0] == 0xe5 || le16(e + 0x14) || le16(e + 0x1a) || (e[11] & 0x3f) == 0x0f)
			continue;
		if ((e[11] & 0x18) == 0x08)
			return e;
	}
	return NULL;
}

/* FAT32 keeps its root directory in a cluster chain; follow at most 100 links. */
static const uint8_t *fat32_label(struct fsp *p, const uint8_t *b, const struct fat_geom *g)
{
	uint8_t spc = b[0x0d];
	uint32_t cluster_bytes = spc * (uint32_t)g->sector_size;
	uint32_t data_start = g->reserved + g->fat_size;
	uint32_t entries = (uint32_t)((uint64_t)le32(b + 0x24) * g->sector_size / 4);
	uint32_t next = le32(b + 0x2c);
	for (int loop = 100; next && next < entries && --loop;) {
		uint64_t off = (uint64_t)(data_start + (next - 2) * spc) * g->sector_size;
		const uint8_t *e = fat_dir_label(p, off, cluster_bytes / 32);
		if (e)
			return e;
		uint64_t fat_off = (uint64_t)g->reserved * g->sector_size + (uint64_t)next * 4;
		const uint8_t *f = fat_off + cluster_bytes <= p->size ? fsp_get(p, fat_off, 4) : NULL;
		if (!f)
			break;
		next = le32(f) & 0x0fffffff;
	}
	return NULL;
}

static bool fat32_fsinfo_ok(struct fsp *p, const uint8_t *b, const struct fat_geom *g)
{
	uint16_t sect = le16(b + 0x30);
	if (!sect)
		return true;
	const uint8_t *f = fsp_get(p, (uint64_t)sect * g->sector_size, 512);
	if (!f)
		return false;
	bool s1 = !memcmp(f, "RRaA", 4) || !memcmp(f, "RRdA", 4) || fsp_all_zero(f, 4);
	bool s2 = !memcmp(f + 484, "rrAa", 4) || fsp_all_zero(f + 484, 4);
	return s1 && s2;
}

/* The label is the root directory's volume label entry only; the copy in
 * the boot sector is stale after a rename in Windows, and blkid ignores it. */
int fsp_vfat(struct fsp *p)
{
	struct fat_geom g;
	const uint8_t *b = fsp_get(p, 0, 512), *label = NULL, *serial = NULL;
	int magic = b ? fat_magic(b) : 0;
	if (!magic || !fat_valid(b, magic, &g))
		return 1;
	if (le16(b + 0x16)) {
		uint64_t root = (uint32_t)((g.reserved + g.fat_size) * g.sector_size);
		label = fat_dir_label(p, root, le16(b + 0x11));
		if (b[0x26] == 0x28 || b[0x26] == 0x29)
			serial = b + 0x27;
	} else if (le32(b + 0x24)) {
		label = fat32_label(p, b, &g);
		serial = b + 0x43;
		if (!fat32_fsinfo_ok(p, b, &g))
			return 1;
	}
	if (label) {
		uint8_t name[11];
		memcpy(name, label, 11);
		if (name[0] == 0x05) /* a name starting with 0xE5 is stored as 0x05 */
			name[0] = 0xe5;
		fsp_set_label(p, name, 11);
	}
	if (serial)
		fsp_set_uuid_fmt(p, serial, 4, "%02X%02X-%02X%02X", serial[3], serial[2],
				 serial[1], serial[0]);
	return 0;
}

static bool ntfs_cluster(const uint8_t *b, uint32_t *spc)
{
	uint8_t c = b[0x0d];
	if (pow2(c) && c <= 128)
		*spc = c;
	else if (c >= 240 && c <= 249)
		*spc = 1u << (256 - c);
	else
		return false;
	return true;
}

/* The $Volume record (MFT record 3) of a valid NTFS boot sector, or NULL. */
static const uint8_t *ntfs_volume_record(struct fsp *p, uint32_t *rec_size)
{
	const uint8_t *b = fsp_get(p, 0, 512);
	uint32_t spc;
	if (!b || memcmp(b + 3, "NTFS    ", 8))
		return NULL;
	uint16_t ss = le16(b + 0x0b);
	if (ss < 256 || ss > 4096 || !ntfs_cluster(b, &spc) || ss * spc > 2 * 1024 * 1024)
		return NULL;
	if (le16(b + 0x0e) || le16(b + 0x11) || le16(b + 0x13) || le16(b + 0x16) ||
	    le32(b + 0x20) || b[0x10])
		return NULL;
	int8_t cpm = (int8_t)b[0x40];
	uint8_t u = b[0x40];
	if ((u < 0xe1 || u > 0xf7) && !(pow2(u) && u <= 64))
		return NULL;
	uint64_t rec = cpm > 0 ? (uint64_t)cpm * spc * ss : (uint64_t)1 << -cpm;
	uint64_t clusters = le64(b + 0x28) / spc, mft = le64(b + 0x30);
	if (mft > clusters || le64(b + 0x38) > clusters || rec < 4 || rec > 65536)
		return NULL;
	uint64_t off = mft * ss * spc;
	const uint8_t *r = fsp_get(p, off, (size_t)rec);
	if (!r || memcmp(r, "FILE", 4))
		return NULL;
	r = fsp_get(p, off + 3 * rec, (size_t)rec);
	if (!r || memcmp(r, "FILE", 4))
		return NULL;
	*rec_size = (uint32_t)rec;
	return r;
}

bool fsp_is_ntfs(struct fsp *p)
{
	uint32_t n;
	return ntfs_volume_record(p, &n) != NULL;
}

/* The label is the $VOLUME_NAME attribute of the $Volume record. */
int fsp_ntfs(struct fsp *p)
{
	uint32_t size;
	const uint8_t *r = ntfs_volume_record(p, &size);
	if (!r)
		return 1;
	uint64_t at = le16(r + 0x14);
	while (at + 22 <= size && at <= le32(r + 0x1c)) {
		const uint8_t *a = r + at;
		uint32_t type = le32(a), len = le32(a + 4);
		if (!len || type == 0xffffffff)
			break;
		if (type == 0x60) {
			uint64_t voff = le16(a + 0x14), vlen = le32(a + 0x10);
			if (at + voff + vlen <= size)
				fsp_set_label_enc(p, a + voff, (size_t)vlen, FSP_UTF16LE);
			break;
		}
		at += len;
	}
	const uint8_t *b = fsp_get(p, 0, 512);
	fsp_set_uuid_fmt(p, b + 0x48, 8, "%016llX", (unsigned long long)le64(b + 0x48));
	return 0;
}

struct exfat {
	uint32_t fat_start, heap_start, root;
	uint8_t block_bits, bpc_bits;
};

static uint64_t exfat_cluster_off(const struct exfat *x, uint32_t c)
{
	uint64_t block = x->heap_start + ((uint64_t)(uint32_t)(c - 2) << x->bpc_bits);
	return block << x->block_bits;
}

/* The label entry (type 0x83) of the root directory, following its clusters. */
static const uint8_t *exfat_label(struct fsp *p, const struct exfat *x)
{
	uint32_t cluster = x->root;
	uint64_t off = exfat_cluster_off(x, cluster);
	uint64_t csize = (uint64_t)1 << (x->block_bits + x->bpc_bits);
	for (int i = 0; i < 10000; i++) {
		const uint8_t *e = fsp_get(p, off, 32);
		if (!e || e[0] == 0)
			return NULL;
		if (e[0] == 0x83)
			return e;
		off += 32;
		if (off % csize == 0) {
			uint64_t fat = ((uint64_t)x->fat_start << x->block_bits) + (uint64_t)cluster * 4;
			const uint8_t *f = fsp_get(p, fat, 4);
			cluster = f ? le32(f) : 0;
			if (cluster < 2 || cluster > 0xffffff6)
				return NULL;
			off = exfat_cluster_off(x, cluster);
		}
	}
	return NULL;
}

int fsp_exfat(struct fsp *p)
{
	const uint8_t *b = fsp_get(p, 0, 512);
	if (!b || memcmp(b + 3, "EXFAT   ", 8))
		return 1;
	struct exfat x = {le32(b + 0x50), le32(b + 0x58), le32(b + 0x60), b[0x6c], b[0x6d]};
	/* blkid computes the cluster size in 32 bits; a zero there means no exFAT. */
	if (x.block_bits + x.bpc_bits >= 32)
		return 1;
	const uint8_t *label = exfat_label(p, &x);
	if (label) {
		size_t n = (size_t)label[1] * 2;
		fsp_set_label_enc(p, label + 2, n < 22 ? n : 22, FSP_UTF16LE);
	}
	const uint8_t *s = b + 0x64;
	fsp_set_uuid_fmt(p, s, 4, "%02X%02X-%02X%02X", s[3], s[2], s[1], s[0]);
	return 0;
}
