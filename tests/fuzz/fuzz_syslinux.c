/* libFuzzer harness: a SYSLINUX configuration whose INCLUDEs all read the
 * same input again (the nesting bounds must hold). */
#include <stdlib.h>
#include "fuzzfs.h"
#include "syslinux.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_set(data, size);
	struct target_list l;
	struct diag_list d = {0};
	tl_init(&l);
	struct syslinux_opts o = {.io = &fz_io, .device = "sr0", .path = "/isolinux/isolinux.cfg"};
	syslinux_load(&o, &l, &d);
	for (size_t i = 0; i < l.n; i++)
		if (!l.v[i].title || !l.v[i].kernel || !l.v[i].origin)
			__builtin_trap();
	tl_free(&l);
	diag_free(&d);
	return 0;
}
