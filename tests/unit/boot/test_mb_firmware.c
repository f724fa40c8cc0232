/* What the boot engine reads from the running system, on fake files:
 * /sys/firmware/memmap, the ACPI RSDP, and kexec_load's refusals. */
#include "unit.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kexec_load.h"
#include "memmap.h"
#include "rsdp.h"
#include "kernel_image.h"
#include "util.h"
#include "hostfile.h"

static char dir[64];

static int setup(void **state)
{
	strcpy(dir, "/tmp/kl-fw-XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	remove_tree(dir);
	return 0;
}

static void add_entry(int n, const char *start, const char *end, const char *type)
{
	char *d = xasprintf("%s/%d", dir, n);
	assert_int_equal(mkdir(d, 0755), 0);
	write_text_below(d, "start", start);
	write_text_below(d, "end", end);
	write_text_below(d, "type", type);
	free(d);
}

static void memmap_from_sysfs(void **state)
{
	/* as the kernel shows it: inclusive ends, in hex, listed out of order */
	add_entry(0, "0x0\n", "0x9fbff\n", "System RAM\n");
	add_entry(2, "0x100000\n", "0x7fdffff\n", "System RAM\n");
	add_entry(1, "0x9fc00\n", "0x9ffff\n", "Reserved\n");
	add_entry(10, "0x7fe0000\n", "0x7ffffff\n", "ACPI Tables\n");
	add_entry(3, "0xfeffc000\n", "0xfeffffff\n", "ACPI Non-volatile Storage\n");
	struct memmap mm = { 0 };
	char *err = NULL;
	assert_int_equal(memmap_read(dir, &mm, &err), 0);
	assert_int_equal(mm.n, 5);
	assert_int_equal(mm.v[0].addr, 0);
	assert_int_equal(mm.v[0].len, 0x9fc00);
	assert_int_equal(mm.v[0].type, MM_RAM);
	assert_int_equal(mm.v[1].type, MM_RESERVED);
	assert_int_equal(mm.v[2].addr, 0x100000);
	assert_int_equal(mm.v[2].len, 0x7ee0000);
	assert_int_equal(mm.v[3].type, MM_ACPI);
	assert_int_equal(mm.v[4].type, MM_NVS);
	uint32_t lo, up;
	memmap_basic(&mm, &lo, &up);
	assert_int_equal(lo, 639);
	assert_int_equal(up, 0x7ee0000 / 1024);
	assert_true(memmap_is_ram(&mm, 0x100000, 0x1000));
	assert_false(memmap_is_ram(&mm, 0x9f000, 0x1000));
	assert_false(memmap_is_ram(&mm, 0x7fdf000, 0x2000));
	memmap_free(&mm);
	char *missing = xasprintf("%s/none", dir);
	assert_int_equal(memmap_read(missing, &mm, &err), -1);
	assert_non_null(strstr(err, missing));
	free(err);
	free(missing);
}

/* A fake /dev/mem: a sparse file with an RSDP where the BIOS would put it. */
static char *fake_mem(uint64_t at, int revision, bool good)
{
	char *path = xasprintf("%s/mem", dir);
	int fd = open(path, O_CREAT | O_WRONLY, 0644);
	unsigned char r[36] = "RSD PTR ";
	memcpy(r + 9, "QEMU  ", 6);
	r[15] = (unsigned char)revision;
	put32(r + 16, 0x7fe1234);
	put32(r + 20, 36);
	unsigned char s = 0;
	for (int i = 0; i < 20; i++)
		s = (unsigned char)(s + r[i]);
	r[8] = (unsigned char)-s;
	s = 0;
	for (int i = 0; i < 36; i++)
		s = (unsigned char)(s + r[i]);
	r[32] = (unsigned char)(-s + !good);
	assert_int_equal(pwrite(fd, r, 36, (off_t)at), 36);
	assert_int_equal(ftruncate(fd, at + 36 > 0x100000 ? (off_t)(at + 36) : 0x100000), 0);
	close(fd);
	return path;
}

/* The BIOS disk guard's KiB comes off the top of conventional memory, and only
 * when the map has conventional memory with room to give. */
static void conventional_memory_taken_from_the_top(void **state)
{
	struct memmap mm = { 0 };
	memmap_add(&mm, 0, 0x9fc00, MM_RAM);
	memmap_add(&mm, 0x9fc00, 0x400, MM_RESERVED);
	memmap_add(&mm, 0x100000, 0x1000000, MM_RAM);
	assert_int_equal(memmap_take_conventional(&mm, 1024), 0x9f800);
	assert_int_equal(mm.n, 4);
	assert_int_equal(mm.v[0].len, 0x9f800);
	assert_int_equal(mm.v[1].addr, 0x9f800);
	assert_int_equal(mm.v[1].len, 0x400);
	assert_int_equal(mm.v[1].type, MM_RESERVED);
	uint32_t lower, upper;
	memmap_basic(&mm, &lower, &upper);
	assert_int_equal(lower, 638);
	memmap_free(&mm);

	/* RAM running on past 640 KiB (no EBDA, no hole): nothing to take from */
	memmap_add(&mm, 0, 0x200000, MM_RAM);
	assert_int_equal(memmap_take_conventional(&mm, 1024), 0);
	assert_int_equal(mm.n, 1);
	memmap_free(&mm);
	/* too little conventional memory */
	memmap_add(&mm, 0, 0x10000, MM_RAM);
	assert_int_equal(memmap_take_conventional(&mm, 1024), 0);
	memmap_free(&mm);
	/* none at all */
	memmap_add(&mm, 0x100000, 0x1000000, MM_RAM);
	assert_int_equal(memmap_take_conventional(&mm, 1024), 0);
	memmap_free(&mm);
}

static void rsdp_bios_scan(void **state)
{
	char *mem = fake_mem(0xf5a40, 2, true), *systab = xasprintf("%s/systab", dir);
	unsigned char out[36];
	size_t len;
	uint64_t addr;
	assert_int_equal(rsdp_find(systab, mem, out, &len, &addr), 0);
	assert_int_equal(addr, 0xf5a40);
	assert_int_equal(len, 36);
	assert_memory_equal(out, "RSD PTR ", 8);
	assert_int_equal(get32(out + 16), 0x7fe1234);
	free(mem);
	/* a bad extended checksum is no RSDP */
	mem = fake_mem(0xf5a40, 2, false);
	unlink(mem);
	free(mem);
	mem = fake_mem(0xf5a40, 2, false);
	assert_int_equal(rsdp_find(systab, mem, out, &len, &addr), -1);
	free(mem);
	free(systab);
}

static void rsdp_from_efi_systab(void **state)
{
	char *mem = fake_mem(0x7f00010, 0, true), *systab = xasprintf("%s/systab", dir);
	write_text(systab, "SMBIOS=0xf0000\nACPI=0x7f00010\n");
	unsigned char out[36];
	size_t len;
	uint64_t addr;
	assert_int_equal(rsdp_find(systab, mem, out, &len, &addr), 0);
	assert_int_equal(addr, 0x7f00010);
	assert_int_equal(len, 20);
	free(mem);
	free(systab);
}

static void kexec_refusals_explained(void **state)
{
	char *lock = xasprintf("%s/lockdown", dir), *dis = xasprintf("%s/disabled", dir);
	write_text(lock, "none [integrity] confidentiality\n");
	char *s = kexec_load_explain(EPERM, lock, dis);
	assert_non_null(strstr(s, "locked down (Secure Boot)"));
	assert_non_null(strstr(s, "Multiboot"));
	assert_non_null(strstr(s, "signed 64-bit Linux kernel"));
	free(s);
	write_text(lock, "[none] integrity confidentiality\n");
	write_text(dis, "1\n");
	s = kexec_load_explain(EPERM, lock, dis);
	assert_non_null(strstr(s, "switched off"));
	free(s);
	s = kexec_load_explain(ENOSYS, lock, dis);
	assert_non_null(strstr(s, "CONFIG_KEXEC"));
	free(s);
	free(lock);
	free(dis);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(memmap_from_sysfs, setup, teardown),
		cmocka_unit_test(conventional_memory_taken_from_the_top),
		cmocka_unit_test_setup_teardown(rsdp_bios_scan, setup, teardown),
		cmocka_unit_test_setup_teardown(rsdp_from_efi_systab, setup, teardown),
		cmocka_unit_test_setup_teardown(kexec_refusals_explained, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
