/* libFuzzer harness: any datagram from a TFTP server. */
#include <stdint.h>
#include <string.h>
#include "tftp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tftp_pkt p;
	if (tftp_parse(data, size, &p) == 0) {
		if (p.op == TFTP_DATA && (p.data != data + 4 || p.len != size - 4))
			__builtin_trap();
		if (p.op == TFTP_OACK && p.blksize && (p.blksize < 8 || p.blksize > TFTP_MAX_BLKSIZE))
			__builtin_trap();
		if (strlen(p.msg) >= sizeof(p.msg))
			__builtin_trap();
	}
	return 0;
}
