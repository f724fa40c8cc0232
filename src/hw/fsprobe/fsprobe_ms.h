/* The probers of Microsoft's filesystems: FAT, NTFS, exFAT. */
#ifndef KL_FSPROBE_MS_H
#define KL_FSPROBE_MS_H
#include "fsprobe_lib.h"

/* 0 when the device holds the format (label and UUID set), 1 when not. */
int fsp_vfat(struct fsp *p);
int fsp_ntfs(struct fsp *p);
int fsp_exfat(struct fsp *p);

/* Checks the DOS partition table prober makes so as not to take a boot sector for one. */
bool fsp_is_vfat(struct fsp *p);
bool fsp_is_ntfs(struct fsp *p);

#endif
