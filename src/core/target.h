/* The one data model in the middle: every configuration source produces
 * targets, the menu, the shell and the boot engine consume them. */
#ifndef KL_TARGET_H
#define KL_TARGET_H
#include <stdbool.h>
#include "util.h"

enum target_kind {
	KIND_LINUX,      /* a Linux kernel (bzImage) */
	KIND_MULTIBOOT,  /* Multiboot 1 kernel with modules */
	KIND_MULTIBOOT2, /* Multiboot 2 kernel with modules */
	KIND_CHAIN,      /* chainloader / .c32 / EFI application: listed, never bootable */
};

struct mbmodule {
	char *path;
	char *cmdline; /* the module's own command line, may be empty */
	bool nounzip;
};

enum target_flags {
	TF_RESET_VGA = 1 << 0,
	TF_HIDDEN = 1 << 1, /* e.g. SYSLINUX MENU HIDE: bootable by name, not listed */
	TF_FORCE_KEXEC_LOAD = 1 << 2,
	/* GRUB 2's multiboot/module: the kernel and modules get their arguments
	 * only (GRUB 2 skips the file name; its scripts repeat it when wanted) */
	TF_MB_ARGS_ONLY = 1 << 3,
};

struct target {
	char *title;
	char *origin;   /* where it came from, "FILE:LINE" plus the device */
	char *id;       /* GRUB --id or BLS file name, may be NULL */
	char *root;     /* device (kexec-loader.conf(5), Devices and paths) that plain paths refer to */
	char *kernel;   /* path: /path on root, or (DEVICE)/path */
	struct strlist initrds;
	char *cmdline;  /* may be NULL: no command line */
	struct mbmodule *modules;
	size_t nmodules;
	enum target_kind kind;
	unsigned flags;
	char *reason;   /* why it cannot boot; NULL when it can */
};

struct target_list {
	struct target *v;
	size_t n, cap;
	int default_index; /* -1: none chosen, the first is used */
	int timeout;       /* seconds; -1: wait for ever */
	bool hidden_menu;  /* GRUB timeout_style hidden/countdown: menu only on a key press */
};

void target_init(struct target *t);
void target_free(struct target *t);
void target_copy(struct target *dst, const struct target *src);
void target_add_module(struct target *t, const char *path, const char *cmdline, bool nounzip);
/* Sets the reason the target cannot boot (printf-style); keeps the first one. */
void target_refuse(struct target *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline bool target_bootable(const struct target *t) { return t->reason == NULL; }

void tl_init(struct target_list *l);
/* Moves *t into the list (t is left empty). Returns its index. */
size_t tl_push(struct target_list *l, struct target *t);
void tl_free(struct target_list *l);
/* Appends every target of src (moved) to dst; src's default wins only if dst has none. */
void tl_append(struct target_list *dst, struct target_list *src);
int tl_find_title(const struct target_list *l, const char *title);
/* The target that is t again after the list was rebuilt: the same title, origin,
 * root and kernel; else the first with its title; else -1. (Titles repeat: a
 * stick plugged in may offer "Debian GNU/Linux" too.) */
int tl_find_same(const struct target_list *l, const struct target *t);
size_t tl_default(const struct target_list *l);
/* Whether the menu stays hidden while the countdown runs (GRUB's
 * timeout_style=hidden): only with a countdown to run. */
bool tl_menu_hidden(const struct target_list *l);

/* Diagnostics: "FILE:LINE: message" lines for the user. At most
 * KL_DIAG_PER_FILE are kept per file and KL_DIAG_MAX in all (limits.h): a
 * file of two million bad lines gives 50 messages and one line saying how
 * many more were dropped, not 250 MB of them in PID 1. */
struct diag_file {
	char *file;
	size_t kept, dropped, note; /* note: index + 1 of its "dropped" line, 0: none yet */
};
struct diag_list {
	struct strlist lines;
	struct diag_file *files; /* the files counted apart */
	size_t nfiles;
	struct diag_file rest;   /* messages beyond KL_DIAG_MAX, or of files beyond KL_DIAG_FILES */
};
void diag_add(struct diag_list *d, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Adds a whole sentence (taken over) that names its file itself. */
void diag_take(struct diag_list *d, char *sentence);
void diag_free(struct diag_list *d);

#endif
