/* Containers of other filesystems: Linux software RAID members, LVM physical
 * volumes and LUKS encrypted volumes. Found, they end the probe: what lies
 * inside belongs to the array, the volume group or the mapping. */
#include <string.h>
#include "fsprobe_pt.h"
#include "fsprobe_volume.h"

#define MD_MAGIC 0xa92b4efcu
#define MD_RESERVED 0x10000u

/* Metadata 0.90, at the end of the device, in either byte order. */
static int md_v0(struct fsp *p, uint64_t off)
{
	const uint8_t *s = fsp_get(p, off, 64);
	if (!s || (le32(s) != MD_MAGIC && be32(s) != MD_MAGIC))
		return 1;
	bool le = le32(s) == MD_MAGIC;
	uint32_t (*rd)(const uint8_t *) = le ? le32 : be32;
	uint8_t uuid[16] = {0};
	static const int at[] = {20, 52, 56, 60};
	for (int i = 0; i < (rd(s + 8) >= 90 ? 4 : 1); i++)
		for (int k = 0; k < 4; k++) /* blkid's byte order for these, kept */
			uuid[i * 4 + k] = s[at[i] + (le ? 3 - k : k)];
	uint64_t size = (uint64_t)rd(s + 32) << 10;
	if (p->size < size + MD_RESERVED || off < size)
		return 1;
	/* The superblock of the disk's last partition sits at the disk's end too. */
	if (fsp_covered_by_partition(p, off - size, size + MD_RESERVED))
		return 1;
	fsp_set_uuid(p, uuid);
	return 0;
}

/* Metadata 1.x: at the end (1.0), at the start (1.1) or 4 KiB in (1.2). */
static int md_v1(struct fsp *p, uint64_t off)
{
	const uint8_t *s = fsp_get(p, off, 256);
	if (!s || le32(s) != MD_MAGIC || le32(s + 4) != 1 || le64(s + 144) != off >> 9)
		return 1;
	fsp_set_uuid(p, s + 16);
	fsp_set_label(p, s + 32, 32);
	return 0;
}

int fsp_linux_raid(struct fsp *p)
{
	uint64_t size = p->size;
	if (size > MD_RESERVED) {
		if (md_v0(p, (size & ~(uint64_t)(MD_RESERVED - 1)) - MD_RESERVED) == 0 ||
		    md_v1(p, (size & ~(uint64_t)0xfff) - 0x2000) == 0)
			return 0;
	}
	return md_v1(p, 0) == 0 || md_v1(p, 0x1000) == 0 ? 0 : 1;
}

/* The label may sit in any of the first four sectors; find which. */
static const uint8_t *lvm_label(struct fsp *p, unsigned *sector)
{
	static const struct {
		unsigned kb, off;
	} m[] = {{0, 0x218}, {0, 0x18}, {1, 0x18}, {1, 0x218}};
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		const uint8_t *kb = fsp_get(p, m[i].kb * 1024u, 1024);
		if (!kb || memcmp(kb + m[i].off, "LVM2 001", 8))
			continue;
		*sector = m[i].kb * 2;
		if (!memcmp(kb, "LABELONE", 8))
			return kb;
		if (!memcmp(kb + 512, "LABELONE", 8)) {
			++*sector;
			return kb + 512;
		}
		return NULL;
	}
	return NULL;
}

int fsp_lvm2(struct fsp *p)
{
	unsigned sector;
	const uint8_t *l = lvm_label(p, &sector);
	/* LVM's CRC: the usual polynomial, its own seed, no final inversion. */
	if (!l || le64(l + 8) != sector || ~fsp_crc32(~0xf597a6cfu, l + 20, 512 - 20) != le32(l + 16))
		return 1;
	const uint8_t *u = l + 32;
	if (!fsp_all_zero(u, 32)) {
		static const int groups[] = {6, 4, 4, 4, 4, 4, 6};
		char *o = p->uuid;
		for (int g = 0; g < 7; g++) {
			if (g)
				*o++ = '-';
			memcpy(o, u, (size_t)groups[g]);
			o += groups[g];
			u += groups[g];
		}
		*o = '\0';
	}
	p->lvm_wipes_mbr = true;
	return 0;
}

/* LUKS 1 and 2; a LUKS2 device whose first header was lost is found by its second. */
static int luks_found(struct fsp *p, const uint8_t *h)
{
	uint16_t version = be16(h + 6);
	if (version == 1 || version == 2)
		fsp_set_uuid_text(p, h + 168, 40);
	if (version == 2)
		fsp_set_label(p, h + 24, 48);
	return 0;
}

int fsp_luks(struct fsp *p)
{
	static const uint64_t second[] = {0x4000, 0x8000, 0x10000, 0x20000, 0x40000,
					  0x80000, 0x100000, 0x200000, 0x400000};
	const uint8_t *h = fsp_get(p, 0, 512);
	if (!h)
		return 1;
	if (!memcmp(h, "LUKS\xba\xbe", 6))
		return luks_found(p, h);
	for (size_t i = 0; i < sizeof(second) / sizeof(second[0]); i++) {
		h = fsp_get(p, second[i], 512);
		if (!h)
			return 1;
		if (!memcmp(h, "SKUL\xba\xbe", 6))
			return luks_found(p, h);
	}
	return 1;
}
