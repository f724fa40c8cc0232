#include "settings.h"

#include <stdlib.h>
#include <string.h>
#include "util.h"

/* Splits the next word, honouring the double quotes the kernel honours
 * (boot_target="Debian GNU/Linux"); the quotes are removed. */
static const char *next_word(const char *p, char **word)
{
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	if (!*p)
		return NULL;
	struct strbuf sb = {0};
	bool quoted = false;
	for (; *p && (quoted || (*p != ' ' && *p != '\t' && *p != '\n')); p++) {
		if (*p == '"')
			quoted = !quoted;
		else
			sb_putc(&sb, *p);
	}
	*word = sb_steal(&sb);
	return p;
}

char *cmdline_get(const char *cmdline, const char *key)
{
	char *w, *found = NULL;
	size_t k = strlen(key);
	for (const char *p = cmdline; (p = next_word(p, &w));) {
		if (!strncmp(w, key, k) && w[k] == '=') {
			free(found);
			found = xstrdup(w + k + 1);
		}
		free(w);
	}
	return found;
}

static void set(char **dst, const char *cmdline, const char *key, const char *dflt)
{
	char *v = cmdline_get(cmdline, key);
	free(*dst);
	*dst = v ? v : dflt ? xstrdup(dflt) : NULL;
}

void settings_parse(struct settings *s, const char *cmdline)
{
	memset(s, 0, sizeof(*s));
	set(&s->root, cmdline, "root", "LABEL=kexecloader");
	set(&s->rootdir, cmdline, "rootdir", "/");
	set(&s->debug_tty, cmdline, "debug_tty", "/dev/tty3");
	set(&s->boot_target, cmdline, "boot_target", NULL);
	char *idx = cmdline_get(cmdline, "boot_index"), *end = NULL;
	s->boot_index = -1;
	if (idx) {
		long v = strtol(idx, &end, 10);
		/* A bad number must still be reported: keep it as out of range. */
		s->boot_index = (*idx && !*end && v >= 0 && v < 1000000) ? (int)v : 1000000;
	}
	free(idx);
	char *kl = cmdline_get(cmdline, "kl.kexec_load");
	s->force_kexec_load = kl && strcmp(kl, "0") != 0;
	free(kl);
}

void settings_free(struct settings *s)
{
	free(s->root);
	free(s->rootdir);
	free(s->debug_tty);
	free(s->boot_target);
	memset(s, 0, sizeof(*s));
}
