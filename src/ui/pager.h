/* Text for the screen that may come from anywhere (a binary file, a file
 * name, the log): control bytes shown escaped so they cannot drive the
 * terminal, long lines wrapped, and a pause at every screenful that Space,
 * Enter, q or Ctrl-C answer. */
#ifndef KL_PAGER_H
#define KL_PAGER_H
#include <stdbool.h>
#include <stddef.h>
#include "term.h"
#include "util.h"

struct pager {
	struct term *t;
	int row, col;  /* rows written since the last pause; current column */
	bool stopped;  /* the user said stop */
	bool cr;       /* a carriage return waits to see whether a newline follows */
	struct strbuf out;
};

void pager_init(struct pager *p, struct term *t);
/* Returns false once the user stopped the output. */
bool pager_text(struct pager *p, const char *s, size_t n);
bool pager_puts(struct pager *p, const char *s);
bool pager_printf(struct pager *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Ends the last line if needed and sends what is left. */
void pager_end(struct pager *p);
/* A copy of s safe to print: control and non-ASCII bytes as '?'. */
char *safe_text(const char *s);

/* The debug log kept in memory, oldest first, warnings and errors marked. */
void pager_show_log(struct term *t);

#endif
