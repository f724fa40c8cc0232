#include "bls.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include "userfile.h"
#include "limits.h"
#include "strhash.h"

/* What the values of one entry may take in all, expanded: a command line
 * is at most a few KiB; four words' worth keeps every real entry whole. */
#define ENTRY_ROOM (4 * KL_MAX_VALUE)

#if defined(__x86_64__)
#define LOCAL_ARCH "x64"
#elif defined(__i386__)
#define LOCAL_ARCH "ia32"
#elif defined(__aarch64__)
#define LOCAL_ARCH "aa64"
#elif defined(__arm__)
#define LOCAL_ARCH "arm"
#else
#define LOCAL_ARCH "unknown"
#endif

static bool vchar(char c)
{
	return isalnum((unsigned char)c) || strchr("-.~^", c);
}

/* At a special character: -1/1 when only one side has it, 0 after skipping it on both. */
static int special(const char **a, const char **b, char c, int lone_a)
{
	if (**a != c && **b != c)
		return 0;
	if (**a != c)
		return -lone_a;
	if (**b != c)
		return lone_a;
	(*a)++, (*b)++;
	return 0;
}

static int cmp_number(const char **a, const char **b)
{
	while (**a == '0')
		(*a)++;
	while (**b == '0')
		(*b)++;
	size_t na = 0, nb = 0;
	while (isdigit((unsigned char)(*a)[na]))
		na++;
	while (isdigit((unsigned char)(*b)[nb]))
		nb++;
	int r = na != nb ? (na < nb ? -1 : 1) : strncmp(*a, *b, na);
	*a += na, *b += nb;
	return r < 0 ? -1 : r > 0;
}

int bls_version_cmp(const char *a, const char *b)
{
	for (;;) {
		while (*a && !vchar(*a))
			a++;
		while (*b && !vchar(*b))
			b++;
		/* '~' before the end check: "a suffix that always sorts lower",
		 * so 1~rc1 < 1, as systemd-analyze compare-versions says. */
		int r = special(&a, &b, '~', -1);
		if (r)
			return r;
		if (!*a || !*b)
			return (*a != 0) - (*b != 0);
		if ((r = special(&a, &b, '-', -1)) || (r = special(&a, &b, '^', 1)) ||
		    (r = special(&a, &b, '.', -1)))
			return r;
		if (isdigit((unsigned char)*a) || isdigit((unsigned char)*b)) {
			if ((r = cmp_number(&a, &b)))
				return r;
			continue;
		}
		for (; isalpha((unsigned char)*a) && isalpha((unsigned char)*b); a++, b++)
			if (*a != *b)
				return *a < *b ? -1 : 1;
		if (isalpha((unsigned char)*a) != isalpha((unsigned char)*b))
			return isalpha((unsigned char)*a) ? 1 : -1;
	}
}

/* "$name" and "${name}" through the lookup; text as is without one. At most
 * *room bytes come out (a line of 50,000 "$a" with a 64 KiB $a would be
 * 3 GB); *room is what is left of the entry's share afterwards. */
static char *expand(const struct bls_opts *o, const char *s, size_t *room, bool *cut)
{
	struct strbuf sb = {0};
	sb_puts(&sb, "");
	size_t max = *room < KL_MAX_VALUE ? *room : KL_MAX_VALUE;
	while (*s) {
		size_t n;
		bool brace = s[0] == '$' && s[1] == '{';
		const char *name = s + 1 + brace;
		for (n = 0; isalnum((unsigned char)name[n]) || name[n] == '_'; n++)
			;
		const char *val = NULL;
		size_t take = 1;
		if (!o->lookup || s[0] != '$' || !n || (brace && name[n] != '}')) {
			val = s++;
		} else {
			char *var = xstrndup(name, n);
			val = o->lookup(o->lookup_ctx, var);
			free(var);
			s = name + n + brace;
			take = val ? strlen(val) : 0;
		}
		if (take > max - sb.len) {
			*cut = true;
			break;
		}
		sb_add(&sb, val ? val : "", take);
	}
	*room -= sb.len;
	return sb_steal(&sb);
}

