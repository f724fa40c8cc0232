/* The GRUB 2 script parser: text to a tree of commands, blocks, loops,
 * functions and menu entries. Pure: it reads only the text it is given. */
#ifndef KL_GRUB2_PARSE_H
#define KL_GRUB2_PARSE_H
#include <stdbool.h>
#include <stddef.h>
#include "target.h"

/* All nodes and words of one parsed file live in one arena, freed at once. */
struct g_arena {
	struct g_chunk *head;
	size_t first; /* size of the first chunk; 0: small */
};
void ga_free(struct g_arena *a);
/* Bytes the arena has taken from the allocator. */
size_t ga_size(const struct g_arena *a);

/* A word is a row of segments: literal text, or a variable expanded
 * unquoted (split into fields) or inside double quotes (kept whole). */
enum { SEG_LIT, SEG_VAR, SEG_QVAR };
struct gseg {
	const char *s;
	unsigned len; /* strlen(s) */
	unsigned char type;
};
struct gword {
	int nseg;
	const struct gseg *seg;
};

enum gkind { GK_CMD, GK_IF, GK_WHILE, GK_UNTIL, GK_FOR, GK_FUNC, GK_MENU, GK_SUBMENU, GK_BLOCK };
struct gnode {
	unsigned char kind;
	bool neg;             /* "!" before it */
	int line;
	int nw;               /* CMD, MENU: argument words; FOR: variable then list; FUNC: name */
	const struct gword *w;
	struct gnode *a, *b, *c; /* IF: condition, then, else; WHILE: condition, body; others: body in a */
	struct gnode *next;
};

/* Parses a whole script. Commands with a syntax error are left out and
 * reported as NAME:LINE; the rest is returned. */
struct gnode *g_parse(const char *text, size_t len, const char *name, struct g_arena *ar,
		      struct diag_list *d);

#endif
