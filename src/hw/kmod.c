/* Loading kernel modules: by name with their dependencies and softdeps, by
 * device modalias, by file, a folder of them, coldplug, and modprobe. What
 * the modules directory holds is read by depmod.c. */
#include "kmod.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "depmod.h"
#include "errtext.h"
#include "modinfo.h"
#include "modparams.h"
#include "log.h"
#include "util.h"

#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE 4
#endif

/* Far deeper than any real /sys/devices; bounds the fds a walk holds. */
#define SYSFS_DEPTH_MAX 64
/* Coldplug loads this many modules at once: a driver's init probes its
 * devices (an NVMe controller coming ready, AHCI links resetting), and most
 * of that is waiting, which other drivers can use. */
#define COLDPLUG_THREADS 8

static int sys_finit_module(int fd, const char *params, int flags)
{
	return (int)syscall(SYS_finit_module, fd, params, flags);
}

int (*kmod_finit_module)(int fd, const char *params, int flags) = sys_finit_module;

struct kmod {
	struct depmod db; /* what the modules directory holds */
	char *sysfs;
	char *cmdline; /* the kernel command line: MODULE.PARAM=VALUE words */
	struct index seen; /* modaliases matched already -> how many modules */
	kmod_options_fn options;
	void *options_ctx;
	/* Parallel coldplug: every thread holds `lock` except inside finit_module,
	 * so the tables, the options callback and the log see one thread at a time. */
	bool parallel;
	pthread_mutex_t lock;
	pthread_cond_t done; /* a module left MOD_LOADING */
	struct strlist queue; /* modaliases waiting for a coldplug thread */
	size_t next, end; /* the entries the threads take now */
	bool needs_only; /* the first round: only what the modules need */
};

static __thread int thread_no; /* 0: the main thread; coldplug threads count from 1 */

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


struct kmod *kmod_open(const char *dir)
{
	struct kmod *km = xcalloc(1, sizeof(*km));
	depmod_read(&km->db, dir);
	km->sysfs = xstrdup("/sys");
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
	km->cmdline = read_line_file("/proc/cmdline");
	return km;
}

void kmod_close(struct kmod *km)
{
	if (!km)
		return;
	depmod_free(&km->db);
	index_free(&km->seen);
	free(km->sysfs);
	free(km->cmdline);
	free(km);
}

static void apply_params(struct kmod *km, const char *module, const char *params, bool write);

/* Modules loaded (or built in) before the options were known get them
 * through sysfs where the kernel allows. */
void kmod_set_options(struct kmod *km, kmod_options_fn options, void *ctx)
{
	km->options = options;
	km->options_ctx = ctx;
	for (size_t i = 0; options && i < km->db.n_mods; i++) {
		struct module *m = &km->db.mods[i];
		if ((m->state != MOD_LOADED && m->state != MOD_BUILTIN) || m->had_options)
			continue;
		m->had_options = true;
		const char *params = options(m->name, ctx);
		if (params && *params)
			apply_params(km, m->name, params, true);
	}
}

void kmod_set_cmdline(struct kmod *km, const char *cmdline)
{
	free(km->cmdline);
	km->cmdline = cmdline ? xstrdup(cmdline) : NULL;
}

void kmod_set_sysfs(struct kmod *km, const char *sysfs)
{
	free(km->sysfs);
	km->sysfs = xstrdup(sysfs);
}

