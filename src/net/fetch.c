#include "fetch.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
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

int sink_expect(struct sink *s, unsigned long long total, char **err)
{
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
			*err = xasprintf("%s: cannot keep the file in memory: %s", s->url, strerror(e));
			return -e;
		}
		c += w, n -= (size_t)w, s->got += (size_t)w;
	}
	progress(s, false);
	return 0;
}

int fetch_resolve(const char *host, unsigned *addr, char **err)
{
	struct in_addr a;
	if (inet_pton(AF_INET, host, &a) == 1) {
		*addr = a.s_addr;
		return 0;
	}
	*err = xasprintf("%s is not an IPv4 address (write the server's address: names are not "
			 "looked up)", host);
	return -EINVAL;
}

int fetch_open(const struct netloc *l, const char *server, unsigned long long max, char **err)
{
	struct netloc at = *l;
	if (!at.host)
		at.host = (char *)server;
	char *url = netloc_url(&at, NULL);
	if (!at.host) {
		*err = xasprintf("%s: no server given and DHCP named none", url);
		free(url);
		return -EINVAL;
	}
	int fd = memfd_create("download", MFD_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		*err = xasprintf("%s: cannot make a memory file: %s", url, strerror(e));
		free(url);
		return -e;
	}
	struct sink s = {.fd = fd, .max = max, .url = url, .start_ms = fetch_now_ms()};
	log_info("fetching %s", url);
	int r = at.proto == NET_TFTP ? tftp_get(&at, &s, err) : http_get(&at, &s, err);
	if (r == 0 && s.total && s.got != s.total) {
		*err = xasprintf("%s: the file ends after %llu of the %llu bytes announced", url, s.got,
				 s.total);
		r = -EPROTO;
	}
	progress(&s, true);
	if (r == 0 && lseek(fd, 0, SEEK_SET) < 0)
		r = -errno;
	if (r < 0) {
		close(fd);
		fd = r;
		log_warn("%s", *err ? *err : url);
	} else {
		log_info("fetched %s: %llu bytes in %lld ms", url, s.got, fetch_now_ms() - s.start_ms);
	}
	free(url);
	return fd;
}
