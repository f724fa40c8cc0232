/* libFuzzer harness: any bytes an HTTP server sends: a head, then a chunked
 * body fed in two pieces, and the Location of a redirect. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_head h;
	const char *why;
	long n = http_parse_head((const char *)data, size, &h, &why);
	if (n < 0 && !why)
		__builtin_trap();
	if (n <= 0)
		return 0;
	if ((size_t)n > size)
		__builtin_trap();
	char *body = malloc(size - (size_t)n + 1);
	size_t len = size - (size_t)n, half = len / 2;
	memcpy(body, data + n, len);
	struct http_chunked c = {0};
	bool done = false;
	long a = http_chunked_feed(&c, body, half, &done);
	if (a > (long)half)
		__builtin_trap();
	if (a >= 0 && !done) {
		long b = http_chunked_feed(&c, body + half, len - half, &done);
		if (b > (long)(len - half))
			__builtin_trap();
	}
	free(body);
	struct netloc base = {NET_HTTP, "h", 80, "/a/b"}, to;
	if (h.location && http_redirect(&base, h.location, &to) == 0) {
		if (to.path[0] != '/')
			__builtin_trap();
		netloc_free(&to);
	}
	http_head_free(&h);
	return 0;
}