bool kmod_is_loaded(struct kmod *km, const char *name)
{
	size_t i;
	return depmod_find(&km->db, name, &i) &&
	       (km->db.mods[i].state == MOD_LOADED || km->db.mods[i].state == MOD_BUILTIN);
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
		return errtext(e);
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
			 param, value, module, file, errtext(e));
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
	/* a copy: other threads may call the options callback while this one loads */
	char *params = modparams_join(km->cmdline, name,
				      km->options ? km->options(name, km->options_ctx) : NULL);
	int flags = module_is_compressed(path) ? MODULE_INIT_COMPRESSED_FILE : 0;
	if (km->parallel)
		pthread_mutex_unlock(&km->lock);
	int rc = kmod_finit_module(fd, params, flags), e = errno;
	if (km->parallel)
		pthread_mutex_lock(&km->lock);
	int r = 0;
	if (rc < 0 && e == EEXIST) {
		log_debug("module %s was loaded already", name);
		if (*params)
			apply_params(km, name, params, true);
	} else if (rc < 0) {
		if (!quiet)
			warn_failed(name, path, e);
		r = -e;
	} else {
		log_info("loaded module %s", name);
		if (*params)
			apply_params(km, name, params, false);
	}
	free(params);
	return r;
}

static int open_module(struct kmod *km, int dirfd, const char *name, const char *path)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		log_warn("Kernel module %s could not be loaded: cannot open %s%s%s: %s.", name,
			 dirfd == AT_FDCWD ? "" : km->db.dir, dirfd == AT_FDCWD ? "" : "/", path,
			 errtext(e));
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
	if (depmod_find(&km->db, name, &i) && (km->db.mods[i].path || km->db.mods[i].state == MOD_BUILTIN))
		return load_index(km, i);
	int err = 0;
	if (load_matching(km, name, &err) == 0)
		return -ENOENT;
	return err;
}

/* Softdeps are wishes: a missing one is not an error. */
static void load_softdeps(struct kmod *km, size_t i, bool pre)
{
	const struct strlist *l = pre ? &km->db.mods[i].pre : &km->db.mods[i].post;
	for (size_t k = 0; k < l->n; k++)
		if (load_name(km, l->v[k]) == -ENOENT)
			log_debug("module %s: soft dependency %s not found", km->db.mods[i].name, l->v[k]);
}

static int load_deps(struct kmod *km, size_t i)
{
	for (size_t k = 0; k < km->db.mods[i].n_deps; k++) {
		size_t d = km->db.mods[i].deps[k];
		int r = load_index(km, d);
		if (r < 0) {
			log_warn("Kernel module %s was not loaded because module %s, which it needs, "
				 "could not be loaded%s.", km->db.mods[i].name, km->db.mods[d].name,
				 r == -ENOENT && !km->db.mods[d].path ? " (it is not in the modules directory)" : "");
			return r;
		}
	}
	return 0;
}

static int insert_index(struct kmod *km, size_t i)
{
	int fd = open_module(km, km->db.dirfd, km->db.mods[i].name, km->db.mods[i].path);
	if (fd < 0)
		return fd;
	int r = insert_fd(km, km->db.mods[i].name, km->db.mods[i].path, fd, false);
	close(fd);
	return r;
}

