/* The GRUB 2 script executor: word expansion and field splitting, control
 * flow, functions and the bounds on them. Commands come from the table in
 * struct gi and menu entries go to its on_entry hook, both filled in by the
 * entry point (grub2.c), so the executor depends on neither. */
#include "grub2_exec.h"
#include "grub2_vars.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- expansion ---- */

/* Fields are written one after another into a->buf; start is where the
 * one being built begins. */
struct fields {
	struct gargs *a;
	size_t start;
	bool has;
};

static void f_end(struct fields *f, bool force)
{
	struct gargs *a = f->a;
	if (f->has || force) {
		if (a->n == a->cap) {
			a->cap = a->cap ? 2 * a->cap : 16;
			a->off = xrealloc(a->off, a->cap * sizeof(*a->off));
		}
		a->off[a->n++] = f->start;
		sb_add(&a->buf, "", 1); /* keeps the NUL as the field's end */
	} else {
		a->buf.len = f->start;
	}
	f->start = a->buf.len;
	f->has = false;
}

static void f_addn(struct fields *f, const char *s, size_t n)
{
	if (f->a->buf.len - f->start < G_MAX_VALUE)
		sb_add(&f->a->buf, s, n);
	f->has = true;
}

static void f_add(struct fields *f, const char *s)
{
	f_addn(f, s, strlen(s));
}

/* An unquoted value: blanks separate fields. */
static void f_split(struct fields *f, const char *s)
{
	while (*s) {
		size_t n = strcspn(s, " \t\n");
		if (n)
			f_addn(f, s, n);
		s += n;
		if (*s) {
			f_end(f, false);
			s++;
		}
	}
}

static const char *special(struct gi *I, const char *name, char *num)
{
	if (!strcmp(name, "?")) {
		snprintf(num, 16, "%d", I->status);
		return num;
	}
	if (!strcmp(name, "#")) {
		snprintf(num, 16, "%zu", I->argv ? I->argv->n : 0);
		return num;
	}
	if (name[0] >= '0' && name[0] <= '9') {
		unsigned long i = strtoul(name, NULL, 10);
		return I->argv && i >= 1 && i <= I->argv->n ? I->argv->v[i - 1] : "";
	}
	const char *v = gv_get(I, name);
	return v ? v : "";
}

static void expand_seg(struct gi *I, struct fields *f, const struct gseg *s)
{
	char num[16];
	size_t argc = I->argv ? I->argv->n : 0;
	if (s->type == SEG_LIT) {
		f_addn(f, s->s, s->len);
	} else if ((s->s[0] == '@' || s->s[0] == '*') && s->type == SEG_VAR) {
		for (size_t i = 0; i < argc; i++) {
			if (i)
				f_end(f, false);
			f_split(f, I->argv->v[i]);
		}
	} else if (s->s[0] == '@') {
		f->has = true; /* GRUB 2.06 gives one empty word for "$@" without parameters */
		for (size_t i = 0; i < argc; i++) {
			if (i)
				f_end(f, true);
			f_add(f, I->argv->v[i]);
		}
	} else if (s->s[0] == '*') {
		f->has = true;
		for (size_t i = 0; i < argc; i++) {
			if (i)
				f_add(f, " ");
			f_add(f, I->argv->v[i]);
		}
	} else if (s->type == SEG_VAR) {
		f_split(f, special(I, s->s, num));
	} else {
		f_add(f, special(I, s->s, num));
	}
}

/* The argument buffer of the next nesting level, emptied. */
static struct gargs *args_take(struct gi *I)
{
	if (I->argdepth == I->nargs) {
		I->args = xrealloc(I->args, (I->nargs + 1) * sizeof(*I->args));
		I->args[I->nargs++] = xcalloc(1, sizeof(struct gargs));
	}
	struct gargs *a = I->args[I->argdepth++];
	a->n = 0;
	a->buf.len = 0;
	return a;
}

static void args_give_back(struct gi *I)
{
	I->argdepth--;
}

