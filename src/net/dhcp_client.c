#include "dhcp_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "errtext.h"
#include "sink.h"
#include "log.h"
#include "util.h"

enum state { WAIT_CARRIER, SELECTING, REQUESTING, DONE };

struct run {
	const struct netif *nif;
	int fd;
	enum state st;
	uint32_t xid;
	struct dhcp_lease offer;
	long long next_ms;
	int sends, gap_ms;
};

static uint16_t csum(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint32_t s = 0;
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)b[i] << 8 | b[i + 1];
	if (n & 1)
		s += (uint32_t)b[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return htons((uint16_t)~s);
}

/* A broadcast from 0.0.0.0:68 to 255.255.255.255:67, framed by hand. */
static int send_bcast(struct run *r, const uint8_t *msg, size_t n)
{
	uint8_t pkt[1500];
	if (n + 28 > sizeof(pkt))
		return -EMSGSIZE;
	struct iphdr *ip = (struct iphdr *)pkt;
	struct udphdr *udp = (struct udphdr *)(pkt + 20);
	memset(pkt, 0, 28);
	ip->version = 4, ip->ihl = 5, ip->ttl = 64, ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons((uint16_t)(n + 28));
	ip->daddr = INADDR_BROADCAST;
	ip->check = csum(ip, 20);
	udp->source = htons(68), udp->dest = htons(67), udp->len = htons((uint16_t)(n + 8));
	memcpy(pkt + 28, msg, n); /* UDP checksum 0: none, which IPv4 allows */
	struct sockaddr_ll to = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP),
				 .sll_ifindex = r->nif->index, .sll_halen = 6};
	memset(to.sll_addr, 0xff, 6);
	return sendto(r->fd, pkt, n + 28, 0, (struct sockaddr *)&to, sizeof(to)) < 0 ? -errno : 0;
}

static void send_msg(struct run *r, enum dhcp_type type, const uint8_t *uuid)
{
	uint8_t buf[576];
	struct dhcp_request q = {.type = type, .xid = r->xid, .uuid = uuid};
	memcpy(q.mac, r->nif->mac, 6);
	if (type == DHCPREQUEST) {
		q.requested = r->offer.addr;
		q.server_id = r->offer.server_id;
	}
	size_t n = dhcp_build(buf, sizeof(buf), &q);
	int e = n ? send_bcast(r, buf, n) : -EMSGSIZE;
	if (e < 0)
		log_debug("DHCP on %s: cannot send: %s", r->nif->name, errtext(-e));
	r->sends++;
	r->next_ms = fetch_now_ms() + r->gap_ms;
	r->gap_ms = r->gap_ms < 4000 ? r->gap_ms * 2 : 4000;
}

static int open_packet(const struct netif *nif)
{
	int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(ETH_P_IP));
	if (fd < 0)
		return -errno;
	struct sockaddr_ll sa = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP),
				 .sll_ifindex = nif->index};
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

/* An IPv4/UDP packet to port 68 carrying a reply to us: 1 when *l is filled,
 * 0 for another packet, -1 when none is waiting. */
static int receive(struct run *r, struct dhcp_lease *l)
{
	uint8_t pkt[2048];
	ssize_t n = recv(r->fd, pkt, sizeof(pkt), 0);
	if (n < 0)
		return -1;
	if (n < 28)
		return 0;
	const struct iphdr *ip = (const struct iphdr *)pkt;
	size_t ihl = (size_t)ip->ihl * 4;
	if (ip->version != 4 || ip->protocol != IPPROTO_UDP || ihl < 20 || (size_t)n < ihl + 8 ||
	    (ntohs(ip->frag_off) & 0x3fff))
		return 0;
	const struct udphdr *udp = (const struct udphdr *)(pkt + ihl);
	size_t ulen = ntohs(udp->len);
	if (ntohs(udp->dest) != 68 || ulen < 8 || ihl + ulen > (size_t)n)
		return 0;
	return dhcp_parse(pkt + ihl + 8, ulen - 8, r->xid, r->nif->mac, l) == 0;
}

static void restart(struct run *r)
{
	r->st = SELECTING;
	r->sends = 0;
	r->gap_ms = 1000;
	r->next_ms = 0;
}

/* One reply on one interface; true when it completes a lease. */
static bool on_reply(struct run *r, const struct dhcp_lease *l, const uint8_t *uuid)
{
	if (r->st == SELECTING && l->type == DHCPOFFER) {
		r->offer = *l;
		r->st = REQUESTING;
		r->sends = 0;
		r->gap_ms = 1000;
		send_msg(r, DHCPREQUEST, uuid);
	} else if (r->st == REQUESTING && l->type == DHCPACK) {
		return true;
	} else if (r->st == REQUESTING && l->type == DHCPNAK) {
		log_info("DHCP on %s: the server refused the address it offered; asking again",
			 r->nif->name);
		restart(r);
	}
	return false;
}

