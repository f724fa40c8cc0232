#include "kmod.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "modinfo.h"
#include "log.h"
#include "util.h"

#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE 4
#endif

/* depmod's text files of a full Debian kernel are a few MB at most. */
#define DEPMOD_FILE_MAX (64u << 20)
/* Far deeper than any real /sys/devices; bounds the fds a walk holds. */
#define SYSFS_DEPTH_MAX 64

static int sys_finit_module(int fd, const char *params, int flags)
{
	return (int)syscall(SYS_finit_module, fd, params, flags);
}

int (*kmod_finit_module)(int fd, const char *params, int flags) = sys_finit_module;

enum mod_state { MOD_NEW, MOD_LOADING, MOD_LOADED, MOD_FAILED, MOD_BUILTIN };

struct module {
	char *name;   /* '-' folded to '_' */
	char *path;   /* relative to the modules directory; NULL when only named */
	size_t *deps; /* indices into kmod.mods, from modules.dep */
	size_t n_deps;
	struct strlist pre, post; /* softdep names or aliases */
	enum mod_state state;
	int err;            /* errno of a failure */
	bool had_options;   /* loaded when the options were known */
	signed char exists; /* whether the file is there; -1 before looking */
};

struct alias {
	const char *pattern; /* points into kmod.alias_text */
	size_t prefix;       /* characters before the first wildcard */
	size_t mod;
};

/* Strings to numbers, open addressing; keys owned. */
struct index {
	char **keys;
	size_t *vals;
	size_t cap, n;
};

struct kmod {
	char *dir;
	int dirfd;
	char *sysfs;
	struct module *mods;
	size_t n_mods, cap_mods;
	struct index by_name;
	struct alias *aliases;
	size_t n_aliases, cap_aliases;
	char *alias_text;
	struct index seen; /* modaliases matched already -> how many modules */
	kmod_options_fn options;
	void *options_ctx;
};

/* ---- names ---- */

static char *name_fold(const char *s, size_t n)
{
	char *p = xstrndup(s, n);
	for (char *c = p; *c; c++)
		if (*c == '-')
			*c = '_';
	return p;
}

bool kmod_name_eq(const char *a, const char *b)
{
	for (;; a++, b++) {
		char x = *a == '-' ? '_' : *a, y = *b == '-' ? '_' : *b;
		if (x != y)
			return false;
		if (!x)
			return true;
	}
}

static bool is_compressed(const char *path)
{
	return str_ends(path, ".ko.xz") || str_ends(path, ".ko.zst") || str_ends(path, ".ko.gz");
}

/* "kernel/fs/ext4/ext4.ko" -> "ext4"; NULL when not a module file name. */
static char *name_of_path(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *ko = strstr(base, ".ko");
	if (!ko || ko == base || (ko[3] && !is_compressed(base)))
		return NULL;
	return name_fold(base, (size_t)(ko - base));
}

/* ---- the index ---- */

