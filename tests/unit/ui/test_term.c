#include "unit.h"
#include "term.h"

static int decode(const char *s, size_t *used)
{
	return key_decode((const unsigned char *)s, strlen(s), used);
}

static void plain_and_arrows(void **state)
{
	size_t used;
	assert_int_equal(decode("a", &used), 'a');
	assert_int_equal(used, 1);
	assert_int_equal(decode("\n", &used), KEY_ENTER);
	assert_int_equal(decode("\033[A", &used), KEY_UP);
	assert_int_equal(used, 3);
	assert_int_equal(decode("\033[Bx", &used), KEY_DOWN);
	assert_int_equal(used, 3);
	assert_int_equal(decode("\033OB", &used), KEY_DOWN);
	assert_int_equal(decode("\033[5~", &used), KEY_PGUP);
	assert_int_equal(decode("\033[6~", &used), KEY_PGDN);
	assert_int_equal(decode("\033[H", &used), KEY_HOME);
	assert_int_equal(decode("\033[4~", &used), KEY_END);
	assert_int_equal(decode("\033[21~", &used), KEY_F10);
}

static void unfinished_and_unknown(void **state)
{
	size_t used;
	assert_int_equal(decode("\033[", &used), KEY_NONE);
	assert_int_equal(used, 0); /* wait for the rest */
	assert_int_equal(decode("\033[2", &used), KEY_NONE);
	assert_int_equal(used, 0);
	assert_int_equal(decode("\033[99;5Zq", &used), KEY_NONE);
	assert_int_equal(used, 7); /* swallowed up to its final byte, 'q' stays */
	assert_int_equal(decode("\033", &used), KEY_NONE);
	assert_int_equal(used, 0); /* a lone Escape is decided by the wait in term_key */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_and_arrows),
		cmocka_unit_test(unfinished_and_unknown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
