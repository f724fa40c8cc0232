/* libFuzzer harness: a GRUB legacy menu.lst (its `default` file is the same
 * input), with GRUB device names resolved against a fixed machine. */
#include <stdlib.h>
#include "fuzzfs.h"
#include "grub_legacy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_set(data, size);
	struct target_list l;
	struct diag_list d = {0};
	tl_init(&l);
	struct grubdev *g = grubdev_new(&fz_io);
	grubdev_set_home(g, "sda1");
	struct grub_legacy_opts o = {&fz_io, "sda1", "/boot/grub/menu.lst", g};
	grub_legacy_parse(&o, (const char *)data, size, &l, &d);
	if (l.default_index >= (int)l.n)
		__builtin_trap();
	for (size_t i = 0; i < l.n; i++)
		if (!l.v[i].title || !l.v[i].root || !l.v[i].kernel)
			__builtin_trap();
	grubdev_free(g);
	tl_free(&l);
	diag_free(&d);
	return 0;
}
