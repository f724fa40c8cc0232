/* GRUB 2 commands that work on the interpreter itself: echo, set, unset,
 * export, setparams, true, false, test and [, eval, source, configfile,
 * load_env, save_env. */
#include "grub2_cmds.h"
#include "grub2_exec.h"
#include "grub2_menu.h"
#include "grub2_search.h"
#include "grub2_vars.h"
#include "userfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int g_cmd_echo(struct gi *I, int line, int argc, char **argv)
{
	bool nl = true, esc = false;
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1] && strspn(argv[i] + 1, "ne") == strlen(argv[i] + 1); i++) {
		nl &= !strchr(argv[i], 'n');
		esc |= strchr(argv[i], 'e') != NULL;
	}
	if (!I->out || I->out->len > G_MAX_OUT)
		return 0;
	for (int first = i; i < argc; i++) {
		if (i > first)
			sb_putc(I->out, ' ');
		for (const char *s = argv[i]; *s; s++) {
			const char *from = "abfnrtv\\", *to = "\a\b\f\n\r\t\v\\", *p;
			if (!esc) {
				sb_puts(I->out, s);
				break;
			} else if (*s != '\\' || !s[1]) {
				sb_putc(I->out, *s);
			} else if (s[1] == 'c') {
				return 0;
			} else if ((p = strchr(from, s[1]))) {
				sb_putc(I->out, to[p - from]);
				s++;
			} else {
				sb_putc(I->out, '\\');
			}
		}
	}
	if (nl)
		sb_putc(I->out, '\n');
	return 0;
}

int g_cmd_set(struct gi *I, int line, int argc, char **argv)
{
	if (argc < 2)
		return 0;
	char *eq = strchr(argv[1], '=');
	if (!eq) {
		g_error(I, line, "not an assignment");
		return 1;
	}
	*eq = 0;
	gv_set(I, argv[1], eq + 1);
	return 0;
}

int g_cmd_unset(struct gi *I, int line, int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		gv_unset(I, argv[i]);
	return 0;
}

int g_cmd_export(struct gi *I, int line, int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		gv_export(I, argv[i]);
	return 0;
}

int g_cmd_setparams(struct gi *I, int line, int argc, char **argv)
{
	sl_free(I->argv);
	for (int i = 1; i < argc; i++)
		sl_push(I->argv, argv[i]);
	return 0;
}

int g_cmd_true(struct gi *I, int line, int argc, char **argv)
{
	return argv[0][0] == 'f' || !strcmp(argv[0], "keystatus");
}

/* ---- test, as GRUB evaluates it: -a binds tighter than -o, "!" inverts
 * the next value, ( ) group ---- */

struct tst {
	struct gi *I;
	char **a;
	int n, i;
	int and, or, invert;
};

static void tval(struct tst *t, int v)
{
	t->and = t->and && (t->invert ? !v : v);
	t->invert = 0;
}

static int file_size_nonzero(struct gi *I, const char *p)
{
	char *buf = NULL;
	size_t len = 0;
	bool dir;
	if (!p[0] || !g_stat(I, p, &dir) || dir)
		return 0;
	/* one byte is enough to know the file is not empty */
	int r = g_read_max(I, p, 1, &buf, &len);
	free(buf);
	return r == -EFBIG || (r == 0 && len > 0);
}

static int prefix_cmp(const char *a, const char *b)
{
	size_t i = 0;
	while (a[i] && a[i] == b[i] && !(a[i] >= '0' && a[i] <= '9'))
		i++;
	unsigned long x = strtoul(a + i, NULL, 10), y = strtoul(b + i, NULL, 10);
	return x < y ? -1 : x > y;
}

static bool test3(struct tst *t)
{
	const char *x = t->a[t->i], *op = t->a[t->i + 1], *y = t->a[t->i + 2];
	long nx = strtol(x, NULL, 0), ny = strtol(y, NULL, 0);
	int s = strcmp(x, y);
	static const char *const ops[] = {"=", "==", "!=", "<", "<=", ">", ">=", "-eq", "-ne",
					  "-lt", "-le", "-gt", "-ge", "-pgt", "-plt", NULL};
	int k = 0;
	while (ops[k] && strcmp(ops[k], op))
		k++;
	int v;
	switch (k) {
	case 0: case 1: v = s == 0; break;
	case 2: v = s != 0; break;
	case 3: v = s < 0; break;
	case 4: v = s <= 0; break;
	case 5: v = s > 0; break;
	case 6: v = s >= 0; break;
	case 7: v = nx == ny; break;
	case 8: v = nx != ny; break;
	case 9: v = nx < ny; break;
	case 10: v = nx <= ny; break;
	case 11: v = nx > ny; break;
	case 12: v = nx >= ny; break;
	case 13: v = prefix_cmp(x, y) > 0; break;
	case 14: v = prefix_cmp(x, y) < 0; break;
	default:
		if (str_starts(op, "-nt") || str_starts(op, "-ot"))
			v = 0; /* no file times here */
		else
			return false;
	}
	tval(t, v);
	t->i += 3;
	return true;
}

