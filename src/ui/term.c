#include "term.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>
#include "util.h"

void (*term_on_signal)(void);

/* kexec-loader ends its lines with \r\n itself (a serial terminal needs
 * both); a line left to add a \r before each \n (ONLCR) sends \r\r\n, a byte
 * more per line and a stray \r in every captured log. So no output
 * processing: what is written goes out as it is. */
static void output_unprocessed(struct termios *tio)
{
	tio->c_oflag &= ~(tcflag_t)OPOST;
}

void term_raw_output(int fd)
{
	struct termios tio;
	if (tcgetattr(fd, &tio) == 0) {
		output_unprocessed(&tio);
		tcsetattr(fd, TCSANOW, &tio);
	}
}

static void console_raw(struct console *c)
{
	struct termios tio;
	if (tcgetattr(c->in, &tio) != 0)
		return;
	tio.c_iflag &= ~(tcflag_t)(ICRNL | IXON | INLCR | IGNCR);
	/* No ISIG: Ctrl-C is a key for the shell, and a SIGINT to PID 1 means
	 * Ctrl-Alt-Del. */
	tio.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ECHONL | IEXTEN | ISIG);
	output_unprocessed(&tio);
	tio.c_cc[VMIN] = 1;
	tio.c_cc[VTIME] = 0;
	c->raw = tcsetattr(c->in, TCSANOW, &tio) == 0;
}

static void add_console(struct term *t, int in, int out)
{
	if (t->n == TERM_MAX)
		return;
	struct console *c = &t->c[t->n++];
	memset(c, 0, sizeof(*c));
	c->in = in;
	c->out = out;
	struct winsize ws;
	/* Serial lines report 0x0: they keep the 80x24 of a serial terminal. */
	if (ioctl(out, TIOCGWINSZ, &ws) == 0 && ws.ws_row >= 10 && ws.ws_col >= 40) {
		if (ws.ws_row < t->rows)
			t->rows = ws.ws_row;
		if (ws.ws_col < t->cols || t->n == 1)
			t->cols = ws.ws_col;
	}
	console_raw(c);
}

void term_open(struct term *t, int in, int out)
{
	memset(t, 0, sizeof(*t));
	t->rows = 24;
	t->cols = 80;
	add_console(t, in, out);
}

/* "tty0" is whichever virtual terminal is in front. */
static char *console_name(const char *sysfs, const char *name)
{
	if (strcmp(name, "tty0") != 0)
		return xstrdup(name);
	char *p = xasprintf("%s/class/tty/tty0/active", sysfs);
	char *active = read_line_file(p);
	free(p);
	return active ? active : xstrdup("tty1");
}

void term_open_consoles(struct term *t, const char *sysfs)
{
	memset(t, 0, sizeof(*t));
	t->rows = 24;
	t->cols = 80;
	char *p = xasprintf("%s/class/tty/console/active", sysfs);
	char *list = read_line_file(p), *save = NULL;
	free(p);
	for (char *w = list ? strtok_r(list, " ", &save) : NULL; w; w = strtok_r(NULL, " ", &save)) {
		char *name = console_name(sysfs, w), *dev = xasprintf("/dev/%s", name);
		int fd = open(dev, O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (fd >= 0)
			add_console(t, fd, fd);
		free(name);
		free(dev);
	}
	free(list);
	if (t->n == 0)
		add_console(t, 0, 1);
}

static bool is_open(const struct term *t, dev_t rdev)
{
	struct stat st;
	for (size_t i = 0; i < t->n; i++)
		if (fstat(t->c[i].out, &st) == 0 && st.st_rdev == rdev)
			return true;
	return false;
}

static speed_t baud(const char *opts)
{
	switch (atoi(opts)) {
	case 9600: return B9600;
	case 19200: return B19200;
	case 38400: return B38400;
	case 57600: return B57600;
	case 115200: return B115200;
	default: return B0;
	}
}

/* A line that is not a kernel console: opened without waiting for a carrier. */
static void add_line(struct term *t, const char *path, const char *opts)
{
	int fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	struct termios tio;
	if (fd < 0)
		return;
	if (t->n == TERM_MAX || fstat(fd, &st) != 0 || !S_ISCHR(st.st_mode) ||
	    is_open(t, st.st_rdev) || tcgetattr(fd, &tio) != 0) {
		close(fd);
		return;
	}
	tio.c_cflag |= CLOCAL | CREAD;
	if (baud(opts) != B0)
		cfsetspeed(&tio, baud(opts));
	tcsetattr(fd, TCSANOW, &tio);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	add_console(t, fd, fd);
}

void term_add_cmdline_consoles(struct term *t, const char *cmdline, const char *devdir)
{
	char *copy = xstrdup(cmdline), *save = NULL;
	for (char *w = strtok_r(copy, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save)) {
		if (strncmp(w, "console=", 8) != 0)
			continue;
		char *name = w + 8, *opts = name + strcspn(name, ",");
		if (*opts)
			*opts++ = 0;
		if (strncmp(name, "/dev/", 5) == 0)
			name += 5;
		/* Virtual terminals share the one VT console, which tty0 already follows. */
		bool vt = strncmp(name, "tty", 3) == 0 && name[3] >= '0' && name[3] <= '9';
		if (!*name || vt || strchr(name, '/'))
			continue;
		char *path = xasprintf("%s/%s", devdir, name);
		add_line(t, path, opts);
		free(path);
	}
	free(copy);
}

void term_close(struct term *t)
{
	for (size_t i = 0; i < t->n; i++) {
		struct console *c = &t->c[i];
		struct termios tio;
		if (c->raw && tcgetattr(c->in, &tio) == 0) {
			tio.c_iflag |= ICRNL;
			tio.c_lflag |= ICANON | ECHO;
			tio.c_oflag |= OPOST | ONLCR;
			tcsetattr(c->in, TCSANOW, &tio);
		}
		c->raw = false;
	}
}

static void write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t r = write(fd, s, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return;
		s += r;
		n -= (size_t)r;
	}
}

