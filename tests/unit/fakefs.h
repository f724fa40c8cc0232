/* The one fake fsio of the unit tests: devices whose files are held in
 * memory or sit in a folder of the host (the configuration corpus, tests/data),
 * one more host file standing at a path (the configuration under test), and a
 * count of the files read. */
#ifndef KL_FAKEFS_H
#define KL_FAKEFS_H
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <strings.h>
#include <sys/stat.h>
#include "unit.h"
#include "devpath.h"
#include "corpus.h"
#include "fsio.h"
#include "userfile.h"
#include "util.h"

struct fakefs {
	struct fsinfo devs[32];
	size_t ndevs;
	struct { const char *dev, *path, *text; } files[64]; /* in memory */
	size_t nfiles;
	struct { const char *dev, *dir; } dirs[32]; /* host folders standing for devices */
	size_t ndirs;
	/* one more file, kept elsewhere on the host: the configuration under test */
	const char *ovl_dev, *ovl_path, *ovl_host;
	int reads; /* how many files were read */
	struct strlist owned; /* the strings fake_add copied */
	struct fsio io;
};

/* The device's name: dev itself, or the device a "UUID=…" names. */
static inline const char *fake_name(struct fakefs *f, const char *dev)
{
	for (size_t i = 0; dev && str_starts(dev, "UUID=") && i < f->ndevs; i++)
		if (f->devs[i].uuid && !strcasecmp(dev + 5, f->devs[i].uuid))
			return f->devs[i].name;
	return dev;
}

static inline const char *fake_dir(struct fakefs *f, const char *dev)
{
	dev = fake_name(f, dev);
	for (size_t i = 0; dev && i < f->ndirs; i++)
		if (strcmp(f->dirs[i].dev, dev) == 0)
			return f->dirs[i].dir;
	return NULL;
}

/* The host path of a file on a fake device, confined to its folder. */
static inline char *fake_host(struct fakefs *f, const char *dev, const char *path)
{
	if (f->ovl_dev && dev && !strcmp(dev, f->ovl_dev) && !strcmp(path, f->ovl_path))
		return xstrdup(f->ovl_host);
	const char *dir = fake_dir(f, dev);
	if (!dir)
		return NULL;
	char *rel = path_normalize(path);
	char *p = xasprintf("%s/%s", dir, rel);
	free(rel);
	return p;
}

static inline bool fake_same(const char *a, const char *b)
{
	char *x = path_normalize(a), *y = path_normalize(b);
	bool same = strcmp(x, y) == 0;
	free(x);
	free(y);
	return same;
}

/* The text of a file held in memory, or NULL. */
static inline const char *fake_text(struct fakefs *f, const char *dev, const char *path)
{
	for (size_t i = 0; i < f->nfiles; i++)
		if (strcmp(f->files[i].dev, dev ? dev : "") == 0 && fake_same(f->files[i].path, path))
			return f->files[i].text;
	return NULL;
}

static inline int fake_read(void *ctx, const char *dev, const char *path, size_t max, char **buf, size_t *len)
{
	struct fakefs *f = ctx;
	const char *text = fake_text(f, dev, path);
	if (text) {
		if (strlen(text) > max)
			return -EFBIG;
		*buf = xstrdup(text);
		if (len)
			*len = strlen(*buf);
		return 0;
	}
	char *host = fake_host(f, dev, path);
	if (!host)
		return -ENOENT;
	struct stat st;
	int r = stat(host, &st) < 0 ? -errno : S_ISDIR(st.st_mode) ? -EISDIR
		: uf_read(host, max, buf, len);
	f->reads++;
	free(host);
	return r;
}

