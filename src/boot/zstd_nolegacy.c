/* Debian's libzstd decodes the pre-1.0 zstd formats (v0.5 to v0.7, 2015-2016)
 * too, which costs 81 KB of our static binary: more than the rest of the boot
 * engine. No kernel or module is compressed in those formats, so these
 * definitions stand in for the legacy decoders and the linker leaves them out
 * of the binary. Each refuses: a legacy frame gives zstd's own error (its
 * context cannot be made), never a crash. unzip_format() only recognises
 * zstd 1.x frames in the first place. */
#include <stddef.h>

#define REFUSED ((size_t)-1) /* zstd's generic error code */

void *ZSTDv05_createDCtx(void) { return NULL; }
void *ZSTDv06_createDCtx(void) { return NULL; }
void *ZSTDv07_createDCtx(void) { return NULL; }
void *ZBUFFv05_createDCtx(void) { return NULL; }
void *ZBUFFv06_createDCtx(void) { return NULL; }
void *ZBUFFv07_createDCtx(void) { return NULL; }
size_t ZSTDv05_freeDCtx(void *c) { (void)c; return 0; }
size_t ZSTDv06_freeDCtx(void *c) { (void)c; return 0; }
size_t ZSTDv07_freeDCtx(void *c) { (void)c; return 0; }
size_t ZBUFFv05_freeDCtx(void *c) { (void)c; return 0; }
size_t ZBUFFv06_freeDCtx(void *c) { (void)c; return 0; }
size_t ZBUFFv07_freeDCtx(void *c) { (void)c; return 0; }

size_t ZSTDv05_decompress_usingDict(void) { return REFUSED; }
size_t ZSTDv06_decompress_usingDict(void) { return REFUSED; }
size_t ZSTDv07_decompress_usingDict(void) { return REFUSED; }
size_t ZSTDv05_getFrameParams(void) { return REFUSED; }
size_t ZSTDv06_getFrameParams(void) { return REFUSED; }
size_t ZSTDv07_getFrameParams(void) { return REFUSED; }
size_t ZBUFFv05_decompressContinue(void) { return REFUSED; }
size_t ZBUFFv06_decompressContinue(void) { return REFUSED; }
size_t ZBUFFv07_decompressContinue(void) { return REFUSED; }
size_t ZBUFFv05_decompressInitDictionary(void) { return REFUSED; }
size_t ZBUFFv06_decompressInitDictionary(void) { return REFUSED; }
size_t ZBUFFv07_decompressInitDictionary(void) { return REFUSED; }

/* zstd asks for a legacy frame's size through these: report an error. */
void ZSTDv05_findFrameSizeInfoLegacy(const void *src, size_t n, size_t *csize,
				     unsigned long long *dbound)
{
	(void)src, (void)n;
	*csize = REFUSED;
	*dbound = (unsigned long long)-2; /* ZSTD_CONTENTSIZE_ERROR */
}

void ZSTDv06_findFrameSizeInfoLegacy(const void *src, size_t n, size_t *csize,
				     unsigned long long *dbound)
{
	ZSTDv05_findFrameSizeInfoLegacy(src, n, csize, dbound);
}

void ZSTDv07_findFrameSizeInfoLegacy(const void *src, size_t n, size_t *csize,
				     unsigned long long *dbound)
{
	ZSTDv05_findFrameSizeInfoLegacy(src, n, csize, dbound);
}