void term_write(struct term *t, const char *s, size_t n)
{
	for (size_t i = 0; i < t->n; i++)
		write_all(t->c[i].out, s, n);
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
	if (p[0] != 27) {
		*used = 1;
		return p[0] == '\n' ? KEY_ENTER : p[0];
	}
	if (n == 1)
		return KEY_NONE; /* the rest of a sequence may be on its way: see take_pending */
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

static int take_pending(struct console *c, bool final)
{
	size_t used;
	int k = key_decode(c->pend, c->npend, &used);
	if (used == 0 && final) {
		/* A lone Escape: nothing followed it in time. */
		k = c->pend[0];
		used = 1;
	}
	memmove(c->pend, c->pend + used, c->npend - used);
	c->npend -= used;
	return used ? k : KEY_NONE;
}

/* A key already complete in some console's buffer, or KEY_NONE. */
static int pending_key(struct term *t, bool final)
{
	for (size_t i = 0; i < t->n; i++) {
		if (!t->c[i].npend)
			continue;
		int k = take_pending(&t->c[i], final);
		if (k != KEY_NONE)
			return k;
	}
	return KEY_NONE;
}

static bool any_pending(const struct term *t)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->c[i].npend)
			return true;
	return false;
}

int term_key(struct term *t, int timeout_ms, int extra_fd)
{
	struct pollfd pf[TERM_MAX + 1];
	for (;;) {
		int k = pending_key(t, false);
		if (k != KEY_NONE)
			return k;
		for (size_t i = 0; i < t->n; i++)
			pf[i] = (struct pollfd){t->c[i].in, POLLIN, 0};
		pf[t->n] = (struct pollfd){extra_fd, POLLIN, 0};
		/* The rest of an escape sequence arrives within a few milliseconds. */
		int wait = any_pending(t) ? 50 : timeout_ms;
		int r = poll(pf, t->n + (extra_fd >= 0), wait);
		if (r < 0 && errno == EINTR) {
			if (term_on_signal)
				term_on_signal();
			continue;
		}
		if (r == 0 && any_pending(t)) {
			k = pending_key(t, true);
			if (k != KEY_NONE)
				return k;
			continue;
		}
		if (r <= 0)
			return KEY_TIMEOUT;
		bool got = false;
		for (size_t i = 0; i < t->n; i++) {
			struct console *c = &t->c[i];
			if (!(pf[i].revents & POLLIN))
				continue;
			ssize_t n = read(c->in, c->pend + c->npend, sizeof(c->pend) - c->npend);
			if (n > 0)
				c->npend += (size_t)n, got = true;
		}
		if (got)
			continue;
		if (extra_fd >= 0 && pf[t->n].revents)
			return KEY_EVENT;
		/* A console hung up: do not spin on it. */
		if (timeout_ms < 0)
			poll(NULL, 0, 100);
		return KEY_TIMEOUT;
	}
}
