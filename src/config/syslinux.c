#include "syslinux.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "userfile.h"
#include "limits.h"

#define MAX_DEPTH 16 /* nested INCLUDEs */
#define MAX_FILES 64 /* INCLUDEs in all: a file including itself twice stays cheap */

struct label {
	char *name, *title, *origin, *file;
	int line;
	char *how;    /* the directive that named the kernel: "kernel", "linux", "localboot", … */
	char *kernel, *append, *initrd;
	unsigned long sysappend; /* IPAPPEND/SYSAPPEND bits, the global ones unless given */
	bool menu_default, hidden, nav;
};

struct sx {
	const struct syslinux_opts *o;
	struct diag_list *d;
	char *cwd;    /* directory of the main configuration, "" for the root */
	struct label *v;
	size_t n, cap;
	char *def, *ontimeout, *append, *ui;
	int timeout, prompt; /* -1: not given */
	unsigned long sysappend; /* global IPAPPEND/SYSAPPEND: labels start with it */
	int files, depth;
	bool in_text, hidden_menu;
	bool full; /* KL_MAX_TARGETS_PER_FILE labels read: nothing more is */
};

static void set(char **field, const char *value)
{
	free(*field);
	*field = xstrdup(value);
}

static struct label *new_label(struct sx *x)
{
	if (x->n == x->cap) {
		x->cap = x->cap ? x->cap * 2 : 16;
		x->v = xrealloc(x->v, x->cap * sizeof(*x->v));
	}
	return &x->v[x->n++];
}

static struct label *cur(struct sx *x)
{
	return x->n ? &x->v[x->n - 1] : NULL;
}

static char *resolve(const struct sx *x, const char *p)
{
	return p[0] == '/' ? xstrdup(p) : xasprintf("%s/%s", x->cwd, p);
}

static void load(struct sx *x, const char *path);

static void menu_directive(struct sx *x, char *arg)
{
	char *rest = arg + strcspn(arg, " \t");
	if (*rest)
		*rest++ = 0;
	rest += strspn(rest, " \t");
	struct label *l = cur(x);
	if (!strcasecmp(arg, "include") && *rest) {
		rest[strcspn(rest, " \t")] = 0;
		char *p = resolve(x, rest);
		load(x, p);
		free(p);
	} else if (!strcasecmp(arg, "hidden")) {
		x->hidden_menu = true; /* the menu shows only on a key press */
	} else if (!l) {
		return; /* MENU TITLE, colours, …: the look of SYSLINUX's own menu */
	} else if (!strcasecmp(arg, "label")) {
		set(&l->title, rest);
	} else if (!strcasecmp(arg, "default")) {
		l->menu_default = true;
	} else if (!strcasecmp(arg, "hide")) {
		l->hidden = true;
	} else if (!strcasecmp(arg, "exit") || !strcasecmp(arg, "goto") || !strcasecmp(arg, "quit")) {
		l->nav = true;
	}
}

static const char *const kernel_words[] = {"kernel", "linux", "boot", "bss", "pxe", "fdimage",
					   "comboot", "com32", "config", "localboot"};
static const char *const ignored_words[] = {
	"say", "display", "serial", "console", "font", "kbdmap", "implicit", "allowoptions",
	"noescape", "nocomplete", "path", "totaltimeout", "onerror", "nohalt", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f11", "f12",
	"f0", "endtext", "timeoutdelay"};

