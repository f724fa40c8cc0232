/* Helpers shared by the GRUB 2 interpreter tests: the configuration corpus
 * (corpus.h), and a fake fsio serving directories of the host as devices. */
#ifndef KL_TEST_GRUB2_CORPUS_H
#define KL_TEST_GRUB2_CORPUS_H
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "corpus.h"
#include "fsio.h"
#include "util.h"
#include "userfile.h"

static inline char *slurp(const char *path, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	if (read_file_at(AT_FDCWD, path, 64u << 20, &buf, &n) != 0)
		return NULL;
	if (len)
		*len = n;
	return buf;
}

/* A device of the fake: a host directory standing for a filesystem. */
struct fake_dev {
	struct fsinfo info;
	char *dir;
};

struct fake_fs {
	struct fake_dev *v;
	size_t n;
	struct fsinfo *infos;
	int reads; /* how many files were read */
	/* one more file, kept elsewhere on the host: the config under test */
	const char *ovl_dev, *ovl_path, *ovl_host;
};

static inline void fake_add(struct fake_fs *f, const char *name, const char *dir, const char *uuid,
			    const char *label)
{
	f->v = xrealloc(f->v, (f->n + 1) * sizeof(*f->v));
	struct fake_dev *d = &f->v[f->n++];
	memset(d, 0, sizeof(*d));
	d->info.name = xstrdup(name);
	d->info.disk = d->info.name;
	d->info.fstype = "ext4";
	d->info.uuid = uuid ? xstrdup(uuid) : NULL;
	d->info.label = label ? xstrdup(label) : NULL;
	d->dir = dir ? xstrdup(dir) : NULL;
}

static inline void fake_free(struct fake_fs *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free((char *)f->v[i].info.name);
		free((char *)f->v[i].info.uuid);
		free((char *)f->v[i].info.label);
		free(f->v[i].dir);
	}
	free(f->v);
	free(f->infos);
	memset(f, 0, sizeof(*f));
}

static inline struct fake_dev *fake_find(struct fake_fs *f, const char *dev)
{
	for (size_t i = 0; dev && i < f->n; i++)
		if (!strcmp(f->v[i].info.name, dev) ||
		    (str_starts(dev, "UUID=") && f->v[i].info.uuid && !strcasecmp(dev + 5, f->v[i].info.uuid)))
			return &f->v[i];
	return NULL;
}

/* The host path of a file on a fake device, confined to its directory. */
static inline char *fake_path(struct fake_fs *f, const char *dev, const char *path)
{
	if (f->ovl_dev && dev && !strcmp(dev, f->ovl_dev) && !strcmp(path, f->ovl_path))
		return xstrdup(f->ovl_host);
	struct fake_dev *d = fake_find(f, dev);
	if (!d || !d->dir || strstr(path, ".."))
		return NULL;
	return xasprintf("%s/%s", d->dir, path[0] == '/' ? path + 1 : path);
}

static inline int fake_read(void *ctx, const char *dev, const char *path, size_t max, char **buf,
			    size_t *len)
{
	struct fake_fs *f = ctx;
	char *p = fake_path(f, dev, path);
	if (!p)
		return -ENOENT;
	struct stat st;
	int r = stat(p, &st) != 0 ? -ENOENT : S_ISDIR(st.st_mode) ? -EISDIR
					 : uf_read(p, max, buf, len);
	f->reads++;
	free(p);
	return r;
}

static inline int fake_stat(void *ctx, const char *dev, const char *path, bool *is_dir)
{
	char *p = fake_path(ctx, dev, path);
	struct stat st;
	int r = p && stat(p, &st) == 0 ? 0 : -ENOENT;
	if (!r)
		*is_dir = S_ISDIR(st.st_mode);
	free(p);
	return r;
}

static inline int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static inline int fake_list(void *ctx, const char *dev, const char *path, struct strlist *names)
{
	char *p = fake_path(ctx, dev, path);
	DIR *d = p ? opendir(p) : NULL;
	if (!d) {
		free(p);
		return -ENOENT;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *full = xasprintf("%s/%s", p, e->d_name);
		struct stat st;
		bool dir = stat(full, &st) == 0 && S_ISDIR(st.st_mode);
		sl_push_owned(names, dir ? xasprintf("%s/", e->d_name) : xstrdup(e->d_name));
		free(full);
	}
	closedir(d);
	free(p);
	qsort(names->v, names->n, sizeof(char *), cmp_str);
	return 0;
}

static inline size_t fake_devices(void *ctx, const struct fsinfo **v)
{
	struct fake_fs *f = ctx;
	/* stable between calls, as the device layer's list is */
	if (f->infos) {
		*v = f->infos;
		return f->n;
	}
	f->infos = xcalloc(f->n ? f->n : 1, sizeof(*f->infos));
	for (size_t i = 0; i < f->n; i++)
		f->infos[i] = f->v[i].info;
	*v = f->infos;
	return f->n;
}

static inline struct fsio fake_io(struct fake_fs *f)
{
	struct fsio io = {.ctx = f, .read = fake_read, .stat = fake_stat, .list = fake_list, .devices = fake_devices};
	return io;
}

#endif
