/* The grub.cfg cases of the configuration corpus (petitboot-grub2/ and uroot/),
 * run through grub2_load over a fake fsio serving each case's files and
 * devices. Every case must match what the other loader expected, or be
 * listed in docs/corpus-differences.md with the reason. */
#include "unit.h"
#include "test_grub2.h"
#include "grub2.h"

#include <ctype.h>

/* ---- what one case expects ---- */

struct xopt {
	char *name, *kernel, *initrd, *args; /* NULL: absent / none */
	bool is_default;
	struct strlist modules; /* "PATH CMDLINE" of Multiboot modules (u-root) */
};

struct xcase {
	struct xopt *v;
	size_t n;
};

static void xcase_free(struct xcase *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].name);
		free(c->v[i].kernel);
		free(c->v[i].initrd);
		free(c->v[i].args);
		sl_free(&c->v[i].modules);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

static struct xopt *xnew(struct xcase *c)
{
	c->v = xrealloc(c->v, (c->n + 1) * sizeof(*c->v));
	memset(&c->v[c->n], 0, sizeof(c->v[0]));
	return &c->v[c->n++];
}

/* Our target in the same terms: the command line without GRUB's BOOT_IMAGE=. */
static char *args_of(const struct target *t)
{
	const char *c = t->cmdline ? t->cmdline : "";
	if (t->kind == KIND_LINUX && str_starts(c, "BOOT_IMAGE=")) {
		c += strcspn(c, " ");
		c += *c == ' ';
	}
	return *c ? xstrdup(c) : NULL;
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Compares; appends each difference to why. */
static void compare(const struct xcase *x, const struct target_list *l, bool linux_only,
		    struct strbuf *why)
{
	size_t k = 0;
	int def = -1;
	for (size_t i = 0; i < l->n; i++) {
		const struct target *t = &l->v[i];
		/* the other loaders list only entries that load a kernel */
		if (!t->kernel || t->kind == KIND_CHAIN || (linux_only && t->kind != KIND_LINUX))
			continue;
		if (k >= x->n) {
			sb_printf(why, "  extra target '%s'\n", t->title);
			continue;
		}
		const struct xopt *o = &x->v[k];
		char *args = args_of(t);
		const char *initrd = t->initrds.n ? t->initrds.v[0] : NULL;
		if (!same(o->name, t->title))
			sb_printf(why, "  %zu: title '%s', expected '%s'\n", k, t->title, o->name);
		if (!same(o->kernel, t->kernel))
			sb_printf(why, "  %zu: kernel %s, expected %s\n", k, t->kernel, o->kernel);
		if (!same(o->initrd, initrd))
			sb_printf(why, "  %zu: initrd %s, expected %s\n", k, initrd, o->initrd);
		if (!same(o->args, args))
			sb_printf(why, "  %zu: args '%s', expected '%s'\n", k, args, o->args);
		for (size_t m = 0; m < o->modules.n; m++) {
			char *mine = m < t->nmodules ? xasprintf("%s %s", t->modules[m].path, t->modules[m].cmdline)
						     : NULL;
			if (!same(mine, o->modules.v[m]))
				sb_printf(why, "  %zu: module %s, expected %s\n", k, mine, o->modules.v[m]);
			free(mine);
		}
		if ((int)i == (int)tl_default(l))
			def = (int)k;
		free(args);
		k++;
	}
	if (k < x->n)
		sb_printf(why, "  %zu targets, expected %zu\n", k, x->n);
	for (size_t i = 0; i < x->n; i++)
		if (x->v[i].is_default && (int)i != def)
			sb_printf(why, "  default is %d, expected %zu\n", def, i);
}

/* ---- petitboot's .expect files ---- */

static char *field(const char *line, const char *key)
{
	const char *p = strstr(line, key);
	if (!p || p != line + strspn(line, " "))
		return NULL;
	p += strlen(key);
	p += strspn(p, " ");
	if (*p == '"') {
		const char *q = strrchr(p, '"');
		return xstrndup(p + 1, q > p ? (size_t)(q - p - 1) : 0);
	}
	return xstrndup(p, strcspn(p, "\n"));
}

/* "/path   (device X) [A]" -> "(X)/path"; "absent" -> NULL */
static char *resource(char *v)
{
	char *out = NULL, *dev = strstr(v, "(device ");
	if (!str_starts(v, "absent") && dev)
		out = xasprintf("(%.*s)%.*s", (int)strcspn(dev + 8, ")"), dev + 8, (int)strcspn(v, " "), v);
	else if (!str_starts(v, "absent"))
		out = xstrdup(v);
	free(v);
	return out;
}

static void pb_load(const char *dir, const char *name, struct xcase *x, struct fakefs *f,
		    char **cfgpath)
{
	char *path = xasprintf("%s/%s.expect", dir, name);
	char *text = slurp(path, NULL);
	assert_non_null(text);
	bool in_devices = false;
	struct xopt *o = NULL;
	char *save = NULL;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *v;
		if (str_starts(l, "config-path:"))
			*cfgpath = xstrndup(l + 13 + strspn(l + 13, " "), strcspn(l + 13 + strspn(l + 13, " "), " "));
		in_devices = str_starts(l, "devices:") || (in_devices && l[0] == ' ');
		if (in_devices && l[0] == ' ') {
			char *dname = xstrndup(l + 2, strcspn(l + 2, " "));
			const char *u = strstr(l, "uuid "), *lb = strstr(l, "label '");
			char *uuid = u ? xstrndup(u + 5, strcspn(u + 5, " ")) : NULL;
			char *label = lb ? xstrndup(lb + 7, strcspn(lb + 7, "'")) : NULL;
			char *ddir = xasprintf("%s/%s.fixtures/%s", dir, name, dname);
			struct stat st;
			fake_add(f, dname, stat(ddir, &st) == 0 ? ddir : NULL, uuid, label);
			free(dname);
			free(uuid);
			free(label);
			free(ddir);
		}
		if (str_starts(l, "option "))
			o = xnew(x);
		if (!o)
			continue;
		if ((v = field(l, "name:")))
			o->name = v;
		else if ((v = field(l, "kernel:")))
			o->kernel = resource(v);
		else if ((v = field(l, "initrd:")))
			o->initrd = resource(v);
		else if ((v = field(l, "args:"))) {
			if (str_starts(v, "(none)")) {
				free(v);
				v = NULL;
			}
			o->args = v;
		} else if ((v = field(l, "is_default:"))) {
			o->is_default = str_starts(v, "yes");
			free(v);
		}
	}
	free(text);
	free(path);
}

