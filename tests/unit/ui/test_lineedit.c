/* The line editor, driven through a fake console whose screen is replayed. */
#include "unit.h"
#include "lineedit.h"
#include "vt.h"

static struct vt V;
static struct lineedit LE;

static int setup(void **state)
{
	vt_open(&V);
	le_init(&LE, &V.t);
	return 0;
}

static int teardown(void **state)
{
	le_free(&LE);
	vt_close(&V);
	return 0;
}

/* Types keys (ending with Enter or Ctrl-C) and reads one line. */
static char *read_line(const char *keys, enum le_result *res)
{
	vt_type(&V, keys);
	char *line = NULL;
	*res = le_read(&LE, "> ", &line);
	free(vt_update(&V));
	return line;
}

static char *line_of(const char *keys)
{
	enum le_result res;
	char *line = read_line(keys, &res);
	assert_int_equal(res, LE_LINE);
	return line;
}

static void check_line(const char *keys, const char *want)
{
	char *line = line_of(keys);
	assert_str(line, want);
	free(line);
}

static void typing_shows_and_returns_the_text(void **state)
{
	check_line("hello world\r", "hello world");
	assert_str(vt_row(&V, 0), "> hello world");
	assert_int_equal(V.row, 1); /* Enter moved to the next line */
}

static void cursor_keys_and_control_keys_edit(void **state)
{
	check_line("helo\033[Dl\r", "hello");
	check_line("world\033[Hhello \r", "hello world");
	check_line("abc\001X\005Y\r", "XabcY");                 /* Ctrl-A, Ctrl-E */
	check_line("abcdef\033[D\033[D\013\r", "abcd");         /* Ctrl-K */
	check_line("abcdef\033[D\033[D\025\r", "ef");           /* Ctrl-U */
	check_line("abc\177\177d\r", "ad");                     /* Backspace */
	check_line("abc\bX\r", "abX");                          /* Backspace as ^H */
	check_line("abc\033[H\033[3~\r", "bc");                 /* Del */
	check_line("kernel /boot/vmlinuz\027\r", "kernel ");    /* Ctrl-W */
	check_line("ab\033[D\033[D\033[D\033[Dc\033[F\033[C\033[Cd\r", "cabd");
}

static void control_bytes_and_unknown_sequences_are_not_inserted(void **state)
{
	check_line("a\002\006\033[99;5Z\033[15~\x1b[1;5Dd\r", "ad");
	/* Only printable ASCII goes into the line: the screen stays sane. */
	check_line("x\x80\xff\x07y\r", "xy");
}

static void ctrl_c_abandons_the_line(void **state)
{
	enum le_result res;
	char *line = read_line("some text\003", &res);
	assert_int_equal(res, LE_CANCEL);
	assert_null(line);
	assert_str(vt_row(&V, 0), "> some text^C");
	check_line("next\r", "next");
	assert_str(vt_row(&V, 1), "> next");
}

static void ctrl_l_redraws_the_line_on_a_clear_screen(void **state)
{
	vt_type(&V, "junk\r");
	char *l = NULL;
	le_read(&LE, "> ", &l);
	free(l);
	check_line("abc\014d\r", "abcd");
	assert_str(vt_row(&V, 0), "> abcd");
	assert_str(vt_row(&V, 1), "");
}

static void history_recalls_previous_lines(void **state)
{
	free(line_of("first\r"));
	free(line_of("second\r"));
	free(line_of("second\r")); /* not kept twice */
	check_line("\033[A\r", "second");
	check_line("\033[A\033[A\r", "first");
	check_line("\033[A\033[A\033[A\033[A\r", "first"); /* stops at the oldest */
	/* Down comes back to what was being typed. */
	check_line("draft\033[A\033[A\033[B\033[B\r", "draft");
	/* A recalled line can be edited. */
	check_line("\033[A\177\177X\r", "draX");
	assert_int_equal(LE.hist.n, 5);
	assert_str(LE.hist.v[2], "first");
	assert_str(LE.hist.v[4], "draX");
}

