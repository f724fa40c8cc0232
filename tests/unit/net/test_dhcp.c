#include "unit.h"
#include <arpa/inet.h>
#include "dhcp.h"

static const uint8_t MAC[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

static uint32_t ip(const char *s)
{
	struct in_addr a;
	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

/* Finds option code in a built message; its length in *n. */
static const uint8_t *find_opt(const uint8_t *b, size_t len, uint8_t code, size_t *n)
{
	for (size_t i = 240; i + 1 < len && b[i] != 255;) {
		if (b[i] == 0) {
			i++;
			continue;
		}
		if (b[i] == code) {
			*n = b[i + 1];
			return b + i + 2;
		}
		i += 2 + b[i + 1];
	}
	return NULL;
}

static void builds_a_pxe_discover(void **state)
{
	uint8_t buf[576], uuid[16];
	for (int i = 0; i < 16; i++)
		uuid[i] = (uint8_t)i;
	struct dhcp_request r = {.type = DHCPDISCOVER, .xid = 0xdeadbeef, .uuid = uuid, .arch = 0};
	memcpy(r.mac, MAC, 6);
	size_t n = dhcp_build(buf, sizeof(buf), &r);
	assert_true(n >= 300);
	assert_int_equal(buf[0], 1);
	assert_int_equal(buf[10], 0x80);
	assert_memory_equal(buf + 4, "\xde\xad\xbe\xef", 4);
	assert_memory_equal(buf + 28, MAC, 6);
	assert_memory_equal(buf + 236, "\x63\x82\x53\x63", 4);
	size_t k;
	const uint8_t *o = find_opt(buf, n, 53, &k);
	assert_non_null(o);
	assert_int_equal(o[0], DHCPDISCOVER);
	o = find_opt(buf, n, 60, &k);
	assert_non_null(o);
	assert_memory_equal(o, "PXEClient:Arch:00000", 20);
	o = find_opt(buf, n, 97, &k);
	assert_int_equal(k, 17);
	assert_int_equal(o[0], 0);
	assert_memory_equal(o + 1, uuid, 16);
	o = find_opt(buf, n, 61, &k);
	assert_int_equal(k, 7);
	assert_int_equal(o[0], 1);
	o = find_opt(buf, n, 93, &k);
	assert_int_equal(k, 2);
	assert_non_null(find_opt(buf, n, 55, &k));
	assert_null(find_opt(buf, n, 50, &k));

	struct dhcp_request rel = {.type = DHCPRELEASE, .xid = 7, .ciaddr = ip("10.0.2.15"),
				   .server_id = ip("10.0.2.2")};
	memcpy(rel.mac, MAC, 6);
	n = dhcp_build(buf, sizeof(buf), &rel);
	assert_int_equal(buf[10], 0);
	assert_memory_equal(buf + 12, &rel.ciaddr, 4);
	o = find_opt(buf, n, 54, &k);
	assert_memory_equal(o, &rel.server_id, 4);
	assert_null(find_opt(buf, n, 60, &k)); /* a release asks for nothing */
	assert_int_equal(dhcp_build(buf, 100, &r), 0);
}

/* A reply as dnsmasq sends it: BOOTP header, magic, options. */
static size_t reply(uint8_t *b, uint32_t xid, const uint8_t *opts, size_t n)
{
	memset(b, 0, 576);
	b[0] = 2, b[1] = 1, b[2] = 6;
	uint32_t x = htonl(xid), yi = ip("10.0.2.15"), si = ip("10.0.2.2");
	memcpy(b + 4, &x, 4);
	memcpy(b + 16, &yi, 4);
	memcpy(b + 20, &si, 4);
	memcpy(b + 28, MAC, 6);
	strcpy((char *)b + 108, "from-file-field.0");
	memcpy(b + 236, "\x63\x82\x53\x63", 4);
	memcpy(b + 240, opts, n);
	return 240 + n;
}

static void parses_an_offer_with_pxe_options(void **state)
{
	static const uint8_t opts[] = {
		53, 1, 2, 54, 4, 10, 0, 2, 2, 1, 4, 255, 255, 255, 0, 3, 4, 10, 0, 2, 1,
		6, 8, 10, 0, 2, 3, 1, 1, 1, 1, 51, 4, 0, 0, 0x0e, 0x10, 12, 4, 'n', 'o', 'd', 'e',
		15, 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 66, 8, '1', '0', '.', '0', '.', '2', '.', '2',
		67, 12, 'p', 'x', 'e', 'l', 'i', 'n', 'u', 'x', '.', '0', 0, 0,
		209, 7, 'm', 'y', '.', 'c', 'f', 'g', 0, 210, 6, '/', 's', 'i', 't', 'e', '/', 0, 0, 255};
	uint8_t b[576];
	size_t n = reply(b, 42, opts, sizeof(opts));
	struct dhcp_lease l;
	assert_int_equal(dhcp_parse(b, n, 42, MAC, &l), 0);
	assert_int_equal(l.type, DHCPOFFER);
	assert_int_equal(l.addr, ip("10.0.2.15"));
	assert_int_equal(l.next_server, ip("10.0.2.2"));
	assert_int_equal(l.server_id, ip("10.0.2.2"));
	assert_int_equal(l.mask, ip("255.255.255.0"));
	assert_int_equal(l.router, ip("10.0.2.1"));
	assert_int_equal(l.ndns, 2);
	assert_int_equal(l.dns[1], ip("1.1.1.1"));
	assert_int_equal(l.lease_secs, 3600);
	assert_str(l.hostname, "node");
	assert_str(l.domain, "example");
	assert_str(l.tftp_server, "10.0.2.2");
	assert_str(l.bootfile, "pxelinux.0"); /* option 67 wins over the file field; NULs end it */
	assert_str(l.pxe_config, "my.cfg");
	assert_str(l.pxe_prefix, "/site/");
	/* not ours: another transaction or another machine */
	assert_int_equal(dhcp_parse(b, n, 43, MAC, &l), -1);
	static const uint8_t other[6] = {1, 2, 3, 4, 5, 6};
	assert_int_equal(dhcp_parse(b, n, 42, other, &l), -1);
	/* an option running past the end */
	static const uint8_t bad[] = {53, 1, 5, 67, 40, 'x'};
	n = reply(b, 42, bad, sizeof(bad));
	assert_int_equal(dhcp_parse(b, n, 42, MAC, &l), -1);
	assert_int_equal(dhcp_parse(b, 200, 42, MAC, &l), -1);
}

static void file_field_and_overload(void **state)
{
	static const uint8_t plain[] = {53, 1, 5, 255};
	uint8_t b[576];
	size_t n = reply(b, 1, plain, sizeof(plain));
	struct dhcp_lease l;
	assert_int_equal(dhcp_parse(b, n, 1, MAC, &l), 0);
	assert_int_equal(l.type, DHCPACK);
	assert_str(l.bootfile, "from-file-field.0");
	/* option 52 = 1: the file field holds options, here the boot file */
	static const uint8_t over[] = {53, 1, 5, 52, 1, 1, 255};
	n = reply(b, 1, over, sizeof(over));
	memset(b + 108, 0, 128);
	memcpy(b + 108, "\x43\x06grubx1\xff", 9);
	assert_int_equal(dhcp_parse(b, n, 1, MAC, &l), 0);
	assert_str(l.bootfile, "grubx1");
	/* a BOOTP reply without a message type is not DHCP */
	static const uint8_t none[] = {255};
	n = reply(b, 1, none, sizeof(none));
	assert_int_equal(dhcp_parse(b, n, 1, MAC, &l), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(builds_a_pxe_discover),
		cmocka_unit_test(parses_an_offer_with_pxe_options),
		cmocka_unit_test(file_field_and_overload),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
