/* The shell (docs/kexec-loader.8, SHELL): the configuration syntax typed live, and
 * commands to look at the disks. */
#ifndef KL_SHELL_H
#define KL_SHELL_H
#include <stdbool.h>
#include "shell_state.h"
#include "target.h"
#include "term.h"

struct shell_hooks {
	/* Loads and starts t; returns only when that failed, with *err set. */
	int (*boot)(const struct target *t, char **err, void *ctx);
	/* Restarts (off false) or powers off the machine. NULL: the shell
	 * unmounts the disks and does it itself when it runs as PID 1. */
	void (*power)(bool off, void *ctx);
	/* Runs DHCP again and collects the network's targets; 0 or -errno with
	 * *err set. NULL: the shell runs DHCP itself, without new targets. */
	int (*dhcp)(char **err, void *ctx);
	/* While waiting for a key: event_fd (or -1) readable calls on_event. */
	int event_fd;
	void (*on_event)(void *ctx);
	void *ctx;
};

#define SHELL_PROMPT "kexec-loader> "

/* Runs the shell until `exit`. The target being typed and the history stay
 * in sh (zeroed at first) for the next time. */
void shell_run(struct shell *sh, struct term *t, const struct shell_hooks *h);
/* Runs one command line; false when it was `exit`. */
bool shell_exec(struct shell *sh, struct term *t, const struct shell_hooks *h, const char *line);
/* Tab completion of a shell line (an le_complete_fn; ctx: the struct shell). */
size_t shell_complete(void *ctx, const char *line, size_t cursor, struct strlist *words);
/* Forgets the typed target, the root device and the history. */
void shell_reset(struct shell *sh);

#endif
