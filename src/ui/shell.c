#include "shell.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <unistd.h>
#include "devpath.h"
#include "disk.h"
#include "log.h"
#include "pager.h"
#include "shell_int.h"

struct shell_state SH;

bool shell_interrupted(struct term *t)
{
	int k;
	while ((k = term_key(t, 0, -1)) != KEY_TIMEOUT && k != KEY_EVENT)
		if (k == 3)
			return true;
	return false;
}

static void say(struct term *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct term *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	char *safe = safe_text(s);
	term_printf(t, "%s\r\n", safe);
	free(safe);
	free(s);
}

static bool need_arg(struct term *t, const char *cmd, const char *arg, const char *what)
{
	if (*arg)
		return true;
	say(t, "%s needs %s, for example: %s", cmd, what,
	    !strcmp(what, "a device") ? "root LABEL=boot" : "kernel /boot/vmlinuz");
	return false;
}

/* "(sda1)" is accepted for a device as well as "sda1". */
static char *device_arg(const char *arg)
{
	size_t n = strlen(arg);
	if (n > 2 && arg[0] == '(' && arg[n - 1] == ')')
		return xstrndup(arg + 1, n - 2);
	return xstrdup(arg);
}

static bool valid_path(struct term *t, const char *arg)
{
	char *dev, *path;
	bool ok = path_split(arg, &dev, &path) == 0 && path[0] == '/';
	struct devspec ds;
	if (ok && dev && devspec_parse(dev, &ds) < 0) {
		say(t, "'%s' is not a device (use a name such as sda1, LABEL=… or UUID=…)", dev);
		ok = false;
	} else if (ok && dev) {
		devspec_free(&ds);
	} else if (!ok) {
		say(t, "'%s' is not a path: write /path on the root device or (DEVICE)/path", arg);
	}
	free(dev);
	free(path);
	return ok;
}

static void cmd_root(struct term *t, const char *arg)
{
	if (!need_arg(t, "root", arg, "a device"))
		return;
	char *dev = device_arg(arg), *err = NULL;
	struct devspec ds;
	if (devspec_parse(dev, &ds) < 0) {
		say(t, "'%s' is not a device (use a name such as sda1, LABEL=… or UUID=…)", arg);
		free(dev);
		return;
	}
	devspec_free(&ds);
	const struct fsinfo *fi = disk_find(dev, &err);
	if (!fi)
		say(t, "Warning: %s", err);
	else
		say(t, "root is %s (%s%s%s)", dev, fi->name, fi->fstype ? ", " : "",
		    fi->fstype ? fi->fstype : "");
	free(err);
	free(SH.tgt.root);
	SH.tgt.root = dev;
}

static void cmd_kernel(struct term *t, const char *arg)
{
	if (!need_arg(t, "kernel", arg, "a path") || !valid_path(t, arg))
		return;
	free(SH.tgt.kernel);
	SH.tgt.kernel = xstrdup(arg);
}

static void cmd_initrd(struct term *t, const char *arg)
{
	if (!need_arg(t, "initrd", arg, "a path") || !valid_path(t, arg))
		return;
	sl_push(&SH.tgt.initrds, arg);
	if (SH.tgt.initrds.n > 1)
		say(t, "%zu initrds: they are loaded one after the other", SH.tgt.initrds.n);
}

static void cmd_cmdline(struct term *t, const char *arg)
{
	free(SH.tgt.cmdline);
	SH.tgt.cmdline = *arg ? xstrdup(arg) : NULL;
}

static void cmd_module(struct term *t, const char *arg)
{
	if (!need_arg(t, "module", arg, "a path"))
		return;
	size_t n = strcspn(arg, " \t");
	char *path = xstrndup(arg, n);
	if (valid_path(t, path))
		target_add_module(&SH.tgt, path, arg + n + strspn(arg + n, " \t"), false);
	free(path);
}

