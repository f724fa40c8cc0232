#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static struct oom_point *oom_top;
static void *oom_reserve; /* given back when memory runs out, so the way out has some */
static long fail_after;

void oom_push(struct oom_point *p)
{
	if (!oom_reserve)
		oom_reserve = malloc(256 << 10);
	p->prev = oom_top;
	oom_top = p;
}

void oom_pop(struct oom_point *p)
{
	oom_top = p->prev;
}

void xalloc_fail_after(long n)
{
	fail_after = n;
}

static _Noreturn void out_of_memory(void)
{
	free(oom_reserve);
	oom_reserve = NULL;
	fail_after = 0;
	if (oom_top)
		siglongjmp(oom_top->jb, 1);
	static const char msg[] = "kexec-loader: out of memory\n";
	ssize_t r = write(2, msg, sizeof(msg) - 1);
	(void)r;
	abort();
}

/* An injected failure (tests), or none. */
static bool failing(void)
{
	return fail_after > 0 && --fail_after == 0;
}

void *try_malloc(size_t n)
{
	return n ? malloc(n) : NULL;
}

void *xmalloc(size_t n)
{
	void *p = failing() ? NULL : malloc(n ? n : 1);
	if (!p)
		out_of_memory();
	return p;
}

#define HUGE_PAGE ((size_t)2 << 20)

void *xmalloc_big(size_t n)
{
	if (n < HUGE_PAGE / 2)
		return xmalloc(n);
	size_t size = (n + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	void *p = NULL;
	if (failing() || posix_memalign(&p, HUGE_PAGE, size))
		out_of_memory();
	madvise(p, size, MADV_HUGEPAGE); /* only a wish: without it, 4 KiB pages */
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = failing() ? NULL : calloc(n ? n : 1, size ? size : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = failing() ? NULL : realloc(p, n ? n : 1);
	if (!q)
		out_of_memory(); /* p is still valid: whoever holds it frees it */
	return q;
}

char *xstrcat3(const char *a, const char *b, const char *c)
{
	size_t na = strlen(a), nb = strlen(b), nc = c ? strlen(c) : 0;
	char *p = xmalloc(na + nb + nc + 1);
	memcpy(p, a, na);
	memcpy(p + na, b, nb);
	if (nc)
		memcpy(p + na + nb, c, nc);
	p[na + nb + nc] = 0;
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	char *p;
	if (failing() || vasprintf(&p, fmt, ap) < 0)
		out_of_memory();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

void sb_add(struct strbuf *sb, const char *s, size_t n)
{
	if (sb->len + n + 1 > sb->cap) {
		sb->cap = (sb->len + n + 1) * 2;
		sb->s = xrealloc(sb->s, sb->cap);
	}
	memcpy(sb->s + sb->len, s, n);
	sb->len += n;
	sb->s[sb->len] = 0;
}

void sb_puts(struct strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void sb_putc(struct strbuf *sb, char c)
{
	sb_add(sb, &c, 1);
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = xvasprintf(fmt, ap);
	va_end(ap);
	sb_puts(sb, p);
	free(p);
}

char *sb_steal(struct strbuf *sb)
{
	char *s = sb->s ? sb->s : xstrdup("");
	sb->s = NULL;
	sb->len = sb->cap = 0;
	return s;
}

void sb_free(struct strbuf *sb)
{
	free(sb->s);
	sb->s = NULL;
	sb->len = sb->cap = 0;
}

void sl_push_owned(struct strlist *l, char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = s;
}

void sl_push(struct strlist *l, const char *s)
{
	sl_push_owned(l, xstrdup(s));
}

void sl_free(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

void sl_copy(struct strlist *dst, const struct strlist *src)
{
	for (size_t i = 0; i < src->n; i++)
		sl_push(dst, src->v[i]);
}

bool str_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_ends(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

char *str_trim(char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = 0;
	return s;
}

/* A regular file is read into one buffer of its size: no copies as it grows. */
static int read_sized(int fd, size_t size, size_t max, char **buf, size_t *len)
{
	if (size > max)
		return -EFBIG;
	/* the size comes from the disk: not having the memory is an answer */
	size_t big = (size + HUGE_PAGE) & ~(HUGE_PAGE - 1);
	char *p = size + 1 < HUGE_PAGE / 2 ? try_malloc(size + 1) : NULL;
	if (size + 1 >= HUGE_PAGE / 2 && posix_memalign((void **)&p, HUGE_PAGE, big) == 0)
		madvise(p, big, MADV_HUGEPAGE);
	if (!p)
		return -ENOMEM;
	size_t got = 0;
	while (got < size) {
		ssize_t r = read(fd, p + got, size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			free(p);
			return -e;
		}
		if (r == 0)
			break; /* it shrank while being read */
		got += (size_t)r;
	}
	p[got] = 0;
	if (len)
		*len = got;
	*buf = p;
	return 0;
}

int read_file_fd(int fd, size_t max, char **buf, size_t *len)
{
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
		return read_sized(fd, (size_t)st.st_size, max, buf, len);
	struct strbuf sb = {0};
	char tmp[65536];
	for (;;) {
		ssize_t r = read(fd, tmp, sizeof(tmp));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			sb_free(&sb);
			return -e;
		}
		if (r == 0)
			break;
		if (sb.len + (size_t)r > max) {
			sb_free(&sb);
			return -EFBIG;
		}
		sb_add(&sb, tmp, (size_t)r);
	}
	if (len)
		*len = sb.len;
	*buf = sb_steal(&sb);
	return 0;
}

int read_file_at(int dirfd, const char *path, size_t max, char **buf, size_t *len)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = read_file_fd(fd, max, buf, len);
	close(fd);
	return r;
}

char *read_line_file(const char *path)
{
	char *buf;
	if (read_file_at(AT_FDCWD, path, 65536, &buf, NULL) < 0)
		return NULL;
	buf[strcspn(buf, "\n")] = 0;
	return buf;
}

char *path_normalize(const char *path)
{
	struct strlist parts = {0};
	char *copy = xstrdup(path), *save = NULL;
	for (char *p = strtok_r(copy, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
		if (strcmp(p, ".") == 0)
			continue;
		if (strcmp(p, "..") == 0) {
			if (parts.n)
				free(parts.v[--parts.n]);
			continue;
		}
		sl_push(&parts, p);
	}
	free(copy);
	struct strbuf sb = {0};
	for (size_t i = 0; i < parts.n; i++) {
		if (i)
			sb_putc(&sb, '/');
		sb_puts(&sb, parts.v[i]);
	}
	sl_free(&parts);
	if (!sb.len)
		sb_putc(&sb, '.');
	return sb_steal(&sb);
}
