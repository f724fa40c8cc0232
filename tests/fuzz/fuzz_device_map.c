/* libFuzzer harness: a device.map, then every word of the input as a GRUB
 * device name (GRUB 2 and legacy numbering) and as a kernel name. */
#include <stdlib.h>
#include <string.h>
#include "fuzzfs.h"
#include "grub_devmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_set(data, size);
	struct diag_list d = {0};
	struct grubdev *g = grubdev_new(&fz_io);
	grubdev_add_map(g, "hd1,gpt2", "LABEL=root two");
	grubdev_add_map(g, "hd3", "/dev/sda");
	grubdev_parse_device_map(g, (const char *)data, size, "device.map", &d);
	char *copy = xstrndup((const char *)data, size), *save = NULL;
	for (char *w = strtok_r(copy, " \t\r\n", &save); w; w = strtok_r(NULL, " \t\r\n", &save)) {
		grubdev_set_home(g, w);
		free(grubdev_to_device(g, w, false));
		free(grubdev_to_device(g, w, true));
		free(grubdev_from_device(g, w));
	}
	free(copy);
	for (size_t i = 0; i < sizeof(fz_devs) / sizeof(fz_devs[0]); i++)
		free(grubdev_from_device(g, fz_devs[i].name));
	grubdev_free(g);
	diag_free(&d);
	return 0;
}