static bool test2(struct tst *t)
{
	const char *op = t->a[t->i], *p = t->a[t->i + 1];
	bool dir = false, ex;
	int v;
	if (!strcmp(op, "-d") || !strcmp(op, "-e") || !strcmp(op, "-f")) {
		ex = p[0] && g_stat(t->I, p, &dir);
		v = op[1] == 'd' ? ex && dir : op[1] == 'e' ? ex : ex && !dir;
	} else if (!strcmp(op, "-s")) {
		v = file_size_nonzero(t->I, p);
	} else if (!strcmp(op, "-n") || !strcmp(op, "-z")) {
		v = (p[0] != 0) == (op[1] == 'n');
	} else {
		return false;
	}
	tval(t, v);
	t->i += 2;
	return true;
}

static int test_parse(struct tst *t, int depth)
{
	t->and = 1;
	t->or = t->invert = 0;
	while (t->i < t->n) {
		if (t->i + 2 < t->n && test3(t))
			continue;
		if (t->i + 1 < t->n && test2(t))
			continue;
		const char *w = t->a[t->i++];
		if (!strcmp(w, ")"))
			break;
		if (!strcmp(w, "(") && depth < 64) {
			struct tst in = *t;
			int v = test_parse(&in, depth + 1);
			t->i = in.i;
			tval(t, v);
		} else if (!strcmp(w, "!")) {
			t->invert = !t->invert;
		} else if (!strcmp(w, "-o")) {
			t->or = t->or || t->and;
			t->and = 1;
		} else if (strcmp(w, "-a")) {
			tval(t, w[0] != 0);
		}
	}
	return t->or || t->and;
}

int g_cmd_test(struct gi *I, int line, int argc, char **argv)
{
	struct tst t = {.I = I, .a = argv + 1, .n = argc - 1};
	if (argv[0][0] == '[') {
		if (argc < 2 || strcmp(argv[argc - 1], "]")) {
			g_error(I, line, "] expected");
			return 1;
		}
		t.n--;
	}
	return !test_parse(&t, 0);
}

/* ---- eval, source, configfile ---- */

int g_cmd_eval(struct gi *I, int line, int argc, char **argv)
{
	struct strbuf sb = {0};
	for (int i = 1; i < argc; i++) {
		if (i > 1)
			sb_putc(&sb, ' ');
		sb_puts(&sb, argv[i]);
	}
	if (!sb.s)
		sb_puts(&sb, "");
	/* GRUB runs the text line by line and returns the last line's status:
	 * an empty last line gives 0 */
	bool nl_end = sb.len && sb.s[sb.len - 1] == '\n';
	size_t len = sb.len;
	int st = g_run_text(I, sb_steal(&sb), len, I->file, I->dev, line);
	return nl_end ? 0 : st;
}

static void set_config_vars(struct gi *I, const char *gpath)
{
	gv_set(I, "config_file", gpath);
	gv_export(I, "config_file");
	const char *slash = strrchr(gpath, '/');
	char *dir = xstrndup(gpath, slash ? (size_t)(slash - gpath) : 0);
	gv_set(I, "config_directory", dir);
	gv_export(I, "config_directory");
	free(dir);
}

