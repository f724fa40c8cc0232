/* The GRUB 2 menu: menuentry and submenu, the loader commands inside entry
 * bodies (linux, initrd, multiboot, module, chainloader), default and
 * timeout, and the two entry points grub2_load and grub2_run_script. */
#include "grub2_int.h"
#include "bls.h"
#include "userfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- menuentry / submenu ---- */

void g_menu_entry(struct gi *I, bool submenu, int line, int argc, char **argv,
		  const struct gnode *n)
{
	if (I->in_entry)
		return; /* only when that entry boots */
	if (I->nents >= G_MAX_ENTRIES) {
		if (!I->limit_told)
			diag_add(I->d, I->file, line, "more than %d menu entries; the rest is ignored",
				 G_MAX_ENTRIES);
		I->limit_told = true;
		return;
	}
	struct gentry e = {.submenu = submenu, .file = I->file, .dev = I->dev,
			   .line = line, .parent = I->menu_parent};
	if (n)
		e.body = n->a;
	bool opts = true;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (opts && !strcmp(a, "--")) {
			opts = false;
		} else if (!opts || a[0] != '-' || a[1] != '-') {
			sl_push(&e.args, a);
		} else if (!strcmp(a, "--unrestricted")) {
			continue;
		} else if (str_starts(a, "--id") || str_starts(a, "--class") ||
			   str_starts(a, "--users") || str_starts(a, "--hotkey") ||
			   str_starts(a, "--source")) {
			const char *eq = strchr(a, '=');
			const char *v = eq ? eq + 1 : i + 1 < argc ? argv[++i] : "";
			if (str_starts(a, "--id")) {
				free(e.id);
				e.id = xstrdup(v);
			}
		} else {
			sl_push(&e.args, a);
		}
	}
	if (!e.args.n) {
		g_error(I, line, "missing arguments");
		diag_add(I->d, I->file, line, "%s without a title is ignored",
			 submenu ? "submenu" : "menuentry");
		free(e.id);
		return;
	}
	e.title = xstrdup(e.args.v[0]);
	if (I->nents == I->capents) {
		I->capents = I->capents ? 2 * I->capents : 64;
		I->ents = xrealloc(I->ents, I->capents * sizeof(*I->ents));
	}
	I->ents[I->nents++] = e;
}

static void free_entries(struct gi *I, size_t from)
{
	while (I->nents > from) {
		struct gentry *e = &I->ents[--I->nents];
		free(e->title);
		free(e->id);
		sl_free(&e->args);
		if (e->bls)
			target_free(e->bls);
		free(e->bls);
	}
}

void g_menu_reset(struct gi *I)
{
	free_entries(I, 0);
}

/* ---- loader commands, acting on the entry being evaluated ---- */

/* The kernel command line as GRUB builds it from arguments. */
static void add_cmdline(struct strbuf *sb, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		if (i)
			sb_putc(sb, ' ');
		bool space = strchr(argv[i], ' ') != NULL;
		if (space)
			sb_putc(sb, '"');
		for (const char *c = argv[i]; *c; c++) {
			size_t plain = strcspn(c, "\\'\"");
			if (plain) {
				sb_add(sb, c, plain);
				c += plain - 1;
				continue;
			}
			if (*c == '\\' && c[1] == 'x' && c[2] && c[3] && strspn(c + 2, "0123456789abcdefABCDEF") >= 2) {
				sb_add(sb, c, 4);
				c += 3;
				continue;
			}
			if (*c == '\\' || *c == '\'' || *c == '"')
				sb_putc(sb, '\\');
			sb_putc(sb, *c);
		}
		if (space)
			sb_putc(sb, '"');
	}
}

/* A GRUB path as a kexec-loader path "(DEVICE)/path"; sets t->root. */
static char *kpath(struct gi *I, struct target *t, const char *gpath)
{
	char *dev, *path, *out;
	if (g_path(I, gpath, &dev, &path)) {
		size_t nd = strlen(dev), np = strlen(path);
		out = xmalloc(nd + np + 3);
		out[0] = '(';
		memcpy(out + 1, dev, nd);
		out[nd + 1] = ')';
		memcpy(out + nd + 2, path, np + 1);
		if (!t->root)
			t->root = xstrdup(dev);
	} else {
		const char *root = gv_get(I, "root");
		out = gpath[0] == '(' ? xstrdup(gpath) : xasprintf("(%s)%s", root ? root : "", path);
		target_refuse(t, "GRUB device of %s is not known; add a grub-map line to kexec-loader.conf",
			      gpath);
	}
	free(dev);
	free(path);
	return out;
}

