/* kexec-loader.conf (docs/kexec-loader.conf.5): text in, settings, targets and
 * "FILE:LINE: message" diagnostics out. Pure. */
#ifndef KL_CONF_H
#define KL_CONF_H
#include <stddef.h>
#include "target.h"

struct grub_map_entry {
	char *grub;   /* "hd0", "hd0,1", "hd0,msdos2", "hd1,gpt3", "hd0,a" */
	char *device; /* kexec-loader.conf(5), Devices and paths */
};

struct kmod_option {
	char *module;
	char *args;
};

struct config {
	char *grub_path;     /* "(DEVICE)/boot/grub" or NULL */
	int grub_autodetect; /* -1 unset, 0 off, 1 on */
	int netboot;         /* -1 unset (on when no disk offers a target), 0 off, 1 on */
	struct strlist net_ifaces; /* netboot-interface: names or MACs; empty: every card */
	struct grub_map_entry *grub_maps;
	size_t ngrub_maps;
	struct kmod_option *kmods;
	size_t nkmods;
	char *password;      /* grub.pbkdf2.sha512.… hash or NULL */
	struct target_list targets; /* with timeout and default */
	bool timeout_set;    /* a timeout line was read: its value ("off" too) wins */
};

void config_init(struct config *c);
void config_free(struct config *c);
/* Parses text (need not be NUL-terminated) read from file `name` found on device
 * `device` (used in each target's origin). Appends to c and d. */
void conf_parse(struct config *c, struct diag_list *d, const char *text, size_t len,
		const char *name, const char *device);
/* The kmod arguments for a module ("" when none); '-' and '_' are the same. */
const char *config_kmod_args(const struct config *c, const char *module);
/* Whether GRUB autodetection should run for this configuration. */
int config_grub_autodetect(const struct config *c);

#endif
