#include "unit.h"
#include "settings.h"

static void defaults(void **state)
{
	struct settings s;
	settings_parse(&s, "console=ttyS0 quiet\n");
	assert_str(s.root, "LABEL=kexecloader");
	assert_str(s.rootdir, "/");
	assert_str(s.debug_tty, "/dev/tty3");
	assert_int_equal(s.boot_index, -1);
	assert_null(s.boot_target);
	assert_false(s.force_kexec_load);
	settings_free(&s);
}

static void all_options(void **state)
{
	struct settings s;
	settings_parse(&s, "root=UUID=1234-ABCD rootdir=/kl debug_tty=/dev/ttyS1 boot_index=2 "
			   "boot_target=\"Debian GNU/Linux\" kl.kexec_load=1");
	assert_str(s.root, "UUID=1234-ABCD");
	assert_str(s.rootdir, "/kl");
	assert_str(s.debug_tty, "/dev/ttyS1");
	assert_int_equal(s.boot_index, 2);
	assert_str(s.boot_target, "Debian GNU/Linux");
	assert_true(s.force_kexec_load);
	settings_free(&s);
}

static void bad_index_is_kept_out_of_range(void **state)
{
	struct settings s;
	settings_parse(&s, "boot_index=two root=vda root=vdb");
	assert_int_equal(s.boot_index, 1000000);
	assert_str(s.root, "vdb"); /* the last one wins, as in the kernel */
	settings_free(&s);
}

static void get_value(void **state)
{
	char *v = cmdline_get("a=1 b=\"x y\" c", "b");
	assert_str(v, "x y");
	free(v);
	assert_null(cmdline_get("ab=1", "a"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(all_options),
		cmocka_unit_test(bad_index_is_kept_out_of_range),
		cmocka_unit_test(get_value),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
