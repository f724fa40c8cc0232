/* libFuzzer harness: any datagram on the uevent socket. */
#include <stdint.h>
#include <string.h>
#include "uevent.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct uevent ev;
	if (uevent_parse(&ev, data, size)) {
		/* every field found must be a string inside the copy */
		const char *f[] = {ev.action, ev.devpath, ev.subsystem, ev.devtype, ev.devname, ev.modalias};
		for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
			if (f[i] && (f[i] < ev.raw || f[i] + strlen(f[i]) > ev.raw + sizeof(ev.raw) - 1))
				__builtin_trap();
	}
	return 0;
}