static void cmd_reset_vga(struct term *t, const char *arg)
{
	if (!strcmp(arg, "off"))
		SH.tgt.flags &= ~(unsigned)TF_RESET_VGA;
	else
		SH.tgt.flags |= TF_RESET_VGA;
}

/* The typed target, as the configuration file would say it. */
static void cmd_show(struct term *t, const char *arg)
{
	const struct target *g = &SH.tgt;
	say(t, "root %s", g->root ? g->root : "(not set)");
	say(t, "kernel %s", g->kernel ? g->kernel : "(not set)");
	for (size_t i = 0; i < g->initrds.n; i++)
		say(t, "initrd %s", g->initrds.v[i]);
	if (g->cmdline)
		say(t, "cmdline %s", g->cmdline);
	for (size_t i = 0; i < g->nmodules; i++)
		say(t, "module %s %s", g->modules[i].path, g->modules[i].cmdline);
	if (g->flags & TF_RESET_VGA)
		say(t, "reset-vga");
}

static bool on_root_device(const char *path)
{
	return path[0] != '(';
}

static void cmd_boot(struct term *t, const struct shell_hooks *h)
{
	const struct target *g = &SH.tgt;
	if (!g->kernel) {
		say(t, "Nothing to boot yet: give a kernel first, for example: kernel /boot/vmlinuz");
		return;
	}
	bool need_root = on_root_device(g->kernel);
	for (size_t i = 0; i < g->initrds.n; i++)
		need_root |= on_root_device(g->initrds.v[i]);
	for (size_t i = 0; i < g->nmodules; i++)
		need_root |= on_root_device(g->modules[i].path);
	if (need_root && !g->root) {
		say(t, "Which device are the files on? Give it with root (for example root sda1), "
		       "or write paths as (sda1)/boot/vmlinuz");
		return;
	}
	if (!h || !h->boot) {
		say(t, "Booting is not possible from here.");
		return;
	}
	struct target b;
	target_copy(&b, g);
	free(b.title);
	b.title = xstrdup("typed in the shell");
	free(b.origin);
	b.origin = xstrdup("the shell");
	b.kind = b.nmodules ? KIND_MULTIBOOT : KIND_LINUX;
	log_info("shell: booting %s with %s", b.kernel, b.cmdline ? b.cmdline : "no command line");
	char *err = NULL;
	h->boot(&b, &err, h->ctx);
	say(t, "Boot failed: %s", err ? err : "the kernel could not be started");
	free(err);
	target_free(&b);
}

static void cmd_power(struct term *t, const struct shell_hooks *h, bool off)
{
	if (h && h->power) {
		h->power(off, h->ctx);
		return;
	}
	if (getpid() != 1) {
		say(t, "Only kexec-loader started as the system's first program can %s.",
		    off ? "power off" : "restart the machine");
		return;
	}
	say(t, "%s", off ? "Powering off." : "Restarting.");
	disk_umount_all();
	sync();
	reboot(off ? RB_POWER_OFF : RB_AUTOBOOT);
	say(t, "The kernel refused to %s.", off ? "power off" : "restart");
}

static const struct {
	const char *name, *args, *help;
} commands[] = {
	{"root", "DEVICE", "device that paths without (DEVICE) are on: sda1, LABEL=x, UUID=y"},
	{"kernel", "PATH", "the kernel to boot"},
	{"initrd", "PATH", "an initrd; each initrd line adds one"},
	{"cmdline", "TEXT", "the kernel command line"},
	{"append", "TEXT", "the same as cmdline"},
	{"module", "PATH [ARGS]", "a Multiboot module with its command line"},
	{"reset-vga", "[off]", "reset the VGA adapter to text mode before the jump"},
	{"show", "", "what root, kernel, initrd… have set so far"},
	{"boot", "", "boot what was given"},
	{"disks", "", "every disk and partition with type, label, UUID and size"},
	{"ls", "[DIR]", "the files in a folder (folders end in /); alone, the devices"},
	{"find", "PATTERN [DIR]", "files whose name matches (* and ?) below DIR"},
	{"cat", "FILE", "show a file"},
	{"log", "", "the debug messages (E errors, W warnings)"},
	{"help", "", "this list"},
	{"reboot", "", "restart the machine"},
	{"poweroff", "", "switch the machine off"},
	{"exit", "", "back to the menu"},
};

