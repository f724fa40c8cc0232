/* The GRUB 2 menu: the entries a script declares, and the targets they
 * become once the whole file has run. */
#ifndef KL_GRUB2_MENU_H
#define KL_GRUB2_MENU_H
#include "grub2_int.h"

/* menuentry or submenu with its expanded arguments (n: its body, or NULL
 * for an entry without one, as blscfg adds); the executor's on_entry. */
void g_menu_entry(struct gi *I, bool submenu, int line, int argc, char **argv,
		  const struct gnode *n);
/* Forgets the entries seen so far (configfile starts a new menu). */
void g_menu_reset(struct gi *I);
/* Evaluates every entry into out, with default, timeout and hidden menu. */
void g_menu_finish(struct gi *I, struct target_list *out);
void g_menu_free(struct gi *I);

#endif
