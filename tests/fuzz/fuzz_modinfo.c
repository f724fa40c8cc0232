/* libFuzzer harness: any file where a kernel module is expected. */
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>
#include "modinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	if (fd < 0)
		fd = memfd_create("module", MFD_CLOEXEC);
	if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		return 0;
	struct strlist deps = {0};
	modinfo_depends(fd, &deps);
	sl_free(&deps);
	return 0;
}