static void clear_loaded(struct target *t)
{
	struct target keep = {.title = t->title, .origin = t->origin, .id = t->id};
	t->title = t->origin = t->id = NULL;
	target_free(t);
	*t = keep;
}

int g_cmd_loader(struct gi *I, int line, int argc, char **argv)
{
	struct target *t = I->cur;
	int i = 1;
	while (i < argc && argv[i][0] == '-' && argv[i][1] == '-')
		i++; /* --quirk-…, --force */
	if (i >= argc) {
		g_error(I, line, "filename expected");
		return 1;
	}
	if (!t)
		return 0;
	clear_loaded(t);
	t->kernel = kpath(I, t, argv[i]);
	struct strbuf sb = {0};
	const char *c = argv[0];
	if (str_starts(c, "multiboot")) {
		t->kind = c[9] == '2' ? KIND_MULTIBOOT2 : KIND_MULTIBOOT;
		/* Arguments only, as every source stores them: the boot engine puts
		 * the path first when it builds the Multiboot command line. */
		add_cmdline(&sb, argc - i - 1, argv + i + 1);
	} else if (str_starts(c, "chainloader")) {
		t->kind = KIND_CHAIN;
		target_refuse(t, "this entry chain-loads %s (a boot sector or EFI program); kexec can only "
			      "start Linux and Multiboot kernels", argv[i]);
	} else {
		t->kind = KIND_LINUX;
		sb_puts(&sb, "BOOT_IMAGE=");
		add_cmdline(&sb, 1, argv + i);
		if (i + 1 < argc)
			sb_putc(&sb, ' ');
		add_cmdline(&sb, argc - i - 1, argv + i + 1);
	}
	t->cmdline = sb.s ? sb_steal(&sb) : xstrdup("");
	I->cur_initrd_ok = t->kind == KIND_LINUX;
	return 0;
}

int g_cmd_initrd(struct gi *I, int line, int argc, char **argv)
{
	struct target *t = I->cur;
	if (!t)
		return 0;
	if (!I->cur_initrd_ok || !t->kernel) {
		g_error(I, line, "you need to load the kernel first");
		return 1;
	}
	sl_free(&t->initrds);
	for (int i = 1; i < argc; i++)
		if (!str_starts(argv[i], "--"))
			sl_push_owned(&t->initrds, kpath(I, t, argv[i]));
	return 0;
}

int g_cmd_module(struct gi *I, int line, int argc, char **argv)
{
	struct target *t = I->cur;
	if (!t)
		return 0;
	if (!t->kernel || (t->kind != KIND_MULTIBOOT && t->kind != KIND_MULTIBOOT2)) {
		g_error(I, line, "you need to load the kernel first");
		return 1;
	}
	int i = 1;
	bool nounzip = false;
	for (; i < argc && str_starts(argv[i], "--"); i++)
		nounzip |= !strcmp(argv[i], "--nounzip");
	if (i >= argc) {
		g_error(I, line, "filename expected");
		return 1;
	}
	struct strbuf sb = {0};
	add_cmdline(&sb, argc - i - 1, argv + i + 1);
	char *p = kpath(I, t, argv[i]);
	target_add_module(t, p, sb.s ? sb.s : "", nounzip);
	free(p);
	sb_free(&sb);
	return 0;
}

static const char *bls_var(void *ctx, const char *name)
{
	return gv_get(ctx, name);
}

static void add_bls_entry(struct gi *I, int line, struct target *t)
{
	char *argv[] = {t->title};
	size_t n = I->nents;
	g_menu_entry(I, false, line, 1, argv, NULL);
	if (I->nents == n) {
		target_free(t);
		return;
	}
	struct gentry *e = &I->ents[n];
	e->id = t->id ? xstrdup(t->id) : NULL;
	e->bls = xmalloc(sizeof(*t));
	*e->bls = *t;
	target_init(t);
}

/* Fedora's blscfg: every BLS entry of $root becomes a menu entry, with
 * $kernelopts and other variables taken from the environment. */
