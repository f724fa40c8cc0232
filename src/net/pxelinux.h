/* Where a PXE site keeps its configuration, pure: the file names PXELINUX
 * and GRUB try, in their order, and the words PXELINUX's IPAPPEND adds. */
#ifndef KL_PXELINUX_H
#define KL_PXELINUX_H
#include <stdint.h>
#include "dhcp.h"
#include "util.h"

/* The client as the lookups see it. */
struct pxe_client {
	uint8_t mac[6];
	uint32_t ip;      /* network byte order */
	const char *uuid; /* "b8945908-d6a6-41a9-611d-74a6ab80b83d" as PXELINUX prints it, or NULL */
};

/* PXELINUX 6's folder for pxelinux.cfg/: option 210 when given, else the boot
 * file's folder ("/boot/pxelinux.0" -> "/boot/"), "/" when it has none. */
char *pxelinux_prefix(const struct dhcp_lease *l);
/* The files PXELINUX tries, in order: option 209 alone when given (under the
 * prefix when relative); else pxelinux.cfg/ + UUID, 01-MAC, the address in
 * upper-case hex shortened one digit at a time, and "default". */
void pxelinux_candidates(const struct dhcp_lease *l, const struct pxe_client *c, struct strlist *out);
/* The files GRUB tries in its folder fwpath: grub.cfg-UUID (when the lease
 * carried one), grub.cfg-MAC (dashes), grub.cfg-HEXIP shortened, grub.cfg. */
void grub_net_candidates(const char *fwpath, const struct pxe_client *c, struct strlist *out);
/* GRUB's folder for a grub-mknetdir boot file: "/boot/grub/i386-pc/core.0" -> "/boot/grub". */
char *grub_net_prefix(const char *bootfile);

/* IPAPPEND 1: "ip=CLIENT:SERVER:GATEWAY:NETMASK"; IPAPPEND 2: "BOOTIF=01-aa-bb-…". */
char *pxelinux_ip_word(const struct dhcp_lease *l);
char *pxelinux_bootif_word(const uint8_t mac[6]);
/* Linux's /sys/class/dmi/id/product_uuid in the byte order PXELINUX prints
 * (the SMBIOS bytes as they are: its first three fields swapped back);
 * NULL for a malformed, all-zero or all-ones UUID. */
char *pxelinux_uuid_from_dmi(const char *product_uuid);

#endif
