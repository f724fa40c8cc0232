#include "editor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "conf.h"
#include "lineedit.h"
#include "log.h"
#include "pager.h"

#define MAX_LINES 64
#define TOP_ROWS 2    /* header and a blank row */
#define BOTTOM_ROWS 5 /* blank, help, up to three problems */

static void push_line(struct strlist *l, const char *key, const char *value)
{
	char *s = value ? xasprintf("%s %s", key, value) : xstrdup(key);
	for (char *p = s; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	sl_push_owned(l, s);
}

void editor_lines(const struct target *in, struct strlist *lines)
{
	push_line(lines, "title", in->title ? in->title : "edited");
	if (in->root)
		push_line(lines, "root", in->root);
	if (in->kernel)
		push_line(lines, "kernel", in->kernel);
	for (size_t i = 0; i < in->initrds.n; i++)
		push_line(lines, "initrd", in->initrds.v[i]);
	if (in->cmdline)
		push_line(lines, "cmdline", in->cmdline);
	for (size_t i = 0; i < in->nmodules; i++) {
		const struct mbmodule *m = &in->modules[i];
		char *v = m->cmdline && *m->cmdline ? xasprintf("%s %s", m->path, m->cmdline)
						    : xstrdup(m->path);
		push_line(lines, "module", v);
		free(v);
	}
	if (in->flags & TF_RESET_VGA)
		push_line(lines, "reset-vga", NULL);
}

static bool is_title(const char *line)
{
	line += strspn(line, " \t");
	return str_starts(line, "title") && (line[5] == ' ' || line[5] == '\t' || !line[5]);
}

int editor_parse(const struct strlist *lines, const struct target *in, struct target *out,
		 struct strlist *errors)
{
	struct strbuf text = {0};
	bool titled = false;
	for (size_t i = 0; i < lines->n; i++)
		titled |= is_title(lines->v[i]);
	/* Without a title line the target keeps its own (and the line numbers shift by one). */
	if (!titled)
		sb_printf(&text, "title %s\n", in->title ? in->title : "edited");
	for (size_t i = 0; i < lines->n; i++)
		sb_printf(&text, "%s\n", lines->v[i]);
	struct config c;
	struct diag_list d = {0};
	config_init(&c);
	conf_parse(&c, &d, text.s ? text.s : "", text.len, "editor", NULL);
	int r = -1;
	for (size_t i = 0; i < d.lines.n; i++)
		sl_push(errors, d.lines.v[i]);
	if (c.targets.n == 1 && d.lines.n == 0) {
		target_free(out);
		*out = c.targets.v[0];
		target_init(&c.targets.v[0]);
		free(out->origin);
		out->origin = xasprintf("%s, edited", in->origin ? in->origin : "the editor");
		/* a GRUB 2 entry's Multiboot lines stay arguments only, as they were shown */
		out->flags |= in->flags & TF_MB_ARGS_ONLY;
		r = 0;
	} else if (c.targets.n > 1) {
		sl_push(errors, "The lines describe more than one target: keep a single title line.");
	} else if (!d.lines.n) {
		sl_push(errors, "There is nothing to boot: a kernel line is needed.");
	}
	config_free(&c);
	diag_free(&d);
	sb_free(&text);
	return r;
}

struct editor {
	struct term *t;
	const char *title;
	struct le_buf *v[MAX_LINES];
	size_t n, cur;  /* lines, and the one the cursor is on */
	size_t top;     /* first line shown */
	size_t off;     /* sideways scroll of the current line */
	struct strlist errors;
	struct strbuf shown[MAX_LINES]; /* what each screen row of the list shows */
	size_t crow, ccol; /* where the terminal's cursor is (0-based); crow 0: not known */
};

/* Moves the cursor unless it is there already: typing at the end of a line
 * then costs one byte, which matters at 9600 baud. */
static void go_to(struct editor *e, size_t row, size_t col)
{
	if (e->crow == row && e->ccol == col)
		return;
	term_printf(e->t, "\033[%zu;%zuH", row + 1, col + 1);
	e->crow = row;
	e->ccol = col;
}

static size_t list_rows(const struct editor *e)
{
	int rows = e->t->rows - TOP_ROWS - BOTTOM_ROWS;
	return rows < 3 ? 3 : (size_t)rows;
}

static size_t width(const struct editor *e)
{
	return e->t->cols > 12 ? (size_t)e->t->cols - 1 : 11;
}

static void insert_line(struct editor *e, size_t at, const char *s)
{
	memmove(e->v + at + 1, e->v + at, (e->n - at) * sizeof(e->v[0]));
	e->v[at] = xcalloc(1, sizeof(struct le_buf));
	le_buf_set(e->v[at], s);
	e->n++;
}

static void delete_line(struct editor *e, size_t at)
{
	free(e->v[at]);
	memmove(e->v + at, e->v + at + 1, (e->n - at - 1) * sizeof(e->v[0]));
	e->n--;
}

/* Brings row r of the list up to date, sending only the characters that changed. */
static void draw_row(struct editor *e, size_t r)
{
	size_t i = e->top + r, w = width(e);
	struct strbuf now = {0};
	if (i < e->n) {
		const struct le_buf *b = e->v[i];
		le_visible(b->s, b->len, i == e->cur ? e->off : 0, w, &now);
	}
	struct strbuf *old = &e->shown[r];
	size_t same = 0;
	while (same < now.len && same < old->len && now.s[same] == old->s[same])
		same++;
	if (same < now.len || same < old->len || !old->s) {
		go_to(e, TOP_ROWS + r, same);
		term_write(e->t, now.s ? now.s + same : "", now.len - same);
		e->ccol += now.len - same;
		if (old->len > now.len || !old->s)
			term_puts(e->t, "\033[K");
	}
	sb_free(old);
	*old = now;
	if (!old->s)
		sb_puts(old, "");
}

static void draw_header(struct editor *e)
{
	int room = (int)width(e) - 45;
	char *title = safe_text(e->title);
	term_printf(e->t, "\033[H\033[2JEditing '%.*s' (nothing is written to disk)\r\n",
		    room > 10 ? room : 10, title);
	free(title);
	for (size_t r = 0; r < MAX_LINES; r++)
		sb_free(&e->shown[r]);
	e->crow = 0;
}

/* The help line comes after the lines, so that once it shows, the whole screen does. */
static void draw_help(struct editor *e)
{
	size_t w = width(e), help_row = TOP_ROWS + list_rows(e) + 2;
	const char *help = EDITOR_HELP ". Up/Down move, Enter splits a line, "
		"Ctrl-K cuts to the end (an empty line goes).";
	term_printf(e->t, "\033[%zu;1H%.*s", help_row, (int)w, help);
	for (size_t i = 0; i < e->errors.n && i < 3; i++) {
		char *s = safe_text(e->errors.v[i]);
		term_printf(e->t, "\033[%zu;1H%.*s", help_row + 1 + i, (int)w, s);
		free(s);
	}
	e->crow = 0;
}

/* Redraws what changed (every row is compared with what it shows) and puts
 * the cursor where the user types. */
static void draw(struct editor *e, bool full)
{
	size_t rows = list_rows(e);
	if (e->cur < e->top)
		e->top = e->cur;
	if (e->cur >= e->top + rows)
		e->top = e->cur - rows + 1;
	e->off = le_scroll(e->off, e->v[e->cur]->cur, e->v[e->cur]->len, width(e));
	if (full)
		draw_header(e);
	for (size_t r = 0; r < rows && r < MAX_LINES; r++)
		draw_row(e, r);
	if (full)
		draw_help(e);
	go_to(e, TOP_ROWS + (e->cur - e->top), e->v[e->cur]->cur - e->off);
}

static void move_to(struct editor *e, size_t line)
{
	size_t col = e->v[e->cur]->cur;
	e->cur = line;
	e->off = 0;
	e->v[line]->cur = col < e->v[line]->len ? col : e->v[line]->len;
}

static void split_line(struct editor *e)
{
	struct le_buf *b = e->v[e->cur];
	if (e->n == MAX_LINES)
		return;
	insert_line(e, e->cur + 1, b->s + b->cur);
	b->s[b->cur] = 0;
	b->len = b->cur;
	e->cur++;
	e->off = 0;
	e->v[e->cur]->cur = 0;
}

/* Backspace at the start of a line, Del at its end: two lines become one. */
static void join_with_next(struct editor *e, size_t i)
{
	struct le_buf *a = e->v[i], *b = e->v[i + 1];
	size_t at = a->len;
	a->cur = a->len;
	le_buf_insert(a, b->s, b->len);
	a->cur = at;
	delete_line(e, i + 1);
	e->cur = i;
}

static void edit_key(struct editor *e, int k)
{
	struct le_buf *b = e->v[e->cur];
	if (k == KEY_UP && e->cur > 0)
		move_to(e, e->cur - 1);
	else if (k == KEY_DOWN && e->cur + 1 < e->n)
		move_to(e, e->cur + 1);
	else if (k == KEY_ENTER)
		split_line(e);
	else if (k == 11 && b->len == 0 && e->n > 1) { /* Ctrl-K on an empty line */
		delete_line(e, e->cur);
		if (e->cur == e->n)
			e->cur--;
	} else if ((k == 127 || k == 8) && b->cur == 0 && e->cur > 0)
		join_with_next(e, e->cur - 1);
	else if (k == KEY_DEL && b->cur == b->len && e->cur + 1 < e->n)
		join_with_next(e, e->cur);
	else
		le_buf_key(b, k);
}

static void editor_free(struct editor *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->v[i]);
	for (size_t r = 0; r < MAX_LINES; r++)
		sb_free(&e->shown[r]);
	sl_free(&e->errors);
}