int g_cmd_blscfg(struct gi *I, int line, int argc, char **argv)
{
	if (I->in_entry)
		return 0;
	char *dev = g_resolve_dev(I, gv_get(I, "root"));
	if (!dev) {
		g_error(I, line, "no such device: %s", gv_get(I, "root") ? gv_get(I, "root") : "");
		return 1;
	}
	const char *dirs[] = {gv_get(I, "blsdir"), "/loader/entries", "/boot/loader/entries"};
	struct target_list l;
	tl_init(&l);
	for (size_t i = 0; i < ARRAY_SIZE(dirs) && !l.n; i++) {
		struct bls_opts bo = {.io = I->o->io, .device = dev, .dir = dirs[i], .lookup = bls_var,
				      .lookup_ctx = I};
		if (dirs[i] && I->o->io && I->o->io->list)
			bls_load(&bo, &l, I->d);
	}
	for (size_t i = 0; i < l.n; i++)
		add_bls_entry(I, line, &l.v[i]);
	tl_free(&l);
	free(dev);
	return 0;
}

/* A BLS entry as GRUB's blscfg boots it: linux and initrd on its device,
 * "BOOT_IMAGE=" first. */
static void bls_target(struct target *t, const struct target *b)
{
	const char *dev = b->root ? b->root : "";
	struct strbuf sb = {0};
	target_copy(t, b);
	free(t->kernel);
	t->kernel = b->kernel[0] == '(' ? xstrdup(b->kernel) : xasprintf("(%s)%s", dev, b->kernel);
	for (size_t i = 0; i < t->initrds.n; i++) {
		if (t->initrds.v[i][0] != '(') {
			char *p = xasprintf("(%s)%s", dev, t->initrds.v[i]);
			free(t->initrds.v[i]);
			t->initrds.v[i] = p;
		}
	}
	if (t->kind == KIND_LINUX) {
		sb_printf(&sb, "BOOT_IMAGE=%s%s%s", b->kernel, b->cmdline && *b->cmdline ? " " : "",
			  b->cmdline ? b->cmdline : "");
		free(t->cmdline);
		t->cmdline = sb_steal(&sb);
	}
}

/* ---- building the menu once the script has run ---- */

/* GRUB's menuentry_eq: id or title equal to spec up to a single '>'
 * (">>" stands for a '>' in the name). */
static bool entry_eq(const char *name, const char *spec)
{
	if (!name)
		return false;
	for (;;) {
		if (*spec == '>' && spec[1] != '>')
			return *name == 0;
		if (*spec == '>')
			spec++;
		if (*name != *spec)
			return false;
		if (!*name)
			return true;
		name++;
		spec++;
	}
}

/* What follows the first single '>' of spec, or NULL. */
static const char *spec_rest(const char *spec)
{
	for (; *spec; spec++) {
		if (*spec == '>' && spec[1] == '>')
			spec++;
		else if (*spec == '>')
			return spec + 1;
	}
	return NULL;
}

static int pick(struct gi *I, size_t from, size_t to, const char *spec)
{
	if (!spec)
		return -1;
	char *end;
	unsigned long n = strtoul(spec, &end, 10);
	/* a number only when all of it is (up to a '>'): Fedora's ids start with digits */
	if (end != spec && spec[0] >= '0' && spec[0] <= '9' && (!*end || (*end == '>' && end[1] != '>')))
		return n < to - from ? (int)n : 0;
	for (size_t i = from; i < to; i++)
		if (entry_eq(I->ents[i].title, spec) || entry_eq(I->ents[i].id, spec))
			return (int)(i - from);
	return 0;
}

static int build(struct gi *I, size_t from, size_t to, const char *spec, struct target_list *out);

static void reset_run(struct gi *I)
{
	I->jump = J_NONE;
	I->loops = 0;
	I->depth = 0;
}

/* Runs an entry's body, as part of the file it was written in (its
 * messages, eval and source name that file). Functions it defines do not
 * outlive it: GRUB would define them only when the entry runs. */
static void run_body(struct gi *I, const struct gentry *e)
{
	if (!e->body)
		return;
	const char *ofile = I->file, *odev = I->dev;
	I->file = e->file;
	I->dev = e->dev;
	size_t nf = I->nfuncs;
	const struct gnode **bodies = xmalloc((nf ? nf : 1) * sizeof(*bodies));
	for (size_t i = 0; i < nf; i++)
		bodies[i] = I->funcs[i].body;
	reset_run(I);
	g_exec_list(I, e->body);
	reset_run(I);
	while (I->nfuncs > nf)
		free(I->funcs[--I->nfuncs].name);
	for (size_t i = 0; i < nf; i++)
		I->funcs[i].body = bodies[i];
	free(bodies);
	I->file = ofile;
	I->dev = odev;
}

