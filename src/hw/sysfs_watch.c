#include "sysfs_watch.h"

#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include "util.h"

#define WATCH_MAX 32

struct sysfs_watch {
	int fd;
	unsigned n;
	char *dirs[WATCH_MAX];
	struct strlist seen[WATCH_MAX]; /* sorted names */
};

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A folder that is not there (yet) has no entries: /sys/bus/usb appears with USB. */
static void list_names(const char *path, struct strlist *out)
{
	DIR *d = opendir(path);
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			sl_push(out, e->d_name);
	if (d)
		closedir(d);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), cmp_name);
}

static bool same_names(const struct strlist *a, const struct strlist *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]) != 0)
			return false;
	return true;
}

struct sysfs_watch *sysfs_watch_open(const char *const *dirs, unsigned n, int interval_ms)
{
	if (n > WATCH_MAX || interval_ms <= 0)
		return NULL;
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct timespec t = {.tv_sec = interval_ms / 1000, .tv_nsec = interval_ms % 1000 * 1000000L};
	struct itimerspec its = {.it_interval = t, .it_value = t};
	if (timerfd_settime(fd, 0, &its, NULL) < 0) {
		close(fd);
		return NULL;
	}
	struct sysfs_watch *w = xcalloc(1, sizeof(*w));
	w->fd = fd;
	w->n = n;
	for (unsigned i = 0; i < n; i++) {
		w->dirs[i] = xstrdup(dirs[i]);
		list_names(w->dirs[i], &w->seen[i]);
	}
	return w;
}

int sysfs_watch_fd(const struct sysfs_watch *w)
{
	return w ? w->fd : -1;
}

unsigned sysfs_watch_changes(struct sysfs_watch *w)
{
	/* Empties the timer; when it is not due yet (EAGAIN), looking early does no harm. */
	uint64_t ticks;
	ssize_t r = read(w->fd, &ticks, sizeof(ticks));
	(void)r;
	unsigned changed = 0;
	for (unsigned i = 0; i < w->n; i++) {
		struct strlist now = {0};
		list_names(w->dirs[i], &now);
		if (!same_names(&now, &w->seen[i])) {
			changed |= 1u << i;
			sl_free(&w->seen[i]);
			w->seen[i] = now;
		} else {
			sl_free(&now);
		}
	}
	return changed;
}

void sysfs_watch_close(struct sysfs_watch *w)
{
	if (!w)
		return;
	close(w->fd);
	for (unsigned i = 0; i < w->n; i++) {
		free(w->dirs[i]);
		sl_free(&w->seen[i]);
	}
	free(w);
}
