/* GRUB 2 script syntax: words with '…', "…", $"…" and backslash quoting,
 * variables, comments, ; and newlines, { … }, if, while, until, for,
 * function, menuentry and submenu. A character-level recursive descent
 * parser; keywords count only where a command starts, as in GRUB. */
#include "grub2_parse.h"

#include <stdlib.h>
#include <string.h>

struct g_chunk {
	struct g_chunk *next;
	size_t used, cap;
	max_align_t data[];
};

/* A big file's tree takes megabytes: then chunks are whole huge pages. */
#define HUGE_CHUNK ((size_t)2 << 20)

static void *ga_take(struct g_arena *a, size_t n, size_t align)
{
	struct g_chunk *c = a->head;
	if (c) {
		size_t u = (c->used + align - 1) & ~(align - 1); /* align: a power of two */
		c->used = u < c->cap ? u : c->cap;
	}
	if (!c || c->cap - c->used < n) {
		/* chunks grow, so a big file costs few allocations and few
		 * returns of memory to the kernel */
		size_t grow = c ? c->cap * 2 : a->first > 16384 ? a->first : 16384;
		if (grow >= HUGE_CHUNK / 2 - sizeof(*c))
			grow = HUGE_CHUNK - sizeof(*c); /* all of the huge page */
		size_t cap = n > grow ? n : grow;
		c = xmalloc_big(sizeof(*c) + cap);
		c->cap = cap;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	void *p = (char *)c->data + c->used;
	c->used += n;
	return p;
}

static void *ga_alloc(struct g_arena *a, size_t n)
{
	return ga_take(a, n, sizeof(void *));
}

void ga_free(struct g_arena *a)
{
	while (a->head) {
		struct g_chunk *c = a->head;
		a->head = c->next;
		free(c);
	}
}

size_t ga_size(const struct g_arena *a)
{
	size_t n = 0;
	for (const struct g_chunk *c = a->head; c; c = c->next)
		n += sizeof(*c) + c->cap;
	return n;
}

static char *ga_strdup(struct g_arena *a, const char *s, size_t n)
{
	char *p = ga_take(a, n + 1, 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

struct gp {
	const char *p, *end;
	int line;
	const char *name;
	struct g_arena *ar;
	struct diag_list *d;
	bool err;
	int errline;
	char *errmsg;
	int braces; /* { … } bodies open where the parser stands */
	int depth;
};

/* A word being read: its segments, and its text when it is plain. */
struct wbuf {
	struct gseg *seg;
	int n, cap;
	struct strbuf lit;
	bool plain, any;
	bool keep;        /* an empty quoted piece: the word exists even when empty */
	unsigned char kw; /* enum kw */
};

#define peek(g) ((g)->p < (g)->end ? (unsigned char)*(g)->p : -1)

static void fail(struct gp *g, const char *msg)
{
	if (g->err)
		return;
	g->err = true;
	g->errline = g->line;
	g->errmsg = xstrdup(msg);
}

/* Blanks and backslash-newline continuations. */
static void skip_blanks(struct gp *g)
{
	while (g->p < g->end) {
		if (*g->p == ' ' || *g->p == '\t' || *g->p == '\r')
			g->p++;
		else if (*g->p == '\\' && g->p + 1 < g->end && g->p[1] == '\n') {
			g->p += 2;
			g->line++;
		} else
			break;
	}
}

static void skip_comment(struct gp *g)
{
	if (peek(g) == '#')
		while (g->p < g->end && *g->p != '\n')
			g->p++;
}

/* Blanks, comments, newlines and semicolons between commands. */
static void skip_separators(struct gp *g)
{
	for (;;) {
		skip_blanks(g);
		skip_comment(g);
		int c = peek(g);
		if (c == '\n')
			g->line++;
		else if (c != ';')
			return;
		g->p++;
	}
}

/* Character classes, looked up rather than tested one by one: the parser
 * reads every byte of files that can be megabytes long. */
enum { C_END = 1, C_QUOTE = 2 };
static const unsigned char CC[256] = {
	[' '] = C_END, ['\t'] = C_END, ['\r'] = C_END, ['\n'] = C_END, [';'] = C_END, ['{'] = C_END,
	['}'] = C_END, ['|'] = C_END, ['&'] = C_END, ['<'] = C_END, ['>'] = C_END,
	['\\'] = C_QUOTE, ['\''] = C_QUOTE, ['"'] = C_QUOTE, ['$'] = C_QUOTE,
};

#define word_end(c) ((c) < 0 || (CC[(c) & 0xff] & C_END))

/* Moves the literal text read so far into a segment of its own. Quoted
 * pieces only add to that text: "a""a""a"… is one copy of the word, not one
 * per piece. force: the word exists even when empty ("" or ''). */
static void flush_lit(struct gp *g, struct wbuf *w, bool force)
{
	if (!w->lit.len) {
		for (int i = 0; force && i < w->n; i++)
			force = w->seg[i].type == SEG_VAR; /* anything else makes the word */
		if (!force)
			return;
	}
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 4;
		w->seg = xrealloc(w->seg, w->cap * sizeof(*w->seg));
	}
	w->seg[w->n].type = SEG_LIT;
	w->seg[w->n].len = (unsigned)w->lit.len;
	w->seg[w->n++].s = ga_strdup(g->ar, w->lit.s ? w->lit.s : "", w->lit.len);
	w->lit.len = 0;
	if (w->lit.s)
		w->lit.s[0] = 0;
}

static void add_var(struct gp *g, struct wbuf *w, const char *name, size_t n, bool quoted)
{
	flush_lit(g, w, false);
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 4;
		w->seg = xrealloc(w->seg, w->cap * sizeof(*w->seg));
	}
	w->seg[w->n].type = quoted ? SEG_QVAR : SEG_VAR;
	w->seg[w->n].len = (unsigned)n;
	w->seg[w->n++].s = ga_strdup(g->ar, name, n);
}

static bool is_name_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_name_char(int c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

/* Length of the variable name at s (NAME, DIGITS or one of ?#*@), 0 if none. */
static size_t var_len(const char *s, const char *end)
{
	if (s >= end)
		return 0;
	size_t n = 0;
	if (is_name_start((unsigned char)*s)) {
		while (s + n < end && is_name_char((unsigned char)s[n]))
			n++;
	} else if (*s >= '0' && *s <= '9') {
		while (s + n < end && s[n] >= '0' && s[n] <= '9')
			n++;
	} else if (strchr("?#*@", *s)) {
		n = 1;
	}
	return n;
}

/* At a '$': a variable reference, or a literal '$'. */
static void read_dollar(struct gp *g, struct wbuf *w, bool quoted)
{
	const char *s = g->p + 1;
	size_t n;
	if (s < g->end && *s == '{' && (n = var_len(s + 1, g->end)) && s + 1 + n < g->end &&
	    s[1 + n] == '}') {
		add_var(g, w, s + 1, n, quoted);
		g->p = s + n + 2;
	} else if ((n = var_len(s, g->end))) {
		add_var(g, w, s, n, quoted);
		g->p = s + n;
	} else {
		sb_putc(&w->lit, '$');
		g->p++;
	}
	w->plain = false;
}

static void read_dquoted(struct gp *g, struct wbuf *w)
{
	g->p++;
	w->plain = false;
	bool started = false;
	while (g->p < g->end && *g->p != '"') {
		char c = *g->p;
		if (c == '\\' && g->p + 1 < g->end && strchr("$\"\\\n", g->p[1])) {
			if (g->p[1] == '\n')
				g->line++;
			else
				sb_putc(&w->lit, g->p[1]);
			g->p += 2;
		} else if (c == '$') {
			read_dollar(g, w, true);
		} else {
			if (c == '\n')
				g->line++;
			sb_putc(&w->lit, c);
			g->p++;
		}
		started = true;
	}
	if (g->p >= g->end) {
		fail(g, "a \" is not closed");
		return;
	}
	g->p++;
	w->keep |= !started; /* an empty "" still makes an argument */
}

static void read_squoted(struct gp *g, struct wbuf *w)
{
	const char *s = ++g->p;
	while (g->p < g->end && *g->p != '\'') {
		if (*g->p == '\n')
			g->line++;
		g->p++;
	}
	if (g->p >= g->end) {
		fail(g, "a ' is not closed");
		return;
	}
	w->plain = false;
	w->keep |= g->p == s;
	sb_add(&w->lit, s, g->p - s);
	g->p++;
}

#define ordinary(c) (!CC[(unsigned char)(c)])

/* Reserved words, told apart once per word rather than compared again
 * for each keyword a command might start with. */
enum kw { KW_NONE, KW_BANG, KW_IF, KW_THEN, KW_ELIF, KW_ELSE, KW_FI, KW_WHILE, KW_UNTIL, KW_DO,
	  KW_DONE, KW_FOR, KW_IN, KW_FUNCTION, KW_MENUENTRY, KW_SUBMENU, KW_RBRACE };
static const char *const KW_NAME[] = {"", "!", "if", "then", "elif", "else", "fi", "while", "until",
				      "do", "done", "for", "in", "function", "menuentry", "submenu",
				      "}"};

static unsigned char kw_is(const char *s, const char *name, unsigned char kw)
{
	return strcmp(s, name) ? KW_NONE : kw;
}

static unsigned char keyword(const struct wbuf *w)
{
	if (!w->plain || w->n != 1)
		return KW_NONE;
	const char *s = w->seg[0].s;
	switch (s[0]) { /* most words are no keyword, and their first letter says so */
	case '!': return kw_is(s, "!", KW_BANG);
	case 'i': return s[1] == 'f' ? kw_is(s, "if", KW_IF) : kw_is(s, "in", KW_IN);
	case 't': return kw_is(s, "then", KW_THEN);
	case 'e': return s[1] != 'l' ? KW_NONE : s[2] == 'i' ? kw_is(s, "elif", KW_ELIF)
							      : kw_is(s, "else", KW_ELSE);
	case 'f': return s[1] == 'i' ? kw_is(s, "fi", KW_FI) : s[1] == 'o' ? kw_is(s, "for", KW_FOR)
									     : kw_is(s, "function", KW_FUNCTION);
	case 'w': return kw_is(s, "while", KW_WHILE);
	case 'u': return kw_is(s, "until", KW_UNTIL);
	case 'd': return s[1] != 'o' ? KW_NONE : s[2] ? kw_is(s, "done", KW_DONE) : KW_DO;
	case 'm': return kw_is(s, "menuentry", KW_MENUENTRY);
	case 's': return kw_is(s, "submenu", KW_SUBMENU);
	default: return KW_NONE;
	}
}

#define is_kw(w, k) ((w)->kw == (k))

/* Most words are plain text: one literal segment, no copy through lit. */
static bool read_plain_word(struct gp *g, struct wbuf *w)
{
	const char *s = g->p, *e = s;
	while (e < g->end && ordinary((unsigned char)*e))
		e++;
	if (e == s || (e < g->end && !word_end((unsigned char)*e)))
		return false;
	if (!w->cap) {
		w->cap = 4;
		w->seg = xrealloc(w->seg, w->cap * sizeof(*w->seg));
	}
	w->seg[0].type = SEG_LIT;
	w->seg[0].len = (unsigned)(e - s);
	w->seg[0].s = ga_strdup(g->ar, s, (size_t)(e - s));
	w->n = 1;
	w->plain = w->any = true;
	g->p = e;
	return true;
}

/* Reads one word at g->p into w. Returns false when there is none. */
static bool read_word(struct gp *g, struct wbuf *w)
{
	w->n = 0;
	w->kw = KW_NONE;
	w->keep = false;
	w->lit.len = 0;
	if (w->lit.s)
		w->lit.s[0] = 0;
	if (read_plain_word(g, w))
		return true;
	w->plain = true;
	const char *start = g->p;
	while (!g->err && !word_end(peek(g))) {
		int c = peek(g);
		if (c == '\\') {
			w->plain = false;
			if (g->p + 1 >= g->end) {
				g->p++;
			} else if (g->p[1] == '\n') {
				g->p += 2;
				g->line++;
			} else {
				/* GRUB keeps the backslash before letters and digits, so
				 * "LABEL=CentOS\x207" reaches the kernel as written */
				if (is_name_char((unsigned char)g->p[1]))
					sb_putc(&w->lit, '\\');
				sb_putc(&w->lit, g->p[1]);
				g->p += 2;
			}
		} else if (c == '\'') {
			read_squoted(g, w);
		} else if (c == '"') {
			read_dquoted(g, w);
		} else if (c == '$' && g->p + 1 < g->end && g->p[1] == '"') {
			g->p++;
			read_dquoted(g, w);
		} else if (c == '$') {
			read_dollar(g, w, false);
		} else {
			const char *s = g->p;
			while (g->p < g->end && ordinary((unsigned char)*g->p))
				g->p++;
			sb_add(&w->lit, s, (size_t)(g->p - s));
		}
	}
	flush_lit(g, w, w->keep);
	w->any = g->p != start;
	return w->any;
}

static struct gword word_copy(struct gp *g, const struct wbuf *w)
{
	struct gword out = {w->n, NULL};
	struct gseg *s = ga_alloc(g->ar, (w->n ? w->n : 1) * sizeof(*s));
	if (w->n)
		memcpy(s, w->seg, w->n * sizeof(*s));
	out.seg = s;
	return out;
}

static struct gnode *new_node(struct gp *g, int kind, int line)
{
	struct gnode *n = ga_alloc(g->ar, sizeof(*n));
	memset(n, 0, sizeof(*n));
	n->kind = (unsigned char)kind;
	n->line = line;
	return n;
}

/* Words up to the end of the command (or to a '{' when brace is true). */
static void read_args(struct gp *g, struct gnode *n, struct wbuf *w, bool brace)
{
	struct gword local[16], *v = local; /* most commands have few words */
	int cap = (int)ARRAY_SIZE(local);
	if (n->nw)
		v[0] = n->w[0];
	for (;;) {
		skip_blanks(g);
		skip_comment(g);
		int c = peek(g);
		if (c < 0 || c == '\n' || c == ';' || c == '}' || c == '{')
			break;
		if (c == '|' || c == '&' || c == '<' || c == '>') {
			fail(g, "GRUB does not support pipes and redirections here");
			break;
		}
		read_word(g, w);
		if (g->err)
			break;
		if (n->nw == cap) {
			cap *= 2;
			if (v == local) {
				v = xmalloc(cap * sizeof(*v));
				memcpy(v, local, sizeof(local));
			} else {
				v = xrealloc(v, cap * sizeof(*v));
			}
		}
		v[n->nw++] = word_copy(g, w);
	}
	struct gword *out = ga_alloc(g->ar, (n->nw ? n->nw : 1) * sizeof(*out));
	if (n->nw)
		memcpy(out, v, n->nw * sizeof(*out));
	n->w = out;
	if (v != local)
		free(v);
	if (!g->err && brace && peek(g) != '{')
		fail(g, "a { is missing");
	if (!g->err && !brace && peek(g) == '{')
		fail(g, "a { is not expected here");
}

static struct gnode *parse_list(struct gp *g, const unsigned char *stops, int *stopped);

static const unsigned char STOP_BRACE[] = {KW_RBRACE, KW_NONE};

/* At a '{': the body up to the matching '}'. */
static struct gnode *parse_body(struct gp *g)
{
	int stopped = KW_NONE;
	g->p++;
	g->braces++;
	struct gnode *body = parse_list(g, STOP_BRACE, &stopped);
	if (!g->err && !stopped)
		fail(g, "a } is missing");
	if (!g->err)
		g->braces--;
	return body;
}

static bool expect(struct gp *g, const unsigned char *stops, int want, struct gnode **out)
{
	int stopped = KW_NONE;
	*out = parse_list(g, stops, &stopped);
	if (g->err)
		return false;
	if (stopped != want) {
		char *m = xasprintf("'%s' is missing", KW_NAME[want]);
		fail(g, m);
		free(m);
		return false;
	}
	return true;
}

static struct gnode *parse_if_rest(struct gp *g, int line);

static struct gnode *parse_if(struct gp *g, int line)
{
	if (++g->depth > 200) {
		fail(g, "commands are nested too deeply");
		return NULL;
	}
	struct gnode *n = parse_if_rest(g, line);
	g->depth--;
	return n;
}

static struct gnode *parse_if_rest(struct gp *g, int line)
{
	static const unsigned char THEN[] = {KW_THEN, KW_NONE};
	static const unsigned char ELSE[] = {KW_ELIF, KW_ELSE, KW_FI, KW_NONE};
	static const unsigned char FI[] = {KW_FI, KW_NONE};
	struct gnode *n = new_node(g, GK_IF, line);
	int stopped = KW_NONE;
	if (!expect(g, THEN, KW_THEN, &n->a))
		return NULL;
	n->b = parse_list(g, ELSE, &stopped);
	if (g->err)
		return NULL;
	if (!stopped) {
		fail(g, "'fi' is missing");
		return NULL;
	}
	if (stopped == KW_ELIF)
		n->c = parse_if(g, g->line);
	else if (stopped == KW_ELSE && !expect(g, FI, KW_FI, &n->c))
		return NULL;
	return g->err ? NULL : n;
}

static struct gnode *parse_loop(struct gp *g, int kind, int line)
{
	static const unsigned char DO[] = {KW_DO, KW_NONE};
	static const unsigned char DONE[] = {KW_DONE, KW_NONE};
	struct gnode *n = new_node(g, kind, line);
	if (!expect(g, DO, KW_DO, &n->a) || !expect(g, DONE, KW_DONE, &n->b))
		return NULL;
	return n;
}

static struct gnode *parse_for(struct gp *g, struct wbuf *w, int line)
{
	static const unsigned char DONE[] = {KW_DONE, KW_NONE};
	struct gnode *n = new_node(g, GK_FOR, line);
	skip_blanks(g);
	read_word(g, w);
	if (!w->plain || !w->n) {
		fail(g, "'for' needs a variable name");
		return NULL;
	}
	struct gword var = word_copy(g, w);
	skip_blanks(g);
	read_word(g, w);
	w->kw = keyword(w);
	if (!is_kw(w, KW_IN)) {
		fail(g, "'in' is missing after 'for'");
		return NULL;
	}
	n->nw = 1;
	n->w = &var;
	read_args(g, n, w, false);
	if (g->err)
		return NULL;
	skip_separators(g);
	read_word(g, w);
	w->kw = keyword(w);
	if (!is_kw(w, KW_DO)) {
		fail(g, "'do' is missing");
		return NULL;
	}
	if (!expect(g, DONE, KW_DONE, &n->a))
		return NULL;
	return n;
}

static struct gnode *parse_function(struct gp *g, struct wbuf *w, int line)
{
	struct gnode *n = new_node(g, GK_FUNC, line);
	skip_blanks(g);
	read_word(g, w);
	if (!w->n || g->err) {
		fail(g, "'function' needs a name");
		return NULL;
	}
	struct gword name = word_copy(g, w);
	n->nw = 1;
	n->w = ga_alloc(g->ar, sizeof(struct gword));
	memcpy((struct gword *)n->w, &name, sizeof(name));
	skip_separators(g);
	if (peek(g) != '{') {
		fail(g, "a { is missing after the function name");
		return NULL;
	}
	n->a = parse_body(g);
	return g->err ? NULL : n;
}

/* One command whose first word is in w. */
static struct gnode *parse_command(struct gp *g, struct wbuf *w, int line)
{
	bool neg = false;
	if (is_kw(w, KW_BANG)) {
		neg = true;
		skip_blanks(g);
		read_word(g, w);
		w->kw = keyword(w);
	}
	struct gnode *n;
	if (++g->depth > 200) {
		fail(g, "commands are nested too deeply");
		return NULL;
	}
	if (!w->any && peek(g) == '{') {
		n = new_node(g, GK_BLOCK, line);
		n->a = parse_body(g);
	} else if (is_kw(w, KW_IF)) {
		n = parse_if(g, line);
	} else if (is_kw(w, KW_WHILE) || is_kw(w, KW_UNTIL)) {
		n = parse_loop(g, is_kw(w, KW_WHILE) ? GK_WHILE : GK_UNTIL, line);
	} else if (is_kw(w, KW_FOR)) {
		n = parse_for(g, w, line);
	} else if (is_kw(w, KW_FUNCTION)) {
		n = parse_function(g, w, line);
	} else if (is_kw(w, KW_MENUENTRY) || is_kw(w, KW_SUBMENU)) {
		n = new_node(g, is_kw(w, KW_MENUENTRY) ? GK_MENU : GK_SUBMENU, line);
		read_args(g, n, w, true);
		/* GRUB keeps the body as text and parses it again when the
		 * entry runs; the same text gives the same tree, so the tree
		 * is kept instead (a 5,000-entry menu parsed once, not thrice) */
		if (!g->err)
			n->a = parse_body(g);
	} else if (is_kw(w, KW_THEN) || is_kw(w, KW_ELIF) || is_kw(w, KW_ELSE) || is_kw(w, KW_FI) ||
		   is_kw(w, KW_DO) || is_kw(w, KW_DONE)) {
		char *m = xasprintf("'%s' is not expected here", w->seg[0].s);
		fail(g, m);
		free(m);
		n = NULL;
	} else if (!w->any) {
		int c = peek(g);
		fail(g, c == '}' ? "a } has no matching {" : "GRUB does not support this character here");
		n = NULL;
	} else {
		n = new_node(g, GK_CMD, line);
		struct gword first = word_copy(g, w);
		n->nw = 1;
		n->w = &first;
		read_args(g, n, w, false);
	}
	g->depth--;
	if (g->err || !n)
		return NULL;
	n->neg = neg;
	return n;
}

static int stop_word(const struct wbuf *w, const unsigned char *stops)
{
	if (w->kw != KW_NONE)
		for (; stops && *stops; stops++)
			if (w->kw == *stops)
				return *stops;
	return KW_NONE;
}

static struct gnode *parse_list(struct gp *g, const unsigned char *stops, int *stopped)
{
	struct gnode *head = NULL, **tail = &head;
	struct wbuf w = {0};
	*stopped = KW_NONE;
	while (!g->err) {
		skip_separators(g);
		if (peek(g) < 0)
			break;
		if (peek(g) == '}' && stops == STOP_BRACE) {
			g->p++;
			*stopped = KW_RBRACE;
			break;
		}
		int line = g->line;
		const char *save = g->p;
		read_word(g, &w);
		w.kw = keyword(&w);
		int kw = stop_word(&w, stops);
		if (kw) {
			*stopped = kw;
			break;
		}
		if (!w.any)
			g->p = save;
		struct gnode *n = parse_command(g, &w, line);
		if (n) {
			*tail = n;
			tail = &n->next;
		}
	}
	free(w.seg);
	sb_free(&w.lit);
	return head;
}

/* After a syntax error: skip what is left of the blocks it was in, then the
 * rest of its line, so only that entry or block is lost. */
static void recover(struct gp *g)
{
	int depth = g->braces;
	while (g->p < g->end) {
		char c = *g->p++;
		if (c == '\\' && g->p < g->end) {
			if (*g->p == '\n')
				g->line++;
			g->p++;
		} else if (c == '\'' || c == '"') {
			while (g->p < g->end && *g->p != c) {
				if (*g->p == '\n')
					g->line++;
				if (c == '"' && *g->p == '\\' && g->p + 1 < g->end)
					g->p++;
				g->p++;
			}
			if (g->p < g->end)
				g->p++;
		} else if (c == '{') {
			depth++;
		} else if (c == '}' && depth > 0) {
			depth--;
		} else if (c == '\n') {
			g->line++;
			if (depth == 0)
				break;
		}
	}
	g->braces = 0;
	g->depth = 0;
	g->err = false;
	free(g->errmsg);
	g->errmsg = NULL;
}

struct gnode *g_parse(const char *text, size_t len, const char *name, struct g_arena *ar,
		      struct diag_list *d)
{
	if (!ar->head)
		ar->first = len * 4; /* what a tree takes for its text, about */
	struct gp g = {.p = text, .end = text + len, .line = 1, .name = name, .ar = ar, .d = d};
	struct gnode *head = NULL, **tail = &head;
	struct wbuf w = {0};
	for (;;) {
		skip_separators(&g);
		if (peek(&g) < 0)
			break;
		int line = g.line;
		read_word(&g, &w);
		w.kw = keyword(&w);
		struct gnode *n = g.err ? NULL : parse_command(&g, &w, line);
		if (n) {
			*tail = n;
			tail = &n->next;
			continue;
		}
		diag_add(d, name, g.errline ? g.errline : line, "syntax error: %s; GRUB would skip this command",
			 g.errmsg ? g.errmsg : "unexpected text");
		g.errline = 0;
		recover(&g);
	}
	free(w.seg);
	sb_free(&w.lit);
	return head;
}
