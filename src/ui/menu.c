#include "menu.h"
#include "text.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include "log.h"
#include "secureboot.h"

#define MAX_MESSAGES 6
/* A message longer than a line wraps onto at most this many. */
#define MAX_WRAP 3

char *menu_header(void)
{
	struct utsname u;
	if (uname(&u) < 0)
		strcpy(u.release, "unknown");
	return xasprintf("kexec-loader %s (Linux %s)%s", KL_VERSION, u.release,
			 secure_boot_header(secure_boot_current()));
}

static int shown_messages(const struct menu *m)
{
	if (!m->messages)
		return 0;
	return (int)(m->messages->n < MAX_MESSAGES ? m->messages->n : MAX_MESSAGES);
}


static int list_rows(const struct menu *m);

static void fit_window(struct menu *m)
{
	int rows = list_rows(m);
	if (m->selected < m->top)
		m->top = m->selected;
	if (m->selected >= m->top + rows)
		m->top = m->selected - rows + 1;
	if (m->top < 0)
		m->top = 0;
}

/* Titles, paths and messages come from files: control characters must not
 * reach the terminal (text.h shows them as \xNN). The result is cut to
 * width bytes, never inside a character. */
static char *shown(const char *prefix, const char *text, const char *suffix, int width)
{
	struct strbuf sb = {0};
	sb_puts(&sb, prefix);
	sb_put_clean(&sb, text ? text : "");
	sb_puts(&sb, suffix);
	if (width >= 0 && sb.len > (size_t)width) {
		size_t cut = (size_t)width;
		while (cut && ((unsigned char)sb.s[cut] & 0xc0) == 0x80)
			cut--;
		sb.s[cut] = 0;
	}
	return sb_steal(&sb);
}

/* Where the line of a message that starts at s ends, within width bytes: at
 * the last space that fits, else at width, never inside a character. */
static size_t wrap_at(const char *s, int width)
{
	size_t n = strlen(s), cut = (size_t)width;
	if (n <= cut)
		return n;
	for (size_t i = cut; i > cut / 2; i--)
		if (s[i] == ' ')
			return i;
	while (cut && ((unsigned char)s[cut] & 0xc0) == 0x80)
		cut--;
	return cut;
}

/* Writes (when t is not NULL) prefix and text, cleaned, wrapped onto at most
 * MAX_WRAP lines, the later ones indented; returns the number of lines. */
static int put_wrapped(struct term *t, const char *prefix, const char *text, int width)
{
	char *all = shown(prefix, text, "", -1);
	const char *s = all;
	int lines = 0;
	while (lines < MAX_WRAP) {
		int room = lines ? width - 2 : width;
		size_t n = wrap_at(s, room > 1 ? room : 1);
		if (t)
			term_printf(t, "%s%.*s\033[K\r\n", lines ? "  " : "", (int)n, s);
		lines++;
		s += n;
		while (*s == ' ')
			s++;
		if (!*s)
			break;
	}
	free(all);
	return lines;
}

/* Lines the messages and the selected target's reason take below the list
 * beyond one each for the reason. */
static int footer_extra(const struct menu *m, int width)
{
	int lines = 0;
	if (m->selected >= 0 && (size_t)m->selected < m->targets->n &&
	    !target_bootable(&m->targets->v[m->selected]))
		lines += put_wrapped(NULL, "Cannot boot: ", m->targets->v[m->selected].reason, width) - 1;
	if (shown_messages(m)) {
		lines++;
		for (size_t i = m->messages->n - (size_t)shown_messages(m); i < m->messages->n; i++)
			lines += put_wrapped(NULL, "", m->messages->v[i], width);
	}
	return lines;
}

/* Rows left for the list once the header, messages and key help are drawn. */
static int list_rows(const struct menu *m)
{
	int rows = m->term->rows - 7 - footer_extra(m, m->term->cols - 1);
	return rows < 3 ? 3 : rows;
}

static void draw_target(struct menu *m, int i, int width)
{
	const struct target *t = &m->targets->v[i];
	bool sel = i == m->selected;
	char *line = shown(sel ? "> " : "  ", t->title, target_bootable(t) ? "" : "  (cannot boot)",
			   width);
	term_printf(m->term, "%s%s\033[K\033[0m\r\n", sel ? "\033[7m" : "", line);
	free(line);
}

