/* The shell's commands that look at disks: disks, ls, find, cat. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "disk.h"
#include "pager.h"
#include "shell_fs.h"
#include "userfile.h"

#define LIST_MAX 20000       /* names read from one folder */
#define FIND_VISIT_MAX 200000 /* entries find looks at before it gives up */
#define FIND_DEPTH_MAX 64
#define CAT_MAX (16u << 20)

static char *size_text(unsigned long long b)
{
	static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
	if (b < 10240)
		return xasprintf("%llu B", b);
	double v = (double)b / 1024;
	size_t u = 0;
	while (v >= 1024 && u + 1 < ARRAY_SIZE(units))
		v /= 1024, u++;
	return xasprintf("%.1f %s", v, units[u]);
}

static int width_of(const char *s, int w)
{
	int n = (int)strlen(s);
	return n > w ? n : w;
}

void shell_cmd_disks(struct shell *sh, struct term *t, const char *arg)
{
	const struct fsinfo *v;
	disk_rescan();
	size_t n = disk_list(&v);
	if (n == 0) {
		term_puts(t, "No disks were found. Their driver may be missing: "
			     "copy its module into the boot disk's modules folder.\r\n");
		return;
	}
	struct strlist cells = {0};
	int w[4] = {6, 4, 5, 4};
	for (size_t i = 0; i < n; i++) {
		const char *cols[4] = {v[i].name, v[i].fstype ? v[i].fstype : v[i].pttype,
				       v[i].label, v[i].uuid};
		for (int c = 0; c < 4; c++) {
			char *s = safe_text(cols[c] ? cols[c] : "-");
			w[c] = width_of(s, w[c]);
			sl_push_owned(&cells, s);
		}
	}
	struct pager p;
	pager_init(&p, t);
	pager_printf(&p, "%-*s  %-*s  %-*s  %-*s  %s\n", w[0], "Device", w[1], "Type", w[2],
		     "Label", w[3], "UUID", "Size");
	for (size_t i = 0; i < n && !p.stopped; i++) {
		char **c = cells.v + 4 * i, *size = size_text(v[i].size);
		pager_printf(&p, "%-*s  %-*s  %-*s  %-*s  %s\n", w[0], c[0], w[1], c[1], w[2], c[2],
			     w[3], c[3], size);
		free(size);
	}
	pager_end(&p);
	sl_free(&cells);
}

/* The names in an open folder, sorted, folders with a '/' after them.
 * Takes over fd. Returns false when the folder holds more than LIST_MAX names. */
static bool read_names(int fd, struct strlist *names)
{
	return uf_read_names(fd, names, LIST_MAX) != 1;
}

static void print_columns(struct pager *p, const struct strlist *words)
{
	size_t widest = 1;
	for (size_t i = 0; i < words->n; i++)
		if (strlen(words->v[i]) > widest)
			widest = strlen(words->v[i]);
	size_t cols = (size_t)(p->t->cols > 2 ? p->t->cols - 1 : 1) / (widest + 2);
	cols = cols ? cols : 1;
	size_t rows = (words->n + cols - 1) / cols;
	for (size_t r = 0; r < rows && !p->stopped; r++) {
		struct strbuf sb = {0};
		for (size_t c = 0; c < cols && c * rows + r < words->n; c++) {
			char *s = safe_text(words->v[c * rows + r]);
			bool last = c + 1 == cols || (c + 1) * rows + r >= words->n;
			sb_printf(&sb, "%-*s", last ? 0 : (int)(widest + 2), s);
			free(s);
		}
		sb_putc(&sb, '\n');
		pager_text(p, sb.s, sb.len);
		sb_free(&sb);
	}
}

/* ls alone: the devices, as paths are written. */
static void list_devices(struct term *t)
{
	const struct fsinfo *v;
	disk_rescan();
	size_t n = disk_list(&v);
	struct strlist words = {0};
	for (size_t i = 0; i < n; i++)
		if (v[i].fstype)
			sl_push_owned(&words, xasprintf("(%s)", v[i].name));
	struct pager p;
	pager_init(&p, t);
	if (!words.n)
		pager_puts(&p, "No filesystem was found on any disk (type disks to see them all).\n");
	print_columns(&p, &words);
	pager_end(&p);
	sl_free(&words);
}

static void report(struct term *t, const char *err)
{
	char *s = safe_text(err);
	term_printf(t, "%s\r\n", s);
	free(s);
}

void shell_cmd_ls(struct shell *sh, struct term *t, const char *arg)
{
	if (!*arg && !sh->tgt.root) {
		list_devices(t);
		return;
	}
	char *err = NULL;
	int fd = disk_opendir(sh->tgt.root, *arg ? arg : "/", &err);
	if (fd < 0) {
		report(t, err);
		free(err);
		return;
	}
	struct strlist names = {0};
	bool all = read_names(fd, &names);
	struct pager p;
	pager_init(&p, t);
	print_columns(&p, &names);
	if (!all)
		pager_printf(&p, "(only the first %d names are shown)\n", LIST_MAX);
	pager_end(&p);
	sl_free(&names);
}

