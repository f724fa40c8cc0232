/* The 32-bit Linux boot protocol plan, checked against boot.rst: where the
 * kernel, initrds and boot_params go and what boot_params says. */
#include "unit.h"
#include "linux32.h"
#include "util.h"
#include "kernel_image.h"
#include "trampoline.h"
#include "plan_fixture.h"

/* A bzImage: 4 setup sectors plus the boot sector, then pm_len bytes of
 * protected-mode code; protocol 2.15, relocatable, 2 MiB alignment. */
static unsigned char *make_bzimage(size_t pm_len, size_t *len, uint16_t xloadflags)
{
	*len = 5 * 512 + pm_len;
	unsigned char *d = calloc(1, *len);
	d[0x1f1] = 4;
	put16(d + 0x1fe, 0xAA55);
	d[0x200] = 0xeb;
	d[0x201] = 0x6a; /* the header runs to 0x26c */
	memcpy(d + 0x202, "HdrS", 4);
	put16(d + 0x206, 0x020f);
	d[0x211] = 1;
	put32(d + 0x22c, 0x7fffffff);
	put32(d + 0x230, 0x200000);
	d[0x234] = 1;
	put16(d + 0x236, xloadflags);
	put32(d + 0x238, 2047);
	put64(d + 0x258, 0x1000000);
	put32(d + 0x260, 0x2000000);
	for (size_t i = 0; i < pm_len; i++)
		d[0xa00 + i] = (unsigned char)(i * 5 + 3);
	return d;
}

static const unsigned char rd1[5000] = { 'r', 'd', '1' };
static const unsigned char rd2[10] = "second rd";

static void bzimage_32bit_protocol(void **state)
{
	size_t len;
	unsigned char *k = make_bzimage(0x3000, &len, 0);
	struct boot_blob kb = { "/vmlinuz", k, len, "console=ttyS0 root=/dev/vda", false };
	struct boot_blob rd[2] = { { "/a.img", rd1, sizeof(rd1), NULL, false },
				   { "/b.img", rd2, sizeof(rd2), NULL, false } };
	env.rsdp_addr = 0xf5a40;
	assert_int_equal(plan_linux32(&kb, rd, 2, &env, &plan, &err), 0);
	assert_str(plan.kind, "Linux 32-bit boot protocol");
	assert_int_equal(plan.nseg, 3);
	/* the kernel at its preferred address, with room for init_size */
	assert_int_equal(plan.seg[0].mem, 0x1000000);
	assert_int_equal(plan.seg[0].memsz, 0x2000000);
	assert_memory_equal(phys(0x1000000, 0x3000), k + 0xa00, 0x3000);
	/* the initrds concatenated at the top of RAM below initrd_addr_max */
	assert_int_equal(plan.seg[1].mem, 0x8000000 - 0x2000);
	assert_memory_equal(phys(0x7ffe000, sizeof(rd1)), rd1, sizeof(rd1));
	assert_memory_equal(phys(0x7ffe000 + sizeof(rd1), sizeof(rd2)), rd2, sizeof(rd2));
	/* our segment: trampoline entry, boot_params one page in, command line after */
	assert_int_equal(plan.entry, 0x100000);
	const unsigned char *t = phys(plan.entry, trampoline_size()) + trampoline_params_offset();
	assert_int_equal(get32(t + TRAMP_PARAM_ESI), 0x101000);
	assert_int_equal(get32(t + TRAMP_PARAM_ENTRY), 0x1000000);
	assert_int_equal(get32(t + TRAMP_PARAM_EBX), 0);
	const unsigned char *bp = phys(0x101000, 4096);
	assert_memory_equal(bp + 0x202, "HdrS", 4);
	assert_int_equal(get64(bp + 0x258), 0x1000000);  /* setup header copied */
	assert_int_equal(bp[0x210], 0xff);               /* type_of_loader */
	assert_int_equal(get32(bp + 0x214), 0x1000000);  /* code32_start */
	assert_int_equal(get32(bp + 0x218), 0x7ffe000);  /* ramdisk_image */
	assert_int_equal(get32(bp + 0x21c), sizeof(rd1) + sizeof(rd2));
	assert_int_equal(get32(bp + 0x228), 0x102000);   /* cmd_line_ptr */
	assert_str((const char *)phys(0x102000, 1), "console=ttyS0 root=/dev/vda");
	assert_int_equal(get64(bp + 0x070), 0xf5a40);    /* acpi_rsdp_addr */
	assert_int_equal(get32(bp + 0x1e0), 130048);     /* alt_mem_k */
	assert_int_equal(bp[0x1e8], mm.n);               /* e820_entries */
	for (size_t i = 0; i < mm.n; i++) {
		assert_int_equal(get64(bp + 0x2d0 + 20 * i), mm.v[i].addr);
		assert_int_equal(get64(bp + 0x2d0 + 20 * i + 8), mm.v[i].len);
		assert_int_equal(get32(bp + 0x2d0 + 20 * i + 16), mm.v[i].type);
	}
	/* nothing past the setup header was taken from the image */
	assert_int_equal(get32(bp + 0x26c), 0);
	free(k);
}