/* Expands words into a, and sets a->v. */
static void expand_args(struct gi *I, const struct gword *w, int nw, struct gargs *a)
{
	struct fields f = {.a = a};
	for (int i = 0; i < nw && I->jump != J_STOP; i++) {
		for (int j = 0; j < w[i].nseg; j++)
			expand_seg(I, &f, &w[i].seg[j]);
		f_end(&f, false);
	}
	if (a->vcap < a->cap + 1) {
		a->vcap = a->cap + 1;
		a->v = xrealloc(a->v, a->vcap * sizeof(*a->v));
	}
	for (size_t i = 0; i < a->n; i++)
		a->v[i] = a->buf.s + a->off[i];
	a->v[a->n] = NULL;
	I->bytes += a->buf.len + 31 * a->n; /* a word costs, even when empty */
	if (I->bytes > G_MAX_BYTES)
		g_limit(I, 0, "more than 16 MiB of words expanded (an endless loop?)");
}

/* Expands nw words as a command's arguments would be, into out. */
static void g_expand(struct gi *I, const struct gword *w, int nw, struct strlist *out)
{
	struct gargs *a = args_take(I);
	expand_args(I, w, nw, a);
	for (size_t i = 0; i < a->n; i++)
		sl_push(out, a->v[i]);
	args_give_back(I);
}

/* ---- execution ---- */

static int exec_node(struct gi *I, const struct gnode *n);

int g_exec_list(struct gi *I, const struct gnode *n)
{
	int st = 0;
	for (; n && I->jump == J_NONE; n = n->next)
		st = exec_node(I, n);
	return st;
}

struct fkey {
	struct gi *I;
	const char *name;
};

static bool same_func(void *ctx, size_t pos)
{
	const struct fkey *k = ctx;
	return !strcmp(k->I->funcs[pos].name, k->name);
}

/* By hash: 200,000 functions must not cost 200,000 comparisons a call. */
static struct gfunc *find_func(struct gi *I, const char *name)
{
	struct fkey k = {I, name};
	size_t i = sh_find(&I->findex, str_hash(name, strlen(name)), same_func, &k);
	return i == SIZE_MAX ? NULL : &I->funcs[i];
}

static void log_func(struct gi *I, size_t index, const struct gnode *old)
{
	if (!I->fundo_on)
		return;
	if (I->nfundo == I->capfundo) {
		I->capfundo = I->capfundo ? 2 * I->capfundo : 16;
		I->fundo = xrealloc(I->fundo, I->capfundo * sizeof(*I->fundo));
	}
	I->fundo[I->nfundo++] = (struct gfundo){index, old};
}

static void define_func(struct gi *I, const struct gnode *n)
{
	struct strlist name = {0};
	g_expand(I, n->w, 1, &name);
	if (name.n) {
		struct gfunc *f = find_func(I, name.v[0]);
		if (!f) {
			if (I->nfuncs == I->capfuncs) {
				I->capfuncs = I->capfuncs ? 2 * I->capfuncs : 16;
				I->funcs = xrealloc(I->funcs, I->capfuncs * sizeof(*I->funcs));
			}
			f = &I->funcs[I->nfuncs];
			f->name = xstrdup(name.v[0]);
			f->hash = str_hash(f->name, strlen(f->name));
			f->body = NULL;
			sh_add(&I->findex, f->hash, I->nfuncs++);
		}
		log_func(I, (size_t)(f - I->funcs), f->body);
		f->body = n->a;
	}
	sl_free(&name);
}

size_t g_funcs_mark(struct gi *I)
{
	I->fundo_on++;
	return I->nfundo;
}

/* Newest first: a new function is the last one (functions are only added
 * at the end), a redefined one gets its body back. */
void g_funcs_rollback(struct gi *I, size_t mark)
{
	I->fundo_on--;
	while (I->nfundo > mark) {
		const struct gfundo *u = &I->fundo[--I->nfundo];
		struct gfunc *f = &I->funcs[u->index];
		if (u->body || u->index != I->nfuncs - 1) {
			f->body = u->body;
			continue;
		}
		sh_move(&I->findex, f->hash, u->index, SIZE_MAX);
		free(f->name);
		I->nfuncs--;
	}
}

