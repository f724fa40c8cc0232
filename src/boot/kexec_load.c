#include "kexec_load.h"

#include <errno.h>
#include <linux/kexec.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "errtext.h"
#include "util.h"

static bool file_says(const char *path, const char *what)
{
	char *s = read_line_file(path);
	bool yes = s && strstr(s, what);
	free(s);
	return yes;
}

char *kexec_load_explain(int errnum, const char *lockdown_path, const char *disabled_path)
{
	if (errnum == EPERM && (file_says(lockdown_path, "[integrity]") ||
				file_says(lockdown_path, "[confidentiality]")))
		return xstrdup("the running kernel is locked down (Secure Boot), and a locked-down "
			       "kernel refuses kexec_load, the only way to start Multiboot kernels "
			       "and 32-bit Linux images. Boot a signed 64-bit Linux kernel instead, "
			       "or turn Secure Boot off in the firmware settings to start this one");
	if (errnum == EPERM && file_says(disabled_path, "1"))
		return xasprintf("kexec_load is switched off on this system (%s is 1; it cannot be "
				 "switched back on without a reboot)", disabled_path);
	if (errnum == EPERM)
		return xstrdup("kexec_load was refused: kexec-loader needs to run as root "
			       "(CAP_SYS_BOOT)");
	if (errnum == ENOSYS)
		return xstrdup("the running kernel was built without kexec_load (CONFIG_KEXEC), "
			       "so it cannot start Multiboot or 32-bit kernels");
	if (errnum == ENOMEM)
		return xstrdup("the running kernel has not enough free memory to hold the new "
			       "kernel and its modules");
	if (errnum == EBUSY)
		return xstrdup("another kexec is in progress; try again");
	return xasprintf("kexec_load failed: %s", errtext(errnum));
}

int kexec_plan_execute(const struct kexec_plan *p, char **err)
{
	struct kexec_segment seg[PLAN_MAX_SEGS];
	for (size_t i = 0; i < p->nseg; i++) {
		seg[i].buf = p->seg[i].buf;
		seg[i].bufsz = p->seg[i].bufsz;
		seg[i].mem = (const void *)(uintptr_t)p->seg[i].mem;
		seg[i].memsz = p->seg[i].memsz;
	}
	if (syscall(SYS_kexec_load, (unsigned long)p->entry, (unsigned long)p->nseg, seg,
		    (unsigned long)KEXEC_ARCH_DEFAULT) == 0)
		return 0;
	*err = kexec_load_explain(errno, "/sys/kernel/security/lockdown",
				  "/proc/sys/kernel/kexec_load_disabled");
	return -1;
}
