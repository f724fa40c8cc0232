/* Tab completion in the shell: command names, devices and paths. */
#include <stdlib.h>
#include <string.h>
#include "disk.h"
#include "shell_int.h"

static const char *const command_names[] = {
	"append", "boot", "cat", "cmdline", "disks", "exit", "find", "help", "initrd", "kernel",
	"log", "ls", "module", "poweroff", "reboot", "reset-vga", "root", "show",
};

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

static void paths(struct strlist *words, const char *word, size_t n)
{
	if ((n && word[0] == '(' && !memchr(word, ')', n)) || (n == 0 && !SH.tgt.root)) {
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
	if (io->list(io->ctx, SH.tgt.root, dir, &names) == 0) {
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

static bool takes_path(const char *cmd, size_t n, bool first_arg)
{
	static const char *const with_path[] = {"kernel", "initrd", "module", "ls", "cat"};
	for (size_t i = 0; i < ARRAY_SIZE(with_path); i++)
		if (strlen(with_path[i]) == n && !strncmp(cmd, with_path[i], n))
			return first_arg;
	/* find PATTERN DIR: the folder comes second */
	return n == 4 && !strncmp(cmd, "find", 4) && !first_arg;
}

size_t shell_complete(void *ctx, const char *line, size_t cursor, struct strlist *words)
{
	size_t start = strspn(line, " \t");
	if (start > cursor)
		return cursor;
	size_t cmd_end = start + strcspn(line + start, " \t");
	if (cursor <= cmd_end) {
		for (size_t i = 0; i < ARRAY_SIZE(command_names); i++)
			add_if(words, line + start, cursor - start, xstrdup(command_names[i]));
		return start;
	}
	size_t ws = cursor;
	while (ws > cmd_end && line[ws - 1] != ' ' && line[ws - 1] != '\t')
		ws--;
	size_t arg_start = cmd_end + strspn(line + cmd_end, " \t");
	bool first_arg = ws == arg_start;
	const char *cmd = line + start;
	size_t cmd_len = cmd_end - start;
	if (cmd_len == 4 && !strncmp(cmd, "root", 4)) {
		bool paren = ws < cursor && line[ws] == '(';
		devices(words, line + ws + paren, cursor - ws - paren, false);
		if (paren)
			for (size_t i = 0; i < words->n; i++) {
				char *w = xasprintf("(%s)", words->v[i]);
				free(words->v[i]);
				words->v[i] = w;
			}
	} else if (takes_path(cmd, cmd_len, first_arg)) {
		paths(words, line + ws, cursor - ws);
	}
	return ws;
}
