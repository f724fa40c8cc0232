/* kexec-loader's options on the kernel command line (kexec-loader(8), KERNEL COMMAND
 * LINE). Pure. */
#ifndef KL_SETTINGS_H
#define KL_SETTINGS_H
#include <stdbool.h>

struct settings {
	char *root;        /* boot disk, default LABEL=kexecloader */
	char *rootdir;     /* default "/" */
	char *debug_tty;   /* default /dev/tty3 */
	int boot_index;    /* -1: not given */
	char *boot_target; /* NULL: not given */
	bool force_kexec_load; /* kl.kexec_load: test the kexec_load path */
};

/* Parses a command line ("a b=c d=\"e f\""); unknown words are ignored. */
void settings_parse(struct settings *s, const char *cmdline);
void settings_free(struct settings *s);
/* The value of word `key=` in a command line, owned by the caller, or NULL. */
char *cmdline_get(const char *cmdline, const char *key);

#endif