static size_t hash_str(const char *s)
{
	size_t h = 14695981039346656037u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

static size_t index_slot(const struct index *ix, const char *key)
{
	size_t i = hash_str(key) & (ix->cap - 1);
	while (ix->keys[i] && strcmp(ix->keys[i], key) != 0)
		i = (i + 1) & (ix->cap - 1);
	return i;
}

static size_t *index_find(const struct index *ix, const char *key)
{
	if (!ix->cap)
		return NULL;
	size_t i = index_slot(ix, key);
	return ix->keys[i] ? &ix->vals[i] : NULL;
}

static void index_put(struct index *ix, const char *key, size_t val);

static void index_grow(struct index *ix)
{
	struct index old = *ix;
	ix->cap = old.cap ? old.cap * 2 : 64;
	ix->keys = xcalloc(ix->cap, sizeof(*ix->keys));
	ix->vals = xcalloc(ix->cap, sizeof(*ix->vals));
	ix->n = 0;
	for (size_t i = 0; i < old.cap; i++) {
		if (old.keys[i]) {
			index_put(ix, old.keys[i], old.vals[i]);
			free(old.keys[i]);
		}
	}
	free(old.keys);
	free(old.vals);
}

static void index_put(struct index *ix, const char *key, size_t val)
{
	if (2 * (ix->n + 1) > ix->cap)
		index_grow(ix);
	size_t i = index_slot(ix, key);
	if (!ix->keys[i]) {
		ix->keys[i] = xstrdup(key);
		ix->n++;
	}
	ix->vals[i] = val;
}

static void index_free(struct index *ix)
{
	for (size_t i = 0; i < ix->cap; i++)
		free(ix->keys[i]);
	free(ix->keys);
	free(ix->vals);
	memset(ix, 0, sizeof(*ix));
}

/* ---- the module table ---- */

static bool find_module(const struct kmod *km, const char *name, size_t *idx)
{
	char *key = name_fold(name, strlen(name));
	const size_t *v = index_find(&km->by_name, key);
	free(key);
	if (v)
		*idx = *v;
	return v != NULL;
}

/* Takes ownership of the folded name. */
static size_t add_module(struct kmod *km, char *name)
{
	if (km->n_mods == km->cap_mods) {
		km->cap_mods = km->cap_mods ? km->cap_mods * 2 : 256;
		km->mods = xrealloc(km->mods, km->cap_mods * sizeof(*km->mods));
	}
	struct module *m = &km->mods[km->n_mods];
	memset(m, 0, sizeof(*m));
	m->name = name;
	m->exists = -1;
	index_put(&km->by_name, name, km->n_mods);
	return km->n_mods++;
}

static size_t module_named(struct kmod *km, const char *name)
{
	size_t i;
	if (!find_module(km, name, &i))
		i = add_module(km, name_fold(name, strlen(name)));
	return i;
}

/* The module a modules.dep path names; SIZE_MAX for a path that is not a module. */
static size_t module_at_path(struct kmod *km, const char *path)
{
	char *name = name_of_path(path);
	if (!name)
		return SIZE_MAX;
	const size_t *v = index_find(&km->by_name, name);
	size_t i = v ? *v : add_module(km, name);
	if (v)
		free(name);
	if (!km->mods[i].path)
		km->mods[i].path = xstrdup(path);
	return i;
}

static bool module_file_exists(struct kmod *km, size_t i)
{
	struct module *m = &km->mods[i];
	if (m->exists < 0)
		m->exists = m->path && faccessat(km->dirfd, m->path, F_OK, 0) == 0;
	return m->exists;
}

/* ---- reading depmod's files ---- */

/* One read of the file's size: modules.alias of a full kernel is over a
 * megabyte, and growing a buffer piecewise showed in start-up time. */
static char *read_depmod_file(struct kmod *km, const char *file)
{
	int fd = km->dirfd < 0 ? -1 : openat(km->dirfd, file, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size > DEPMOD_FILE_MAX) {
		log_debug("no %s/%s: %s", km->dir, file, fd < 0 ? strerror(errno) : "unreadable or too large");
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	char *text = xmalloc((size_t)st.st_size + 1);
	size_t len = 0;
	ssize_t r;
	while (len < (size_t)st.st_size &&
	       ((r = read(fd, text + len, (size_t)st.st_size - len)) > 0 || (r < 0 && errno == EINTR)))
		len += r > 0 ? (size_t)r : 0;
	close(fd);
	text[len] = 0;
	return text;
}

/* Splits the next line off *text in place. */
static char *next_line(char **text)
{
	char *line = *text;
	if (!*line)
		return NULL;
	char *nl = strchr(line, '\n');
	if (nl) {
		*nl = 0;
		*text = nl + 1;
	} else {
		*text = line + strlen(line);
	}
	return line;
}

static char *next_word(char **s)
{
	char *p = *s + strspn(*s, " \t\r");
	if (!*p)
		return NULL;
	size_t n = strcspn(p, " \t\r");
	*s = p[n] ? p + n + 1 : p + n;
	p[n] = 0;
	return p;
}

static void add_dep(struct module *m, size_t dep)
{
	m->deps = xrealloc(m->deps, (m->n_deps + 1) * sizeof(*m->deps));
	m->deps[m->n_deps++] = dep;
}

/* "kernel/fs/ext4/ext4.ko: kernel/lib/crc16.ko kernel/fs/mbcache.ko" */
static void read_dep(struct kmod *km)
{
	char *text = read_depmod_file(km, "modules.dep"), *rest = text, *line;
	if (!text)
		return;
	while ((line = next_line(&rest))) {
		char *colon = strchr(line, ':');
		if (!colon)
			continue;
		*colon = 0;
		size_t i = module_at_path(km, line), d;
		if (i == SIZE_MAX)
			continue;
		char *deps = colon + 1, *word;
		while ((word = next_word(&deps)))
			if ((d = module_at_path(km, word)) != SIZE_MAX && d != i)
				add_dep(&km->mods[i], d);
	}
	free(text);
}

static void read_builtin(struct kmod *km)
{
	char *text = read_depmod_file(km, "modules.builtin"), *rest = text, *line;
	if (!text)
		return;
	while ((line = next_line(&rest))) {
		char *name = name_of_path(str_trim(line));
		if (!name)
			continue;
		const size_t *v = index_find(&km->by_name, name);
		size_t i = v ? *v : add_module(km, name);
		if (v)
			free(name);
		km->mods[i].state = MOD_BUILTIN;
	}
	free(text);
}

/* "softdep ext4 pre: crypto-crc32c post: x" (several lines may name one module) */
static void read_softdep(struct kmod *km)
{
	char *text = read_depmod_file(km, "modules.softdep"), *rest = text, *line;
	if (!text)
		return;
	while ((line = next_line(&rest))) {
		char *word = next_word(&line);
		if (!word || strcmp(word, "softdep") != 0 || !(word = next_word(&line)))
			continue;
		size_t i = module_named(km, word);
		struct strlist *into = NULL; /* words before "pre:"/"post:" mean nothing */
		while ((word = next_word(&line))) {
			if (strcmp(word, "pre:") == 0)
				into = &km->mods[i].pre;
			else if (strcmp(word, "post:") == 0)
				into = &km->mods[i].post;
			else if (into)
				sl_push(into, word);
		}
	}
	free(text);
}

static void add_alias(struct kmod *km, const char *pattern, size_t mod)
{
	if (km->n_aliases == km->cap_aliases) {
		km->cap_aliases = km->cap_aliases ? km->cap_aliases * 2 : 256;
		km->aliases = xrealloc(km->aliases, km->cap_aliases * sizeof(*km->aliases));
	}
	km->aliases[km->n_aliases++] = (struct alias){
		.pattern = pattern, .prefix = strcspn(pattern, "*?[\\"), .mod = mod};
}

/* "alias pci:v00001AF4d00001001sv*sd*bc*sc*i* virtio_pci". Only aliases of
 * modules that are there are kept: the initramfs holds few of the kernel's. */
static void read_alias(struct kmod *km)
{
	char *rest = km->alias_text = read_depmod_file(km, "modules.alias"), *line;
	if (!rest)
		return;
	const char *last = "";
	bool keep = false;
	size_t i = 0;
	while ((line = next_line(&rest))) {
		char *word = next_word(&line), *pattern, *name;
		if (!word || strcmp(word, "alias") != 0 || !(pattern = next_word(&line)) ||
		    !(name = next_word(&line)))
			continue;
		/* depmod writes a module's aliases together: look it up once */
		if (strcmp(name, last) != 0) {
			last = name;
			keep = find_module(km, name, &i) && km->mods[i].state != MOD_BUILTIN &&
			       module_file_exists(km, i);
		}
		if (keep)
			add_alias(km, pattern, i);
	}
}

struct kmod *kmod_open(const char *dir)
{
	struct kmod *km = xcalloc(1, sizeof(*km));
	km->dir = xstrdup(dir);
	km->sysfs = xstrdup("/sys");
	km->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (km->dirfd < 0)
		log_debug("no modules directory %s: %s", dir, strerror(errno));
	read_dep(km);
	read_builtin(km);
	read_softdep(km);
	read_alias(km);
	log_debug("modules in %s: %zu known, %zu aliases kept", dir, km->n_mods, km->n_aliases);
	return km;
}

struct kmod *kmod_open_running(void)
{
	struct utsname u;
	if (uname(&u) < 0)
		strcpy(u.release, "unknown");
	char *dir = xasprintf("/lib/modules/%s", u.release);
	struct kmod *km = kmod_open(dir);
	free(dir);
	return km;
}

void kmod_close(struct kmod *km)
{
	if (!km)
		return;
	for (size_t i = 0; i < km->n_mods; i++) {
		struct module *m = &km->mods[i];
		free(m->name);
		free(m->path);
		free(m->deps);
		sl_free(&m->pre);
		sl_free(&m->post);
	}
	free(km->mods);
	index_free(&km->by_name);
	index_free(&km->seen);
	free(km->aliases);
	free(km->alias_text);
	if (km->dirfd >= 0)
		close(km->dirfd);
	free(km->dir);
	free(km->sysfs);
	free(km);
}

static void apply_params(struct kmod *km, const char *module, const char *params, bool write);

/* Modules loaded (or built in) before the options were known get them
 * through sysfs where the kernel allows. */
void kmod_set_options(struct kmod *km, kmod_options_fn options, void *ctx)
{
	km->options = options;
	km->options_ctx = ctx;
	for (size_t i = 0; options && i < km->n_mods; i++) {
		struct module *m = &km->mods[i];
		if ((m->state != MOD_LOADED && m->state != MOD_BUILTIN) || m->had_options)
			continue;
		m->had_options = true;
		const char *params = options(m->name, ctx);
		if (params && *params)
			apply_params(km, m->name, params, true);
	}
}

void kmod_set_sysfs(struct kmod *km, const char *sysfs)
{
	free(km->sysfs);
	km->sysfs = xstrdup(sysfs);
}

bool kmod_is_loaded(struct kmod *km, const char *name)
{
	size_t i;
	return find_module(km, name, &i) &&
	       (km->mods[i].state == MOD_LOADED || km->mods[i].state == MOD_BUILTIN);
}

/* ---- inserting one module ---- */

static const char *why_failed(int e)
{
	switch (e) {
	case ENOENT:
		return "it needs a symbol that no loaded module provides (a module it depends on is missing or failed)";
	case ENOEXEC:
		return "the file is not a kernel module this kernel can load (another kernel version or architecture, or a damaged file)";
	case EINVAL:
		return "the kernel rejected the module or its parameters (check its kmod line in kexec-loader.conf, or the module's kernel version)";
	case EKEYREJECTED:
	case EKEYREVOKED:
	case EKEYEXPIRED:
	case EBADMSG:
		return "its signature was rejected (the kernel only loads modules signed with its key)";
	case EPERM:
		return "the kernel does not allow loading modules (lockdown, required signatures, or module loading disabled)";
	case ENOSYS:
		return "this kernel was built without support for loadable modules";
	case ENOMEM:
		return "there is not enough memory";
	case ENODEV:
		return "the device or processor feature it is for is not there";
	case EBUSY:
		return "the kernel was busy with a symbol it needs; it may load on a later try";
	default:
		return strerror(e);
	}
}

static void warn_failed(const char *name, const char *path, int e)
{
	log_warn("Kernel module %s (%s) could not be loaded: %s.", name, path, why_failed(e));
}

/* Splits the next parameter off a parameter string as the kernel does:
 * spaces separate parameters except inside double quotes, which are not
 * part of the value; a name ends at '='. Returns the rest, or NULL at the end. */
static const char *next_param(const char *p, struct strbuf *name, struct strbuf *value)
{
	p += strspn(p, " \t\n");
	if (!*p)
		return NULL;
	bool quoted = false, in_name = true;
	for (; *p && (quoted || !strchr(" \t\n", *p)); p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (in_name && *p == '=')
			in_name = false;
		else if (in_name)
			sb_putc(name, *p == '-' ? '_' : *p);
		else
			sb_putc(value, *p);
	}
	if (in_name)
		sb_puts(value, "Y"); /* a bare name sets a boolean */
	return p;
}

static char *param_file(struct kmod *km, const char *module, const char *param)
{
	return xasprintf("%s/module/%s/parameters/%s", km->sysfs, module, param);
}

static void report_param(struct kmod *km, const char *module, const char *param)
{
	char *file = param_file(km, module, param);
	char *value = read_line_file(file);
	if (value)
		log_info("module %s parameter %s = %s", module, param, value);
	else
		log_info("module %s parameter %s: the kernel does not show its value (no %s)", module,
			 param, file);
	free(value);
	free(file);
}

/* For a module that was loaded before its options were known. */
static bool write_param(struct kmod *km, const char *module, const char *param, const char *value)
{
	char *file = param_file(km, module, param);
	int fd = open(file, O_WRONLY | O_CLOEXEC | O_TRUNC);
	ssize_t n = fd < 0 ? -1 : write(fd, value, strlen(value));
	int e = errno;
	if (fd >= 0)
		close(fd);
	if (n < 0)
		log_warn("Option %s=%s of module %s was not applied: the module was loaded before "
			 "kexec-loader.conf was read and the kernel does not let it change now (%s: %s).",
			 param, value, module, file, strerror(e));
	free(file);
	return n >= 0;
}

/* Logs what the kernel made of each parameter; with write, sets it first. */
static void apply_params(struct kmod *km, const char *module, const char *params, bool write)
{
	const char *p = params;
	struct strbuf name = {0}, value = {0};
	while ((p = next_param(p, &name, &value))) {
		if (name.len && (!write || write_param(km, module, name.s, value.s)))
			report_param(km, module, name.s);
		sb_free(&name);
		sb_free(&value);
	}
}

/* finit_module on an open module file. 0 or -errno; logs unless quiet. */
static int insert_fd(struct kmod *km, const char *name, const char *path, int fd, bool quiet)
{
	const char *params = km->options ? km->options(name, km->options_ctx) : NULL;
	int flags = is_compressed(path) ? MODULE_INIT_COMPRESSED_FILE : 0;
	if (kmod_finit_module(fd, params ? params : "", flags) < 0) {
		int e = errno;
		if (e == EEXIST) {
			log_debug("module %s was loaded already", name);
			if (params && *params)
				apply_params(km, name, params, true);
			return 0;
		}
		if (!quiet)
			warn_failed(name, path, e);
		return -e;
	}
	log_info("loaded module %s", name);
	if (params && *params)
		apply_params(km, name, params, false);
	return 0;
}

static int open_module(struct kmod *km, int dirfd, const char *name, const char *path)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		log_warn("Kernel module %s could not be loaded: cannot open %s%s%s: %s.", name,
			 dirfd == AT_FDCWD ? "" : km->dir, dirfd == AT_FDCWD ? "" : "/", path,
			 strerror(e));
		return -e;
	}
	return fd;
}

