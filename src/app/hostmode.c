/* Host mode: kexec-loader as an ordinary command. It lists the targets a
 * configuration gives, over the same parsers PID 1 uses. */
#include "hostmode.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "boot.h"
#include "conf.h"
#include "devpath.h"
#include "disk.h"
#include "errtext.h"
#include "fetch.h"
#include "grub2.h"
#include "json.h"
#include "text.h"
#include "limits.h"
#include "log.h"
#include "netboot.h"
#include "netpath.h"
#include "sources.h"
#include "userfile.h"

struct host_opts {
	bool json;
	bool timing;
	const char *config;
	const char *boot_dev;
	struct boot_opts boot; /* --kexec-load */
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: kexec-loader [OPTION]... list [CONFIG]\n"
		"       kexec-loader [OPTION]... plan CONFIG TARGET\n"
		"       kexec-loader grub-script FILE\n"
		"Boot loader that starts Linux with kexec. As /init of an initramfs it shows\n"
		"a boot menu; as a command it lists what a configuration offers.\n"
		"\n"
		"Commands:\n"
		"  list [CONFIG]     list the targets that CONFIG (a kexec-loader.conf) and the\n"
		"                    GRUB, BLS and SYSLINUX files of the --dev filesystems give,\n"
		"                    and the problems found in them\n"
		"  plan CONFIG TARGET  print how TARGET (a title or an index from 0) would be\n"
		"                    loaded: the segments kexec_load would get, or the\n"
		"                    kexec_file_load call; nothing is executed\n"
		"  grub-script FILE  run a GRUB 2 script and print what its echo commands write\n"
		"  fetch PATH [OUT]  download a network path (http://SERVER/path,\n"
		"                    (tftp,SERVER)/path, (http,SERVER:PORT)/path) to OUT or\n"
		"                    standard output, with the client the boot menu uses\n"
		"\n"
		"Options:\n"
		"  --json            one JSON object per line for each target, then one per problem\n"
		"  --dev PATH,name=NAME[,label=L][,uuid=U][,type=T]\n"
		"                    let PATH stand for the filesystem NAME, so that (NAME)/path,\n"
		"                    LABEL=L and UUID=U paths resolve (repeatable); PATH is a\n"
		"                    directory or, as root, a filesystem image or partition,\n"
		"                    mounted read-only from a read-only loop device, whose\n"
		"                    type, label and UUID are read from it unless given\n"
		"  --boot-dev NAME   the device CONFIG is on (for each target's origin)\n"
		"  --kexec-load      plan Linux kernels for kexec_load and the 32-bit protocol\n"
		"  --timing          print on standard error how long reading and interpreting\n"
		"                    the configuration files took\n"
		"  -v, --verbose     print the debug log on standard error\n"
		"  -h, --help        show this help\n"
		"  -V, --version     show the version\n"
		"\n"
		"See kexec-loader(8) and kexec-loader.conf(5).\n");
}

/* "PATH,name=N,label=L,uuid=U,type=T": PATH a directory or a filesystem image.
 * Returns an exit status: 2 for a malformed argument, 1 for an unusable image. */
static int add_dev(const char *arg)
{
	char *copy = xstrdup(arg), *save = NULL;
	char *path = strtok_r(copy, ",", &save);
	const char *name = NULL, *label = NULL, *uuid = NULL, *type = NULL;
	for (char *kv; (kv = strtok_r(NULL, ",", &save));) {
		if (str_starts(kv, "name="))
			name = kv + 5;
		else if (str_starts(kv, "label="))
			label = kv + 6;
		else if (str_starts(kv, "uuid="))
			uuid = kv + 5;
		else if (str_starts(kv, "type="))
			type = kv + 5;
	}
	int r = 0;
	struct stat st;
	char *err = NULL;
	if (!path || !name) {
		fprintf(stderr, "kexec-loader: --dev needs PATH,name=NAME (got '%s')\n", arg);
		r = 2;
	} else if (!*name || strchr(name, '/')) {
		fprintf(stderr, "kexec-loader: --dev %s: the name must be a kernel device name such as "
			"sda1, without '/' (got '%s')\n", path, name);
		r = 2;
	} else if (stat(path, &st) != 0) {
		fprintf(stderr, "kexec-loader: --dev %s: %s; give a directory or a filesystem image\n",
			path, errtext(errno));
		r = 1;
	} else if (!S_ISDIR(st.st_mode)) {
		r = disk_add_image(path, name, type, label, uuid, &err) < 0;
		if (r)
			fprintf(stderr, "kexec-loader: %s\n", err);
		free(err);
	} else {
		/* A directory is a filesystem even when no type is given. */
		disk_add_dir(path, name, type ? type : "dir", label, uuid);
	}
	free(copy);
	return r;
}

