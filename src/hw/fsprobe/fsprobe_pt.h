/* Partition tables: DOS (MBR), GPT and the protective MBR. */
#ifndef KL_FSPROBE_PT_H
#define KL_FSPROBE_PT_H
#include "fsprobe_lib.h"

/* The type's name ("dos", "gpt", "PMBR") or NULL. */
const char *fsp_partition_table(struct fsp *p);
/* Whether [off, off+len) lies inside one partition of the table (the RAID
 * prober ignores a superblock that belongs to the last partition). */
bool fsp_covered_by_partition(struct fsp *p, uint64_t off, uint64_t len);

#endif