/* GRUB splits an expanded value into words; so do we, once expanded. */
static void push_words(struct strlist *l, const char *s)
{
	char *copy = xstrdup(s), *save = NULL;
	for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
		sl_push_owned(l, *w == '/' ? xstrdup(w) : xasprintf("/%s", w));
	free(copy);
}

struct entry {
	char *title, *version, *machine_id, *sort_key, *linux, *efi, *arch;
	struct strlist initrds;
	struct strbuf options;
	size_t room;  /* bytes its values may still take once expanded */
	bool cut;     /* a value was cut to keep within that */
};

static void set(char **field, char *value)
{
	free(*field);
	*field = value;
}

static void entry_free(struct entry *e)
{
	free(e->title), free(e->version), free(e->machine_id), free(e->sort_key);
	free(e->linux), free(e->efi), free(e->arch);
	sl_free(&e->initrds);
	sb_free(&e->options);
}

static void read_key(const struct bls_opts *o, struct entry *e, const char *key, const char *raw)
{
	char *v = expand(o, raw, &e->room, &e->cut);
	if (strcmp(key, "title") == 0)
		set(&e->title, v);
	else if (strcmp(key, "version") == 0)
		set(&e->version, v);
	else if (strcmp(key, "machine-id") == 0)
		set(&e->machine_id, v);
	else if (strcmp(key, "sort-key") == 0)
		set(&e->sort_key, v);
	else if (strcmp(key, "linux") == 0)
		set(&e->linux, v);
	else if (strcmp(key, "efi") == 0)
		set(&e->efi, v);
	else if (strcmp(key, "architecture") == 0)
		set(&e->arch, v);
	else if (strcmp(key, "initrd") == 0) {
		push_words(&e->initrds, v);
		free(v);
	} else if (strcmp(key, "options") == 0) {
		if (e->options.len && *v)
			sb_putc(&e->options, ' ');
		sb_puts(&e->options, v);
		free(v);
	} else {
		free(v); /* devicetree, devicetree-overlay and others' extensions */
	}
}

/* Word-splits a command line as GRUB's linux command sees it. */
static char *squeeze(const char *s)
{
	struct strbuf sb = {0};
	char *copy = xstrdup(s), *save = NULL;
	for (char *p = strtok_r(copy, " \t", &save); p; p = strtok_r(NULL, " \t", &save))
		sb_printf(&sb, "%s%s", sb.len ? " " : "", p);
	free(copy);
	return sb_steal(&sb);
}

static void make_target(const struct bls_opts *o, struct entry *e, const char *name,
			struct target *t)
{
	target_init(t);
	t->id = xstrndup(name, str_ends(name, ".conf") ? strlen(name) - 5 : strlen(name));
	t->title = xstrdup(e->title && *e->title ? e->title : t->id);
	t->origin = xasprintf("%s/%s:1 on %s", o->dir, name, o->device);
	t->root = xstrdup(o->device);
	const char *first = e->linux ? e->linux : e->efi;
	struct strlist k = {0};
	push_words(&k, first);
	t->kernel = k.n ? xstrdup(k.v[0]) : xstrdup("/");
	sl_free(&k);
	sl_copy(&t->initrds, &e->initrds);
	if (e->options.len)
		t->cmdline = o->lookup ? squeeze(e->options.s) : xstrdup(e->options.s);
	if (!e->linux) {
		t->kind = KIND_CHAIN;
		target_refuse(t, "it starts the EFI program %s, which kexec cannot run", e->efi);
	} else if (e->arch && strcasecmp(e->arch, LOCAL_ARCH) != 0 &&
		   !(strcasecmp(e->arch, "ia32") == 0 && strcmp(LOCAL_ARCH, "x64") == 0)) {
		target_refuse(t, "it is for the %s architecture; this machine is %s", e->arch, LOCAL_ARCH);
	}
}

