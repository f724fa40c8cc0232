/* Booting a target: open its files through the device layer, pick the way
 * to load it, unmount everything and jump. */
#ifndef KL_BOOT_H
#define KL_BOOT_H
#include "target.h"

/* Loads the target. Returns 0 when it is loaded and ready to execute, else -1
 * with *err a sentence for the user (naming the file and the device). */
int boot_load(const struct target *t, char **err);
/* Unmounts every filesystem and starts the loaded kernel. Returns only on
 * failure, with *err set. */
void boot_execute(char **err);
/* What a file that is not a kernel looks like, from its first bytes. */
const char *describe_contents(const unsigned char *p, size_t n);

#endif