static void directive(struct sx *x, char *word, char *arg, const char *file, int line)
{
	struct label *l = cur(x);
	if (!strcasecmp(word, "label") && x->n >= KL_MAX_TARGETS_PER_FILE) {
		diag_add(x->d, file, line, "more than %d labels; the rest of the files is ignored",
			 KL_MAX_TARGETS_PER_FILE);
		x->full = true;
		return;
	}
	if (!strcasecmp(word, "label")) {
		*new_label(x) = (struct label){.name = xstrdup(arg), .file = xstrdup(file), .line = line,
					      .origin = xasprintf("%s:%d on %s", file, line, x->o->device),
					      .sysappend = x->sysappend};
		return;
	}
	if (!strcasecmp(word, "ipappend") || !strcasecmp(word, "sysappend")) {
		/* strtoul with base 0, as SYSLINUX reads it: "0x3" and "3" alike */
		*(l ? &l->sysappend : &x->sysappend) = strtoul(arg, NULL, 0);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(kernel_words); i++)
		if (!strcasecmp(word, kernel_words[i]) && l) {
			set(&l->how, kernel_words[i]);
			set(&l->kernel, arg);
			return;
		}
	if (!strcasecmp(word, "append"))
		set(l ? &l->append : &x->append, arg);
	else if (!strcasecmp(word, "initrd") && l)
		set(&l->initrd, arg);
	else if (!strcasecmp(word, "default"))
		set(&x->def, arg);
	else if (!strcasecmp(word, "ui"))
		set(&x->ui, arg);
	else if (!strcasecmp(word, "ontimeout"))
		set(&x->ontimeout, arg);
	else if (!strcasecmp(word, "timeout") || !strcasecmp(word, "prompt")) {
		int *v = word[0] == 't' || word[0] == 'T' ? &x->timeout : &x->prompt;
		*v = isdigit((unsigned char)*arg) ? atoi(arg) : 0;
		if (*v > 1000000)
			*v = 1000000;
	} else if (!strcasecmp(word, "include") && *arg) {
		arg[strcspn(arg, " \t")] = 0;
		char *p = resolve(x, arg);
		load(x, p);
		free(p);
	} else if (!strcasecmp(word, "menu")) {
		menu_directive(x, arg);
	} else if (!strcasecmp(word, "text")) {
		x->in_text = true;
	} else {
		for (size_t i = 0; i < ARRAY_SIZE(ignored_words); i++)
			if (!strcasecmp(word, ignored_words[i]))
				return;
		if (!strcasecmp(word, "kernel") || !strcasecmp(word, "linux") || !strcasecmp(word, "initrd"))
			diag_add(x->d, file, line, "'%s' outside a LABEL ignored", word);
		else if (!l || strcasecmp(word, "localboot"))
			diag_add(x->d, file, line, "unknown directive '%s' ignored", word);
	}
}

static void parse(struct sx *x, const char *file, char *text)
{
	int line = 0;
	for (char *p = text, *nl; p && !x->full; p = nl) {
		nl = strchr(p, '\n');
		if (nl)
			*nl++ = 0;
		line++;
		char *s = str_trim(p);
		if (x->in_text) { /* TEXT HELP … ENDTEXT is free text */
			x->in_text = strcasecmp(s, "endtext") != 0;
			continue;
		}
		if (!*s || *s == '#')
			continue;
		char *arg = s + strcspn(s, " \t");
		if (*arg)
			*arg++ = 0;
		arg += strspn(arg, " \t");
		directive(x, s, arg, file, line);
	}
}

static void load(struct sx *x, const char *path)
{
	if (x->depth >= MAX_DEPTH || x->files >= MAX_FILES) {
		diag_add(x->d, path, 0, "not read: INCLUDEs nest too deep or are too many");
		return;
	}
	char *text;
	int r = x->o->io->read(x->o->io->ctx, x->o->device, path, KL_MAX_TEXT_FILE, &text, NULL);
	if (r < 0) {
		diag_take(x->d, uf_message(path, x->o->device, r));
		return;
	}
	x->files++;
	x->depth++;
	parse(x, path, text);
	x->depth--;
	x->in_text = false;
	free(text);
}

static bool ends_with_ci(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcasecmp(s + a - b, suffix) == 0;
}

static const char *basename_of(const char *p)
{
	const char *slash = strrchr(p, '/');
	return slash ? slash + 1 : p;
}

/* The last "initrd=a,b" of a command line, as files. */
static void initrds_from(const struct sx *x, const char *cmdline, struct strlist *out)
{
	const char *last = NULL;
	for (const char *p = cmdline; (p = strstr(p, "initrd=")); p += 7)
		if (p == cmdline || p[-1] == ' ' || p[-1] == '\t')
			last = p + 7;
	if (!last)
		return;
	char *list = xstrndup(last, strcspn(last, " \t")), *save = NULL;
	sl_free(out);
	for (char *f = strtok_r(list, ",", &save); f; f = strtok_r(NULL, ",", &save))
		sl_push_owned(out, resolve(x, f));
	free(list);
}

