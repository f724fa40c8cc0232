/* GRUB device names to kexec-loader devices; the rules are in grub_devmap.h and
 * docs/grub-devices.md. Every partition number is kept as the kernel counts
 * (from 1), so a menu.lst's (hd0,0), a grub.cfg's (hd0,msdos1) and a
 * grub-map's hd0,1 all name the same partition. */
#include "grub_devmap.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "devpath.h"

struct gname {
	char disk[16]; /* "hd0", "fd0", "cd" */
	int part;      /* kernel numbering, 0 for the whole disk */
	char bsd;      /* BSD partition letter or 0 */
};

struct gmap {
	struct gname key;
	char *device;
};

struct grubdev {
	const struct fsio *io;
	struct gmap *v;  /* grub-map entries first, then device.map ones */
	size_t n, nuser;
	char *home;      /* the disk the configuration was found on */
};

struct grubdev *grubdev_new(const struct fsio *io)
{
	struct grubdev *g = xcalloc(1, sizeof(*g));
	g->io = io;
	return g;
}

void grubdev_free(struct grubdev *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n; i++)
		free(g->v[i].device);
	free(g->v);
	free(g->home);
	free(g);
}

static size_t devlist(const struct grubdev *g, const struct fsinfo **v)
{
	*v = NULL;
	return g->io && g->io->devices ? g->io->devices(g->io->ctx, v) : 0;
}

