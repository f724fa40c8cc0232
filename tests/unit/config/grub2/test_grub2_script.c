/* GRUB's own script tests (the corpus's grub-script/): the interpreter's
 * echo output must equal what GRUB 2.06 printed, byte for byte. */
#include "unit.h"
#include "test_grub2.h"
#include "grub2.h"

static int run_one(const char *dir, const char *name)
{
	char *in_path = xasprintf("%s/%s.in", dir, name), *out_path = xasprintf("%s/%s.out", dir, name);
	size_t len = 0;
	char *in = slurp(in_path, &len), *want = slurp(out_path, NULL);
	struct strbuf got = {0};
	struct diag_list d = {0};
	assert_non_null(in);
	assert_non_null(want);
	grub2_run_script(in, len, in_path, &got, &d);
	int ok = !strcmp(got.s ? got.s : "", want);
	if (!ok)
		printf("%s: output differs\n--- got\n%s--- want\n%s", name, got.s ? got.s : "", want);
	for (size_t i = 0; i < d.lines.n; i++)
		printf("%s\n", d.lines.v[i]);
	sb_free(&got);
	diag_free(&d);
	free(in);
	free(want);
	free(in_path);
	free(out_path);
	return ok;
}

static void every_grub_script_test(void **state)
{
	const char *c = corpus_dir();
	char *dir = xasprintf("%s/grub-script", c);
	DIR *dh = opendir(dir);
	assert_non_null(dh);
	struct strlist names = {0};
	struct dirent *e;
	while ((e = readdir(dh)))
		if (str_ends(e->d_name, ".in"))
			sl_push_owned(&names, xstrndup(e->d_name, strlen(e->d_name) - 3));
	closedir(dh);
	int failed = 0;
	for (size_t i = 0; i < names.n; i++)
		failed += !run_one(dir, names.v[i]);
	printf("grub-script: %zu of %zu match GRUB 2.06\n", names.n - failed, names.n);
	assert_true(names.n >= 20);
	assert_int_equal(failed, 0);
	sl_free(&names);
	free(dir);
}

static char *run(const char *script)
{
	struct strbuf out = {0};
	struct diag_list d = {0};
	grub2_run_script(script, strlen(script), "t.cfg", &out, &d);
	diag_free(&d);
	return out.s ? sb_steal(&out) : xstrdup("");
}

#define ECHO_IS(script, want)                                                                      \
	do {                                                                                       \
		char *got_ = run(script);                                                          \
		assert_string_equal(got_, want);                                                   \
		free(got_);                                                                        \
	} while (0)

static void endless_loops_stop(void **state)
{
	struct diag_list d = {0};
	struct strbuf out = {0};
	const char *s = "while true; do x=1; done\necho after\n";
	grub2_run_script(s, strlen(s), "loop.cfg", &out, &d);
	assert_true(d.lines.n >= 1);
	assert_non_null(strstr(d.lines.v[0], "loop.cfg:1:"));
	diag_free(&d);
	sb_free(&out);
	s = "function f { f; f; }\nf\necho done\n";
	grub2_run_script(s, strlen(s), "rec.cfg", &out, &d);
	assert_true(d.lines.n >= 1);
	diag_free(&d);
	sb_free(&out);
}

static void syntax_errors_cost_one_command(void **state)
{
	struct diag_list d = {0};
	struct strbuf out = {0};
	const char *s = "echo a\nif true; then echo b\nfi fi\necho 'c\n";
	grub2_run_script(s, strlen(s), "e.cfg", &out, &d);
	assert_true(d.lines.n >= 1);
	assert_string_equal(out.s, "a\nb\n");
	diag_free(&d);
	sb_free(&out);
	ECHO_IS("echo x &\necho y\n", "y\n");
	ECHO_IS("{ echo in }\necho z\n", "in\nz\n");
}

static void test_command(void **state)
{
	ECHO_IS("if [ 1 -lt 2 -a ( a = b -o x ) ]; then echo yes; fi", "yes\n");
	ECHO_IS("if test ! -n \"\"; then echo empty; fi", "empty\n");
	ECHO_IS("[ 0x10 -eq 16 ]; echo $?", "0\n");
	ECHO_IS("[ a = b -o c = c ]; echo $?; [ a = a -a c = d ]; echo $?", "0\n1\n");
	ECHO_IS("[ abc ]; echo $?; [ \"\" ]; echo $?", "0\n1\n");
	ECHO_IS("[ vmlinuz-10 -pgt vmlinuz-9 ]; echo $?", "0\n");
	ECHO_IS("[ a = a; echo $?", "error: ] expected.\n1\n");
}

static void quoting_and_params(void **state)
{
	ECHO_IS("function f { echo $# \"$2\" $10; }\nf a 'b c' 3 4 5 6 7 8 9 ten", "10 b c ten\n");
	ECHO_IS("x='a  b'; echo \"$x\" $x", "a  b a b\n");
	ECHO_IS("echo -e 'a\\tb\\c'; echo z", "a\tbz\n");
	ECHO_IS("unset x; x=1; export x; unset x; echo \"[$x]\"", "[]\n");
	ECHO_IS("for i in 1 2 3; do if [ $i = 2 ]; then continue; fi; echo $i; done", "1\n3\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_grub_script_test),
		cmocka_unit_test(endless_loops_stop),
		cmocka_unit_test(syntax_errors_cost_one_command),
		cmocka_unit_test(test_command),
		cmocka_unit_test(quoting_and_params),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
