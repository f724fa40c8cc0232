/* The GRUB 2 menu: menuentry and submenu as the script runs them, then,
 * once the whole file has run, each entry's body evaluated into a target,
 * submenus nested, default and timeout. */
#include "grub2_exec.h"
#include "grub2_menu.h"
#include "grub2_vars.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- menuentry / submenu ---- */

void g_menu_entry(struct gi *I, bool submenu, int line, int argc, char **argv,
		  const struct gnode *n)
{
	if (I->in_entry)
		return; /* only when that entry boots */
	if (I->nents >= G_MAX_ENTRIES) {
		if (!I->limit_told)
			diag_add(I->d, I->file, line, "more than %d menu entries; the rest is ignored",
				 G_MAX_ENTRIES);
		I->limit_told = true;
		return;
	}
	struct gentry e = {.submenu = submenu, .file = I->file, .dev = I->dev,
			   .line = line, .parent = I->menu_parent};
	if (n)
		e.body = n->a;
	bool opts = true;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (opts && !strcmp(a, "--")) {
			opts = false;
		} else if (!opts || a[0] != '-' || a[1] != '-') {
			sl_push(&e.args, a);
		} else if (!strcmp(a, "--unrestricted")) {
			continue;
		} else if (str_starts(a, "--id") || str_starts(a, "--class") ||
			   str_starts(a, "--users") || str_starts(a, "--hotkey") ||
			   str_starts(a, "--source")) {
			const char *eq = strchr(a, '=');
			const char *v = eq ? eq + 1 : i + 1 < argc ? argv[++i] : "";
			if (str_starts(a, "--id")) {
				free(e.id);
				e.id = xstrdup(v);
			}
		} else {
			sl_push(&e.args, a);
		}
	}
	if (!e.args.n) {
		g_error(I, line, "missing arguments");
		diag_add(I->d, I->file, line, "%s without a title is ignored",
			 submenu ? "submenu" : "menuentry");
		free(e.id);
		return;
	}
	e.title = xstrdup(e.args.v[0]);
	if (I->nents == I->capents) {
		I->capents = I->capents ? 2 * I->capents : 64;
		I->ents = xrealloc(I->ents, I->capents * sizeof(*I->ents));
	}
	I->ents[I->nents++] = e;
}

static void free_entries(struct gi *I, size_t from)
{
	while (I->nents > from) {
		struct gentry *e = &I->ents[--I->nents];
		free(e->title);
		free(e->id);
		sl_free(&e->args);
		if (e->bls)
			target_free(e->bls);
		free(e->bls);
	}
}

void g_menu_reset(struct gi *I)
{
	free_entries(I, 0);
}

void g_menu_free(struct gi *I)
{
	free_entries(I, 0);
	free(I->ents);
}

/* A BLS entry as GRUB's blscfg boots it: linux and initrd on its device,
 * "BOOT_IMAGE=" first. */
static void bls_target(struct target *t, const struct target *b)
{
	const char *dev = b->root ? b->root : "";
	struct strbuf sb = {0};
	target_copy(t, b);
	free(t->kernel);
	t->kernel = b->kernel[0] == '(' ? xstrdup(b->kernel) : xasprintf("(%s)%s", dev, b->kernel);
	for (size_t i = 0; i < t->initrds.n; i++) {
		if (t->initrds.v[i][0] != '(') {
			char *p = xasprintf("(%s)%s", dev, t->initrds.v[i]);
			free(t->initrds.v[i]);
			t->initrds.v[i] = p;
		}
	}
	if (t->kind == KIND_LINUX) {
		sb_printf(&sb, "BOOT_IMAGE=%s%s%s", b->kernel, b->cmdline && *b->cmdline ? " " : "",
			  b->cmdline ? b->cmdline : "");
		free(t->cmdline);
		t->cmdline = sb_steal(&sb);
	}
}

/* ---- building the menu once the script has run ---- */

/* GRUB's menuentry_eq: id or title equal to spec up to a single '>'
 * (">>" stands for a '>' in the name). */
static bool entry_eq(const char *name, const char *spec)
{
	if (!name)
		return false;
	for (;;) {
		if (*spec == '>' && spec[1] != '>')
			return *name == 0;
		if (*spec == '>')
			spec++;
		if (*name != *spec)
			return false;
		if (!*name)
			return true;
		name++;
		spec++;
	}
}

/* What follows the first single '>' of spec, or NULL. */
static const char *spec_rest(const char *spec)
{
	for (; *spec; spec++) {
		if (*spec == '>' && spec[1] == '>')
			spec++;
		else if (*spec == '>')
			return spec + 1;
	}
	return NULL;
}

static int pick(struct gi *I, size_t from, size_t to, const char *spec)
{
	if (!spec)
		return -1;
	char *end;
	unsigned long n = strtoul(spec, &end, 10);
	/* a number only when all of it is (up to a '>'): Fedora's ids start with digits */
	if (end != spec && spec[0] >= '0' && spec[0] <= '9' && (!*end || (*end == '>' && end[1] != '>')))
		return n < to - from ? (int)n : 0;
	for (size_t i = from; i < to; i++)
		if (entry_eq(I->ents[i].title, spec) || entry_eq(I->ents[i].id, spec))
			return (int)(i - from);
	return 0;
}

static int build(struct gi *I, size_t from, size_t to, const char *spec, struct target_list *out);

static void reset_run(struct gi *I)
{
	I->jump = J_NONE;
	I->loops = 0;
	I->depth = 0;
}

