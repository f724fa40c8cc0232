/* The entry editor: a target as lines, edited through a fake console, parsed back. */
#include "unit.h"
#include "editor.h"
#include "vt.h"

static void sample(struct target *t)
{
	target_init(t);
	t->title = xstrdup("Debian GNU/Linux");
	t->origin = xstrdup("boot/grub/grub.cfg:12 on sda1");
	t->root = xstrdup("UUID=0e0bd2a5-51b6-4f6b-9d0e-4c5c3d0c9a11");
	t->kernel = xstrdup("/boot/vmlinuz-6.1");
	sl_push(&t->initrds, "/boot/initrd.img-6.1");
	t->cmdline = xstrdup("root=/dev/sda1 ro quiet");
}

static char *joined(const struct strlist *l)
{
	struct strbuf sb = {0};
	for (size_t i = 0; i < l->n; i++)
		sb_printf(&sb, "%s|", l->v[i]);
	return sb_steal(&sb);
}

static void a_target_becomes_configuration_lines(void **state)
{
	struct target t;
	sample(&t);
	target_add_module(&t, "/boot/mod.gz", "a b", false);
	target_add_module(&t, "/boot/plain", "", false);
	t.flags |= TF_RESET_VGA;
	struct strlist l = {0};
	editor_lines(&t, &l);
	char *s = joined(&l);
	assert_str(s, "title Debian GNU/Linux|root UUID=0e0bd2a5-51b6-4f6b-9d0e-4c5c3d0c9a11|"
		      "kernel /boot/vmlinuz-6.1|initrd /boot/initrd.img-6.1|"
		      "cmdline root=/dev/sda1 ro quiet|module /boot/mod.gz a b|module /boot/plain|"
		      "reset-vga|");
	free(s);
	/* and back again */
	struct target back, none = {0};
	struct strlist errors = {0};
	target_init(&back);
	assert_int_equal(editor_parse(&l, &none, &back, &errors), 0);
	assert_int_equal(errors.n, 0);
	assert_str(back.title, t.title);
	assert_str(back.root, t.root);
	assert_str(back.kernel, t.kernel);
	assert_str(back.initrds.v[0], t.initrds.v[0]);
	assert_str(back.cmdline, t.cmdline);
	assert_int_equal(back.nmodules, 2);
	assert_str(back.modules[0].cmdline, "a b");
	assert_int_equal(back.kind, KIND_MULTIBOOT);
	assert_true(back.flags & TF_RESET_VGA);
	target_free(&back);
	sl_free(&l);
	target_free(&t);
}

static void parse_problems_are_reported(void **state)
{
	struct target t, out;
	sample(&t);
	target_init(&out);
	struct strlist l = {0}, errors = {0};
	/* No title line: the target keeps its own. */
	sl_push(&l, "root sda1");
	sl_push(&l, "kernel /vmlinuz");
	assert_int_equal(editor_parse(&l, &t, &out, &errors), 0);
	assert_str(out.title, "Debian GNU/Linux");
	assert_non_null(strstr(out.origin, "edited"));
	assert_false(out.flags & TF_MB_ARGS_ONLY);
	/* a GRUB 2 entry's command lines stay without their paths once edited */
	t.flags |= TF_MB_ARGS_ONLY;
	assert_int_equal(editor_parse(&l, &t, &out, &errors), 0);
	assert_true(out.flags & TF_MB_ARGS_ONLY);
	t.flags &= ~(unsigned)TF_MB_ARGS_ONLY;
	sl_free(&l);
	sl_push(&l, "root sda1");
	sl_push(&l, "kernal /vmlinuz");
	assert_int_equal(editor_parse(&l, &t, &out, &errors), -1);
	char *s = joined(&errors);
	assert_non_null(strstr(s, "unknown directive 'kernal'"));
	assert_non_null(strstr(s, "has no 'kernel' line"));
	free(s);
	sl_free(&errors);
	sl_push(&l, "title second");
	sl_push(&l, "root sda1");
	sl_push(&l, "kernel /x");
	sl_push(&l, "title third");
	sl_push(&l, "root sda1");
	sl_push(&l, "kernel /y");
	assert_int_equal(editor_parse(&l, &t, &out, &errors), -1);
	s = joined(&errors);
	assert_non_null(strstr(s, "more than one target"));
	free(s);
	sl_free(&errors);
	sl_free(&l);
	target_free(&out);
	target_free(&t);
}

static struct vt V;

static int run(const char *keys, struct target *out)
{
	struct target in;
	sample(&in);
	vt_type(&V, keys);
	int r = editor_run(&V.t, &in, out);
	target_free(&in);
	return r;
}

static int setup(void **state)
{
	vt_open(&V);
	return 0;
}

static int teardown(void **state)
{
	vt_close(&V);
	return 0;
}

/* Runs the editor on keys that end by leaving it; returns the screen as it
 * was just before the editor cleared it on its way out. */
static char *screen_before_leaving(const char *keys, int want)
{
	struct target out;
	target_init(&out);
	assert_int_equal(run(keys, &out), want);
	target_free(&out);
	size_t n;
	char *raw = vt_read(&V, &n), *last = NULL;
	for (char *p = raw; (p = strstr(p, "\033[H\033[2J")); p++)
		last = p;
	assert_non_null(last);
	vt_feed(&V, raw, (size_t)(last - raw));
	free(raw);
	return vt_text(&V);
}

