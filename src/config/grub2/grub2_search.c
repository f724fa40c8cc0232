/* GRUB 2 devices and files for the interpreter: "(hd0,gpt2)/path" to a
 * kexec-loader device and path, file reads through fsio, and the commands
 * that ask about devices: search (and search.file/fs_label/fs_uuid), probe. */
#include "grub2_search.h"
#include "grub2_vars.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static size_t devices(struct gi *I, const struct fsinfo **v)
{
	const struct fsio *io = I->io;
	*v = NULL;
	return io && io->devices ? io->devices(io->ctx, v) : 0;
}

/* A device that needs no mapping: one fsio lists, the one the file was
 * found on, or a LABEL=/UUID= form. */
static bool known_device(struct gi *I, const char *name)
{
	if (I->device && !strcmp(name, I->device))
		return true;
	const char *eq = strchr(name, '=');
	if (eq && eq > name && !strchr(name, ',')) {
		size_t n = eq - name;
		const char *colon = memchr(name, ':', n);
		const char *key = colon ? colon + 1 : name;
		if (str_starts(key, "UUID=") || str_starts(key, "LABEL="))
			return true;
	}
	const struct fsinfo *v;
	size_t n = devices(I, &v);
	for (size_t i = 0; i < n; i++)
		if (v[i].name && !strcmp(v[i].name, name))
			return true;
	return false;
}

/* A cached answer for key: true, with *val (NULL for "none"), when known. */
static bool memo_get(struct gmemo *m, size_t n, const char *key, const char **val)
{
	for (size_t i = 0; i < n; i++)
		if (m[i].key && !strcmp(m[i].key, key)) {
			*val = m[i].val;
			return true;
		}
	return false;
}

static void memo_put(struct gmemo *m, unsigned *next, size_t n, const char *key, const char *val)
{
	struct gmemo *e = &m[*next % n];
	*next = (*next + 1) % n;
	free(e->key);
	free(e->val);
	e->key = xstrdup(key);
	e->val = val ? xstrdup(val) : NULL;
}

void g_memo_free(struct gi *I)
{
	for (size_t i = 0; i < ARRAY_SIZE(I->to_dev); i++) {
		free(I->to_dev[i].key);
		free(I->to_dev[i].val);
		free(I->from_dev[i].key);
		free(I->from_dev[i].val);
	}
}

static char *resolve_dev(struct gi *I, const char *grubname);

char *g_resolve_dev(struct gi *I, const char *grubname)
{
	const char *v;
	if (!grubname)
		return NULL;
	if (memo_get(I->to_dev, ARRAY_SIZE(I->to_dev), grubname, &v))
		return v ? xstrdup(v) : NULL;
	char *dev = resolve_dev(I, grubname);
	memo_put(I->to_dev, &I->to_next, ARRAY_SIZE(I->to_dev), grubname, dev);
	return dev;
}

static char *resolve_dev(struct gi *I, const char *grubname)
{
	if (!grubname)
		return NULL;
	size_t n = strlen(grubname);
	if (n >= 2 && grubname[0] == '(' && grubname[n - 1] == ')') {
		grubname++;
		n -= 2;
	}
	if (!n)
		return NULL;
	char *name = xstrndup(grubname, n);
	char *dev = I->to_device ? I->to_device(I->map_ctx, name) : NULL;
	if (!dev && known_device(I, name))
		dev = xstrdup(name);
	free(name);
	return dev;
}

char *g_grubname(struct gi *I, const char *kname)
{
	const char *v;
	if (memo_get(I->from_dev, ARRAY_SIZE(I->from_dev), kname, &v))
		return xstrdup(v);
	char *g = I->from_device ? I->from_device(I->map_ctx, kname) : NULL;
	if (!g)
		g = xstrdup(kname);
	memo_put(I->from_dev, &I->from_next, ARRAY_SIZE(I->from_dev), kname, g);
	return g;
}

