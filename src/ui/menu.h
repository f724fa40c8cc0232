/* The boot menu (kexec-loader(8), MENU). */
#ifndef KL_MENU_H
#define KL_MENU_H
#include <stdbool.h>
#include "target.h"
#include "term.h"

/* MENU_EMPTY: the list became empty (the disks holding targets went away). */
enum menu_action { MENU_BOOT, MENU_SHELL, MENU_EDIT, MENU_DISKS, MENU_LOG, MENU_EMPTY };

struct menu {
	struct term *term;
	struct target_list *targets;
	const struct strlist *messages; /* problems to show under the list */
	int selected;
	int top;          /* first target shown */
	bool countdown;   /* run the timeout (only until the first key) */
	bool hidden;      /* GRUB timeout_style=hidden: nothing shown until a key */
	int event_fd;     /* device events wake the menu (or -1) */
	/* Called when event_fd is readable; returns true when the targets changed,
	 * with selected moved to where the selected target now is (the default
	 * when it went away). */
	bool (*on_event)(void *ctx);
	void *ctx;
};

/* Shows the menu until the user picks something. Returns the action; for
 * MENU_BOOT and MENU_EDIT, m->selected is the target. */
enum menu_action menu_run(struct menu *m);
/* The header: kexec-loader's version and the running kernel's. */
char *menu_header(void);

#endif
