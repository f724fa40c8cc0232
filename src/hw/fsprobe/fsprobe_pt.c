/* Partition tables: DOS (MBR) and GPT, and a protective MBR whose GPT is
 * gone ("PMBR"). A FAT or NTFS boot sector ends in 55 AA too, so the DOS
 * prober first makes sure the sector is not one. */
#include <string.h>
#include "fsprobe_ms.h"
#include "fsprobe_pt.h"

#define MBR_ENTRIES 0x1be
#define GPT_PROTECTIVE 0xee
#define PT_MAX 128 /* partitions remembered for fsp_covered_by_partition */

struct pt_list {
	size_t n;
	uint64_t start[PT_MAX], size[PT_MAX]; /* in 512-byte sectors */
};

static void pt_add(struct pt_list *l, uint64_t start, uint64_t size)
{
	if (l && l->n < PT_MAX) {
		l->start[l->n] = start;
		l->size[l->n++] = size;
	}
}

static const uint8_t *mbr(struct fsp *p)
{
	const uint8_t *kb = fsp_get(p, 0, 1024);
	return kb && kb[510] == 0x55 && kb[511] == 0xaa ? kb : NULL;
}

static bool mbr_has_type(const uint8_t *m, uint8_t type)
{
	for (int i = 0; i < 4; i++)
		if (m[MBR_ENTRIES + i * 16 + 4] == type)
			return true;
	return false;
}

static bool dos(struct fsp *p, struct pt_list *l)
{
	const uint8_t *m = mbr(p);
	if (!m || !memcmp(m, "\xc9\xc2\xd4\xc1", 4)) /* AIX */
		return false;
	bool empty = true;
	for (int i = 0; i < 4; i++) {
		const uint8_t *e = m + MBR_ENTRIES + i * 16;
		if (e[0] != 0 && e[0] != 0x80)
			return false;
		empty &= le32(e + 12) == 0;
	}
	if (mbr_has_type(m, GPT_PROTECTIVE) || fsp_is_vfat(p) || fsp_is_ntfs(p))
		return false;
	/* People boot from LVM with an empty MBR in front of the label. */
	if (empty && p->fstype && !strcmp(p->fstype, "LVM2_member"))
		return false;
	uint64_t ssf = fsp_sector_size(p) / 512;
	for (int i = 0; i < 4; i++) {
		const uint8_t *e = m + MBR_ENTRIES + i * 16;
		if (le32(e + 12))
			pt_add(l, le32(e + 8) * ssf, le32(e + 12) * ssf);
	}
	return true;
}

/* A GPT header at lba, checked as blkid checks it (both CRCs included). */
static const uint8_t *gpt_header(struct fsp *p, uint64_t lba, uint64_t last, const uint8_t **ents)
{
	unsigned ssz = fsp_sector_size(p);
	const uint8_t *h = fsp_get(p, lba * ssz, ssz);
	if (!h || memcmp(h, "EFI PART", 8))
		return NULL;
	uint32_t hsz = le32(h + 12);
	if (hsz > ssz || hsz < 92)
		return NULL;
	uint32_t crc = fsp_crc32(0, h, 16);
	crc = fsp_crc32(crc, (const uint8_t *)"\0\0\0\0", 4);
	if (fsp_crc32(crc, h + 20, hsz - 20) != le32(h + 16) || le64(h + 24) != lba)
		return NULL;
	uint64_t first = le64(h + 40), lastu = le64(h + 48);
	if (lastu < first || first > last || lastu > last || (first < lba && lba < lastu))
		return NULL;
	uint64_t esz = (uint64_t)le32(h + 80) * le32(h + 84);
	if (esz == 0 || esz >= UINT32_MAX || le32(h + 84) != 128)
		return NULL;
	*ents = fsp_get(p, le64(h + 72) * ssz, (size_t)esz);
	return *ents && fsp_crc32(0, *ents, (size_t)esz) == le32(h + 88) ? h : NULL;
}

static void gpt_list(struct fsp *p, const uint8_t *h, const uint8_t *e, struct pt_list *l)
{
	uint64_t first = le64(h + 40), last = le64(h + 48), ssf = fsp_sector_size(p) / 512;
	for (uint32_t i = 0; i < le32(h + 80); i++, e += 128) {
		uint64_t start = le64(e + 32), size = le64(e + 40) - start + 1;
		if (!fsp_all_zero(e, 16) && start >= first && start + size - 1 <= last)
			pt_add(l, start * ssf, size * ssf);
	}
}

/* 1: a valid GPT, 0: none, -1: a protective MBR without one. */
static int gpt(struct fsp *p, struct pt_list *l)
{
	unsigned ssz = fsp_sector_size(p);
	const uint8_t *m = fsp_get(p, 0, 512), *h, *e = NULL;
	if (p->size < ssz || !m || m[510] != 0x55 || m[511] != 0xaa ||
	    !mbr_has_type(m, GPT_PROTECTIVE))
		return 0;
	uint64_t last = p->size / ssz - 1;
	h = gpt_header(p, 1, last, &e);
	if (!h)
		h = gpt_header(p, last, last, &e);
	if (!h)
		return mbr(p) ? -1 : 0;
	gpt_list(p, h, e, l);
	return 1;
}

static const char *probe_tables(struct fsp *p, struct pt_list *l)
{
	if (dos(p, l))
		return "dos";
	int g = gpt(p, l);
	return g > 0 ? "gpt" : g < 0 ? "PMBR" : NULL;
}

const char *fsp_partition_table(struct fsp *p)
{
	return probe_tables(p, NULL);
}

bool fsp_covered_by_partition(struct fsp *p, uint64_t off, uint64_t len)
{
	struct pt_list l = {0};
	/* blkid looks at the table afresh, knowing nothing of what else was found. */
	const char *saved = p->fstype;
	p->fstype = NULL;
	probe_tables(p, &l);
	p->fstype = saved;
	uint64_t start = off >> 9, end = (off + len) >> 9, disk = p->size >> 9;
	for (size_t i = 0; i < l.n; i++)
		if (l.start[i] + l.size[i] > disk)
			return false;
	for (size_t i = 0; i < l.n; i++)
		if (start >= l.start[i] && end <= l.start[i] + l.size[i])
			return true;
	return false;
}