int g_cmd_source(struct gi *I, int line, int argc, char **argv)
{
	bool newmenu = !strcmp(argv[0], "configfile") || !strcmp(argv[0], "normal");
	if (argc < 2) {
		g_error(I, line, "filename expected");
		return 1;
	}
	if ((I->in_entry || I->menu_parent >= 0) && newmenu)
		return 0; /* another menu, shown when this entry is chosen */
	char *buf = NULL, *dev = NULL, *path = NULL;
	size_t len = 0;
	int r = g_read(I, argv[1], &buf, &len);
	if (r != 0) {
		g_error(I, line, "file `%s' not found", argv[1]);
		if (uf_is_refusal(-r))
			diag_add(I->d, I->file, line, "%s: %s %s", argv[0], argv[1], uf_strerror(-r));
		else
			diag_add(I->d, I->file, line, "%s: cannot read %s; check the path and the device",
				 argv[0], argv[1]);
		return 1;
	}
	g_path(I, argv[1], &dev, &path);
	char *name = xstrdup(path);
	free(path);
	if (newmenu) {
		g_menu_reset(I);
		gv_keep_exported(I); /* a new context */
	}
	set_config_vars(I, argv[1]);
	int st = g_run_text(I, buf, len, name, dev, line);
	free(name);
	free(dev);
	if (newmenu)
		I->jump = J_STOP; /* GRUB shows the new menu and does not come back */
	return st;
}

/* ---- grubenv: read, never written ---- */

static bool wanted(const char *name, int argc, char **argv, int from)
{
	if (from >= argc)
		return true;
	for (int i = from; i < argc; i++)
		if (!strcmp(argv[i], name))
			return true;
	return false;
}

static void env_line(struct gi *I, char *s, int argc, char **argv, int from)
{
	char *eq = strchr(s, '=');
	if (s[0] == '#' || !eq || eq == s)
		return;
	*eq = 0;
	char *w = eq + 1;
	for (char *r = w; *r; r++) {
		if (*r == '\\' && r[1]) {
			r++;
			*w++ = *r == 'n' ? '\n' : *r;
		} else {
			*w++ = *r;
		}
	}
	*w = 0;
	if (wanted(s, argc, argv, from))
		gv_set(I, s, eq + 1);
}

int g_cmd_load_env(struct gi *I, int line, int argc, char **argv)
{
	const char *file = NULL;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++)
		if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--file"))
			file = i + 1 < argc ? argv[++i] : "";
		else if (str_starts(argv[i], "--file="))
			file = argv[i] + 7;
	const char *prefix = gv_get(I, "prefix");
	char *path = file ? xstrdup(file) : xasprintf("%s/grubenv", prefix ? prefix : "");
	char *buf = NULL;
	size_t len = 0;
	int st = 0;
	int r = g_read(I, path, &buf, &len);
	if (r != 0) {
		g_error(I, line, "file `%s' not found", path);
		if (uf_is_refusal(-r))
			diag_add(I->d, I->file, line, "load_env: %s %s", path, uf_strerror(-r));
		st = 1;
	} else if (!str_starts(buf, "# GRUB Environment Block\n")) {
		g_error(I, line, "invalid environment block");
		st = 1;
	} else {
		char *save = NULL;
		for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
			env_line(I, l, argc, argv, i);
	}
	/* what save_env kept in this run wins over the file */
	for (size_t k = 0; k < I->saved.n; k++) {
		char *e = xstrdup(I->saved.v[k]), *eq = strchr(e, '=');
		if (eq)
			env_line(I, e, argc, argv, i);
		else if (wanted(e, argc, argv, i))
			gv_unset(I, e);
		free(e);
	}
	free(buf);
	free(path);
	return st;
}

int g_cmd_save_env(struct gi *I, int line, int argc, char **argv)
{
	if (I->in_entry)
		return 0; /* happens when the entry boots, and never on disk */
	int i = 1;
	while (i < argc && argv[i][0] == '-')
		i += strcmp(argv[i], "-f") ? 1 : 2;
	for (; i < argc; i++) {
		const char *v = gv_get(I, argv[i]);
		struct strbuf e = {0};
		for (const char *s = argv[i]; *s; s++)
			sb_putc(&e, *s);
		if (v) {
			sb_putc(&e, '=');
			for (; *v; v++) {
				if (*v == '\\' || *v == '\n')
					sb_putc(&e, '\\');
				sb_putc(&e, *v == '\n' ? 'n' : *v);
			}
		}
		size_t n = strlen(argv[i]), k;
		for (k = 0; k < I->saved.n; k++)
			if (!strncmp(I->saved.v[k], argv[i], n) && strchr("=", I->saved.v[k][n]))
				break;
		if (k < I->saved.n) {
			free(I->saved.v[k]);
			I->saved.v[k] = sb_steal(&e);
		} else {
			sl_push_owned(&I->saved, sb_steal(&e));
		}
	}
	return 0;
}

int g_cmd_nop(struct gi *I, int line, int argc, char **argv)
{
	return 0;
}
