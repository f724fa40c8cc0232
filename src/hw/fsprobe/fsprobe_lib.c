/* The helper library of fsprobe's probers: reads through a small cache of
 * 4 KiB-aligned blocks (the probers mostly look at the same first kilobytes,
 * so each costs one read), bounded in all; text and UUIDs as blkid stores
 * them. */
#include "fsprobe_lib.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


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
	return p->sector_size ? p->sector_size : 512;
}

bool fsp_is_tiny(const struct fsp *p)
{
	return p->size <= TINY_MAX;
}

const uint8_t *fsp_get(struct fsp *p, uint64_t off, size_t len)
{
	uint64_t size = p->size;
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
	if (p->read_at(p->ctx, start, b->data, n) < 0) {
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
	copy_text(p->label, p->label_cap, s, len);
}

void fsp_set_label_enc(struct fsp *p, const uint8_t *s, size_t len, enum fsp_enc enc)
{
	fsp_to_utf8(enc, p->label, p->label_cap, s, len);
	rtrim(p->label);
}

void fsp_set_uuid(struct fsp *p, const uint8_t u[16])
{
	if (fsp_all_zero(u, 16))
		return;
	snprintf(p->uuid, p->uuid_cap,
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
	vsnprintf(p->uuid, p->uuid_cap, fmt, ap);
	va_end(ap);
}

void fsp_set_uuid_text(struct fsp *p, const uint8_t *s, size_t len)
{
	copy_text(p->uuid, p->uuid_cap, s, len);
}

void fsp_release(struct fsp *p)
{
	while (p->bufs) {
		struct fsp_buf *next = p->bufs->next;
		free(p->bufs);
		p->bufs = next;
	}
}