struct finder {
	struct term *t;
	struct pager p;
	const char *pattern;
	bool whole_path; /* the pattern has a '/': match it against the path below DIR */
	size_t visited, found;
	dev_t dev;
	bool stop;
};

/* Ctrl-C typed while find runs (other keys are dropped). */
static bool interrupted(struct term *t)
{
	int k;
	while ((k = term_key(t, 0, -1)) != KEY_TIMEOUT && k != KEY_EVENT)
		if (k == 3)
			return true;
	return false;
}

/* Checks one name below the folder; returns false when find must stop. */
static bool visit(struct finder *f, const char *name, const char *path, bool dir)
{
	if (++f->visited % 256 == 0 && interrupted(f->t)) {
		pager_puts(&f->p, "(stopped)\n");
		return false;
	}
	if (f->visited > FIND_VISIT_MAX) {
		pager_printf(&f->p, "(stopped after looking at %d names: give a folder to look in)\n",
			     FIND_VISIT_MAX);
		return false;
	}
	if (fnmatch(f->pattern, f->whole_path ? path : name, 0) != 0)
		return true;
	f->found++;
	char *safe = safe_text(path);
	bool go_on = pager_printf(&f->p, "%s%s\n", safe, dir ? "/" : "");
	free(safe);
	return go_on;
}

/* Walks the folder open at fd (taken over); path is how it is shown. Symbolic
 * links are not followed and other filesystems mounted inside are not entered. */
static void walk(struct finder *f, int fd, struct strbuf *path, int depth)
{
	struct strlist names = {0};
	int list_fd = dup(fd);
	if (list_fd >= 0)
		read_names(list_fd, &names);
	size_t base = path->len;
	for (size_t i = 0; i < names.n && !f->stop; i++) {
		char *name = names.v[i];
		size_t n = strlen(name);
		bool dir = n > 1 && name[n - 1] == '/';
		if (dir)
			name[n - 1] = 0;
		path->len = base;
		sb_printf(path, "/%s", name);
		f->stop = !visit(f, name, path->s, dir);
		if (!dir || f->stop || depth >= FIND_DEPTH_MAX)
			continue;
		int sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		struct stat st;
		if (sub >= 0 && fstat(sub, &st) == 0 && st.st_dev == f->dev)
			walk(f, sub, path, depth + 1);
		else if (sub >= 0)
			close(sub);
	}
	path->len = base;
	if (path->s)
		path->s[base] = 0;
	sl_free(&names);
	close(fd);
}

void shell_cmd_find(struct shell *sh, struct term *t, const char *arg)
{
	if (!*arg) {
		term_puts(t, "find needs a pattern, for example: find vmlinuz* or find *.cfg (sda1)/boot\r\n");
		return;
	}
	size_t n = strcspn(arg, " \t");
	char *pattern = xstrndup(arg, n);
	const char *dir = arg + n + strspn(arg + n, " \t");
	if (!*dir && !sh->tgt.root) {
		term_puts(t, "Which device? Give a folder, as in find PATTERN (sda1)/, or set root first.\r\n");
		free(pattern);
		return;
	}
	char *err = NULL;
	int fd = disk_opendir(sh->tgt.root, *dir ? dir : "/", &err);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		report(t, err ? err : "cannot read that folder");
		free(err);
		free(pattern);
		if (fd >= 0)
			close(fd);
		return;
	}
	struct finder f = {.t = t, .pattern = pattern, .whole_path = strchr(pattern, '/') != NULL,
			   .dev = st.st_dev};
	pager_init(&f.p, t);
	struct strbuf path = {0};
	sb_puts(&path, *dir ? dir : "");
	while (path.len && path.s[path.len - 1] == '/')
		path.s[--path.len] = 0;
	walk(&f, fd, &path, 0);
	if (!f.found && !f.stop)
		pager_puts(&f.p, "Nothing found.\n");
	pager_end(&f.p);
	sb_free(&path);
	free(pattern);
}

void shell_cmd_cat(struct shell *sh, struct term *t, const char *arg)
{
	if (!*arg) {
		term_puts(t, "cat needs a file, for example: cat /boot/grub/grub.cfg\r\n");
		return;
	}
	char *err = NULL;
	int fd = disk_open(sh->tgt.root, arg, &err);
	if (fd == -UF_EDIR) {
		char *s = safe_text(arg);
		term_printf(t, "%s is a folder: use ls %s\r\n", s, s);
		free(s);
	}
	if (fd < 0) {
		if (fd != -UF_EDIR)
			report(t, err);
		free(err);
		return;
	}
	struct pager p;
	pager_init(&p, t);
	char buf[4096];
	size_t total = 0;
	ssize_t r;
	while (!p.stopped && total < CAT_MAX && (r = read(fd, buf, sizeof(buf))) > 0) {
		pager_text(&p, buf, (size_t)r);
		total += (size_t)r;
	}
	if (total >= CAT_MAX && !p.stopped)
		pager_printf(&p, "\n(cut after %u MiB)\n", CAT_MAX >> 20);
	pager_end(&p);
	close(fd);
}
