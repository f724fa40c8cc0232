/* Text from disks on the screen and in JSON: escape sequences in a title, an
 * origin or a message show as \xNN, never act on the terminal; JSON output
 * is valid UTF-8 whatever the bytes of a file. */
#include "unit.h"
#include "json.h"
#include "menu.h"
#include "text.h"
#include "vt.h"

static void control_characters_are_shown_escaped(void **state)
{
	char *s = text_clean("a\x1b[2J\tb\x7f\xc2\x9b" "c\xc3\xa9\xff\xe2\x82");
	assert_str(s, "a\\x1b[2J\\x09b\\x7f\\xc2\\x9bc\xc3\xa9\\xff\\xe2\\x82");
	free(s);
	s = text_clean("\xf0\x9f\x90\xa7 \xed\xa0\x80 \xc0\xaf"); /* a penguin; a surrogate; overlong '/' */
	assert_str(s, "\xf0\x9f\x90\xa7 \\xed\\xa0\\x80 \\xc0\\xaf");
	free(s);
}

static bool valid_utf8(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = utf8_seq(p);
		if (!n)
			return false;
		p += n;
	}
	return true;
}

static void json_is_valid_utf8(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct target t;
	target_init(&t);
	t.title = xstrdup("Caf\xe9 \x1b[31m\xc3\xa9");
	t.kernel = xstrdup("/vmlinuz-\xff\xfe");
	json_target(f, &t, true);
	fclose(f);
	assert_true(valid_utf8(buf));
	assert_non_null(strstr(buf, "\"title\":\"Caf\\ufffd \\u001b[31m\xc3\xa9\""));
	assert_non_null(strstr(buf, "\"kernel\":\"/vmlinuz-\\ufffd\\ufffd\""));
	target_free(&t);
	free(buf);
}

static void the_menu_shows_escapes_as_text(void **state)
{
	struct vt v;
	vt_open(&v);
	struct target_list l;
	tl_init(&l);
	struct target t;
	target_init(&t);
	t.title = xstrdup("Evil\x1b]0;pwned\x07\x1b[2J");
	t.origin = xstrdup("/syslinux.cfg:1 on \x1b[8msda1");
	t.root = xstrdup("sda1");
	t.kernel = xstrdup("/vmlinuz");
	tl_push(&l, &t);
	l.timeout = 1;
	struct strlist msgs = {0};
	sl_push(&msgs, "/syslinux.cfg:2: unknown directive '\x1b[31mred' ignored");
	struct menu m = {.term = &v.t, .targets = &l, .messages = &msgs, .countdown = true,
			 .event_fd = -1};
	assert_int_equal(menu_run(&m), MENU_BOOT); /* the countdown ran out */
	size_t n;
	char *raw = vt_read(&v, &n);
	assert_null(strstr(raw, "\x1b]0;"));
	assert_null(strstr(raw, "\x1b[8m"));
	assert_null(strstr(raw, "\x1b[31m"));
	assert_non_null(strstr(raw, "Booting 'Evil\\x1b]0;pwned\\x07\\x1b[2J' in 1 seconds"));
	assert_non_null(strstr(raw, "unknown directive '\\x1b[31mred' ignored"));
	free(raw);
	sl_free(&msgs);
	tl_free(&l);
	vt_close(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(control_characters_are_shown_escaped),
		cmocka_unit_test(json_is_valid_utf8),
		cmocka_unit_test(the_menu_shows_escapes_as_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
