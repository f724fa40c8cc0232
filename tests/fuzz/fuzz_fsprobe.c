/* libFuzzer harness: fsprobe over arbitrary bytes taken as a whole device.
 * Whatever it finds must be short, terminated text; the input is also read
 * as a device with 4 KiB sectors, which moves the GPT and UDF probes. */
#include <stdlib.h>
#include <string.h>
#include "fsprobe.h"

struct mem {
	const uint8_t *data;
	size_t len;
};

static int mem_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	const struct mem *m = ctx;
	if (off > m->len || len > m->len - off)
		__builtin_trap(); /* fsprobe must check bounds before it reads */
	memcpy(buf, m->data + off, len);
	return 0;
}

static void check(const struct fsprobe_result *r, int rc)
{
	if (memchr(r->type, 0, sizeof(r->type)) == NULL || memchr(r->label, 0, sizeof(r->label)) == NULL ||
	    memchr(r->uuid, 0, sizeof(r->uuid)) == NULL || memchr(r->pttype, 0, sizeof(r->pttype)) == NULL)
		__builtin_trap();
	if (rc == FSPROBE_AMBIGUOUS && (r->type[0] || r->pttype[0]))
		__builtin_trap();
	if (rc == FSPROBE_NONE && (r->type[0] || r->pttype[0]))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fsprobe_result r;
	check(&r, fsprobe_buf(data, size, &r));
	struct mem m = {data, size};
	struct fsprobe_dev dev = {.read_at = mem_read, .ctx = &m, .size = size, .sector_size = 4096};
	check(&r, fsprobe(&dev, &r));
	return 0;
}
