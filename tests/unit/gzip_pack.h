/* Test data in the gzip format, made with zlib itself so that what the
 * loader unpacks comes from the reference compressor. */
#ifndef KL_TEST_GZIP_PACK_H
#define KL_TEST_GZIP_PACK_H
#include <zlib.h>
#include "unit.h"

/* d[0..len) packed at the given zlib level; *out is the packed size (free
 * the result). */
static inline unsigned char *gzip_pack(const unsigned char *d, size_t len, int level, size_t *out)
{
	z_stream z = { 0 };
	/* window bits 16 + 15: a gzip header and trailer around deflate */
	assert_int_equal(deflateInit2(&z, level, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY), Z_OK);
	size_t cap = deflateBound(&z, len);
	unsigned char *b = malloc(cap);
	z.next_in = (unsigned char *)d;
	z.avail_in = (uInt)len;
	z.next_out = b;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*out = z.total_out;
	deflateEnd(&z);
	return b;
}

/* A gzip bomb: n zero bytes packed at the given level. */
static inline unsigned char *gzip_zeros(size_t n, int level, size_t *out)
{
	unsigned char *zeros = calloc(1, n);
	unsigned char *b = gzip_pack(zeros, n, level, out);
	free(zeros);
	return b;
}

#endif
