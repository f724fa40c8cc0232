/* Shared between the parts of the shell: its state and the file commands. */
#ifndef KL_SHELL_INT_H
#define KL_SHELL_INT_H
#include "lineedit.h"
#include "shell.h"

struct shell_state {
	struct target tgt; /* what root/kernel/initrd/… have set */
	struct lineedit le;
	bool le_ready;
};
extern struct shell_state SH;

/* Ctrl-C typed while a long command runs (other keys are dropped). */
bool shell_interrupted(struct term *t);

void cmd_disks(struct term *t, const char *arg);
void cmd_ls(struct term *t, const char *arg);
void cmd_find(struct term *t, const char *arg);
void cmd_cat(struct term *t, const char *arg);

#endif