/* ---- loading by name, with dependencies ---- */

static int load_index(struct kmod *km, size_t i);
static int load_matching(struct kmod *km, const char *modalias, int *first_err);

static int load_name(struct kmod *km, const char *name)
{
	size_t i;
	if (find_module(km, name, &i) && (km->mods[i].path || km->mods[i].state == MOD_BUILTIN))
		return load_index(km, i);
	int err = 0;
	if (load_matching(km, name, &err) == 0)
		return -ENOENT;
	return err;
}

/* Softdeps are wishes: a missing one is not an error. */
static void load_softdeps(struct kmod *km, size_t i, bool pre)
{
	const struct strlist *l = pre ? &km->mods[i].pre : &km->mods[i].post;
	for (size_t k = 0; k < l->n; k++)
		if (load_name(km, l->v[k]) == -ENOENT)
			log_debug("module %s: soft dependency %s not found", km->mods[i].name, l->v[k]);
}

static int load_deps(struct kmod *km, size_t i)
{
	for (size_t k = 0; k < km->mods[i].n_deps; k++) {
		size_t d = km->mods[i].deps[k];
		int r = load_index(km, d);
		if (r < 0) {
			log_warn("Kernel module %s was not loaded because module %s, which it needs, "
				 "could not be loaded%s.", km->mods[i].name, km->mods[d].name,
				 r == -ENOENT && !km->mods[d].path ? " (it is not in the modules directory)" : "");
			return r;
		}
	}
	return 0;
}

