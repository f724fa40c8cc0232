/* Linux's own formats: ext2/3/4 (told apart by feature flags, as blkid does),
 * XFS, btrfs, squashfs, F2FS, swap and hibernation images. */
#include <string.h>
#include "fsprobe_linux.h"

/* blkid reads the kilobyte that holds a magic number: a magic whose kilobyte
 * runs past the end of the device is not there. */
static bool magic_at(struct fsp *p, uint64_t off, const char *magic, size_t len)
{
	const uint8_t *kb = fsp_get(p, off & ~(uint64_t)1023, 1024);
	return kb && !memcmp(kb + (off & 1023), magic, len);
}

#define EXT_COMPAT_JOURNAL 0x4u
#define EXT_INCOMPAT_JOURNAL_DEV 0x8u
#define EXT_RO_SUPPORTED 0x7u      /* sparse_super, large_file, btree_dir */
#define EXT2_INCOMPAT_SUPPORTED 0x12u /* filetype, meta_bg */
#define EXT3_INCOMPAT_SUPPORTED 0x16u /* and recover */
#define EXT_FLAG_TEST_FS 0x4u

struct ext {
	const uint8_t *sb;
	uint32_t compat, incompat, ro, flags;
};

static bool ext_read(struct fsp *p, struct ext *e)
{
	if (!magic_at(p, 1024 + 0x38, "\x53\xef", 2) || !(e->sb = fsp_get(p, 1024, 512)))
		return false;
	e->compat = le32(e->sb + 0x5c);
	e->incompat = le32(e->sb + 0x60);
	e->ro = le32(e->sb + 0x64);
	e->flags = le32(e->sb + 0x160);
	return true;
}

static int ext_found(struct fsp *p, const struct ext *e)
{
	if (e->sb[0x78])
		fsp_set_label(p, e->sb + 0x78, 16);
	fsp_set_uuid(p, e->sb + 0x68);
	return 0;
}

int fsp_ext4dev(struct fsp *p)
{
	struct ext e;
	if (!ext_read(p, &e) || (e.incompat & EXT_INCOMPAT_JOURNAL_DEV) ||
	    !(e.flags & EXT_FLAG_TEST_FS))
		return 1;
	return ext_found(p, &e);
}

/* ext4: a feature that ext3 does not know (extents, 64bit, flex_bg, …). */
int fsp_ext4(struct fsp *p)
{
	struct ext e;
	if (!ext_read(p, &e) || (e.incompat & EXT_INCOMPAT_JOURNAL_DEV) ||
	    (e.flags & EXT_FLAG_TEST_FS))
		return 1;
	if (!(e.ro & ~EXT_RO_SUPPORTED) && !(e.incompat & ~EXT3_INCOMPAT_SUPPORTED))
		return 1;
	return ext_found(p, &e);
}

int fsp_ext3(struct fsp *p)
{
	struct ext e;
	if (!ext_read(p, &e) || !(e.compat & EXT_COMPAT_JOURNAL))
		return 1;
	if ((e.ro & ~EXT_RO_SUPPORTED) || (e.incompat & ~EXT3_INCOMPAT_SUPPORTED))
		return 1;
	return ext_found(p, &e);
}

int fsp_ext2(struct fsp *p)
{
	struct ext e;
	if (!ext_read(p, &e) || (e.compat & EXT_COMPAT_JOURNAL))
		return 1;
	if ((e.ro & ~EXT_RO_SUPPORTED) || (e.incompat & ~EXT2_INCOMPAT_SUPPORTED))
		return 1;
	return ext_found(p, &e);
}

/* An external ext3/4 journal. */
int fsp_jbd(struct fsp *p)
{
	struct ext e;
	if (!ext_read(p, &e) || !(e.incompat & EXT_INCOMPAT_JOURNAL_DEV))
		return 1;
	return ext_found(p, &e);
}

static bool xfs_pow2_field(uint32_t v, unsigned log, unsigned lo, unsigned hi)
{
	return log >= lo && log <= hi && v == (1ull << log);
}

/* The sanity checks blkid makes, so that a stray "XFSB" is not taken for XFS. */
static bool xfs_valid(const uint8_t *s)
{
	uint32_t bsize = be32(s + 4), rext = be32(s + 0x50), agblocks = be32(s + 0x54);
	uint32_t agcount = be32(s + 0x58);
	uint64_t dblocks = (uint64_t)be32(s + 8) << 32 | be32(s + 12);
	uint16_t ssize = be16(s + 0x66), isize = be16(s + 0x68);
	uint8_t blog = s[0x78], slog = s[0x79], ilog = s[0x7a], inopblog = s[0x7b];
	uint32_t rext_bytes = rext * bsize;
	if (!agcount || !xfs_pow2_field(ssize, slog, 9, 15) || !xfs_pow2_field(bsize, blog, 9, 16) ||
	    !xfs_pow2_field(isize, ilog, 8, 11) || blog - ilog != inopblog)
		return false;
	if (rext_bytes > 1024 * 1024 * 1024 || rext_bytes < 4096 || s[0x7f] > 100 || !dblocks)
		return false;
	return dblocks <= (uint64_t)agcount * agblocks &&
	       dblocks >= (uint64_t)(agcount - 1) * agblocks + 64;
}

