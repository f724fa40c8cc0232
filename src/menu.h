/* The boot menu. */
#ifndef KL_MENU_H
#define KL_MENU_H
#include <stdbool.h>
#include "target.h"
#include "term.h"

struct menu {
	struct term *term;
	const struct target_list *targets;
	const struct strlist *messages; /* problems to show under the list */
	int selected;
	int top;          /* first target shown */
	bool countdown;   /* run the timeout (only until the first key) */
};

/* Shows the menu until the user picks a target (or the countdown ends).
 * Returns the index to boot. */
int menu_run(struct menu *m);
/* The header: kexec-loader's version and the running kernel's. */
char *menu_header(void);

#endif