/* Ctrl-X: 1 when the lines make a target, else the problems are shown. */
static int try_finish(struct editor *e, const struct target *in, struct target *out)
{
	struct strlist lines = {0};
	for (size_t i = 0; i < e->n; i++)
		sl_push(&lines, e->v[i]->s);
	sl_free(&e->errors);
	struct target t;
	target_init(&t);
	int r = editor_parse(&lines, in, &t, &e->errors);
	sl_free(&lines);
	if (r == 0) {
		*out = t;
		log_info("editor: booting the edited '%s'", out->title);
		return 1;
	}
	target_free(&t);
	return 0;
}

int editor_run(struct term *t, const struct target *in, struct target *out)
{
	struct editor *e = xcalloc(1, sizeof(*e));
	e->t = t;
	e->title = in->title ? in->title : "";
	struct strlist lines = {0};
	editor_lines(in, &lines);
	for (size_t i = 0; i < lines.n && e->n < MAX_LINES; i++)
		insert_line(e, e->n, lines.v[i]);
	sl_free(&lines);
	e->v[0]->cur = 0;
	bool full = true;
	int result = -1;
	while (result < 0) {
		draw(e, full);
		full = false;
		int k = term_key(t, -1, -1);
		if (k == 24 || k == KEY_F10) {
			result = try_finish(e, in, out);
			full = result == 0; /* show the problems */
			if (result == 0)
				result = -1;
		} else if (k == KEY_ESC || k == 3) {
			result = 0;
		} else if (k == 12) {
			full = true;
		} else {
			edit_key(e, k);
		}
	}
	term_puts(t, "\033[H\033[2J");
	editor_free(e);
	free(e);
	return result;
}
