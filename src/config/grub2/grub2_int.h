/* The GRUB 2 interpreter's state, shared by its files (src/config/grub2/):
 * the variables, functions, menu entries and files of one run, and the
 * bounds that keep any input from hanging or exhausting PID 1. Each file's
 * functions are declared in its own header. Not for use outside this folder. */
#ifndef KL_GRUB2_INT_H
#define KL_GRUB2_INT_H
#include <stdbool.h>
#include <stddef.h>
#include "fsio.h"
#include "grub2_parse.h"
#include "target.h"
#include "util.h"
#include "limits.h"
#include "strhash.h"

/* Bounds that keep any input from hanging or exhausting PID 1 (limits.h). */
#define G_MAX_STEPS KL_GRUB_MAX_STEPS
#define G_MAX_CMDS KL_GRUB_MAX_CMDS
#define G_MAX_DEPTH KL_GRUB_MAX_DEPTH
#define G_MAX_FILE KL_MAX_GRUB_FILE
#define G_MAX_ENTRIES KL_GRUB_MAX_ENTRIES
#define G_MAX_VALUE KL_MAX_VALUE
#define G_MAX_BYTES KL_GRUB_MAX_BYTES
#define G_MAX_OUT KL_GRUB_MAX_OUT
#define G_MAX_VARS KL_GRUB_MAX_VARS
#define G_MAX_TEXT KL_GRUB_MAX_TEXT
#define G_MAX_READ KL_GRUB_MAX_READ
#define G_MAX_TREES KL_GRUB_MAX_TREES

struct gvar {
	char *name, *val;
	size_t nlen;
	uint64_t hash;
	bool exported;
};

struct gundo {
	char *name, *val; /* val NULL: the variable did not exist */
	bool exported;
};

struct gfunc {
	char *name;
	uint64_t hash;
	const struct gnode *body;
};

/* A function definition to undo: the body it replaced, NULL when new. */
struct gfundo {
	size_t index;
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

struct gi;
/* A built-in command: its status, as GRUB's $? would read. */
typedef int g_cmd_fn(struct gi *I, int line, int argc, char **argv);
struct gcmd {
	const char *name;
	g_cmd_fn *fn;
};

struct gi {
	/* What the interpreter reads through, copied from struct grub2_opts:
	 * the files and devices, the file's own device, GRUB device names. */
	const struct fsio *io;
	const char *device;
	char *(*to_device)(void *ctx, const char *grubname);
	char *(*from_device)(void *ctx, const char *kname);
	void *map_ctx;
	/* Filled in by the entry point (grub2.c), so that the executor calls
	 * the commands and the menu without knowing them: the built-in
	 * commands, sorted by name, and what a menuentry or submenu does. */
	const struct gcmd *cmds;
	size_t ncmds;
	void (*on_entry)(struct gi *I, bool submenu, int line, int argc, char **argv,
			 const struct gnode *n);
	struct diag_list *d;
	struct strbuf *out;
	struct gvar *vars;
	size_t nvars, capvars;
	struct strhash vindex;  /* the variables by name */
	struct gundo *undo;
	size_t nundo, capundo;
	int undo_on;            /* > 0: record changes so they can be rolled back */
	struct gfunc *funcs;
	size_t nfuncs, capfuncs;
	struct strhash findex;  /* the functions by name */
	struct gfundo *fundo;   /* definitions made by the entry body running */
	size_t nfundo, capfundo;
	int fundo_on;
	struct strlist *argv;   /* positional parameters of the running function or entry */
	int status;             /* $? */
	enum gjump jump;
	int jumpn;              /* loops left to break or continue */
	int loops;              /* loops entered in the running function */
	long steps, cmds_run;
	size_t bytes;
	size_t text;            /* bytes of script text kept (files, sources, evals) */
	size_t trees;           /* bytes their parsed trees take */
	size_t read;            /* bytes read from files (source, load_env, …) */
	int depth;
	bool limit_told;
	bool vars_told;         /* "more than 4096 variables" said */
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

#endif
