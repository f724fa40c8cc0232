/* Secure Boot: the state read from the boot parameters, the SecureBoot variable
 * and the lockdown file, and what it forbids. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include "hostfile.h"
#include "secureboot.h"
#include "target.h"
#include "unit.h"

static char dir[] = "/tmp/kl-secureboot-XXXXXX";
static char *bp, *var, *lock;

static int setup(void **state)
{
	assert_non_null(mkdtemp(dir));
	bp = xasprintf("%s/boot_params", dir);
	var = xasprintf("%s/SecureBoot", dir);
	lock = xasprintf("%s/lockdown", dir);
	return 0;
}

static int teardown(void **state)
{
	unlink(bp);
	unlink(var);
	unlink(lock);
	rmdir(dir);
	free(bp);
	free(var);
	free(lock);
	return 0;
}

static void clear(void)
{
	unlink(bp);
	unlink(var);
	unlink(lock);
}

/* boot_params with the EFI stub's secure_boot byte at 0x1ec. */
static void write_boot_params(unsigned char mode)
{
	unsigned char data[4096] = {0};
	data[0x1ec] = mode;
	write_bytes(bp, data, sizeof(data));
}

static void write_efivar(unsigned char value)
{
	const unsigned char data[5] = {0x06, 0, 0, 0, value}; /* attributes, then the value */
	write_bytes(var, data, sizeof(data));
}

static struct secure_boot read_state(void)
{
	struct secure_boot sb = {true, true};
	secure_boot_read(&sb, bp, var, lock);
	return sb;
}

static void test_boot_params_enabled_and_lockdown_integrity(void **state)
{
	clear();
	write_boot_params(3);
	write_text(lock, "none [integrity] confidentiality\n");
	struct secure_boot sb = read_state();
	assert_true(sb.on);
	assert_true(sb.locked);
	assert_str(secure_boot_header(&sb), " - Secure Boot is on");
}

static void test_boot_params_disabled_wins_over_the_variable(void **state)
{
	clear();
	write_boot_params(2);
	write_efivar(1);
	write_text(lock, "[none] integrity confidentiality\n");
	struct secure_boot sb = read_state();
	assert_false(sb.on);
	assert_false(sb.locked);
	assert_str(secure_boot_header(&sb), "");
}

static void test_variable_counts_when_boot_params_say_nothing(void **state)
{
	clear();
	write_boot_params(0); /* started by a BIOS loader, or an old stub */
	write_efivar(1);
	write_text(lock, "[none] integrity confidentiality\n");
	struct secure_boot sb = read_state();
	assert_true(sb.on);
	assert_false(sb.locked);
	write_efivar(0);
	sb = read_state();
	assert_false(sb.on);
}

static void test_nothing_readable_is_off_and_on_without_lockdown_file_is_locked(void **state)
{
	clear();
	struct secure_boot sb = read_state();
	assert_false(sb.on);
	assert_false(sb.locked);
	write_boot_params(3);
	sb = read_state();
	assert_true(sb.on);
	assert_true(sb.locked);
}

static void test_lockdown_without_secure_boot_says_so(void **state)
{
	clear();
	write_text(lock, "none integrity [confidentiality]\n");
	struct secure_boot sb = read_state();
	assert_false(sb.on);
	assert_true(sb.locked);
	assert_str(secure_boot_kexec_load_refusal(&sb), "kexec_load is disabled while the kernel is locked down");
	char *e = secure_boot_load_error(&sb, ENODATA, "/vmlinuz");
	assert_str(e, "/vmlinuz is not signed by a key this machine trusts; the kernel is locked down");
	free(e);
}

static void test_kinds_that_need_kexec_load_are_refused_under_lockdown(void **state)
{
	struct secure_boot on = {true, true}, off = {false, false};
	const char *want = "kexec_load is disabled while Secure Boot is on";
	assert_str(secure_boot_refusal(&on, KIND_MULTIBOOT, 0), want);
	assert_str(secure_boot_refusal(&on, KIND_MULTIBOOT2, 0), want);
	assert_str(secure_boot_refusal(&on, KIND_LINUX, TF_FORCE_KEXEC_LOAD), want);
	assert_null(secure_boot_refusal(&on, KIND_LINUX, 0));
	assert_null(secure_boot_refusal(&off, KIND_MULTIBOOT, 0));
	assert_null(secure_boot_refusal(&off, KIND_LINUX, TF_FORCE_KEXEC_LOAD));
	assert_null(secure_boot_kexec_load_refusal(&off));
}

