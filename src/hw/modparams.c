#include "modparams.h"

#include <stdlib.h>
#include <string.h>
#include "util.h"

/* Where a module's own default serves a running system but only delays a
 * boot loader. usb-storage waits delay_use seconds (1) after a stick
 * appears before it looks for its disk, for devices that answer badly just
 * after they are plugged in; the disk driver retries a device that is not
 * ready yet in any case, and a menu must not wait a second per stick plugged
 * in. A user whose stick needs the wait sets usb-storage.delay_use=1 on the
 * kernel command line. */
static const struct {
	const char *module, *params;
} defaults[] = {
	{"usb_storage", "delay_use=0"},
};

/* Module names compare with '-' and '_' equal; a ends at a_end. */
static bool same_name(const char *a, const char *a_end, const char *b)
{
	for (; a < a_end && *b; a++, b++) {
		char x = *a == '-' ? '_' : *a, y = *b == '-' ? '_' : *b;
		if (x != y)
			return false;
	}
	return a == a_end && !*b;
}

const char *modparams_default(const char *module)
{
	for (size_t i = 0; i < ARRAY_SIZE(defaults); i++)
		if (same_name(defaults[i].module, defaults[i].module + strlen(defaults[i].module), module))
			return defaults[i].params;
	return "";
}

/* The next word of a command line, without the double quotes the kernel
 * honours (mod.opt="a b"). */
static const char *next_word(const char *p, struct strbuf *word)
{
	p += strspn(p, " \t\n");
	if (!*p)
		return NULL;
	bool quoted = false;
	for (; *p && (quoted || !strchr(" \t\n", *p)); p++) {
		if (*p == '"')
			quoted = !quoted;
		else
			sb_putc(word, *p);
	}
	return p;
}

char *modparams_cmdline(const char *cmdline, const char *module)
{
	struct strbuf out = {0}, w = {0};
	for (const char *p = cmdline; p && (p = next_word(p, &w)); sb_free(&w)) {
		if (!w.s)
			continue; /* "" */
		const char *dot = strchr(w.s, '.'), *eq = strchr(w.s, '=');
		/* a dot in the name, not in a value (initrd=/boot/x.img) */
		if (!dot || dot == w.s || (eq && eq < dot) || !dot[1] || dot[1] == '=' ||
		    !same_name(w.s, dot, module))
			continue;
		const char *param = dot + 1;
		if (out.len)
			sb_putc(&out, ' ');
		if (eq && strpbrk(eq, " \t\n"))
			sb_printf(&out, "%.*s=\"%s\"", (int)(eq - param), param, eq + 1);
		else
			sb_puts(&out, param);
	}
	return sb_steal(&out);
}

char *modparams_join(const char *cmdline, const char *module, const char *extra)
{
	char *cl = modparams_cmdline(cmdline, module);
	const char *parts[] = {modparams_default(module), cl, extra ? extra : ""};
	struct strbuf out = {0};
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		if (!*parts[i])
			continue;
		if (out.len)
			sb_putc(&out, ' ');
		sb_puts(&out, parts[i]);
	}
	free(cl);
	return sb_steal(&out);
}
