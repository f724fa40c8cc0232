/* The shell: the configuration syntax typed live (root, kernel, initrd, …,
 * boot), its one table of commands, and the loop that reads lines. The disk
 * commands are in shell_fs.c, completion in shell_complete.c. */
#include "shell.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <unistd.h>
#include "devpath.h"
#include "disk.h"
#include "log.h"
#include "netboot.h"
#include "pager.h"
#include "shell_complete.h"
#include "shell_fs.h"
#include "shell_net.h"

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

static void cmd_root(struct shell *sh, struct term *t, const char *arg)
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
	bool net = ds.by == DEV_BY_NET;
	devspec_free(&ds);
	const struct fsinfo *fi = net ? NULL : disk_find(dev, &err);
	if (net)
		say(t, "root is the server %s", dev);
	else if (!fi)
		say(t, "Warning: %s", err);
	else
		say(t, "root is %s (%s%s%s)", dev, fi->name, fi->fstype ? ", " : "",
		    fi->fstype ? fi->fstype : "");
	free(err);
	free(sh->tgt.root);
	sh->tgt.root = dev;
}

static void cmd_kernel(struct shell *sh, struct term *t, const char *arg)
{
	if (!need_arg(t, "kernel", arg, "a path") || !valid_path(t, arg))
		return;
	free(sh->tgt.kernel);
	sh->tgt.kernel = xstrdup(arg);
}

static void cmd_initrd(struct shell *sh, struct term *t, const char *arg)
{
	if (!need_arg(t, "initrd", arg, "a path") || !valid_path(t, arg))
		return;
	sl_push(&sh->tgt.initrds, arg);
	if (sh->tgt.initrds.n > 1)
		say(t, "%zu initrds: they are loaded one after the other", sh->tgt.initrds.n);
}

static void cmd_cmdline(struct shell *sh, struct term *t, const char *arg)
{
	free(sh->tgt.cmdline);
	sh->tgt.cmdline = *arg ? xstrdup(arg) : NULL;
}

static void cmd_module(struct shell *sh, struct term *t, const char *arg)
{
	if (!need_arg(t, "module", arg, "a path"))
		return;
	size_t n = strcspn(arg, " \t");
	char *path = xstrndup(arg, n);
	if (valid_path(t, path))
		target_add_module(&sh->tgt, path, arg + n + strspn(arg + n, " \t"), false);
	free(path);
}

static void cmd_reset_vga(struct shell *sh, struct term *t, const char *arg)
{
	if (!strcmp(arg, "off"))
		sh->tgt.flags &= ~(unsigned)TF_RESET_VGA;
	else
		sh->tgt.flags |= TF_RESET_VGA;
}

