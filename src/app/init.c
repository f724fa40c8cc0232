/* kexec-loader as PID 1: start-up (docs/architecture.md, the flow), then the menu loop. */
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "boot.h"
#include "errtext.h"
#include "settings.h"
#include "conf.h"
#include "devices.h"
#include "editor.h"
#include "fetch.h"
#include "disk.h"
#include "limits.h"
#include "log.h"
#include "userfile.h"
#include "keymap.h"
#include "menu.h"
#include "netboot.h"
#include "netsource.h"
#include "password.h"
#include "netpath.h"
#include "secureboot.h"
#include "shell.h"
#include "sources.h"
#include "term.h"
#include "text.h"

#define MNT_DIR "/run/mnt"
#define NOBOOT_DEV "initramfs"

static struct settings S;
static struct term T;
static struct shell SHELL;         /* the typed target and the history, kept between visits */
static struct config CFG;
static struct target_list TL;      /* every target of every source */
static struct target_list NET_TL;  /* the network's targets, read once per DHCP lease */
static struct strlist net_msgs;    /* problems of the network's configuration */
static struct strlist messages;    /* problems and errors, kept until restart */
static struct strlist source_msgs; /* problems of the sources, replaced on each rescan */
static struct strlist shown;       /* both, as the menu shows them */
static const char *boot_dev;    /* the boot disk, or NULL when there is none */
static volatile sig_atomic_t cad_pressed;
static int debug_fd = -1;

static void mount_fs(const char *src, const char *dir, const char *type, const char *opts)
{
	mkdir(dir, 0755);
	if (mount(src, dir, type, MS_NOSUID, opts) < 0 && errno != EBUSY)
		log_warn("cannot mount %s on %s: %s", type, dir, errtext(errno));
}

static void setup_mounts(void)
{
	mount_fs("proc", "/proc", "proc", NULL);
	mount_fs("sysfs", "/sys", "sysfs", NULL);
	mount_fs("devtmpfs", "/dev", "devtmpfs", "mode=0755");
	mount_fs("devpts", "/dev/pts", "devpts", "ptmxmode=0666");
	mount_fs("tmpfs", "/tmp", "tmpfs", "mode=1777");
	mount_fs("tmpfs", "/run", "tmpfs", "mode=0755");
	/* The kernel's lockdown state, which Secure Boot sets. */
	mount_fs("securityfs", "/sys/kernel/security", "securityfs", NULL);
}

/* The kernel may start /init without a console (no /dev/console in the
 * initramfs): take the one devtmpfs now provides. */
static void setup_console(void)
{
	if (fcntl(0, F_GETFD) >= 0 && fcntl(1, F_GETFD) >= 0)
		return;
	int fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd < 0)
		return;
	for (int i = 0; i < 3; i++)
		dup2(fd, i);
	if (fd > 2)
		close(fd);
}

/* Kernel messages go to tty2, so that they never write over the menu. */
static void kernel_log_to_tty2(void)
{
	klogctl(8 /* SYSLOG_ACTION_CONSOLE_LEVEL */, NULL, 1);
	if (fork() != 0)
		return;
	prctl(PR_SET_NAME, "kl-kmsg");
	int in = open("/dev/kmsg", O_RDONLY | O_CLOEXEC);
	int out = open("/dev/tty2", O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (out >= 0)
		term_raw_output(out);
	char buf[8192];
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf) - 2);
		if (n < 0 && errno == EPIPE)
			continue; /* messages were overwritten before we read them */
		if (n <= 0 || out < 0)
			_exit(0);
		/* A record is "prio,seq,time,flags;text\n": keep the text. */
		char *text = memchr(buf, ';', (size_t)n);
		text = text ? text + 1 : buf;
		size_t len = (size_t)(buf + n - text);
		if (len && text[len - 1] == '\n')
			len--;
		memcpy(text + len, "\r\n", 2);
		if (write(out, text, len + 2) < 0)
			_exit(0);
	}
}

