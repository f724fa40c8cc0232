/* A line editor over struct term: cursor keys, Emacs-style control keys,
 * bounded history, Tab completion through a callback, and lines longer than
 * the screen scrolled sideways. Only what changed on the line is redrawn,
 * so that it stays usable on a 9600 baud serial console. */
#ifndef KL_LINEEDIT_H
#define KL_LINEEDIT_H
#include <stdbool.h>
#include <stddef.h>
#include "term.h"
#include "util.h"

#define LE_MAX 4096  /* longest line; typing beyond it is refused */
#define LE_HISTORY 64

/* Fills words with every full word that could replace line[start..cursor)
 * and returns start. A unique word is inserted followed by a space unless it
 * ends in '/' (a folder, or a device ready for its path). */
typedef size_t (*le_complete_fn)(void *ctx, const char *line, size_t cursor,
				 struct strlist *words);

/* The text being edited; the editor (src/editor.c) uses it for each of its lines. */
struct le_buf {
	char s[LE_MAX + 1];
	size_t len, cur;
};

/* The editing keys shared by the shell and the editor: printable characters,
 * Left/Right/Home/End, Backspace, Del, Ctrl-A/B/D/E/F/K/U/W. Returns false for
 * a key it does not handle (Enter, Up, Down, Tab, Escape…). */
bool le_buf_key(struct le_buf *b, int key);
void le_buf_set(struct le_buf *b, const char *s);
void le_buf_insert(struct le_buf *b, const char *s, size_t n);

/* The first column of a line of len bytes shown in width columns, starting
 * from the previous one (off), so that the cursor stays visible. */
size_t le_scroll(size_t off, size_t cur, size_t len, size_t width);
/* The visible part of text as it is drawn: width columns at most from off,
 * control and non-ASCII bytes as '?', '<' / '>' where text is cut off. */
void le_visible(const char *text, size_t len, size_t off, size_t width, struct strbuf *out);

struct lineedit {
	struct term *t;
	struct strlist hist; /* oldest first */
	le_complete_fn complete;
	void *ctx;
	int event_fd;                  /* -1, or woken by it: on_event is called */
	void (*on_event)(void *ctx);
	/* What the screen shows of the current line. */
	struct strbuf shown;
	size_t col, off;
};

enum le_result { LE_CANCEL = 0, LE_LINE = 1 };

void le_init(struct lineedit *le, struct term *t);
void le_free(struct lineedit *le);
/* Shows prompt and reads a line. LE_LINE with *line set (owned by the
 * caller), or LE_CANCEL when Ctrl-C abandoned it. */
enum le_result le_read(struct lineedit *le, const char *prompt, char **line);
/* Adds a line to the history (not empty lines, not the same line twice in a row). */
void le_history_add(struct lineedit *le, const char *line);

#endif
