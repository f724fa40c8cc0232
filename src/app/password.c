#include "password.h"

#include <errno.h>
#include <nettle/memops.h>
#include <nettle/pbkdf2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "log.h"
#include "util.h"

#define PREFIX "grub.pbkdf2.sha512."
#define MAX_ITER 10000000UL /* beyond this a check takes minutes on old machines */
#define MAX_BYTES 1024
#define MAX_TYPED 256

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes hex up to end (or the string's end); returns the byte count or -1. */
static long unhex(const char *s, const char *end, uint8_t *out)
{
	size_t n = (size_t)(end - s);
	if (n == 0 || n % 2 || n / 2 > MAX_BYTES)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (long)(n / 2);
}

int password_check(const char *hash, const char *password, char **err)
{
	uint8_t salt[MAX_BYTES], want[MAX_BYTES], got[MAX_BYTES];
	if (!str_starts(hash, PREFIX)) {
		*err = xstrdup("the password hash does not start with grub.pbkdf2.sha512. "
			       "(make one with grub-mkpasswd-pbkdf2)");
		return -1;
	}
	const char *p = hash + strlen(PREFIX);
	char *end;
	errno = 0;
	unsigned long iter = strtoul(p, &end, 10);
	const char *dot = *end == '.' ? strchr(end + 1, '.') : NULL;
	long nsalt = dot ? unhex(end + 1, dot, salt) : -1;
	long nwant = dot ? unhex(dot + 1, dot + 1 + strlen(dot + 1), want) : -1;
	if (end == p || errno || iter == 0 || iter > MAX_ITER || nsalt < 0 || nwant < 0) {
		*err = xstrdup("the password hash is damaged: it must read "
			       "grub.pbkdf2.sha512.ITERATIONS.SALT.HASH with SALT and HASH in hex");
		return -1;
	}
	pbkdf2_hmac_sha512(strlen(password), (const uint8_t *)password, (unsigned)iter,
			   (size_t)nsalt, salt, (size_t)nwant, got);
	int same = memeql_sec(got, want, (size_t)nwant);
	memset(got, 0, sizeof(got));
	return same ? 1 : 0;
}

char *password_read(struct term *t, const char *prompt)
{
	char buf[MAX_TYPED + 1];
	size_t n = 0;
	term_puts(t, prompt);
	for (;;) {
		int k = term_key(t, -1, -1);
		if (k == KEY_ENTER)
			break;
		if (k == 3 || k == KEY_ESC) {
			term_puts(t, "\r\n");
			memset(buf, 0, sizeof(buf));
			return NULL;
		}
		if ((k == 127 || k == 8) && n)
			n--;
		else if (k == 21) /* Ctrl-U: start again */
			n = 0;
		else if (k >= ' ' && k < 256 && k != 127 && n < MAX_TYPED)
			buf[n++] = (char)k;
	}
	term_puts(t, "\r\n");
	char *s = xstrndup(buf, n);
	memset(buf, 0, sizeof(buf));
	return s;
}

bool password_ask(struct term *t, const char *hash)
{
	if (!hash)
		return true;
	char *typed = password_read(t, "Password: ");
	if (!typed)
		return false;
	char *err = NULL;
	int r = password_check(hash, typed, &err);
	memset(typed, 0, strlen(typed));
	free(typed);
	if (r < 0) {
		/* A damaged hash in the configuration must not lock the owner out of
		 * booting, but neither may it open the lock. */
		log_error("password: %s", err);
		term_printf(t, "Locked: %s\r\n", err);
		free(err);
		return false;
	}
	if (r == 0) {
		log_warn("a wrong password was typed");
		term_puts(t, "Wrong password.\r\n");
		term_key(t, 1000, -1); /* slows guessing down; a key typed here is dropped */
	}
	return r == 1;
}
