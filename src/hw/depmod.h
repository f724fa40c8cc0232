/* The modules directory as depmod describes it (modules.dep, .builtin,
 * .softdep, .alias): a table of modules, each with its file, dependencies,
 * softdeps and the state of its loading (which kmod.c keeps), and the alias
 * patterns of the modules that are there. Module names are kept with '-'
 * folded to '_'. */
#ifndef KL_DEPMOD_H
#define KL_DEPMOD_H
#include <stdbool.h>
#include <stddef.h>
#include "util.h"

enum mod_state { MOD_NEW, MOD_LOADING, MOD_LOADED, MOD_FAILED, MOD_BUILTIN };

struct module {
	char *name;   /* '-' folded to '_' */
	char *path;   /* relative to the modules directory; NULL when only named */
	size_t *deps; /* indices into depmod.mods, from modules.dep */
	size_t n_deps;
	struct strlist pre, post; /* softdep names or aliases */
	enum mod_state state;
	int err;            /* errno of a failure */
	bool had_options;   /* loaded when the options were known */
	signed char exists; /* whether the file is there; -1 before looking */
	int loader;         /* MOD_LOADING: which coldplug thread loads it */
};

struct alias {
	const char *pattern; /* points into depmod.alias_text */
	size_t prefix;       /* characters before the first wildcard */
	size_t mod;
};

/* Strings to numbers, open addressing; keys owned. */
struct index {
	char **keys;
	size_t *vals;
	size_t cap, n;
};
size_t *index_find(const struct index *ix, const char *key);
void index_put(struct index *ix, const char *key, size_t val);
void index_free(struct index *ix);

struct depmod {
	char *dir;
	int dirfd;
	struct module *mods;
	size_t n_mods, cap_mods;
	struct index by_name;
	struct alias *aliases;
	size_t n_aliases, cap_aliases;
	char *alias_text;
};

/* Reads the files of dir; missing ones make empty tables (a kernel with
 * everything built in needs none). Only aliases of modules whose file
 * exists are kept. */
void depmod_read(struct depmod *db, const char *dir);
void depmod_free(struct depmod *db);
/* The module of that name (either spelling of '-' and '_'); false when unknown. */
bool depmod_find(const struct depmod *db, const char *name, size_t *idx);
/* Adds a module known only by name; takes the folded name. */
size_t depmod_add(struct depmod *db, char *name);

bool module_is_compressed(const char *path);
/* "kernel/fs/ext4/ext4.ko" -> "ext4"; NULL when not a module file name. */
char *module_name_of_path(const char *path);

#endif
