/* The probers of optical disc formats: ISO 9660 and UDF. */
#ifndef KL_FSPROBE_DISC_H
#define KL_FSPROBE_DISC_H
#include "fsprobe_lib.h"

/* 0 when the device holds the format (label and UUID set), 1 when not. */
int fsp_iso9660(struct fsp *p);
int fsp_udf(struct fsp *p);

#endif
