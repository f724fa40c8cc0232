/* The GRUB 2 interpreter's variables, with an undo log so that a function,
 * an entry or a submenu can roll back what it changed; and the reporting of
 * errors and of the bounds on a run. */
#include "grub2_vars.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- variables: a small array, and an undo log for scopes ---- */

struct vkey {
	struct gi *I;
	const char *name;
	size_t n;
};

static bool same_var(void *ctx, size_t pos)
{
	const struct vkey *k = ctx;
	const struct gvar *v = &k->I->vars[pos];
	return v->nlen == k->n && !memcmp(v->name, k->name, k->n);
}

/* By hash: a script may hold thousands of variables and expand them in loops. */
static struct gvar *gv_find(struct gi *I, const char *name)
{
	struct vkey k = {I, name, strlen(name)};
	size_t i = sh_find(&I->vindex, str_hash(name, k.n), same_var, &k);
	return i == SIZE_MAX ? NULL : &I->vars[i];
}

const char *gv_get(struct gi *I, const char *name)
{
	struct gvar *v = gv_find(I, name);
	return v ? v->val : NULL;
}

static void gv_log(struct gi *I, const char *name, const struct gvar *v)
{
	if (!I->undo_on)
		return;
	if (I->nundo == I->capundo) {
		I->capundo = I->capundo ? 2 * I->capundo : 32;
		I->undo = xrealloc(I->undo, I->capundo * sizeof(*I->undo));
	}
	struct gundo *u = &I->undo[I->nundo++];
	u->name = xstrdup(name);
	u->val = v ? xstrdup(v->val) : NULL;
	u->exported = v && v->exported;
}

static void gv_put(struct gi *I, const char *name, const char *val, bool exported)
{
	struct gvar *v = gv_find(I, name);
	if (!v) {
		if (I->nvars >= G_MAX_VARS) { /* only a runaway script gets here */
			if (!I->vars_told)
				diag_add(I->d, I->file, 0, "more than %d variables; the others are not set",
					 G_MAX_VARS);
			I->vars_told = true;
			return;
		}
		if (I->nvars == I->capvars) {
			I->capvars = I->capvars ? 2 * I->capvars : 32;
			I->vars = xrealloc(I->vars, I->capvars * sizeof(*I->vars));
		}
		v = &I->vars[I->nvars];
		v->name = xstrdup(name);
		v->nlen = strlen(name);
		v->hash = str_hash(name, v->nlen);
		v->val = NULL;
		v->exported = false;
		sh_add(&I->vindex, v->hash, I->nvars++);
	}
	free(v->val);
	v->val = xstrdup(val);
	v->exported |= exported;
}

void gv_set(struct gi *I, const char *name, const char *val)
{
	gv_log(I, name, gv_find(I, name));
	gv_put(I, name, val, false);
}

void gv_unset(struct gi *I, const char *name)
{
	struct gvar *v = gv_find(I, name);
	if (!v)
		return;
	gv_log(I, name, v);
	size_t at = (size_t)(v - I->vars), last = I->nvars - 1;
	sh_move(&I->vindex, v->hash, at, SIZE_MAX);
	if (at != last)
		sh_move(&I->vindex, I->vars[last].hash, last, at);
	free(v->name);
	free(v->val);
	*v = I->vars[last];
	I->nvars--;
}

void gv_export(struct gi *I, const char *name)
{
	struct gvar *v = gv_find(I, name);
	if (!v) {
		gv_set(I, name, "");
		if (!(v = gv_find(I, name)))
			return;
	} else {
		gv_log(I, name, v);
	}
	v->exported = true;
}

size_t gv_mark(struct gi *I)
{
	I->undo_on++;
	return I->nundo;
}

/* Undoes every change since mark, newest first. */
void gv_rollback(struct gi *I, size_t mark)
{
	I->undo_on--;
	while (I->nundo > mark) {
		struct gundo *u = &I->undo[--I->nundo];
		int on = I->undo_on;
		I->undo_on = 0;
		if (u->val) {
			gv_put(I, u->name, u->val, false);
			struct gvar *v = gv_find(I, u->name);
			if (v)
				v->exported = u->exported;
		} else {
			gv_unset(I, u->name);
		}
		I->undo_on = on;
		free(u->name);
		free(u->val);
	}
}

void gv_keep_exported(struct gi *I)
{
	for (size_t i = I->nvars; i-- > 0;)
		if (!I->vars[i].exported)
			gv_unset(I, I->vars[i].name);
}

static void vars_free(struct gi *I)
{
	for (size_t i = 0; i < I->nvars; i++) {
		free(I->vars[i].name);
		free(I->vars[i].val);
	}
	free(I->vars);
	sh_free(&I->vindex);
}

void gv_scope_open(struct gi *I, struct gscope *outer)
{
	*outer = (struct gscope){I->vars, I->nvars, I->capvars, I->vindex, I->nundo};
	I->vars = NULL;
	I->nvars = I->capvars = 0;
	I->vindex = (struct strhash){0};
	int on = I->undo_on;
	I->undo_on = 0; /* the copies are the new context's start, nothing to undo */
	for (size_t i = 0; i < outer->nvars; i++)
		if (outer->vars[i].exported)
			gv_put(I, outer->vars[i].name, outer->vars[i].val, true);
	I->undo_on = on;
}

void gv_scope_close(struct gi *I, struct gscope *outer)
{
	vars_free(I);
	while (I->nundo > outer->nundo) {
		struct gundo *u = &I->undo[--I->nundo];
		free(u->name);
		free(u->val);
	}
	I->vars = outer->vars;
	I->nvars = outer->nvars;
	I->capvars = outer->capvars;
	I->vindex = outer->vindex;
}

void gv_free(struct gi *I)
{
	vars_free(I);
	for (size_t i = 0; i < I->nundo; i++) {
		free(I->undo[i].name);
		free(I->undo[i].val);
	}
	free(I->undo);
}

/* ---- diagnostics and bounds ---- */

void g_error(struct gi *I, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = xvasprintf(fmt, ap);
	va_end(ap);
	if (I->out)
		sb_printf(I->out, "error: %s.\n", m);
	(void)line;
	free(m);
}

void g_limit(struct gi *I, int line, const char *what)
{
	if (!I->limit_told)
		diag_add(I->d, I->file, line, "%s; the rest of the file is ignored", what);
	I->limit_told = true;
	I->jump = J_STOP;
}

bool g_step(struct gi *I, int line)
{
	if (++I->steps <= G_MAX_STEPS)
		return true;
	g_limit(I, line, "more than 100000 loop iterations or calls (an endless loop?)");
	return false;
}