static void history_is_bounded(void **state)
{
	for (int i = 0; i < LE_HISTORY + 10; i++) {
		char *s = xasprintf("line %d", i);
		le_history_add(&LE, s);
		free(s);
	}
	assert_int_equal(LE.hist.n, LE_HISTORY);
	assert_str(LE.hist.v[0], "line 10");
	char keys[LE_HISTORY * 3 + 20] = "";
	for (int i = 0; i < LE_HISTORY + 5; i++)
		strcat(keys, "\033[A");
	strcat(keys, "\r");
	check_line(keys, "line 10");
}

static const char *const files[] = {"/boot/", "/bin/", "/etc/", "/vmlinuz", "/vmlinuz.old"};

/* Completes the word before the cursor from a fixed list. */
static size_t fixed_complete(void *ctx, const char *line, size_t cursor, struct strlist *words)
{
	size_t start = cursor;
	while (start > 0 && line[start - 1] != ' ')
		start--;
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		if (strncmp(files[i], line + start, cursor - start) == 0)
			sl_push(words, files[i]);
	return start;
}

static void tab_completes_what_is_unique(void **state)
{
	LE.complete = fixed_complete;
	check_line("cat /e\t\r", "cat /etc/");       /* a folder: no space after it */
	check_line("cat /vmlinuz.\tx\r", "cat /vmlinuz.old x");
	check_line("cat /x\tq\r", "cat /xq");         /* nothing matches: nothing changes */
}

static void tab_lists_ambiguous_choices(void **state)
{
	LE.complete = fixed_complete;
	check_line("ls /b\t\r", "ls /b");
	char *screen = vt_text(&V);
	assert_non_null(strstr(screen, "boot/"));
	assert_non_null(strstr(screen, "bin/"));
	assert_null(strstr(screen, "etc/"));
	free(screen);
	/* The common part is completed before listing. */
	check_line("ls /v\t\r", "ls /vmlinuz");
	screen = vt_text(&V);
	assert_non_null(strstr(screen, "vmlinuz.old"));
	/* The prompt and the line are drawn again under the list. */
	assert_str(vt_row(&V, V.row - 1), "> ls /vmlinuz");
	free(screen);
}

static void long_lines_scroll_sideways(void **state)
{
	char keys[400], want[400];
	for (int i = 0; i < 200; i++)
		want[i] = (char)('a' + i % 26);
	want[200] = 0;
	snprintf(keys, sizeof(keys), "%s", want);
	vt_type(&V, keys);
	vt_type(&V, "\001X\r"); /* then Home and an insertion at the start */
	char *line = NULL;
	assert_int_equal(le_read(&LE, "> ", &line), LE_LINE);
	free(vt_update(&V));
	assert_int_equal(strlen(line), 201);
	assert_int_equal(line[0], 'X');
	assert_str(line + 1, want);
	free(line);
	/* Nothing wrapped onto a second row, and the end of the line is what shows. */
	const char *row = vt_row(&V, 0);
	size_t shown = strlen(row);
	assert_true(shown <= 79 && shown > 20);
	assert_int_equal(row[2], '<');
	/* After the prompt and the '<' mark: the last characters of the line. */
	assert_str(row + 3, want + 200 - (shown - 3));
	assert_str(vt_row(&V, 1), "");
}

static int event_pipe[2];
static char snapshot[VT_COLS + 1];
static int snapshot_col;

/* Called once every typed key is used up: what is on the screen while editing. */
static void take_snapshot(void *ctx)
{
	char c;
	free(vt_update(&V));
	strcpy(snapshot, vt_row(&V, 0));
	snapshot_col = V.col;
	assert_int_equal(read(event_pipe[0], &c, 1), 1);
	vt_type(&V, "\r");
}

