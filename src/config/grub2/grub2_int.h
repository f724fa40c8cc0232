/* Internals of the GRUB 2 interpreter shared by its parser, executor and
 * commands. Not for use outside src/grub2*.c. */
#ifndef KL_GRUB2_INT_H
#define KL_GRUB2_INT_H
#include <stdbool.h>
#include <stddef.h>
#include "grub2.h"

/* Bounds that keep any input from hanging or exhausting PID 1. */
#define G_MAX_STEPS 100000       /* loop iterations, in all */
#define G_MAX_CMDS 2000000       /* commands run, in all */
#define G_MAX_DEPTH 32           /* nested calls, sources, blocks */
#define G_MAX_FILE (4u << 20)    /* bytes of one script */
#define G_MAX_ENTRIES 20000      /* menu entries in all */
#define G_MAX_VALUE (64u << 10)  /* bytes of one expanded word */
#define G_MAX_BYTES (16u << 20)  /* bytes expanded, in all */
#define G_MAX_OUT (1u << 20)     /* bytes echo writes, in all */
#define G_MAX_VARS 4096          /* variables */

/* All nodes and words of one parsed file live in one arena, freed at once. */
struct g_arena {
	struct g_chunk *head;
	size_t first; /* size of the first chunk; 0: small */
};
void *ga_alloc(struct g_arena *a, size_t n);
void ga_free(struct g_arena *a);

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
/* The same, for text that starts at line line0 of its file. */
struct gnode *g_parse_at(const char *text, size_t len, const char *name, int line0,
			 struct g_arena *ar, struct diag_list *d);

/* ---- the interpreter ---- */

struct gvar {
	char *name, *val;
	size_t nlen;
	bool exported;
};

struct gundo {
	char *name, *val; /* val NULL: the variable did not exist */
	bool exported;
};

struct gfunc {
	char *name;
	const struct gnode *body;
};

/* One menu entry seen while the script ran; its body runs once the whole
 * file is done, as it would when GRUB boots it. */
struct gentry {
	bool submenu;
	char *title, *id;
	struct strlist args; /* $1…: the title and the extra arguments */
	const struct gnode *body; /* lives in its file's arena, as long as the interpreter */
	const char *file, *dev; /* owned by the interpreter's file list */
	int line;
	int parent;             /* index of the enclosing submenu entry, -1 at the top */
	struct target *bls;     /* an entry blscfg made from a BLS file, instead of a body */
};

struct gfile {
	struct gfile *next;
	char *name, *dev, *text;
	struct g_arena ar;
};

/* A command's expanded words, all in one buffer. One per level of nested
 * commands, kept for the whole run: most commands allocate nothing. */
struct gargs {
	struct strbuf buf; /* the words, each ended by a NUL */
	size_t *off;       /* where each word starts in buf */
	char **v;          /* argv: pointers into buf, ended by NULL */
	size_t n, cap, vcap;
};

enum gjump { J_NONE, J_BREAK, J_CONT, J_RET, J_STOP };

struct gi {
	const struct grub2_opts *o;
	struct diag_list *d;
	struct strbuf *out;
	struct gvar *vars;
	size_t nvars, capvars;
	struct gundo *undo;
	size_t nundo, capundo;
	int undo_on;            /* > 0: record changes so they can be rolled back */
	struct gfunc *funcs;
	size_t nfuncs, capfuncs;
	struct strlist *argv;   /* positional parameters of the running function or entry */
	int status;             /* $? */
	enum gjump jump;
	int jumpn;              /* loops left to break or continue */
	int loops;              /* loops entered in the running function */
	long steps, cmds;
	size_t bytes;
	int depth;
	bool limit_told;
	const char *file, *dev; /* the running file and its device */
	struct gfile *files;
	struct gentry *ents;
	size_t nents, capents;
	int menu_parent;        /* the submenu whose body is running, -1 at the top */
	int submenus;           /* submenus being built, one inside the other */
	struct strlist saved;   /* save_env: NAME=VALUE kept for this run only */
	struct target *cur;     /* the entry whose body is running */
	bool cur_initrd_ok;
	bool in_entry;
	struct gargs **args;    /* argument buffers, one per nesting level */
	size_t nargs, argdepth;
	/* The last answers of to_device and from_device: devices do not change
	 * while a file runs, and every entry asks the same about its root. */
	struct gmemo { char *key, *val; } to_dev[4], from_dev[4];
	unsigned to_next, from_next;
};

/* Variables. */
const char *gv_get(struct gi *I, const char *name);
void gv_set(struct gi *I, const char *name, const char *val);
void gv_unset(struct gi *I, const char *name);
void gv_export(struct gi *I, const char *name);
size_t gv_mark(struct gi *I);
void gv_rollback(struct gi *I, size_t mark);

/* Execution. */
int g_exec_list(struct gi *I, const struct gnode *n);
void g_expand(struct gi *I, const struct gword *w, int nw, struct strlist *out);
void g_args_free(struct gi *I);
void g_memo_free(struct gi *I);
/* line: the line of the command that runs it (source, eval), 0 for the top file. */
int g_run_text(struct gi *I, char *text, size_t len, const char *name, const char *dev, int line);
void g_error(struct gi *I, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
bool g_step(struct gi *I, int line);

/* Commands (grub2_cmds.c): returns false when name is not a command. */
bool g_builtin(struct gi *I, int line, int argc, char **argv, int *status);

/* Files and devices (grub2_search.c). */
char *g_resolve_dev(struct gi *I, const char *grubname);
char *g_grubname(struct gi *I, const char *kname);
/* Splits a GRUB path into a device and a path on it, both owned by the
 * caller. Returns false when the device is unknown. */
bool g_path(struct gi *I, const char *gpath, char **dev, char **path);
int g_read(struct gi *I, const char *gpath, char **buf, size_t *len);
int g_read_max(struct gi *I, const char *gpath, size_t max, char **buf, size_t *len);
bool g_stat(struct gi *I, const char *gpath, bool *is_dir);
int g_cmd_search(struct gi *I, int line, int argc, char **argv);
int g_cmd_probe(struct gi *I, int line, int argc, char **argv);

/* The menu (grub2_menu.c). */
void g_menu_entry(struct gi *I, bool submenu, int line, int argc, char **argv,
		  const struct gnode *n);
void g_menu_reset(struct gi *I);
int g_cmd_loader(struct gi *I, int line, int argc, char **argv);
int g_cmd_initrd(struct gi *I, int line, int argc, char **argv);
int g_cmd_module(struct gi *I, int line, int argc, char **argv);
int g_cmd_blscfg(struct gi *I, int line, int argc, char **argv);

#endif
