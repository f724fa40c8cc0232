#include "unit.h"
#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>
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

/* What the far end of a pseudo-terminal received (a serial line's wire). */
static size_t wire(int master, char *buf, size_t cap)
{
	size_t n = 0;
	struct pollfd p = {master, POLLIN, 0};
	while (n < cap && poll(&p, 1, 200) > 0) {
		ssize_t r = read(master, buf + n, cap - n);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	return n;
}

static int open_pty(int *slave)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(master >= 0);
	assert_int_equal(grantpt(master), 0);
	assert_int_equal(unlockpt(master), 0);
	*slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	assert_true(*slave >= 0);
	struct termios tio;
	assert_int_equal(tcgetattr(*slave, &tio), 0);
	assert_true(tio.c_oflag & ONLCR); /* a line's default: the case that doubled \r */
	return master;
}

/* Lines leave as "\r\n", not "\r\r\n": on the menu's consoles and on the
 * debug console alike. */
static void lines_end_in_one_carriage_return(void **state)
{
	int slave, master = open_pty(&slave);
	struct term t;
	term_open(&t, slave, slave);
	term_puts(&t, "Booting 'x' in 5 seconds\r\nKeys:\r\n");
	char buf[256];
	size_t n = wire(master, buf, sizeof(buf));
	assert_int_equal(n, strlen("Booting 'x' in 5 seconds\r\nKeys:\r\n"));
	assert_memory_equal(buf, "Booting 'x' in 5 seconds\r\nKeys:\r\n", n);
	term_close(&t);
	struct termios tio;
	assert_int_equal(tcgetattr(slave, &tio), 0);
	assert_true(tio.c_oflag & OPOST && tio.c_oflag & ONLCR); /* given back as it was */
	close(slave);
	close(master);

	master = open_pty(&slave);
	term_raw_output(slave);
	assert_int_equal(write(slave, "[ 1.000] I: found vda\r\n", 24), 24);
	n = wire(master, buf, sizeof(buf));
	assert_int_equal(n, 24);
	assert_memory_equal(buf, "[ 1.000] I: found vda\r\n", 24);
	close(slave);
	close(master);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_and_arrows),
		cmocka_unit_test(unfinished_and_unknown),
		cmocka_unit_test(lines_end_in_one_carriage_return),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