int fsp_xfs(struct fsp *p)
{
	const uint8_t *s = fsp_get(p, 0, 512);
	if (!s || memcmp(s, "XFSB", 4) || !xfs_valid(s))
		return 1;
	if (s[0x6c])
		fsp_set_label(p, s + 0x6c, 12);
	fsp_set_uuid(p, s + 0x20);
	return 0;
}

int fsp_btrfs(struct fsp *p)
{
	const uint64_t at = 64 * 1024;
	const uint8_t *s;
	if (!magic_at(p, at + 0x40, "_BHRfS_M", 8) || !(s = fsp_get(p, at, 0x22b)))
		return 1;
	if (s[0x12b])
		fsp_set_label(p, s + 0x12b, 256);
	fsp_set_uuid(p, s + 0x20);
	return 0;
}

/* squashfs 4 and later; squashfs3 is the older, differently laid out format. */
int fsp_squashfs(struct fsp *p)
{
	const uint8_t *s = fsp_get(p, 0, 32);
	return s && !memcmp(s, "hsqs", 4) && le16(s + 0x1c) >= 4 ? 0 : 1;
}

int fsp_squashfs3(struct fsp *p)
{
	const uint8_t *s = fsp_get(p, 0, 32);
	if (!s)
		return 1;
	if (!memcmp(s, "sqsh", 4))
		return be16(s + 0x1c) <= 3 ? 0 : 1;
	return !memcmp(s, "hsqs", 4) && le16(s + 0x1c) <= 3 ? 0 : 1;
}

int fsp_f2fs(struct fsp *p)
{
	const uint8_t *s;
	if (!magic_at(p, 0x400, "\x10\x20\xf5\xf2", 4) || !(s = fsp_get(p, 0x400, 0x47c)))
		return 1;
	if (le16(s + 4) == 1 && le16(s + 6) == 0) /* 1.0 has no label or UUID where 1.1 has */
		return 0;
	if (s[0x7c])
		fsp_set_label_enc(p, s + 0x7c, 1024, FSP_UTF16LE);
	fsp_set_uuid(p, s + 0x6c);
	return 0;
}

/* Swap signatures sit at the end of the first page, whatever the page size. */
static const uint64_t swap_ends[] = {0xff6, 0x1ff6, 0x3ff6, 0x7ff6, 0xfff6};
#define TUXONICE "\xed\xc3\x02\xe9\x98\x56\xe5\x0c"

/* The header after the first kilobyte; v1 checks its version and size. */
static int swap_header(struct fsp *p, bool v1)
{
	const uint8_t *h = fsp_get(p, 1024, 516);
	if (!h)
		return 1;
	if (v1 && ((le32(h) != 1 && be32(h) != 1) || !le32(h + 4)))
		return 1;
	/* Old tools left garbage here; only a clean header has a label and UUID. */
	if (fsp_all_zero(h + 44 + 32 * 4, 8)) {
		if (h[28])
			fsp_set_label(p, h + 28, 16);
		fsp_set_uuid(p, h + 12);
	}
	return 0;
}

int fsp_swap(struct fsp *p)
{
	const uint8_t *b = fsp_get(p, 0, 8);
	for (size_t i = 0; b && i < sizeof(swap_ends) / sizeof(swap_ends[0]); i++) {
		if (magic_at(p, swap_ends[i], "SWAP-SPACE", 10))
			return memcmp(b, TUXONICE, 8) ? 0 : 1;
		if (magic_at(p, swap_ends[i], "SWAPSPACE2", 10))
			return memcmp(b, TUXONICE, 8) ? swap_header(p, true) : 1;
	}
	return 1;
}

/* A hibernation image written over a swap area. */
int fsp_swsuspend(struct fsp *p)
{
	static const char *const magics[] = {"S1SUSPEND", "S2SUSPEND", "ULSUSPEND", "LINHIB0001"};
	if (magic_at(p, 0, TUXONICE, 8))
		return swap_header(p, false);
	for (size_t i = 0; i < sizeof(swap_ends) / sizeof(swap_ends[0]); i++)
		for (size_t m = 0; m < sizeof(magics) / sizeof(magics[0]); m++)
			if (magic_at(p, swap_ends[i], magics[m], strlen(magics[m])))
				return swap_header(p, false);
	return 1;
}
