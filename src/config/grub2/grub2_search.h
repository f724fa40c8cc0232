/* GRUB 2 devices and files for the interpreter: GRUB names ("hd0,gpt2") to
 * kexec-loader devices and back, file reads, and the commands that ask about
 * devices (search, probe). */
#ifndef KL_GRUB2_SEARCH_H
#define KL_GRUB2_SEARCH_H
#include "grub2_int.h"

/* The device a GRUB name stands for (owned by the caller), or NULL. */
char *g_resolve_dev(struct gi *I, const char *grubname);
/* The GRUB name of a device (owned by the caller). */
char *g_grubname(struct gi *I, const char *kname);
/* Splits a GRUB path into a device and a path on it, both owned by the
 * caller. Returns false when the device is unknown. */
bool g_path(struct gi *I, const char *gpath, char **dev, char **path);
int g_read(struct gi *I, const char *gpath, char **buf, size_t *len);
int g_read_max(struct gi *I, const char *gpath, size_t max, char **buf, size_t *len);
bool g_stat(struct gi *I, const char *gpath, bool *is_dir);
void g_memo_free(struct gi *I);

g_cmd_fn g_cmd_search, g_cmd_probe;

#endif
