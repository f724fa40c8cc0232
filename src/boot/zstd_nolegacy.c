/* Debian's libzstd decodes the pre-1.0 zstd formats (v0.5 to v0.7, 2015-2016)
 * too, which costs 81 KB of our static binary: more than the rest of the boot
 * engine. No kernel or module is compressed in those formats, so these
 * definitions stand in for the legacy decoders libzstd calls, and the linker
 * leaves libzstd's own out of the binary. Each has the parameters of the
 * function it replaces in libzstd 1.5 (lib/legacy/zstd_v0N.h; a pointer to
 * one of that format's structures is a void * here, as nothing reads it), so
 * libzstd's calls match the definitions. Each refuses: a legacy frame gives
 * zstd's own error (its context cannot be made), never a crash.
 * unzip_format() only recognises zstd 1.x frames in the first place. */
#include <stddef.h>

#define REFUSED ((size_t)-1) /* zstd's generic error code */
#define CONTENTSIZE_ERROR ((unsigned long long)-2) /* ZSTD_CONTENTSIZE_ERROR */

/* A decoder of format N (5, 6 or 7): contexts that cannot be made, and a
 * refusal from everything that takes one. */
#define LEGACY(N)                                                                              \
	void *ZSTDv0##N##_createDCtx(void);                                                    \
	size_t ZSTDv0##N##_freeDCtx(void *dctx);                                               \
	size_t ZSTDv0##N##_decompress_usingDict(void *dctx, void *dst, size_t dstCapacity,     \
						const void *src, size_t srcSize,               \
						const void *dict, size_t dictSize);            \
	size_t ZSTDv0##N##_getFrameParams(void *params, const void *src, size_t srcSize);      \
	void ZSTDv0##N##_findFrameSizeInfoLegacy(const void *src, size_t srcSize,              \
						 size_t *cSize, unsigned long long *dBound);   \
	void *ZBUFFv0##N##_createDCtx(void);                                                   \
	size_t ZBUFFv0##N##_freeDCtx(void *dctx);                                              \
	size_t ZBUFFv0##N##_decompressInitDictionary(void *dctx, const void *dict,             \
						     size_t dictSize);                         \
	size_t ZBUFFv0##N##_decompressContinue(void *dctx, void *dst, size_t *dstCapacityPtr,  \
					       const void *src, size_t *srcSizePtr);           \
                                                                                               \
	void *ZSTDv0##N##_createDCtx(void) { return NULL; }                                    \
	size_t ZSTDv0##N##_freeDCtx(void *dctx) { (void)dctx; return 0; }                      \
	size_t ZSTDv0##N##_decompress_usingDict(void *dctx, void *dst, size_t dstCapacity,     \
						const void *src, size_t srcSize,               \
						const void *dict, size_t dictSize)             \
	{                                                                                      \
		(void)dctx, (void)dst, (void)dstCapacity, (void)src, (void)srcSize;            \
		(void)dict, (void)dictSize;                                                    \
		return REFUSED;                                                                \
	}                                                                                      \
	size_t ZSTDv0##N##_getFrameParams(void *params, const void *src, size_t srcSize)       \
	{                                                                                      \
		(void)params, (void)src, (void)srcSize;                                        \
		return REFUSED;                                                                \
	}                                                                                      \
	void ZSTDv0##N##_findFrameSizeInfoLegacy(const void *src, size_t srcSize,              \
						 size_t *cSize, unsigned long long *dBound)    \
	{                                                                                      \
		(void)src, (void)srcSize;                                                      \
		*cSize = REFUSED;                                                              \
		*dBound = CONTENTSIZE_ERROR;                                                   \
	}                                                                                      \
	void *ZBUFFv0##N##_createDCtx(void) { return NULL; }                                   \
	size_t ZBUFFv0##N##_freeDCtx(void *dctx) { (void)dctx; return 0; }                     \
	size_t ZBUFFv0##N##_decompressInitDictionary(void *dctx, const void *dict,             \
						     size_t dictSize)                          \
	{                                                                                      \
		(void)dctx, (void)dict, (void)dictSize;                                        \
		return REFUSED;                                                                \
	}                                                                                      \
	size_t ZBUFFv0##N##_decompressContinue(void *dctx, void *dst, size_t *dstCapacityPtr,  \
					       const void *src, size_t *srcSizePtr)            \
	{                                                                                      \
		(void)dctx, (void)dst, (void)dstCapacityPtr, (void)src, (void)srcSizePtr;      \
		return REFUSED;                                                                \
	}

LEGACY(5)
LEGACY(6)
LEGACY(7)
