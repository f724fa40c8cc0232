#include "sources.h"

#include <errno.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include "bls.h"
#include "devpath.h"
#include "errtext.h"
#include "grub2.h"
#include "grub_legacy.h"
#include "grub_devmap.h"
#include "syslinux.h"
#include "userfile.h"

struct src {
	const struct config *c;
	const struct fsio *io;
	struct diag_list *d;
	struct target_list found;
	const char *damaged; /* the last device said to be unreadable: once is enough */
};

/* An answer other than "not there" means the filesystem itself fails (a
 * damaged one gives EBADMSG or EUCLEAN, a dying disk EIO): say so, or the
 * user sees no targets and no reason. */
static void check_answer(struct src *s, const char *dev, const char *path, int r)
{
	if (r >= 0 || r == -ENOENT || r == -ENOTDIR || (s->damaged && !strcmp(s->damaged, dev)))
		return;
	s->damaged = dev;
	diag_add(s->d, dev, 0, "the filesystem cannot be read (%s, looking at %s): it may be "
		 "damaged; check it with fsck from another system (kexec-loader never repairs a "
		 "disk)", errtext(-r), path);
}

static char *to_device(void *ctx, const char *grubname)
{
	return grubdev_to_device(ctx, grubname, false);
}

static char *from_device(void *ctx, const char *kname)
{
	return grubdev_from_device(ctx, kname);
}

static bool exists(struct src *s, const char *dev, const char *path)
{
	bool is_dir;
	int r = s->io->stat(s->io->ctx, dev, path, &is_dir);
	check_answer(s, dev, path, r);
	return r == 0 && !is_dir;
}

/* The GRUB devices for files of one folder: grub-map lines, its device.map,
 * and the disk it is on as hd0. */
static struct grubdev *folder_map(struct src *s, const char *dev, const char *dir)
{
	struct grubdev *g = grubdev_new(s->io);
	for (size_t i = 0; i < s->c->ngrub_maps; i++)
		grubdev_add_map(g, s->c->grub_maps[i].grub, s->c->grub_maps[i].device);
	grubdev_set_home(g, dev);
	char *path = xasprintf("%s/device.map", dir), *text;
	size_t len;
	int r = s->io->read(s->io->ctx, dev, path, 1 << 16, &text, &len);
	if (r == 0) {
		grubdev_parse_device_map(g, text, len, path, s->d);
		free(text);
	} else if (uf_is_refusal(-r)) {
		diag_take(s->d, uf_message(path, dev, r));
	}
	free(path);
	return g;
}

static void run_grub2(struct src *s, const char *dev, const char *dir, const char *path)
{
	struct grubdev *g = folder_map(s, dev, dir);
	struct grub2_opts o = {.io = s->io, .device = dev, .path = path, .to_device = to_device,
			       .from_device = from_device, .map_ctx = g};
	grub2_load(&o, &s->found, s->d); /* it says itself why a file cannot be read */
	grubdev_free(g);
}

static bool run_legacy(struct src *s, const char *dev, const char *dir)
{
	static const char *const names[] = {"menu.lst", "grub.conf"};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		char *path = xasprintf("%s/%s", dir, names[i]), *text;
		size_t len;
		int r = s->io->read(s->io->ctx, dev, path, 1 << 20, &text, &len);
		bool ok = r == 0;
		if (uf_is_refusal(-r))
			diag_take(s->d, uf_message(path, dev, r));
		if (ok) {
			struct grubdev *g = folder_map(s, dev, dir);
			struct grub_legacy_opts o = {s->io, dev, path, g};
			grub_legacy_parse(&o, text, len, &s->found, s->d);
			grubdev_free(g);
			free(text);
		}
		free(path);
		if (ok)
			return true;
	}
	return false;
}

/* A GRUB folder: grub.cfg, else menu.lst or grub.conf. */
static bool grub_folder(struct src *s, const char *dev, const char *dir, bool legacy_too)
{
	char *cfg = xasprintf("%s/grub.cfg", dir);
	bool found = exists(s, dev, cfg);
	if (found)
		run_grub2(s, dev, dir, cfg);
	free(cfg);
	return found || (legacy_too && run_legacy(s, dev, dir));
}