static int insert_index(struct kmod *km, size_t i)
{
	int fd = open_module(km, km->dirfd, km->mods[i].name, km->mods[i].path);
	if (fd < 0)
		return fd;
	int r = insert_fd(km, km->mods[i].name, km->mods[i].path, fd, false);
	close(fd);
	return r;
}

static int load_index(struct kmod *km, size_t i)
{
	switch (km->mods[i].state) {
	case MOD_LOADED:
	case MOD_BUILTIN:
	case MOD_LOADING: /* a softdep cycle */
		return 0;
	case MOD_FAILED:
		return -km->mods[i].err;
	case MOD_NEW:
		break;
	}
	if (!km->mods[i].path)
		return -ENOENT;
	km->mods[i].state = MOD_LOADING;
	load_softdeps(km, i, true);
	int r = load_deps(km, i);
	if (r == 0)
		r = insert_index(km, i);
	km->mods[i].state = r == 0 ? MOD_LOADED : MOD_FAILED;
	km->mods[i].err = -r;
	km->mods[i].had_options = km->options != NULL;
	if (r == 0)
		load_softdeps(km, i, false);
	return r;
}

int kmod_load(struct kmod *km, const char *name)
{
	return load_name(km, name);
}

/* ---- loading by alias ---- */

static bool alias_matches(const struct alias *a, const char *modalias)
{
	return strncmp(a->pattern, modalias, a->prefix) == 0 &&
	       fnmatch(a->pattern, modalias, 0) == 0;
}