static void cmd_help(struct term *t)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		char *head = xasprintf("%s %s", commands[i].name, commands[i].args);
		term_printf(t, "  %-22s %s\r\n", head, commands[i].help);
		free(head);
	}
	term_puts(t, "Paths are /file on the root device or (DEVICE)/file. Tab completes, "
		     "Up/Down recall lines, Ctrl-C abandons one.\r\n");
}

bool shell_exec(struct term *t, const struct shell_hooks *h, const char *line)
{
	char *copy = xstrdup(line), *cmd = str_trim(copy);
	size_t n = strcspn(cmd, " \t");
	char *arg = cmd + n;
	if (*arg)
		*arg++ = 0;
	arg = str_trim(arg);
	bool go_on = true;
	if (!*cmd || *cmd == '#')
		;
	else if (!strcmp(cmd, "root")) cmd_root(t, arg);
	else if (!strcmp(cmd, "kernel")) cmd_kernel(t, arg);
	else if (!strcmp(cmd, "initrd")) cmd_initrd(t, arg);
	else if (!strcmp(cmd, "cmdline") || !strcmp(cmd, "append")) cmd_cmdline(t, arg);
	else if (!strcmp(cmd, "module")) cmd_module(t, arg);
	else if (!strcmp(cmd, "reset-vga")) cmd_reset_vga(t, arg);
	else if (!strcmp(cmd, "show")) cmd_show(t, arg);
	else if (!strcmp(cmd, "boot")) cmd_boot(t, h);
	else if (!strcmp(cmd, "disks")) cmd_disks(t, arg);
	else if (!strcmp(cmd, "ls")) cmd_ls(t, arg);
	else if (!strcmp(cmd, "find")) cmd_find(t, arg);
	else if (!strcmp(cmd, "cat")) cmd_cat(t, arg);
	else if (!strcmp(cmd, "log")) pager_show_log(t);
	else if (!strcmp(cmd, "help")) cmd_help(t);
	else if (!strcmp(cmd, "reboot")) cmd_power(t, h, false);
	else if (!strcmp(cmd, "poweroff")) cmd_power(t, h, true);
	else if (!strcmp(cmd, "exit")) go_on = false;
	else say(t, "Unknown command '%s'. Type help for the list of commands.", cmd);
	free(copy);
	return go_on;
}

static void on_event(void *ctx)
{
	const struct shell_hooks *h = ctx;
	if (h->on_event)
		h->on_event(h->ctx);
}

void shell_run(struct term *t, const struct shell_hooks *h)
{
	if (!SH.le_ready) {
		le_init(&SH.le, t);
		SH.le_ready = true;
	}
	SH.le.t = t;
	SH.le.complete = shell_complete;
	SH.le.event_fd = h ? h->event_fd : -1;
	SH.le.on_event = h && h->on_event ? on_event : NULL;
	SH.le.ctx = (void *)h;
	term_puts(t, "\033[H\033[2J");
	term_puts(t, "kexec-loader shell. Type help for the commands, exit to go back to the menu.\r\n");
	for (;;) {
		char *line = NULL;
		if (le_read(&SH.le, SHELL_PROMPT, &line) != LE_LINE)
			continue;
		bool go_on = shell_exec(t, h, line);
		free(line);
		if (!go_on)
			return;
	}
}

void shell_reset(void)
{
	target_free(&SH.tgt);
	if (!SH.le_ready)
		return;
	le_free(&SH.le);
	SH.le_ready = false;
}
