/* The configuration corpus some tests compare with: real configuration
 * files with the results other boot loaders expect. It is not part of the
 * repository; CI puts it beside the clone (../shared/corpus, relative to
 * the top of the clone, where the tests run), and KL_CORPUS names another
 * place. Without it those tests report themselves skipped, visibly
 * (tools/run-unit counts them; CI counts a skipped test as failed). */
#ifndef KL_TEST_CORPUS_H
#define KL_TEST_CORPUS_H
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include "unit.h"
#include "util.h"

/* The corpus folder; skips the running test when there is none. */
static inline const char *corpus_dir(void)
{
	const char *env = getenv("KL_CORPUS");
	const char *dir = env && *env ? env : "../shared/corpus";
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		print_message("no configuration corpus at %s: skipped\n", dir);
		skip();
	}
	return dir;
}

/* The text of a file of the corpus (read_file_at's max and *len); the test
 * is skipped when the file is not there. */
static inline char *corpus_text(const char *path, size_t max, size_t *len)
{
	char *text;
	if (read_file_at(AT_FDCWD, path, max, &text, len) < 0) {
		print_message("%s is not in the configuration corpus: skipped\n", path);
		skip();
	}
	return text;
}

#endif