/* Loads each module with a matching alias once; returns how many matched. */
static int load_matching(struct kmod *km, const char *modalias, int *first_err)
{
	size_t *found = NULL, n = 0;
	for (size_t k = 0; k < km->n_aliases; k++) {
		const struct alias *a = &km->aliases[k];
		if (!alias_matches(a, modalias))
			continue;
		size_t j = 0;
		while (j < n && found[j] != a->mod)
			j++;
		if (j == n) {
			found = xrealloc(found, (n + 1) * sizeof(*found));
			found[n++] = a->mod;
		}
	}
	for (size_t j = 0; j < n; j++) {
		int r = load_index(km, found[j]);
		if (r < 0 && *first_err == 0)
			*first_err = r;
	}
	free(found);
	return (int)n;
}

int kmod_load_alias(struct kmod *km, const char *modalias)
{
	const size_t *seen = index_find(&km->seen, modalias);
	if (seen)
		return (int)*seen;
	int err = 0, n = load_matching(km, modalias, &err);
	index_put(&km->seen, modalias, (size_t)n);
	return n;
}

/* ---- loading files ---- */

/* Loads the modules named by the file's .modinfo depends= that the modules
 * directory has; the others may be in the same folder (retried there). */
static void load_file_deps(struct kmod *km, const char *name, int fd)
{
	struct strlist deps = {0};
	modinfo_depends(fd, &deps);
	for (size_t k = 0; k < deps.n; k++) {
		size_t i;
		if (find_module(km, deps.v[k], &i) && load_index(km, i) < 0)
			log_debug("module %s: dependency %s did not load", name, deps.v[k]);
	}
	sl_free(&deps);
}

