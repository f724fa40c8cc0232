/* The helper library of fsprobe's probers: bounded, cached reads of the
 * device, the byte-order readers, and the rules blkid applies when it stores
 * a label or a UUID (so that both spell them the same). */
#ifndef KL_FSPROBE_LIB_H
#define KL_FSPROBE_LIB_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fsp_buf;

/* One probe in progress. What it reads from is copied from struct
 * fsprobe_dev by the dispatcher (fsprobe.c). */
struct fsp {
	int (*read_at)(void *ctx, uint64_t off, void *buf, size_t len);
	void *ctx;
	uint64_t size;        /* bytes */
	unsigned sector_size; /* 0 means 512 */
	bool is_cdrom;
	struct fsp_buf *bufs; /* every read, kept until the probe ends */
	size_t read_total;
	char *label, *uuid;   /* where the running prober writes */
	size_t label_cap, uuid_cap;
	bool lvm_wipes_mbr;   /* an LVM label claims the first 8 KiB (see fsprobe_pt.c) */
	const char *fstype;   /* the filesystem found, when partition tables are probed */
};

/* len bytes at off, or NULL when they lie outside the device or cannot be
 * read. The bytes stay valid until the probe ends. */
const uint8_t *fsp_get(struct fsp *p, uint64_t off, size_t len);
unsigned fsp_sector_size(const struct fsp *p);
bool fsp_is_tiny(const struct fsp *p);
/* Frees what the probe read. */
void fsp_release(struct fsp *p);

static inline uint16_t le16(const uint8_t *b) { return (uint16_t)(b[0] | b[1] << 8); }
static inline uint32_t le32(const uint8_t *b)
{
	return b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}
static inline uint64_t le64(const uint8_t *b) { return le32(b) | (uint64_t)le32(b + 4) << 32; }
static inline uint16_t be16(const uint8_t *b) { return (uint16_t)(b[0] << 8 | b[1]); }
static inline uint32_t be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

enum fsp_enc { FSP_LATIN1, FSP_UTF16LE, FSP_UTF16BE };

/* Text to UTF-8 as util-linux converts it (stops at a NUL character). */
size_t fsp_to_utf8(enum fsp_enc enc, char *dst, size_t cap, const uint8_t *src, size_t n);
/* LABEL from bytes as stored (up to a NUL), without trailing white space. */
void fsp_set_label(struct fsp *p, const uint8_t *s, size_t len);
void fsp_set_label_enc(struct fsp *p, const uint8_t *s, size_t len, enum fsp_enc enc);
/* UUID from 16 bytes in the usual 8-4-4-4-12 form; nothing when all zero. */
void fsp_set_uuid(struct fsp *p, const uint8_t u[16]);
/* UUID formatted; nothing when the raw bytes it comes from are all zero. */
void fsp_set_uuid_fmt(struct fsp *p, const uint8_t *raw, size_t rawlen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* UUID stored as text (up to a NUL), without trailing white space. */
void fsp_set_uuid_text(struct fsp *p, const uint8_t *s, size_t len);
bool fsp_all_zero(const uint8_t *b, size_t n);
uint32_t fsp_crc32(uint32_t crc, const uint8_t *b, size_t n);

#endif
