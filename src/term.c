#include "term.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include "util.h"

void (*term_on_signal)(void);

void term_open(struct term *t, int in, int out)
{
	memset(t, 0, sizeof(*t));
	t->in = in;
	t->out = out;
	t->rows = 24;
	t->cols = 80;
	struct winsize ws;
	/* Serial lines report 0x0: keep the 80x24 a serial terminal has. */
	if (ioctl(out, TIOCGWINSZ, &ws) == 0 && ws.ws_row >= 10 && ws.ws_col >= 40) {
		t->rows = ws.ws_row;
		t->cols = ws.ws_col;
	}
	struct termios tio;
	if (tcgetattr(in, &tio) == 0) {
		tio.c_iflag &= ~(tcflag_t)(ICRNL | IXON | INLCR | IGNCR);
		tio.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ECHONL | IEXTEN);
		tio.c_lflag |= ISIG;
		tio.c_oflag |= OPOST | ONLCR;
		tio.c_cc[VMIN] = 1;
		tio.c_cc[VTIME] = 0;
		t->raw = tcsetattr(in, TCSANOW, &tio) == 0;
	}
}

void term_close(struct term *t)
{
	struct termios tio;
	if (t->raw && tcgetattr(t->in, &tio) == 0) {
		tio.c_iflag |= ICRNL;
		tio.c_lflag |= ICANON | ECHO;
		tcsetattr(t->in, TCSANOW, &tio);
	}
	t->raw = false;
}

void term_write(struct term *t, const char *s, size_t n)
{
	while (n) {
		ssize_t r = write(t->out, s, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return;
		s += r;
		n -= (size_t)r;
	}
}

void term_puts(struct term *t, const char *s)
{
	term_write(t, s, strlen(s));
}

void term_printf(struct term *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	term_puts(t, s);
	free(s);
}

static const struct {
	const char *seq;
	int key;
} sequences[] = {
	{"[A", KEY_UP},    {"[B", KEY_DOWN},  {"[C", KEY_RIGHT}, {"[D", KEY_LEFT},
	{"OA", KEY_UP},    {"OB", KEY_DOWN},  {"OC", KEY_RIGHT}, {"OD", KEY_LEFT},
	{"[H", KEY_HOME},  {"[F", KEY_END},   {"OH", KEY_HOME},  {"OF", KEY_END},
	{"[1~", KEY_HOME}, {"[4~", KEY_END},  {"[7~", KEY_HOME}, {"[8~", KEY_END},
	{"[5~", KEY_PGUP}, {"[6~", KEY_PGDN}, {"[3~", KEY_DEL},  {"[21~", KEY_F10},
};

int key_decode(const unsigned char *p, size_t n, size_t *used)
{
	*used = 0;
	if (n == 0)
		return KEY_NONE;
	if (p[0] != 27 || n == 1) {
		*used = 1;
		return p[0] == '\n' ? KEY_ENTER : p[0];
	}
	bool prefix = false;
	for (size_t i = 0; i < ARRAY_SIZE(sequences); i++) {
		size_t l = strlen(sequences[i].seq);
		size_t m = n - 1 < l ? n - 1 : l;
		if (memcmp(p + 1, sequences[i].seq, m) != 0)
			continue;
		if (m == l) {
			*used = l + 1;
			return sequences[i].key;
		}
		prefix = true;
	}
	if (prefix && n < 8)
		return KEY_NONE;
	/* An unknown sequence: swallow it up to its final byte so it does no harm. */
	size_t i = 1;
	if (p[1] == '[' || p[1] == 'O')
		for (i = 2; i < n && !(p[i] >= 0x40 && p[i] <= 0x7e); i++)
			;
	*used = i < n ? i + 1 : n;
	return KEY_NONE;
}

static int take_pending(struct term *t, bool final)
{
	size_t used;
	int k = key_decode(t->pend, t->npend, &used);
	if (used == 0 && final) {
		/* A lone Escape: nothing followed it in time. */
		k = t->pend[0];
		used = 1;
	}
	memmove(t->pend, t->pend + used, t->npend - used);
	t->npend -= used;
	return used ? k : KEY_NONE;
}

int term_key(struct term *t, int timeout_ms, int extra_fd)
{
	for (;;) {
		if (t->npend) {
			int k = take_pending(t, false);
			if (k != KEY_NONE)
				return k;
		}
		struct pollfd pf[2] = {{t->in, POLLIN, 0}, {extra_fd, POLLIN, 0}};
		/* The rest of an escape sequence arrives within a few milliseconds. */
		int wait = t->npend ? 50 : timeout_ms;
		int r = poll(pf, extra_fd >= 0 ? 2 : 1, wait);
		if (r < 0 && errno == EINTR) {
			if (term_on_signal)
				term_on_signal();
			continue;
		}
		if (r == 0 && t->npend) {
			int k = take_pending(t, true);
			if (k != KEY_NONE)
				return k;
			continue;
		}
		if (r <= 0)
			return KEY_TIMEOUT;
		if (pf[0].revents & POLLIN) {
			ssize_t n = read(t->in, t->pend + t->npend, sizeof(t->pend) - t->npend);
			if (n > 0)
				t->npend += (size_t)n;
			continue;
		}
		if (pf[0].revents & (POLLHUP | POLLERR))
			return KEY_TIMEOUT;
		return KEY_EVENT;
	}
}
