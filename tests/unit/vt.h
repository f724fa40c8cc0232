/* A fake console for the tests of what a person types into: keys go in
 * through a pipe, output goes to a memory file, and a tiny terminal emulator
 * replays that output onto a screen grid so tests check what is visible. */
#ifndef KL_TEST_VT_H
#define KL_TEST_VT_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include "term.h"

#define VT_ROWS 24
#define VT_COLS 80

struct vt {
	struct term t;
	int keys[2]; /* the test writes keys into keys[1] */
	int out;     /* memory file the term writes to */
	size_t seen; /* output bytes already replayed */
	char screen[VT_ROWS][VT_COLS + 1];
	int row, col;
	size_t bytes; /* output bytes replayed in all */
	pid_t typing; /* a child process typing keys, or 0 */
};

static inline void vt_open(struct vt *v)
{
	memset(v, 0, sizeof(*v));
	/* Packets, so that each key arrives in a read of its own, as typed. */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, v->keys) != 0)
		abort();
	v->out = memfd_create("vt-out", 0);
	term_open(&v->t, v->keys[0], v->out);
	for (int r = 0; r < VT_ROWS; r++)
		memset(v->screen[r], ' ', VT_COLS);
}

static inline void vt_close(struct vt *v)
{
	if (v->typing > 0)
		waitpid(v->typing, NULL, 0);
	close(v->keys[0]);
	close(v->keys[1]);
	close(v->out);
}

/* The length of the key at the start of s: an escape sequence or one byte. */
static inline size_t vt_keylen(const char *s)
{
	size_t n = 1;
	if (s[0] == 27 && (s[1] == '[' || s[1] == 'O')) {
		n = 2;
		while (s[n] >= 0x20 && s[n] < 0x40)
			n++;
		n += s[n] >= 0x40 && s[n] <= 0x7e;
	}
	return n;
}

static inline void vt_type_bg(struct vt *v, const char *keys);

/* Types keys, one packet each; many keys are typed from a child process
 * because the socket holds only a few hundred packets. */
static inline void vt_type(struct vt *v, const char *keys)
{
	if (strlen(keys) > 200 && !v->typing) {
		vt_type_bg(v, keys);
		return;
	}
	while (*keys) {
		size_t n = vt_keylen(keys);
		if (send(v->keys[1], keys, n, 0) != (ssize_t)n)
			abort();
		keys += n;
	}
}

static inline void vt_scroll(struct vt *v)
{
	memmove(v->screen[0], v->screen[1], (VT_ROWS - 1) * sizeof(v->screen[0]));
	memset(v->screen[VT_ROWS - 1], ' ', VT_COLS);
	v->screen[VT_ROWS - 1][VT_COLS] = 0;
}

static inline void vt_clamp(struct vt *v)
{
	v->col = v->col < 0 ? 0 : v->col >= VT_COLS ? VT_COLS - 1 : v->col;
	v->row = v->row < 0 ? 0 : v->row >= VT_ROWS ? VT_ROWS - 1 : v->row;
}

static inline void vt_csi(struct vt *v, const char *p, int n, char final)
{
	int a = atoi(p), b = strchr(p, ';') ? atoi(strchr(p, ';') + 1) : 0;
	(void)n;
	switch (final) {
	case 'A': v->row -= a ? a : 1; break;
	case 'B': v->row += a ? a : 1; break;
	case 'C': v->col += a ? a : 1; break;
	case 'D': v->col -= a ? a : 1; break;
	case 'H': v->row = a ? a - 1 : 0; v->col = b ? b - 1 : 0; break;
	case 'K': memset(v->screen[v->row] + v->col, ' ', (size_t)(VT_COLS - v->col)); break;
	case 'J':
		if (a == 2)
			for (int r = 0; r < VT_ROWS; r++)
				memset(v->screen[r], ' ', VT_COLS);
		else
			for (int r = v->row; r < VT_ROWS; r++)
				memset(v->screen[r] + (r == v->row ? v->col : 0), ' ',
				       (size_t)(VT_COLS - (r == v->row ? v->col : 0)));
		break;
	default: break; /* colours and the like change nothing visible here */
	}
	vt_clamp(v);
}

/* Types many keys from a child process, for more than the socket holds. */
static inline void vt_type_bg(struct vt *v, const char *keys)
{
	if (v->typing)
		waitpid(v->typing, NULL, 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(v->keys[0]); /* so that sending fails, not blocks, once the test is gone */
		v->typing = -1;
		vt_type(v, keys);
		_exit(0);
	}
	if (pid < 0)
		abort();
	v->typing = pid;
}

/* Plays output onto the screen. */
static inline void vt_feed(struct vt *v, const char *buf, size_t n)
{
	v->bytes += n;
	for (size_t i = 0; i < n; i++) {
		char c = buf[i];
		if (c == '\r') {
			v->col = 0;
		} else if (c == '\n') {
			if (++v->row == VT_ROWS) {
				vt_scroll(v);
				v->row--;
			}
		} else if (c == '\b') {
			if (v->col)
				v->col--;
		} else if (c == 27 && i + 1 < n && buf[i + 1] == '[') {
			size_t j = i + 2;
			while (j < n && !(buf[j] >= 0x40 && buf[j] <= 0x7e))
				j++;
			char params[32] = {0};
			size_t pl = j - i - 2 < sizeof(params) - 1 ? j - i - 2 : sizeof(params) - 1;
			memcpy(params, buf + i + 2, pl);
			if (j < n)
				vt_csi(v, params, (int)pl, buf[j]);
			i = j;
		} else if ((unsigned char)c >= ' ' && c != 127) {
			if (v->col < VT_COLS)
				v->screen[v->row][v->col++] = c;
		}
	}
}

/* What was written since the last call, not yet played (caller frees). */
static inline char *vt_read(struct vt *v, size_t *len)
{
	off_t end = lseek(v->out, 0, SEEK_END);
	size_t n = (size_t)end - v->seen;
	char *buf = calloc(1, n + 1);
	if (pread(v->out, buf, n, (off_t)v->seen) != (ssize_t)n)
		abort();
	v->seen = (size_t)end;
	if (len)
		*len = n;
	return buf;
}

/* Replays what was written since the last call; returns that text. */
static inline char *vt_update(struct vt *v)
{
	size_t n;
	char *buf = vt_read(v, &n);
	vt_feed(v, buf, n);
	return buf;
}

/* One screen row without its trailing blanks (a static buffer). */
static inline const char *vt_row(struct vt *v, int r)
{
	static char line[VT_COLS + 1];
	memcpy(line, v->screen[r], VT_COLS);
	line[VT_COLS] = 0;
	for (int i = VT_COLS - 1; i >= 0 && line[i] == ' '; i--)
		line[i] = 0;
	return line;
}

/* The whole screen, rows joined by '\n', trailing blanks cut (caller frees). */
static inline char *vt_text(struct vt *v)
{
	char *s = calloc(1, VT_ROWS * (VT_COLS + 1) + 1);
	for (int r = 0; r < VT_ROWS; r++) {
		strcat(s, vt_row(v, r));
		strcat(s, "\n");
	}
	return s;
}

#endif
