/* Optical disc formats: ISO 9660 (with Joliet and High Sierra) and UDF. Both
 * start at 32 KiB, after space left for a boot sector or a partition table. */
#include <stdio.h>
#include <string.h>
#include "fsprobe_disc.h"

#define ISO_START 0x8000u
#define ISO_SECTOR 2048u
#define ISO_DESC_LEN 847u /* a volume descriptor up to its dates */

static bool ascii_upper(uint8_t c)
{
	return c >= 'A' && c <= 'Z';
}

static uint8_t ascii_toupper(uint8_t c)
{
	return c >= 'a' && c <= 'z' ? (uint8_t)(c - 32) : c;
}

/* Joliet keeps 16 UTF-16 characters, the primary descriptor 32 upper-case
 * ASCII ones with '_' for what it cannot spell. When one is a prefix of the
 * other, blkid rebuilds the full name from both (UTF-16BE into out); else 0. */
static size_t merge_joliet(uint8_t *out, const uint8_t *u16, const uint8_t *ascii, size_t len)
{
	size_t o = 0, a = 0, u = 0;
	for (; u + 1 < len && a < len; o += 2, a++, u += 2) {
		if (u16[u] >= 0xD8 && u16[u] <= 0xDB && u + 3 < len && u16[u + 2] >= 0xDC &&
		    u16[u + 2] <= 0xDF) {
			out[o++] = u16[u++];
			out[o++] = u16[u++];
		}
		if (ascii[a] == '_') {
			out[o] = u16[u];
			out[o + 1] = u16[u + 1];
		} else if (u16[u] == 0 && u16[u + 1] == '_') {
			out[o] = 0;
			out[o + 1] = ascii[a];
		} else if (u16[u] == 0 && ascii_toupper(ascii[a]) == ascii_toupper(u16[u + 1])) {
			out[o] = 0;
			out[o + 1] = ascii_upper(ascii[a]) ? u16[u + 1] : ascii[a];
		} else {
			return 0;
		}
	}
	for (; a < len; o += 2, a++) {
		out[o] = 0;
		out[o + 1] = ascii[a];
	}
	return o;
}

/* The UUID is a date, "YYYY-MM-DD-HH-MM-SS-hh"; false when the date is unset. */
static bool iso_date_uuid(struct fsp *p, const uint8_t *d)
{
	size_t zeros = 0;
	for (int i = 0; i < 16; i++)
		zeros += d[i] == '0';
	if (zeros == 16 && d[16] == 0)
		return false;
	fsp_set_uuid_fmt(p, d, 16, "%c%c%c%c-%c%c-%c%c-%c%c-%c%c-%c%c-%c%c", d[0], d[1], d[2],
			 d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11], d[12], d[13], d[14],
			 d[15]);
	return true;
}

static bool joliet_escape(const uint8_t *d)
{
	const uint8_t *e = d + 88;
	return !memcmp(e, "%/@", 3) || !memcmp(e, "%/C", 3) || !memcmp(e, "%/E", 3);
}

int fsp_iso9660(struct fsp *p)
{
	const uint8_t *kb = fsp_get(p, ISO_START, 1024), *pvd = NULL, *joliet = NULL;
	if (!kb)
		return 1;
	if (memcmp(kb + 1, "CD001", 5)) {
		if (memcmp(kb + 9, "CDROM", 5)) /* High Sierra, ISO 9660's forerunner */
			return 1;
		fsp_set_label(p, kb + 48, 32);
		return 0;
	}
	bool boot = false;
	for (unsigned i = 0; i < 16 && !(boot && pvd && joliet); i++) {
		const uint8_t *d = fsp_get(p, ISO_START + i * ISO_SECTOR, ISO_DESC_LEN);
		if (!d || d[0] == 0xff)
			break;
		if (!boot && d[0] == 0)
			boot = true;
		else if (!pvd && d[0] == 1)
			pvd = d;
		else if (!joliet && d[0] == 2 && joliet_escape(d))
			joliet = d;
	}
	if (!pvd)
		return 1;
	if (!iso_date_uuid(p, pvd + 830))
		iso_date_uuid(p, pvd + 813);
	uint8_t merged[128];
	size_t n = joliet ? merge_joliet(merged, joliet + 40, pvd + 40, 32) : 0;
	if (n)
		fsp_set_label_enc(p, merged, n, FSP_UTF16BE);
	else if (joliet)
		fsp_set_label_enc(p, joliet + 40, 32, FSP_UTF16BE);
	else
		fsp_set_label(p, pvd + 40, 32);
	return 0;
}

#define UDF_VD_LEN 440u /* the largest descriptor blkid reads */
enum { TAG_PVD = 1, TAG_AVDP = 2, TAG_LVD = 6, TAG_TD = 8 };

/* Where the volume recognition sequence finds an NSR descriptor (a UDF
 * volume, not only an ISO 9660 one), given the length of its descriptors. */
static int udf_nsr(struct fsp *p, unsigned vsd_len)
{
	static const char *const known[] = {"BEA01", "BOOT2", "CD001", "CDW02", "TEA01"};
	for (unsigned b = 0; b < 64; b++) {
		const uint8_t *v = fsp_get(p, ISO_START + b * vsd_len, 7);
		if (!v)
			return -1;
		if (v[1] == 0)
			return 0;
		if (!memcmp(v + 1, "NSR02", 5) || !memcmp(v + 1, "NSR03", 5))
			return 1;
		bool ok = false;
		for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			ok |= !memcmp(v + 1, known[k], 5);
		if (!ok)
			return 0;
	}
	return 0;
}