bool g_path(struct gi *I, const char *gpath, char **dev, char **path)
{
	const char *rest = gpath;
	if (gpath[0] == '(') {
		const char *close = strchr(gpath, ')');
		if (!close) {
			*dev = NULL;
			*path = xstrdup(gpath);
			return false;
		}
		char *name = xstrndup(gpath + 1, close - gpath - 1);
		*dev = g_resolve_dev(I, name);
		free(name);
		rest = close + 1;
	} else {
		*dev = g_resolve_dev(I, gv_get(I, "root"));
	}
	*path = rest[0] == '/' || !rest[0] ? xstrdup(rest) : xstrcat3("/", rest, NULL);
	return *dev != NULL;
}

int g_read(struct gi *I, const char *gpath, char **buf, size_t *len)
{
	return g_read_max(I, gpath, G_MAX_FILE, buf, len);
}

int g_read_max(struct gi *I, const char *gpath, size_t max, char **buf, size_t *len)
{
	char *dev, *path;
	int r = -ENODEV;
	const struct fsio *io = I->io;
	size_t got = 0;
	if (I->read >= G_MAX_READ) {
		/* load_env or source of a big file in a loop: the work is in the reading */
		g_limit(I, 0, "more than 64 MiB read from files (load_env or source in a loop?)");
		return -EFBIG;
	}
	if (g_path(I, gpath, &dev, &path) && io && io->read)
		r = path[0] ? io->read(io->ctx, dev, path, max, buf, &got) : -EISDIR;
	I->read += got;
	if (len)
		*len = got;
	free(dev);
	free(path);
	return r;
}

/* Whether a GRUB path exists, and what it is. A device alone is a directory. */
bool g_stat(struct gi *I, const char *gpath, bool *is_dir)
{
	char *dev, *path;
	bool ok = false;
	const struct fsio *io = I->io;
	*is_dir = false;
	if (g_path(I, gpath, &dev, &path)) {
		if (!path[0]) {
			ok = *is_dir = true;
		} else if (io && io->stat) {
			ok = io->stat(io->ctx, dev, path, is_dir) == 0;
		}
	}
	free(dev);
	free(path);
	return ok;
}

/* ---- search ---- */

enum { BY_FILE = 'f', BY_LABEL = 'l', BY_UUID = 'u' };

static bool matches(struct gi *I, const struct fsinfo *fi, int by, const char *key)
{
	const struct fsio *io = I->io;
	bool dir;
	switch (by) {
	case BY_UUID:
		return fi->uuid && !strcasecmp(fi->uuid, key);
	case BY_LABEL:
		return fi->label && !strcmp(fi->label, key);
	default:
		return io->stat && io->stat(io->ctx, fi->name, key, &dir) == 0;
	}
}

static const struct fsinfo *search_dev(struct gi *I, int by, const char *key, struct strlist *hints)
{
	const struct fsinfo *v;
	size_t n = devices(I, &v);
	for (size_t h = 0; h < hints->n; h++) {
		char *dev = g_resolve_dev(I, hints->v[h]);
		for (size_t i = 0; dev && i < n; i++)
			if (v[i].name && !strcmp(v[i].name, dev) && matches(I, &v[i], by, key)) {
				free(dev);
				return &v[i];
			}
		free(dev);
	}
	for (size_t i = 0; i < n; i++)
		if (v[i].name && matches(I, &v[i], by, key))
			return &v[i];
	return NULL;
}

/* An option's value: "--opt=VALUE" or "--opt VALUE". */
static const char *opt_value(const char *arg, int argc, char **argv, int *i)
{
	const char *eq = strchr(arg, '=');
	if (eq)
		return eq + 1;
	return *i + 1 < argc ? argv[++*i] : "";
}