static char *uuid_to_dev(void *ctx, const char *g)
{
	return NULL;
}

static void run_case(struct fakefs *f, const char *dev, const char *cfg, const char *host_cfg,
		     struct target_list *l)
{
	struct fsio io = fake_io(f);
	f->ovl_dev = host_cfg ? dev : NULL;
	f->ovl_path = cfg;
	f->ovl_host = host_cfg;
	struct grub2_opts o = {.io = &io, .device = dev, .path = cfg, .to_device = uuid_to_dev};
	struct diag_list d = {0};
	tl_init(l);
	grub2_load(&o, l, &d);
	diag_free(&d);
}

/* Cases whose difference docs/corpus-differences.md explains. */
static bool listed(const char *doc, const char *name)
{
	char *key = xasprintf("`%s`", name);
	bool yes = doc && strstr(doc, key);
	free(key);
	return yes;
}

static char *read_doc(void)
{
	return slurp("docs/corpus-differences.md", NULL);
}

/* A case may differ from what the corpus expects only where
 * docs/corpus-differences.md says why; with KL_SHOW_DIFF set, the explained
 * differences are printed too. */
static void tally(const char *doc, const char *name, const struct strbuf *why, int *match,
		  int *unlisted)
{
	if (!why->len)
		(*match)++;
	else if (!listed(doc, name)) {
		(*unlisted)++;
		printf("%s differs and is not in docs/corpus-differences.md:\n%s", name, why->s);
	} else if (getenv("KL_SHOW_DIFF")) {
		printf("%s (listed):\n%s", name, why->s);
	}
}

