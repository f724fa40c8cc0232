/* Downloads: a network path into a memory file, with every read bounded, a
 * progress line for transfers over a second, and messages that name the
 * server and the file. The TFTP and HTTP clients write through a sink. */
#ifndef KL_FETCH_H
#define KL_FETCH_H
#include <stdbool.h>
#include <stddef.h>
#include "netpath.h"

/* The most any one download may hold: a kernel and an initrd for a whole
 * installer fit many times over, a runaway server does not fill memory. */
#define FETCH_MAX (1ULL << 30)
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

/* Fetches l (a NULL host means server) into a memory file: returns its fd at
 * offset 0, or -errno with *err a sentence naming the URL. max bounds it. */
int fetch_open(const struct netloc *l, const char *server, unsigned long long max, char **err);

/* The protocol clients (tftp_client.c, http_client.c): write into s; 0 or
 * -errno with *err set. l->host is a dotted address or a name. */
int tftp_get(const struct netloc *l, struct sink *s, char **err);
int http_get(const struct netloc *l, struct sink *s, char **err);
/* A host name or dotted address to an IPv4 address (network order); 0 or -errno. */
int fetch_resolve(const char *host, unsigned *addr, char **err);

#endif
