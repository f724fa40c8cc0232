/* Where a download goes: a memory file with a bound, the size the server
 * announced, and a progress line with the speed for transfers over a second. */
#ifndef KL_SINK_H
#define KL_SINK_H
#include <stdbool.h>
#include <stddef.h>

#include "limits.h"

/* The most any one download may hold: what one file loaded for kexec may
 * be (limits.h); a runaway server does not fill memory. */
#define FETCH_MAX ((unsigned long long)KL_MAX_LOAD_FILE)
/* Seconds without a byte before a transfer is given up. */
#define FETCH_STALL_SECS 10

struct sink {
	int fd;                   /* memory file the data goes to */
	unsigned long long got, max, total; /* total: announced size, 0 when unknown */
	const char *url;
	long long start_ms, shown_ms;
	bool progress_shown;
};

/* Where progress lines go: line is the whole line, final ends it. NULL: nowhere. */
void fetch_set_progress(void (*fn)(const char *line, bool final));
/* Milliseconds of a monotonic clock. */
long long fetch_now_ms(void);

int sink_write(struct sink *s, const void *p, size_t n, char **err);
/* The size the server announced: a larger file stops at once with a message. */
int sink_expect(struct sink *s, unsigned long long total, char **err);
/* The last progress line of a transfer that showed one. */
void sink_progress_end(struct sink *s);

#endif
