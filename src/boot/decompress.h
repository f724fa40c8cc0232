/* Unpacking gzip, xz and zstd kernels and Multiboot modules in memory
 * (zlib, liblzma, libzstd). Output is bounded so a small file cannot fill
 * memory (a "zip bomb"). */
#ifndef KL_DECOMPRESS_H
#define KL_DECOMPRESS_H
#include <stddef.h>

/* "gzip", "xz", "zstd", or NULL when data starts with none of their magics. */
const char *unzip_format(const unsigned char *data, size_t len);

/* When data is compressed: unpacks it into a new buffer *out (free it) of
 * *outlen bytes and returns 1; fails with -1 and *err when the data is
 * corrupt or would unpack to more than max bytes. Returns 0, touching
 * nothing, when data is not compressed. Concatenated gzip members and xz
 * and zstd streams are all unpacked. */
int unzip(const unsigned char *data, size_t len, size_t max, unsigned char **out,
	  size_t *outlen, char **err);

#define UNZIP_MAX_DEFAULT ((size_t)1 << 30)

#endif