static void draw_footer(struct menu *m, int width)
{
	struct term *t = m->term;
	const struct target *cur = &m->targets->v[m->selected];
	char *from = shown("From: ", cur->origin ? cur->origin : "?", "", width);
	term_printf(t, "\r\n%s\033[K\r\n", from);
	free(from);
	if (!target_bootable(cur))
		put_wrapped(t, "Cannot boot: ", cur->reason, width);
	if (shown_messages(m)) {
		size_t first = m->messages->n - (size_t)shown_messages(m);
		for (size_t i = first; i < m->messages->n; i++)
			put_wrapped(t, "", m->messages->v[i], width);
	}
	size_t errors = log_errors();
	term_printf(t, "Keys: Up/Down select, Enter boot, E edit, C shell, D disks, L log%s\033[K\r\n",
		    errors ? " (errors logged)" : "");
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
	draw_footer(m, width);
	log_debug("menu drawn");
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

/* Waits for a key; device events are handled on the way. */
static int wait_key(struct menu *m, int timeout_ms, bool *changed)
{
	for (;;) {
		int k = term_key(m->term, timeout_ms, m->event_fd);
		if (k != KEY_EVENT)
			return k;
		if (m->on_event && m->on_event(m->ctx))
			*changed = true;
		if (timeout_ms >= 0 || *changed)
			return KEY_NONE;
	}
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Counts down; returns true when it ran out or Enter was pressed. Only a
 * key stops it: a device that comes or goes (a USB stick enumerating, a disc
 * put in a drive) changes the list, and the selection stays on the default
 * the countdown announced (a stick's own grub.cfg default does not take
 * over an unattended boot). Each second ends at its own deadline, so events
 * arriving all the time cannot hold the countdown back. */
static bool count_down(struct menu *m)
{
	int left = m->targets->timeout;
	long next = now_ms() + 1000;
	while (left > 0) {
		if (!m->targets->n)
			return false;
		if (!m->hidden) {
			char *title = shown("", m->targets->v[m->selected].title, "", -1);
			term_printf(m->term, "\rBooting '%s' in %d seconds \033[K", title, left);
			free(title);
		}
		bool changed = false;
		long wait = next - now_ms();
		int k = wait_key(m, wait > 0 ? (int)wait : 0, &changed);
		if (k == KEY_TIMEOUT) {
			left--;
			next += 1000;
			continue;
		}
		if (changed) {
			/* on_event kept the selection on the same target (or the default
			 * when that one went away) */
			if (m->selected < 0 || m->selected >= (int)m->targets->n)
				m->selected = (int)tl_default(m->targets);
			if (!m->hidden && m->targets->n)
				draw(m);
			continue;
		}
		if (k == KEY_NONE)
			continue;
		m->countdown = false;
		m->hidden = false;
		term_puts(m->term, "\r\033[K");
		if (k == KEY_ENTER)
			return true;
		m->selected = move(m, k);
		return false;
	}
	return true;
}

static int action_key(int k)
{
	switch (k < 256 ? tolower(k) : k) {
	case KEY_ENTER: return MENU_BOOT;
	case 'e': return MENU_EDIT;
	case 'c': return MENU_SHELL;
	case 'd': return MENU_DISKS;
	case 'l': return MENU_LOG;
	default: return -1;
	}
}

enum menu_action menu_run(struct menu *m)
{
	bool redraw = true;
	/* Hidden only while a countdown runs, as GRUB's timeout_style=hidden. */
	if (!m->countdown || m->targets->timeout <= 0)
		m->hidden = false;
	for (;;) {
		if (!m->targets->n)
			return MENU_EMPTY; /* every disk with a target went away */
		if (m->selected < 0 || m->selected >= (int)m->targets->n)
			m->selected = 0;
		if (redraw && !m->hidden)
			draw(m);
		redraw = false;
		if (m->countdown && m->targets->timeout >= 0) {
			if (count_down(m))
				return MENU_BOOT;
			redraw = true;
			continue;
		}
		m->hidden = false;
		bool changed = false;
		int k = wait_key(m, -1, &changed);
		int a = action_key(k);
		if (a >= 0 && m->targets->n)
			return (enum menu_action)a;
		int s = move(m, k);
		/* Redraw only when something changed: it matters at 9600 baud. */
		redraw = changed || s != m->selected || k == 12 /* Ctrl-L */;
		m->selected = s;
	}
}
