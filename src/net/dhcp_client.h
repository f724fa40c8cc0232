/* The DHCPv4 client: DISCOVER/OFFER/REQUEST/ACK on every interface at once
 * over packet sockets (an interface without an address cannot receive
 * through an ordinary UDP socket), the first lease wins; RELEASE before kexec. */
#ifndef KL_DHCP_CLIENT_H
#define KL_DHCP_CLIENT_H
#include "dhcp.h"
#include "link.h"

/* Runs DHCP on the n interfaces (already up) for at most timeout_ms; an
 * interface joins when its carrier comes. Returns the index of the one that
 * got *lease, or -1 with *err a sentence for the user. uuid: 16 bytes or NULL. */
int dhcp_client_run(const struct netif *v, int n, int timeout_ms, const uint8_t *uuid,
		    struct dhcp_lease *lease, char **err);
/* Gives the lease back to its server (best effort). */
void dhcp_client_release(const struct netif *nif, const struct dhcp_lease *l);

#endif
