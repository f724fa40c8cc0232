/* DHCPv4 messages (RFC 2131/2132), pure: build DISCOVER, REQUEST and
 * RELEASE, parse OFFER and ACK into a lease with what network boot needs:
 * address, netmask (1), router (3), DNS (6), host name (12), domain (15),
 * lease time (51), server (54), next-server (siaddr), TFTP server name (66),
 * boot file (67, else the file field), PXELINUX's configuration file (209)
 * and path prefix (210). The sname and file fields are read for options
 * when option 52 says so, as RFC 2132 asks. */
#ifndef KL_DHCP_H
#define KL_DHCP_H
#include <stddef.h>
#include <stdint.h>

enum dhcp_type { DHCPDISCOVER = 1, DHCPOFFER, DHCPREQUEST, DHCPDECLINE, DHCPACK, DHCPNAK,
		 DHCPRELEASE, DHCPINFORM };

#define DHCP_MAX_DNS 3
#define DHCP_TEXT 256

struct dhcp_lease {
	enum dhcp_type type;
	uint32_t xid;
	/* addresses in network byte order, 0 when not given */
	uint32_t addr, mask, router, server_id, next_server, dns[DHCP_MAX_DNS];
	int ndns;
	uint32_t lease_secs;
	char hostname[DHCP_TEXT], domain[DHCP_TEXT];
	char tftp_server[DHCP_TEXT]; /* option 66 (a name or dotted address) */
	char bootfile[DHCP_TEXT];    /* option 67, else the file field */
	char pxe_config[DHCP_TEXT];  /* option 209 */
	char pxe_prefix[DHCP_TEXT];  /* option 210 */
};

struct dhcp_request {
	enum dhcp_type type;   /* DISCOVER, REQUEST or RELEASE */
	uint32_t xid;
	uint8_t mac[6];
	uint32_t ciaddr;       /* RELEASE: the address given back */
	uint32_t requested;    /* REQUEST: option 50 */
	uint32_t server_id;    /* REQUEST, RELEASE: option 54 */
	const uint8_t *uuid;   /* 16 bytes for option 97, or NULL */
	uint16_t arch;         /* option 93: 0 x86 BIOS, 7 x86-64 UEFI */
};

/* Builds the message into buf (at least 548 bytes); returns its length, 0 when cap is too small. */
size_t dhcp_build(uint8_t *buf, size_t cap, const struct dhcp_request *r);
/* Parses a reply to our xid and MAC. Returns 0 with *out filled, -1 when the
 * packet is not a well-formed BOOTREPLY for us. */
int dhcp_parse(const uint8_t *buf, size_t len, uint32_t xid, const uint8_t mac[6],
	       struct dhcp_lease *out);

#endif