static int eval_entry(struct gi *I, size_t idx, const char *title, struct target_list *out)
{
	struct gentry *e = &I->ents[idx];
	struct target t;
	target_init(&t);
	if (e->bls) {
		bls_target(&t, e->bls);
		return (int)tl_push(out, &t);
	}
	t.title = xstrdup(title);
	t.id = e->id ? xstrdup(e->id) : NULL;
	char where[32];
	snprintf(where, sizeof(where), ":%d on ", e->line);
	t.origin = xstrcat3(e->file, where, e->dev ? e->dev : "?");
	struct strlist args = {0}, *saved = I->argv;
	sl_copy(&args, &e->args);
	size_t mark = gv_mark(I);
	gv_set(I, "chosen", title);
	I->argv = &args;
	I->cur = &t;
	I->in_entry = true;
	I->cur_initrd_ok = false;
	run_body(I, e);
	I->in_entry = false;
	I->cur = NULL;
	I->argv = saved;
	gv_rollback(I, mark);
	sl_free(&args);
	if (!t.kernel) {
		t.kind = KIND_CHAIN;
		target_refuse(&t, "this GRUB entry loads no kernel");
	}
	return (int)tl_push(out, &t);
}

static int eval_submenu_body(struct gi *I, size_t idx, const char *spec, struct target_list *out);

/* A submenu that sources its own file holds itself: each level is bounded,
 * and so must the nesting be, or PID 1's stack runs out. */
static int eval_submenu(struct gi *I, size_t idx, const char *spec, struct target_list *out)
{
	if (I->submenus >= G_MAX_DEPTH) {
		if (!I->limit_told)
			diag_add(I->d, I->ents[idx].file, I->ents[idx].line,
				 "submenus nest more than %d deep (does a submenu source its own file?); "
				 "the deeper ones are left out", G_MAX_DEPTH);
		I->limit_told = true;
		return -1;
	}
	I->submenus++;
	int r = eval_submenu_body(I, idx, spec, out);
	I->submenus--;
	return r;
}

static int eval_submenu_body(struct gi *I, size_t idx, const char *spec, struct target_list *out)
{
	size_t mark = gv_mark(I);
	for (size_t i = I->nvars; i-- > 0;)
		if (!I->vars[i].exported)
			gv_unset(I, I->vars[i].name);
	struct strlist args = {0}, *saved = I->argv;
	sl_copy(&args, &I->ents[idx].args);
	I->argv = &args;
	int parent = I->menu_parent;
	I->menu_parent = (int)idx;
	size_t from = I->nents;
	struct gentry copy = I->ents[idx]; /* the array may move while it runs */
	run_body(I, &copy);
	size_t to = I->nents;
	I->menu_parent = parent;
	I->argv = saved;
	sl_free(&args);
	const char *d = gv_get(I, "default");
	char *own = d ? xstrdup(d) : NULL;
	size_t first = out->n;
	/* its entries run in the submenu's context too */
	int r = build(I, from, to, spec ? spec : own ? own : "0", out);
	gv_rollback(I, mark);
	free(own);
	free_entries(I, from);
	return r >= 0 ? r : out->n > first ? (int)first : -1;
}

/* The targets of the menu made of entries [from, to); returns the target
 * that spec (GRUB's default syntax) chooses, or -1. */
static int build(struct gi *I, size_t from, size_t to, const char *spec, struct target_list *out)
{
	int chosen = pick(I, from, to, spec), result = -1;
	const char *rest = spec ? spec_rest(spec) : NULL;
	for (size_t i = from; i < to; i++) {
		char *title = xstrdup(I->ents[i].title);
		bool mine = (int)(i - from) == chosen;
		int r = I->ents[i].submenu ? eval_submenu(I, i, mine ? rest : NULL, out)
					  : eval_entry(I, i, title, out);
		if (mine)
			result = r;
		free(title);
	}
	return result;
}

/* ---- set-up and the entry points ---- */

static void set_exported(struct gi *I, const char *name, const char *val)
{
	gv_set(I, name, val);
	gv_export(I, name);
}