static void test_signature_errors_are_explained_only_under_lockdown(void **state)
{
	struct secure_boot on = {true, true}, off = {false, false};
	const int sig[] = {ENODATA, EKEYREJECTED, ENOKEY, EBADMSG, EPERM};
	for (size_t i = 0; i < sizeof(sig) / sizeof(sig[0]); i++) {
		char *e = secure_boot_load_error(&on, sig[i], "/boot/vmlinuz on sda1");
		assert_str(e, "/boot/vmlinuz on sda1 is not signed by a key this machine trusts; "
			      "Secure Boot is on");
		free(e);
		assert_null(secure_boot_load_error(&off, sig[i], "/boot/vmlinuz"));
	}
	assert_null(secure_boot_load_error(&on, ENOMEM, "/boot/vmlinuz"));
	assert_null(secure_boot_load_error(&on, ENOEXEC, "/boot/vmlinuz"));
}

static void test_mark_refuses_only_the_targets_that_need_kexec_load(void **state)
{
	struct secure_boot on = {true, true};
	struct target_list l;
	tl_init(&l);
	struct target t;
	target_init(&t);
	t.title = xstrdup("linux");
	tl_push(&l, &t);
	target_init(&t);
	t.title = xstrdup("xen");
	t.kind = KIND_MULTIBOOT;
	tl_push(&l, &t);
	secure_boot_mark(&on, &l);
	assert_true(target_bootable(&l.v[0]));
	assert_false(target_bootable(&l.v[1]));
	assert_str(l.v[1].reason, "kexec_load is disabled while Secure Boot is on");
	tl_free(&l);
}

/* The head of a PE32+ image (as Debian's EFI-stub bzImage is) with `dirs` data
 * directories and a certificate table of cert_size bytes. */
static size_t pe_head(unsigned char *d, size_t n, unsigned dirs, unsigned cert_size)
{
	memset(d, 0, n);
	d[0] = 'M';
	d[1] = 'Z';
	d[0x3c] = 0x80;
	memcpy(d + 0x80, "PE\0\0", 4);
	size_t opt = 0x80 + 24;
	d[opt] = 0x0b;
	d[opt + 1] = 0x02;
	d[opt + 108] = (unsigned char)dirs;
	size_t cert = opt + 112 + 4 * 8;
	d[cert] = 0x00; /* the table's file offset: anything */
	d[cert + 1] = 0x10;
	d[cert + 4] = (unsigned char)(cert_size & 0xff);
	d[cert + 5] = (unsigned char)(cert_size >> 8);
	return cert + 8;
}

static void test_pe_signature_is_seen_in_the_head(void **state)
{
	unsigned char d[1024];
	size_t end = pe_head(d, sizeof(d), 16, 0x2a8);
	assert_int_equal(secure_boot_pe_signed(d, sizeof(d)), 1);
	assert_int_equal(secure_boot_pe_signed(d, end), 1);
	pe_head(d, sizeof(d), 16, 0); /* sbattach --remove empties the entry */
	assert_int_equal(secure_boot_pe_signed(d, sizeof(d)), 0);
	pe_head(d, sizeof(d), 4, 0x2a8); /* no certificate table entry at all */
	assert_int_equal(secure_boot_pe_signed(d, sizeof(d)), 0);
	pe_head(d, sizeof(d), 16, 0x2a8);
	assert_int_equal(secure_boot_pe_signed(d, end - 1), -1); /* too short to tell */
	d[0x80] = 'X';
	assert_int_equal(secure_boot_pe_signed(d, sizeof(d)), -1);
	memcpy(d, "\x1f\x8b", 2); /* a gzip file, not PE */
	assert_int_equal(secure_boot_pe_signed(d, sizeof(d)), -1);
	pe_head(d, sizeof(d), 16, 0x2a8);
	d[0x3c] = 0xff;
	d[0x3d] = 0xff; /* e_lfanew beyond the head */
	assert_int_equal(secure_boot_pe_signed(d, sizeof(d)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boot_params_enabled_and_lockdown_integrity),
		cmocka_unit_test(test_boot_params_disabled_wins_over_the_variable),
		cmocka_unit_test(test_variable_counts_when_boot_params_say_nothing),
		cmocka_unit_test(test_nothing_readable_is_off_and_on_without_lockdown_file_is_locked),
		cmocka_unit_test(test_lockdown_without_secure_boot_says_so),
		cmocka_unit_test(test_kinds_that_need_kexec_load_are_refused_under_lockdown),
		cmocka_unit_test(test_signature_errors_are_explained_only_under_lockdown),
		cmocka_unit_test(test_mark_refuses_only_the_targets_that_need_kexec_load),
		cmocka_unit_test(test_pe_signature_is_seen_in_the_head),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
