#include "json.h"
#include "text.h"

/* Valid JSON is valid UTF-8: a byte that is not part of a UTF-8 character
 * (a title in Latin-1, a corrupt file) becomes U+FFFD. */
static void json_string(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = utf8_seq(p);
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else if (!n)
			fputs("\\ufffd", f);
		else
			fwrite(p, 1, n, f);
		p += n ? n : 1;
	}
	fputc('"', f);
}

static void field(FILE *f, const char *name, const char *value)
{
	fprintf(f, ",\"%s\":", name);
	json_string(f, value);
}

static const char *kind_name(enum target_kind k)
{
	static const char *const names[] = {"linux", "multiboot", "multiboot2", "chainload"};
	return names[k];
}

void json_target(FILE *f, const struct target *t, bool is_default)
{
	fputs("{\"title\":", f);
	json_string(f, t->title);
	field(f, "kernel", t->kernel);
	fputs(",\"initrds\":[", f);
	for (size_t i = 0; i < t->initrds.n; i++) {
		if (i)
			fputc(',', f);
		json_string(f, t->initrds.v[i]);
	}
	fputc(']', f);
	field(f, "cmdline", t->cmdline);
	fputs(",\"modules\":[", f);
	for (size_t i = 0; i < t->nmodules; i++) {
		fputs(i ? ",{\"path\":" : "{\"path\":", f);
		json_string(f, t->modules[i].path);
		field(f, "cmdline", t->modules[i].cmdline);
		fputc('}', f);
	}
	fprintf(f, "],\"default\":%s", is_default ? "true" : "false");
	field(f, "origin", t->origin);
	field(f, "root", t->root);
	field(f, "kind", kind_name(t->kind));
	fprintf(f, ",\"bootable\":%s", target_bootable(t) ? "true" : "false");
	field(f, "reason", t->reason);
	fputs("}\n", f);
}

void json_menu(FILE *f, const struct target_list *l)
{
	if (l->timeout >= 0)
		fprintf(f, "{\"menu\":{\"timeout\":%d", l->timeout);
	else
		fputs("{\"menu\":{\"timeout\":\"off\"", f);
	field(f, "style", tl_menu_hidden(l) ? "hidden" : "shown");
	fputs("}}\n", f);
}

void json_problem(FILE *f, const char *line)
{
	fputs("{\"problem\":", f);
	json_string(f, line);
	fputs("}\n", f);
}
