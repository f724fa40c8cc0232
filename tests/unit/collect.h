/* Autodetection as it runs with no kexec-loader.conf of its own, and a look
 * at the messages it gave. */
#ifndef KL_TEST_COLLECT_H
#define KL_TEST_COLLECT_H
#include "unit.h"
#include "conf.h"
#include "sources.h"
#include "target.h"

/* The targets of every device io shows, with the default configuration.
 * Nothing is allocated before sources_collect, so a test that makes
 * allocations fail from a count still counts from there. */
static inline void collect_defaults(const struct fsio *io, struct target_list *l,
				    struct diag_list *d)
{
	struct config c;
	config_init(&c);
	tl_init(l);
	*d = (struct diag_list){0};
	sources_collect(&c, io, NULL, l, d);
	config_free(&c);
}

/* How many of the messages contain `what`. */
static inline size_t count_with(const struct diag_list *d, const char *what)
{
	size_t n = 0;
	for (size_t i = 0; i < d->lines.n; i++)
		n += strstr(d->lines.v[i], what) != NULL;
	return n;
}

#endif
