/* libFuzzer harness: any text given as a network path or URL. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "devpath.h"
#include "netpath.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = strndup((const char *)data, size);
	char *dev, *path;
	if (path_split(s, &dev, &path) == 0) {
		struct netloc l;
		if (netdev_is(dev) && netloc_parse(dev, path, &l) == 0) {
			/* a path never climbs above the server's root */
			if (l.path[0] != '/' || strstr(l.path, "/../"))
				__builtin_trap();
			free(netloc_url(&l, "x"));
			netloc_free(&l);
		}
		free(dev), free(path);
	}
	free(s);
	return 0;
}
