#include "dhcp.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define FIXED 236 /* op … file: the BOOTP header */
#define MAGIC 0x63825363u

enum { OPT_PAD = 0, OPT_MASK = 1, OPT_ROUTER = 3, OPT_DNS = 6, OPT_HOSTNAME = 12,
       OPT_DOMAIN = 15, OPT_REQUESTED = 50, OPT_LEASE = 51, OPT_OVERLOAD = 52, OPT_TYPE = 53,
       OPT_SERVER = 54, OPT_PARAMS = 55, OPT_MAXSIZE = 57, OPT_VENDOR = 60, OPT_CLIENTID = 61,
       OPT_TFTP = 66, OPT_BOOTFILE = 67, OPT_ARCH = 93, OPT_NDI = 94, OPT_UUID = 97,
       OPT_PXECONF = 209, OPT_PXEPREFIX = 210, OPT_END = 255 };

struct out {
	uint8_t *b;
	size_t n, cap;
	bool full;
};

static void put(struct out *o, const void *p, size_t n)
{
	if (o->n + n > o->cap) {
		o->full = true;
		return;
	}
	memcpy(o->b + o->n, p, n);
	o->n += n;
}

static void opt(struct out *o, uint8_t code, const void *p, size_t n)
{
	uint8_t h[2] = {code, (uint8_t)n};
	put(o, h, 2);
	put(o, p, n);
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

size_t dhcp_build(uint8_t *buf, size_t cap, const struct dhcp_request *r)
{
	if (cap < 300)
		return 0;
	memset(buf, 0, cap);
	buf[0] = 1; /* BOOTREQUEST */
	buf[1] = 1; /* Ethernet */
	buf[2] = 6;
	put32(buf + 4, htonl(r->xid));
	if (r->type != DHCPRELEASE)
		buf[10] = 0x80; /* broadcast: we have no address to be answered at yet */
	put32(buf + 12, r->ciaddr);
	memcpy(buf + 28, r->mac, 6);
	struct out o = {buf, FIXED, cap, false};
	uint8_t m[4];
	put32(m, htonl(MAGIC));
	put(&o, m, 4);
	uint8_t type = (uint8_t)r->type;
	opt(&o, OPT_TYPE, &type, 1);
	uint8_t cid[7] = {1};
	memcpy(cid + 1, r->mac, 6);
	opt(&o, OPT_CLIENTID, cid, sizeof(cid));
	if (r->requested)
		opt(&o, OPT_REQUESTED, &r->requested, 4);
	if (r->server_id)
		opt(&o, OPT_SERVER, &r->server_id, 4);
	if (r->type != DHCPRELEASE) {
		/* The options a PXE client sends: servers answer PXE clients with
		 * their boot file only when they look like one. */
		static const uint8_t params[] = {OPT_MASK, OPT_ROUTER, OPT_DNS, OPT_HOSTNAME,
						 OPT_DOMAIN, OPT_LEASE, OPT_SERVER, OPT_TFTP,
						 OPT_BOOTFILE, OPT_UUID, OPT_PXECONF, OPT_PXEPREFIX};
		opt(&o, OPT_PARAMS, params, sizeof(params));
		uint8_t maxsize[2] = {1500 >> 8, 1500 & 0xff};
		opt(&o, OPT_MAXSIZE, maxsize, 2);
		char vendor[40];
		int vn = snprintf(vendor, sizeof(vendor), "PXEClient:Arch:%05u:UNDI:003016", r->arch);
		opt(&o, OPT_VENDOR, vendor, (size_t)vn);
		uint8_t arch[2] = {(uint8_t)(r->arch >> 8), (uint8_t)r->arch};
		opt(&o, OPT_ARCH, arch, 2);
		uint8_t ndi[3] = {1, 3, 16}; /* UNDI 3.16 */
		opt(&o, OPT_NDI, ndi, 3);
		if (r->uuid) {
			uint8_t u[17] = {0};
			memcpy(u + 1, r->uuid, 16);
			opt(&o, OPT_UUID, u, sizeof(u));
		}
	}
	uint8_t end = OPT_END;
	put(&o, &end, 1);
	if (o.full)
		return 0;
	/* Some old relays drop BOOTP messages shorter than 300 bytes. */
	return o.n < 300 ? 300 : o.n;
}

static void text(char *dst, const uint8_t *p, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k + 1 < DHCP_TEXT && p[i]; i++)
		if (p[i] >= ' ' && p[i] < 0x7f)
			dst[k++] = (char)p[i];
	dst[k] = 0;
}

static uint32_t addr(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static void option(struct dhcp_lease *l, uint8_t code, const uint8_t *p, size_t n, int *overload)
{
	switch (code) {
	case OPT_MASK: if (n >= 4) l->mask = addr(p); break;
	case OPT_ROUTER: if (n >= 4) l->router = addr(p); break;
	case OPT_DNS:
		for (size_t i = 0; i + 4 <= n && l->ndns < DHCP_MAX_DNS; i += 4)
			l->dns[l->ndns++] = addr(p + i);
		break;
	case OPT_HOSTNAME: text(l->hostname, p, n); break;
	case OPT_DOMAIN: text(l->domain, p, n); break;
	case OPT_LEASE: if (n >= 4) l->lease_secs = ntohl(addr(p)); break;
	case OPT_OVERLOAD: if (n >= 1) *overload = p[0]; break;
	case OPT_TYPE: if (n >= 1) l->type = (enum dhcp_type)p[0]; break;
	case OPT_SERVER: if (n >= 4) l->server_id = addr(p); break;
	case OPT_TFTP: text(l->tftp_server, p, n); break;
	case OPT_BOOTFILE: text(l->bootfile, p, n); break;
	case OPT_PXECONF: text(l->pxe_config, p, n); break;
	case OPT_PXEPREFIX: text(l->pxe_prefix, p, n); break;
	default: break;
	}
}

/* Walks an option area; -1 when an option runs past its end. */
static int options(struct dhcp_lease *l, const uint8_t *p, size_t n, int *overload)
{
	for (size_t i = 0; i < n;) {
		uint8_t code = p[i++];
		if (code == OPT_PAD)
			continue;
		if (code == OPT_END)
			return 0;
		if (i >= n || i + 1 + p[i] > n)
			return -1;
		size_t len = p[i++];
		option(l, code, p + i, len, overload);
		i += len;
	}
	return 0;
}

int dhcp_parse(const uint8_t *buf, size_t len, uint32_t xid, const uint8_t mac[6],
	       struct dhcp_lease *out)
{
	memset(out, 0, sizeof(*out));
	if (len < FIXED + 4 || buf[0] != 2 || addr(buf + FIXED) != htonl(MAGIC))
		return -1;
	out->xid = ntohl(addr(buf + 4));
	if (out->xid != xid || (mac && memcmp(buf + 28, mac, 6)))
		return -1;
	out->addr = addr(buf + 16);
	out->next_server = addr(buf + 20);
	int overload = 0;
	if (options(out, buf + FIXED + 4, len - FIXED - 4, &overload) < 0)
		return -1;
	if (overload & 1)
		options(out, buf + 108, 128, &overload);
	else if (!out->bootfile[0])
		text(out->bootfile, buf + 108, 128);
	if (overload & 2)
		options(out, buf + 44, 64, &overload);
	else if (!out->tftp_server[0])
		text(out->tftp_server, buf + 44, 64);
	return out->type ? 0 : -1;
}
