/* The menu's countdown: only a key stops it. Devices that come and go while it
 * runs (a USB stick enumerating, a disc put in a drive) change the list, and
 * the selection stays on the default, which boots when the time is up. Every
 * test runs under an alarm: a countdown that stopped would wait for ever. */
#include "unit.h"
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <unistd.h>
#include "menu.h"
#include "target.h"
#include "vt.h"

static struct vt V;
static struct target_list L;
static int ev = -1;      /* the device-event descriptor the menu watches */
static int events;       /* how many the fake device layer handled */
static pid_t pinger;     /* a child that signals events */

static void add(const char *title)
{
	struct target t;
	target_init(&t);
	t.title = xstrdup(title);
	t.root = xstrdup("sda1");
	t.kernel = xstrdup("/vmlinuz");
	tl_push(&L, &t);
}

/* A device appeared: its target goes first in the list, which moves the
 * announced default down by one, and names itself the default. Like the program's handler, the selected title stays
 * selected. */
static bool on_event(void *ctx)
{
	struct menu *m = ctx;
	uint64_t n;
	if (read(ev, &n, sizeof(n)) != sizeof(n))
		return false;
	events++;
	char *was = xstrdup(L.v[m->selected].title);
	char *title = xasprintf("Stick %d", events);
	struct target_list old = L;
	tl_init(&L);
	add(title);
	free(title);
	tl_append(&L, &old);
	tl_free(&old);
	L.default_index = 0; /* the stick's grub.cfg names its own default */
	L.timeout = 2;
	m->selected = tl_find_title(&L, was);
	free(was);
	return true;
}

/* Signals an event every interval_ms, count times, from a child. */
static void ping(int count, int interval_ms)
{
	pinger = fork();
	if (pinger == 0) {
		for (int i = 0; i < count; i++) {
			usleep((useconds_t)interval_ms * 1000);
			uint64_t one = 1;
			if (write(ev, &one, sizeof(one)) != sizeof(one))
				_exit(1);
		}
		_exit(0);
	}
	assert_true(pinger > 0);
}

static void on_alarm(int sig)
{
	(void)sig;
	fail_msg("the countdown never ended");
}

static int setup(void **state)
{
	vt_open(&V);
	tl_init(&L);
	add("First");
	add("Default");
	L.default_index = 1;
	L.timeout = 2;
	ev = eventfd(0, EFD_CLOEXEC);
	events = 0;
	pinger = 0;
	signal(SIGALRM, on_alarm);
	alarm(20);
	return 0;
}

static int teardown(void **state)
{
	alarm(0);
	if (pinger > 0)
		waitpid(pinger, NULL, 0);
	close(ev);
	tl_free(&L);
	vt_close(&V);
	return 0;
}

static void make_menu(struct menu *m)
{
	*m = (struct menu){.term = &V.t, .targets = &L, .selected = (int)tl_default(&L),
			   .countdown = true, .event_fd = ev, .on_event = on_event, .ctx = m};
}

static void devices_appearing_keep_the_countdown_on_the_default(void **state)
{
	ping(2, 300);
	struct menu m;
	make_menu(&m);
	assert_int_equal(menu_run(&m), MENU_BOOT);
	assert_int_equal(events, 2);
	assert_str(L.v[m.selected].title, "Default");
	assert_int_equal(m.selected, 3); /* Stick 2, Stick 1, First, Default */
	/* the list was drawn again with the new targets, and the countdown went on */
	free(vt_update(&V));
	bool stick = false;
	for (int r = 0; r < VT_ROWS; r++)
		stick |= strstr(vt_row(&V, r), "Stick 2") != NULL;
	assert_true(stick);
	assert_non_null(strstr(vt_row(&V, V.row), "Booting 'Default' in 1 seconds"));
}

/* Events all the time (faster than once a second) must not hold it back. */
static void a_stream_of_events_does_not_hold_the_countdown(void **state)
{
	ping(40, 100);
	struct menu m;
	make_menu(&m);
	assert_int_equal(menu_run(&m), MENU_BOOT);
	assert_str(L.v[m.selected].title, "Default");
	assert_true(events < 40);
	kill(pinger, SIGKILL);
}

static void a_hidden_countdown_stays_hidden(void **state)
{
	ping(1, 200);
	struct menu m;
	make_menu(&m);
	m.hidden = true;
	assert_int_equal(menu_run(&m), MENU_BOOT);
	assert_int_equal(events, 1);
	assert_str(L.v[m.selected].title, "Default");
	char *out = vt_update(&V);
	assert_null(strstr(out, "Stick"));
	assert_null(strstr(out, "Booting"));
	free(out);
}

/* A key still stops it, and it does not start again with the next event. */
static void a_key_stops_it(void **state)
{
	vt_type(&V, "\033[A");
	ping(1, 300);
	struct menu m;
	make_menu(&m);
	alarm(0);
	/* nothing but a key can end the menu now: type Enter after the event */
	pid_t enter = fork();
	if (enter == 0) {
		usleep(2500 * 1000);
		vt_type(&V, "\r");
		_exit(0);
	}
	alarm(20);
	assert_int_equal(menu_run(&m), MENU_BOOT);
	waitpid(enter, NULL, 0);
	assert_false(m.countdown);
	assert_int_equal(events, 1);
	/* Up from the default picked "First"; the stick added later kept it selected */
	assert_str(L.v[m.selected].title, "First");
}

static bool screen_has(const char *text)
{
	for (int r = 0; r < VT_ROWS; r++)
		if (strstr(vt_row(&V, r), text))
			return true;
	return false;
}

/* A message or a reason longer than the screen is wide wraps at a space onto
 * indented lines: its end stays readable. */
static void long_messages_wrap(void **state)
{
	struct strlist msgs = {0};
	sl_push(&msgs, "Boot failed: /boot/vmlinuz-6.1.0-18-amd64 on nvme0n1p2 is not signed by a key "
		       "this machine trusts; Secure Boot is on");
	target_refuse(&L.v[0], "kexec_load is disabled while Secure Boot is on, and this target "
			       "is a Multiboot kernel that only kexec_load starts");
	struct menu m;
	make_menu(&m);
	m.messages = &msgs;
	m.countdown = false;
	m.selected = 0;
	vt_type(&V, "\r");
	assert_int_equal(menu_run(&m), MENU_BOOT);
	free(vt_update(&V));
	assert_true(screen_has("Boot failed: /boot/vmlinuz-6.1.0-18-amd64 on nvme0n1p2 is not signed by a key"));
	assert_true(screen_has("  this machine trusts; Secure Boot is on"));
	assert_true(screen_has("Cannot boot: kexec_load is disabled while Secure Boot is on, and this target is"));
	assert_true(screen_has("  a Multiboot kernel that only kexec_load starts"));
	assert_true(screen_has("Keys:"));
	sl_free(&msgs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(devices_appearing_keep_the_countdown_on_the_default,
						setup, teardown),
		cmocka_unit_test_setup_teardown(a_stream_of_events_does_not_hold_the_countdown,
						setup, teardown),
		cmocka_unit_test_setup_teardown(a_hidden_countdown_stays_hidden, setup, teardown),
		cmocka_unit_test_setup_teardown(a_key_stops_it, setup, teardown),
		cmocka_unit_test_setup_teardown(long_messages_wrap, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
