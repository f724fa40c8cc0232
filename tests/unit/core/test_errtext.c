#include "unit.h"
#include "errtext.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The test build links glibc: every code's words must be glibc's, so that the
 * musl-linked binary says what glibc would (the table has no typo), and the
 * codes musl leaves without words have them. */
static void words_are_glibcs(void **state)
{
	for (int e = 1; e < 134; e++) {
		/* glibc's words for an unknown code live until its next call */
		char got[128];
		snprintf(got, sizeof(got), "%s", errtext(e));
		assert_str(got, strerror(e));
	}
}

static void codes_musl_has_no_words_for(void **state)
{
	assert_str(errtext(EUCLEAN), "Structure needs cleaning");
	assert_str(errtext(EIO), "Input/output error");
	assert_str(errtext(ETIMEDOUT), "Connection timed out");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(words_are_glibcs),
		cmocka_unit_test(codes_musl_has_no_words_for),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
