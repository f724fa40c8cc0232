#include "uevent.h"

#include <errno.h>
#include <linux/netlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "kmod.h"

/* Coldplug makes bursts of hundreds of events while PID 1 is busy loading
 * modules; the kernel only commits the pages used. */
#define RECEIVE_BUFFER (16 << 20)

static const char *value_of(const char *field, const char *key)
{
	size_t n = strlen(key);
	return strncmp(field, key, n) == 0 && field[n] == '=' ? field + n + 1 : NULL;
}

static void take_field(struct uevent *ev, const char *field)
{
	const char *v;
	if ((v = value_of(field, "ACTION")))
		ev->action = v;
	else if ((v = value_of(field, "DEVPATH")))
		ev->devpath = v;
	else if ((v = value_of(field, "SUBSYSTEM")))
		ev->subsystem = v;
	else if ((v = value_of(field, "DEVTYPE")))
		ev->devtype = v;
	else if ((v = value_of(field, "DEVNAME")))
		ev->devname = v;
	else if ((v = value_of(field, "MODALIAS")))
		ev->modalias = v;
}

bool uevent_parse(struct uevent *ev, const void *msg, size_t len)
{
	memset(ev, 0, offsetof(struct uevent, raw));
	if (len > UEVENT_MSG_MAX)
		len = UEVENT_MSG_MAX;
	memcpy(ev->raw, msg, len);
	ev->raw[len] = 0;
	char *at = strchr(ev->raw, '@');
	if (!at || at == ev->raw)
		return false;
	/* The header names the action and path; the fields repeat them. */
	*at = 0;
	ev->action = ev->raw;
	ev->devpath = at + 1;
	for (size_t off = strlen(at + 1) + (size_t)(at + 2 - ev->raw); off < len;
	     off += strlen(ev->raw + off) + 1)
		take_field(ev, ev->raw + off);
	return *ev->action && *ev->devpath == '/';
}

int uevent_open(void)
{
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
			NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		return -errno;
	int size = RECEIVE_BUFFER;
	/* FORCE passes the system limit; PID 1 may, other callers fall back. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = 1};
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

int uevent_receive(int fd, struct uevent *ev)
{
	char buf[UEVENT_MSG_MAX];
	for (;;) {
		struct sockaddr_nl sa = {0};
		struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
		struct msghdr mh = {.msg_name = &sa, .msg_namelen = sizeof(sa), .msg_iov = &iov, .msg_iovlen = 1};
		ssize_t n = recvmsg(fd, &mh, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
		/* Only the kernel speaks for devices; anyone else is ignored. */
		if (mh.msg_namelen != sizeof(sa) || sa.nl_pid != 0 || (mh.msg_flags & MSG_TRUNC))
			continue;
		if (uevent_parse(ev, buf, (size_t)n))
			return 1;
	}
}

int uevent_load_modules(struct kmod *km, const struct uevent *ev)
{
	if (!ev->modalias || strcmp(ev->action, "add") != 0)
		return 0;
	return kmod_load_alias(km, ev->modalias);
}