/* "xen.gz args --- vmlinuz args --- initrd": the kernel, then modules. */
static void mboot(const struct sx *x, const char *append, struct target *t)
{
	t->kind = KIND_MULTIBOOT;
	char *copy = xstrdup(append ? append : ""), *part = copy;
	for (int i = 0; part; i++) {
		char *sep = strstr(part, "---");
		while (sep && !((sep == copy || sep[-1] == ' ' || sep[-1] == '\t') &&
				(!sep[3] || sep[3] == ' ' || sep[3] == '\t')))
			sep = strstr(sep + 3, "---");
		if (sep)
			*sep = 0;
		char *file = str_trim(part), *args = file + strcspn(file, " \t");
		if (*args)
			*args++ = 0;
		args = str_trim(args);
		if (*file && i == 0) {
			t->kernel = resolve(x, file);
			t->cmdline = xstrdup(args);
		} else if (*file) {
			char *p = resolve(x, file);
			target_add_module(t, p, args, false);
			free(p);
		}
		part = sep ? sep + 3 : NULL;
	}
	free(copy);
	if (!t->kernel) {
		t->kernel = resolve(x, "mboot.c32");
		target_refuse(t, "mboot.c32 is given no kernel in its APPEND line");
	}
}

static void refuse_kind(struct target *t, const char *how, const char *kernel)
{
	t->kind = KIND_CHAIN;
	if (!strcmp(how, "localboot"))
		target_refuse(t, "it boots the next disk through the BIOS, which kexec cannot do");
	else if (!strcmp(how, "config"))
		target_refuse(t, "it switches to another SYSLINUX configuration (%s)", kernel);
	else if (ends_with_ci(kernel, ".c32") || !strcmp(how, "com32"))
		target_refuse(t, "it runs the SYSLINUX module %s, which kexec cannot start", kernel);
	else
		target_refuse(t, "%s is a boot sector, COMBOOT or disk image, which kexec cannot start",
			      kernel);
}

static bool is_linux(const char *how, const char *kernel)
{
	static const char *const other[] = {".c32", ".com", ".cbt", ".bs", ".bss", ".bin", ".0", ".img"};
	if (!strcmp(how, "linux"))
		return true;
	if (strcmp(how, "kernel"))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(other); i++)
		if (ends_with_ci(kernel, other[i]))
			return false;
	return true;
}

/* A SYSAPPEND string as SYSLINUX copies it: blanks become one '_', none at the ends. */
static void put_sysappend(struct strbuf *cmd, const char *s)
{
	bool blank = true;
	size_t end = cmd->len;
	for (; *s; s++) {
		if ((unsigned char)*s <= ' ' || *s == 0x7f) {
			if (!blank)
				sb_putc(cmd, '_');
			blank = true;
		} else {
			sb_putc(cmd, *s);
			end = cmd->len;
			blank = false;
		}
	}
	cmd->len = end;
	cmd->s[end] = 0;
}

/* The command line as SYSLINUX 6 builds it: "BOOT_IMAGE=" and the KERNEL
 * line as written (words after the file included), the APPEND line, then
 * " initrd=" and the INITRD line, then the SYSAPPEND strings in bit order. */
static char *pxelinux_cmdline(const struct sx *x, const struct label *l, const char *append)
{
	struct strbuf cmd = {0};
	sb_printf(&cmd, "BOOT_IMAGE=%s", l->kernel);
	if (append && *append)
		sb_printf(&cmd, " %s", append);
	if (l->initrd)
		sb_printf(&cmd, " initrd=%s", l->initrd);
	for (unsigned i = 0; i < SYSAPPEND_MAX && x->o->sysappend; i++)
		if ((l->sysappend >> i & 1) && x->o->sysappend[i] && *x->o->sysappend[i]) {
			sb_putc(&cmd, ' ');
			put_sysappend(&cmd, x->o->sysappend[i]);
		}
	return sb_steal(&cmd);
}

static void make_target(const struct sx *x, struct label *l, struct target *t)
{
	target_init(t);
	struct strbuf title = {0};
	for (const char *p = l->title ? l->title : l->name; *p; p++)
		if (*p != '^')
			sb_putc(&title, *p);
	t->title = sb_steal(&title);
	t->origin = xstrdup(l->origin);
	t->id = xstrdup(l->name);
	t->root = xstrdup(x->o->device);
	if (l->hidden)
		t->flags |= TF_HIDDEN;
	const char *append = l->append ? l->append : x->append;
	if (append && !strcmp(append, "-"))
		append = NULL;
	char *kfile = xstrndup(l->kernel, strcspn(l->kernel, " \t"));
	if (!strcasecmp(basename_of(kfile), "mboot.c32") && !strcmp(l->how, "kernel")) {
		mboot(x, append, t);
	} else if (is_linux(l->how, kfile)) {
		t->cmdline = pxelinux_cmdline(x, l, append);
		t->kernel = resolve(x, kfile);
		initrds_from(x, t->cmdline ? t->cmdline : "", &t->initrds);
	} else {
		t->kernel = resolve(x, kfile);
		refuse_kind(t, l->how, kfile);
	}
	free(kfile);
}

