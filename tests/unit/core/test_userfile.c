/* Opening files on a user's filesystem: only regular files (or folders where
 * folders are wanted) are opened for reading, nothing blocks, and each
 * refusal names the file, its device and what it is. Every test runs under an
 * alarm: a named pipe opened the ordinary way would wait for ever. */
#include "unit.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "conf.h"
#include "disk.h"
#include "hostfile.h"
#include "sources.h"
#include "userfile.h"

static char base[] = "/tmp/kl-userfile-XXXXXX";
static int root_fd = -1;

static char *at(const char *rel)
{
	return xasprintf("%s/%s", base, rel);
}

static void make_fifo(const char *rel)
{
	char *p = at(rel);
	assert_int_equal(mkfifo(p, 0644), 0);
	free(p);
}

static void make_socket(const char *rel)
{
	char *p = at(rel);
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	assert_true(strlen(p) < sizeof(a.sun_path));
	strcpy(a.sun_path, p);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(s >= 0);
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	close(s); /* the socket file stays */
	free(p);
}

static void make_link(const char *target, const char *rel)
{
	char *p = at(rel);
	assert_int_equal(symlink(target, p), 0);
	free(p);
}

static int setup(void **state)
{
	assert_non_null(mkdtemp(base));
	write_text_below(base, "boot/grub/grub.cfg", "placeholder\n"); /* replaced below */
	char *cfg = at("boot/grub/grub.cfg");
	unlink(cfg);
	free(cfg);
	make_fifo("boot/grub/grub.cfg");
	write_text_below(base, "boot/vmlinuz-good", "kernel");
	write_text_below(base, "boot/initrd-good", "initrd");
	make_fifo("boot/vmlinuz-fifo");
	make_socket("boot/sock");
	make_link("vmlinuz-fifo", "boot/vmlinuz-link");
	make_link("/boot/vmlinuz-good", "boot/vmlinuz-abs");
	write_text_below(base, "loader/entries/a-good.conf",
			 "title Good\nlinux /boot/vmlinuz-good\ninitrd /boot/initrd-good\n");
	make_fifo("loader/entries/b-fifo.conf");
	write_text_below(base, "big", "0123456789");
	root_fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(root_fd >= 0);
	disk_add_dir(base, "sda1", "ext4", "root", "1111-AAAA");
	return 0;
}

static int teardown(void **state)
{
	close(root_fd);
	remove_tree(base);
	return 0;
}

static void on_alarm(int sig)
{
	(void)sig;
	fail_msg("an open or a read blocked");
}

static int arm(void **state)
{
	signal(SIGALRM, on_alarm);
	alarm(10);
	return 0;
}

static int disarm(void **state)
{
	alarm(0);
	return 0;
}

