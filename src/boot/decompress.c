#include "decompress.h"

#include <lzma.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>
#include "util.h"

const char *unzip_format(const unsigned char *d, size_t len)
{
	if (len >= 2 && d[0] == 0x1f && d[1] == 0x8b)
		return "gzip";
	if (len >= 6 && !memcmp(d, "\xfd" "7zXZ", 6))
		return "xz";
	if (len >= 4 && !memcmp(d, "\x28\xb5\x2f\xfd", 4))
		return "zstd";
	return NULL;
}

/* A growing output buffer that refuses to pass max bytes. */
struct outbuf {
	unsigned char *b;
	size_t len, cap, max;
	bool oom; /* realloc failed */
};

/* Room for more output; false when max is reached. */
static bool grow(struct outbuf *o, size_t in_len)
{
	if (o->len < o->cap)
		return true;
	if (o->cap >= o->max)
		return false;
	size_t want = o->cap ? o->cap * 2 : (in_len < ((size_t)1 << 20) ? (size_t)1 << 20 : in_len * 4);
	want = want > o->max ? o->max : want;
	unsigned char *b = realloc(o->b, want); /* the size comes from the file */
	if (!b) {
		o->oom = true;
		return false;
	}
	o->b = b;
	o->cap = want;
	return true;
}

static int gunzip(const unsigned char *d, size_t len, struct outbuf *o, const char **why)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return -1;
	size_t pos = 0;
	int r;
	for (;;) {
		if (!grow(o, len)) {
			*why = "too large";
			r = Z_MEM_ERROR;
			break;
		}
		size_t chunk = len - pos > UINT32_MAX ? UINT32_MAX : len - pos;
		z.next_in = (unsigned char *)d + pos;
		z.avail_in = (uInt)chunk;
		z.next_out = o->b + o->len;
		z.avail_out = (uInt)(o->cap - o->len > UINT32_MAX ? UINT32_MAX : o->cap - o->len);
		const unsigned char *before = z.next_out;
		r = inflate(&z, Z_NO_FLUSH);
		o->len += (size_t)(z.next_out - before);
		pos += chunk - z.avail_in;
		if (r == Z_STREAM_END) {
			/* another member may follow; anything else (padding) ends the file */
			if (len - pos < 2 || d[pos] != 0x1f || d[pos + 1] != 0x8b)
				break;
			inflateReset(&z);
		} else if (r == Z_BUF_ERROR && z.avail_out) {
			*why = "the data ends too early";
			break;
		} else if (r != Z_OK && r != Z_BUF_ERROR) {
			*why = z.msg ? z.msg : "corrupt data";
			break;
		}
	}
	inflateEnd(&z);
	return r == Z_STREAM_END ? 0 : -1;
}

static int unxz(const unsigned char *d, size_t len, struct outbuf *o, const char **why)
{
	lzma_stream s = LZMA_STREAM_INIT;
	if (lzma_stream_decoder(&s, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
		return -1;
	s.next_in = d;
	s.avail_in = len;
	lzma_ret r;
	do {
		if (!grow(o, len)) {
			*why = "too large";
			r = LZMA_BUF_ERROR;
			break;
		}
		s.next_out = o->b + o->len;
		s.avail_out = o->cap - o->len;
		r = lzma_code(&s, s.avail_in ? LZMA_RUN : LZMA_FINISH);
		o->len = o->cap - s.avail_out;
	} while (r == LZMA_OK);
	if (r != LZMA_STREAM_END && !*why)
		*why = r == LZMA_BUF_ERROR ? "the data ends too early" : "corrupt data";
	lzma_end(&s);
	return r == LZMA_STREAM_END ? 0 : -1;
}

static int unzstd(const unsigned char *d, size_t len, struct outbuf *o, const char **why)
{
	ZSTD_DStream *z = ZSTD_createDStream();
	if (!z)
		return -1;
	ZSTD_inBuffer in = { d, len, 0 };
	size_t r = 1;
	while (in.pos < in.size || r != 0) {
		if (!grow(o, len)) {
			*why = "too large";
			break;
		}
		ZSTD_outBuffer out = { o->b, o->cap, o->len };
		size_t before = in.pos, obefore = out.pos;
		r = ZSTD_decompressStream(z, &out, &in);
		o->len = out.pos;
		if (ZSTD_isError(r)) {
			*why = ZSTD_getErrorName(r);
			break;
		}
		if (in.pos == before && out.pos == obefore && out.pos < out.size) {
			*why = "the data ends too early";
			break;
		}
	}
	ZSTD_freeDStream(z);
	return *why ? -1 : 0;
}

int unzip(const unsigned char *d, size_t len, size_t max, unsigned char **out, size_t *outlen,
	  char **err)
{
	const char *fmt = unzip_format(d, len), *why = NULL;
	if (!fmt)
		return 0;
	if (!max)
		max = UNZIP_MAX_DEFAULT;
	/* one byte of slack: a stream of exactly max bytes must be able to end */
	struct outbuf o = { NULL, 0, 0, max + 1, false };
	/* A zstd frame says what it unpacks to: a bomb is refused before a byte
	 * of memory is taken for it (the whole data is at least its first frame). */
	unsigned long long declared = fmt[0] == 'z' ? ZSTD_getFrameContentSize(d, len) : 0;
	if (fmt[0] == 'z' && declared != ZSTD_CONTENTSIZE_UNKNOWN &&
	    declared != ZSTD_CONTENTSIZE_ERROR && declared > max) {
		*err = xasprintf("the %s data would unpack to more than %zu MiB", fmt, max >> 20);
		return -1;
	}
	int r = fmt[0] == 'g' ? gunzip(d, len, &o, &why)
	      : fmt[0] == 'x' ? unxz(d, len, &o, &why)
	      : unzstd(d, len, &o, &why);
	if (!r && o.len > max) {
		r = -1;
		why = "too large";
	}
	if (r) {
		free(o.b);
		if (o.oom)
			*err = xasprintf("not enough memory to unpack the %s data (%zu MiB so far)", fmt,
					 o.cap >> 20);
		else if (why && !strcmp(why, "too large"))
			*err = xasprintf("the %s data would unpack to more than %zu MiB", fmt,
					 max >> 20);
		else
			*err = xasprintf("the %s data cannot be unpacked: %s", fmt,
					 why ? why : "out of memory");
		return -1;
	}
	*out = o.b ? o.b : xmalloc(1);
	*outlen = o.len;
	return 1;
}
