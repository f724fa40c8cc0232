#include "conf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "devpath.h"

/* State while reading one file. */
struct conf_reader {
	struct config *c;
	struct diag_list *d;
	const char *name;
	const char *device;
	int line;
	struct target cur;
	int cur_line;   /* line of the current title, 0 when none open */
	bool cur_default;
	bool cur_bad;   /* a bad line inside the target: the target is dropped */
};

typedef void (*directive_fn)(struct conf_reader *r, const char *arg);

static void diag(struct conf_reader *r, const char *fmt, const char *a)
{
	diag_add(r->d, r->name, r->line, fmt, a);
}

static bool need_target(struct conf_reader *r, const char *word)
{
	if (r->cur_line)
		return true;
	diag(r, "'%s' must come after a 'title' line; ignored", word);
	return false;
}

static bool need_arg(struct conf_reader *r, const char *word, const char *arg)
{
	if (*arg)
		return true;
	diag(r, "'%s' needs an argument; line ignored", word);
	if (r->cur_line)
		r->cur_bad = true;
	return false;
}

static void finish_target(struct conf_reader *r)
{
	if (!r->cur_line)
		return;
	struct target *t = &r->cur;
	int saved = r->line;
	r->line = r->cur_line;
	if (r->cur_bad)
		diag(r, "target '%s' skipped because of the errors above", t->title);
	else if (!t->root)
		diag(r, "target '%s' has no 'root' line; skipped", t->title);
	else if (!t->kernel)
		diag(r, "target '%s' has no 'kernel' line; skipped", t->title);
	else {
		if (t->nmodules)
			t->kind = KIND_MULTIBOOT;
		size_t i = tl_push(&r->c->targets, t);
		if (r->cur_default)
			r->c->targets.default_index = (int)i;
	}
	r->line = saved;
	target_free(&r->cur);
	r->cur_line = 0;
}

static void d_title(struct conf_reader *r, const char *arg)
{
	finish_target(r);
	if (!need_arg(r, "title", arg))
		return;
	target_init(&r->cur);
	r->cur.title = xstrdup(arg);
	r->cur.origin = r->device ? xasprintf("%s:%d on %s", r->name, r->line, r->device)
				  : xasprintf("%s:%d", r->name, r->line);
	r->cur_line = r->line;
	r->cur_default = false;
	r->cur_bad = false;
}

static bool valid_device(struct conf_reader *r, const char *arg)
{
	struct devspec ds;
	if (devspec_parse(arg, &ds) < 0) {
		diag(r, "'%s' is not a device (use a name such as sda1, LABEL=…, UUID=… "
			"or type:DEVICE)", arg);
		r->cur_bad = true;
		return false;
	}
	devspec_free(&ds);
	return true;
}

static bool valid_path(struct conf_reader *r, const char *arg)
{
	char *dev, *path;
	if (path_split(arg, &dev, &path) < 0 || (dev && !valid_device(r, dev)) || path[0] != '/') {
		if (path && path[0] != '/')
			diag(r, "'%s' is not a path: it must start with / or (DEVICE)/", arg);
		else if (!dev)
			diag(r, "'%s' is not a path", arg);
		r->cur_bad = true;
		free(dev);
		free(path);
		return false;
	}
	free(dev);
	free(path);
	return true;
}

static void d_root(struct conf_reader *r, const char *arg)
{
	if (!need_target(r, "root") || !need_arg(r, "root", arg) || !valid_device(r, arg))
		return;
	free(r->cur.root);
	r->cur.root = xstrdup(arg);
}

static void d_kernel(struct conf_reader *r, const char *arg)
{
	if (!need_target(r, "kernel") || !need_arg(r, "kernel", arg) || !valid_path(r, arg))
		return;
	free(r->cur.kernel);
	r->cur.kernel = xstrdup(arg);
}

static void d_initrd(struct conf_reader *r, const char *arg)
{
	if (!need_target(r, "initrd") || !need_arg(r, "initrd", arg) || !valid_path(r, arg))
		return;
	sl_push(&r->cur.initrds, arg);
}

static void d_cmdline(struct conf_reader *r, const char *arg)
{
	if (!need_target(r, "cmdline"))
		return;
	free(r->cur.cmdline);
	r->cur.cmdline = xstrdup(arg);
}

static void d_module(struct conf_reader *r, const char *arg)
{
	if (!need_target(r, "module") || !need_arg(r, "module", arg))
		return;
	/* As GRUB 2's module: --nounzip hands a compressed file over as it is
	 * (Xen unpacks a dom0 initrd itself). */
	bool nounzip = str_starts(arg, "--nounzip") && (arg[9] == ' ' || arg[9] == '\t');
	if (nounzip)
		arg += 9 + strspn(arg + 9, " \t");
	size_t n = strcspn(arg, " \t");
	char *path = xstrndup(arg, n);
	const char *rest = arg + n + strspn(arg + n, " \t");
	if (valid_path(r, path))
		target_add_module(&r->cur, path, rest, nounzip);
	free(path);
}

