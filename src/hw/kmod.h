/* Kernel module loading (kexec-loader(8), DESCRIPTION and FILES): modules of a modules directory
 * (the initramfs's /lib/modules/$(uname -r), with the files depmod writes)
 * loaded by name, by device modalias, or by file (the boot disk's modules/
 * folder), with their dependencies, softdeps and `kmod` options.
 *
 * Nothing here stops start-up: a module that fails is reported with
 * log_warn and loading goes on. Every module is loaded at most once per
 * struct kmod; module names compare with '-' and '_' equal.
 *
 * At start, as PID 1:
 *	struct kmod *km = kmod_open_running();
 *	kmod_set_options(km, options_from_config, cfg);  (may come later, too)
 *	int ufd = uevent_open();                         (uevent.h)
 *	kmod_coldplug(km, "/sys/devices");
 *	then in the poll loop, on ufd readable:
 *	    while (uevent_receive(ufd, &ev) == 1) uevent_load_modules(km, &ev);
 *	    (-ENOBUFS: events were lost; kmod_coldplug again)
 *	after mounting the boot disk: kmod_load_folder(km, "/boot-mount/modules");
 * As /sbin/modprobe (argv[0] ends in "modprobe"): return kmod_modprobe_main(argc, argv).
 * Options set after coldplug still reach the modules it loaded (through
 * sysfs, where the kernel lets a parameter change). */
#ifndef KL_KMOD_H
#define KL_KMOD_H
#include <stdbool.h>

struct kmod;

/* The parameters for a module (the `kmod` directive), or NULL for none.
 * `module` is the module's name with '_' for '-'; kmod_name_eq compares. */
typedef const char *(*kmod_options_fn)(const char *module, void *ctx);

/* Reads modules.dep, modules.alias, modules.softdep and modules.builtin of
 * dir. Missing files make empty tables (a kernel with everything built in
 * needs none), so this never fails. Only aliases of modules whose file
 * exists in dir are kept. */
struct kmod *kmod_open(const char *dir);
/* kmod_open("/lib/modules/$(uname -r)"). */
struct kmod *kmod_open_running(void);
void kmod_close(struct kmod *km);

/* Options are passed when a module is loaded. A module loaded (or built
 * in, or loaded by someone else) before its options were known gets them
 * written to its sysfs parameters where the kernel allows, else a warning.
 * Either way each parameter is then logged as the kernel reports it. */
void kmod_set_options(struct kmod *km, kmod_options_fn options, void *ctx);
/* The kernel command line whose MODULE.PARAM=VALUE words modules get, after
 * kexec-loader's defaults and before the options (modparams.h);
 * kmod_open_running reads /proc/cmdline, kmod_open starts with none. */
void kmod_set_cmdline(struct kmod *km, const char *cmdline);
/* Where sysfs is ("/sys" unless tests say otherwise): after a module with
 * options loads, each parameter is logged with the value the kernel
 * reports in SYSFS/module/NAME/parameters/PARAM. */
void kmod_set_sysfs(struct kmod *km, const char *sysfs);

/* Loads a module by name, or else every module with a matching alias
 * ("fs-ext4", "crypto-crc32c"), each after its dependencies and softdep
 * "pre" modules and before its "post" ones. A built-in or already loaded
 * module counts as loaded. 0, -ENOENT when nothing has that name or alias,
 * or the -errno of the first failure (already logged). */
int kmod_load(struct kmod *km, const char *name);

/* Loads every module whose alias pattern matches a device's modalias
 * ("pci:v00001AF4d00001001sv…"). Returns how many modules matched
 * (loaded now, earlier, or failed). A modalias seen before is not matched
 * again. */
int kmod_load_alias(struct kmod *km, const char *modalias);

/* Loads a module file (.ko, or .ko.xz/.ko.zst/.ko.gz for kernels that
 * decompress). Its name comes from the file name. Modules it depends on
 * (the depends= of its .modinfo) are loaded first from the modules
 * directory when they are there. 0 or -errno (already logged). */
int kmod_load_file(struct kmod *km, const char *path);

/* Loads every module file of a folder (the boot disk's modules/). Their
 * order is unknown, so those missing a symbol are retried while others
 * still load. Returns how many loaded, or -errno when the folder cannot be
 * read (-ENOENT: no such folder, which is not logged). */
int kmod_load_folder(struct kmod *km, const char *dir);

/* Walks a sysfs devices tree ("/sys/devices") and loads the modules for
 * every `modalias` file in it, several at once (threads; each module after
 * its dependencies), then walks again for the devices those drivers added,
 * up to four walks in all. Open the uevent socket (uevent.h) first: devices
 * that appear later still arrive as events. Returns how many modalias files
 * the last walk read. */
int kmod_coldplug(struct kmod *km, const char *devices);

/* Whether a module is loaded (or built in) as far as this struct knows. */
bool kmod_is_loaded(struct kmod *km, const char *name);
/* Module names compare with '-' and '_' equal. */
bool kmod_name_eq(const char *a, const char *b);

/* /sbin/modprobe, as the kernel runs it: `modprobe -q -- NAME_OR_ALIAS`.
 * Loads each name from /lib/modules/$(uname -r). Exit status 0 when every
 * name is loaded (or built in, or was already), 1 otherwise. What it logs
 * goes to the kernel log (/dev/kmsg) with matching levels. */
int kmod_modprobe_main(int argc, char **argv);
/* The same with the modules of km (for tests). */
int kmod_modprobe(struct kmod *km, int argc, char **argv);

/* The system call, a seam for tests: finit_module(2). 0 or -1 with errno. */
extern int (*kmod_finit_module)(int fd, const char *params, int flags);

#endif
