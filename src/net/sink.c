#include "sink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include "errtext.h"
#include "log.h"
#include "util.h"

static void (*progress_fn)(const char *line, bool final);

void fetch_set_progress(void (*fn)(const char *line, bool final))
{
	progress_fn = fn;
}

long long fetch_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void human(char *buf, size_t n, unsigned long long b)
{
	if (b >= 10ULL << 20)
		snprintf(buf, n, "%llu MB", b >> 20);
	else if (b >= 10ULL << 10)
		snprintf(buf, n, "%llu kB", b >> 10);
	else
		snprintf(buf, n, "%llu bytes", b);
}

static void progress(struct sink *s, bool final)
{
	long long now = fetch_now_ms(), ms = now - s->start_ms;
	/* only transfers that last: a second before the first line, then a few a second */
	if (!progress_fn || ms < 1000 || (!final && now - s->shown_ms < 250) ||
	    (final && !s->progress_shown))
		return;
	s->shown_ms = now;
	s->progress_shown = true;
	char got[32], total[32] = "";
	human(got, sizeof(got), s->got);
	if (s->total)
		human(total, sizeof(total), s->total);
	double mbs = (double)s->got / (1 << 20) / ((double)ms / 1000);
	char *line = s->total ? xasprintf("%s: %s of %s (%d%%), %.1f MB/s", s->url, got, total,
					  (int)(s->got * 100 / s->total), mbs)
			      : xasprintf("%s: %s, %.1f MB/s", s->url, got, mbs);
	progress_fn(line, final);
	free(line);
}

static char *size_words(unsigned long long max)
{
	return max >= 1ULL << 20 ? xasprintf("%llu MB", max >> 20) : xasprintf("%llu bytes", max);
}

/* Memory the machine can give a download now, keeping KL_LOAD_RESERVE for
 * the running system; 0 when /proc/meminfo cannot say. */
static unsigned long long room(void)
{
	char *text = NULL;
	unsigned long long kib = 0;
	int fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && read_file_fd(fd, 1 << 16, &text, NULL) == 0) {
		const char *m = strstr(text, "MemAvailable:");
		if (m)
			kib = strtoull(m + 13, NULL, 10);
	}
	if (fd >= 0)
		close(fd);
	free(text);
	return kib * 1024 > KL_LOAD_RESERVE ? kib * 1024 - KL_LOAD_RESERVE : 0;
}

int sink_expect(struct sink *s, unsigned long long total, char **err)
{
	unsigned long long free_now = room();
	if (free_now && total > free_now) {
		*err = xasprintf("%s is %llu MB, more than the %llu MB of memory free for it",
				 s->url, total >> 20, free_now >> 20);
		return -ENOMEM;
	}
	if (total > s->max) {
		char *m = size_words(s->max);
		*err = xasprintf("%s is %llu bytes, more than the %s a download may take", s->url,
				 total, m);
		free(m);
		return -EFBIG;
	}
	s->total = total;
	return 0;
}

int sink_write(struct sink *s, const void *p, size_t n, char **err)
{
	if (s->got + n > s->max) {
		char *m = size_words(s->max);
		*err = xasprintf("%s: the server sent more than the %s a download may take", s->url, m);
		free(m);
		return -EFBIG;
	}
	if (s->total && s->got + n > s->total) {
		*err = xasprintf("%s: the server sent more than the %llu bytes it announced", s->url,
				 s->total);
		return -EPROTO;
	}
	for (const char *c = p; n;) {
		ssize_t w = write(s->fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int e = w < 0 ? errno : ENOSPC;
			*err = xasprintf("%s: cannot keep the file in memory: %s", s->url, errtext(e));
			return -e;
		}
		c += w, n -= (size_t)w, s->got += (size_t)w;
	}
	progress(s, false);
	return 0;
}

void sink_progress_end(struct sink *s)
{
	progress(s, true);
}
