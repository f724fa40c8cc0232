/* The probers of volume headers: Linux RAID, LVM2, LUKS. */
#ifndef KL_FSPROBE_VOLUME_H
#define KL_FSPROBE_VOLUME_H
#include "fsprobe_lib.h"

/* 0 when the device holds the format (label and UUID set), 1 when not. */
int fsp_linux_raid(struct fsp *p);
int fsp_lvm2(struct fsp *p);
int fsp_luks(struct fsp *p);

#endif