static void relocated_when_preferred_address_is_taken(void **state)
{
	size_t len;
	unsigned char *k = make_bzimage(0x1000, &len, 0);
	memmap_free(&mm);
	memmap_add(&mm, 0, 0x9fc00, MM_RAM);
	memmap_add(&mm, 0x100000, 0xf00000, MM_RAM);
	memmap_add(&mm, 0x1000000, 0x100000, MM_RESERVED);
	memmap_add(&mm, 0x1100000, 0x6f00000, MM_RAM);
	struct boot_blob kb = { "/vmlinuz", k, len, NULL, false };
	env.flags = BOOT_VGA_TEXT;
	assert_int_equal(plan_linux32(&kb, NULL, 0, &env, &plan, &err), 0);
	/* 32 MiB at a 2 MiB boundary: the first that fits is after the hole */
	assert_int_equal(plan.seg[0].mem, 0x1200000);
	const unsigned char *bp = phys(plan.entry + 0x1000, 4096);
	assert_int_equal(get32(bp + 0x218), 0);
	assert_int_equal(bp[0x006], 3);  /* orig_video_mode: 80x25 text */
	assert_int_equal(bp[0x007], 80);
	assert_int_equal(bp[0x00e], 25);
	free(k);
}

static void errors(void **state)
{
	size_t len;
	unsigned char *k = make_bzimage(0x1000, &len, 0);
	char *longline = calloc(1, 3000);
	memset(longline, 'x', 2999);
	struct boot_blob kb = { "/vmlinuz", k, len, longline, false };
	assert_int_equal(plan_linux32(&kb, NULL, 0, &env, &plan, &err), -1);
	assert_non_null(strstr(err, "/vmlinuz: the command line is 2999 bytes"));
	free(longline);
	free(err);
	kb.cmdline = NULL;
	k[0x211] = 0; /* a zImage, loaded low */
	assert_int_equal(plan_linux32(&kb, NULL, 0, &env, &plan, &err), -1);
	assert_non_null(strstr(err, "below 1 MiB"));
	free(err);
	k[0x211] = 1;
	kb.len = 0x600; /* setup without a kernel */
	assert_int_equal(plan_linux32(&kb, NULL, 0, &env, &plan, &err), -1);
	assert_non_null(strstr(err, "truncated"));
	free(err);
	kb.data = (const unsigned char *)"#!/bin/sh\n";
	kb.len = 10;
	assert_int_equal(plan_linux32(&kb, NULL, 0, &env, &plan, &err), -1);
	assert_non_null(strstr(err, "not a Linux kernel"));
	free(k);
}

/* A kernel kexec_file_load refuses is named with the header field that makes
 * it refuse; kexec_load's 32-bit protocol still plans it. */
