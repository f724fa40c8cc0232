/* Booting a target: open its files through the device layer, find what kind
 * of kernel it is from its headers, load it the way it needs (kexec_file_load
 * for 64-bit Linux, our own plan and kexec_load for Multiboot 1 and 2 and the
 * 32-bit Linux protocol), unmount everything and jump. */
#ifndef KL_BOOT_H
#define KL_BOOT_H
#include <stdbool.h>
#include <stdio.h>
#include "target.h"

/* How the boot engine loads; {0} (or NULL) for the defaults. */
struct boot_opts {
	/* Forces the kexec_load path for Linux kernels (kl.kexec_load on the
	 * kernel command line, --kexec-load in host mode), so that it is tested. */
	bool force_kexec_load;
	/* Bytes the files of one load may take, read and unpacked; 0: the memory
	 * the machine has available now, less KL_LOAD_RESERVE. */
	size_t memory_limit;
	/* Host mode: prints to it the plan kexec_load would get, or the
	 * kexec_file_load call for a 64-bit Linux kernel, instead of loading. */
	FILE *print_plan;
};

/* Loads the target (or prints its plan). Returns 0 when it is loaded and
 * ready to execute, else -1 with *err a sentence for the user (naming the
 * file and the device). */
int boot_load(const struct target *t, const struct boot_opts *o, char **err);
/* Unmounts every filesystem and starts the loaded kernel. Returns only on
 * failure, with *err set. */
void boot_execute(char **err);

#endif
