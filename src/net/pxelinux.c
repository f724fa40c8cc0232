#include "pxelinux.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *pxelinux_prefix(const struct dhcp_lease *l)
{
	if (l->pxe_prefix[0])
		return xstrdup(l->pxe_prefix);
	const char *slash = strrchr(l->bootfile, '/');
	if (!slash)
		return xstrdup("/");
	char *p = xstrndup(l->bootfile, (size_t)(slash - l->bootfile) + 1);
	if (p[0] != '/') {
		char *abs = xasprintf("/%s", p);
		free(p);
		p = abs;
	}
	return p;
}

static void mac_dashes(char *buf, const uint8_t mac[6])
{
	sprintf(buf, "%02x-%02x-%02x-%02x-%02x-%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

void pxelinux_candidates(const struct dhcp_lease *l, const struct pxe_client *c, struct strlist *out)
{
	char *prefix = pxelinux_prefix(l);
	if (l->pxe_config[0]) {
		sl_push_owned(out, l->pxe_config[0] == '/' ? xstrdup(l->pxe_config)
							    : xasprintf("%s%s", prefix, l->pxe_config));
		free(prefix);
		return;
	}
	if (c->uuid)
		sl_push_owned(out, xasprintf("%spxelinux.cfg/%s", prefix, c->uuid));
	char mac[18];
	mac_dashes(mac, c->mac);
	sl_push_owned(out, xasprintf("%spxelinux.cfg/01-%s", prefix, mac));
	char hex[9];
	snprintf(hex, sizeof(hex), "%08X", (unsigned)ntohl(c->ip));
	for (int n = 8; n >= 1; n--)
		sl_push_owned(out, xasprintf("%spxelinux.cfg/%.*s", prefix, n, hex));
	sl_push_owned(out, xasprintf("%spxelinux.cfg/default", prefix));
	free(prefix);
}

void grub_net_candidates(const char *fwpath, const struct pxe_client *c, struct strlist *out)
{
	size_t n = strlen(fwpath);
	const char *sep = n && fwpath[n - 1] == '/' ? "" : "/";
	if (c->uuid)
		sl_push_owned(out, xasprintf("%s%sgrub.cfg-%s", fwpath, sep, c->uuid));
	char mac[18];
	mac_dashes(mac, c->mac);
	sl_push_owned(out, xasprintf("%s%sgrub.cfg-%s", fwpath, sep, mac));
	char hex[9];
	snprintf(hex, sizeof(hex), "%08X", (unsigned)ntohl(c->ip));
	for (int k = 8; k >= 1; k--)
		sl_push_owned(out, xasprintf("%s%sgrub.cfg-%.*s", fwpath, sep, k, hex));
	sl_push_owned(out, xasprintf("%s%sgrub.cfg", fwpath, sep));
}

char *grub_net_prefix(const char *bootfile)
{
	static const char *const platforms[] = {"i386-pc", "x86_64-efi", "i386-efi", "arm64-efi",
						"powerpc-ieee1275", "i386-ieee1275"};
	const char *slash = strrchr(bootfile, '/');
	if (!slash)
		return xstrdup("/");
	char *dir = xstrndup(bootfile, (size_t)(slash - bootfile));
	const char *up = strrchr(dir, '/');
	const char *last = up ? up + 1 : dir;
	for (size_t i = 0; i < sizeof(platforms) / sizeof(*platforms); i++)
		if (!strcmp(last, platforms[i])) {
			/* grub-mknetdir puts core.0 in PREFIX/PLATFORM/ */
			dir[up ? (size_t)(up - dir) : 0] = 0;
			break;
		}
	char *r = dir[0] == '/' ? xstrdup(dir) : xasprintf("/%s", dir);
	free(dir);
	return r;
}

static void dotted(char *buf, uint32_t a)
{
	const uint8_t *b = (const uint8_t *)&a;
	sprintf(buf, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

char *pxelinux_ip_word(const struct dhcp_lease *l)
{
	char ip[16], server[16], gw[16], mask[16];
	dotted(ip, l->addr);
	dotted(server, l->next_server ? l->next_server : l->server_id);
	dotted(gw, l->router);
	dotted(mask, l->mask);
	return xasprintf("ip=%s:%s:%s:%s", ip, server, gw, mask);
}

char *pxelinux_bootif_word(const uint8_t mac[6])
{
	char m[18];
	mac_dashes(m, mac);
	return xasprintf("BOOTIF=01-%s", m);
}

char *pxelinux_uuid_from_dmi(const char *s)
{
	/* 8-4-4-4-12 hex digits */
	static const int groups[] = {8, 4, 4, 4, 12};
	char hex[33];
	size_t k = 0;
	for (int g = 0; g < 5; g++) {
		for (int i = 0; i < groups[g]; i++, s++) {
			if (!isxdigit((unsigned char)*s))
				return NULL;
			hex[k++] = (char)tolower((unsigned char)*s);
		}
		if (g < 4 && *s++ != '-')
			return NULL;
	}
	hex[k] = 0;
	if (*s && *s != '\n')
		return NULL;
	if (strspn(hex, "0") == 32 || strspn(hex, "f") == 32)
		return NULL;
	/* Linux prints the first three fields little-endian swapped; SMBIOS
	 * keeps them in memory order, which is what PXELINUX prints. */
	char raw[37];
	static const int order[] = {6, 4, 2, 0, -1, 10, 8, -1, 14, 12};
	size_t o = 0;
	for (size_t i = 0; i < sizeof(order) / sizeof(*order); i++) {
		if (order[i] < 0) {
			raw[o++] = '-';
			continue;
		}
		raw[o++] = hex[order[i]];
		raw[o++] = hex[order[i] + 1];
	}
	snprintf(raw + o, sizeof(raw) - o, "-%.4s-%.12s", hex + 16, hex + 20);
	return xstrdup(raw);
}
