/* The targets a PXE site serves: PXELINUX's pxelinux.cfg/ and GRUB's
 * network grub.cfg, each looked up in its own order on the lease's server
 * and read by the SYSLINUX and GRUB 2 sources (with SYSAPPEND words and
 * GRUB's net_* variables from the lease). */
#ifndef KL_NETSOURCE_H
#define KL_NETSOURCE_H
#include "fsio.h"
#include "target.h"

void net_collect(const struct fsio *io, struct target_list *out, struct diag_list *d);

#endif
