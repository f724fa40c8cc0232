/* Executing a boot plan: hands its segments to the running kernel with
 * kexec_load (KEXEC_ARCH_DEFAULT: a 64-bit kernel refuses KEXEC_ARCH_386).
 * Nothing else: the caller unmounts and calls reboot(LINUX_REBOOT_CMD_KEXEC). */
#ifndef KL_KEXEC_LOAD_H
#define KL_KEXEC_LOAD_H
#include "boot_plan.h"

/* 0, or -1 with *err: what went wrong, in words the user can act on. */
int kexec_plan_execute(const struct kexec_plan *p, char **err);

/* The sentence for a kexec_load failure with this errno; lockdown_path and
 * disabled_path are normally /sys/kernel/security/lockdown and
 * /proc/sys/kernel/kexec_load_disabled (parameters for tests). */
char *kexec_load_explain(int errnum, const char *lockdown_path, const char *disabled_path);

#endif
