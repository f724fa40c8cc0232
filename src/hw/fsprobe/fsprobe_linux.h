/* The probers of Linux filesystems and swap. */
#ifndef KL_FSPROBE_LINUX_H
#define KL_FSPROBE_LINUX_H
#include "fsprobe_lib.h"

/* 0 when the device holds the format (label and UUID set), 1 when not. */
int fsp_ext4dev(struct fsp *p);
int fsp_ext4(struct fsp *p);
int fsp_ext3(struct fsp *p);
int fsp_ext2(struct fsp *p);
int fsp_jbd(struct fsp *p);
int fsp_xfs(struct fsp *p);
int fsp_btrfs(struct fsp *p);
int fsp_squashfs(struct fsp *p);
int fsp_squashfs3(struct fsp *p);
int fsp_f2fs(struct fsp *p);
int fsp_swap(struct fsp *p);
int fsp_swsuspend(struct fsp *p);

#endif