/* The typed target, as the configuration file would say it. */
static void cmd_show(struct shell *sh, struct term *t, const char *arg)
{
	const struct target *g = &sh->tgt;
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

static void cmd_boot(struct shell *sh, struct term *t, const char *arg)
{
	const struct shell_hooks *h = sh->hooks;
	const struct target *g = &sh->tgt;
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

static void power(struct shell *sh, struct term *t, bool off)
{
	const struct shell_hooks *h = sh->hooks;
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

static void cmd_reboot(struct shell *sh, struct term *t, const char *arg)
{
	power(sh, t, false);
}

static void cmd_poweroff(struct shell *sh, struct term *t, const char *arg)
{
	power(sh, t, true);
}

static void cmd_log(struct shell *sh, struct term *t, const char *arg)
{
	pager_show_log(t);
}

static void cmd_help(struct shell *sh, struct term *t, const char *arg);

/* DHCP again: through the caller, which also reads the network's targets anew. */
static void cmd_dhcp(struct shell *sh, struct term *t, const char *arg)
{
	const struct shell_hooks *h = sh->hooks;
	char *err = NULL;
	int r = h && h->dhcp ? h->dhcp(&err, h->ctx) : net_start(NULL, &err);
	if (r < 0)
		say(t, "%s", err ? err : "DHCP failed");
	else
		shell_cmd_net(sh, t, "");
	free(err);
}

/* Every command of the shell, in the order help lists them. */
static const struct shell_cmd commands[] = {
	{"root", "DEVICE", "device that paths without (DEVICE) are on: sda1, LABEL=x, UUID=y",
	 cmd_root, SH_NO_PATH, true},
	{"kernel", "PATH", "the kernel to boot", cmd_kernel, SH_PATH_FIRST, false},
	{"initrd", "PATH", "an initrd; each initrd line adds one", cmd_initrd, SH_PATH_FIRST, false},
	{"cmdline", "TEXT", "the kernel command line", cmd_cmdline, SH_NO_PATH, false},
	{"append", "TEXT", "the same as cmdline", cmd_cmdline, SH_NO_PATH, false},
	{"module", "PATH [ARGS]", "a Multiboot module with its command line", cmd_module,
	 SH_PATH_FIRST, false},
	{"reset-vga", "[off]", "reset the VGA adapter to text mode before the jump", cmd_reset_vga,
	 SH_NO_PATH, false},
	{"show", "", "what root, kernel, initrd… have set so far", cmd_show, SH_NO_PATH, false},
	{"boot", "", "boot what was given", cmd_boot, SH_NO_PATH, false},
	{"disks", "", "every disk and partition with type, label, UUID and size", shell_cmd_disks,
	 SH_NO_PATH, false},
	{"ls", "[DIR]", "the files in a folder (folders end in /); alone, the devices", shell_cmd_ls,
	 SH_PATH_FIRST, false},
	{"find", "PATTERN [DIR]", "files whose name matches (* and ?) below DIR", shell_cmd_find,
	 SH_PATH_SECOND, false},
	{"cat", "FILE", "show a file", shell_cmd_cat, SH_PATH_FIRST, false},
	{"net", "", "network interfaces, the DHCP lease and its servers", shell_cmd_net,
	 SH_NO_PATH, false},
	{"dhcp", "", "ask for an address again (DHCP) and read the network's targets",
	 cmd_dhcp, SH_NO_PATH, false},
	{"log", "", "the debug messages (E errors, W warnings)", cmd_log, SH_NO_PATH, false},
	{"help", "", "this list", cmd_help, SH_NO_PATH, false},
	{"reboot", "", "restart the machine", cmd_reboot, SH_NO_PATH, false},
	{"poweroff", "", "switch the machine off", cmd_poweroff, SH_NO_PATH, false},
	{"exit", "", "back to the menu", NULL, SH_NO_PATH, false},
};

static void cmd_help(struct shell *sh, struct term *t, const char *arg)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		char *head = xasprintf("%s %s", commands[i].name, commands[i].args);
		term_printf(t, "  %-22s %s\r\n", head, commands[i].help);
		free(head);
	}
	term_puts(t, "Paths are /file on the root device or (DEVICE)/file; (tftp,SERVER)/file, "
		     "(http,SERVER)/file and http://SERVER/file are on the network. Tab completes, "
		     "Up/Down recall lines, Ctrl-C abandons one.\r\n");
}

bool shell_exec(struct shell *sh, struct term *t, const struct shell_hooks *h, const char *line)
{
	char *copy = xstrdup(line), *cmd = str_trim(copy);
	size_t n = strcspn(cmd, " \t");
	char *arg = cmd + n;
	if (*arg)
		*arg++ = 0;
	arg = str_trim(arg);
	bool go_on = true;
	const struct shell_hooks *outer = sh->hooks;
	sh->hooks = h;
	size_t i = 0;
	while (i < ARRAY_SIZE(commands) && strcmp(cmd, commands[i].name))
		i++;
	if (!*cmd || *cmd == '#')
		;
	else if (i == ARRAY_SIZE(commands))
		say(t, "Unknown command '%s'. Type help for the list of commands.", cmd);
	else if (commands[i].run)
		commands[i].run(sh, t, arg);
	else
		go_on = false;
	sh->hooks = outer;
	free(copy);
	return go_on;
}

size_t shell_complete(void *ctx, const char *line, size_t cursor, struct strlist *words)
{
	const struct shell *sh = ctx;
	return shell_complete_line(commands, ARRAY_SIZE(commands), sh ? sh->tgt.root : NULL, line,
				   cursor, words);
}

static void on_event(void *ctx)
{
	const struct shell *sh = ctx;
	if (sh->hooks->on_event)
		sh->hooks->on_event(sh->hooks->ctx);
}

void shell_run(struct shell *sh, struct term *t, const struct shell_hooks *h)
{
	if (!sh->le_ready) {
		le_init(&sh->le, t);
		sh->le_ready = true;
	}
	sh->le.t = t;
	sh->le.complete = shell_complete;
	sh->le.event_fd = h ? h->event_fd : -1;
	sh->le.on_event = h && h->on_event ? on_event : NULL;
	sh->le.ctx = sh;
	sh->hooks = h;
	term_puts(t, "\033[H\033[2J");
	term_puts(t, "kexec-loader shell. Type help for the commands, exit to go back to the menu.\r\n");
	for (;;) {
		char *line = NULL;
		if (le_read(&sh->le, SHELL_PROMPT, &line) != LE_LINE)
			continue;
		bool go_on = shell_exec(sh, t, h, line);
		free(line);
		if (!go_on)
			return;
	}
}

void shell_reset(struct shell *sh)
{
	target_free(&sh->tgt);
	if (sh->le_ready)
		le_free(&sh->le);
	*sh = (struct shell){0};
}
