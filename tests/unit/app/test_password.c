/* The password lock: GRUB's PBKDF2 hashes and the prompt without echo. */
#include "unit.h"
#include "password.h"
#include "util.h"
#include "vt.h"

/* Made with `grub-mkpasswd-pbkdf2 --iteration-count 1000` (grub-common 2.06)
 * for the password "open sesame". */
static const char grub_hash[] =
	"grub.pbkdf2.sha512.1000.C573D62C55B87142474F910820F2D79F9CDC8F89762B4EA2D476436AD75FAC95"
	"6B8AF860F52EDDA49EB97323B49C03EAD2734CD2D0A362E9C15B2CF4F1D05A5B.08CC41E64DA8539767F43B"
	"23CB5735456F590D0C3FC04C9189C4A9B233574928B3D0C44AB183FB2D3F91E21BB9C224CA86C69294B9A9D2"
	"F465A1FDB1E48407EB";
/* The same tool with -l 16 -s 8 --iteration-count 1, password "x": short salt and key. */
static const char short_hash[] = "grub.pbkdf2.sha512.1.6170AEC505B29347.1D5CC4048CD6C316CBB59137EBF8EDBC";
/* The published PBKDF2-HMAC-SHA512 vector: "password", salt "salt", 1 iteration. */
static const char vector_hash[] =
	"grub.pbkdf2.sha512.1.73616c74.867f70cf1ade02cff3752599a3a53dc4af34c7a669815ae5d513554e1c"
	"8cf252c02d470a285a0501bad999bfe943c08f050235d7d68b1da55e63f73b60a57fce";

static int check(const char *hash, const char *pw)
{
	char *err = NULL;
	int r = password_check(hash, pw, &err);
	if (r < 0)
		assert_non_null(err);
	else
		assert_null(err);
	free(err);
	return r;
}

static void grub_hashes_accept_the_right_password_only(void **state)
{
	assert_int_equal(check(grub_hash, "open sesame"), 1);
	assert_int_equal(check(grub_hash, "open sesame "), 0);
	assert_int_equal(check(grub_hash, "Open sesame"), 0);
	assert_int_equal(check(grub_hash, ""), 0);
	assert_int_equal(check(short_hash, "x"), 1);
	assert_int_equal(check(short_hash, "y"), 0);
	assert_int_equal(check(vector_hash, "password"), 1);
	assert_int_equal(check(vector_hash, "passwore"), 0);
}

static void a_changed_hash_refuses(void **state)
{
	char *h = xstrdup(grub_hash);
	h[strlen(h) - 1] = 'A'; /* the last hex digit of the hash */
	assert_int_equal(check(h, "open sesame"), 0);
	free(h);
	h = xstrdup(grub_hash);
	h[30] = h[30] == '0' ? '1' : '0'; /* a digit of the salt */
	assert_int_equal(check(h, "open sesame"), 0);
	free(h);
	/* Another iteration count gives another key. */
	h = xstrdup(grub_hash);
	memcpy(h + strlen("grub.pbkdf2.sha512."), "1001", 4);
	assert_int_equal(check(h, "open sesame"), 0);
	free(h);
}

static void damaged_hashes_are_errors_not_matches(void **state)
{
	const char *bad[] = {
		"",
		"open sesame",
		"grub.pbkdf2.sha256.1000.AB.CD",
		"grub.pbkdf2.sha512.",
		"grub.pbkdf2.sha512.1000",
		"grub.pbkdf2.sha512.1000.ABCD",
		"grub.pbkdf2.sha512.1000.ABCD.",
		"grub.pbkdf2.sha512.1000..ABCD",
		"grub.pbkdf2.sha512.0.ABCD.ABCD",
		"grub.pbkdf2.sha512.x.ABCD.ABCD",
		"grub.pbkdf2.sha512.-1.ABCD.ABCD",
		"grub.pbkdf2.sha512.99999999999.ABCD.ABCD",
		"grub.pbkdf2.sha512.1000.ABC.ABCD",
		"grub.pbkdf2.sha512.1000.ABCD.ABCG",
		"grub.pbkdf2.sha512.1000.ABCD.AB.CD",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(check(bad[i], ""), -1);
}

static void the_prompt_does_not_echo(void **state)
{
	struct vt v;
	vt_open(&v);
	vt_type(&v, "secrez\177t\r");
	char *pw = password_read(&v.t, "Password: ");
	char *out = vt_update(&v);
	assert_str(pw, "secret");
	assert_null(strstr(out, "secre"));
	assert_str(vt_row(&v, 0), "Password:");
	free(out);
	free(pw);
	vt_type(&v, "abc\003");
	assert_null(password_read(&v.t, "Password: "));
	vt_type(&v, "abc\033");
	assert_null(password_read(&v.t, "Password: "));
	vt_type(&v, "wrong\025x\r"); /* Ctrl-U starts again */
	pw = password_read(&v.t, "Password: ");
	assert_str(pw, "x");
	free(pw);
	vt_close(&v);
}

static void ask_says_whether_it_was_right(void **state)
{
	struct vt v;
	vt_open(&v);
	vt_type(&v, "x\r");
	assert_true(password_ask(&v.t, short_hash));
	vt_type(&v, "y\r");
	assert_false(password_ask(&v.t, short_hash));
	char *screen = (free(vt_update(&v)), vt_text(&v));
	assert_non_null(strstr(screen, "Wrong password."));
	free(screen);
	vt_type(&v, "x\r");
	assert_false(password_ask(&v.t, "grub.pbkdf2.sha512.1.zz.zz"));
	assert_true(password_ask(&v.t, NULL)); /* no lock: no question */
	vt_close(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(grub_hashes_accept_the_right_password_only),
		cmocka_unit_test(a_changed_hash_refuses),
		cmocka_unit_test(damaged_hashes_are_errors_not_matches),
		cmocka_unit_test(the_prompt_does_not_echo),
		cmocka_unit_test(ask_says_whether_it_was_right),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