/* A field for a terminal: control characters from disks shown as \xNN. */
static void print_field(const char *label, const char *a, const char *b)
{
	struct strbuf sb = {0};
	sb_puts(&sb, label);
	sb_put_clean(&sb, a ? a : "");
	if (b) {
		sb_putc(&sb, ' ');
		sb_put_clean(&sb, b);
	}
	puts(sb.s);
	sb_free(&sb);
}

static void print_problem(const char *line)
{
	char *clean = text_clean(line);
	fprintf(stderr, "%s\n", clean);
	free(clean);
}

static void print_target(const struct target *t, bool is_default, bool json)
{
	if (json) {
		json_target(stdout, t, is_default);
		return;
	}
	print_field(is_default ? "* " : "  ", t->title, NULL);
	print_field("    from:    ", t->origin ? t->origin : "?", NULL);
	print_field("    root:    ", t->root, NULL);
	print_field("    kernel:  ", t->kernel, NULL);
	for (size_t i = 0; i < t->initrds.n; i++)
		print_field("    initrd:  ", t->initrds.v[i], NULL);
	if (t->cmdline)
		print_field("    cmdline: ", t->cmdline, NULL);
	for (size_t i = 0; i < t->nmodules; i++)
		print_field("    module:  ", t->modules[i].path, t->modules[i].cmdline);
	if (!target_bootable(t))
		print_field("    cannot boot: ", t->reason, NULL);
}

/* What the menu will do: the countdown and whether the menu is hidden meanwhile. */
static void print_menu(const struct target_list *l)
{
	if (l->timeout < 0)
		printf("timeout: off (the menu waits for a key)\n");
	else if (l->timeout == 0)
		printf("timeout: 0 (the default boots at once)\n");
	else
		printf("timeout: %d seconds, then the default boots\n", l->timeout);
	printf("menu:    %s\n", tl_menu_hidden(l) ? "hidden (shown when a key is pressed during the countdown)"
					    : "shown");
}

static int read_config(const struct host_opts *o, struct config *c, struct diag_list *d)
{
	if (!o->config)
		return 0;
	char *text;
	size_t len;
	int r = uf_read(o->config, KL_MAX_CONF_FILE, &text, &len);
	if (r < 0) {
		char *msg = uf_message_max(o->config, NULL, r, KL_MAX_CONF_FILE);
		fprintf(stderr, "kexec-loader: %s\n", msg);
		free(msg);
		return -1;
	}
	conf_parse(c, d, text, len, o->config, o->boot_dev);
	free(text);
	return 0;
}

/* Everything a host-mode command works on: the configuration and every source. */
struct collected {
	struct config c;
	struct diag_list d;
	struct target_list all;
};

