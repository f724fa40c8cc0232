/* The shell's commands that look at the disks: disks, ls, find, cat. */
#ifndef KL_SHELL_FS_H
#define KL_SHELL_FS_H
#include "shell_state.h"

void shell_cmd_disks(struct shell *sh, struct term *t, const char *arg);
void shell_cmd_ls(struct shell *sh, struct term *t, const char *arg);
void shell_cmd_find(struct shell *sh, struct term *t, const char *arg);
void shell_cmd_cat(struct shell *sh, struct term *t, const char *arg);

#endif
