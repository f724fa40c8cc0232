/* Network interfaces through rtnetlink: list the Ethernet ones, bring them
 * up, see their carrier, give them an address and a default route, and take
 * them away again before kexec. */
#ifndef KL_LINK_H
#define KL_LINK_H
#include <stdbool.h>
#include <stdint.h>

#define LINK_MAX 16

struct netif {
	int index;
	char name[16];
	uint8_t mac[6];
	unsigned flags; /* IFF_UP, IFF_LOWER_UP, … */
};

/* The Ethernet interfaces (no loopback), at most max. Returns how many, or -errno. */
int link_list(struct netif *v, int max);
/* Sets IFF_UP on the interface (and on lo, for local servers). 0 or -errno. */
int link_up(int index);
/* True when the interface has a carrier (IFF_LOWER_UP). */
bool link_carrier(int index);
/* Adds addr/prefix (network byte order) with its broadcast address. 0 or -errno. */
int link_add_addr(int index, uint32_t addr, int prefix);
int link_del_addr(int index, uint32_t addr, int prefix);
/* Adds a default route through gw. 0 or -errno. */
int link_add_default_route(int index, uint32_t gw);
/* Netmask (network byte order) to prefix length. */
int link_prefix_len(uint32_t mask);

#endif
