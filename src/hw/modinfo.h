/* The .modinfo section of a kernel module file (an ELF object): what the
 * module says about itself, read without loading it. */
#ifndef KL_MODINFO_H
#define KL_MODINFO_H
#include "util.h"

/* Appends the modules named in the file's "depends=" entry to deps.
 * Returns 0 (also when it names none), or -ENOEXEC when the file is not an
 * ELF object of this machine's class and byte order, or -errno. */
int modinfo_depends(int fd, struct strlist *deps);

#endif