static void regular_files_open_and_read(void **state)
{
	char *buf;
	size_t len;
	assert_int_equal(uf_read_beneath(root_fd, "/boot/vmlinuz-good", 100, &buf, &len), 0);
	assert_str(buf, "kernel");
	assert_int_equal(len, 6);
	free(buf);
	/* a link inside the filesystem is followed, from its root */
	assert_int_equal(uf_read_beneath(root_fd, "/boot/vmlinuz-abs", 100, &buf, NULL), 0);
	assert_str(buf, "kernel");
	free(buf);
	int fd = uf_open_beneath(root_fd, "/boot/vmlinuz-good", UF_FILE);
	assert_true(fd >= 0);
	assert_int_equal(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	close(fd);
}

static void every_other_kind_is_refused_at_once(void **state)
{
	assert_int_equal(uf_open_beneath(root_fd, "/boot/grub/grub.cfg", UF_FILE), -UF_EFIFO);
	assert_int_equal(uf_open_beneath(root_fd, "/boot/vmlinuz-link", UF_FILE), -UF_EFIFO);
	assert_int_equal(uf_open_beneath(root_fd, "/boot/sock", UF_FILE), -UF_ESOCK);
	assert_int_equal(uf_open_beneath(root_fd, "/boot", UF_FILE), -UF_EDIR);
	assert_int_equal(uf_open_beneath(root_fd, "/boot/vmlinuz-good", UF_DIR), -UF_ENOTDIR);
	assert_int_equal(uf_open_beneath(root_fd, "/boot/grub/grub.cfg", UF_DIR), -UF_ENOTDIR);
	assert_int_equal(uf_open_beneath(root_fd, "/boot/missing", UF_FILE), -ENOENT);
	assert_int_equal(uf_open("/dev/null", UF_FILE), -UF_ECHR);
	char *buf;
	assert_int_equal(uf_read_beneath(root_fd, "/boot/grub/grub.cfg", 100, &buf, NULL), -UF_EFIFO);
	char *fifo = at("boot/vmlinuz-fifo");
	assert_int_equal(uf_read(fifo, 100, &buf, NULL), -UF_EFIFO);
	free(fifo);
}

static void folders_open_where_wanted(void **state)
{
	int fd = uf_open_beneath(root_fd, "/loader/entries", UF_DIR);
	assert_true(fd >= 0);
	close(fd);
	/* stat-like questions get an O_PATH descriptor, whatever the file is */
	fd = uf_open_beneath(root_fd, "/boot/grub/grub.cfg", UF_ANY);
	assert_true(fd >= 0);
	assert_int_equal(uf_check_fd(fd, UF_FILE), -UF_EFIFO);
	close(fd);
}

static void reads_are_bounded(void **state)
{
	char *buf = NULL;
	assert_int_equal(uf_read_beneath(root_fd, "/big", 9, &buf, NULL), -EFBIG);
	assert_null(buf);
	assert_int_equal(uf_read_beneath(root_fd, "/big", 10, &buf, NULL), 0);
	free(buf);
}

static void messages_name_file_device_and_kind(void **state)
{
	char *m = uf_message("/boot/grub/grub.cfg", "sda1", -UF_EFIFO);
	assert_str(m, "/boot/grub/grub.cfg on sda1 is a named pipe, not a file");
	free(m);
	m = uf_message("/x", NULL, -UF_ESOCK);
	assert_str(m, "/x is a socket, not a file");
	free(m);
	m = uf_message("/dev/x", "sdb", -UF_EBLK);
	assert_str(m, "/dev/x on sdb is a block device, not a file");
	free(m);
	m = uf_message("/boot/vmlinuz", "sda1", -ENOENT);
	assert_str(m, "file /boot/vmlinuz not found on sda1");
	free(m);
	m = uf_message("/boot/vmlinuz", "sda1", -EIO);
	assert_str(m, "cannot read /boot/vmlinuz on sda1: Input/output error");
	free(m);
	assert_false(uf_is_refusal(EIO));
	assert_true(uf_is_refusal(UF_ECHR));
}

/* The device layer (shell, boot engine, sources) goes through the same path. */
static void device_layer_refuses_with_a_sentence(void **state)
{
	char *err = NULL;
	assert_int_equal(disk_open("sda1", "/boot/vmlinuz-fifo", &err), -UF_EFIFO);
	assert_str(err, "/boot/vmlinuz-fifo on sda1 is a named pipe, not a file");
	free(err);
	err = NULL;
	assert_int_equal(disk_opendir("sda1", "/boot/sock", &err), -UF_ENOTDIR);
	assert_str(err, "/boot/sock on sda1 is not a folder");
	free(err);
	struct fsio *io = disk_fsio();
	bool dir = true;
	assert_int_equal(io->stat(io->ctx, "sda1", "/boot/grub/grub.cfg", &dir), 0);
	assert_false(dir);
	char *buf;
	assert_int_equal(io->read(io->ctx, "sda1", "/boot/grub/grub.cfg", 100, &buf, NULL), -UF_EFIFO);
}

/* Autodetection over a filesystem with a pipe for grub.cfg and one BLS entry:
 * both are named, and the good entry is still offered. */
static void sources_go_on_past_pipes(void **state)
{
	struct config c;
	config_init(&c);
	struct diag_list d = {0};
	struct target_list l;
	tl_init(&l);
	sources_collect(&c, disk_fsio(), NULL, &l, &d);
	assert_int_equal(l.n, 1);
	assert_str(l.v[0].title, "Good");
	bool grub = false, bls = false;
	for (size_t i = 0; i < d.lines.n; i++) {
		grub |= !strcmp(d.lines.v[i], "/boot/grub/grub.cfg on sda1 is a named pipe, not a file");
		bls |= !strcmp(d.lines.v[i], "/loader/entries/b-fifo.conf on sda1 is a named pipe, not a file");
	}
	assert_true(grub);
	assert_true(bls);
	tl_free(&l);
	diag_free(&d);
	config_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(regular_files_open_and_read, arm, disarm),
		cmocka_unit_test_setup_teardown(every_other_kind_is_refused_at_once, arm, disarm),
		cmocka_unit_test_setup_teardown(folders_open_where_wanted, arm, disarm),
		cmocka_unit_test_setup_teardown(reads_are_bounded, arm, disarm),
		cmocka_unit_test(messages_name_file_device_and_kind),
		cmocka_unit_test_setup_teardown(device_layer_refuses_with_a_sentence, arm, disarm),
		cmocka_unit_test_setup_teardown(sources_go_on_past_pipes, arm, disarm),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
