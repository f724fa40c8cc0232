/* Hardware as PID 1 sees it: kernel modules for the devices present, and
 * device events (new disks, USB sticks) that load more and change the disks. */
#ifndef KL_DEVICES_H
#define KL_DEVICES_H
#include "kmod.h"

/* Opens the event socket, then loads modules for every device present. */
void devices_start(void);
/* The file descriptor that becomes readable when the kernel announces devices (or -1). */
int devices_fd(void);
/* Handles the pending events: loads modules, rescans disks. Returns how many
 * block devices changed. */
int devices_handle_events(void);
/* `kmod` options for modules loaded from now on. */
void devices_set_options(kmod_options_fn fn, void *ctx);
/* Loads every module file of a folder (the boot disk's modules/). */
void devices_load_folder(const char *dir);

#endif
