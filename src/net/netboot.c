#include "netboot.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "dhcp_client.h"
#include "errtext.h"
#include "fetch.h"
#include "log.h"
#include "netboot_int.h"
#include "netpath.h"
#include "pxelinux.h"

static struct {
	struct netif nifs[LINK_MAX];
	int n;
	int won;               /* index in nifs of the lease's interface, -1: none */
	struct dhcp_lease lease;
	char server[DHCP_TEXT];
	char *uuid;            /* PXELINUX's form of the machine's UUID, or NULL */
	uint8_t uuid_raw[16];
	bool have_uuid;
	void (*status)(const char *line);
} N = {.won = -1};

void net_set_status(void (*fn)(const char *line))
{
	N.status = fn;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = xvasprintf(fmt, ap);
	va_end(ap);
	log_info("%s", m);
	if (N.status)
		N.status(m);
	free(m);
}

bool net_has_interfaces(void)
{
	struct netif v[LINK_MAX];
	return link_list(v, LINK_MAX) > 0;
}

bool net_cards_present(const char *sysfs)
{
	char *dir = xasprintf("%s/bus/pci/devices", sysfs);
	DIR *d = opendir(dir);
	bool found = false;
	for (struct dirent *e; d && !found && (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		char *path = xasprintf("%s/%s/class", dir, e->d_name);
		char *cls = read_line_file(path);
		found = cls && str_starts(cls, "0x02"); /* PCI class 02: network controller */
		free(cls);
		free(path);
	}
	if (d)
		closedir(d);
	free(dir);
	return found;
}

bool net_up(void)
{
	return N.won >= 0;
}

const char *net_server(void)
{
	return N.won >= 0 && N.server[0] ? N.server : NULL;
}

static void read_uuid(void)
{
	free(N.uuid);
	N.uuid = NULL;
	N.have_uuid = false;
	char *dmi = read_line_file("/sys/class/dmi/id/product_uuid");
	N.uuid = dmi ? pxelinux_uuid_from_dmi(dmi) : NULL;
	free(dmi);
	if (!N.uuid)
		return;
	for (int i = 0, k = 0; i < 16; i++, k += 2) {
		if (N.uuid[k] == '-')
			k++;
		/* strtoul on two digits, not sscanf: sscanf pulls 90 KB of glibc in */
		char pair[3] = {N.uuid[k], N.uuid[k] ? N.uuid[k + 1] : 0, 0};
		N.uuid_raw[i] = (uint8_t)strtoul(pair, NULL, 16);
	}
	N.have_uuid = true;
}

static void choose_server(void)
{
	const struct dhcp_lease *l = &N.lease;
	struct in_addr a;
	N.server[0] = 0;
	if (l->next_server)
		a.s_addr = l->next_server;
	else if (l->tftp_server[0] && inet_pton(AF_INET, l->tftp_server, &a) == 1)
		;
	else if (l->tftp_server[0]) {
		snprintf(N.server, sizeof(N.server), "%s", l->tftp_server);
		return;
	} else if (l->server_id)
		a.s_addr = l->server_id;
	else
		return;
	inet_ntop(AF_INET, &a, N.server, sizeof(N.server));
}

static void configure(const struct netif *nif, const struct dhcp_lease *l)
{
	int prefix = l->mask ? link_prefix_len(l->mask) : 24;
	int r = link_add_addr(nif->index, l->addr, prefix);
	if (r < 0)
		log_warn("cannot give %s its address: %s", nif->name, errtext(-r));
	if (l->router && (r = link_add_default_route(nif->index, l->router)) < 0)
		log_warn("cannot add the default route on %s: %s", nif->name, errtext(-r));
}

static bool chosen(const struct netif *nif, const struct strlist *only)
{
	if (!only || !only->n)
		return true;
	char mac[18];
	const uint8_t *m = nif->mac;
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	for (size_t i = 0; i < only->n; i++)
		if (!strcmp(only->v[i], nif->name) || !strcasecmp(only->v[i], mac))
			return true;
	return false;
}

/* The cards DHCP runs on: every Ethernet card, or those netboot-interface names. */
static int choose_cards(const struct strlist *only, char **err)
{
	struct netif all[LINK_MAX];
	int n = link_list(all, LINK_MAX);
	N.n = 0;
	if (n <= 0) {
		*err = xstrdup("there is no network interface (no driver for the network card?)");
		return -ENODEV;
	}
	struct strbuf names = {0};
	for (int i = 0; i < n; i++) {
		if (chosen(&all[i], only))
			N.nifs[N.n++] = all[i];
		sb_printf(&names, "%s%s", i ? ", " : "", all[i].name);
	}
	if (!N.n)
		*err = xasprintf("no network interface is named as netboot-interface asks (there are: %s)",
				 names.s);
	sb_free(&names);
	return N.n ? 0 : -ENODEV;
}

int net_start(const struct strlist *only, char **err)
{
	net_release();
	int r = choose_cards(only, err);
	if (r < 0)
		return r;
	struct strbuf names = {0};
	for (int i = 0; i < N.n; i++) {
		int e = link_up(N.nifs[i].index);
		if (e < 0)
			log_warn("cannot bring %s up: %s", N.nifs[i].name, errtext(-e));
		sb_printf(&names, "%s%s", i ? ", " : "", N.nifs[i].name);
	}
	read_uuid();
	say("Network: asking for an address (DHCP) on %s...", names.s);
	sb_free(&names);
	int won = dhcp_client_run(N.nifs, N.n, NET_DHCP_SECS * 1000, N.have_uuid ? N.uuid_raw : NULL,
				  &N.lease, err);
	if (won < 0) {
		char *m = xasprintf("%s after %d seconds; going on without the network", *err,
				    NET_DHCP_SECS);
		free(*err);
		*err = m;
		return -ETIMEDOUT;
	}
	N.won = won;
	configure(&N.nifs[won], &N.lease);
	choose_server();
	char ip[16];
	inet_ntop(AF_INET, &N.lease.addr, ip, sizeof(ip));
	say("Network: %s has %s; boot server %s, boot file %s", N.nifs[won].name, ip,
	    N.server[0] ? N.server : "(none)", N.lease.bootfile[0] ? N.lease.bootfile : "(none)");
	return 0;
}

void net_release(void)
{
	if (N.won < 0)
		return;
	const struct netif *nif = &N.nifs[N.won];
	dhcp_client_release(nif, &N.lease);
	link_del_addr(nif->index, N.lease.addr, N.lease.mask ? link_prefix_len(N.lease.mask) : 24);
	N.won = -1;
}

static void addr_line(struct strbuf *out, const char *what, uint32_t a)
{
	char s[16];
	if (!a)
		return;
	inet_ntop(AF_INET, &a, s, sizeof(s));
	sb_printf(out, "  %-12s %s\n", what, s);
}

void net_describe(struct strbuf *out)
{
	struct netif v[LINK_MAX];
	int n = link_list(v, LINK_MAX);
	if (n <= 0)
		sb_puts(out, "No network interface.\n");
	for (int i = 0; i < n; i++) {
		const uint8_t *m = v[i].mac;
		sb_printf(out, "%s  %02x:%02x:%02x:%02x:%02x:%02x  %s%s\n", v[i].name, m[0], m[1], m[2],
			  m[3], m[4], m[5], v[i].flags & 1 ? "up" : "down",
			  link_carrier(v[i].index) ? ", link" : ", no link");
	}
	if (N.won < 0) {
		sb_puts(out, "No DHCP lease (type dhcp to ask for one).\n");
		return;
	}
	const struct dhcp_lease *l = &N.lease;
	sb_printf(out, "Lease on %s:\n", N.nifs[N.won].name);
	addr_line(out, "address", l->addr);
	addr_line(out, "netmask", l->mask);
	addr_line(out, "router", l->router);
	for (int i = 0; i < l->ndns; i++)
		addr_line(out, "dns", l->dns[i]);
	addr_line(out, "dhcp server", l->server_id);
	addr_line(out, "next server", l->next_server);
	if (N.server[0])
		sb_printf(out, "  %-12s %s\n", "boot server", N.server);
	const char *const texts[][2] = {{"host name", l->hostname}, {"domain", l->domain},
					{"tftp server", l->tftp_server}, {"boot file", l->bootfile},
					{"pxe config", l->pxe_config}, {"pxe prefix", l->pxe_prefix}};
	for (size_t i = 0; i < ARRAY_SIZE(texts); i++)
		if (texts[i][1][0])
			sb_printf(out, "  %-12s %s\n", texts[i][0], texts[i][1]);
	if (l->lease_secs)
		sb_printf(out, "  %-12s %u seconds\n", "lease", l->lease_secs);
}

/* Small files are kept: a configuration is looked at, then read, then
 * read again by an INCLUDE; each open gets its own offset. */
#define CACHE_N 8
#define CACHE_MAX (1 << 20)
static struct {
	char *url;
	int fd;
} cache[CACHE_N];
static int cache_next;

static int reopen(int fd)
{
	char p[32];
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	return open(p, O_RDONLY | O_CLOEXEC);
}

static int cached(const char *url)
{
	for (int i = 0; i < CACHE_N; i++)
		if (cache[i].url && !strcmp(cache[i].url, url))
			return reopen(cache[i].fd);
	return -1;
}

static void keep(const char *url, int fd)
{
	off_t size = lseek(fd, 0, SEEK_END);
	lseek(fd, 0, SEEK_SET);
	if (size < 0 || size > CACHE_MAX)
		return;
	int i = cache_next++ % CACHE_N;
	if (cache[i].url) {
		free(cache[i].url);
		close(cache[i].fd);
	}
	cache[i].url = xstrdup(url);
	cache[i].fd = reopen(fd);
	if (cache[i].fd < 0) {
		free(cache[i].url);
		cache[i].url = NULL;
	}
}

int net_open(const char *dev, const char *path, char **err)
{
	struct netloc l;
	if (netloc_parse(dev, path, &l) < 0) {
		*err = xasprintf("(%s)%s is not a network path (write (tftp,SERVER)/path, "
				 "(http,SERVER)/path or http://SERVER/path)", dev, path);
		return -EINVAL;
	}
	char *url = netloc_url(&l, net_server());
	int fd = cached(url);
	if (fd < 0) {
		fd = fetch_open(&l, net_server(), FETCH_MAX, err);
		if (fd >= 0)
			keep(url, fd);
	}
	free(url);
	netloc_free(&l);
	return fd;
}

const struct dhcp_lease *net_lease(void)
{
	return N.won >= 0 ? &N.lease : NULL;
}

const uint8_t *net_mac(void)
{
	static const uint8_t none[6];
	return N.won >= 0 ? N.nifs[N.won].mac : none;
}

const char *net_uuid(void)
{
	return N.uuid;
}

static void var(struct strlist *out, const char *name, const char *value)
{
	if (value && *value)
		sl_push_owned(out, xasprintf("%s=%s", name, value));
}

/* As GRUB on a PC sets them after a PXE boot: its interface is "pxe". */
void net_grub_vars(struct strlist *out)
{
	if (N.won < 0)
		return;
	const struct dhcp_lease *l = &N.lease;
	const uint8_t *m = N.nifs[N.won].mac;
	char ip[16], next[16] = "", mac[18];
	inet_ntop(AF_INET, &l->addr, ip, sizeof(ip));
	if (l->next_server)
		inet_ntop(AF_INET, &l->next_server, next, sizeof(next));
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	var(out, "net_pxe_ip", ip);
	var(out, "net_pxe_mac", mac);
	var(out, "net_pxe_hostname", l->hostname);
	var(out, "net_pxe_domain", l->domain);
	var(out, "net_pxe_boot_file", l->bootfile);
	var(out, "net_pxe_dhcp_server_name", l->tftp_server);
	var(out, "net_pxe_next_server", next);
	if (N.uuid)
		var(out, "net_pxe_clientuuid", N.uuid);
	var(out, "net_default_interface", "pxe");
	var(out, "net_default_ip", ip);
	var(out, "net_default_mac", mac);
	var(out, "net_default_server", N.server);
	var(out, "pxe_default_server", N.server);
}
