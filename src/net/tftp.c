#include "tftp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static size_t put_str(uint8_t *buf, size_t at, size_t cap, const char *s)
{
	size_t n = strlen(s) + 1;
	if (at == 0 || at + n > cap)
		return 0;
	memcpy(buf + at, s, n);
	return at + n;
}

size_t tftp_rrq(uint8_t *buf, size_t cap, const char *file, unsigned blksize, unsigned windowsize,
		bool tsize)
{
	if (cap < 2 || !*file)
		return 0;
	buf[0] = 0, buf[1] = TFTP_RRQ;
	size_t at = put_str(buf, 2, cap, file);
	at = put_str(buf, at, cap, "octet");
	char num[16];
	if (blksize) {
		snprintf(num, sizeof(num), "%u", blksize);
		at = put_str(buf, put_str(buf, at, cap, "blksize"), cap, num);
	}
	if (tsize)
		at = put_str(buf, put_str(buf, at, cap, "tsize"), cap, "0");
	if (windowsize) {
		snprintf(num, sizeof(num), "%u", windowsize);
		at = put_str(buf, put_str(buf, at, cap, "windowsize"), cap, num);
	}
	return at;
}

size_t tftp_ack(uint8_t *buf, size_t cap, unsigned block)
{
	if (cap < 4)
		return 0;
	buf[0] = 0, buf[1] = TFTP_ACK, buf[2] = (uint8_t)(block >> 8), buf[3] = (uint8_t)block;
	return 4;
}

size_t tftp_error(uint8_t *buf, size_t cap, unsigned code, const char *msg)
{
	if (cap < 4)
		return 0;
	buf[0] = 0, buf[1] = TFTP_ERROR, buf[2] = (uint8_t)(code >> 8), buf[3] = (uint8_t)code;
	return put_str(buf, 4, cap, msg);
}

/* A decimal option value within [lo, hi]; -1 otherwise. */
static long long number(const char *s, long long lo, long long hi)
{
	if (!*s || strlen(s) > 19)
		return -1;
	long long v = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (hi - (*s - '0')) / 10)
			return -1; /* checked before it grows: 19 nines overflow */
		v = v * 10 + (*s - '0');
	}
	return v < lo || v > hi ? -1 : v;
}

static int oack(const uint8_t *buf, size_t len, struct tftp_pkt *p)
{
	p->tsize = -1;
	/* name\0value\0 pairs; the last byte must end a string */
	if (len < 2 || buf[len - 1] != 0)
		return len == 2 ? 0 : -1;
	const char *s = (const char *)buf + 2, *end = (const char *)buf + len;
	while (s < end) {
		const char *name = s, *value = s + strlen(s) + 1;
		if (value >= end)
			return -1;
		s = value + strlen(value) + 1;
		long long v;
		if (!strcasecmp(name, "blksize")) {
			if ((v = number(value, 8, TFTP_MAX_BLKSIZE)) < 0)
				return -1;
			p->blksize = (unsigned)v;
		} else if (!strcasecmp(name, "windowsize")) {
			if ((v = number(value, 1, 65535)) < 0)
				return -1;
			p->windowsize = (unsigned)v;
		} else if (!strcasecmp(name, "tsize")) {
			if ((p->tsize = number(value, 0, 1LL << 50)) < 0)
				return -1;
		} /* options we did not ask for are ignored */
	}
	return 0;
}

int tftp_parse(const uint8_t *buf, size_t len, struct tftp_pkt *p)
{
	memset(p, 0, sizeof(*p));
	if (len < 2 || buf[0] != 0)
		return -1;
	p->op = (enum tftp_op)buf[1];
	switch (p->op) {
	case TFTP_DATA:
	case TFTP_ACK:
		if (len < 4 || (p->op == TFTP_ACK && len != 4))
			return -1;
		p->block = (unsigned)buf[2] << 8 | buf[3];
		p->data = buf + 4;
		p->len = len - 4;
		return 0;
	case TFTP_ERROR: {
		if (len < 4)
			return -1;
		p->code = (unsigned)buf[2] << 8 | buf[3];
		size_t k = 0;
		for (size_t i = 4; i < len && buf[i] && k + 1 < sizeof(p->msg); i++)
			if (buf[i] >= ' ' && buf[i] < 0x7f)
				p->msg[k++] = (char)buf[i];
		p->msg[k] = 0;
		return 0;
	}
	case TFTP_OACK:
		return oack(buf, len, p);
	default:
		return -1;
	}
}

const char *tftp_error_text(unsigned code)
{
	static const char *const t[] = {
		"error", "file not found", "access violation", "disk full or allocation exceeded",
		"illegal TFTP operation", "unknown transfer ID", "file already exists",
		"no such user", "option negotiation refused"};
	return code < sizeof(t) / sizeof(t[0]) ? t[code] : "unknown error";
}