static int collect(const struct host_opts *o, struct collected *k)
{
	memset(k, 0, sizeof(*k));
	config_init(&k->c);
	tl_init(&k->all);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (read_config(o, &k->c, &k->d) < 0)
		return -1;
	sources_collect(&k->c, disk_fsio(), o->boot_dev, &k->all, &k->d);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (o->timing)
		fprintf(stderr, "collected %zu targets in %.1f ms\n", k->all.n,
			(double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	return 0;
}

static void collected_free(struct collected *k)
{
	tl_free(&k->all);
	config_free(&k->c);
	diag_free(&k->d);
}

static int list(const struct host_opts *o)
{
	struct collected k;
	if (collect(o, &k) < 0)
		return 1;
	size_t def = tl_default(&k.all);
	if (o->json)
		json_menu(stdout, &k.all);
	for (size_t i = 0; i < k.all.n; i++)
		print_target(&k.all.v[i], i == def, o->json);
	if (!o->json)
		print_menu(&k.all);
	for (size_t i = 0; i < k.d.lines.n; i++) {
		if (o->json)
			json_problem(stdout, k.d.lines.v[i]);
		else
			print_problem(k.d.lines.v[i]);
	}
	collected_free(&k);
	return 0;
}

/* Hidden command for bench/xen-load: loads the target with kexec without
 * starting it, and says how long that took. */
static int timed_load(const struct target *t, const struct boot_opts *bo, char **err)
{
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	int r = boot_load(t, bo, err);
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (r == 0)
		printf("loaded '%s' in %.1f ms\n", t->title,
		       (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6);
	return r;
}

static int plan(const struct host_opts *o, const char *which, bool load)
{
	struct collected k;
	if (collect(o, &k) < 0)
		return 1;
	char *end;
	errno = 0;
	unsigned long long idx = strtoull(which, &end, 10);
	bool number = *which >= '0' && *which <= '9' && !*end;
	/* an index too big for the list is no target, not the index it wraps to */
	long i = !number ? tl_find_title(&k.all, which) : errno || idx >= k.all.n ? -1 : (long)idx;
	int r = 1;
	if (i < 0 || (size_t)i >= k.all.n) {
		fprintf(stderr, "kexec-loader: no target '%s' (there are %zu)\n", which, k.all.n);
	} else {
		char *err = NULL;
		struct boot_opts print = o->boot;
		print.print_plan = stdout;
		r = (load ? timed_load(&k.all.v[i], &o->boot, &err)
			  : boot_load(&k.all.v[i], &print, &err)) < 0;
		if (r)
			fprintf(stderr, "kexec-loader: %s\n", err);
		free(err);
	}
	collected_free(&k);
	return r;
}

static int grub_script(const char *file)
{
	char *text;
	size_t len;
	int r = uf_read(file, 4 << 20, &text, &len);
	if (r < 0) {
		char *msg = uf_message(file, NULL, r);
		fprintf(stderr, "kexec-loader: %s\n", msg);
		free(msg);
		return 1;
	}
	struct strbuf out = {0};
	struct diag_list d = {0};
	grub2_run_script(text, len, file, &out, &d);
	fwrite(out.s ? out.s : "", 1, out.len, stdout);
	for (size_t i = 0; i < d.lines.n; i++)
		print_problem(d.lines.v[i]);
	free(text);
	sb_free(&out);
	diag_free(&d);
	return 0;
}

static void progress_line(const char *line, bool final)
{
	fprintf(stderr, "\r%s\033[K%s", line, final ? "\n" : "");
}

/* Downloads a network path with the boot menu's own clients. */
static int fetch(const char *what, const char *out)
{
	char *dev, *path, *err = NULL;
	if (path_split(what, &dev, &path) < 0 || !netdev_is(dev)) {
		fprintf(stderr, "kexec-loader: %s is not a network path (write http://SERVER/path or "
				"(tftp,SERVER)/path)\n", what);
		free(dev), free(path);
		return 2;
	}
	fetch_set_progress(isatty(2) ? progress_line : NULL);
	int fd = net_open(dev, path, &err);
	free(dev), free(path);
	if (fd < 0) {
		fprintf(stderr, "kexec-loader: %s\n", err);
		free(err);
		return 1;
	}
	int ofd = out ? open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : 1;
	int rc = ofd < 0 ? 1 : 0;
	char buf[65536];
	for (ssize_t n; rc == 0 && (n = read(fd, buf, sizeof(buf))) != 0;)
		if (n < 0 || write(ofd, buf, (size_t)n) != n)
			rc = 1;
	if (rc)
		fprintf(stderr, "kexec-loader: cannot write %s: %s\n", out ? out : "standard output",
			errtext(errno));
	if (out && ofd >= 0)
		close(ofd);
	close(fd);
	return rc;
}

static int host_run(int argc, char **argv);

/* Out of memory, a command says so and fails; it never dumps core. */
int host_main(int argc, char **argv)
{
	struct oom_point p;
	volatile int r = 1;
	oom_push(&p);
	if (sigsetjmp(p.jb, 0) == 0)
		r = host_run(argc, argv);
	else
		fprintf(stderr, "kexec-loader: out of memory\n");
	oom_pop(&p);
	return r;
}

static int host_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"json", no_argument, NULL, 'j'},    {"timing", no_argument, NULL, 't'},    {"dev", required_argument, NULL, 'd'},
		{"boot-dev", required_argument, NULL, 'b'},
		{"kexec-load", no_argument, NULL, 'k'},
		{"verbose", no_argument, NULL, 'v'}, {"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'}, {NULL, 0, NULL, 0},
	};
	struct host_opts o = {0};
	for (int c; (c = getopt_long(argc, argv, "vhV", longopts, NULL)) != -1;) {
		switch (c) {
		case 'j': o.json = true; break;
		case 't': o.timing = true; break;
		case 'd': if ((c = add_dev(optarg))) return c; break;
		case 'b': o.boot_dev = optarg; break;
		case 'k': o.boot.force_kexec_load = true; break;
		case 'v': log_set_fd(2); break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("kexec-loader %s\n", KL_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	disk_set_net_opener(net_open); /* network paths in a configuration are fetched */
	if (optind < argc && strcmp(argv[optind], "list") == 0) {
		o.config = optind + 1 < argc ? argv[optind + 1] : NULL;
		return list(&o);
	}
	if (optind + 2 < argc && (strcmp(argv[optind], "plan") == 0 ||
				  strcmp(argv[optind], "load") == 0)) {
		o.config = argv[optind + 1];
		return plan(&o, argv[optind + 2], argv[optind][0] == 'l');
	}
	if (optind + 1 < argc && strcmp(argv[optind], "fetch") == 0)
		return fetch(argv[optind + 1], optind + 2 < argc ? argv[optind + 2] : NULL);
	if (optind + 1 < argc && strcmp(argv[optind], "grub-script") == 0)
		return grub_script(argv[optind + 1]);
	usage(stderr);
	return 2;
}
