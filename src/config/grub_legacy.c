#include "grub_legacy.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct reader {
	const struct grub_legacy_opts *o;
	struct diag_list *d;
	struct target_list list;
	int line;
	struct target cur;
	int cur_line;      /* line of the open title, 0 when none */
	bool cur_bad;      /* skip the entry */
	bool cur_boots;    /* has a kernel or chainloader */
	int nentries;      /* titles seen, as GRUB counts them for `default` */
	int *index;        /* GRUB entry number -> index in list, -1 when skipped */
	int default_entry; /* -1: none */
};

static void diag(struct reader *r, const char *fmt, const char *a)
{
	diag_add(r->d, r->o->path, r->line, fmt, a);
}

static void finish_entry(struct reader *r)
{
	if (!r->cur_line)
		return;
	int idx = -1;
	if (!r->cur_boots && !r->cur_bad) {
		int saved = r->line;
		r->line = r->cur_line;
		diag(r, "entry '%s' has no kernel line; skipped", r->cur.title);
		r->line = saved;
	} else if (!r->cur_bad) {
		if (r->cur.nmodules && r->cur.kind == KIND_LINUX)
			r->cur.kind = KIND_MULTIBOOT;
		idx = (int)tl_push(&r->list, &r->cur);
	}
	if ((r->nentries & (r->nentries - 1)) == 0) /* grow at powers of two */
		r->index = xrealloc(r->index, (size_t)(r->nentries ? r->nentries * 2 : 1) * sizeof(*r->index));
	r->index[r->nentries++] = idx;
	target_free(&r->cur);
	r->cur_line = 0;
}

/* "(hd0,1)/vmlinuz" -> "(sda2)/vmlinuz"; plain paths stay. A GRUB device
 * that is unknown refuses the entry with a reason and keeps the path as is. */
static char *convert_path(struct reader *r, const char *p)
{
	if (p[0] != '(')
		return xstrdup(p);
	const char *close = strchr(p, ')');
	if (!close) {
		target_refuse(&r->cur, "'%s' is not a path (%s:%d)", p, r->o->path, r->line);
		return xstrdup(p);
	}
	char *gname = xstrndup(p, (size_t)(close - p + 1));
	char *dev = r->o->map ? grubdev_to_device(r->o->map, gname, true) : NULL;
	if (!dev)
		target_refuse(&r->cur, "GRUB device %s is not known: add a 'grub-map' line for it "
			      "to kexec-loader.conf (%s:%d)", gname, r->o->path, r->line);
	char *out = dev ? xasprintf("(%s)%s", dev, close[1] ? close + 1 : "/") : xstrdup(p);
	free(gname);
	free(dev);
	return out;
}

/* Splits "word rest" in place; returns rest (maybe empty). */
static char *split_word(char *s)
{
	char *e = s + strcspn(s, " \t");
	if (*e)
		*e++ = 0;
	return e + strspn(e, " \t");
}

static void c_root(struct reader *r, char *arg)
{
	split_word(arg); /* GRUB legacy allows a hdbias after the device */
	if (!*arg) {
		diag(r, "'root' without a device: entry '%s' skipped", r->cur.title);
		r->cur_bad = true;
		return;
	}
	char *dev = r->o->map ? grubdev_to_device(r->o->map, arg, true) : NULL;
	if (dev) {
		free(r->cur.root);
		r->cur.root = dev;
	} else {
		target_refuse(&r->cur, "GRUB device %s is not known: add a 'grub-map' line for it "
			      "to kexec-loader.conf (%s:%d)", arg, r->o->path, r->line);
	}
}

static void c_kernel(struct reader *r, char *arg)
{
	/* Options before the path: --type=TYPE, --no-mem-option. */
	while (str_starts(arg, "--")) {
		if (str_starts(arg, "--type=") && !str_starts(arg + 7, "linux") &&
		    !str_starts(arg + 7, "multiboot"))
			target_refuse(&r->cur, "its kernel is of type '%.*s', which kexec cannot start",
				      (int)strcspn(arg + 7, " \t"), arg + 7);
		arg = split_word(arg);
	}
	char *rest = split_word(arg);
	if (!*arg) {
		diag(r, "'kernel' needs a file; entry '%s' skipped", r->cur.title);
		r->cur_bad = true;
		return;
	}
	free(r->cur.kernel);
	free(r->cur.cmdline);
	r->cur.kernel = convert_path(r, arg);
	r->cur.cmdline = *rest ? xstrdup(rest) : NULL;
	r->cur_boots = true;
}

static void c_initrd(struct reader *r, char *arg)
{
	split_word(arg);
	if (!*arg)
		return;
	char *p = convert_path(r, arg);
	/* Like GRUB legacy, a later initrd replaces the earlier one. */
	sl_free(&r->cur.initrds);
	sl_push_owned(&r->cur.initrds, p);
}

static void c_module(struct reader *r, char *arg, bool nounzip)
{
	char *rest = split_word(arg);
	if (!*arg)
		return;
	char *p = convert_path(r, arg);
	target_add_module(&r->cur, p, rest, nounzip);
	free(p);
}

static void c_chainloader(struct reader *r, const char *word, const char *arg)
{
	r->cur.kind = KIND_CHAIN;
	r->cur_boots = true;
	if (!r->cur.kernel) /* shown in the menu as what it would start */
		r->cur.kernel = xstrdup(*arg ? arg : word);
	if (strcmp(word, "configfile") == 0)
		target_refuse(&r->cur, "it opens another menu (%s), which is not read from here", arg);
	else if (strcmp(word, "makeactive") == 0)
		target_refuse(&r->cur, "it makes a partition active for a BIOS boot, which kexec cannot do");
	else
		target_refuse(&r->cur, "it chainloads another boot loader (%s), which kexec cannot start",
			      *arg ? arg : "?");
}

