#include "pager.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "log.h"

#define MORE "-- more: Space for a page, Enter for a line, q to stop --"

void pager_init(struct pager *p, struct term *t)
{
	memset(p, 0, sizeof(*p));
	p->t = t;
}

static void flush(struct pager *p)
{
	if (p->out.len)
		term_write(p->t, p->out.s, p->out.len);
	sb_free(&p->out);
}

static void pause_here(struct pager *p)
{
	flush(p);
	term_puts(p->t, MORE);
	for (;;) {
		int k = term_key(p->t, -1, -1);
		if (k == ' ' || k == KEY_PGDN) {
			p->row = 0;
			break;
		}
		if (k == KEY_ENTER || k == KEY_DOWN) {
			p->row = p->t->rows - 2;
			break;
		}
		if (k == 'q' || k == 'Q' || k == 3 || k == KEY_ESC) {
			p->stopped = true;
			break;
		}
	}
	term_puts(p->t, "\r\033[K");
}

static void newline(struct pager *p)
{
	sb_puts(&p->out, "\r\n");
	p->col = 0;
	if (++p->row >= p->t->rows - 1)
		pause_here(p);
}

static void put_visible(struct pager *p, const char *s, size_t n)
{
	int width = p->t->cols > 1 ? p->t->cols - 1 : 1;
	if (p->col + (int)n > width)
		newline(p);
	if (p->stopped)
		return;
	sb_add(&p->out, s, n);
	p->col += (int)n;
}

static void put_byte(struct pager *p, unsigned char c)
{
	char esc[8];
	if (c == '\n') {
		newline(p);
	} else if (c == '\t') {
		int spaces = 8 - p->col % 8;
		put_visible(p, "        ", (size_t)spaces);
	} else if (c >= ' ' && c < 127) {
		put_visible(p, (const char *)&c, 1);
	} else if (c < ' ' || c == 127) {
		snprintf(esc, sizeof(esc), "^%c", c == 127 ? '?' : c + '@');
		put_visible(p, esc, 2);
	} else {
		snprintf(esc, sizeof(esc), "\\x%02x", c);
		put_visible(p, esc, 4);
	}
}

bool pager_text(struct pager *p, const char *s, size_t n)
{
	for (size_t i = 0; i < n && !p->stopped; i++) {
		unsigned char c = (unsigned char)s[i];
		if (p->cr) {
			p->cr = false;
			if (c != '\n')
				put_byte(p, '\r');
		}
		if (c == '\r')
			p->cr = true;
		else if (!p->stopped)
			put_byte(p, c);
	}
	if (p->out.len > 4096)
		flush(p);
	return !p->stopped;
}

bool pager_puts(struct pager *p, const char *s)
{
	return pager_text(p, s, strlen(s));
}

bool pager_printf(struct pager *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	bool r = pager_puts(p, s);
	free(s);
	return r;
}

void pager_end(struct pager *p)
{
	if (p->cr && !p->stopped)
		put_byte(p, '\r');
	p->cr = false;
	if (p->col && !p->stopped)
		sb_puts(&p->out, "\r\n");
	p->col = 0;
	flush(p);
}

char *safe_text(const char *s)
{
	char *c = xstrdup(s);
	for (char *q = c; *q; q++)
		if ((unsigned char)*q < ' ' || (unsigned char)*q >= 127)
			*q = '?';
	return c;
}

void pager_show_log(struct term *t)
{
	struct pager p;
	pager_init(&p, t);
	size_t n = log_count();
	if (n == 0)
		pager_puts(&p, "The log is empty.\n");
	for (size_t i = 0; i < n; i++) {
		enum log_level lvl;
		const char *line = log_line(i, &lvl);
		const char *mark = lvl == LOG_ERROR ? "E " : lvl == LOG_WARN ? "W " : "  ";
		if (!pager_puts(&p, mark) || !pager_puts(&p, line) || !pager_puts(&p, "\n"))
			break;
	}
	if (!p.stopped)
		pager_printf(&p, "(%zu messages, %zu errors; E marks errors, W warnings)\n", n,
			     log_errors());
	pager_end(&p);
}
