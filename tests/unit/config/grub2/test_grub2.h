/* Helpers shared by the GRUB 2 interpreter tests: the configuration corpus
 * (corpus.h), the fake fsio (fakefs.h), and reading a host file whole. */
#ifndef KL_TEST_GRUB2_CORPUS_H
#define KL_TEST_GRUB2_CORPUS_H
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "corpus.h"
#include "fakefs.h"
#include "fsio.h"
#include "util.h"
#include "userfile.h"

static inline char *slurp(const char *path, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	if (read_file_at(AT_FDCWD, path, 64u << 20, &buf, &n) != 0)
		return NULL;
	if (len)
		*len = n;
	return buf;
}

#endif