static void petitboot_cases(void **state)
{
	const char *c = corpus_dir();
	char *dir = xasprintf("%s/petitboot-grub2", c), *doc = read_doc();
	DIR *dh = opendir(dir);
	assert_non_null(dh);
	struct dirent *e;
	int total = 0, match = 0, unlisted = 0;
	while ((e = readdir(dh))) {
		if (!str_ends(e->d_name, ".expect"))
			continue;
		char *name = xstrndup(e->d_name, strlen(e->d_name) - 7);
		struct xcase x = {0};
		struct fakefs f = {0};
		char *cfg = NULL, *host = xasprintf("%s/%s.cfg", dir, name);
		pb_load(dir, name, &x, &f, &cfg);
		struct target_list l;
		run_case(&f, "__test0", cfg, host, &l);
		struct strbuf why = {0};
		compare(&x, &l, true, &why);
		total++;
		tally(doc, name, &why, &match, &unlisted);
		sb_free(&why);
		tl_free(&l);
		fake_free(&f);
		xcase_free(&x);
		free(cfg);
		free(host);
		free(name);
	}
	closedir(dh);
	printf("petitboot-grub2: %d of %d cases match, %d listed differences\n", match, total,
	       total - match - unlisted);
	assert_true(total >= 50);
	assert_int_equal(unlisted, 0);
	free(dir);
	free(doc);
}

/* ---- u-root's JSON: a small reader, flattening to "0.kernel.url=…" ---- */

static const char *json_value(const char *p, const char *key, struct strlist *out, int depth);

static const char *json_str(const char *p, struct strbuf *sb)
{
	for (p++; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1] == 'u' && strlen(p) >= 6) {
			sb_putc(sb, (char)strtol((char[5]){p[2], p[3], p[4], p[5], 0}, NULL, 16));
			p += 5;
		} else if (*p == '\\' && p[1]) {
			p++;
			sb_putc(sb, *p == 'n' ? '\n' : *p == 't' ? '\t' : *p);
		} else {
			sb_putc(sb, *p);
		}
	}
	return *p ? p + 1 : p;
}

static const char *ws(const char *p)
{
	while (isspace((unsigned char)*p) || *p == ',' || *p == ':')
		p++;
	return p;
}

static const char *json_value(const char *p, const char *key, struct strlist *out, int depth)
{
	p = ws(p);
	if (depth > 16)
		return p;
	if (*p == '"') {
		struct strbuf sb = {0};
		p = json_str(p, &sb);
		sl_push_owned(out, xasprintf("%s=%s", key, sb.s ? sb.s : ""));
		sb_free(&sb);
		return p;
	}
	if (*p == '[') {
		p = ws(p + 1);
		for (int i = 0; *p && *p != ']'; i++) {
			char *k = xasprintf("%s%s%d", key, *key ? "." : "", i);
			p = ws(json_value(p, k, out, depth + 1));
			free(k);
		}
		return *p ? p + 1 : p;
	}
	if (*p == '{') {
		p = ws(p + 1);
		while (*p == '"') {
			struct strbuf name = {0};
			p = json_str(p, &name);
			char *k = xasprintf("%s%s%s", key, *key ? "." : "", name.s ? name.s : "");
			p = ws(json_value(p, k, out, depth + 1));
			free(k);
			sb_free(&name);
		}
		return *p ? p + 1 : p;
	}
	while (*p && !strchr(",]}", *p))
		p++;
	return p;
}

static const char *jget(const struct strlist *kv, const char *key)
{
	size_t n = strlen(key);
	for (size_t i = 0; i < kv->n; i++)
		if (!strncmp(kv->v[i], key, n) && kv->v[i][n] == '=')
			return kv->v[i] + n + 1;
	return NULL;
}

/* "file:///testdata_new/DIR/path" -> "(DIR)/path" */
static char *from_url(const char *u)
{
	if (!u || !str_starts(u, "file:///testdata_new/"))
		return u ? xstrdup(u) : NULL;
	u += strlen("file:///testdata_new/");
	size_t n = strcspn(u, "/");
	return xasprintf("(%.*s)%s", (int)n, u, u + n);
}