/* `default saved`: GRUB legacy keeps the entry number in the file `default`
 * beside the menu. */
static int saved_default(struct reader *r)
{
	const char *slash = strrchr(r->o->path, '/');
	char *path = xasprintf("%.*sdefault", slash ? (int)(slash - r->o->path + 1) : 0, r->o->path);
	char *buf = NULL;
	int n = 0;
	if (r->o->io && r->o->io->read(r->o->io->ctx, r->o->device, path, 4096, &buf, NULL) == 0)
		n = isdigit((unsigned char)buf[0]) ? atoi(buf) : 0;
	free(buf);
	free(path);
	return n;
}

static bool parse_int(const char *s, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (end == s || (*end && !isspace((unsigned char)*end)) || v < 0 || v > 100000)
		return false;
	*out = (int)v;
	return true;
}

static void c_global(struct reader *r, const char *word, char *arg)
{
	if (strcmp(word, "default") == 0) {
		if (str_starts(arg, "saved"))
			r->default_entry = saved_default(r);
		else if (!parse_int(arg, &r->default_entry))
			diag(r, "default '%s' is not an entry number; the first entry is the default", arg);
	} else if (strcmp(word, "timeout") == 0) {
		if (!parse_int(arg, &r->list.timeout))
			diag(r, "timeout '%s' is not a number of seconds; ignored", arg);
	}
}

/* Commands GRUB legacy knows that change nothing kexec-loader does. */
static const char *const ignored[] = {
	"fallback", "password", "color", "splashimage", "gfxmenu", "foreground",
	"background", "serial", "terminal", "viewport", "shade", "savedefault", "boot", "lock",
	"quiet", "pause", "map", "hide", "unhide", "setkey", "debug", "bootp", "dhcp", "rarp",
	"ifconfig", "tftpserver", "displaymem", "displayapm", "geometry", "impsprobe", "partnew",
	"parttype", "setup", "install", "embed", "cat", "cmp", "help", "find", "fstest", "ioprobe",
	"md5crypt", "testload", "testvbe", "vbeprobe", "clear", "echo", "reboot", "halt",
	"verbose", "tpm", "kernelnounzip",
};

static void command(struct reader *r, const char *word, char *arg)
{
	if (strcmp(word, "title") == 0) {
		finish_entry(r);
		target_init(&r->cur);
		r->cur.title = xstrdup(arg);
		r->cur.origin = xasprintf("%s:%d on %s", r->o->path, r->line, r->o->device);
		r->cur.root = xstrdup(r->o->device);
		r->cur_line = r->line;
		r->cur_bad = r->cur_boots = false;
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(ignored); i++)
		if (strcmp(word, ignored[i]) == 0)
			return;
	if (!r->cur_line && strcmp(word, "hiddenmenu") == 0) {
		r->list.hidden_menu = true;
		return;
	}
	if (!r->cur_line) {
		if (strcmp(word, "default") == 0 || strcmp(word, "timeout") == 0)
			c_global(r, word, arg);
		else
			diag(r, "unknown command '%s' ignored", word);
		return;
	}
	if (strcmp(word, "root") == 0 || strcmp(word, "rootnoverify") == 0)
		c_root(r, arg);
	else if (strcmp(word, "uuid") == 0 && *arg) { /* Debian's patched GRUB legacy */
		free(r->cur.root);
		r->cur.root = xasprintf("UUID=%s", arg);
	}
	else if (strcmp(word, "kernel") == 0)
		c_kernel(r, arg);
	else if (strcmp(word, "initrd") == 0)
		c_initrd(r, arg);
	else if (strcmp(word, "module") == 0 || strcmp(word, "modulenounzip") == 0)
		c_module(r, arg, word[6] == 'n');
	else if (strcmp(word, "chainloader") == 0 || strcmp(word, "makeactive") == 0 ||
		 strcmp(word, "configfile") == 0)
		c_chainloader(r, word, arg);
	else if (strcmp(word, "default") != 0 && strcmp(word, "timeout") != 0)
		diag(r, "unknown command '%s' ignored", word);
}

void grub_legacy_parse(const struct grub_legacy_opts *o, const char *text, size_t len,
		       struct target_list *out, struct diag_list *d)
{
	struct reader r = {.o = o, .d = d, .default_entry = -1};
	tl_init(&r.list);
	target_init(&r.cur);
	char *buf = xstrndup(text, len);
	for (char *p = buf, *nl; p; p = nl) {
		nl = strchr(p, '\n');
		if (nl)
			*nl++ = 0;
		r.line++;
		char *s = str_trim(p);
		if (!*s || *s == '#')
			continue;
		/* "timeout=5" is as good as "timeout 5". */
		char *arg = s + strcspn(s, " \t=");
		bool eq = *arg == '=';
		if (*arg)
			*arg++ = 0;
		arg += strspn(arg, " \t");
		if (!eq && *arg == '=')
			arg += 1 + strspn(arg + 1, " \t");
		command(&r, s, arg);
	}
	finish_entry(&r);
	if (r.default_entry >= r.nentries && r.nentries)
		diag_add(d, o->path, 0, "the default entry does not exist; the first entry is the default");
	else if (r.default_entry >= 0 && r.default_entry < r.nentries)
		r.list.default_index = r.index[r.default_entry];
	free(r.index);
	free(buf);
	target_free(&r.cur);
	bool hidden = r.list.hidden_menu, takes_timeout = out->timeout < 0;
	tl_append(out, &r.list);
	if (takes_timeout)
		out->hidden_menu = hidden;
}
