/* What the network sources need from the lease (netboot.c). */
#ifndef KL_NETBOOT_INT_H
#define KL_NETBOOT_INT_H
#include <stdint.h>
#include "dhcp.h"
#include "util.h"

/* The lease, or NULL. */
const struct dhcp_lease *net_lease(void);
const uint8_t *net_mac(void);
/* The machine's UUID as PXELINUX prints it, or NULL. */
const char *net_uuid(void);
/* GRUB's net_* variables for the lease, as "NAME=VALUE". */
void net_grub_vars(struct strlist *out);

#endif
