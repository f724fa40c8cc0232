/* Just enough JSON to read the configuration corpus's expectation files: objects,
 * arrays, strings (with \" \\ \/ \n \t \uXXXX below 0x80 and the BMP as
 * UTF-8), numbers and literals kept as text. */
#ifndef KL_MINIJSON_H
#define KL_MINIJSON_H
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"

struct jv {
	char type;   /* 'o'bject, 'a'rray, 's'tring, 'l'iteral */
	char *str;   /* string or literal */
	char **keys; /* object keys */
	struct jv *v;
	size_t n;
};

static inline void jskip(const char **p)
{
	while (isspace((unsigned char)**p))
		(*p)++;
}

static inline char *jstring(const char **p)
{
	struct strbuf sb = {0};
	sb_puts(&sb, "");
	for ((*p)++; **p && **p != '"'; (*p)++) {
		if (**p != '\\') {
			sb_putc(&sb, **p);
			continue;
		}
		char c = *++(*p);
		if (c == 'u') {
			unsigned u = (unsigned)strtoul((char[]){(*p)[1], (*p)[2], (*p)[3], (*p)[4], 0}, NULL, 16);
			*p += 4;
			if (u < 0x80) {
				sb_putc(&sb, (char)u);
			} else if (u < 0x800) {
				sb_putc(&sb, (char)(0xc0 | (u >> 6)));
				sb_putc(&sb, (char)(0x80 | (u & 0x3f)));
			} else {
				sb_putc(&sb, (char)(0xe0 | (u >> 12)));
				sb_putc(&sb, (char)(0x80 | ((u >> 6) & 0x3f)));
				sb_putc(&sb, (char)(0x80 | (u & 0x3f)));
			}
		} else {
			sb_putc(&sb, c == 'n' ? '\n' : c == 't' ? '\t' : c);
		}
	}
	if (**p)
		(*p)++;
	return sb_steal(&sb);
}

static inline void jparse(const char **p, struct jv *out)
{
	memset(out, 0, sizeof(*out));
	jskip(p);
	if (**p == '"') {
		out->type = 's';
		out->str = jstring(p);
		return;
	}
	if (**p != '{' && **p != '[') {
		const char *s = *p;
		while (**p && !strchr(",]} \t\r\n", **p))
			(*p)++;
		out->type = 'l';
		out->str = xstrndup(s, (size_t)(*p - s));
		return;
	}
	out->type = **p == '{' ? 'o' : 'a';
	char close = **p == '{' ? '}' : ']';
	(*p)++;
	for (jskip(p); **p && **p != close; jskip(p)) {
		out->keys = xrealloc(out->keys, (out->n + 1) * sizeof(*out->keys));
		out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
		out->keys[out->n] = NULL;
		if (out->type == 'o') {
			out->keys[out->n] = jstring(p);
			jskip(p);
			(*p)++; /* ':' */
		}
		jparse(p, &out->v[out->n++]);
		jskip(p);
		if (**p == ',')
			(*p)++;
	}
	if (**p)
		(*p)++;
}

static inline void jfree(struct jv *j)
{
	for (size_t i = 0; i < j->n; i++) {
		free(j->keys[i]);
		jfree(&j->v[i]);
	}
	free(j->keys);
	free(j->v);
	free(j->str);
}

/* obj.key, or NULL. */
static inline const struct jv *jget(const struct jv *o, const char *key)
{
	for (size_t i = 0; o && o->type == 'o' && i < o->n; i++)
		if (strcmp(o->keys[i], key) == 0)
			return &o->v[i];
	return NULL;
}

static inline const char *jstr(const struct jv *o, const char *key)
{
	const struct jv *v = jget(o, key);
	return v && v->type == 's' ? v->str : NULL;
}

#endif
