/* The parameters a kernel module is loaded with before kexec-loader.conf's
 * kmod lines: kexec-loader's own defaults, then the kernel command line's
 * MODULE.PARAM=VALUE words (as modprobe reads them). The kernel applies a
 * module's parameters in order and the last value of each counts, so the
 * command line overrides a default, and a kmod line (put after these) both. */
#ifndef KL_MODPARAMS_H
#define KL_MODPARAMS_H

/* kexec-loader's defaults for a module ("" for none). */
const char *modparams_default(const char *module);

/* The words of a kernel command line that set a module's parameters
 * ("usb-storage.delay_use=2", "loop.max_part=8", a bare "mod.flag"), as
 * "delay_use=2 ..." in their order, quoted where the value has spaces;
 * "" when none. Module names compare with '-' and '_' equal. Caller frees. */
char *modparams_cmdline(const char *cmdline, const char *module);

/* modparams_default, then modparams_cmdline, then `extra` (may be NULL),
 * separated by spaces; "" when all are empty. Caller frees. */
char *modparams_join(const char *cmdline, const char *module, const char *extra);

#endif