static void d_default(struct conf_reader *r, const char *arg)
{
	if (need_target(r, "default"))
		r->cur_default = true;
}

static void d_reset_vga(struct conf_reader *r, const char *arg)
{
	if (need_target(r, "reset-vga"))
		r->cur.flags |= TF_RESET_VGA;
}

static void d_timeout(struct conf_reader *r, const char *arg)
{
	if (!need_arg(r, "timeout", arg))
		return;
	if (strcmp(arg, "off") == 0) {
		r->c->targets.timeout = -1;
		r->c->timeout_set = true;
		return;
	}
	char *end;
	long v = strtol(arg, &end, 10);
	if (*end || v < 0 || v > 86400 || !isdigit((unsigned char)arg[0]))
		diag(r, "timeout '%s' is not 'off' or a number of seconds; ignored", arg);
	else
		r->c->targets.timeout = (int)v, r->c->timeout_set = true;
}

static int on_off(struct conf_reader *r, const char *word, const char *arg)
{
	if (strcmp(arg, "on") == 0)
		return 1;
	if (strcmp(arg, "off") == 0)
		return 0;
	diag_add(r->d, r->name, r->line, "'%s' takes 'on' or 'off', not '%s'; ignored", word, arg);
	return -1;
}

static void d_grub_path(struct conf_reader *r, const char *arg)
{
	if (!need_arg(r, "grub-path", arg))
		return;
	char *dev, *path;
	if (path_split(arg, &dev, &path) < 0 || !dev) {
		diag(r, "grub-path '%s' must name a device, as (DEVICE)/boot/grub; ignored", arg);
	} else {
		free(r->c->grub_path);
		r->c->grub_path = xstrdup(arg);
	}
	free(dev);
	free(path);
}

static void d_grub_autodetect(struct conf_reader *r, const char *arg)
{
	if (!need_arg(r, "grub-autodetect", arg))
		return;
	int v = on_off(r, "grub-autodetect", arg);
	if (v >= 0)
		r->c->grub_autodetect = v;
}

static void d_netboot(struct conf_reader *r, const char *arg)
{
	if (!need_arg(r, "netboot", arg))
		return;
	int v = on_off(r, "netboot", arg);
	if (v >= 0)
		r->c->netboot = v;
}

/* netboot-interface eth1 / 52:54:00:12:34:56: DHCP on these cards only. */
static void d_netboot_interface(struct conf_reader *r, const char *arg)
{
	if (!need_arg(r, "netboot-interface", arg))
		return;
	if (strcspn(arg, " \t/") != strlen(arg) || strlen(arg) > 17) {
		diag(r, "'%s' is not a network interface (write its name, such as eth0, or its MAC "
			"address)", arg);
		return;
	}
	sl_push(&r->c->net_ifaces, arg);
}

static void split2(const char *arg, char **a, const char **b)
{
	size_t n = strcspn(arg, " \t");
	*a = xstrndup(arg, n);
	*b = arg + n + strspn(arg + n, " \t");
}

static void d_grub_map(struct conf_reader *r, const char *arg)
{
	char *grub;
	const char *dev;
	if (!need_arg(r, "grub-map", arg))
		return;
	split2(arg, &grub, &dev);
	const char *g = grub;
	if (*g == '(' && g[strlen(g) - 1] == ')')
		g++, grub[strlen(grub) - 1] = 0;
	struct devspec ds;
	if (!*dev || strncmp(g, "hd", 2) != 0 || devspec_parse(dev, &ds) < 0) {
		diag(r, "grub-map needs a GRUB device (hd0, hd0,1) and a device; '%s' ignored", arg);
	} else {
		devspec_free(&ds);
		struct config *c = r->c;
		c->grub_maps = xrealloc(c->grub_maps, (c->ngrub_maps + 1) * sizeof(*c->grub_maps));
		c->grub_maps[c->ngrub_maps].grub = xstrdup(g);
		c->grub_maps[c->ngrub_maps].device = xstrdup(dev);
		c->ngrub_maps++;
	}
	free(grub);
}

static void d_kmod(struct conf_reader *r, const char *arg)
{
	char *mod;
	const char *args;
	if (!need_arg(r, "kmod", arg))
		return;
	split2(arg, &mod, &args);
	struct config *c = r->c;
	c->kmods = xrealloc(c->kmods, (c->nkmods + 1) * sizeof(*c->kmods));
	c->kmods[c->nkmods].module = mod;
	c->kmods[c->nkmods].args = xstrdup(args);
	c->nkmods++;
}

