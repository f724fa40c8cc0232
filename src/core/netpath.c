#include "netpath.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"

static bool valid_host(const char *h, size_t n)
{
	if (n == 0 || n > 253)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)h[i]) && h[i] != '.' && h[i] != '-' && h[i] != '_')
			return false;
	return true;
}

/* "host[:port]" into host and port (default kept); -1 when malformed. */
static int host_port(const char *s, size_t n, char **host, unsigned *port)
{
	const char *colon = memchr(s, ':', n);
	size_t hn = colon ? (size_t)(colon - s) : n;
	if (!valid_host(s, hn))
		return -1;
	if (colon) {
		unsigned long p = 0;
		size_t digits = n - hn - 1;
		if (digits == 0 || digits > 5)
			return -1;
		for (size_t i = hn + 1; i < n; i++) {
			if (!isdigit((unsigned char)s[i]))
				return -1;
			p = p * 10 + (unsigned long)(s[i] - '0');
		}
		if (p == 0 || p > 65535)
			return -1;
		*port = (unsigned)p;
	}
	*host = xstrndup(s, hn);
	return 0;
}

static bool proto_of(const char *s, size_t n, enum net_proto *p)
{
	if ((n == 4 && !strncasecmp(s, "tftp", 4)) || (n == 3 && !strncasecmp(s, "pxe", 3))) {
		*p = NET_TFTP; /* GRUB's (pxe) is its older name for (tftp) */
		return true;
	}
	if (n == 4 && !strncasecmp(s, "http", 4)) {
		*p = NET_HTTP;
		return true;
	}
	return false;
}

bool netdev_is(const char *dev)
{
	enum net_proto p;
	return dev && proto_of(dev, strcspn(dev, ","), &p);
}

static char *folded(const char *path)
{
	char *rel = path_normalize(path && *path ? path : "/");
	char *abs = strcmp(rel, ".") ? xasprintf("/%s", rel) : xstrdup("/");
	free(rel);
	return abs;
}

int netloc_parse(const char *dev, const char *path, struct netloc *out)
{
	memset(out, 0, sizeof(*out));
	if (!dev)
		return -1;
	size_t n = strcspn(dev, ",");
	if (!proto_of(dev, n, &out->proto))
		return -1;
	out->port = out->proto == NET_TFTP ? 69 : 80;
	if (dev[n] == ',' && host_port(dev + n + 1, strlen(dev + n + 1), &out->host, &out->port) < 0)
		return -1;
	out->path = folded(path);
	return 0;
}

bool url_is(const char *s)
{
	return s && (!strncasecmp(s, "http://", 7) || !strncasecmp(s, "tftp://", 7));
}

int url_parse(const char *url, struct netloc *out)
{
	memset(out, 0, sizeof(*out));
	if (!url_is(url))
		return -1;
	out->proto = tolower((unsigned char)url[0]) == 't' ? NET_TFTP : NET_HTTP;
	out->port = out->proto == NET_TFTP ? 69 : 80;
	const char *h = url + 7;
	size_t n = strcspn(h, "/?#");
	if (host_port(h, n, &out->host, &out->port) < 0)
		return -1;
	char *p = xstrndup(h + n, strcspn(h + n, "#"));
	char *q = strchr(p, '?');
	if (q)
		*q = 0;
	out->path = folded(p);
	/* A query string is part of what an HTTP server is asked for. */
	if (q && out->proto == NET_HTTP) {
		*q = '?';
		char *with = xasprintf("%s%s", out->path, q);
		free(out->path);
		out->path = with;
	}
	free(p);
	return 0;
}

int url_split(const char *url, char **dev, char **path)
{
	struct netloc l;
	if (url_parse(url, &l) < 0)
		return -1;
	unsigned def = l.proto == NET_TFTP ? 69 : 80;
	const char *proto = l.proto == NET_TFTP ? "tftp" : "http";
	*dev = l.port == def ? xasprintf("%s,%s", proto, l.host)
			     : xasprintf("%s,%s:%u", proto, l.host, l.port);
	*path = l.path;
	l.path = NULL;
	netloc_free(&l);
	return 0;
}

char *netloc_url(const struct netloc *l, const char *server)
{
	const char *proto = l->proto == NET_TFTP ? "tftp" : "http";
	const char *host = l->host ? l->host : server ? server : "(no server)";
	unsigned def = l->proto == NET_TFTP ? 69 : 80;
	if (l->port && l->port != def)
		return xasprintf("%s://%s:%u%s", proto, host, l->port, l->path);
	return xasprintf("%s://%s%s", proto, host, l->path);
}

void netloc_free(struct netloc *l)
{
	free(l->host);
	free(l->path);
	l->host = l->path = NULL;
}

int netpath_addr(const char *host, unsigned *addr, char **err)
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