static void setup_debug_log(void)
{
	bool is_dev = str_starts(S.debug_tty, "/dev/");
	int flags = O_WRONLY | O_NOCTTY | O_CLOEXEC | (is_dev ? 0 : O_CREAT | O_APPEND);
	int fd = open(S.debug_tty, flags, 0644);
	if (fd >= 0) {
		term_raw_output(fd);
		log_set_fd(fd);
	}
	debug_fd = fd;
	log_info("kexec-loader %s starting", KL_VERSION);
	if (fd < 0)
		log_warn("cannot open the debug console %s: %s", S.debug_tty, errtext(errno));
}

static void on_cad(int sig)
{
	cad_pressed = 1;
}

/* Ctrl-Alt-Del: the kernel sends SIGINT to PID 1 once told to. */
static void check_cad(void)
{
	if (!cad_pressed)
		return;
	term_puts(&T, "\r\nCtrl-Alt-Del: unmounting the disks and restarting.\r\n");
	if (disk_umount_all() == 0)
		log_info("Ctrl-Alt-Del: every filesystem unmounted, restarting");
	else
		log_warn("Ctrl-Alt-Del: restarting, though a filesystem could not be unmounted");
	sync();
	/* Serial lines send slowly: let the messages out before the restart. */
	for (size_t i = 0; i < T.n; i++)
		tcdrain(T.c[i].out);
	if (debug_fd >= 0)
		tcdrain(debug_fd);
	reboot(RB_AUTOBOOT);
}

static void setup_signals(void)
{
	struct sigaction sa = {0};
	sa.sa_handler = SIG_DFL;
	sa.sa_flags = SA_NOCLDWAIT; /* children are reaped by the kernel */
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_handler = on_cad;
	sa.sa_flags = 0;
	sigaction(SIGINT, &sa, NULL);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	reboot(RB_DISABLE_CAD);
	term_on_signal = check_cad;
}

