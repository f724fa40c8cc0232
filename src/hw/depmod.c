/* The modules directory as depmod describes it: modules.dep (each module's
 * file and dependencies), modules.builtin, modules.softdep and modules.alias,
 * read into one table of modules with an index by name. Loading them is
 * kmod.c's. */
#include "depmod.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "errtext.h"
#include "log.h"

/* depmod's text files of a full Debian kernel are a few MB at most. */
#define DEPMOD_FILE_MAX (64u << 20)

/* ---- names ---- */

static char *module_name_fold(const char *s, size_t n)
{
	char *p = xstrndup(s, n);
	for (char *c = p; *c; c++)
		if (*c == '-')
			*c = '_';
	return p;
}

bool module_is_compressed(const char *path)
{
	return str_ends(path, ".ko.xz") || str_ends(path, ".ko.zst") || str_ends(path, ".ko.gz");
}

/* "kernel/fs/ext4/ext4.ko" -> "ext4"; NULL when not a module file name. */
char *module_name_of_path(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *ko = strstr(base, ".ko");
	if (!ko || ko == base || (ko[3] && !module_is_compressed(base)))
		return NULL;
	return module_name_fold(base, (size_t)(ko - base));
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

size_t *index_find(const struct index *ix, const char *key)
{
	if (!ix->cap)
		return NULL;
	size_t i = index_slot(ix, key);
	return ix->keys[i] ? &ix->vals[i] : NULL;
}

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

void index_put(struct index *ix, const char *key, size_t val)
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

void index_free(struct index *ix)
{
	for (size_t i = 0; i < ix->cap; i++)
		free(ix->keys[i]);
	free(ix->keys);
	free(ix->vals);
	memset(ix, 0, sizeof(*ix));
}

/* ---- the module table ---- */

bool depmod_find(const struct depmod *km, const char *name, size_t *idx)
{
	char *key = module_name_fold(name, strlen(name));
	const size_t *v = index_find(&km->by_name, key);
	free(key);
	if (v)
		*idx = *v;
	return v != NULL;
}

/* Takes ownership of the folded name. */
size_t depmod_add(struct depmod *km, char *name)
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

/* depmod_find, or else depmod_add. */
static size_t depmod_named(struct depmod *km, const char *name)
{
	size_t i;
	if (!depmod_find(km, name, &i))
		i = depmod_add(km, module_name_fold(name, strlen(name)));
	return i;
}

/* The module a modules.dep path names; SIZE_MAX for a path that is not a module. */
static size_t module_at_path(struct depmod *km, const char *path)
{
	char *name = module_name_of_path(path);
	if (!name)
		return SIZE_MAX;
	const size_t *v = index_find(&km->by_name, name);
	size_t i = v ? *v : depmod_add(km, name);
	if (v)
		free(name);
	if (!km->mods[i].path)
		km->mods[i].path = xstrdup(path);
	return i;
}

/* Whether the module's file is in the directory (looked at once). */
static bool depmod_file_exists(struct depmod *km, size_t i)
{
	struct module *m = &km->mods[i];
	if (m->exists < 0)
		m->exists = m->path && faccessat(km->dirfd, m->path, F_OK, 0) == 0;
	return m->exists;
}

/* ---- reading depmod's files ---- */

/* One read of the file's size: modules.alias of a full kernel is over a
 * megabyte, and growing a buffer piecewise showed in start-up time. */
static char *read_depmod_file(struct depmod *km, const char *file)
{
	int fd = km->dirfd < 0 ? -1 : openat(km->dirfd, file, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size > DEPMOD_FILE_MAX) {
		log_debug("no %s/%s: %s", km->dir, file, fd < 0 ? errtext(errno) : "unreadable or too large");
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
static void read_dep(struct depmod *km)
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

static void read_builtin(struct depmod *km)
{
	char *text = read_depmod_file(km, "modules.builtin"), *rest = text, *line;
	if (!text)
		return;
	while ((line = next_line(&rest))) {
		char *name = module_name_of_path(str_trim(line));
		if (!name)
			continue;
		const size_t *v = index_find(&km->by_name, name);
		size_t i = v ? *v : depmod_add(km, name);
		if (v)
			free(name);
		km->mods[i].state = MOD_BUILTIN;
	}
	free(text);
}

/* "softdep ext4 pre: crypto-crc32c post: x" (several lines may name one module) */
static void read_softdep(struct depmod *km)
{
	char *text = read_depmod_file(km, "modules.softdep"), *rest = text, *line;
	if (!text)
		return;
	while ((line = next_line(&rest))) {
		char *word = next_word(&line);
		if (!word || strcmp(word, "softdep") != 0 || !(word = next_word(&line)))
			continue;
		size_t i = depmod_named(km, word);
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

static void add_alias(struct depmod *km, const char *pattern, size_t mod)
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
static void read_alias(struct depmod *km)
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
			keep = depmod_find(km, name, &i) && km->mods[i].state != MOD_BUILTIN &&
			       depmod_file_exists(km, i);
		}
		if (keep)
			add_alias(km, pattern, i);
	}
}

void depmod_read(struct depmod *km, const char *dir)
{
	memset(km, 0, sizeof(*km));
	km->dir = xstrdup(dir);
	km->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (km->dirfd < 0)
		log_debug("no modules directory %s: %s", dir, errtext(errno));
	read_dep(km);
	read_builtin(km);
	read_softdep(km);
	read_alias(km);
	log_debug("modules in %s: %zu known, %zu aliases kept", dir, km->n_mods, km->n_aliases);
}

void depmod_free(struct depmod *km)
{
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
	free(km->aliases);
	free(km->alias_text);
	if (km->dirfd >= 0)
		close(km->dirfd);
	free(km->dir);
}