static void file_load_refusals(void **state)
{
	size_t len;
	/* Debian's kernels say 0x7f; without XLF_5LEVEL (kernels before 4.14) they
	 * are still tried with kexec_file_load first, which refuses them only when
	 * the running kernel uses 5-level paging */
	unsigned char *k = make_bzimage(0x1000, &len, 0x7f & ~0x20);
	assert_int_equal(kernel_detect(k, len, NULL), KK_LINUX64);
	assert_null(kernel_file_load_refusal(k, len, false));
	assert_non_null(strstr(kernel_file_load_refusal(k, len, true), "5-level paging (XLF_5LEVEL"));
	struct boot_blob kb = { "/vmlinuz", k, len, "console=ttyS0", false };
	assert_int_equal(plan_linux32(&kb, NULL, 0, &env, &plan, &err), 0);
	assert_null(err);
	put16(k + 0x236, 0x7f);
	assert_null(kernel_file_load_refusal(k, len, true));
	put16(k + 0x236, 0x7e);
	assert_non_null(strstr(kernel_file_load_refusal(k, len, false), "no 64-bit entry point"));
	put16(k + 0x236, 0x7d);
	assert_non_null(strstr(kernel_file_load_refusal(k, len, false), "above 4 GiB"));
	put16(k + 0x236, 0x7f);
	k[0x211] = 0;
	assert_non_null(strstr(kernel_file_load_refusal(k, len, false), "below 1 MiB"));
	put16(k + 0x206, 0x20b);
	assert_non_null(strstr(kernel_file_load_refusal(k, len, false), "older than 2.12"));
	assert_non_null(strstr(kernel_file_load_refusal(k, 0x100, false), "not a bzImage"));
	free(k);
}

static void detection(void **state)
{
	size_t len;
	char *what;
	unsigned char *k = make_bzimage(0x1000, &len, 0);
	assert_int_equal(kernel_detect(k, len, NULL), KK_LINUX32);
	put16(k + 0x236, 3); /* XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G */
	assert_int_equal(kernel_detect(k, len, NULL), KK_LINUX64);
	put16(k + 0x236, 1); /* 64-bit but not above 4 GiB (memtest86+ style) */
	assert_int_equal(kernel_detect(k, len, NULL), KK_LINUX32);
	free(k);
	unsigned char *e = make_elf(32, 0x100000, 0x100000, 0x100000, 0x100, 0x100, 1, &len);
	assert_int_equal(kernel_detect(e, len, &what), KK_MULTIBOOT1);
	assert_null(what);
	free(e);
	e = make_elf(32, 0x100000, 0x100000, 0x100000, 0x100, 0x100, 0, &len);
	assert_int_equal(kernel_detect(e, len, &what), KK_UNKNOWN);
	assert_str(what, "an ELF executable without a Multiboot header");
	free(what);
	free(e);
	static const struct { const char *data; size_t n; const char *what; } kinds[] = {
		{ "title Linux\nkernel /vmlinuz\n", 28, "a text file" },
		{ "\x1f\x8b\x08\0\0\0", 6, "gzip data" },
		{ "\xfd" "7zXZ\0\0", 7, "xz data" },
		{ "\x28\xb5\x2f\xfd\0", 5, "zstd data" },
		{ "", 0, "an empty file" },
		{ "\0\1\2\3\0\0\xff", 7, "data of an unknown kind" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		assert_int_equal(kernel_detect((const unsigned char *)kinds[i].data, kinds[i].n, &what),
				 KK_UNKNOWN);
		assert_str(what, kinds[i].what);
		free(what);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(bzimage_32bit_protocol, plan_setup, plan_teardown),
		cmocka_unit_test_setup_teardown(relocated_when_preferred_address_is_taken, plan_setup, plan_teardown),
		cmocka_unit_test_setup_teardown(errors, plan_setup, plan_teardown),
		cmocka_unit_test_setup_teardown(detection, plan_setup, plan_teardown),
		cmocka_unit_test_setup_teardown(file_load_refusals, plan_setup, plan_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
