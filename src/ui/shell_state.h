/* The shell's state and the type of its command table, below every part of
 * the shell. The state belongs to the shell's caller, which passes it to
 * shell_run and shell_exec; the shell keeps nothing of its own. */
#ifndef KL_SHELL_STATE_H
#define KL_SHELL_STATE_H
#include <stdbool.h>
#include "lineedit.h"
#include "target.h"
#include "term.h"

struct shell {
	struct target tgt; /* what root/kernel/initrd/… have set */
	struct lineedit le; /* the line editor and its history */
	bool le_ready;
	const struct shell_hooks *hooks; /* of the running shell_run */
};

/* Which argument of a command is a path (for completion). */
enum shell_path_arg { SH_NO_PATH, SH_PATH_FIRST, SH_PATH_SECOND };

/* One command of the shell: what help says of it, what runs it, and what
 * completion offers for its arguments. */
struct shell_cmd {
	const char *name, *args, *help;
	/* NULL: leaves the shell (exit) */
	void (*run)(struct shell *sh, struct term *t, const char *arg);
	enum shell_path_arg path_arg;
	bool device_arg; /* its argument is a device (root) */
};

#endif