static inline int fake_list(void *ctx, const char *dev, const char *path, struct strlist *names)
{
	struct fakefs *f = ctx;
	char *dir = path_normalize(path);
	size_t dl = strlen(dir);
	int found = -ENOENT;
	for (size_t i = 0; i < f->nfiles; i++) {
		char *p = path_normalize(f->files[i].path);
		const char *rest = strcmp(dir, ".") == 0 ? p : strncmp(p, dir, dl) == 0 && p[dl] == '/' ? p + dl + 1 : NULL;
		if (strcmp(f->files[i].dev, dev ? dev : "") == 0 && rest) {
			found = 0;
			size_t n = strcspn(rest, "/");
			char *name = xasprintf("%.*s%s", (int)n, rest, rest[n] ? "/" : "");
			bool dup = false;
			for (size_t j = 0; j < names->n; j++)
				dup |= strcmp(names->v[j], name) == 0;
			if (dup)
				free(name);
			else
				sl_push_owned(names, name);
		}
		free(p);
	}
	free(dir);
	char *host = fake_host(f, dev, path);
	DIR *d = host ? opendir(host) : NULL;
	if (d)
		found = 0;
	for (struct dirent *e; d && (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		char *full = xasprintf("%s/%s", host, e->d_name);
		struct stat st;
		bool isdir = stat(full, &st) == 0 && S_ISDIR(st.st_mode);
		free(full);
		sl_push_owned(names, xasprintf("%s%s", e->d_name, isdir ? "/" : ""));
	}
	if (d)
		closedir(d);
	free(host);
	for (size_t i = 1; i < names->n; i++) /* sorted, as fsio promises */
		for (size_t j = i; j > 0 && strcmp(names->v[j - 1], names->v[j]) > 0; j--) {
			char *t = names->v[j];
			names->v[j] = names->v[j - 1];
			names->v[j - 1] = t;
		}
	return found;
}

static inline int fake_stat(void *ctx, const char *dev, const char *path, bool *is_dir)
{
	struct fakefs *f = ctx;
	if (fake_text(f, dev, path)) {
		*is_dir = false;
		return 0;
	}
	char *host = fake_host(f, dev, path);
	struct stat st;
	bool there = host && stat(host, &st) == 0;
	free(host);
	if (there) {
		*is_dir = S_ISDIR(st.st_mode);
		return 0;
	}
	struct strlist names = {0};
	int r = fake_list(f, dev, path, &names); /* a folder of files held in memory */
	sl_free(&names);
	*is_dir = r == 0;
	return r;
}

static inline size_t fake_devices(void *ctx, const struct fsinfo **v)
{
	struct fakefs *f = ctx;
	*v = f->devs;
	return f->ndevs;
}

/* The fsio of the fake (also for a zeroed struct fakefs). */
static inline struct fsio fake_io(struct fakefs *f)
{
	f->io = (struct fsio){f, fake_read, fake_stat, fake_list, fake_devices};
	return f->io;
}

static inline void fake_init(struct fakefs *f)
{
	memset(f, 0, sizeof(*f));
	fake_io(f);
}

static inline void fake_file(struct fakefs *f, const char *dev, const char *path, const char *text)
{
	for (size_t i = 0; i < f->nfiles; i++)
		if (strcmp(f->files[i].dev, dev) == 0 && strcmp(f->files[i].path, path) == 0) {
			f->files[i].text = text;
			return;
		}
	assert_true(f->nfiles < ARRAY_SIZE(f->files));
	f->files[f->nfiles].dev = dev;
	f->files[f->nfiles].path = path;
	f->files[f->nfiles++].text = text;
}

static inline void fake_dev(struct fakefs *f, const char *name, const char *disk, int partno,
		     const char *pttype, const char *label, const char *uuid)
{
	assert_true(f->ndevs < ARRAY_SIZE(f->devs));
	f->devs[f->ndevs++] = (struct fsinfo){name, disk, partno, pttype, partno || !pttype ? "ext4" : NULL,
					      label, uuid, 0};
}

static inline void fake_hostdir(struct fakefs *f, const char *dev, const char *dir)
{
	assert_true(f->ndirs < ARRAY_SIZE(f->dirs));
	f->dirs[f->ndirs].dev = dev;
	f->dirs[f->ndirs++].dir = dir;
}

static inline const char *fake_keep(struct fakefs *f, const char *s)
{
	if (!s)
		return NULL;
	sl_push(&f->owned, s);
	return f->owned.v[f->owned.n - 1];
}

/* An ext4 filesystem named name, its files in the host folder dir (or none),
 * with a UUID and a label (or NULL); the strings are copied. */
static inline void fake_add(struct fakefs *f, const char *name, const char *dir, const char *uuid,
			    const char *label)
{
	const char *n = fake_keep(f, name);
	fake_dev(f, n, n, 0, NULL, fake_keep(f, label), fake_keep(f, uuid));
	if (dir)
		fake_hostdir(f, n, fake_keep(f, dir));
}

/* Frees what fake_add copied, and empties the fake. */
static inline void fake_free(struct fakefs *f)
{
	sl_free(&f->owned);
	fake_init(f);
}

#endif