/* Splits "key value" lines; returns false when the entry has nothing to boot. */
static bool parse_entry(const struct bls_opts *o, const char *name, const char *text, size_t len,
			struct entry *e, struct diag_list *d)
{
	char *buf = xstrndup(text, len);
	e->room = ENTRY_ROOM;
	for (char *p = buf, *nl; p; p = nl) {
		nl = strchr(p, '\n');
		if (nl)
			*nl++ = 0;
		char *s = str_trim(p);
		if (!*s || *s == '#')
			continue;
		char *val = s + strcspn(s, " \t");
		if (*val)
			*val++ = 0;
		read_key(o, e, s, str_trim(val));
	}
	free(buf);
	char *path = xasprintf("%s/%s", o->dir, name);
	if (e->cut)
		diag_add(d, path, 0, "its values are longer than %zu KiB once variables are expanded; "
			 "the rest was cut", (size_t)ENTRY_ROOM >> 10);
	if (e->linux || e->efi) {
		free(path);
		return true;
	}
	diag_add(d, path, 0, "the entry has neither a 'linux' nor an 'efi' line; skipped");
	free(path);
	return false;
}

int bls_parse(const struct bls_opts *o, const char *name, const char *text, size_t len,
	      struct target_list *out, struct diag_list *d)
{
	struct entry e = {0};
	bool ok = parse_entry(o, name, text, len, &e, d);
	if (ok) {
		struct target t;
		make_target(o, &e, name, &t);
		tl_push(out, &t);
	}
	entry_free(&e);
	return ok ? 0 : -1;
}

/* What sorting needs of an entry besides its target. */
struct sortable {
	struct target t;
	char *sort_key, *machine_id, *version;
	bool bad;
	size_t order;
};

static bool boot_count_bad(const char *id)
{
	const char *plus = strrchr(id, '+');
	return plus && plus[1] == '0' && (plus[2] == 0 || plus[2] == '-');
}

static int cmp_alnum(const char *a, const char *b)
{
	bool ea = !a || !*a, eb = !b || !*b;
	if (ea || eb)
		return eb - ea;
	return strcmp(a, b) < 0 ? -1 : strcmp(a, b) > 0;
}

static int cmp_entries(const void *pa, const void *pb)
{
	const struct sortable *a = pa, *b = pb;
	int r = a->bad - b->bad;
	if (!r && a->sort_key && b->sort_key) {
		r = cmp_alnum(a->sort_key, b->sort_key);
		r = r ? r : cmp_alnum(a->machine_id, b->machine_id);
		r = r ? r : bls_version_cmp(b->version ? b->version : "", a->version ? a->version : "");
	} else if (!r && (a->sort_key || b->sort_key)) {
		r = a->sort_key ? -1 : 1;
	}
	r = r ? r : bls_version_cmp(b->t.id, a->t.id);
	return r ? r : (a->order < b->order ? -1 : 1);
}

static void read_one(const struct bls_opts *o, const char *name, struct sortable **v, size_t *n,
		     struct diag_list *d)
{
	char *path = xasprintf("%s/%s", o->dir, name), *text = NULL;
	size_t len;
	struct entry e = {0};
	int r = o->io->read(o->io->ctx, o->device, path, 1 << 20, &text, &len);
	if (r < 0) {
		diag_take(d, uf_message(path, o->device, r));
	} else if (parse_entry(o, name, text, len, &e, d)) {
		if ((*n & (*n - 1)) == 0) /* grow at powers of two */
			*v = xrealloc(*v, (*n ? *n * 2 : 1) * sizeof(**v));
		struct sortable *s = &(*v)[*n];
		make_target(o, &e, name, &s->t);
		s->sort_key = e.sort_key, s->machine_id = e.machine_id, s->version = e.version;
		e.sort_key = e.machine_id = e.version = NULL;
		s->bad = boot_count_bad(s->t.id);
		s->order = (*n)++;
	}
	entry_free(&e);
	free(text);
	free(path);
}

