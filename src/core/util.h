/* Small helpers shared by every part: allocation that never returns NULL,
 * growable strings and string lists, whole-file reads. */
#ifndef KL_UTIL_H
#define KL_UTIL_H
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The x… allocators never return NULL. When memory runs out they return
 * instead to the innermost recovery point (struct oom_point): the work
 * begun there is given up, with its message, and PID 1 goes on. Only with no
 * recovery point set do they stop the program (as a command, never as PID 1,
 * which sets one around all it does). Big buffers whose size comes from a
 * file are taken with try_malloc and their failure reported where it happens. */
struct oom_point {
	sigjmp_buf jb;
	struct oom_point *prev;
};
/* Use: oom_push(&p); if (sigsetjmp(p.jb, 0) == 0) { work } else { out of
 * memory: work given up } oom_pop(&p); */
void oom_push(struct oom_point *p);
void oom_pop(struct oom_point *p);
/* Tests: the n-th x… allocation from now fails (0: none does). */
void xalloc_fail_after(long n);
/* NULL when there is not enough memory (never for n == 0). */
void *try_malloc(size_t n);

void *xmalloc(size_t n);
/* For megabytes (a huge file, a big parse arena): 2 MiB aligned, asking
 * for huge pages, which take one page fault instead of 512. free() frees it. */
void *xmalloc_big(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* a, b and c joined (c may be NULL): printf's machinery costs in loops of thousands. */
char *xstrcat3(const char *a, const char *b, const char *c);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);

/* A growable, always NUL-terminated byte string. */
struct strbuf {
	char *s;
	size_t len, cap;
};
void sb_add(struct strbuf *sb, const char *s, size_t n);
void sb_puts(struct strbuf *sb, const char *s);
void sb_putc(struct strbuf *sb, char c);
void sb_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *sb_steal(struct strbuf *sb);
void sb_free(struct strbuf *sb);

/* A list of owned strings. */
struct strlist {
	char **v;
	size_t n, cap;
};
void sl_push(struct strlist *l, const char *s);
void sl_push_owned(struct strlist *l, char *s);
void sl_free(struct strlist *l);
void sl_copy(struct strlist *dst, const struct strlist *src);

bool str_starts(const char *s, const char *prefix);
bool str_ends(const char *s, const char *suffix);
char *str_trim(char *s);

/* Reads a whole file (at most max bytes) into a NUL-terminated buffer.
 * Returns 0 or -errno (-EFBIG when larger than max). */
int read_file_fd(int fd, size_t max, char **buf, size_t *len);
int read_file_at(int dirfd, const char *path, size_t max, char **buf, size_t *len);
/* Reads a small text file such as a sysfs attribute, without the trailing newline. */
char *read_line_file(const char *path);

/* Makes a path relative to its filesystem's root with "." and ".." folded
 * so that it never climbs above it: "/a/../../b" -> "b", "/" -> ".". */
char *path_normalize(const char *path);

#endif
