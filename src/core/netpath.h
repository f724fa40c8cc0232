/* Network paths, pure: the devices "tftp,SERVER",
 * "http,SERVER[:PORT]" (GRUB's "(tftp,SERVER)/path" and "(http,SERVER)/path"),
 * "tftp" and "http" alone (the server the DHCP lease names), and the URLs
 * "http://SERVER[:PORT]/path" and "tftp://SERVER/path". */
#ifndef KL_NETPATH_H
#define KL_NETPATH_H
#include <stdbool.h>

enum net_proto { NET_TFTP, NET_HTTP };

struct netloc {
	enum net_proto proto;
	char *host;    /* NULL: the lease's server (GRUB's net_default_server) */
	unsigned port; /* 69 or 80 unless given */
	char *path;    /* "/…", folded so that ".." never climbs above "/" */
};

/* True when dev names a network server rather than a disk. */
bool netdev_is(const char *dev);
/* Splits a network device and a path into a location. 0, or -1 (nothing
 * allocated) when dev is not a network device or its server is malformed. */
int netloc_parse(const char *dev, const char *path, struct netloc *out);
/* "http://h[:p]/path" or "tftp://h/path" as a location; -1 when it is not one. */
int url_parse(const char *url, struct netloc *out);
/* True when s starts with a scheme url_parse knows. */
bool url_is(const char *s);
/* "tftp,h" or "http,h:8080": the device form of a URL, with its path in *path. */
int url_split(const char *url, char **dev, char **path);
/* "tftp://h/path" for messages and origins; server stands in for a NULL host. */
char *netloc_url(const struct netloc *l, const char *server);
void netloc_free(struct netloc *l);
/* A dotted IPv4 address (network order) of a server; -EINVAL with *err set
 * for anything else (host names are not looked up). */
int netpath_addr(const char *host, unsigned *addr, char **err);

#endif
