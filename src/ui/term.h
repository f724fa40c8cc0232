/* The terminal: raw keyboard input with escape sequences decoded, and output.
 * One console for now; the state lives in a struct so that several consoles
 * (VGA and serial at once) can each have one. */
#ifndef KL_TERM_H
#define KL_TERM_H
#include <stdbool.h>
#include <stddef.h>

enum key {
	KEY_NONE = -1,
	KEY_TIMEOUT = -2,
	KEY_EVENT = -3, /* the extra file descriptor became readable */
	KEY_ENTER = '\r',
	KEY_ESC = 27,
	KEY_UP = 0x100,
	KEY_DOWN,
	KEY_LEFT,
	KEY_RIGHT,
	KEY_PGUP,
	KEY_PGDN,
	KEY_HOME,
	KEY_END,
	KEY_DEL,
	KEY_F10,
};

#define TERM_MAX 6

/* Every console shows the same screen; a key from any of them counts. */
struct term {
	size_t n;
	struct console {
		int in, out;
		bool raw;
		unsigned char pend[16]; /* bytes of an escape sequence being read */
		size_t npend;
	} c[TERM_MAX];
	int rows, cols; /* the smallest of the consoles' sizes */
};

/* One console on these file descriptors. */
void term_open(struct term *t, int in, int out);
/* Every console the kernel writes to (/sys/class/tty/console/active, tty0
 * being the active virtual terminal); falls back to fds 0 and 1. */
void term_open_consoles(struct term *t, const char *sysfs);
/* A tty that kexec-loader writes whole "\r\n" lines to (the debug console,
 * tty2): its output goes out unprocessed, so no second \r is added. Nothing
 * happens to a file. */
void term_raw_output(int fd);
/* The kernel takes one console per driver: of "console=ttyS0 console=ttyS1"
 * only ttyS0 becomes a kernel console. Adds every other line a console= word
 * of this command line names (devdir: "/dev"), at its speed ("ttyS1,115200"). */
void term_add_cmdline_consoles(struct term *t, const char *cmdline, const char *devdir);
void term_close(struct term *t);
void term_write(struct term *t, const char *s, size_t n);
void term_puts(struct term *t, const char *s);
void term_printf(struct term *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Waits up to timeout_ms (-1: for ever) for a key; extra_fd (or -1) wakes it with KEY_EVENT. */
int term_key(struct term *t, int timeout_ms, int extra_fd);
/* Decodes one key from bytes already read; pure, for tests. Returns the key and
 * how many bytes it used (0 when the bytes are an unfinished sequence). */
int key_decode(const unsigned char *p, size_t n, size_t *used);

/* Called when a signal interrupts waiting for a key (PID 1 acts on Ctrl-Alt-Del there). */
extern void (*term_on_signal)(void);

#endif
