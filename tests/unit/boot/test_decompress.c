/* Unpacking in memory: each format round-trips data made here with the
 * libraries' own compressors; damage and bombs give errors, never crashes. */
#include "unit.h"
#include <lzma.h>
#include <zstd.h>
#include "peakmem.h"
#include "decompress.h"
#include "gzip_pack.h"

static unsigned char *data;
static size_t n = 300000;

static int setup(void **state)
{
	data = malloc(n);
	uint32_t x = 12345;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245 + 12345;
		data[i] = (unsigned char)(i % 7 ? x >> 24 : 'k'); /* compressible, not trivial */
	}
	return 0;
}

static int teardown(void **state)
{
	free(data);
	return 0;
}

static unsigned char *gz(const unsigned char *d, size_t len, size_t *out)
{
	return gzip_pack(d, len, 6, out);
}

static unsigned char *xz(const unsigned char *d, size_t len, size_t *out)
{
	size_t cap = lzma_stream_buffer_bound(len);
	unsigned char *b = malloc(cap);
	*out = 0;
	assert_int_equal(lzma_easy_buffer_encode(1, LZMA_CHECK_CRC32, NULL, d, len, b, out, cap),
			 LZMA_OK);
	return b;
}

static unsigned char *zst(const unsigned char *d, size_t len, size_t *out)
{
	size_t cap = ZSTD_compressBound(len);
	unsigned char *b = malloc(cap);
	ZSTD_CCtx *c = ZSTD_createCCtx();
	ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1); /* as the zstd command writes */
	*out = ZSTD_compress2(c, b, cap, d, len);
	ZSTD_freeCCtx(c);
	assert_false(ZSTD_isError(*out));
	return b;
}

struct bomb {
	unsigned char *z;
	size_t zl;
};

static void unpack_bomb(void *arg)
{
	struct bomb *b = arg;
	unsigned char *o = NULL;
	size_t ol;
	char *err = NULL;
	if (unzip(b->z, b->zl, 48 << 20, &o, &ol, &err) != -1 ||
	    !strstr(err, "the zstd data would unpack to more than 48 MiB"))
		_exit(2);
	free(err);
}

/* A zstd frame that says it holds 64 MiB is refused before 48 MiB of
 * memory are taken to find out. */
static void a_zstd_bomb_is_refused_from_its_header(void **state)
{
	size_t len = 64 << 20;
	unsigned char *zeros = calloc(1, len);
	struct bomb b;
	b.z = zst(zeros, len, &b.zl);
	free(zeros);
	assert_true(peak_mib(unpack_bomb, &b) < 16);
	free(b.z);
}

typedef unsigned char *(*packer)(const unsigned char *, size_t, size_t *);
static const struct { packer pack; const char *name; } formats[] = {
	{ gz, "gzip" }, { xz, "xz" }, { zst, "zstd" },
};

static void round_trips(void **state)
{
	for (size_t f = 0; f < 3; f++) {
		size_t zl, ol;
		unsigned char *z = formats[f].pack(data, n, &zl), *o = NULL;
		char *err = NULL;
		assert_str(unzip_format(z, zl), formats[f].name);
		assert_true(zl < n);
		assert_int_equal(unzip(z, zl, 0, &o, &ol, &err), 1);
		assert_int_equal(ol, n);
		assert_memory_equal(o, data, n);
		free(o);
		free(z);
	}
}

static void concatenated_gzip_members(void **state)
{
	size_t a, b, ol;
	unsigned char *z1 = gz(data, 1000, &a), *z2 = gz(data + 1000, 2000, &b), *o;
	unsigned char *both = malloc(a + b + 8);
	memcpy(both, z1, a);
	memcpy(both + a, z2, b);
	memset(both + a + b, 0, 8); /* padding after the last member is ignored */
	char *err = NULL;
	assert_int_equal(unzip(both, a + b + 8, 0, &o, &ol, &err), 1);
	assert_int_equal(ol, 3000);
	assert_memory_equal(o, data, 3000);
	free(o);
	free(z1);
	free(z2);
	free(both);
}