static void ur_load(const char *json, struct xcase *x)
{
	struct strlist kv = {0};
	json_value(json, "", &kv, 0);
	for (int i = 0;; i++) {
		char k[64];
		snprintf(k, sizeof(k), "%d.name", i);
		const char *name = jget(&kv, k);
		if (!name)
			break;
		struct xopt *o = xnew(x);
		o->name = xstrdup(name);
		snprintf(k, sizeof(k), "%d.kernel.url", i);
		o->kernel = from_url(jget(&kv, k));
		snprintf(k, sizeof(k), "%d.initrd.url", i);
		o->initrd = from_url(jget(&kv, k));
		snprintf(k, sizeof(k), "%d.cmdline", i);
		const char *a = jget(&kv, k);
		o->args = a && *a ? xstrdup(a) : NULL;
		for (int m = 0;; m++) {
			snprintf(k, sizeof(k), "%d.modules.%d.url", i, m);
			const char *url = jget(&kv, k);
			if (!url)
				break;
			snprintf(k, sizeof(k), "%d.modules.%d.cmdline", i, m);
			char *p = from_url(url);
			sl_push_owned(&o->modules, xasprintf("%s %s", p, jget(&kv, k) ? jget(&kv, k) : ""));
			free(p);
		}
	}
	sl_free(&kv);
}

static const char *const GRUB_PLACES[] = {"/boot/grub/grub.cfg", "/grub/grub.cfg", "/boot/grub2/grub.cfg",
					   "/grub2/grub.cfg", "/EFI/BOOT/grub.cfg", "/EFI/centos/grub.cfg",
					   "/EFI/fedora/grub.cfg"};

static void uroot_cases(void **state)
{
	const char *c = corpus_dir();
	char *dir = xasprintf("%s/uroot/grub/testdata_new", c), *doc = read_doc();
	struct strlist dirs = {0}, cases = {0};
	DIR *dh = opendir(dir);
	assert_non_null(dh);
	struct dirent *e;
	while ((e = readdir(dh)))
		if (str_ends(e->d_name, ".json"))
			sl_push_owned(&cases, xstrndup(e->d_name, strlen(e->d_name) - 5));
		else if (e->d_name[0] != '.')
			sl_push(&dirs, e->d_name);
	closedir(dh);
	int match = 0, unlisted = 0;
	for (size_t i = 0; i < cases.n; i++) {
		const char *name = cases.v[i];
		struct fakefs f = {0};
		/* every directory named after the case is one of its partitions:
		 * "X_sda1" and "X_sda2" are two partitions of one case */
		const char *sda = strstr(name, "_sda");
		size_t base = sda ? (size_t)(sda - name) : strlen(name);
		for (size_t k = 0; k < dirs.n; k++) {
			if (strncmp(dirs.v[k], name, base))
				continue;
			char *ddir = xasprintf("%s/%s", dir, dirs.v[k]), *up = xasprintf("%s/UUID", ddir);
			char *lp = xasprintf("%s/LABEL", ddir);
			char *uuid = slurp(up, NULL), *label = slurp(lp, NULL);
			if (uuid)
				uuid[strcspn(uuid, "\n")] = 0;
			if (label)
				label[strcspn(label, "\n")] = 0;
			fake_add(&f, dirs.v[k], ddir, uuid, label);
			free(uuid);
			free(label);
			free(up);
			free(lp);
			free(ddir);
		}
		const char *cfg = NULL;
		bool isdir;
		for (size_t k = 0; !cfg && k < ARRAY_SIZE(GRUB_PLACES); k++)
			if (fake_stat(&f, name, GRUB_PLACES[k], &isdir) == 0)
				cfg = GRUB_PLACES[k];
		char *jp = xasprintf("%s/%s.json", dir, name), *json = slurp(jp, NULL);
		struct xcase x = {0};
		ur_load(json, &x);
		struct target_list l;
		run_case(&f, name, cfg ? cfg : "/none", NULL, &l);
		struct strbuf why = {0};
		/* u-root lists no default; ours is not compared */
		for (size_t k = 0; k < x.n; k++)
			x.v[k].is_default = false;
		compare(&x, &l, false, &why);
		tally(doc, name, &why, &match, &unlisted);
		sb_free(&why);
		tl_free(&l);
		xcase_free(&x);
		fake_free(&f);
		free(json);
		free(jp);
	}
	printf("uroot grub: %d of %zu cases match\n", match, cases.n);
	assert_true(cases.n >= 10);
	assert_int_equal(unlisted, 0);
	sl_free(&dirs);
	sl_free(&cases);
	free(dir);
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(petitboot_cases),
		cmocka_unit_test(uroot_cases),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