static void add_message(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void add_message(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = xvasprintf(fmt, ap);
	va_end(ap);
	log_warn("%s", m);
	sl_push_owned(&messages, m);
	sl_free(&shown);
	sl_copy(&shown, &source_msgs);
	sl_copy(&shown, &messages);
}

/* Whether a target's kernel is fetched over the network (not read ahead). */
static bool kernel_on_network(const struct target *t)
{
	if (url_is(t->kernel))
		return true;
	if (t->kernel[0] == '(') {
		const char *end = strchr(t->kernel, ')');
		char *dev = end ? xstrndup(t->kernel + 1, (size_t)(end - t->kernel - 1)) : NULL;
		bool net = dev && netdev_is(dev);
		free(dev);
		return net;
	}
	return t->root && netdev_is(t->root);
}

/* Under lockdown a kernel with no signature at all cannot boot: the menu says
 * so before it is picked. Only its head is read; a kernel that cannot be read
 * now, or one whose signature only the kernel can judge, is left to the boot. */
static void mark_unsigned(struct target_list *l)
{
	const struct secure_boot *sb = secure_boot_current();
	if (!sb->locked)
		return;
	for (size_t i = 0; i < l->n; i++) {
		struct target *t = &l->v[i];
		if (t->kind != KIND_LINUX || !target_bootable(t) || !t->kernel || kernel_on_network(t))
			continue;
		char *err = NULL;
		int fd = disk_open(t->root, t->kernel, &err);
		free(err);
		if (fd < 0)
			continue;
		unsigned char head[4096];
		ssize_t n = pread(fd, head, sizeof(head), 0);
		close(fd);
		if (n > 0 && secure_boot_pe_signed(head, (size_t)n) == 0) {
			char *why = secure_boot_unsigned_reason(sb, t->kernel);
			target_refuse(t, "%s", why);
			free(why);
		}
	}
}

/* Collects the targets of every source again (at start, and when disks come
 * or go); keeps the selection on the same target when it is still there. */
static void rebuild_targets(int *selected)
{
	struct target was;
	bool keep = selected && *selected >= 0 && (size_t)*selected < TL.n;
	if (keep)
		target_copy(&was, &TL.v[*selected]);
	struct diag_list d = {0};
	tl_free(&TL);
	sources_collect(&CFG, disk_fsio(), boot_dev, &TL, &d);
	for (size_t i = 0; i < NET_TL.n; i++) {
		struct target t;
		target_copy(&t, &NET_TL.v[i]);
		size_t at = tl_push(&TL, &t);
		if ((int)i == NET_TL.default_index && TL.default_index < 0)
			TL.default_index = (int)at;
	}
	if (TL.timeout < 0)
		TL.timeout = NET_TL.timeout;
	secure_boot_mark(secure_boot_current(), &TL);
	mark_unsigned(&TL);
	sl_free(&source_msgs);
	sl_copy(&source_msgs, &net_msgs);
	for (size_t i = 0; i < d.lines.n; i++) {
		log_warn("%s", d.lines.v[i]);
		sl_push(&source_msgs, d.lines.v[i]);
	}
	diag_free(&d);
	sl_free(&shown);
	sl_copy(&shown, &source_msgs);
	sl_copy(&shown, &messages);
	log_info("%zu boot targets", TL.n);
	if (keep) {
		int i = tl_find_same(&TL, &was);
		*selected = i >= 0 ? i : (int)tl_default(&TL);
		target_free(&was);
	}
}

static long ms_since(const struct timespec *a);

static void net_status(const char *line)
{
	term_printf(&T, "%s\r\n", line);
}

static void net_progress(const char *line, bool final)
{
	term_printf(&T, "\r%s\033[K%s", line, final ? "\r\n" : "");
}

/* DHCP, then the network's own configuration (PXELINUX or GRUB) read once. */
static int start_network(char **err)
{
	tl_free(&NET_TL);
	tl_init(&NET_TL);
	sl_free(&net_msgs);
	int r = net_start(&CFG.net_ifaces, err);
	if (r < 0)
		return r;
	struct diag_list d = {0};
	net_collect(disk_fsio(), &NET_TL, &d);
	for (size_t i = 0; i < d.lines.n; i++)
		sl_push(&net_msgs, d.lines.v[i]);
	diag_free(&d);
	log_info("%zu network boot targets", NET_TL.n);
	return 0;
}

#define NIC_WAIT_MS 5000

/* A network card's driver loads with the other modules, in the background:
 * wait for its interface, driven by device events, a few seconds at most. */
static bool wait_for_interfaces(void)
{
	struct timespec since;
	clock_gettime(CLOCK_MONOTONIC, &since);
	while (!net_has_interfaces()) {
		if (!net_cards_present("/sys") || ms_since(&since) > NIC_WAIT_MS)
			return false;
		if (term_key(&T, 250, devices_fd()) == KEY_EVENT)
			devices_handle_events();
	}
	return true;
}

/* netboot on, or no disk offers a target (and there is a network card at all:
 * a machine without one never waits for the network). */
static void maybe_start_network(void)
{
	bool want = CFG.netboot == 1 || (CFG.netboot < 0 && TL.n == 0);
	if (!want || !wait_for_interfaces())
		return;
	char *err = NULL;
	if (start_network(&err) < 0)
		add_message("Network: %s", err);
	free(err);
	rebuild_targets(NULL);
}

static int shell_dhcp(char **err, void *ctx)
{
	int r = start_network(err);
	rebuild_targets(ctx);
	return r;
}

/* Waits, driven by device events, until the boot disk appears or a key is pressed. */
static void find_boot_disk(void)
{
	if (access("/noboot", F_OK) == 0) {
		disk_add_dir("/", NOBOOT_DEV, "initramfs", NULL, NULL);
		boot_dev = NOBOOT_DEV;
		log_info("/noboot exists: the initramfs is the boot disk");
		return;
	}
	bool told = false;
	for (;;) {
		disk_rescan();
		char *err = NULL;
		const struct fsinfo *fi = disk_find(S.root, &err);
		free(err);
		if (fi) {
			boot_dev = S.root;
			log_info("boot disk %s is %s", S.root, fi->name);
			if (told)
				term_puts(&T, "found.\r\n");
			return;
		}
		if (!told) {
			term_printf(&T, "Waiting for the boot disk %s (press any key to stop waiting)... ",
				    S.root);
			log_info("waiting for the boot disk %s", S.root);
			told = true;
		}
		int k = term_key(&T, -1, devices_fd());
		if (k == KEY_EVENT || k == KEY_TIMEOUT) {
			devices_handle_events();
			continue;
		}
		term_puts(&T, "stopped.\r\n");
		add_message("The boot disk %s was not found. Check root= on the kernel command line.",
			    S.root);
		return;
	}
}

static char *rootdir_path(const char *name)
{
	const char *dir = S.rootdir;
	while (*dir == '/')
		dir++;
	return *dir ? xasprintf("/%s/%s", dir, name) : xasprintf("/%s", name);
}

static bool read_config_file(const char *name, struct diag_list *d)
{
	char *path = rootdir_path(name), *err = NULL, *text;
	size_t len;
	int fd = disk_open(boot_dev, path, &err);
	bool ok = fd >= 0;
	int r = ok ? read_file_fd(fd, KL_MAX_CONF_FILE, &text, &len) : 0;
	if (ok && r == 0) {
		log_info("reading %s on %s", path, boot_dev);
		conf_parse(&CFG, d, text, len, path + 1, boot_dev);
		free(text);
	} else if (ok) {
		char *m = uf_message_max(path, boot_dev, r, KL_MAX_CONF_FILE);
		add_message("%s", m);
		free(m);
	} else if (fd != -ENOENT) {
		add_message("%s", err);
	}
	if (fd >= 0)
		close(fd);
	free(err);
	free(path);
	return ok;
}

static void read_config(void)
{
	struct diag_list d = {0};
	config_init(&CFG);
	if (boot_dev && !read_config_file("kexec-loader.conf", &d) &&
	    !read_config_file("kxloader.cfg", &d))
		add_message("There is no kexec-loader.conf in %s on the boot disk %s.", S.rootdir,
			    boot_dev);
	for (size_t i = 0; i < d.lines.n; i++)
		add_message("%s", d.lines.v[i]);
	diag_free(&d);
}

static const char *kmod_opts(const char *module, void *ctx)
{
	const char *a = config_kmod_args(&CFG, module);
	return *a ? a : NULL;
}

static void load_disk_modules(void)
{
	devices_set_options(kmod_opts, NULL);
	if (!boot_dev)
		return;
	char *err = NULL;
	const char *mnt = disk_mountpoint(boot_dev, &err);
	free(err);
	if (!mnt)
		return;
	char *rel = rootdir_path("modules");
	char *dir = xasprintf("%s%s", mnt, rel);
	devices_load_folder(dir);
	free(dir);
	free(rel);
	disk_rescan();
}

static void try_target(const struct target *t);

static void try_boot(size_t i)
{
	try_target(&TL.v[i]);
}

static int chosen_on_cmdline(void)
{
	const struct target_list *l = &TL;
	if (S.boot_index >= 0) {
		if ((size_t)S.boot_index < l->n)
			return S.boot_index;
		add_message("boot_index=%d: there is no target %d (there are %zu, counted from 0)",
			    S.boot_index, S.boot_index, l->n);
		return -1;
	}
	if (S.boot_target) {
		int i = tl_find_title(l, S.boot_target);
		if (i < 0)
			add_message("boot_target=%s: no target has this title", S.boot_target);
		return i;
	}
	return -1;
}

static void draw_no_targets(void)
{
	term_puts(&T, "\033[H\033[2J");
	char *hdr = menu_header();
	term_printf(&T, "%s\r\n\r\nNo boot targets were found.\r\n\r\n", hdr);
	free(hdr);
	for (size_t i = 0; i < shown.n; i++)
		term_printf(&T, "%s\r\n", shown.v[i]);
	term_puts(&T, "\r\nKeys: Enter looks for the boot disk again; plugging in a disk "
		      "adds its targets\r\n");
}

/* Nothing to boot: wait for a disk to appear, or for Enter to start over. */
static void no_targets(void)
{
	draw_no_targets();
	for (;;) {
		int k = term_key(&T, -1, devices_fd());
		if (k == KEY_EVENT) {
			if (devices_handle_events() > 0) {
				rebuild_targets(NULL);
				if (TL.n)
					return;
				draw_no_targets();
			}
			continue;
		}
		if (k == KEY_ENTER)
			break;
	}
	sl_free(&messages);
	config_free(&CFG);
	find_boot_disk();
	read_config();
	rebuild_targets(NULL);
}

/* Device events while the menu is shown: modules load, disks come and go. */
static bool menu_event(void *ctx)
{
	struct menu *m = ctx;
	if (devices_handle_events() <= 0)
		return false;
	rebuild_targets(&m->selected);
	return true;
}

#define DEVICE_WAIT_MS 20000

static struct timespec wait_since;

static long ms_since(const struct timespec *a)
{
	struct timespec b;
	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1000 + (b.tv_nsec - a->tv_nsec) / 1000000;
}

/* While booting: a device a target names may still be starting (a CD drive,
 * a USB disk). Wait for device events, up to 20 seconds or a key press. */
static bool wait_for_device(const char *spec)
{
	long left = DEVICE_WAIT_MS - ms_since(&wait_since);
	if (left <= 0 || devices_fd() < 0)
		return false;
	term_printf(&T, "Waiting for %s (press any key to stop waiting)...\r\n", spec);
	log_info("waiting for %s", spec);
	for (; left > 0; left = DEVICE_WAIT_MS - ms_since(&wait_since)) {
		int k = term_key(&T, (int)left, devices_fd());
		if (k == KEY_EVENT) {
			if (devices_handle_events() > 0)
				return true;
			continue;
		}
		if (k != KEY_TIMEOUT)
			break;
	}
	return false;
}

/* Loads and starts t; returns only when that failed, with *err set. */
static int load_and_go(const struct target *t, char **err)
{
	clock_gettime(CLOCK_MONOTONIC, &wait_since);
	disk_set_waiter(wait_for_device);
	struct boot_opts o = {.force_kexec_load = S.force_kexec_load};
	int r = boot_load(t, &o, err);
	disk_set_waiter(NULL);
	if (r == 0) {
		net_release(); /* the next system asks for its own lease */
		boot_execute(err);
	}
	return -1;
}

static void try_target(const struct target *t)
{
	char *err = NULL;
	char *title = text_clean(t->title);
	term_printf(&T, "\r\nBooting '%s'\r\n", title);
	free(title);
	log_info("booting '%s' (%s)", t->title, t->origin ? t->origin : "typed in");
	load_and_go(t, &err);
	add_message("Boot failed: %s", err);
	free(err);
}

/* The editor works on a copy: nothing it does reaches the menu or a disk. */
static void edit_and_boot(const struct target *t)
{
	struct target edited;
	target_init(&edited);
	if (editor_run(&T, t, &edited) == 1)
		try_target(&edited);
	target_free(&edited);
}

static int shell_boot(const struct target *t, char **err, void *ctx)
{
	return load_and_go(t, err);
}

static void shell_event(void *ctx)
{
	if (devices_handle_events() > 0)
		rebuild_targets(ctx);
}

static void wait_any_key(void)
{
	term_puts(&T, "\r\nPress any key to return to the menu.");
	while (term_key(&T, -1, -1) < 0)
		;
}

/* The keys of the menu other than Enter: shell, editor, disks, log. */
static void menu_other(enum menu_action a, struct menu *m)
{
	struct shell_hooks h = {.boot = shell_boot, .dhcp = shell_dhcp, .event_fd = devices_fd(),
				.on_event = shell_event, .ctx = &m->selected};
	term_puts(&T, "\033[H\033[2J");
	if ((a == MENU_SHELL || a == MENU_EDIT) && !password_ask(&T, CFG.password)) {
		add_message("Wrong password: the shell and the editor stay locked.");
		return;
	}
	if (a == MENU_SHELL) {
		shell_run(&SHELL, &T, &h);
	} else if (a == MENU_DISKS || a == MENU_LOG) {
		shell_exec(&SHELL, &T, &h, a == MENU_DISKS ? "disks" : "log");
		wait_any_key();
	} else if (a == MENU_EDIT) {
		edit_and_boot(&TL.v[m->selected]);
	}
}

static void menu_step(struct menu *m)
{
	if (TL.n == 0) {
		no_targets();
		m->selected = (int)tl_default(&TL);
		return;
	}
	enum menu_action a = menu_run(m);
	if (a == MENU_EMPTY)
		return;
	m->countdown = false;
	if (a == MENU_BOOT)
		try_boot((size_t)m->selected);
	else
		menu_other(a, m);
}

static void menu_loop(void)
{
	struct menu m = {.term = &T, .targets = &TL, .messages = &shown,
			 .selected = (int)tl_default(&TL), .countdown = true,
			 .hidden = tl_menu_hidden(&TL), .event_fd = devices_fd(),
			 .on_event = menu_event};
	m.ctx = &m;
	for (;;) {
		/* PID 1 never stops: running out of memory gives up what was
		 * being done, and the menu comes back with a message */
		struct oom_point p;
		oom_push(&p);
		if (sigsetjmp(p.jb, 0) == 0)
			menu_step(&m);
		else
			add_message("Out of memory: what was being done was given up (the memory it "
				    "took is lost until a restart).");
		oom_pop(&p);
	}
}

static void load_keymap(void)
{
	if (!boot_dev)
		return;
	char *path = rootdir_path("keymap.bmap"), *err = NULL;
	int r = keymap_load(boot_dev, path, "/dev/tty0", &err);
	if (r == 0)
		log_info("keymap %s loaded", path);
	else if (r != -ENOENT)
		add_message("%s", err);
	free(err);
	free(path);
}

_Noreturn void init_main(int argc, char **argv)
{
	setup_mounts();
	setup_console();
	char *cl = read_line_file("/proc/cmdline");
	settings_parse(&S, cl ? cl : "");
	setup_debug_log();
	secure_boot_init();
	log_info("Secure Boot %s, kernel %slocked down", secure_boot_current()->on ? "on" : "off",
		 secure_boot_current()->locked ? "" : "not ");
	setup_signals();
	kernel_log_to_tty2();
	term_open_consoles(&T, "/sys");
	term_add_cmdline_consoles(&T, cl ? cl : "", "/dev");
	free(cl);
	disk_setup("/sys", "/dev", MNT_DIR);
	devices_start();
	find_boot_disk();
	read_config();
	load_disk_modules();
	load_keymap();
	tl_init(&TL);
	tl_init(&NET_TL);
	disk_set_net_opener(net_open);
	net_set_status(net_status);
	fetch_set_progress(net_progress);
	rebuild_targets(NULL);
	maybe_start_network();
	int now = chosen_on_cmdline();
	if (now >= 0)
		try_boot((size_t)now);
	menu_loop();
	for (;;)
		pause(); /* not reached: PID 1 must never return */
}
