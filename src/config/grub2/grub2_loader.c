/* The GRUB 2 loader commands, acting on the entry being evaluated: linux
 * (linux16, linuxefi), initrd, multiboot and module, chainloader; and
 * Fedora's blscfg, which adds the BLS entries of $root to the menu. */
#include "bls.h"
#include "grub2_loader.h"
#include "grub2_menu.h"
#include "grub2_search.h"
#include "grub2_vars.h"

#include <stdlib.h>
#include <string.h>

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
	t->flags &= ~(unsigned)TF_MB_ARGS_ONLY;
	struct strbuf sb = {0};
	const char *c = argv[0];
	if (str_starts(c, "multiboot")) {
		t->kind = c[9] == '2' ? KIND_MULTIBOOT2 : KIND_MULTIBOOT;
		/* Arguments only, as every source stores them; unlike GRUB legacy
		 * and kexec-loader.conf, GRUB 2 gives the kernel and its modules
		 * no path in front of them. */
		t->flags |= TF_MB_ARGS_ONLY;
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
		struct bls_opts bo = {.io = I->io, .device = dev, .dir = dirs[i], .lookup = bls_var,
				      .lookup_ctx = I};
		if (dirs[i] && I->io && I->io->list)
			bls_load(&bo, &l, I->d);
	}
	for (size_t i = 0; i < l.n; i++)
		add_bls_entry(I, line, &l.v[i]);
	tl_free(&l);
	free(dev);
	return 0;
}