static void not_compressed(void **state)
{
	unsigned char *o = (unsigned char *)"untouched";
	size_t ol = 7;
	char *err = NULL;
	assert_int_equal(unzip(data, n, 0, &o, &ol, &err), 0);
	assert_str((char *)o, "untouched");
	assert_int_equal(ol, 7);
	assert_null(unzip_format((const unsigned char *)"\x1f", 1));
}

static void damaged(void **state)
{
	for (size_t f = 0; f < 3; f++) {
		size_t zl, ol;
		unsigned char *z = formats[f].pack(data, n, &zl), *o = NULL;
		char *err = NULL;
		/* cut short */
		assert_int_equal(unzip(z, zl / 2, 0, &o, &ol, &err), -1);
		assert_non_null(strstr(err, formats[f].name));
		free(err);
		/* flipped bytes in the middle */
		for (size_t i = zl / 3; i < zl / 3 + 16; i++)
			z[i] ^= 0x55;
		err = NULL;
		assert_int_equal(unzip(z, zl, 0, &o, &ol, &err), -1);
		assert_non_null(strstr(err, "cannot be unpacked"));
		free(err);
		free(z);
	}
}

static void bombs_are_bounded(void **state)
{
	size_t big = 16 << 20;
	unsigned char *zeros = calloc(1, big);
	for (size_t f = 0; f < 3; f++) {
		size_t zl, ol;
		unsigned char *z = formats[f].pack(zeros, big, &zl), *o = NULL;
		char *err = NULL;
		assert_true(zl < big / 100);
		assert_int_equal(unzip(z, zl, 4 << 20, &o, &ol, &err), -1);
		assert_non_null(strstr(err, "more than 4 MiB"));
		free(err);
		/* exactly at the bound is fine */
		assert_int_equal(unzip(z, zl, big, &o, &ol, &err), 1);
		assert_int_equal(ol, big);
		free(o);
		free(z);
	}
	free(zeros);
}

/* Frames of the pre-1.0 zstd formats reach the decoders that stand in for
 * libzstd's legacy ones (src/boot/zstd_nolegacy.c) through each of
 * libzstd's ways in: every one gives zstd's error, none a crash. */
static void legacy_zstd_frames_are_refused(void **state)
{
	for (unsigned v = 5; v <= 7; v++) {
		unsigned char f[64] = {0x20 + v, 0xb5, 0x2f, 0xfd}; /* magic 0xFD2FB52v */
		memset(f + 4, 0x41, sizeof(f) - 4);
		unsigned char out[256];
		assert_true(ZSTD_isError(ZSTD_decompress(out, sizeof(out), f, sizeof(f))));
		assert_true(ZSTD_isError(ZSTD_findFrameCompressedSize(f, sizeof(f))));
		/* no size: unknown or an error, as zstd's own legacy code can give */
		assert_true(ZSTD_getFrameContentSize(f, sizeof(f)) >= ZSTD_CONTENTSIZE_ERROR);
		ZSTD_DStream *ds = ZSTD_createDStream();
		ZSTD_inBuffer in = {f, sizeof(f), 0};
		ZSTD_outBuffer o = {out, sizeof(out), 0};
		assert_true(ZSTD_isError(ZSTD_decompressStream(ds, &o, &in)));
		ZSTD_freeDStream(ds);
		unsigned char *u = NULL;
		size_t ulen = 0;
		char *err = NULL;
		assert_true(unzip(f, sizeof(f), 1 << 20, &u, &ulen, &err) <= 0);
		free(u);
		free(err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trips),
		cmocka_unit_test(a_zstd_bomb_is_refused_from_its_header),
		cmocka_unit_test(concatenated_gzip_members),
		cmocka_unit_test(not_compressed),
		cmocka_unit_test(damaged),
		cmocka_unit_test(bombs_are_bounded),
		cmocka_unit_test(legacy_zstd_frames_are_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
