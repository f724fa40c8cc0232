#include "log.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "text.h"
#include "util.h"

/* Bounded so that a flood of messages cannot exhaust PID 1's memory. */
#define LOG_KEEP 2000

static int log_fd = -1;
static struct {
	char *text;
	enum log_level lvl;
} ring[LOG_KEEP];
static size_t ring_start, ring_n, n_errors;

void log_set_fd(int fd)
{
	log_fd = fd;
}

static const char *level_tag(enum log_level lvl)
{
	static const char *const tags[] = {"debug", "info", "warning", "error"};
	return tags[lvl];
}

static void keep(enum log_level lvl, char *text)
{
	size_t i = (ring_start + ring_n) % LOG_KEEP;
	if (ring_n == LOG_KEEP) {
		free(ring[ring_start].text);
		i = ring_start;
		ring_start = (ring_start + 1) % LOG_KEEP;
	} else {
		ring_n++;
	}
	ring[i].text = text;
	ring[i].lvl = lvl;
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *raw = xvasprintf(fmt, ap);
	va_end(ap);
	/* messages quote disks: the debug console and the log viewer get them clean */
	char *msg = text_clean(raw);
	free(raw);
	if (lvl >= LOG_ERROR)
		n_errors++;
	if (log_fd >= 0) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		char *line = xasprintf("[%5ld.%03ld] %s: %s\r\n", (long)ts.tv_sec,
				       ts.tv_nsec / 1000000, level_tag(lvl), msg);
		ssize_t r = write(log_fd, line, strlen(line));
		(void)r;
		free(line);
	}
	keep(lvl, msg);
}

size_t log_count(void)
{
	return ring_n;
}

const char *log_line(size_t i, enum log_level *lvl)
{
	if (i >= ring_n)
		return NULL;
	size_t j = (ring_start + i) % LOG_KEEP;
	if (lvl)
		*lvl = ring[j].lvl;
	return ring[j].text;
}

size_t log_errors(void)
{
	return n_errors;
}
