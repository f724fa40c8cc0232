/* Tab completion in the shell: command names, devices and paths. */
#include <stdlib.h>
#include <string.h>
#include "disk.h"
#include "shell_complete.h"

static void add_if(struct strlist *words, const char *prefix, size_t n, char *word)
{
	if (strncmp(word, prefix, n) == 0)
		sl_push_owned(words, word);
	else
		free(word);
}

/* Devices with a filesystem, each by name, label and UUID: "(sda1)/" in a
 * path, "sda1" after root. */
static void devices(struct strlist *words, const char *prefix, size_t n, bool in_path)
{
	const struct fsinfo *v;
	size_t count = disk_list(&v);
	const char *open = in_path ? "(" : "", *close = in_path ? ")/" : "";
	for (size_t i = 0; i < count; i++) {
		if (!v[i].fstype)
			continue;
		add_if(words, prefix, n, xasprintf("%s%s%s", open, v[i].name, close));
		if (v[i].label)
			add_if(words, prefix, n, xasprintf("%sLABEL=%s%s", open, v[i].label, close));
		if (v[i].uuid)
			add_if(words, prefix, n, xasprintf("%sUUID=%s%s", open, v[i].uuid, close));
	}
}

static void paths(struct strlist *words, const char *root, const char *word, size_t n)
{
	if ((n && word[0] == '(' && !memchr(word, ')', n)) || (n == 0 && !root)) {
		devices(words, word, n, true);
		return;
	}
	const char *slash = NULL;
	for (size_t i = 0; i < n; i++)
		if (word[i] == '/')
			slash = word + i;
	char *dir = slash ? xstrndup(word, (size_t)(slash - word) + 1) : xstrdup("/");
	const char *name = slash ? slash + 1 : word;
	size_t name_len = n - (size_t)(name - word);
	struct strlist names = {0};
	struct fsio *io = disk_fsio();
	if (io->list(io->ctx, root, dir, &names) == 0) {
		for (size_t i = 0; i < names.n; i++) {
			const char *e = names.v[i];
			if (e[0] == '.' && (name_len == 0 || name[0] != '.'))
				continue;
			if (strncmp(e, name, name_len) == 0)
				sl_push_owned(words, xasprintf("%s%s", dir, e));
		}
	}
	sl_free(&names);
	free(dir);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The command of cmds named by the n bytes at name, or NULL. */
static const struct shell_cmd *find_cmd(const struct shell_cmd *cmds, size_t ncmds,
					const char *name, size_t n)
{
	for (size_t i = 0; i < ncmds; i++)
		if (strlen(cmds[i].name) == n && !strncmp(cmds[i].name, name, n))
			return &cmds[i];
	return NULL;
}

size_t shell_complete_line(const struct shell_cmd *cmds, size_t ncmds, const char *root,
			   const char *line, size_t cursor, struct strlist *words)
{
	size_t start = strspn(line, " \t");
	if (start > cursor)
		return cursor;
	size_t cmd_end = start + strcspn(line + start, " \t");
	if (cursor <= cmd_end) {
		for (size_t i = 0; i < ncmds; i++)
			add_if(words, line + start, cursor - start, xstrdup(cmds[i].name));
		qsort(words->v, words->n, sizeof(*words->v), by_name);
		return start;
	}
	size_t ws = cursor;
	while (ws > cmd_end && line[ws - 1] != ' ' && line[ws - 1] != '\t')
		ws--;
	size_t arg_start = cmd_end + strspn(line + cmd_end, " \t");
	bool first_arg = ws == arg_start;
	const struct shell_cmd *cmd = find_cmd(cmds, ncmds, line + start, cmd_end - start);
	if (!cmd)
		return ws;
	if (cmd->device_arg) {
		bool paren = ws < cursor && line[ws] == '(';
		devices(words, line + ws + paren, cursor - ws - paren, false);
		if (paren)
			for (size_t i = 0; i < words->n; i++) {
				char *w = xasprintf("(%s)", words->v[i]);
				free(words->v[i]);
				words->v[i] = w;
			}
	} else if (cmd->path_arg == (first_arg ? SH_PATH_FIRST : SH_PATH_SECOND)) {
		paths(words, root, line + ws, cursor - ws);
	}
	return ws;
}