static int load_file(struct kmod *km, const char *path, bool quiet)
{
	char *name = name_of_path(path);
	if (!name) {
		log_warn("%s is not a kernel module file (the name must end in .ko).", path);
		return -EINVAL;
	}
	size_t i;
	int r = 0;
	bool known = find_module(km, name, &i);
	if (known && (km->mods[i].state == MOD_LOADED || km->mods[i].state == MOD_BUILTIN))
		goto out;
	int fd = open_module(km, AT_FDCWD, name, path);
	if (fd < 0) {
		r = fd;
		goto out;
	}
	if (!is_compressed(path))
		load_file_deps(km, name, fd);
	r = insert_fd(km, name, path, fd, quiet);
	close(fd);
	if (r == 0) {
		if (!known)
			i = add_module(km, xstrdup(name));
		km->mods[i].state = MOD_LOADED;
		km->mods[i].had_options = km->options != NULL;
	}
out:
	free(name);
	return r;
}

int kmod_load_file(struct kmod *km, const char *path)
{
	return load_file(km, path, false);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_module_files(DIR *d, const char *dir, struct strlist *files)
{
	struct dirent *e;
	while ((e = readdir(d))) {
		char *name = name_of_path(e->d_name);
		if (name && e->d_name[0] != '.')
			sl_push_owned(files, xasprintf("%s/%s", dir, e->d_name));
		free(name);
	}
	if (files->n > 1) /* an empty list has no array: qsort(NULL) is undefined */
		qsort(files->v, files->n, sizeof(*files->v), cmp_str);
}

static void warn_file_failed(const char *path, int e)
{
	char *name = name_of_path(path);
	warn_failed(name, path, e);
	free(name);
}

/* One try at every pending file; those missing a symbol stay pending.
 * Returns how many loaded. */
static int folder_pass(struct kmod *km, struct strlist *pending)
{
	int loaded = 0;
	size_t keep = 0;
	for (size_t k = 0; k < pending->n; k++) {
		int r = load_file(km, pending->v[k], true);
		if (r == -ENOENT) {
			pending->v[keep++] = pending->v[k];
			continue;
		}
		if (r == 0)
			loaded++;
		else
			warn_file_failed(pending->v[k], -r);
		free(pending->v[k]);
	}
	pending->n = keep;
	return loaded;
}

int kmod_load_folder(struct kmod *km, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		int e = errno;
		if (e != ENOENT)
			log_warn("Cannot read the modules folder %s: %s.", dir, strerror(e));
		return -e;
	}
	struct strlist pending = {0};
	list_module_files(d, dir, &pending);
	closedir(d);
	int loaded = 0, now;
	while (pending.n && (now = folder_pass(km, &pending)) > 0)
		loaded += now;
	for (size_t k = 0; k < pending.n; k++)
		warn_file_failed(pending.v[k], ENOENT);
	sl_free(&pending);
	return loaded;
}

