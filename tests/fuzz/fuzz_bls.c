/* libFuzzer harness: a Boot Loader Specification entry (twice, as a
 * directory of two entries, so sorting runs) and the version order. */
#include <stdlib.h>
#include <string.h>
#include "bls.h"
#include "fuzzfs.h"

static const char *lookup(void *ctx, const char *name)
{
	return strcmp(name, "kernelopts") == 0 ? "root=/dev/sda1 ro $kernelopts" : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_set(data, size);
	struct target_list l;
	struct diag_list d = {0};
	tl_init(&l);
	struct bls_opts o = {&fz_io, "sda1", "/loader/entries", lookup, NULL, size & 1};
	bls_load(&o, &l, &d);
	tl_free(&l);
	diag_free(&d);
	char *a = xstrndup((const char *)data, size), *b = strchr(a, '\n');
	if (b) {
		*b++ = 0;
		int x = bls_version_cmp(a, b), y = bls_version_cmp(b, a);
		if ((x < 0 && y <= 0) || (x > 0 && y >= 0) || (x == 0 && y != 0))
			__builtin_trap(); /* the order must be antisymmetric */
	}
	free(a);
	return 0;
}