static void long_line_shows_the_part_being_edited(void **state)
{
	char keys[300];
	memset(keys, 'm', 150);
	strcpy(keys + 150, "\001ABC");
	vt_type(&V, keys);
	assert_int_equal(pipe(event_pipe), 0);
	assert_int_equal(write(event_pipe[1], "x", 1), 1);
	LE.event_fd = event_pipe[0];
	LE.on_event = take_snapshot;
	char *line = NULL;
	assert_int_equal(le_read(&LE, "> ", &line), LE_LINE);
	assert_int_equal(strlen(line), 153);
	free(line);
	close(event_pipe[0]);
	close(event_pipe[1]);
	/* The start of the line, with a mark saying that more follows. */
	assert_int_equal(strlen(snapshot), 79);
	assert_true(strncmp(snapshot, "> ABCmmmm", 9) == 0);
	assert_int_equal(snapshot[78], '>');
	assert_int_equal(snapshot_col, 5); /* the cursor after "ABC" */
}

/* At 9600 baud a byte takes a millisecond: typing and moving must not redraw the line. */
static void redraws_are_small(void **state)
{
	vt_type(&V, "kernel /boot/vmlinuz-6.1.0-amd64 root=/dev/sda1");
	vt_type(&V, "\r");
	char *line = NULL;
	le_read(&LE, "> ", &line);
	free(line);
	size_t typed = strlen("kernel /boot/vmlinuz-6.1.0-amd64 root=/dev/sda1");
	free(vt_update(&V));
	/* The prompt, each character once, and the new line. */
	assert_true(V.bytes <= typed + 2 + 1 + 2);

	size_t before = V.bytes;
	vt_type(&V, "0123456789\033[D\033[D\033[DX\r");
	le_read(&LE, "> ", &line);
	free(vt_update(&V));
	assert_str(line, "0123456X789");
	free(line);
	/* Inserting in the middle rewrites only the rest of the line. */
	assert_true(V.bytes - before < 12 + 2 + 3 + 5 + 2 + 10);
}

static void scroll_and_visible_are_consistent(void **state)
{
	struct strbuf sb = {0};
	le_visible("abcdefghij", 10, 0, 20, &sb);
	assert_str(sb.s, "abcdefghij");
	sb_free(&sb);
	le_visible("abcdefghij", 10, 0, 5, &sb);
	assert_str(sb.s, "abcd>");
	sb_free(&sb);
	le_visible("abcdefghij", 10, 4, 5, &sb);
	assert_str(sb.s, "<fgh>");
	sb_free(&sb);
	le_visible("a\tb\x01", 4, 0, 10, &sb);
	assert_str(sb.s, "a?b?");
	sb_free(&sb);
	assert_int_equal(le_scroll(0, 3, 10, 20), 0);
	assert_int_equal(le_scroll(0, 9, 10, 10), 4);
	/* A window that still shows the cursor is kept, so the screen does not jump. */
	assert_int_equal(le_scroll(4, 7, 30, 10), 4);
	for (size_t cur = 0; cur <= 100; cur++) {
		size_t off = le_scroll(37, cur, 100, 16);
		assert_true(cur >= off + (off ? 1 : 0));
		assert_true(cur < off + 15);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(typing_shows_and_returns_the_text, setup, teardown),
		cmocka_unit_test_setup_teardown(cursor_keys_and_control_keys_edit, setup, teardown),
		cmocka_unit_test_setup_teardown(control_bytes_and_unknown_sequences_are_not_inserted, setup, teardown),
		cmocka_unit_test_setup_teardown(ctrl_c_abandons_the_line, setup, teardown),
		cmocka_unit_test_setup_teardown(ctrl_l_redraws_the_line_on_a_clear_screen, setup, teardown),
		cmocka_unit_test_setup_teardown(history_recalls_previous_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(history_is_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(tab_completes_what_is_unique, setup, teardown),
		cmocka_unit_test_setup_teardown(tab_lists_ambiguous_choices, setup, teardown),
		cmocka_unit_test_setup_teardown(long_lines_scroll_sideways, setup, teardown),
		cmocka_unit_test_setup_teardown(long_line_shows_the_part_being_edited, setup, teardown),
		cmocka_unit_test_setup_teardown(redraws_are_small, setup, teardown),
		cmocka_unit_test(scroll_and_visible_are_consistent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
