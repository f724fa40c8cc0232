/* The GRUB 2 interpreter's variables (set, exported, rolled back when a
 * function, entry or submenu ends) and how it reports errors and limits. */
#ifndef KL_GRUB2_VARS_H
#define KL_GRUB2_VARS_H
#include "grub2_int.h"

/* NULL when unset. */
const char *gv_get(struct gi *I, const char *name);
void gv_set(struct gi *I, const char *name, const char *val);
void gv_unset(struct gi *I, const char *name);
void gv_export(struct gi *I, const char *name);
/* A new context for good (configfile): only exported variables stay. */
void gv_keep_exported(struct gi *I);
/* A context for a while (a submenu): a new table holding copies of the
 * exported variables only; closing it drops it whole, with what was
 * recorded to undo in it, and brings the outer one back as it was. Costs
 * the exported variables, not every variable, twice over, per submenu. */
struct gscope {
	struct gvar *vars;
	size_t nvars, capvars;
	struct strhash vindex;
	size_t nundo;
};
void gv_scope_open(struct gi *I, struct gscope *outer);
void gv_scope_close(struct gi *I, struct gscope *outer);
/* Starts recording changes; gv_rollback undoes them all, newest first. */
size_t gv_mark(struct gi *I);
void gv_rollback(struct gi *I, size_t mark);
void gv_free(struct gi *I);

/* GRUB's "error: …." line, in what echo writes. */
void g_error(struct gi *I, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A bound was passed: says so once, as FILE:LINE, and stops the run. */
void g_limit(struct gi *I, int line, const char *what);
/* Counts one loop iteration or call; false (and stops) past the bound. */
bool g_step(struct gi *I, int line);

#endif