static int load_index(struct kmod *km, size_t i)
{
	switch (km->db.mods[i].state) {
	case MOD_LOADING:
		if (!km->parallel || km->db.mods[i].loader == thread_no)
			return 0; /* a softdep cycle */
		/* another coldplug thread loads it: wait for the outcome */
		while (km->db.mods[i].state == MOD_LOADING)
			pthread_cond_wait(&km->done, &km->lock);
		return load_index(km, i);
	case MOD_LOADED:
	case MOD_BUILTIN:
		return 0;
	case MOD_FAILED:
		return -km->db.mods[i].err;
	case MOD_NEW:
		break;
	}
	if (!km->db.mods[i].path)
		return -ENOENT;
	km->db.mods[i].state = MOD_LOADING;
	km->db.mods[i].loader = thread_no;
	load_softdeps(km, i, true);
	int r = load_deps(km, i);
	if (r == 0)
		r = insert_index(km, i);
	km->db.mods[i].state = r == 0 ? MOD_LOADED : MOD_FAILED;
	km->db.mods[i].err = -r;
	if (km->parallel)
		pthread_cond_broadcast(&km->done);
	km->db.mods[i].had_options = km->options != NULL;
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

/* The modules with an alias matching, each once (caller frees). */
static size_t *matching(struct kmod *km, const char *modalias, size_t *count)
{
	size_t *found = NULL, n = 0;
	for (size_t k = 0; k < km->db.n_aliases; k++) {
		const struct alias *a = &km->db.aliases[k];
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
	*count = n;
	return found;
}

/* Loads each module with a matching alias once; returns how many matched. */
static int load_matching(struct kmod *km, const char *modalias, int *first_err)
{
	size_t n, *found = matching(km, modalias, &n);
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

/* What the modules for a device need before them (their "pre" soft
 * dependencies and dependencies), not the modules. A failure is told when
 * the module itself is loaded. */
static void load_alias_needs(struct kmod *km, const char *modalias)
{
	if (index_find(&km->seen, modalias))
		return;
	size_t n, *found = matching(km, modalias, &n);
	for (size_t j = 0; j < n; j++) {
		size_t i = found[j];
		if (km->db.mods[i].state != MOD_NEW || !km->db.mods[i].path)
			continue;
		load_softdeps(km, i, true);
		for (size_t k = 0; k < km->db.mods[i].n_deps; k++)
			load_index(km, km->db.mods[i].deps[k]);
	}
	free(found);
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
		if (depmod_find(&km->db, deps.v[k], &i) && load_index(km, i) < 0)
			log_debug("module %s: dependency %s did not load", name, deps.v[k]);
	}
	sl_free(&deps);
}

static int load_file(struct kmod *km, const char *path, bool quiet)
{
	char *name = module_name_of_path(path);
	if (!name) {
		log_warn("%s is not a kernel module file (the name must end in .ko).", path);
		return -EINVAL;
	}
	size_t i;
	int r = 0;
	bool known = depmod_find(&km->db, name, &i);
	if (known && (km->db.mods[i].state == MOD_LOADED || km->db.mods[i].state == MOD_BUILTIN))
		goto out;
	int fd = open_module(km, AT_FDCWD, name, path);
	if (fd < 0) {
		r = fd;
		goto out;
	}
	if (!module_is_compressed(path))
		load_file_deps(km, name, fd);
	r = insert_fd(km, name, path, fd, quiet);
	close(fd);
	if (r == 0) {
		if (!known)
			i = depmod_add(&km->db, xstrdup(name));
		km->db.mods[i].state = MOD_LOADED;
		km->db.mods[i].had_options = km->options != NULL;
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
		char *name = module_name_of_path(e->d_name);
		if (name && e->d_name[0] != '.')
			sl_push_owned(files, xasprintf("%s/%s", dir, e->d_name));
		free(name);
	}
	if (files->n > 1) /* an empty list has no array: qsort(NULL) is undefined */
		qsort(files->v, files->n, sizeof(*files->v), cmp_str);
}

static void warn_file_failed(const char *path, int e)
{
	char *name = module_name_of_path(path);
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
			log_warn("Cannot read the modules folder %s: %s.", dir, errtext(e));
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
		sl_push(&km->queue, alias);
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

struct worker {
	struct kmod *km;
	int no;
};

static void *coldplug_worker(void *arg)
{
	struct worker *w = arg;
	struct kmod *km = w->km;
	thread_no = w->no;
	pthread_mutex_lock(&km->lock);
	while (km->next < km->end) {
		const char *alias = km->queue.v[km->next++];
		if (km->needs_only)
			load_alias_needs(km, alias);
		else
			kmod_load_alias(km, alias);
	}
	pthread_mutex_unlock(&km->lock);
	return NULL;
}

/* Runs the coldplug threads over queue entries [from, to); returns how many
 * started (the entries no thread took are at km->next). */
static size_t run_workers(struct kmod *km, size_t from, size_t to)
{
	pthread_t t[COLDPLUG_THREADS];
	struct worker w[COLDPLUG_THREADS];
	size_t n = 0;
	km->next = from;
	km->end = to;
	pthread_mutex_lock(&km->lock);
	for (; n < COLDPLUG_THREADS && n < to - from; n++) {
		w[n] = (struct worker){km, (int)n + 1};
		if (pthread_create(&t[n], NULL, coldplug_worker, &w[n]) != 0)
			break;
	}
	pthread_mutex_unlock(&km->lock);
	for (size_t i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	return n;
}

/* Which modules coldplug starts first. One processor can only share its time
 * among the drivers loading, but much of what some drivers start is waiting:
 * a USB host controller's hubs find their devices one port after another,
 * each after a debounce time and a reset (about 0.15 s a device), and a
 * storage controller resets its links or waits for its controller to come
 * ready. Started first, those waits overlap the loading of the others. */
static int coldplug_rank(const char *modalias)
{
	if (!str_starts(modalias, "pci:"))
		return 2;
	/* the class, "bcXXscYY", is the only lower-case "bc" in a PCI modalias */
	const char *bc = strstr(modalias, "bc");
	if (!bc)
		return 2;
	if (str_starts(bc, "bc0Csc03"))
		return 0; /* USB host controller */
	if (str_starts(bc, "bc01"))
		return 1; /* mass storage controller */
	return 2;
}

/* Sorts the queue by rank; returns how many entries have rank 0. */
static size_t rank_queue(struct strlist *q)
{
	struct strlist sorted = {0};
	size_t first = 0;
	for (int rank = 0; rank <= 2; rank++) {
		for (size_t i = 0; i < q->n; i++)
			if (coldplug_rank(q->v[i]) == rank)
				sl_push(&sorted, q->v[i]);
		if (rank == 0)
			first = sorted.n;
	}
	sl_free(q);
	*q = sorted;
	return first;
}

/* The devices' modaliases are read first; then threads load their modules,
 * each module once, after its dependencies (a thread that needs a module
 * another is loading waits for it). Without threads, one after another.
 *
 * What the modules need is loaded before any of them: the kernel finishes
 * every driver's pending background work (an NVMe controller coming ready,
 * SATA links resetting, disks being probed) before a module load returns,
 * so a library loaded after some drivers started would wait for their
 * devices, and the drivers that need it (xHCI after usbcore) with it. Then
 * the USB host controllers' drivers, alone: with the processor to
 * themselves they start their hubs at once, and the hubs find their devices
 * while the other drivers load. */
static void load_queue(struct kmod *km)
{
	size_t usb = rank_queue(&km->queue), n = km->queue.n;
	pthread_mutex_init(&km->lock, NULL);
	pthread_cond_init(&km->done, NULL);
	km->parallel = true;
	km->needs_only = true;
	run_workers(km, 0, n);
	km->needs_only = false;
	run_workers(km, 0, usb);
	if (km->next == usb)
		run_workers(km, usb, n);
	km->parallel = false;
	pthread_cond_destroy(&km->done);
	pthread_mutex_destroy(&km->lock);
	while (km->next < n) /* no thread could start */
		kmod_load_alias(km, km->queue.v[km->next++]);
	sl_free(&km->queue);
}

int kmod_coldplug(struct kmod *km, const char *devices)
{
	/* Drivers loaded add devices of their own (a virtio disk under its PCI
	 * function, the SCSI devices of a controller): look again for those, a
	 * few times at most, rather than wait for their events. */
	int count = 0;
	for (int pass = 0, before = -1; pass < 4 && count != before; pass++) {
		int fd = open(devices, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			log_warn("Cannot read %s to find the devices present: %s.", devices,
				 errtext(errno));
			break;
		}
		before = count;
		count = 0;
		coldplug_dir(km, fd, 0, &count);
		load_queue(km);
	}
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
			log_warn("modprobe: no module or alias %s in %s.", argv[i], km->db.dir);
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