static void initial_vars(struct gi *I, const char *root, const char *path)
{
	static const char *const features[] = {
		"feature_chainloader_bpb", "feature_ntldr", "feature_platform_search_hint",
		"feature_default_font_path", "feature_all_video_module", "feature_menuentry_id",
		"feature_menuentry_options", "feature_200_final", "feature_nativedisk_cmd",
		"feature_timeout_style"};
	for (size_t i = 0; i < ARRAY_SIZE(features); i++)
		set_exported(I, features[i], "y");
	set_exported(I, "grub_platform", "pc");
	set_exported(I, "grub_cpu", "i386");
	if (!root)
		return;
	set_exported(I, "root", root);
	const char *slash = strrchr(path, '/');
	char *dir = xasprintf("(%s)%.*s", root, slash ? (int)(slash - path) : 0, path);
	char *file = xasprintf("(%s)%s", root, path);
	set_exported(I, "prefix", dir);
	set_exported(I, "config_directory", dir);
	set_exported(I, "config_file", file);
	char *cmdpath = str_starts(path, "/EFI/") || str_starts(path, "/efi/")
				? xstrdup(dir) : xasprintf("(%.*s)", (int)strcspn(root, ","), root);
	set_exported(I, "cmdpath", cmdpath);
	free(cmdpath);
	free(file);
	free(dir);
}

static void gi_free(struct gi *I)
{
	free_entries(I, 0);
	free(I->ents);
	for (size_t i = 0; i < I->nvars; i++) {
		free(I->vars[i].name);
		free(I->vars[i].val);
	}
	free(I->vars);
	for (size_t i = 0; i < I->nundo; i++) {
		free(I->undo[i].name);
		free(I->undo[i].val);
	}
	free(I->undo);
	for (size_t i = 0; i < I->nfuncs; i++)
		free(I->funcs[i].name);
	free(I->funcs);
	g_args_free(I);
	g_memo_free(I);
	while (I->files) {
		struct gfile *f = I->files;
		I->files = f->next;
		ga_free(&f->ar);
		free(f->name);
		free(f->dev);
		free(f->text);
		free(f);
	}
	sl_free(&I->saved);
}

static void finish_menu(struct gi *I, struct target_list *out)
{
	struct target_list l;
	tl_init(&l);
	size_t top = I->nents;
	const char *d = gv_get(I, "default");
	char *spec = d ? xstrdup(d) : NULL;
	const char *to = gv_get(I, "timeout"), *style = gv_get(I, "timeout_style");
	char *end = NULL;
	long timeout = to && *to ? strtol(to, &end, 10) : -1;
	l.timeout = end && *end ? -1 : timeout < 0 ? -1 : timeout > 1000000 ? 1000000 : (int)timeout;
	bool hidden = style && (!strcmp(style, "hidden") || !strcmp(style, "countdown"));
	I->steps = I->cmds = 0;
	I->bytes = 0;
	I->limit_told = false;
	l.default_index = build(I, 0, top, spec, &l);
	free(spec);
	bool first = out->n == 0;
	tl_append(out, &l);
	if (first)
		out->hidden_menu = hidden;
}

int grub2_load(const struct grub2_opts *o, struct target_list *out, struct diag_list *d)
{
	struct gi I = {.o = o, .d = d, .out = o->echo_out, .menu_parent = -1};
	struct strlist top = {0};
	I.argv = &top;
	char *buf = NULL;
	size_t len = 0;
	int r = o->io && o->io->read ? o->io->read(o->io->ctx, o->device, o->path, G_MAX_FILE, &buf, &len)
				       : -ENOSYS;
	if (r == 0) {
		char *root = o->device ? g_grubname(&I, o->device) : NULL;
		initial_vars(&I, root, o->path);
		free(root);
		g_run_text(&I, buf, len, o->path, o->device, 0);
		finish_menu(&I, out);
	} else {
		diag_take(d, uf_message(o->path, o->device, r));
	}
	gi_free(&I);
	sl_free(&top);
	return r;
}

static const struct fsio no_io;

int grub2_run_script(const char *text, size_t len, const char *name, struct strbuf *echo_out,
		     struct diag_list *d)
{
	struct grub2_opts o = {.io = &no_io, .echo_out = echo_out};
	struct gi I = {.o = &o, .d = d, .out = echo_out, .menu_parent = -1};
	struct strlist top = {0};
	I.argv = &top;
	initial_vars(&I, NULL, "");
	size_t n = len < G_MAX_FILE ? len : G_MAX_FILE;
	char *copy = xmalloc(n + 1);
	memcpy(copy, text, n);
	copy[n] = 0;
	int st = g_run_text(&I, copy, n, name, NULL, 0);
	gi_free(&I);
	sl_free(&top);
	return st;
}
