/* The GRUB 2 script executor: runs parsed scripts in an interpreter's state. */
#ifndef KL_GRUB2_EXEC_H
#define KL_GRUB2_EXEC_H
#include "grub2_int.h"

int g_exec_list(struct gi *I, const struct gnode *n);
/* Starts recording function definitions; g_funcs_rollback undoes them
 * (an entry's body defines functions only while it runs). */
size_t g_funcs_mark(struct gi *I);
void g_funcs_rollback(struct gi *I, size_t mark);
/* Parses and runs text as a file of its own (source, configfile, eval) and
 * takes it; line: the line of the command that runs it, 0 for the top file. */
int g_run_text(struct gi *I, char *text, size_t len, const char *name, const char *dev, int line);
/* Frees what the executor keeps for a whole run (argument buffers, files). */
void g_exec_free(struct gi *I);

#endif