static void ctrl_x_boots_the_changed_line(void **state)
{
	struct target out;
	target_init(&out);
	/* Down four times to the cmdline line, End, add a word. */
	int r = run("\033[B\033[B\033[B\033[B\033[F single\030", &out);
	assert_int_equal(r, 1);
	assert_str(out.cmdline, "root=/dev/sda1 ro quiet single");
	assert_str(out.kernel, "/boot/vmlinuz-6.1");
	assert_str(out.title, "Debian GNU/Linux");
	assert_non_null(strstr(out.origin, "grub.cfg:12 on sda1"));
	target_free(&out);
	/* F10 is the other key that boots. */
	target_init(&out);
	assert_int_equal(run("\033[21~", &out), 1);
	assert_str(out.cmdline, "root=/dev/sda1 ro quiet");
	target_free(&out);
}

static void the_screen_shows_the_lines_and_the_keys(void **state)
{
	char *s = screen_before_leaving("\033[B\033[B\033[B\033[B\033[F single\033", 0);
	assert_non_null(strstr(s, "Editing 'Debian GNU/Linux'"));
	assert_non_null(strstr(s, "\ntitle Debian GNU/Linux\n"));
	assert_non_null(strstr(s, "\nroot UUID=0e0bd2a5-51b6-4f6b-9d0e-4c5c3d0c9a11\n"));
	assert_non_null(strstr(s, "\nkernel /boot/vmlinuz-6.1\n"));
	assert_non_null(strstr(s, "\ninitrd /boot/initrd.img-6.1\n"));
	assert_non_null(strstr(s, "\ncmdline root=/dev/sda1 ro quiet single\n"));
	assert_non_null(strstr(s, "\nCtrl-X boots"));
	/* the cursor after what was typed */
	assert_int_equal(V.row, 2 + 4);
	assert_int_equal(V.col, (int)strlen("cmdline root=/dev/sda1 ro quiet single"));
	free(s);
}

static void typing_redraws_little(void **state)
{
	struct target out;
	target_init(&out);
	assert_int_equal(run("\033", &out), 0);
	free(vt_update(&V));
	size_t first = V.bytes;
	assert_int_equal(run("\033[B\033[B\033[B\033[B\033[Fabcdefghij\033", &out), 0);
	free(vt_update(&V));
	/* The same screen, plus one byte per character and a few for each cursor move. */
	assert_true(V.bytes - first <= first + 10 + 5 * 8);
}

static void esc_leaves_without_changes(void **state)
{
	struct target out;
	target_init(&out);
	out.title = xstrdup("untouched");
	assert_int_equal(run("\033[B\033[Bxyz\033", &out), 0);
	assert_str(out.title, "untouched");
	assert_int_equal(run("\033[B\177\177\003", &out), 0); /* Ctrl-C too */
	assert_str(out.title, "untouched");
	target_free(&out);
}

static void enter_adds_lines_and_ctrl_k_removes_them(void **state)
{
	struct target out;
	target_init(&out);
	/* On the initrd line: cut its text, then the empty line itself. */
	const char *keys = "\033[B\033[B\033[B\001\013\013"
			   /* on the last line (cmdline now): a new line after it */
			   "\033[B\033[B\033[B\033[F\rinitrd /boot/extra.img"
			   /* split "kernel /boot/vmlinuz-6.1" before its path, then join it back */
			   "\033[A\033[A\033[A\001\033[C\033[C\033[C\033[C\033[C\033[C\033[C\r\177"
			   "\030";
	assert_int_equal(run(keys, &out), 1);
	assert_int_equal(out.initrds.n, 1);
	assert_str(out.initrds.v[0], "/boot/extra.img");
	assert_str(out.kernel, "/boot/vmlinuz-6.1");
	assert_str(out.cmdline, "root=/dev/sda1 ro quiet");
	target_free(&out);
	/* Enter alone splits; Del at the end of the first part joins it back. */
	target_init(&out);
	assert_int_equal(run("\033[B\033[B\033[F\033[D\033[D\r\033[A\033[F\033[3~\030", &out), 1);
	assert_str(out.kernel, "/boot/vmlinuz-6.1");
	target_free(&out);
}

static void problems_keep_the_editor_open(void **state)
{
	/* The kernel line loses its path: Ctrl-X shows why, and Esc leaves. */
	char *s = screen_before_leaving("\033[B\033[B\033[F\027\030\033", 0);
	assert_non_null(strstr(s, "'kernel' needs an argument"));
	free(s);
}

static void long_lines_and_junk_do_no_harm(void **state)
{
	char keys[2000] = "\033[B\033[B\033[B\033[B\033[F";
	for (int i = 0; i < 300; i++)
		strcat(keys, "x");
	strcat(keys, "\033[99;9R\002\x1b[Z\033[A\033[A\033[A\033[A\033[A\033[A\033[B\033[B\033[B\033[B"
		     "\033[B\033[B\033[B\033[B\014");
	char *s = screen_before_leaving(strcat(keys, "\033"), 0);
	for (int r = 0; r < VT_ROWS; r++)
		assert_true(strlen(vt_row(&V, r)) <= 79);
	assert_non_null(strstr(s, "xxx>")); /* cut off at the screen's edge */
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_target_becomes_configuration_lines),
		cmocka_unit_test(parse_problems_are_reported),
		cmocka_unit_test_setup_teardown(ctrl_x_boots_the_changed_line, setup, teardown),
		cmocka_unit_test_setup_teardown(the_screen_shows_the_lines_and_the_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(esc_leaves_without_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(enter_adds_lines_and_ctrl_k_removes_them, setup, teardown),
		cmocka_unit_test_setup_teardown(problems_keep_the_editor_open, setup, teardown),
		cmocka_unit_test_setup_teardown(typing_redraws_little, setup, teardown),
		cmocka_unit_test_setup_teardown(long_lines_and_junk_do_no_harm, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
