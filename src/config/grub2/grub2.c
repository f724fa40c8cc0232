/* The GRUB 2 grub.cfg interpreter's entry points: they set up an
 * interpreter with the table of built-in commands and the menu's hook, run
 * the file and build its menu. The files of this folder, from the bottom up:
 * grub2_parse (text to a tree), grub2_vars (variables, errors, bounds),
 * grub2_search (GRUB devices and files), grub2_exec (runs a tree), grub2_menu
 * (entries to targets), grub2_loader and grub2_cmds (the commands). */
#include "grub2.h"
#include "grub2_cmds.h"
#include "grub2_exec.h"
#include "grub2_loader.h"
#include "grub2_menu.h"
#include "grub2_search.h"
#include "grub2_vars.h"
#include "userfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Every built-in command, sorted by name (the executor searches it). */
static const struct gcmd CMDS[] = {
	{".", g_cmd_source},
	{"[", g_cmd_test},
	{"blscfg", g_cmd_blscfg},
	{"chainloader", g_cmd_loader},
	{"configfile", g_cmd_source},
	{"echo", g_cmd_echo},
	{"eval", g_cmd_eval},
	{"export", g_cmd_export},
	{"false", g_cmd_true},
	{"initrd", g_cmd_initrd},
	{"initrd16", g_cmd_initrd},
	{"initrdefi", g_cmd_initrd},
	{"keystatus", g_cmd_true},
	{"linux", g_cmd_loader},
	{"linux16", g_cmd_loader},
	{"linuxefi", g_cmd_loader},
	{"load_env", g_cmd_load_env},
	{"module", g_cmd_module},
	{"module2", g_cmd_module},
	{"multiboot", g_cmd_loader},
	{"multiboot2", g_cmd_loader},
	{"normal", g_cmd_source},
	{"probe", g_cmd_probe},
	{"save_env", g_cmd_save_env},
	{"search", g_cmd_search},
	{"search.file", g_cmd_search},
	{"search.fs_label", g_cmd_search},
	{"search.fs_uuid", g_cmd_search},
	{"set", g_cmd_set},
	{"setparams", g_cmd_setparams},
	{"sleep", g_cmd_nop},
	{"source", g_cmd_source},
	{"test", g_cmd_test},
	{"true", g_cmd_true},
	{"unset", g_cmd_unset},
};

static void gi_init(struct gi *I, const struct grub2_opts *o, struct diag_list *d,
		    struct strlist *top)
{
	*I = (struct gi){.io = o->io, .device = o->device, .to_device = o->to_device,
			 .from_device = o->from_device, .map_ctx = o->map_ctx,
			 .cmds = CMDS, .ncmds = ARRAY_SIZE(CMDS), .on_entry = g_menu_entry,
			 .d = d, .out = o->echo_out, .menu_parent = -1, .argv = top};
}

static void set_exported(struct gi *I, const char *name, const char *val)
{
	gv_set(I, name, val);
	gv_export(I, name);
}

static void initial_vars(struct gi *I, const char *root, const char *path)
{
	static const char *const features[] = {
		"feature_chainloader_bpb", "feature_ntldr", "feature_platform_search_hint",
		"feature_default_font_path", "feature_all_video_module", "feature_menuentry_id",
		"feature_menuentry_options", "feature_200_final", "feature_nativedisk_cmd",
		"feature_timeout_style"};
	for (size_t i = 0; i < ARRAY_SIZE(features); i++)
		set_exported(I, features[i], "y");
	set_exported(I, "grub_platform", "pc");
	set_exported(I, "grub_cpu", "i386");
	if (!root)
		return;
	set_exported(I, "root", root);
	const char *slash = strrchr(path, '/');
	char *dir = xasprintf("(%s)%.*s", root, slash ? (int)(slash - path) : 0, path);
	char *file = xasprintf("(%s)%s", root, path);
	set_exported(I, "prefix", dir);
	set_exported(I, "config_directory", dir);
	set_exported(I, "config_file", file);
	char *cmdpath = str_starts(path, "/EFI/") || str_starts(path, "/efi/")
				? xstrdup(dir) : xasprintf("(%.*s)", (int)strcspn(root, ","), root);
	set_exported(I, "cmdpath", cmdpath);
	free(cmdpath);
	free(file);
	free(dir);
}

static void gi_free(struct gi *I)
{
	g_menu_free(I);
	gv_free(I);
	g_exec_free(I);
	g_memo_free(I);
	sl_free(&I->saved);
}

int grub2_load(const struct grub2_opts *o, struct target_list *out, struct diag_list *d)
{
	struct gi I;
	struct strlist top = {0};
	gi_init(&I, o, d, &top);
	char *buf = NULL;
	size_t len = 0;
	int r = o->io && o->io->read ? o->io->read(o->io->ctx, o->device, o->path, G_MAX_FILE, &buf, &len)
				       : -ENOSYS;
	if (r == 0) {
		char *root = o->device ? g_grubname(&I, o->device) : NULL;
		initial_vars(&I, root, o->path);
		free(root);
		for (size_t i = 0; o->vars && i < o->vars->n; i++) {
			const char *kv = o->vars->v[i], *eq = strchr(kv, '=');
			char *name = eq ? xstrndup(kv, (size_t)(eq - kv)) : NULL;
			if (name)
				set_exported(&I, name, eq + 1);
			free(name);
		}
		g_run_text(&I, buf, len, o->path, o->device, 0);
		g_menu_finish(&I, out);
	} else {
		diag_take(d, uf_message_max(o->path, o->device, r, G_MAX_FILE));
	}
	gi_free(&I);
	sl_free(&top);
	return r;
}

static const struct fsio no_io;

int grub2_run_script(const char *text, size_t len, const char *name, struct strbuf *echo_out,
		     struct diag_list *d)
{
	struct grub2_opts o = {.io = &no_io, .echo_out = echo_out};
	struct gi I;
	struct strlist top = {0};
	gi_init(&I, &o, d, &top);
	initial_vars(&I, NULL, "");
	size_t n = len < G_MAX_FILE ? len : G_MAX_FILE;
	char *copy = xmalloc(n + 1);
	memcpy(copy, text, n);
	copy[n] = 0;
	int st = g_run_text(&I, copy, n, name, NULL, 0);
	gi_free(&I);
	sl_free(&top);
	return st;
}
