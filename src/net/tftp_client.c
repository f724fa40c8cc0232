/* The TFTP client: RFC 1350 with blksize, tsize and windowsize. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "tftp_client.h"
#include "errtext.h"
#include "netpath.h"
#include "tftp.h"
#include "util.h"

#define BLKSIZE 1468  /* fills a 1500-byte Ethernet frame */
#define WINDOW 16
#define RETRIES 4     /* sends of a request before giving up: 1+1+2+2 = 6 seconds */
#define DEAD_MS 60000 /* a server that did not answer is not asked again for this long */

/* Servers that never answered: a PXELINUX lookup asks a dozen names, and each
 * would wait the whole timeout again. */
static struct dead {
	unsigned addr;
	long long since;
} dead[4];

static bool is_dead(unsigned addr)
{
	for (size_t i = 0; i < sizeof(dead) / sizeof(*dead); i++)
		if (dead[i].addr == addr && fetch_now_ms() - dead[i].since < DEAD_MS)
			return true;
	return false;
}

static void mark_dead(unsigned addr)
{
	static unsigned next;
	dead[next++ % (sizeof(dead) / sizeof(*dead))] = (struct dead){addr, fetch_now_ms()};
}

struct xfer {
	int fd;
	struct sockaddr_in server; /* port 69 until the server's transfer port is known */
	bool locked;               /* the server's transfer port is known */
	unsigned blksize, window;
	unsigned long long block;  /* blocks received in order (64-bit: block numbers wrap) */
	const struct netloc *l;
	char *url;
};

static int send_to(struct xfer *x, const uint8_t *p, size_t n)
{
	return sendto(x->fd, p, n, 0, (struct sockaddr *)&x->server, sizeof(x->server)) < 0 ? -errno : 0;
}

static int ack(struct xfer *x)
{
	uint8_t b[4];
	return send_to(x, b, tftp_ack(b, sizeof(b), (unsigned)(x->block & 0xffff)));
}

/* Waits for a packet from the server; 0 on timeout, <0 on error. */
static ssize_t receive(struct xfer *x, uint8_t *buf, size_t cap, int ms)
{
	long long end = fetch_now_ms() + ms;
	for (;;) {
		long long left = end - fetch_now_ms();
		struct pollfd p = {x->fd, POLLIN, 0};
		if (left <= 0 || poll(&p, 1, (int)left) == 0)
			return 0;
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(x->fd, buf, cap, 0, (struct sockaddr *)&from, &fl);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (from.sin_addr.s_addr != x->server.sin_addr.s_addr)
			continue; /* another host: not our transfer */
		if (x->locked && from.sin_port != x->server.sin_port) {
			/* RFC 1350: a stray port gets an error, the transfer goes on */
			uint8_t e[64];
			size_t k = tftp_error(e, sizeof(e), 5, "unknown transfer ID");
			sendto(x->fd, e, k, 0, (struct sockaddr *)&from, fl);
			continue;
		}
		if (!x->locked) {
			x->server.sin_port = from.sin_port;
			x->locked = true;
		}
		return n;
	}
}

static int fail(struct xfer *x, char **err, int e, const char *fmt, const char *arg)
{
	char *what = xasprintf(fmt, arg);
	*err = xasprintf("%s: %s", x->url, what);
	free(what);
	return e;
}

/* One DATA packet: in order it is kept, out of order it makes us ACK what we have. */
static int data(struct xfer *x, struct sink *s, const struct tftp_pkt *p, bool *last, bool *resend,
		char **err)
{
	if (p->block != ((x->block + 1) & 0xffff)) {
		*resend = true; /* RFC 7440: a gap means the window restarts after our last block */
		return 0;
	}
	if (p->len > x->blksize)
		return fail(x, err, -EPROTO, "the server sent a block larger than agreed%s", "");
	int r = sink_write(s, p->data, p->len, err);
	if (r < 0)
		return r;
	x->block++;
	*last = p->len < x->blksize;
	return 0;
}

static int negotiate(struct xfer *x, struct sink *s, const struct tftp_pkt *p, char **err)
{
	x->blksize = p->blksize ? p->blksize : 512;
	x->window = p->windowsize ? p->windowsize : 1;
	if (p->tsize >= 0) {
		int r = sink_expect(s, (unsigned long long)p->tsize, err);
		if (r < 0)
			return r;
	}
	return ack(x); /* ACK 0 starts the data */
}