static int call_func(struct gi *I, const struct gfunc *f, int line, int argc, char **argv)
{
	if (I->depth >= G_MAX_DEPTH) {
		g_limit(I, line, "functions call each other too deeply (endless recursion?)");
		return 1;
	}
	struct strlist args = {0}, *saved = I->argv;
	for (int i = 1; i < argc; i++)
		sl_push(&args, argv[i]);
	int loops = I->loops;
	I->argv = &args;
	I->loops = 0;
	I->depth++;
	int st = g_exec_list(I, f->body);
	I->depth--;
	if (I->jump == J_RET) {
		I->jump = J_NONE;
		st = I->status;
	} else if (I->jump != J_STOP) {
		I->jump = J_NONE;
	}
	I->loops = loops;
	I->argv = saved;
	sl_free(&args);
	return st;
}

static int num_arg(int argc, char **argv, int dflt)
{
	return argc > 1 ? (int)strtol(argv[1], NULL, 10) : dflt;
}

/* break, continue, return and shift change the flow, so they live here. */
static bool flow(struct gi *I, int argc, char **argv, int *st)
{
	const char *c = argv[0];
	if (!strcmp(c, "break") || !strcmp(c, "continue")) {
		int n = num_arg(argc, argv, 1);
		if (n < 1)
			n = 1;
		if (n > I->loops)
			n = I->loops;
		if (n) {
			I->jump = c[0] == 'b' ? J_BREAK : J_CONT;
			I->jumpn = n;
		}
		*st = 0;
	} else if (!strcmp(c, "return")) {
		*st = argc > 1 ? num_arg(argc, argv, 0) : I->status;
		I->status = *st;
		I->jump = J_RET;
	} else if (!strcmp(c, "shift")) {
		int n = num_arg(argc, argv, 1);
		if (!I->argv || n < 0 || (size_t)n > I->argv->n) {
			*st = 1;
			return true;
		}
		for (int i = 0; i < n; i++)
			free(I->argv->v[i]);
		if (n) /* "shift 0" with no parameters: no array to move */
			memmove(I->argv->v, I->argv->v + n, (I->argv->n - n) * sizeof(char *));
		I->argv->n -= n;
		*st = 0;
	} else {
		return false;
	}
	return true;
}

/* The built-in command argv[0], from the table the entry point gave;
 * false when there is none of that name. */
