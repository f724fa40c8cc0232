#include "target.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "limits.h"

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void target_init(struct target *t)
{
	memset(t, 0, sizeof(*t));
}

void target_free(struct target *t)
{
	free(t->title);
	free(t->origin);
	free(t->id);
	free(t->root);
	free(t->kernel);
	sl_free(&t->initrds);
	free(t->cmdline);
	for (size_t i = 0; i < t->nmodules; i++) {
		free(t->modules[i].path);
		free(t->modules[i].cmdline);
	}
	free(t->modules);
	free(t->reason);
	target_init(t);
}

void target_copy(struct target *dst, const struct target *src)
{
	target_init(dst);
	dst->title = dup_or_null(src->title);
	dst->origin = dup_or_null(src->origin);
	dst->id = dup_or_null(src->id);
	dst->root = dup_or_null(src->root);
	dst->kernel = dup_or_null(src->kernel);
	sl_copy(&dst->initrds, &src->initrds);
	dst->cmdline = dup_or_null(src->cmdline);
	for (size_t i = 0; i < src->nmodules; i++)
		target_add_module(dst, src->modules[i].path, src->modules[i].cmdline,
				  src->modules[i].nounzip);
	dst->kind = src->kind;
	dst->flags = src->flags;
	dst->reason = dup_or_null(src->reason);
}

void target_add_module(struct target *t, const char *path, const char *cmdline, bool nounzip)
{
	t->modules = xrealloc(t->modules, (t->nmodules + 1) * sizeof(*t->modules));
	t->modules[t->nmodules].path = xstrdup(path);
	t->modules[t->nmodules].cmdline = xstrdup(cmdline ? cmdline : "");
	t->modules[t->nmodules].nounzip = nounzip;
	t->nmodules++;
}

void target_refuse(struct target *t, const char *fmt, ...)
{
	if (t->reason)
		return;
	va_list ap;
	va_start(ap, fmt);
	t->reason = xvasprintf(fmt, ap);
	va_end(ap);
}

void tl_init(struct target_list *l)
{
	memset(l, 0, sizeof(*l));
	l->default_index = -1;
	l->timeout = -1;
}

size_t tl_push(struct target_list *l, struct target *t)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n] = *t;
	target_init(t);
	return l->n++;
}

void tl_free(struct target_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		target_free(&l->v[i]);
	free(l->v);
	tl_init(l);
}

void tl_append(struct target_list *dst, struct target_list *src)
{
	size_t base = dst->n;
	if (!dst->n && dst->cap < src->n) { /* take the array: 5,000 targets are 600 KB */
		free(dst->v);
		dst->v = src->v;
		dst->n = src->n;
		dst->cap = src->cap;
		src->v = NULL;
		src->n = 0;
	}
	for (size_t i = 0; i < src->n; i++)
		tl_push(dst, &src->v[i]);
	if (dst->default_index < 0 && src->default_index >= 0)
		dst->default_index = (int)base + src->default_index;
	if (dst->timeout < 0)
		dst->timeout = src->timeout;
	free(src->v);
	tl_init(src);
}

int tl_find_title(const struct target_list *l, const char *title)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].title && strcmp(l->v[i].title, title) == 0)
			return (int)i;
	return -1;
}

static bool same_text(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int tl_find_same(const struct target_list *l, const struct target *t)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct target *c = &l->v[i];
		if (same_text(c->title, t->title) && same_text(c->origin, t->origin) &&
		    same_text(c->root, t->root) && same_text(c->kernel, t->kernel))
			return (int)i;
	}
	return t->title ? tl_find_title(l, t->title) : -1;
}

bool tl_menu_hidden(const struct target_list *l)
{
	return l->hidden_menu && l->timeout > 0;
}

size_t tl_default(const struct target_list *l)
{
	if (l->default_index >= 0 && (size_t)l->default_index < l->n)
		return (size_t)l->default_index;
	return 0;
}

static struct diag_file *diag_file_of(struct diag_list *d, const char *file)
{
	for (size_t i = 0; i < d->nfiles; i++)
		if (!strcmp(d->files[i].file, file))
			return &d->files[i];
	if (d->nfiles >= KL_DIAG_FILES)
		return NULL;
	d->files = xrealloc(d->files, (d->nfiles + 1) * sizeof(*d->files));
	d->files[d->nfiles] = (struct diag_file){.file = xstrdup(file)};
	return &d->files[d->nfiles++];
}

/* Counts one more message left out, in the line that says so. */
static void diag_drop(struct diag_list *d, struct diag_file *f, const char *file)
{
	char *msg = f == &d->rest
		? xasprintf("%zu more messages were dropped (at most %d are kept)", ++f->dropped,
			    KL_DIAG_MAX)
		: xasprintf("%s: %zu more messages about this file were dropped (at most %d are kept "
			    "per file)", file, ++f->dropped, KL_DIAG_PER_FILE);
	if (f->note) {
		free(d->lines.v[f->note - 1]);
		d->lines.v[f->note - 1] = msg;
	} else {
		sl_push_owned(&d->lines, msg);
		f->note = d->lines.n;
	}
}

void diag_add(struct diag_list *d, const char *file, int line, const char *fmt, ...)
{
	if (!file)
		file = "?";
	struct diag_file *f = diag_file_of(d, file);
	if (!f || f->kept >= KL_DIAG_PER_FILE || d->rest.kept >= KL_DIAG_MAX) {
		/* the message is not even formatted: dropping must stay cheap */
		diag_drop(d, f && f->kept >= KL_DIAG_PER_FILE ? f : &d->rest, file);
		return;
	}
	f->kept++;
	d->rest.kept++; /* the messages kept in all */
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (line > 0)
		sl_push_owned(&d->lines, xasprintf("%s:%d: %s", file, line, msg));
	else
		sl_push_owned(&d->lines, xasprintf("%s: %s", file, msg));
	free(msg);
}

void diag_take(struct diag_list *d, char *sentence)
{
	if (d->rest.kept >= KL_DIAG_MAX) {
		free(sentence);
		diag_drop(d, &d->rest, NULL);
		return;
	}
	d->rest.kept++;
	sl_push_owned(&d->lines, sentence);
}

void diag_free(struct diag_list *d)
{
	sl_free(&d->lines);
	for (size_t i = 0; i < d->nfiles; i++)
		free(d->files[i].file);
	free(d->files);
	memset(d, 0, sizeof(*d));
}