static bool runs_blscfg(const struct src *s, const char *dev, const char *dir)
{
	char *path = xasprintf("%s/grub.cfg", dir), *text = NULL;
	bool r = s->io->read(s->io->ctx, dev, path, 1 << 20, &text, NULL) == 0 && strstr(text, "blscfg");
	free(text);
	free(path);
	return r;
}

static void grub_autodetect(struct src *s, const char *dev, bool *blscfg)
{
	static const char *const dirs[] = {"/boot/grub", "/grub", "/boot/grub2", "/grub2"};
	bool found = false;
	for (size_t i = 0; i < ARRAY_SIZE(dirs) && !found; i++)
		if ((found = grub_folder(s, dev, dirs[i], false)))
			*blscfg = runs_blscfg(s, dev, dirs[i]);
	struct strlist efi = {0};
	check_answer(s, dev, "/EFI", s->io->list(s->io->ctx, dev, "/EFI", &efi));
	for (size_t i = 0; i < efi.n; i++) {
		if (!str_ends(efi.v[i], "/"))
			continue;
		char *dir = xasprintf("/EFI/%.*s", (int)strlen(efi.v[i]) - 1, efi.v[i]);
		found |= grub_folder(s, dev, dir, false);
		free(dir);
	}
	sl_free(&efi);
	for (size_t i = 0; i < 2 && !found; i++)
		found = run_legacy(s, dev, dirs[i]);
}

static void bls_autodetect(struct src *s, const char *dev)
{
	static const char *const dirs[] = {"/loader/entries", "/boot/loader/entries"};
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		struct bls_opts o = {s->io, dev, dirs[i], NULL, NULL, true};
		check_answer(s, dev, dirs[i], bls_load(&o, &s->found, s->d));
	}
}

static void syslinux_autodetect(struct src *s, const char *dev)
{
	static const char *const families[][4] = {
		{"/boot/syslinux/syslinux.cfg", "/syslinux/syslinux.cfg", "/syslinux.cfg", NULL},
		{"/boot/extlinux/extlinux.conf", "/extlinux/extlinux.conf", "/extlinux.conf", NULL},
		{"/boot/isolinux/isolinux.cfg", "/isolinux/isolinux.cfg", "/isolinux.cfg", NULL},
	};
	for (size_t f = 0; f < ARRAY_SIZE(families); f++)
		for (size_t i = 0; families[f][i]; i++) {
			struct syslinux_opts o = {.io = s->io, .device = dev, .path = families[f][i]};
			if (exists(s, dev, families[f][i]) && syslinux_load(&o, &s->found, s->d) == 0)
				break;
		}
}

static bool is_device(const struct fsinfo *f, const char *spec)
{
	struct devspec ds;
	if (!spec || devspec_parse(spec, &ds) < 0)
		return false;
	const char *have = ds.by == DEV_BY_NAME ? f->name : ds.by == DEV_BY_LABEL ? f->label : f->uuid;
	bool r = have && (ds.by == DEV_BY_UUID ? strcasecmp(have, ds.value) : strcmp(have, ds.value)) == 0;
	devspec_free(&ds);
	return r;
}

static void autodetect_one(struct src *s, const char *dev)
{
	bool blscfg = false;
	grub_autodetect(s, dev, &blscfg);
	if (!blscfg)
		bls_autodetect(s, dev);
	syslinux_autodetect(s, dev);
}

/* One filesystem's boot menus, with a recovery point: when memory runs out
 * while they are read, what they gave so far stays, the rest is left out
 * with a message, and the other filesystems are still read. */
static void autodetect_guarded(struct src *s, const char *dev)
{
	struct oom_point p;
	oom_push(&p);
	if (sigsetjmp(p.jb, 0) == 0)
		autodetect_one(s, dev);
	else
		diag_add(s->d, dev, 0, "not enough memory to read the boot menus of this filesystem; "
			 "the entries not yet read are left out");
	oom_pop(&p);
}