/* loader.conf beside the entries: "default GLOB" and "timeout N". */
static void loader_conf(const struct bls_opts *o, struct target_list *l, struct diag_list *d)
{
	const char *slash = strrchr(o->dir, '/');
	char *path = xasprintf("%.*s/loader.conf", slash ? (int)(slash - o->dir) : 0, o->dir), *text;
	int r = o->io->read(o->io->ctx, o->device, path, 1 << 16, &text, NULL);
	if (r < 0) {
		if (r != -ENOENT)
			diag_take(d, uf_message(path, o->device, r));
		free(path);
		return;
	}
	for (char *p = text, *nl; p; p = nl) {
		nl = strchr(p, '\n');
		if (nl)
			*nl++ = 0;
		char *s = str_trim(p), *val = s + strcspn(s, " \t");
		if (*val)
			*val++ = 0;
		val = str_trim(val);
		if (strcmp(s, "timeout") == 0)
			l->timeout = isdigit((unsigned char)*val) ? atoi(val) : -1;
		for (size_t i = 0; strcmp(s, "default") == 0 && i < l->n; i++) {
			char *file = xasprintf("%s.conf", l->v[i].id);
			bool hit = !fnmatch(val, l->v[i].id, 0) || !fnmatch(val, file, 0);
			free(file);
			if (hit) {
				l->default_index = (int)i;
				break;
			}
		}
	}
	free(text);
	free(path);
}

struct title_key {
	const struct sortable *v;
	const char *title;
};

static bool same_title(void *ctx, size_t pos)
{
	const struct title_key *k = ctx;
	return !strcmp(k->v[pos].t.title, k->title);
}

/* Equal titles get their version appended, as the specification suggests. */
static void distinguish_titles(struct sortable *v, size_t n)
{
	bool *dup = xcalloc(n ? n : 1, sizeof(*dup));
	/* by hash: 30,000 entries compared pairwise took 17 s */
	struct strhash seen = {0};
	struct title_key k = {v, NULL};
	for (size_t i = 0; i < n; i++) {
		k.title = v[i].t.title;
		uint64_t h = str_hash(k.title, strlen(k.title));
		size_t first = sh_find(&seen, h, same_title, &k);
		if (first == SIZE_MAX)
			sh_add(&seen, h, i);
		else
			dup[i] = dup[first] = true;
	}
	sh_free(&seen);
	for (size_t i = 0; i < n; i++)
		if (dup[i] && v[i].version && *v[i].version) {
			char *t = xasprintf("%s (%s)", v[i].t.title, v[i].version);
			free(v[i].t.title);
			v[i].t.title = t;
		}
	free(dup);
}

int bls_load(const struct bls_opts *o, struct target_list *out, struct diag_list *d)
{
	struct strlist names = {0};
	int r = o->io->list(o->io->ctx, o->device, o->dir, &names);
	if (r < 0)
		return r;
	struct sortable *v = NULL;
	size_t n = 0;
	for (size_t i = 0; i < names.n; i++) {
		if (n >= KL_MAX_TARGETS_PER_FILE) {
			diag_add(d, o->dir, 0, "more than %d entries; the rest are left out",
				 KL_MAX_TARGETS_PER_FILE);
			break;
		}
		if (str_ends(names.v[i], ".conf") && strlen(names.v[i]) > 5)
			read_one(o, names.v[i], &v, &n, d);
	}
	sl_free(&names);
	if (n)
		qsort(v, n, sizeof(*v), cmp_entries);
	if (o->standalone)
		distinguish_titles(v, n);
	struct target_list l;
	tl_init(&l);
	for (size_t i = 0; i < n; i++) {
		tl_push(&l, &v[i].t);
		free(v[i].sort_key), free(v[i].machine_id), free(v[i].version);
	}
	free(v);
	if (o->standalone)
		loader_conf(o, &l, d);
	tl_append(out, &l);
	return (int)n;
}