static void free_label(struct label *l)
{
	free(l->name), free(l->title), free(l->origin), free(l->file), free(l->how);
	free(l->kernel), free(l->append), free(l->initrd);
}

static int find_label(const struct sx *x, const char *name)
{
	for (size_t i = 0; name && i < x->n; i++)
		if (!strcmp(x->v[i].name, name))
			return (int)i;
	for (size_t i = 0; name && i < x->n; i++)
		if (!strcasecmp(x->v[i].name, name))
			return (int)i;
	return -1;
}

static bool is_module(const char *cmd)
{
	char *first = xstrndup(cmd, strcspn(cmd, " \t"));
	bool r = ends_with_ci(first, ".c32");
	free(first);
	return r;
}

/* A DEFAULT that names no label and no module is a command line of its own. */
static void implicit_default(struct sx *x)
{
	if (!x->def || !*x->def || find_label(x, x->def) >= 0 || is_module(x->def))
		return;
	*new_label(x) = (struct label){.name = xstrdup(x->def), .how = xstrdup("kernel"),
				      .kernel = xstrdup(x->def), .sysappend = x->sysappend,
				      .origin = xasprintf("%s on %s", x->o->path, x->o->device),
				      .file = xstrdup(x->o->path)};
}

/* ONTIMEOUT, else MENU DEFAULT, else DEFAULT: what boots when time runs out. */
static int default_label(const struct sx *x)
{
	int want = find_label(x, x->ontimeout);
	for (size_t i = 0; want < 0 && i < x->n; i++)
		if (x->v[i].menu_default)
			want = (int)i;
	return want >= 0 ? want : find_label(x, x->def);
}

static int timeout_seconds(const struct sx *x)
{
	bool menu = x->ui || (x->def && is_module(x->def));
	if (menu || x->prompt > 0)
		return x->timeout > 0 ? (x->timeout + 9) / 10 : -1;
	return x->def ? 0 : -1; /* PROMPT 0: SYSLINUX boots the default at once */
}

int syslinux_load(const struct syslinux_opts *o, struct target_list *out, struct diag_list *d)
{
	char *text;
	int r = o->io->read(o->io->ctx, o->device, o->path, KL_MAX_TEXT_FILE, &text, NULL);
	if (r < 0) {
		if (r != -ENOENT)
			diag_take(d, uf_message(o->path, o->device, r));
		return r;
	}
	struct sx x = {.o = o, .d = d, .timeout = -1, .prompt = -1, .files = 1, .depth = 1};
	const char *slash = strrchr(o->path, '/');
	if (o->cwd) /* "/tftpboot/" and "/tftpboot" alike: resolve() adds the slash */
		x.cwd = xstrndup(o->cwd, strlen(o->cwd) - (str_ends(o->cwd, "/") ? 1 : 0));
	else
		x.cwd = xstrndup(o->path, slash ? (size_t)(slash - o->path) : 0);
	parse(&x, o->path, text);
	free(text);
	implicit_default(&x);
	struct target_list l;
	tl_init(&l);
	int want = default_label(&x);
	for (size_t i = 0; i < x.n; i++) {
		struct label *lb = &x.v[i];
		if (!lb->kernel || !*lb->kernel) {
			if (!lb->nav)
				diag_add(d, lb->file, lb->line, "label '%s' has no KERNEL line; skipped", lb->name);
			continue;
		}
		struct target t;
		make_target(&x, lb, &t);
		size_t at = tl_push(&l, &t);
		if ((int)i == want)
			l.default_index = (int)at;
	}
	l.timeout = timeout_seconds(&x);
	for (size_t i = 0; i < x.n; i++)
		free_label(&x.v[i]);
	free(x.v), free(x.cwd), free(x.def), free(x.ontimeout), free(x.append), free(x.ui);
	bool takes_timeout = out->timeout < 0;
	tl_append(out, &l);
	if (takes_timeout)
		out->hidden_menu = x.hidden_menu;
	return 0;
}
