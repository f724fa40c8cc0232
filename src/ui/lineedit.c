#include "lineedit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CTRL(c) ((c) & 0x1f)

void le_buf_set(struct le_buf *b, const char *s)
{
	size_t n = strlen(s);
	if (n > LE_MAX)
		n = LE_MAX;
	memcpy(b->s, s, n);
	b->s[n] = 0;
	b->len = b->cur = n;
}

void le_buf_insert(struct le_buf *b, const char *s, size_t n)
{
	if (n > LE_MAX - b->len)
		n = LE_MAX - b->len;
	memmove(b->s + b->cur + n, b->s + b->cur, b->len - b->cur + 1);
	memcpy(b->s + b->cur, s, n);
	b->len += n;
	b->cur += n;
}

static void buf_delete(struct le_buf *b, size_t from, size_t to)
{
	memmove(b->s + from, b->s + to, b->len - to + 1);
	b->len -= to - from;
	if (b->cur > to)
		b->cur -= to - from;
	else if (b->cur > from)
		b->cur = from;
}

/* Ctrl-W: back over blanks, then over the word before them. */
static size_t word_start(const struct le_buf *b)
{
	size_t i = b->cur;
	while (i > 0 && b->s[i - 1] == ' ')
		i--;
	while (i > 0 && b->s[i - 1] != ' ')
		i--;
	return i;
}

bool le_buf_key(struct le_buf *b, int key)
{
	switch (key) {
	case KEY_LEFT: case CTRL('b'): if (b->cur) b->cur--; return true;
	case KEY_RIGHT: case CTRL('f'): if (b->cur < b->len) b->cur++; return true;
	case KEY_HOME: case CTRL('a'): b->cur = 0; return true;
	case KEY_END: case CTRL('e'): b->cur = b->len; return true;
	case 127: case CTRL('h'): if (b->cur) buf_delete(b, b->cur - 1, b->cur); return true;
	case KEY_DEL: case CTRL('d'): if (b->cur < b->len) buf_delete(b, b->cur, b->cur + 1); return true;
	case CTRL('k'): buf_delete(b, b->cur, b->len); return true;
	case CTRL('u'): buf_delete(b, 0, b->cur); return true;
	case CTRL('w'): buf_delete(b, word_start(b), b->cur); return true;
	default: break;
	}
	if (key >= ' ' && key < 127) {
		char c = (char)key;
		le_buf_insert(b, &c, 1);
		return true;
	}
	return false;
}

size_t le_scroll(size_t off, size_t cur, size_t len, size_t width)
{
	if (len < width)
		return 0;
	/* The first and last columns may hold the '<' and '>' marks: the cursor stays off them. */
	if (off <= len && cur >= off + (off ? 1 : 0) && cur + 1 < off + width)
		return off;
	return cur > width / 2 ? cur - width / 2 : 0;
}

void le_visible(const char *text, size_t len, size_t off, size_t width, struct strbuf *out)
{
	for (size_t i = 0; i < width && off + i < len; i++) {
		size_t pos = off + i;
		char c = text[pos];
		if (i == 0 && off > 0)
			c = '<';
		else if (i + 1 == width && pos + 1 < len)
			c = '>';
		else if (c < ' ' || c > '~')
			c = '?';
		sb_putc(out, c);
	}
}

void le_init(struct lineedit *le, struct term *t)
{
	memset(le, 0, sizeof(*le));
	le->t = t;
	le->event_fd = -1;
}

void le_free(struct lineedit *le)
{
	sl_free(&le->hist);
	sb_free(&le->shown);
}

void le_history_add(struct lineedit *le, const char *line)
{
	if (!*line || (le->hist.n && strcmp(le->hist.v[le->hist.n - 1], line) == 0))
		return;
	if (le->hist.n == LE_HISTORY) {
		free(le->hist.v[0]);
		memmove(le->hist.v, le->hist.v + 1, (le->hist.n - 1) * sizeof(char *));
		le->hist.n--;
	}
	sl_push(&le->hist, line);
}

static void move_cursor(struct term *t, size_t from, size_t to)
{
	if (to < from && from - to <= 3)
		term_write(t, "\b\b\b", from - to);
	else if (to < from)
		term_printf(t, "\033[%zuD", from - to);
	else if (to > from)
		term_printf(t, "\033[%zuC", to - from);
}

/* Draws the prompt and the line, sending only what differs from what is shown. */
static void redraw(struct lineedit *le, const char *prompt, const struct le_buf *b)
{
	size_t total = le->t->cols > 12 ? (size_t)le->t->cols - 1 : 11;
	size_t plen = strlen(prompt);
	if (plen > total / 2)
		plen = total / 2;
	size_t width = total - plen;
	le->off = le_scroll(le->off, b->cur, b->len, width);
	struct strbuf now = {0};
	sb_add(&now, prompt, plen);
	le_visible(b->s, b->len, le->off, width, &now);
	size_t col = plen + b->cur - le->off, same = 0;
	while (same < now.len && same < le->shown.len && now.s[same] == le->shown.s[same])
		same++;
	if (same < now.len || same < le->shown.len) {
		move_cursor(le->t, le->col, same);
		term_write(le->t, now.s + same, now.len - same);
		if (le->shown.len > now.len)
			term_puts(le->t, "\033[K");
		le->col = now.len;
	}
	move_cursor(le->t, le->col, col);
	le->col = col;
	sb_free(&le->shown);
	le->shown = now;
}

