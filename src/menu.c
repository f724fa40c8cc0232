#include "menu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include "log.h"

char *menu_header(void)
{
	struct utsname u;
	if (uname(&u) < 0)
		strcpy(u.release, "unknown");
	return xasprintf("kexec-loader %s (Linux %s)", KL_VERSION, u.release);
}

/* Rows left for the list once the header, messages and key help are drawn. */
static int list_rows(const struct menu *m)
{
	int msgs = m->messages ? (int)(m->messages->n < 6 ? m->messages->n : 6) : 0;
	int rows = m->term->rows - 6 - (msgs ? msgs + 1 : 0);
	return rows < 3 ? 3 : rows;
}

static void fit_window(struct menu *m)
{
	int rows = list_rows(m);
	if (m->selected < m->top)
		m->top = m->selected;
	if (m->selected >= m->top + rows)
		m->top = m->selected - rows + 1;
}

static void draw_target(struct menu *m, int i, int width)
{
	const struct target *t = &m->targets->v[i];
	bool sel = i == m->selected;
	char *line = xasprintf("%s %s%s", sel ? ">" : " ", t->title,
			       target_bootable(t) ? "" : "  (cannot boot)");
	if ((int)strlen(line) > width)
		line[width] = 0;
	term_printf(m->term, "%s%s\033[K\033[0m\r\n", sel ? "\033[7m" : "", line);
	free(line);
}

static void draw(struct menu *m)
{
	struct term *t = m->term;
	int width = t->cols - 1, rows = list_rows(m);
	fit_window(m);
	char *hdr = menu_header();
	term_printf(t, "\033[H\033[2J%s\r\n\r\n", hdr);
	free(hdr);
	for (int i = m->top; i < m->top + rows && i < (int)m->targets->n; i++)
		draw_target(m, i, width);
	if (m->top + rows < (int)m->targets->n)
		term_puts(t, "  (more below)\r\n");
	if (m->messages && m->messages->n) {
		term_puts(t, "\r\n");
		size_t first = m->messages->n > 6 ? m->messages->n - 6 : 0;
		for (size_t i = first; i < m->messages->n; i++)
			term_printf(t, "%.*s\r\n", width, m->messages->v[i]);
	}
	const struct target *cur = &m->targets->v[m->selected];
	if (!target_bootable(cur))
		term_printf(t, "\r\nCannot boot: %.*s\r\n", width - 13, cur->reason);
	term_puts(t, "\r\nKeys: Up/Down select, Enter boots\r\n");
	log_info("menu drawn");
}

static int move(const struct menu *m, int key)
{
	int n = (int)m->targets->n, s = m->selected, page = list_rows(m) - 1;
	switch (key) {
	case KEY_UP: s--; break;
	case KEY_DOWN: s++; break;
	case KEY_PGUP: s -= page; break;
	case KEY_PGDN: s += page; break;
	case KEY_HOME: s = 0; break;
	case KEY_END: s = n - 1; break;
	default: break;
	}
	return s < 0 ? 0 : s >= n ? n - 1 : s;
}

/* Counts down; returns true when it ran out, false when a key stopped it. */
static bool count_down(struct menu *m)
{
	int left = m->targets->timeout;
	const char *title = m->targets->v[m->selected].title;
	while (left > 0) {
		term_printf(m->term, "\rBooting '%s' in %d seconds \033[K", title, left);
		int k = term_key(m->term, 1000, -1);
		if (k != KEY_TIMEOUT) {
			m->countdown = false;
			term_puts(m->term, "\r\033[K");
			if (k == KEY_ENTER)
				return true;
			m->selected = move(m, k);
			return false;
		}
		left--;
	}
	return true;
}

int menu_run(struct menu *m)
{
	if (m->selected < 0 || m->selected >= (int)m->targets->n)
		m->selected = 0;
	for (;;) {
		draw(m);
		if (m->countdown && m->targets->timeout >= 0) {
			if (count_down(m))
				return m->selected;
			continue;
		}
		int k = term_key(m->term, -1, -1);
		if (k == KEY_ENTER)
			return m->selected;
		int s = move(m, k);
		if (s == m->selected)
			continue; /* nothing changed: no redraw, which matters at 9600 baud */
		m->selected = s;
	}
}