static const struct fsinfo *find_name(const struct grubdev *g, const char *name)
{
	const struct fsinfo *v;
	size_t n = devlist(g, &v);
	for (size_t i = 0; i < n; i++)
		if (v[i].name && strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

/* A device in kexec-loader's syntax -> the entry of the device list. */
static const struct fsinfo *find_spec(const struct grubdev *g, const char *spec)
{
	struct devspec ds;
	if (devspec_parse(spec, &ds) < 0)
		return NULL;
	const struct fsinfo *v, *hit = NULL;
	size_t n = devlist(g, &v);
	for (size_t i = 0; i < n && !hit; i++) {
		const char *have = ds.by == DEV_BY_NAME ? v[i].name : ds.by == DEV_BY_LABEL ? v[i].label : v[i].uuid;
		if (have && (ds.by == DEV_BY_UUID ? strcasecmp(have, ds.value) : strcmp(have, ds.value)) == 0)
			hit = &v[i];
	}
	devspec_free(&ds);
	return hit;
}

static bool parse_num(const char **s, int *out)
{
	if (!isdigit((unsigned char)**s))
		return false;
	long n = 0;
	while (isdigit((unsigned char)**s) && n < 100000)
		n = n * 10 + (*(*s)++ - '0');
	*out = (int)n;
	return !isdigit((unsigned char)**s);
}

/* One comma-separated part after the disk: "1", "msdos1", "gpt2", "bsd1", "a". */
static bool parse_part(const char *s, bool legacy, struct gname *out)
{
	int n;
	if (s[0] >= 'a' && s[0] <= 'p' && !s[1] && !out->bsd) {
		out->bsd = s[0];
		return true;
	}
	if (str_starts(s, "bsd")) {
		s += 3;
		if (legacy || !parse_num(&s, &n) || *s || n < 1 || n > 16 || out->bsd)
			return false;
		out->bsd = (char)('a' + n - 1);
		return true;
	}
	if (out->part || out->bsd)
		return false;
	if (str_starts(s, "msdos") || str_starts(s, "gpt")) {
		if (legacy)
			return false;
		s += s[0] == 'g' ? 3 : 5;
	}
	if (!parse_num(&s, &n) || *s)
		return false;
	out->part = legacy ? n + 1 : n;
	return out->part >= 1;
}

/* "hd0,1", "(hd0,msdos2)", "(hd0,0,a)", "fd0", "cd" -> gname. */
static bool parse_gname(const char *name, bool legacy, struct gname *out)
{
	memset(out, 0, sizeof(*out));
	size_t len = strlen(name);
	if (len && name[0] == '(') {
		if (name[len - 1] != ')')
			return false;
		name++;
		len -= 2;
	}
	char *copy = xstrndup(name, len), *rest = copy;
	char *disk = strsep(&rest, ",");
	bool ok = disk && strlen(disk) < sizeof(out->disk);
	if (ok) {
		const char *num = disk + 2;
		int n;
		ok = strcmp(disk, "cd") == 0 ||
		     ((str_starts(disk, "hd") || str_starts(disk, "fd")) && parse_num(&num, &n) && !*num);
		strcpy(out->disk, ok ? disk : "");
	}
	while (ok && rest)
		ok = parse_part(strsep(&rest, ","), legacy, out);
	free(copy);
	/* GRUB legacy's (hd0,a) means partition a of the first BSD slice; its slice
	 * is unknown here (part 0) and only a grub-map can name it. */
	return ok && (out->disk[0] != 'c' || (!out->part && !out->bsd));
}

static bool same_gname(const struct gname *a, const struct gname *b)
{
	return strcmp(a->disk, b->disk) == 0 && a->part == b->part && a->bsd == b->bsd;
}

static void add(struct grubdev *g, const struct gname *key, const char *device, bool user)
{
	g->v = xrealloc(g->v, (g->n + 1) * sizeof(*g->v));
	size_t at = user ? g->nuser++ : g->n;
	memmove(&g->v[at + 1], &g->v[at], (g->n - at) * sizeof(*g->v));
	g->v[at].key = *key;
	g->v[at].device = xstrdup(device);
	g->n++;
}

void grubdev_add_map(struct grubdev *g, const char *grub, const char *device)
{
	struct gname key;
	struct devspec ds;
	if (!parse_gname(grub, false, &key) || devspec_parse(device, &ds) < 0)
		return;
	/* "/dev/sda" and "sda" are one disk: keep the plain name. */
	add(g, &key, ds.by == DEV_BY_NAME && !ds.fstype ? ds.value : device, true);
	devspec_free(&ds);
}

void grubdev_set_home(struct grubdev *g, const char *device)
{
	free(g->home);
	g->home = NULL;
	const struct fsinfo *f = device ? find_spec(g, device) : NULL;
	if (f && f->disk)
		g->home = xstrdup(f->disk);
}

/* "/dev/sda", "/dev/disk/by-uuid/X", "/dev/disk/by-label/X" -> a device, or NULL. */
static char *map_target(const char *dev)
{
	static const struct { const char *dir, *prefix; } by[] = {
		{"/dev/disk/by-uuid/", "UUID="}, {"/dev/disk/by-label/", "LABEL="}};
	for (size_t i = 0; i < ARRAY_SIZE(by); i++) {
		if (!str_starts(dev, by[i].dir) || !dev[strlen(by[i].dir)])
			continue;
		/* udev writes a space in a label as \x20. */
		struct strbuf sb = {0};
		sb_puts(&sb, by[i].prefix);
		for (const char *p = dev + strlen(by[i].dir); *p; p++) {
			/* strtoul, not sscanf: sscanf would pull 90 KB of glibc into the binary. */
			if (p[0] == '\\' && p[1] == 'x' && isxdigit((unsigned char)p[2]) &&
			    isxdigit((unsigned char)p[3])) {
				char hex[3] = {p[2], p[3], 0};
				sb_putc(&sb, (char)strtoul(hex, NULL, 16));
				p += 3;
			} else {
				sb_putc(&sb, *p);
			}
		}
		return sb_steal(&sb);
	}
	struct devspec ds;
	if (!str_starts(dev, "/dev/") || devspec_parse(dev, &ds) < 0)
		return NULL;
	char *name = xstrdup(ds.value);
	devspec_free(&ds);
	return name;
}

void grubdev_parse_device_map(struct grubdev *g, const char *text, size_t len, const char *name,
			      struct diag_list *d)
{
	char *buf = xstrndup(text, len), *save = NULL;
	int line = 0;
	for (char *p = buf, *nl; p; p = nl) {
		nl = strchr(p, '\n');
		if (nl)
			*nl++ = 0;
		line++;
		char *s = str_trim(p);
		if (!*s || *s == '#')
			continue;
		char *gdev = strtok_r(s, " \t", &save), *dev = strtok_r(NULL, " \t", &save);
		struct gname key;
		char *target = NULL;
		if (!dev || *gdev != '(' || !parse_gname(gdev, false, &key))
			diag_add(d, name, line, "expected a line like '(hd0) /dev/sda'; line ignored");
		else if (!(target = map_target(dev)))
			diag_add(d, name, line, "cannot tell which disk '%s' is; use a grub-map line in "
				 "kexec-loader.conf for %s", dev, gdev);
		else
			add(g, &key, target, false);
		free(target);
	}
	free(buf);
}

static bool is_hard_disk(const struct fsinfo *f)
{
	return f->partno == 0 && f->name && f->disk && strcmp(f->name, f->disk) == 0 &&
	       !str_starts(f->name, "sr") && !str_starts(f->name, "fd") &&
	       !str_starts(f->name, "loop") && !str_starts(f->name, "ram");
}

/* The kernel disk a map entry names, or NULL when it is not a disk we can see. */
static const char *kernel_disk(struct grubdev *g, const char *device)
{
	const struct fsinfo *f = find_spec(g, device);
	if (f)
		return f->disk;
	struct devspec ds;
	if (devspec_parse(device, &ds) < 0)
		return NULL;
	bool byname = ds.by == DEV_BY_NAME;
	devspec_free(&ds);
	return byname ? device : NULL;
}

static const struct gmap *lookup(const struct grubdev *g, const struct gname *key)
{
	for (size_t i = 0; i < g->n; i++)
		if (same_gname(&g->v[i].key, key))
			return &g->v[i];
	return NULL;
}

static bool is_mapped_disk(const struct gmap *m, int *hd)
{
	const char *num = m->key.disk + 2;
	return !m->key.part && !m->key.bsd && str_starts(m->key.disk, "hd") && parse_num(&num, hd);
}

/* hdN without a map: the disks no map claims, the configuration's own disk
 * first, then the kernel's order; mapped hd numbers are not counted. */
static const char *guess_disk(struct grubdev *g, int want)
{
	const struct fsinfo *v;
	size_t n = devlist(g, &v);
	const char **order = xcalloc(n + 1, sizeof(*order));
	size_t norder = 0;
	if (g->home)
		order[norder++] = g->home;
	for (size_t i = 0; i < n; i++)
		if (is_hard_disk(&v[i]) && (!g->home || strcmp(v[i].name, g->home) != 0))
			order[norder++] = v[i].name;
	int slot = want, hd;
	for (size_t i = 0; i < g->n; i++) {
		if (!is_mapped_disk(&g->v[i], &hd) || lookup(g, &g->v[i].key) != &g->v[i])
			continue;
		slot -= hd < want;
		const char *kd = kernel_disk(g, g->v[i].device);
		for (size_t j = 0; kd && j < norder; j++)
			if (order[j] && strcmp(order[j], kd) == 0)
				order[j] = NULL;
	}
	const char *hit = NULL;
	for (size_t j = 0; j < norder && !hit; j++)
		if (order[j] && slot-- == 0)
			hit = order[j];
	free(order);
	return hit;
}

static char *partition_of(struct grubdev *g, const char *disk, int part)
{
	const struct fsinfo *v;
	size_t n = devlist(g, &v);
	for (size_t i = 0; i < n; i++)
		if (v[i].disk && strcmp(v[i].disk, disk) == 0 && v[i].partno == part)
			return xstrdup(v[i].name);
	/* Not there (yet): name it as the kernel would. */
	size_t len = strlen(disk);
	return xasprintf("%s%s%d", disk, len && isdigit((unsigned char)disk[len - 1]) ? "p" : "", part);
}

static const char *first_cdrom(struct grubdev *g)
{
	const struct fsinfo *v;
	size_t n = devlist(g, &v);
	for (size_t i = 0; i < n; i++)
		if (v[i].name && str_starts(v[i].name, "sr"))
			return v[i].name;
	return "sr0";
}

char *grubdev_to_device(struct grubdev *g, const char *grubname, bool legacy)
{
	struct gname key;
	if (!parse_gname(grubname, legacy, &key))
		return NULL;
	const struct gmap *m = lookup(g, &key);
	if (m)
		return xstrdup(m->device);
	if (key.bsd)
		return NULL;
	struct gname dkey = key;
	dkey.part = 0;
	const char *disk = NULL;
	if ((m = lookup(g, &dkey))) {
		if (!key.part)
			return xstrdup(m->device);
		disk = kernel_disk(g, m->device);
	} else if (key.disk[0] == 'h') {
		disk = guess_disk(g, atoi(key.disk + 2));
	} else {
		disk = key.disk[0] == 'c' ? first_cdrom(g) : key.disk;
	}
	if (!disk)
		return NULL;
	return key.part ? partition_of(g, disk, key.part) : xstrdup(disk);
}

static const char *pt_prefix(const char *pttype)
{
	if (pttype && strcmp(pttype, "dos") == 0)
		return "msdos";
	if (pttype && strcmp(pttype, "gpt") == 0)
		return "gpt";
	return "";
}

static char *gname_str(const struct gname *k, const char *pttype)
{
	struct strbuf sb = {0};
	sb_puts(&sb, k->disk);
	if (k->part)
		sb_printf(&sb, ",%s%d", pt_prefix(pttype), k->part);
	if (k->bsd)
		sb_printf(&sb, ",%c", k->bsd);
	return sb_steal(&sb);
}

char *grubdev_from_device(struct grubdev *g, const char *kname)
{
	const struct fsinfo *f = find_name(g, kname);
	const char *pttype = NULL;
	if (f && f->disk) {
		const struct fsinfo *disk = find_name(g, f->disk);
		pttype = f->pttype ? f->pttype : disk ? disk->pttype : NULL;
	}
	for (size_t i = 0; i < g->n; i++) {
		const struct fsinfo *m = find_spec(g, g->v[i].device);
		if ((m && m == f) || strcmp(g->v[i].device, kname) == 0)
			return gname_str(&g->v[i].key, pttype);
	}
	if (!f || !f->disk)
		return NULL;
	for (int hd = 0; hd < 64; hd++) {
		char hdname[16];
		snprintf(hdname, sizeof(hdname), "hd%d", hd);
		char *disk = grubdev_to_device(g, hdname, false);
		const char *kd = disk ? kernel_disk(g, disk) : NULL;
		bool hit = kd && strcmp(kd, f->disk) == 0;
		free(disk);
		if (hit) {
			struct gname k = {.part = f->partno};
			strcpy(k.disk, hdname);
			return gname_str(&k, pttype);
		}
	}
	return NULL;
}
