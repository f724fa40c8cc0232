/* The HTTP/1.1 client: one GET per connection, redirects followed, every read bounded. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "http_client.h"
#include "errtext.h"
#include "netpath.h"
#include "http.h"
#include "util.h"

#define MAX_REDIRECTS 5
#define CONNECT_SECS 5
#define BUF (256 * 1024)

static int fail(const struct netloc *l, char **err, int e, const char *what)
{
	char *url = netloc_url(l, NULL);
	*err = xasprintf("%s: %s", url, what);
	free(url);
	return e;
}

static int connect_to(const struct netloc *l, char **err)
{
	unsigned addr;
	int r = netpath_addr(l->host, &addr, err);
	if (r < 0)
		return r;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return fail(l, err, -errno, "cannot open a socket");
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)l->port),
				 .sin_addr.s_addr = addr};
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS) {
		r = -errno;
	} else {
		struct pollfd p = {fd, POLLOUT, 0};
		int e = 0;
		socklen_t el = sizeof(e);
		if (poll(&p, 1, CONNECT_SECS * 1000) <= 0)
			r = -ETIMEDOUT;
		else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) == 0 && e)
			r = -e;
	}
	if (r < 0) {
		close(fd);
		char *why = xasprintf("cannot connect to the server: %s", r == -ETIMEDOUT
				      ? "no answer in 5 seconds" : errtext(-r));
		fail(l, err, r, why);
		free(why);
	}
	return r < 0 ? r : fd;
}

/* Reads what is there, waiting at most the stall time. 0 at the end of the stream. */
static ssize_t read_some(int fd, char *buf, size_t cap)
{
	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		int k = poll(&p, 1, FETCH_STALL_SECS * 1000);
		if (k == 0)
			return -ETIMEDOUT;
		ssize_t n = read(fd, buf, cap);
		if (n >= 0)
			return n;
		if (errno != EINTR && errno != EAGAIN)
			return -errno;
	}
}

static int send_all(int fd, const char *s)
{
	for (size_t n = strlen(s); n;) {
		struct pollfd p = {fd, POLLOUT, 0};
		if (poll(&p, 1, FETCH_STALL_SECS * 1000) <= 0)
			return -ETIMEDOUT;
		ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
		if (w < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (w < 0)
			return -errno;
		s += w, n -= (size_t)w;
	}
	return 0;
}

static int read_error(const struct netloc *l, char **err, ssize_t n, const struct sink *s)
{
	char *why = n == -ETIMEDOUT
			    ? xasprintf("the server sent nothing for %d seconds (after %llu bytes)",
					FETCH_STALL_SECS, s->got)
			    : xasprintf("the connection broke after %llu bytes: %s", s->got,
					errtext((int)-n));
	int r = fail(l, err, (int)n, why);
	free(why);
	return r;
}

/* The body after the head: buf[0..have) already holds its first bytes. */
static int body(int fd, const struct netloc *l, const struct http_head *h, struct sink *s,
		char *buf, size_t have, char **err)
{
	if (h->length >= 0) {
		int r = sink_expect(s, (unsigned long long)h->length, err);
		if (r < 0)
			return r;
	}
	struct http_chunked c = {0};
	bool done = false;
	for (;;) {
		size_t n = have;
		if (h->chunked && n) {
			long k = http_chunked_feed(&c, buf, n, &done);
			if (k < 0)
				return fail(l, err, -EPROTO, "the chunked body is malformed");
			n = (size_t)k;
		}
		if (n) {
			int r = sink_write(s, buf, n, err);
			if (r < 0)
				return r;
		}
		if (done || (h->length >= 0 && s->got == (unsigned long long)h->length && !h->chunked))
			return 0;
		ssize_t got = read_some(fd, buf, BUF);
		if (got < 0)
			return read_error(l, err, got, s);
		if (got == 0) {
			if (h->chunked)
				return fail(l, err, -EPROTO, "the connection closed before the last chunk");
			if (h->length >= 0) {
				char *why = xasprintf("the connection closed after %llu of the %lld bytes "
						      "announced", s->got, h->length);
				int r = fail(l, err, -EPROTO, why);
				free(why);
				return r;
			}
			return 0; /* no length: the end of the stream ends the file */
		}
		have = (size_t)got;
	}
}

/* One request. 1 with *next set for a redirect, 0 done, <0 error. */
static int one(const struct netloc *l, struct sink *s, struct netloc *next, char **err)
{
	int fd = connect_to(l, err);
	if (fd < 0)
		return fd;
	int one_ = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one_, sizeof(one_));
	char *req = http_request(l);
	int r = send_all(fd, req);
	free(req);
	char *buf = xmalloc(BUF + 1);
	size_t have = 0;
	struct http_head h = {0};
	long head = 0;
	const char *why = NULL;
	if (r < 0)
		r = fail(l, err, r, "cannot send the request");
	while (r == 0 && head == 0) {
		ssize_t n = read_some(fd, buf + have, BUF - have);
		if (n <= 0) {
			r = n == 0 ? fail(l, err, -EPROTO, "the server closed the connection without an answer")
				   : read_error(l, err, n, s);
			break;
		}
		have += (size_t)n;
		head = http_parse_head(buf, have, &h, &why);
		if (head < 0)
			r = fail(l, err, -EPROTO, why);
	}
	if (r == 0 && h.status >= 300 && h.status < 400 && h.status != 304 && h.location &&
	    http_redirect(l, h.location, next) == 0) {
		r = 1;
	} else if (r == 0 && h.status != 200) {
		char *w = xasprintf("HTTP %d %s", h.status, http_status_text(h.status));
		r = fail(l, err, h.status == 404 || h.status == 410 ? -ENOENT
				 : h.status == 401 || h.status == 403 ? -EACCES : -EPROTO, w);
		free(w);
	} else if (r == 0) {
		memmove(buf, buf + head, have - (size_t)head);
		r = body(fd, l, &h, s, buf, have - (size_t)head, err);
	}
	http_head_free(&h);
	free(buf);
	close(fd);
	return r;
}

int http_get(const struct netloc *l, struct sink *s, char **err)
{
	struct netloc cur = {l->proto, xstrdup(l->host), l->port, xstrdup(l->path)};
	int r = 0;
	for (int hops = 0;; hops++) {
		struct netloc next = {0};
		r = one(&cur, s, &next, err);
		if (r != 1)
			break;
		netloc_free(&cur);
		cur = next;
		if (next.proto != NET_HTTP) {
			r = fail(&cur, err, -EPROTO, "a redirect to another protocol is not followed");
			break;
		}
		if (hops + 1 >= MAX_REDIRECTS) {
			r = fail(&cur, err, -ELOOP, "too many redirects (more than 5)");
			break;
		}
	}
	netloc_free(&cur);
	return r;
}
