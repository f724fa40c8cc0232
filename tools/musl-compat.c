/* The glibc entry points that Debian's static zlib, liblzma, libzstd and libnettle call
 * (they are built with _FORTIFY_SOURCE) and musl does not have, so that the floppy's
 * static musl build links against those archives. Each does what glibc's does, without
 * the object-size check the compiler could not make anyway for musl's callers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

int __vsnprintf_chk(char *s, size_t n, int flag, size_t slen, const char *fmt, va_list ap);
int __snprintf_chk(char *s, size_t n, int flag, size_t slen, const char *fmt, ...);
int __fprintf_chk(FILE *f, int flag, const char *fmt, ...);
int __sched_cpucount(size_t setsize, const unsigned long *set);

int __vsnprintf_chk(char *s, size_t n, int flag, size_t slen, const char *fmt, va_list ap)
{
	(void)flag;
	(void)slen;
	return vsnprintf(s, n, fmt, ap);
}

int __snprintf_chk(char *s, size_t n, int flag, size_t slen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = __vsnprintf_chk(s, n, flag, slen, fmt, ap);
	va_end(ap);
	return r;
}

int __fprintf_chk(FILE *f, int flag, const char *fmt, ...)
{
	(void)flag;
	va_list ap;
	va_start(ap, fmt);
	int r = vfprintf(f, fmt, ap);
	va_end(ap);
	return r;
}

/* CPU_COUNT() of glibc's <sched.h>. */
int __sched_cpucount(size_t setsize, const unsigned long *set)
{
	int count = 0;
	for (size_t i = 0; i < setsize / sizeof(*set); i++)
		count += __builtin_popcountl(set[i]);
	return count;
}