int g_cmd_search(struct gi *I, int line, int argc, char **argv)
{
	int by = 0;
	const char *var = NULL, *key = NULL;
	struct strlist hints = {0};
	const char *cmd = argv[0];
	if (str_starts(cmd, "search."))
		by = cmd[7] == 'f' && cmd[8] == 'i' ? BY_FILE : cmd[10] == 'l' ? BY_LABEL : BY_UUID;
	bool wrap = by != 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-f") || !strcmp(a, "--file"))
			by = BY_FILE;
		else if (!strcmp(a, "-l") || !strcmp(a, "--label"))
			by = BY_LABEL;
		else if (!strcmp(a, "-u") || !strcmp(a, "--fs-uuid"))
			by = BY_UUID;
		else if (!strcmp(a, "-s") || !strcmp(a, "--set"))
			var = "root";
		else if (str_starts(a, "--set="))
			var = a + 6;
		else if (str_starts(a, "--hint"))
			sl_push(&hints, opt_value(a, argc, argv, &i));
		else if (a[0] == '-' && a[1])
			continue; /* --no-floppy, --efidisk-only, … */
		else if (!key)
			key = a;
		else if (wrap && !var)
			var = a;
		else if (wrap)
			sl_push(&hints, a);
	}
	if (wrap && !var)
		var = "root";
	int st = 1;
	if (!key || !by) {
		g_error(I, line, key ? "unspecified search type" : "one argument expected");
	} else {
		const struct fsinfo *fi = search_dev(I, by, key, &hints);
		if (!fi) {
			g_error(I, line, "no such device: %s", key);
		} else {
			char *g = g_grubname(I, fi->name);
			if (var)
				gv_set(I, var, g);
			else if (I->out)
				sb_printf(I->out, " %s", g);
			free(g);
			st = 0;
		}
	}
	sl_free(&hints);
	return st;
}

/* ---- probe ---- */

static const struct fsinfo *find_dev(struct gi *I, const char *dev)
{
	const struct fsinfo *v;
	size_t n = devices(I, &v);
	const char *uuid = str_starts(dev, "UUID=") ? dev + 5 : NULL;
	const char *label = str_starts(dev, "LABEL=") ? dev + 6 : NULL;
	for (size_t i = 0; i < n; i++) {
		if ((v[i].name && !strcmp(v[i].name, dev)) ||
		    (uuid && v[i].uuid && !strcasecmp(v[i].uuid, uuid)) ||
		    (label && v[i].label && !strcmp(v[i].label, label)))
			return &v[i];
	}
	return NULL;
}

int g_cmd_probe(struct gi *I, int line, int argc, char **argv)
{
	const char *var = NULL, *what = NULL, *name = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-s") || str_starts(a, "--set"))
			var = opt_value(a, argc, argv, &i);
		else if (a[0] == '-' && a[1])
			what = a;
		else
			name = a;
	}
	if (!name || !what) {
		g_error(I, line, "one argument expected");
		return 1;
	}
	char *dev = g_resolve_dev(I, name);
	const struct fsinfo *fi = dev ? find_dev(I, dev) : NULL;
	free(dev);
	const char *val = NULL;
	if (fi) {
		if (!strcmp(what, "-f") || !strcmp(what, "--fs"))
			val = fi->fstype;
		else if (!strcmp(what, "-u") || !strcmp(what, "--fs-uuid"))
			val = fi->uuid;
		else if (!strcmp(what, "-l") || !strcmp(what, "--label"))
			val = fi->label;
		else if (!strcmp(what, "-p") || !strcmp(what, "--partmap"))
			val = fi->pttype && !strcmp(fi->pttype, "dos") ? "msdos" : fi->pttype;
		else if (!strcmp(what, "-d") || !strcmp(what, "--driver"))
			val = "biosdisk";
	}
	if (!val) {
		g_error(I, line, "cannot probe %s", name);
		return 1;
	}
	if (var)
		gv_set(I, var, val);
	else if (I->out)
		sb_printf(I->out, "%s", val);
	return 0;
}