/* ITERATIONS.SALT.HASH: a number, then two runs of hex of even length. */
static bool hash_well_formed(const char *s)
{
	size_t n = strspn(s, "0123456789");
	if (!n || n > 8 || s[n] != '.' || strtoul(s, NULL, 10) - 1 >= 10000000)
		return false;
	s += n + 1;
	for (int part = 0; part < 2; part++, s += n + 1) {
		n = strspn(s, "0123456789abcdefABCDEF");
		if (!n || n % 2 || s[n] != (part ? 0 : '.'))
			return false;
	}
	return true;
}

static void d_password(struct conf_reader *r, const char *arg)
{
	if (!need_arg(r, "password", arg))
		return;
	if (!str_starts(arg, "grub.pbkdf2.sha512.")) {
		diag(r, "password must be a hash made by grub-mkpasswd-pbkdf2 "
			"(grub.pbkdf2.sha512.…); ignored", arg);
		return;
	}
	if (!hash_well_formed(arg + strlen("grub.pbkdf2.sha512.")))
		diag(r, "the password hash is damaged (it must read grub.pbkdf2.sha512.ITERATIONS.SALT.HASH, "
			"SALT and HASH in hex); the shell and the editor stay locked until it is fixed%s", "");
	free(r->c->password);
	r->c->password = xstrdup(arg);
}

static const struct {
	const char *name;
	directive_fn fn;
} directives[] = {
	{"title", d_title},         {"root", d_root},
	{"kernel", d_kernel},       {"initrd", d_initrd},
	{"cmdline", d_cmdline},     {"append", d_cmdline},
	{"module", d_module},       {"default", d_default},
	{"reset-vga", d_reset_vga}, {"timeout", d_timeout},
	{"grub-path", d_grub_path}, {"grub-autodetect", d_grub_autodetect},
	{"netboot", d_netboot},
	{"netboot-interface", d_netboot_interface},
	{"grub-map", d_grub_map},   {"kmod", d_kmod},
	{"password", d_password},
};

static void parse_line(struct conf_reader *r, char *line)
{
	line = str_trim(line);
	if (!*line || *line == '#')
		return;
	size_t n = strcspn(line, " \t");
	char *arg = line + n;
	if (*arg)
		*arg++ = 0;
	arg += strspn(arg, " \t");
	for (size_t i = 0; i < ARRAY_SIZE(directives); i++) {
		if (strcmp(directives[i].name, line) == 0) {
			directives[i].fn(r, arg);
			return;
		}
	}
	diag(r, "unknown directive '%s'; line ignored", line);
}

void conf_parse(struct config *c, struct diag_list *d, const char *text, size_t len,
		const char *name, const char *device)
{
	struct conf_reader r = {.c = c, .d = d, .name = name, .device = device};
	/* Windows editors start UTF-8 files with a byte-order mark: not a directive */
	size_t pos = len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3) ? 3 : 0;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - text - pos) : len - pos;
		char *line = xstrndup(text + pos, n);
		r.line++;
		if (strlen(line) != n)
			diag(&r, "line holds a NUL byte%s; ignored", "");
		else
			parse_line(&r, line);
		free(line);
		pos += n + 1;
	}
	finish_target(&r);
}

void config_init(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->grub_autodetect = -1;
	c->netboot = -1;
	tl_init(&c->targets);
}

void config_free(struct config *c)
{
	free(c->grub_path);
	sl_free(&c->net_ifaces);
	for (size_t i = 0; i < c->ngrub_maps; i++) {
		free(c->grub_maps[i].grub);
		free(c->grub_maps[i].device);
	}
	free(c->grub_maps);
	for (size_t i = 0; i < c->nkmods; i++) {
		free(c->kmods[i].module);
		free(c->kmods[i].args);
	}
	free(c->kmods);
	free(c->password);
	tl_free(&c->targets);
	config_init(c);
}

static bool same_module(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a == '-' ? '_' : *a, y = *b == '-' ? '_' : *b;
		if (x != y)
			return false;
	}
	return *a == *b;
}

const char *config_kmod_args(const struct config *c, const char *module)
{
	for (size_t i = c->nkmods; i-- > 0;)
		if (same_module(c->kmods[i].module, module))
			return c->kmods[i].args;
	return "";
}

int config_grub_autodetect(const struct config *c)
{
	if (c->grub_autodetect >= 0)
		return c->grub_autodetect;
	return c->grub_path == NULL && c->targets.n == 0;
}
