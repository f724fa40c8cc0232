/* libFuzzer harness: any datagram arriving on the DHCP client port. */
#include <stdint.h>
#include <string.h>
#include "dhcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dhcp_lease l;
	uint32_t xid = size >= 8 ? (uint32_t)data[4] << 24 | (uint32_t)data[5] << 16 |
					   (uint32_t)data[6] << 8 | data[7] : 0;
	if (dhcp_parse(data, size, xid, NULL, &l) == 0) {
		/* every text field stays a terminated string of its buffer */
		const char *t[] = {l.hostname, l.domain, l.tftp_server, l.bootfile, l.pxe_config,
				   l.pxe_prefix};
		for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++)
			if (strnlen(t[i], DHCP_TEXT) >= DHCP_TEXT)
				__builtin_trap();
		if (l.ndns < 0 || l.ndns > DHCP_MAX_DNS)
			__builtin_trap();
	}
	return 0;
}
