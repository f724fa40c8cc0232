/* A fake fsio for the parser tests: files held in memory, or host
 * directories standing for devices (for the configuration corpus). */
#ifndef KL_FAKEFS_H
#define KL_FAKEFS_H
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
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
	struct { const char *dev, *path, *text; } files[64];
	size_t nfiles;
	struct { const char *dev, *dir; } dirs[8];
	size_t ndirs;
	struct fsio io;
};

static inline const char *fake_dir(struct fakefs *f, const char *dev)
{
	for (size_t i = 0; dev && i < f->ndirs; i++)
		if (strcmp(f->dirs[i].dev, dev) == 0)
			return f->dirs[i].dir;
	return NULL;
}

static inline char *fake_host(struct fakefs *f, const char *dev, const char *path)
{
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

static inline int fake_read(void *ctx, const char *dev, const char *path, size_t max, char **buf, size_t *len)
{
	struct fakefs *f = ctx;
	for (size_t i = 0; i < f->nfiles; i++)
		if (strcmp(f->files[i].dev, dev ? dev : "") == 0 && fake_same(f->files[i].path, path)) {
			if (strlen(f->files[i].text) > max)
				return -EFBIG;
			*buf = xstrdup(f->files[i].text);
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
	for (struct dirent *e; d && (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		char *full = xasprintf("%s/%s", host, e->d_name);
		struct stat st;
		bool isdir = stat(full, &st) == 0 && S_ISDIR(st.st_mode);
		free(full);
		sl_push_owned(names, xasprintf("%s%s", e->d_name, isdir ? "/" : ""));
		found = 0;
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
	char *buf;
	int r = fake_read(ctx, dev, path, 1 << 24, &buf, NULL);
	if (r == 0) {
		free(buf);
		*is_dir = false;
		return 0;
	}
	struct strlist names = {0};
	r = fake_list(f, dev, path, &names);
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

static inline void fake_init(struct fakefs *f)
{
	memset(f, 0, sizeof(*f));
	f->io = (struct fsio){f, fake_read, fake_stat, fake_list, fake_devices};
}

static inline void fake_file(struct fakefs *f, const char *dev, const char *path, const char *text)
{
	for (size_t i = 0; i < f->nfiles; i++)
		if (strcmp(f->files[i].dev, dev) == 0 && strcmp(f->files[i].path, path) == 0) {
			f->files[i].text = text;
			return;
		}
	f->files[f->nfiles].dev = dev;
	f->files[f->nfiles].path = path;
	f->files[f->nfiles++].text = text;
}

static inline void fake_dev(struct fakefs *f, const char *name, const char *disk, int partno,
		     const char *pttype, const char *label, const char *uuid)
{
	f->devs[f->ndevs++] = (struct fsinfo){name, disk, partno, pttype, partno || !pttype ? "ext4" : NULL,
					      label, uuid, 0};
}

static inline void fake_hostdir(struct fakefs *f, const char *dev, const char *dir)
{
	f->dirs[f->ndirs].dev = dev;
	f->dirs[f->ndirs++].dir = dir;
}

#endif
