/* Files the host-mode tests lay out in a temporary folder for the code
 * under test to read. A file that cannot be written fails the test where it
 * is written, not later as a puzzling read error. */
#ifndef KL_TEST_HOSTFILE_H
#define KL_TEST_HOSTFILE_H
#include <stdio.h>
#include <sys/stat.h>
#include "unit.h"
#include "util.h"

static inline void write_bytes(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fwrite(data, 1, n, f);
	fclose(f);
}

static inline void write_text(const char *path, const char *text)
{
	write_bytes(path, text, strlen(text));
}

/* dir/rel, making the folders between the two that are not there yet. */
static inline void write_bytes_below(const char *dir, const char *rel, const void *data, size_t n)
{
	char *path = xasprintf("%s/%s", dir, rel);
	for (char *s = path + strlen(dir) + 1; (s = strchr(s, '/')); s++) {
		*s = 0;
		mkdir(path, 0755);
		*s = '/';
	}
	write_bytes(path, data, n);
	free(path);
}

static inline void write_text_below(const char *dir, const char *rel, const char *text)
{
	write_bytes_below(dir, rel, text, strlen(text));
}

#endif