static int transfer(struct xfer *x, struct sink *s, char **err)
{
	uint8_t req[512], *buf = xmalloc(TFTP_MAX_BLKSIZE + 4);
	const char *file = x->l->path[0] == '/' ? x->l->path + 1 : x->l->path;
	size_t rn = tftp_rrq(req, sizeof(req), *file ? file : "/", BLKSIZE, WINDOW, true);
	int r = rn ? send_to(x, req, rn)
		   : fail(x, err, -ENAMETOOLONG, "the file name is too long for a TFTP request%s", "");
	if (r < 0 && !*err)
		fail(x, err, r, "cannot send the request: %s", errtext(-r));
	int tries = 1, timeout = 1000, in_window = 0;
	long long quiet_since = fetch_now_ms();
	bool started = false, last = false;
	while (r == 0 && !last) {
		ssize_t n = receive(x, buf, TFTP_MAX_BLKSIZE + 4, timeout);
		if (n < 0) {
			r = fail(x, err, (int)n, "cannot receive: %s", errtext((int)-n));
			break;
		}
		if (n == 0) { /* nothing came: send again what we last sent */
			bool gave_up = started ? fetch_now_ms() - quiet_since >= FETCH_STALL_SECS * 1000
					       : tries++ >= RETRIES;
			if (gave_up && started) {
				char *why = xasprintf("the server stopped answering after %llu bytes",
						      s->got);
				r = fail(x, err, -ETIMEDOUT, "%s", why);
				free(why);
				break;
			}
			if (gave_up) {
				mark_dead(x->server.sin_addr.s_addr);
				r = fail(x, err, -ETIMEDOUT,
					 "the server does not answer (is a TFTP server running there?)%s", "");
				break;
			}
			r = started ? ack(x) : send_to(x, req, rn);
			timeout = started ? (timeout < 4000 ? timeout * 2 : timeout) : tries > 2 ? 2000 : 1000;
			continue;
		}
		struct tftp_pkt p;
		if (tftp_parse(buf, (size_t)n, &p) < 0) {
			r = fail(x, err, -EPROTO, "the server sent something that is not TFTP%s", "");
			break;
		}
		if (p.op == TFTP_ERROR) {
			char *why = *p.msg ? xasprintf("%s (%s)", tftp_error_text(p.code), p.msg)
					   : xstrdup(tftp_error_text(p.code));
			r = fail(x, err, p.code == 1 ? -ENOENT : p.code == 2 ? -EACCES : -EPROTO,
				 "TFTP error: %s", why);
			free(why);
			break;
		}
		if (p.op == TFTP_OACK && !started) {
			started = true;
			r = negotiate(x, s, &p, err);
		} else if (p.op == TFTP_DATA) {
			if (!started) { /* the server ignored our options */
				started = true;
				x->blksize = 512, x->window = 1;
			}
			bool resend = false;
			r = data(x, s, &p, &last, &resend, err);
			if (r == 0 && (last || resend || ++in_window >= (int)x->window)) {
				in_window = 0;
				r = ack(x);
			}
		}
		tries = 1;
		timeout = 1000;
		quiet_since = fetch_now_ms();
	}
	free(buf);
	return r;
}

int tftp_get(const struct netloc *l, struct sink *s, char **err)
{
	unsigned addr;
	int r = netpath_addr(l->host, &addr, err);
	if (r < 0)
		return r;
	struct xfer x = {.l = l, .url = (char *)s->url, .blksize = 512, .window = 1};
	if (is_dead(addr))
		return fail(&x, err, -ETIMEDOUT, "the server did not answer a moment ago%s", "");
	x.server = (struct sockaddr_in){.sin_family = AF_INET, .sin_port = htons((uint16_t)l->port),
					.sin_addr.s_addr = addr};
	x.fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (x.fd < 0)
		return fail(&x, err, -errno, "cannot open a socket: %s", errtext(errno));
	int big = 4 << 20; /* a window of large blocks must not overflow the socket */
	setsockopt(x.fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	r = transfer(&x, s, err);
	if (r < 0 && x.locked && r != -ENOENT && r != -EACCES) {
		uint8_t e[64];
		send_to(&x, e, tftp_error(e, sizeof(e), 0, "transfer aborted"));
	}
	close(x.fd);
	return r;
}
