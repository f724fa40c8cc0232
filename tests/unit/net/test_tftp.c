#include "unit.h"
#include "tftp.h"

static void read_request_with_options(void **state)
{
	uint8_t b[512];
	size_t n = tftp_rrq(b, sizeof(b), "pxelinux.cfg/default", 1468, 8, true);
	static const char want[] = "\0\1pxelinux.cfg/default\0octet\0blksize\0" "1468\0tsize\0" "0\0"
				   "windowsize\0" "8";
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(b, want, n);
	n = tftp_rrq(b, sizeof(b), "f", 0, 0, false);
	assert_int_equal(n, 10);
	assert_memory_equal(b, "\0\1f\0octet", 10);
	assert_int_equal(tftp_rrq(b, 12, "pxelinux.0", 0, 0, false), 0); /* does not fit */
	assert_int_equal(tftp_ack(b, sizeof(b), 0x1234), 4);
	assert_memory_equal(b, "\0\4\x12\x34", 4);
	n = tftp_error(b, sizeof(b), 8, "no");
	assert_memory_equal(b, "\0\5\0\x08no", 7);
}

static void parses_what_servers_send(void **state)
{
	struct tftp_pkt p;
	static const uint8_t data[] = {0, 3, 0, 7, 'a', 'b'};
	assert_int_equal(tftp_parse(data, sizeof(data), &p), 0);
	assert_int_equal(p.op, TFTP_DATA);
	assert_int_equal(p.block, 7);
	assert_int_equal(p.len, 2);
	assert_memory_equal(p.data, "ab", 2);
	static const uint8_t err[] = "\0\5\0\1File not found\0";
	assert_int_equal(tftp_parse(err, sizeof(err) - 1, &p), 0);
	assert_int_equal(p.op, TFTP_ERROR);
	assert_int_equal(p.code, 1);
	assert_str(p.msg, "File not found");
	assert_str(tftp_error_text(1), "file not found");
	assert_str(tftp_error_text(99), "unknown error");
	static const uint8_t oack[] = "\0\6blksize\0" "1468\0TSIZE\0" "104857600\0windowsize\0" "4\0x\0y";
	assert_int_equal(tftp_parse(oack, sizeof(oack), &p), 0);
	assert_int_equal(p.op, TFTP_OACK);
	assert_int_equal(p.blksize, 1468);
	assert_int_equal(p.windowsize, 4);
	assert_true(p.tsize == 104857600);
	static const uint8_t partial[] = "\0\6blksize\0" "512";
	assert_int_equal(tftp_parse(partial, sizeof(partial), &p), 0);
	assert_int_equal(p.blksize, 512);
	assert_true(p.tsize == -1); /* left out: unknown */
	static const uint8_t bad_blk[] = "\0\6blksize\0" "70000";
	assert_int_equal(tftp_parse(bad_blk, sizeof(bad_blk), &p), -1);
	static const uint8_t huge_tsize[] = "\0\6tsize\0" "9999999999999999999\0";
	assert_int_equal(tftp_parse(huge_tsize, sizeof(huge_tsize), &p), -1);
	static const uint8_t no_value[] = "\0\6blksize";
	assert_int_equal(tftp_parse(no_value, sizeof(no_value), &p), -1);
	static const uint8_t unterminated[] = {0, 6, 'b', 'l', 'k'};
	assert_int_equal(tftp_parse(unterminated, sizeof(unterminated), &p), -1);
	static const uint8_t ack5[] = {0, 4, 0, 1, 9};
	assert_int_equal(tftp_parse(ack5, sizeof(ack5), &p), -1);
	static const uint8_t wrq[] = {0, 2, 'x', 0};
	assert_int_equal(tftp_parse(wrq, sizeof(wrq), &p), -1);
	assert_int_equal(tftp_parse((const uint8_t *)"\1\3", 2, &p), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(read_request_with_options),
		cmocka_unit_test(parses_what_servers_send),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