/* ---- coldplug ---- */

static void coldplug_modalias(struct kmod *km, int dirfd, int *count)
{
	char *text;
	if (read_file_at(dirfd, "modalias", 4096, &text, NULL) < 0)
		return;
	char *alias = str_trim(text);
	if (*alias) {
		kmod_load_alias(km, alias);
		(*count)++;
	}
	free(text);
}

/* Symbolic links are not followed: sysfs links point back into the tree. */
static void coldplug_dir(struct kmod *km, int dirfd, int depth, int *count)
{
	DIR *d = fdopendir(dirfd);
	if (!d) {
		close(dirfd);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (strcmp(e->d_name, "modalias") == 0 && e->d_type != DT_DIR) {
			coldplug_modalias(km, dirfd, count);
			continue;
		}
		if ((e->d_type != DT_DIR && e->d_type != DT_UNKNOWN) || depth >= SYSFS_DEPTH_MAX)
			continue;
		/* Every device has a "power" attribute folder, so no child device
		 * can have that name: skipping them halves the walk. */
		if (strcmp(e->d_name, "power") == 0)
			continue;
		int sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub >= 0)
			coldplug_dir(km, sub, depth + 1, count);
	}
	closedir(d);
}

int kmod_coldplug(struct kmod *km, const char *devices)
{
	int count = 0;
	int fd = open(devices, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		log_warn("Cannot read %s to find the devices present: %s.", devices, strerror(errno));
		return 0;
	}
	coldplug_dir(km, fd, 0, &count);
	return count;
}

/* ---- modprobe ---- */

int kmod_modprobe(struct kmod *km, int argc, char **argv)
{
	bool quiet = false;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (argv[i][1] != '-' && strchr(argv[i], 'q'))
			quiet = true;
	}
	int status = i < argc ? 0 : 1;
	for (; i < argc; i++) {
		int r = kmod_load(km, argv[i]);
		if (r == -ENOENT && !quiet)
			log_warn("modprobe: no module or alias %s in %s.", argv[i], km->dir);
		if (r < 0)
			status = 1;
	}
	return status;
}

/* The kernel started us with no console: its log is the place to tell,
 * at levels its console filter understands. */
static void log_to_kmsg(void)
{
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	static const int kmsg_level[] = {[LOG_DEBUG] = 7, [LOG_INFO] = 6, [LOG_WARN] = 4, [LOG_ERROR] = 3};
	for (size_t i = 0; i < log_count(); i++) {
		enum log_level lvl;
		const char *msg = log_line(i, &lvl);
		char *line = xasprintf("<%d>modprobe: %s\n", kmsg_level[lvl], msg);
		ssize_t r = write(fd, line, strlen(line));
		(void)r;
		free(line);
	}
	close(fd);
}

int kmod_modprobe_main(int argc, char **argv)
{
	struct kmod *km = kmod_open_running();
	int status = kmod_modprobe(km, argc, argv);
	kmod_close(km);
	log_to_kmsg();
	return status;
}
