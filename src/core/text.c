#include "text.h"

#include <string.h>

size_t utf8_seq(const unsigned char *s)
{
	unsigned c = s[0];
	if (c < 0x80)
		return 1;
	size_t n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
	if (!n)
		return 0; /* a continuation byte, C0/C1 (overlong), or F5 and above */
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0; /* also stops at the NUL */
	/* the second byte's range rules out overlong forms, surrogates and > U+10FFFF */
	if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f) || (c == 0xf0 && s[1] < 0x90) ||
	    (c == 0xf4 && s[1] > 0x8f))
		return 0;
	return n;
}

/* Whether the character at s (of n bytes) controls a terminal: C0, DEL, C1. */
static int text_is_control(const unsigned char *s, size_t n)
{
	if (n == 1)
		return s[0] < 0x20 || s[0] == 0x7f;
	return n == 2 && s[0] == 0xc2 && s[1] < 0xa0; /* U+0080-U+009F: C1, e.g. CSI */
}

void sb_put_clean(struct strbuf *sb, const char *str)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	while (*s) {
		size_t plain = 0, n;
		while ((n = utf8_seq(s + plain)) && !text_is_control(s + plain, n))
			plain += n;
		sb_add(sb, (const char *)s, plain);
		s += plain;
		if (!*s)
			break;
		n = utf8_seq(s);
		for (size_t i = 0; i < (n ? n : 1); i++) {
			char esc[4] = {'\\', 'x', hex[s[i] >> 4], hex[s[i] & 15]};
			sb_add(sb, esc, 4);
		}
		s += n ? n : 1;
	}
}

char *text_clean(const char *s)
{
	struct strbuf sb = {0};
	sb_puts(&sb, "");
	sb_put_clean(&sb, s ? s : "");
	return sb_steal(&sb);
}
