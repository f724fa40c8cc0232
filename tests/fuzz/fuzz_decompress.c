/* libFuzzer harness: gzip, xz and zstd unpacking with a small bound; the
 * output never passes it. The first byte picks the format, so the fuzzer
 * reaches each decoder quickly. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "decompress.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char magic[3][6] = { { 0x1f, 0x8b }, { 0xfd, '7', 'z', 'X', 'Z', 0 },
						   { 0x28, 0xb5, 0x2f, 0xfd } };
	static const size_t mlen[3] = { 2, 6, 4 };
	if (!size)
		return 0;
	unsigned f = data[0] % 4;
	unsigned char *in = malloc(size + 6);
	size_t n = 0;
	if (f < 3 && !unzip_format(data + 1, size - 1)) {
		memcpy(in, magic[f], mlen[f]);
		n = mlen[f];
	}
	memcpy(in + n, data + 1, size - 1);
	n += size - 1;
	unsigned char *out = NULL;
	size_t outlen = 0, max = 1 << 20;
	char *err = NULL;
	int r = unzip(in, n, max, &out, &outlen, &err);
	if (r == 1 && outlen > max)
		__builtin_trap();
	if (r == 1)
		free(out);
	if (r < 0)
		free(err);
	free(in);
	return 0;
}