static void autodetect(struct src *s, const char *boot_device)
{
	const struct fsinfo *v;
	size_t n = s->io->devices ? s->io->devices(s->io->ctx, &v) : 0;
	for (size_t i = 0; i < n; i++)
		if (v[i].fstype && v[i].name && !is_device(&v[i], boot_device))
			autodetect_guarded(s, v[i].name);
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool same_target(const struct target *a, const struct target *b)
{
	if (!same_str(a->title, b->title) || !same_str(a->root, b->root) ||
	    !same_str(a->kernel, b->kernel) || !same_str(a->cmdline, b->cmdline) ||
	    a->initrds.n != b->initrds.n || a->nmodules != b->nmodules || a->kind != b->kind)
		return false;
	for (size_t i = 0; i < a->initrds.n; i++)
		if (strcmp(a->initrds.v[i], b->initrds.v[i]))
			return false;
	for (size_t i = 0; i < a->nmodules; i++)
		if (strcmp(a->modules[i].path, b->modules[i].path) ||
		    strcmp(a->modules[i].cmdline, b->modules[i].cmdline))
			return false;
	return true;
}

static uint64_t hash_str(uint64_t h, const char *s)
{
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return (h ^ 0xff) * 0x100000001b3ull; /* a separator, so "ab"+"c" differs from "a"+"bc" */
}

/* Hashes what same_target compares. */
static uint64_t hash_target(const struct target *t)
{
	uint64_t h = 0xcbf29ce484222325ull ^ (uint64_t)t->kind;
	h = hash_str(hash_str(hash_str(hash_str(h, t->title), t->root), t->kernel), t->cmdline);
	for (size_t i = 0; i < t->initrds.n; i++)
		h = hash_str(h, t->initrds.v[i]);
	for (size_t i = 0; i < t->nmodules; i++)
		h = hash_str(hash_str(h, t->modules[i].path), t->modules[i].cmdline);
	return h;
}

/* Drops targets equal to an earlier one. A hash table keeps this linear: a
 * GRUB menu may hold thousands of entries. */
static void drop_repeats(struct target_list *l)
{
	size_t cap = 16;
	while (cap < l->n * 2)
		cap *= 2;
	struct slot {
		uint64_t hash;
		size_t index; /* + 1; 0: empty */
	} *tab = xcalloc(cap, sizeof(*tab));
	size_t keep = 0;
	for (size_t i = 0; i < l->n; i++) {
		uint64_t h = hash_target(&l->v[i]);
		size_t k = (size_t)h & (cap - 1);
		for (; tab[k].index; k = (k + 1) & (cap - 1))
			if (tab[k].hash == h && same_target(&l->v[tab[k].index - 1], &l->v[i]))
				break;
		if (tab[k].index) {
			if (l->default_index == (int)i)
				l->default_index = (int)tab[k].index - 1;
			target_free(&l->v[i]);
			continue;
		}
		if (l->default_index == (int)i)
			l->default_index = (int)keep;
		tab[k] = (struct slot){h, keep + 1};
		l->v[keep++] = l->v[i];
	}
	l->n = keep;
	free(tab);
}

void sources_collect(const struct config *c, const struct fsio *io, const char *boot_device,
		     struct target_list *out, struct diag_list *d)
{
	struct src s = {c, io, d, {0}, NULL};
	tl_init(&s.found);
	if (c->grub_path) {
		char *dev, *path;
		if (path_split(c->grub_path, &dev, &path) == 0 && dev) {
			if (!grub_folder(&s, dev, path, true))
				diag_add(d, "kexec-loader.conf", 0, "grub-path %s: no grub.cfg, menu.lst or "
					 "grub.conf there", c->grub_path);
		}
		free(dev);
		free(path);
	}
	if (config_grub_autodetect(c))
		autodetect(&s, boot_device);
	drop_repeats(&s.found);

	size_t base = out->n;
	for (size_t i = 0; i < c->targets.n; i++) {
		struct target t;
		target_copy(&t, &c->targets.v[i]);
		tl_push(out, &t);
	}
	bool conf_rules = c->targets.n > 0;
	/* "timeout off" is a choice (wait for a key), not the absence of one */
	int timeout = conf_rules || c->timeout_set ? c->targets.timeout : s.found.timeout;
	bool hidden = !conf_rules && s.found.hidden_menu;
	int def = conf_rules ? (int)base + (int)tl_default(&c->targets)
		  : s.found.default_index >= 0 ? (int)out->n + s.found.default_index : -1;
	tl_append(out, &s.found);
	out->default_index = def;
	out->timeout = timeout;
	out->hidden_menu = hidden;
}
