#include "link.h"
#include "util.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000 /* linux/if.h, which clashes with net/if.h */
#endif

static int nl_open(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	struct timeval tv = {2, 0}; /* the kernel answers at once; never hang PID 1 */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static void add_attr(struct nlmsghdr *h, size_t cap, int type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)h + NLMSG_ALIGN(h->nlmsg_len));
	if (NLMSG_ALIGN(h->nlmsg_len) + RTA_SPACE(len) > cap)
		return;
	a->rta_type = (unsigned short)type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_SPACE(len);
}

/* Sends a request and waits for its acknowledgement. 0 or -errno. */
static int nl_request(struct nlmsghdr *h)
{
	int fd = nl_open();
	if (fd < 0)
		return fd;
	h->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	h->nlmsg_seq = 1;
	int r = -EIO;
	if (send(fd, h, h->nlmsg_len, 0) < 0) {
		r = -errno;
		goto out;
	}
	char buf[4096];
	ssize_t n = recv(fd, buf, sizeof(buf), 0);
	if (n < 0) {
		r = -errno;
		goto out;
	}
	for (struct nlmsghdr *m = (struct nlmsghdr *)buf; NLMSG_OK(m, (size_t)n); m = NLMSG_NEXT(m, n))
		if (m->nlmsg_type == NLMSG_ERROR) {
			r = ((struct nlmsgerr *)NLMSG_DATA(m))->error;
			break;
		}
out:
	close(fd);
	return r;
}

static void parse_link(struct nlmsghdr *m, struct netif *out, bool *ether)
{
	struct ifinfomsg *ifi = NLMSG_DATA(m);
	memset(out, 0, sizeof(*out));
	out->index = ifi->ifi_index;
	out->flags = ifi->ifi_flags;
	*ether = ifi->ifi_type == ARPHRD_ETHER && !(ifi->ifi_flags & IFF_LOOPBACK);
	int len = (int)IFLA_PAYLOAD(m);
	for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == IFLA_IFNAME) {
			size_t k = RTA_PAYLOAD(a) < sizeof(out->name) ? RTA_PAYLOAD(a) : sizeof(out->name) - 1;
			memcpy(out->name, RTA_DATA(a), k);
			out->name[sizeof(out->name) - 1] = 0;
		} else if (a->rta_type == IFLA_ADDRESS && RTA_PAYLOAD(a) == 6) {
			memcpy(out->mac, RTA_DATA(a), 6);
		}
	}
}

/* Dumps every link; calls keep() on each Ethernet one. */
static int dump(struct netif *v, int max, int only_index)
{
	int fd = nl_open();
	if (fd < 0)
		return fd;
	struct {
		struct nlmsghdr h;
		struct ifinfomsg i;
	} req = {{NLMSG_LENGTH(sizeof(struct ifinfomsg)), RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 1, 0},
		 {.ifi_family = AF_UNSPEC}};
	int count = 0;
	if (send(fd, &req, req.h.nlmsg_len, 0) < 0) {
		count = -errno;
		goto out;
	}
	static char buf[32768];
	for (bool done = false; !done;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n <= 0) {
			count = n < 0 ? -errno : count;
			break;
		}
		for (struct nlmsghdr *m = (struct nlmsghdr *)buf; NLMSG_OK(m, (size_t)n);
		     m = NLMSG_NEXT(m, n)) {
			if (m->nlmsg_type == NLMSG_DONE || m->nlmsg_type == NLMSG_ERROR) {
				done = true;
				break;
			}
			if (m->nlmsg_type != RTM_NEWLINK || count >= max)
				continue;
			bool ether;
			parse_link(m, &v[count], &ether);
			if (ether && (!only_index || v[count].index == only_index))
				count++;
		}
	}
out:
	close(fd);
	return count;
}

int link_list(struct netif *v, int max)
{
	return dump(v, max, 0);
}

bool link_carrier(int index)
{
	struct netif one[LINK_MAX];
	return dump(one, LINK_MAX, index) > 0 && (one[0].flags & IFF_LOWER_UP);
}

static int set_up(int index)
{
	struct {
		struct nlmsghdr h;
		struct ifinfomsg i;
	} req = {{NLMSG_LENGTH(sizeof(struct ifinfomsg)), RTM_NEWLINK, 0, 0, 0},
		 {.ifi_family = AF_UNSPEC, .ifi_index = index, .ifi_flags = IFF_UP, .ifi_change = IFF_UP}};
	return nl_request(&req.h);
}

int link_up(int index)
{
	/* lo too: a server on this machine (host mode, tests) is reached through it */
	char *lo = read_line_file("/sys/class/net/lo/ifindex");
	if (lo && atoi(lo) > 0)
		set_up(atoi(lo));
	free(lo);
	return set_up(index);
}

int link_prefix_len(uint32_t mask)
{
	uint32_t m = ntohl(mask);
	int n = 0;
	while (m & 0x80000000u) {
		n++;
		m <<= 1;
	}
	return n;
}

static int addr_msg(int type, int flags, int index, uint32_t addr, int prefix)
{
	struct {
		struct nlmsghdr h;
		struct ifaddrmsg a;
		char attrs[64];
	} req = {{NLMSG_LENGTH(sizeof(struct ifaddrmsg)), (unsigned short)type, (unsigned short)flags, 0, 0},
		 {.ifa_family = AF_INET, .ifa_prefixlen = (unsigned char)prefix,
		  .ifa_scope = RT_SCOPE_UNIVERSE, .ifa_index = (unsigned)index}, {0}};
	add_attr(&req.h, sizeof(req), IFA_LOCAL, &addr, 4);
	add_attr(&req.h, sizeof(req), IFA_ADDRESS, &addr, 4);
	if (prefix > 0 && prefix < 31) {
		uint32_t bcast = addr | htonl(0xffffffffu >> prefix);
		add_attr(&req.h, sizeof(req), IFA_BROADCAST, &bcast, 4);
	}
	return nl_request(&req.h);
}

int link_add_addr(int index, uint32_t addr, int prefix)
{
	return addr_msg(RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, index, addr, prefix);
}

int link_del_addr(int index, uint32_t addr, int prefix)
{
	return addr_msg(RTM_DELADDR, 0, index, addr, prefix);
}

int link_add_default_route(int index, uint32_t gw)
{
	struct {
		struct nlmsghdr h;
		struct rtmsg r;
		char attrs[64];
	} req = {{NLMSG_LENGTH(sizeof(struct rtmsg)), RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, 0, 0},
		 {.rtm_family = AF_INET, .rtm_table = RT_TABLE_MAIN, .rtm_protocol = RTPROT_BOOT,
		  .rtm_scope = RT_SCOPE_UNIVERSE, .rtm_type = RTN_UNICAST}, {0}};
	add_attr(&req.h, sizeof(req), RTA_GATEWAY, &gw, 4);
	uint32_t oif = (uint32_t)index;
	add_attr(&req.h, sizeof(req), RTA_OIF, &oif, 4);
	return nl_request(&req.h);
}
