/* The GRUB 2 commands that load what an entry boots: linux, initrd,
 * multiboot, module, chainloader (and their 16/efi/2 forms), and blscfg. */
#ifndef KL_GRUB2_LOADER_H
#define KL_GRUB2_LOADER_H
#include "grub2_int.h"

g_cmd_fn g_cmd_loader, g_cmd_initrd, g_cmd_module, g_cmd_blscfg;

#endif