/* The anchor at block 256 (or 512, on unclosed write-once media). */
static const uint8_t *udf_anchor(struct fsp *p, uint32_t bs, int *err)
{
	for (uint32_t at = 256; at <= 512; at += 256) {
		const uint8_t *vd = fsp_get(p, (uint64_t)at * bs, UDF_VD_LEN);
		if (!vd) {
			*err = 1;
			return NULL;
		}
		if (le32(vd + 12) == at && le16(vd) == TAG_AVDP)
			return vd;
	}
	return NULL;
}

/* Finds the block size by trying each until the anchor is where it should be. */
static const uint8_t *udf_find(struct fsp *p, uint32_t *bs)
{
	uint32_t sizes[] = {fsp_sector_size(p), 512, 1024, 2048, 4096};
	int vsd_2048 = -1;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if (i && sizes[i] == sizes[0])
			continue;
		unsigned vsd_len = sizes[i] > 2048 ? sizes[i] : 2048;
		int nsr = vsd_len == 2048 && vsd_2048 >= 0 ? vsd_2048 : udf_nsr(p, vsd_len);
		if (nsr < 0)
			return NULL;
		if (vsd_len == 2048)
			vsd_2048 = nsr;
		if (!nsr)
			continue;
		int err = 0;
		const uint8_t *vd = udf_anchor(p, sizes[i], &err);
		if (err)
			return NULL;
		if (vd) {
			*bs = sizes[i];
			return vd;
		}
	}
	return NULL;
}

static bool osta_charset(const uint8_t *cs)
{
	return cs[0] == 0 && !memcmp(cs + 1, "OSTA Compressed Unicode", 24);
}

/* A dstring: a compression id (8: Latin-1, 16: UTF-16BE), the characters,
 * and the used length in the last byte. */
static bool dstring(const uint8_t *d, size_t size, enum fsp_enc *enc, size_t *len)
{
	size_t n = d[size - 1];
	if (n > 0)
		n--;
	if (n > size - 2)
		n = size - 2;
	*len = n;
	*enc = d[0] == 8 ? FSP_LATIN1 : FSP_UTF16BE;
	return d[0] == 8 || d[0] == 16;
}

static bool hex(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static uint8_t lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

/* blkid's UUID from the volume set identifier: its first 16 characters when
 * they are hex digits, else the hex of the bytes that are not. */
static bool udf_uuid(struct fsp *p, const uint8_t *volset)
{
	enum fsp_enc enc;
	size_t n;
	char buf[17] = {0}, uuid[17];
	if (!dstring(volset, 128, &enc, &n) || fsp_to_utf8(enc, buf, sizeof(buf), volset + 1, n) < 8)
		return false;
	const uint8_t *b = (const uint8_t *)buf;
	size_t hexlen = 0;
	while (hexlen < 16 && hex(b[hexlen]))
		hexlen++;
	for (int i = 0; i < 8 && hexlen >= 8; i++)
		uuid[i] = (char)lower(b[i]);
	if (hexlen < 8)
		snprintf(uuid, sizeof(uuid), "%02x%02x%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2],
			 b[3], b[4], b[5], b[6], b[7]);
	else if (hexlen < 16)
		snprintf(uuid + 8, 9, "%02x%02x%02x%02x", b[8], b[9], b[10], b[11]);
	else
		for (int i = 8; i < 17; i++)
			uuid[i] = (char)lower(b[i]);
	fsp_set_uuid_text(p, (const uint8_t *)uuid, sizeof(uuid));
	return uuid[0] != '\0';
}

/* The label is the logical volume identifier (what Windows and GRUB show). */
static bool udf_label(struct fsp *p, const uint8_t *vd)
{
	enum fsp_enc enc;
	size_t n;
	if (!osta_charset(vd + 20) || !dstring(vd + 84, 128, &enc, &n))
		return false;
	fsp_set_label_enc(p, vd + 85, n, enc);
	return true;
}

int fsp_udf(struct fsp *p)
{
	const uint8_t *kb = fsp_get(p, ISO_START, 1024), *vd;
	static const char *const magics[] = {"BEA01", "BOOT2", "CD001", "CDW02",
					     "NSR02", "NSR03", "TEA01"};
	bool magic = false;
	for (size_t i = 0; kb && i < sizeof(magics) / sizeof(magics[0]); i++)
		magic |= !memcmp(kb + 1, magics[i], 5);
	uint32_t bs;
	if (!magic || !(vd = udf_find(p, &bs)))
		return 1;
	uint32_t count = le32(vd + 16) / bs, loc = le32(vd + 20);
	bool have_label = false, have_uuid = false;
	for (uint32_t b = 0; b < count && !(have_label && have_uuid); b++) {
		vd = fsp_get(p, (uint64_t)(uint32_t)(loc + b) * bs, UDF_VD_LEN);
		if (!vd)
			return 1;
		uint16_t tag = le16(vd);
		if (tag == 0 || le32(vd + 12) != loc + b || tag == TAG_TD)
			break;
		if (tag == TAG_PVD && !have_uuid && osta_charset(vd + 200))
			have_uuid = udf_uuid(p, vd + 72);
		else if (tag == TAG_LVD && !have_label)
			have_label = udf_label(p, vd);
	}
	return 0;
}
