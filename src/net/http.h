/* HTTP/1.1 (RFC 9112), pure: the request for a file, the response head
 * (status, Content-Length, Transfer-Encoding: chunked, Location), a chunked
 * body decoder, redirects, and a sentence for every status. */
#ifndef KL_HTTP_H
#define KL_HTTP_H
#include <stdbool.h>
#include <stddef.h>
#include "netpath.h"

#define HTTP_MAX_HEAD 16384 /* a longer response head is refused */

struct http_head {
	int status;
	long long length;  /* Content-Length, -1 when absent */
	bool chunked;
	char *location;    /* Location, or NULL */
};

/* "GET path HTTP/1.1" with Host, User-Agent and Connection: close. */
char *http_request(const struct netloc *l);
/* Parses a response head in buf[0..len). Returns the head's length when it is
 * complete, 0 when more is needed, -1 when it is not HTTP (*why says what). */
long http_parse_head(const char *buf, size_t len, struct http_head *h, const char **why);
void http_head_free(struct http_head *h);

/* Decodes a chunked body as it arrives. */
struct http_chunked {
	int state;
	unsigned long long left; /* bytes of the current chunk still to come */
	unsigned digits;
};
/* Consumes what it can of in[0..n): data bytes are moved to the front of in
 * (in place; they are never more than n). Returns the data length, with *done
 * set after the last chunk; -1 on a malformed body. */
long http_chunked_feed(struct http_chunked *c, char *in, size_t n, bool *done);

/* The next location of a redirect: Location may be absolute or relative to base. */
int http_redirect(const struct netloc *base, const char *location, struct netloc *out);
/* Words for a status a download cannot go on with, to follow its number
 * (404: "Not Found: the server has no such file"). */
const char *http_status_text(int status);

#endif
