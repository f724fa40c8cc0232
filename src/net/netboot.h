/* Network boot as a whole (docs/architecture.md, the flow): interfaces up, DHCP on every
 * one with a link (the first lease wins), the lease's servers, what it gives
 * the SYSLINUX and GRUB sources (SYSAPPEND words, GRUB's net_* variables),
 * network paths opened for the device layer, and the lease given back before
 * kexec. */
#ifndef KL_NETBOOT_H
#define KL_NETBOOT_H
#include <stdbool.h>
#include "dhcp.h"
#include "fsio.h"
#include "link.h"
#include "target.h"
#include "util.h"

/* Seconds DHCP waits for an answer before saying there is none. */
#define NET_DHCP_SECS 8

/* Where start-up messages go (one line each); NULL: the log only. */
void net_set_status(void (*fn)(const char *line));
/* True when a PCI network card is there (its driver may still be loading). */
bool net_cards_present(const char *sysfs);
/* True when the machine has an Ethernet interface (asks the kernel, never waits). */
bool net_has_interfaces(void);
/* Brings every Ethernet interface up (or those only names, by name or MAC)
 * and runs DHCP; 0 with a lease, else -errno with *err a sentence for the
 * user. Replaces an earlier lease. */
int net_start(const struct strlist *only, char **err);
/* True when a lease is held. */
bool net_up(void);
/* The lease's TFTP server as a dotted address (next-server, else option 66, else the DHCP server). */
const char *net_server(void);
/* Gives the lease back and takes the address away (before kexec). */
void net_release(void);
/* Interfaces, lease and servers, for the shell's `net`. */
void net_describe(struct strbuf *out);

/* Opens a network path ("tftp,SERVER" or "http,SERVER:PORT" and a path) as
 * a file descriptor of its contents; -errno with *err naming the URL. */
int net_open(const char *dev, const char *path, char **err);

#endif