static void tick(struct run *r, const uint8_t *uuid)
{
	long long now = fetch_now_ms();
	if (r->st == WAIT_CARRIER && link_carrier(r->nif->index)) {
		log_info("DHCP on %s: link is up", r->nif->name);
		restart(r);
	}
	if (r->st == REQUESTING && r->sends >= 3 && now >= r->next_ms)
		restart(r); /* the REQUEST went unanswered: start over */
	if ((r->st == SELECTING || r->st == REQUESTING) && now >= r->next_ms)
		send_msg(r, r->st == SELECTING ? DHCPDISCOVER : DHCPREQUEST, uuid);
}

static int finish(struct run *runs, int n, int won, char **err)
{
	struct strbuf names = {0}, nocable = {0};
	for (int i = 0; i < n; i++) {
		struct strbuf *b = runs[i].st == WAIT_CARRIER ? &nocable : &names;
		sb_printf(b, "%s%s", b->len ? ", " : "", runs[i].nif->name);
		if (runs[i].fd >= 0)
			close(runs[i].fd);
	}
	if (won < 0 && names.len)
		*err = xasprintf("no DHCP answer on %s%s%s", names.s,
				 nocable.len ? "; no network cable on " : "", nocable.len ? nocable.s : "");
	else if (won < 0)
		*err = xasprintf("no network cable on %s", nocable.len ? nocable.s : "any interface");
	sb_free(&names);
	sb_free(&nocable);
	return won;
}

int dhcp_client_run(const struct netif *v, int n, int timeout_ms, const uint8_t *uuid,
		    struct dhcp_lease *lease, char **err)
{
	struct run runs[LINK_MAX];
	struct pollfd pf[LINK_MAX];
	n = n > LINK_MAX ? LINK_MAX : n;
	unsigned seed = (unsigned)fetch_now_ms();
	for (int i = 0; i < n; i++) {
		runs[i] = (struct run){.nif = &v[i], .fd = open_packet(&v[i]), .st = WAIT_CARRIER,
				       .xid = (uint32_t)rand_r(&seed) ^ ((uint32_t)v[i].mac[5] << 24 |
									(uint32_t)v[i].mac[4] << 16)};
		if (runs[i].fd < 0)
			log_warn("DHCP on %s: cannot open a packet socket: %s", v[i].name,
				 errtext(-runs[i].fd));
	}
	long long end = fetch_now_ms() + timeout_ms;
	int won = -1;
	while (won < 0 && fetch_now_ms() < end) {
		for (int i = 0; i < n; i++) {
			if (runs[i].fd >= 0)
				tick(&runs[i], uuid);
			pf[i] = (struct pollfd){runs[i].fd, POLLIN, 0};
		}
		if (poll(pf, (nfds_t)n, 100) <= 0)
			continue;
		for (int i = 0; i < n && won < 0; i++) {
			struct dhcp_lease l;
			int got;
			/* a bounded number per wake-up: a flood cannot keep us here */
			for (int k = 0; k < 64 && won < 0 && (pf[i].revents & POLLIN) &&
					(got = receive(&runs[i], &l)) >= 0; k++)
				if (got && runs[i].st != WAIT_CARRIER && on_reply(&runs[i], &l, uuid)) {
					*lease = l;
					won = i;
				}
		}
	}
	return finish(runs, n, won, err);
}

void dhcp_client_release(const struct netif *nif, const struct dhcp_lease *l)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	struct sockaddr_in me = {.sin_family = AF_INET, .sin_port = htons(68), .sin_addr.s_addr = l->addr};
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(67),
				 .sin_addr.s_addr = l->server_id};
	uint8_t buf[576];
	struct dhcp_request q = {.type = DHCPRELEASE, .xid = l->xid + 1, .ciaddr = l->addr,
				 .server_id = l->server_id};
	memcpy(q.mac, nif->mac, 6);
	size_t n = dhcp_build(buf, sizeof(buf), &q);
	if (bind(fd, (struct sockaddr *)&me, sizeof(me)) == 0 && n &&
	    sendto(fd, buf, n, 0, (struct sockaddr *)&to, sizeof(to)) >= 0)
		log_info("DHCP on %s: lease released", nif->name);
	close(fd);
}