static bool builtin(struct gi *I, int line, int argc, char **argv, int *status)
{
	size_t lo = 0, hi = I->ncmds;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(argv[0], I->cmds[mid].name);
		if (!c) {
			*status = I->cmds[mid].fn(I, line, argc, argv);
			return true;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

static int exec_cmd(struct gi *I, const struct gnode *n)
{
	struct gargs *a = args_take(I);
	expand_args(I, n->w, n->nw, a);
	struct { size_t n; char **v; } av = {a->n, a->v};
	int st = 0;
	if (!av.n || I->jump == J_STOP)
		goto out;
	if (++I->cmds_run > G_MAX_CMDS) {
		g_limit(I, n->line, "more than 2000000 commands run (endless recursion?)");
		st = 1;
		goto out;
	}
	char *eq;
	const struct gfunc *f;
	if (flow(I, (int)av.n, av.v, &st) || builtin(I, n->line, (int)av.n, av.v, &st)) {
		/* done */
	} else if ((f = find_func(I, av.v[0]))) {
		st = call_func(I, f, n->line, (int)av.n, av.v);
	} else if ((eq = strchr(av.v[0], '=')) && eq != av.v[0]) {
		*eq = 0;
		gv_set(I, av.v[0], eq + 1);
	}
out:
	args_give_back(I);
	return st;
}

/* After a loop body: whether the loop goes on. */
static bool loop_goes_on(struct gi *I)
{
	if (I->jump == J_BREAK || I->jump == J_CONT) {
		bool cont = I->jump == J_CONT;
		if (--I->jumpn > 0)
			return false;
		I->jump = J_NONE;
		return cont;
	}
	return I->jump == J_NONE;
}

static int exec_while(struct gi *I, const struct gnode *n)
{
	int st = 0;
	I->loops++;
	for (;;) {
		if (!g_step(I, n->line))
			break;
		int c = g_exec_list(I, n->a);
		I->status = c;
		if (I->jump != J_NONE)
			break;
		if (n->kind == GK_WHILE ? c != 0 : c == 0)
			break;
		st = g_exec_list(I, n->b);
		if (!loop_goes_on(I))
			break;
	}
	I->loops--;
	return st;
}

static int exec_for(struct gi *I, const struct gnode *n)
{
	struct strlist name = {0}, items = {0};
	g_expand(I, n->w, 1, &name);
	g_expand(I, n->w + 1, n->nw - 1, &items);
	int st = 0;
	I->loops++;
	for (size_t i = 0; name.n && i < items.n; i++) {
		if (!g_step(I, n->line))
			break;
		gv_set(I, name.v[0], items.v[i]);
		st = g_exec_list(I, n->a);
		if (!loop_goes_on(I))
			break;
	}
	I->loops--;
	sl_free(&name);
	sl_free(&items);
	return st;
}

static int exec_menu(struct gi *I, const struct gnode *n)
{
	struct gargs *a = args_take(I);
	expand_args(I, n->w, n->nw, a);
	if (I->on_entry)
		I->on_entry(I, n->kind == GK_SUBMENU, n->line, (int)a->n, a->v, n);
	args_give_back(I);
	return 0;
}

static int exec_node(struct gi *I, const struct gnode *n)
{
	int st = 0;
	switch (n->kind) {
	case GK_CMD:
		st = exec_cmd(I, n);
		break;
	case GK_IF: {
		int c = g_exec_list(I, n->a);
		I->status = c;
		if (I->jump != J_NONE)
			return c;
		st = g_exec_list(I, c == 0 ? n->b : n->c);
		break;
	}
	case GK_WHILE:
	case GK_UNTIL:
		st = exec_while(I, n);
		break;
	case GK_FOR:
		st = exec_for(I, n);
		break;
	case GK_FUNC:
		define_func(I, n);
		break;
	case GK_MENU:
	case GK_SUBMENU:
		st = exec_menu(I, n);
		break;
	case GK_BLOCK:
		st = g_exec_list(I, n->a);
		break;
	}
	if (n->neg)
		st = !st;
	if (I->jump != J_RET)
		I->status = st;
	return st;
}

/* Parses and runs text as a file of its own (source, configfile, eval);
 * takes text. Keeps the parse alive: menu entries point into it. */
int g_run_text(struct gi *I, char *text, size_t len, const char *name, const char *dev, int line)
{
	if (I->depth >= G_MAX_DEPTH) {
		free(text);
		g_limit(I, line, "files source each other too deeply (endless recursion?)");
		return 1;
	}
	if (len > G_MAX_TEXT - I->text) {
		free(text);
		g_limit(I, line, "more than 16 MiB of script text sourced or evaluated (source in a loop?)");
		return 1;
	}
	if (I->trees >= G_MAX_TREES) {
		free(text);
		g_limit(I, line, "more than 64 MiB taken by sourced or evaluated scripts (source in a loop?)");
		return 1;
	}
	I->text += len;
	struct gfile *f = xcalloc(1, sizeof(*f));
	f->name = xstrdup(name);
	f->dev = dev ? xstrdup(dev) : NULL;
	f->text = text;
	f->next = I->files;
	I->files = f;
	struct gnode *root = g_parse(text, len, f->name, &f->ar, I->d);
	I->trees += ga_size(&f->ar);
	const char *ofile = I->file, *odev = I->dev;
	I->file = f->name;
	I->dev = f->dev;
	I->depth++;
	int st = g_exec_list(I, root);
	I->depth--;
	I->file = ofile;
	I->dev = odev;
	return st;
}

void g_exec_free(struct gi *I)
{
	for (size_t i = 0; i < I->nargs; i++) {
		sb_free(&I->args[i]->buf);
		free(I->args[i]->off);
		free(I->args[i]->v);
		free(I->args[i]);
	}
	free(I->args);
	for (size_t i = 0; i < I->nfuncs; i++)
		free(I->funcs[i].name);
	free(I->funcs);
	sh_free(&I->findex);
	free(I->fundo);
	while (I->files) {
		struct gfile *f = I->files;
		I->files = f->next;
		ga_free(&f->ar);
		free(f->name);
		free(f->dev);
		free(f->text);
		free(f);
	}
}