/* Runs an entry's body, as part of the file it was written in (its
 * messages, eval and source name that file). Functions it defines do not
 * outlive it: GRUB would define them only when the entry runs. */
static void run_body(struct gi *I, const struct gentry *e)
{
	if (!e->body)
		return;
	const char *ofile = I->file, *odev = I->dev;
	I->file = e->file;
	I->dev = e->dev;
	size_t mark = g_funcs_mark(I); /* what it defines is undone, not every function saved */
	reset_run(I);
	g_exec_list(I, e->body);
	reset_run(I);
	g_funcs_rollback(I, mark);
	I->file = ofile;
	I->dev = odev;
}

static int eval_entry(struct gi *I, size_t idx, const char *title, struct target_list *out)
{
	struct gentry *e = &I->ents[idx];
	struct target t;
	target_init(&t);
	if (e->bls) {
		bls_target(&t, e->bls);
		return (int)tl_push(out, &t);
	}
	t.title = xstrdup(title);
	t.id = e->id ? xstrdup(e->id) : NULL;
	char where[32];
	snprintf(where, sizeof(where), ":%d on ", e->line);
	t.origin = xstrcat3(e->file, where, e->dev ? e->dev : "?");
	struct strlist args = {0}, *saved = I->argv;
	sl_copy(&args, &e->args);
	size_t mark = gv_mark(I);
	gv_set(I, "chosen", title);
	I->argv = &args;
	I->cur = &t;
	I->in_entry = true;
	I->cur_initrd_ok = false;
	run_body(I, e);
	I->in_entry = false;
	I->cur = NULL;
	I->argv = saved;
	gv_rollback(I, mark);
	sl_free(&args);
	if (!t.kernel) {
		t.kind = KIND_CHAIN;
		target_refuse(&t, "this GRUB entry loads no kernel");
	}
	return (int)tl_push(out, &t);
}

static int eval_submenu_body(struct gi *I, size_t idx, const char *spec, struct target_list *out);

/* A submenu that sources its own file holds itself: each level is bounded,
 * and so must the nesting be, or PID 1's stack runs out. */
static int eval_submenu(struct gi *I, size_t idx, const char *spec, struct target_list *out)
{
	if (I->submenus >= G_MAX_DEPTH) {
		if (!I->limit_told)
			diag_add(I->d, I->ents[idx].file, I->ents[idx].line,
				 "submenus nest more than %d deep (does a submenu source its own file?); "
				 "the deeper ones are left out", G_MAX_DEPTH);
		I->limit_told = true;
		return -1;
	}
	I->submenus++;
	int r = eval_submenu_body(I, idx, spec, out);
	I->submenus--;
	return r;
}

static int eval_submenu_body(struct gi *I, size_t idx, const char *spec, struct target_list *out)
{
	struct gscope outer;
	gv_scope_open(I, &outer);
	size_t mark = gv_mark(I);
	struct strlist args = {0}, *saved = I->argv;
	sl_copy(&args, &I->ents[idx].args);
	I->argv = &args;
	int parent = I->menu_parent;
	I->menu_parent = (int)idx;
	size_t from = I->nents;
	struct gentry copy = I->ents[idx]; /* the array may move while it runs */
	run_body(I, &copy);
	size_t to = I->nents;
	I->menu_parent = parent;
	I->argv = saved;
	sl_free(&args);
	const char *d = gv_get(I, "default");
	char *own = d ? xstrdup(d) : NULL;
	size_t first = out->n;
	/* its entries run in the submenu's context too */
	int r = build(I, from, to, spec ? spec : own ? own : "0", out);
	gv_rollback(I, mark);
	gv_scope_close(I, &outer);
	free(own);
	free_entries(I, from);
	return r >= 0 ? r : out->n > first ? (int)first : -1;
}

/* The targets of the menu made of entries [from, to); returns the target
 * that spec (GRUB's default syntax) chooses, or -1. */
static int build(struct gi *I, size_t from, size_t to, const char *spec, struct target_list *out)
{
	int chosen = pick(I, from, to, spec), result = -1;
	const char *rest = spec ? spec_rest(spec) : NULL;
	for (size_t i = from; i < to; i++) {
		char *title = xstrdup(I->ents[i].title);
		bool mine = (int)(i - from) == chosen;
		int r = I->ents[i].submenu ? eval_submenu(I, i, mine ? rest : NULL, out)
					  : eval_entry(I, i, title, out);
		if (mine)
			result = r;
		free(title);
	}
	return result;
}

/* ---- the whole menu ---- */

void g_menu_finish(struct gi *I, struct target_list *out)
{
	struct target_list l;
	tl_init(&l);
	size_t top = I->nents;
	const char *d = gv_get(I, "default");
	char *spec = d ? xstrdup(d) : NULL;
	const char *to = gv_get(I, "timeout"), *style = gv_get(I, "timeout_style");
	char *end = NULL;
	long timeout = to && *to ? strtol(to, &end, 10) : -1;
	l.timeout = end && *end ? -1 : timeout < 0 ? -1 : timeout > 1000000 ? 1000000 : (int)timeout;
	bool hidden = style && (!strcmp(style, "hidden") || !strcmp(style, "countdown"));
	I->steps = I->cmds_run = 0;
	I->bytes = 0;
	I->limit_told = false;
	l.default_index = build(I, 0, top, spec, &l);
	free(spec);
	bool first = out->n == 0;
	tl_append(out, &l);
	if (first)
		out->hidden_menu = hidden;
}