/* After something else was written: the line is drawn again from scratch. */
static void forget_shown(struct lineedit *le)
{
	sb_free(&le->shown);
	le->col = 0;
}

/* Prints words in columns as wide as the screen (Tab's list of choices). */
static void le_print_columns(struct term *t, const struct strlist *words)
{
	size_t widest = 1;
	for (size_t i = 0; i < words->n; i++)
		if (strlen(words->v[i]) > widest)
			widest = strlen(words->v[i]);
	size_t cols = (size_t)(t->cols > 2 ? t->cols - 1 : 1) / (widest + 2);
	if (cols == 0)
		cols = 1;
	size_t rows = (words->n + cols - 1) / cols;
	struct strbuf sb = {0};
	for (size_t r = 0; r < rows; r++) {
		for (size_t c = 0; c < cols && c * rows + r < words->n; c++) {
			const char *w = words->v[c * rows + r];
			bool last = c + 1 == cols || (c + 1) * rows + r >= words->n;
			sb_printf(&sb, "%-*s", last ? 0 : (int)(widest + 2), w);
		}
		sb_puts(&sb, "\r\n");
	}
	term_write(t, sb.s ? sb.s : "", sb.len);
	sb_free(&sb);
}

/* What a completion looks like in the list: the last part of a path. */
static const char *word_tail(const char *w)
{
	size_t n = strlen(w);
	for (size_t i = n > 1 ? n - 1 : 0; i-- > 0;)
		if (w[i] == '/')
			return w + i + 1;
	return w;
}

static void replace_word(struct le_buf *b, size_t start, const char *w, size_t n)
{
	buf_delete(b, start, b->cur);
	le_buf_insert(b, w, n);
}

static void complete(struct lineedit *le, struct le_buf *b)
{
	struct strlist words = {0};
	size_t start = le->complete(le->ctx, b->s, b->cur, &words);
	if (start > b->cur || words.n == 0) {
		term_puts(le->t, "\a");
		sl_free(&words);
		return;
	}
	if (words.n == 1) {
		const char *w = words.v[0];
		size_t n = strlen(w);
		replace_word(b, start, w, n);
		if (n && w[n - 1] != '/')
			le_buf_insert(b, " ", 1);
		sl_free(&words);
		return;
	}
	size_t common = strlen(words.v[0]);
	for (size_t i = 1; i < words.n; i++)
		for (size_t j = 0; j < common; j++)
			if (words.v[i][j] != words.v[0][j]) {
				common = j;
				break;
			}
	if (common > b->cur - start)
		replace_word(b, start, words.v[0], common);
	struct strlist tails = {0};
	for (size_t i = 0; i < words.n; i++)
		sl_push(&tails, word_tail(words.v[i]));
	move_cursor(le->t, le->col, le->shown.len);
	term_puts(le->t, "\r\n");
	le_print_columns(le->t, &tails);
	forget_shown(le);
	sl_free(&tails);
	sl_free(&words);
}

struct hist_walk {
	size_t pos;  /* le->hist.n: the line being typed */
	char *saved; /* the line being typed, while browsing */
};

static void browse(struct lineedit *le, struct hist_walk *h, struct le_buf *b, int key)
{
	if (key == KEY_UP && h->pos > 0) {
		if (h->pos == le->hist.n) {
			free(h->saved);
			h->saved = xstrdup(b->s);
		}
		le_buf_set(b, le->hist.v[--h->pos]);
	} else if (key == KEY_DOWN && h->pos < le->hist.n) {
		h->pos++;
		le_buf_set(b, h->pos == le->hist.n ? (h->saved ? h->saved : "") : le->hist.v[h->pos]);
	}
}

enum le_result le_read(struct lineedit *le, const char *prompt, char **line)
{
	struct le_buf *b = xcalloc(1, sizeof(*b));
	struct hist_walk h = {le->hist.n, NULL};
	enum le_result res = LE_CANCEL;
	le->off = 0;
	forget_shown(le);
	term_puts(le->t, "\r");
	for (;;) {
		redraw(le, prompt, b);
		int k = term_key(le->t, -1, le->event_fd);
		if (k == KEY_EVENT && le->on_event)
			le->on_event(le->ctx);
		if (k == KEY_ENTER) {
			res = LE_LINE;
			break;
		}
		if (k == CTRL('c')) {
			b->cur = b->len;
			redraw(le, prompt, b);
			term_puts(le->t, "^C");
			break;
		}
		if (k == CTRL('l')) {
			term_puts(le->t, "\033[H\033[2J");
			forget_shown(le);
		} else if (k == KEY_UP || k == KEY_DOWN) {
			browse(le, &h, b, k);
		} else if (k == '\t' && le->complete) {
			complete(le, b);
		} else {
			le_buf_key(b, k);
		}
	}
	if (res == LE_LINE) {
		b->cur = b->len;
		redraw(le, prompt, b);
		*line = xstrdup(b->s);
		le_history_add(le, b->s);
	}
	term_puts(le->t, "\r\n");
	forget_shown(le);
	free(h.saved);
	free(b);
	return res;
}
