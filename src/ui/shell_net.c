/* The shell's net command. */
#include "shell_net.h"

#include <stdlib.h>
#include <string.h>
#include "netboot.h"

/* Lines with "\n" ends as the terminal wants them. */
static void put_lines(struct term *t, const char *s)
{
	for (const char *p = s; *p;) {
		size_t n = strcspn(p, "\n");
		term_write(t, p, n);
		term_puts(t, "\r\n");
		p += n + (p[n] == '\n');
	}
}

void shell_cmd_net(struct shell *sh, struct term *t, const char *arg)
{
	struct strbuf out = {0};
	net_describe(&out);
	put_lines(t, out.s ? out.s : "");
	sb_free(&out);
}
