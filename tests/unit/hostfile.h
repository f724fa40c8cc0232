/* Files the host-mode tests lay out in a temporary folder for the code
 * under test to read. A file that cannot be written fails the test where it
 * is written, not later as a puzzling read error. */
#ifndef KL_TEST_HOSTFILE_H
#define KL_TEST_HOSTFILE_H
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
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

/* dir/rel of size bytes that take no room on the host's disk: for files
 * larger than the memory a test allows. */
static inline void write_sparse_below(const char *dir, const char *rel, off_t size)
{
	char *path = xasprintf("%s/%s", dir, rel);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(ftruncate(fileno(f), size), 0);
	fclose(f);
	free(path);
}

static inline void write_text_below(const char *dir, const char *rel, const char *text)
{
	write_bytes_below(dir, rel, text, strlen(text));
}

/* Removes a folder a test made, with all below it. */
static inline void remove_tree(const char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/* len zeroed bytes starting like a bzImage (boot protocol 2.15, four setup
 * sectors, loaded high): enough to be taken for Linux. xloadflags 3
 * (XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G) makes it one kexec_file_load
 * takes. The caller frees it. */
static inline unsigned char *bzimage_header(size_t len, unsigned char xloadflags)
{
	unsigned char *d = calloc(1, len);
	d[0x1f1] = 4;
	d[0x1fe] = 0x55, d[0x1ff] = 0xaa;
	memcpy(d + 0x202, "HdrS", 4);
	d[0x206] = 0x0f, d[0x207] = 0x02;
	d[0x211] = 1;
	d[0x236] = xloadflags;
	return d;
}

/* dir/rel: a kernel of a bzImage header and four pages, all a test that
 * loads it without running it needs. */
static inline void write_bzimage_below(const char *dir, const char *rel, unsigned char xloadflags)
{
	size_t len = 5 * 512 + 4096;
	unsigned char *d = bzimage_header(len, xloadflags);
	write_bytes_below(dir, rel, d, len);
	free(d);
}

#endif
