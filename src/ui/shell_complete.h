/* Tab completion of a shell line: command names, devices and paths. */
#ifndef KL_SHELL_COMPLETE_H
#define KL_SHELL_COMPLETE_H
#include "shell_state.h"

/* Adds to words what may stand at the cursor: a command of cmds, a device,
 * or a path (on root when it has no "(DEVICE)"). Returns where the word
 * being completed starts. */
size_t shell_complete_line(const struct shell_cmd *cmds, size_t ncmds, const char *root,
			   const char *line, size_t cursor, struct strlist *words);

#endif
