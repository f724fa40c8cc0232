/* Multiboot plans checked against the Multiboot 1 and 2 specifications:
 * where each byte lands, the entry, and every field of the information. */
#include "unit.h"
#include "boot_plan.h"
#include "multiboot.h"
#include "trampoline.h"
#include "plan_fixture.h"
#include "gzip_pack.h"
#include "util.h"

static uint32_t p32(uint64_t a) { return get32(phys(a, 4)); }
static const char *pstr(uint64_t a) { return (const char *)phys(a, 1); }

static void check_segments_valid(void)
{
	assert_true(plan.nseg <= PLAN_MAX_SEGS);
	for (size_t i = 0; i < plan.nseg; i++) {
		const struct plan_seg *s = &plan.seg[i];
		assert_int_equal(s->mem % 4096, 0);
		assert_int_equal(s->memsz % 4096, 0);
		assert_true(s->bufsz <= s->memsz);
		assert_true(s->mem + s->memsz <= LIMIT_4G);
		assert_true(memmap_is_ram(&mm, s->mem, s->memsz));
		for (size_t j = 0; j < i; j++)
			assert_true(s->mem >= plan.seg[j].mem + plan.seg[j].memsz ||
				    plan.seg[j].mem >= s->mem + s->memsz);
	}
}

/* The trampoline is the entry; its parameters say what the kernel gets. */
static void check_trampoline(uint32_t magic, uint64_t entry, uint64_t *info)
{
	const unsigned char *t = phys(plan.entry, trampoline_size());
	size_t po = trampoline_params_offset();
	assert_int_equal(get32(t + po + TRAMP_PARAM_EAX), magic);
	assert_int_equal(get32(t + po + TRAMP_PARAM_ENTRY), entry);
	*info = get32(t + po + TRAMP_PARAM_EBX);
	assert_true(*info >= ONE_MIB);
	/* the BIOS disk guard: the top KiB of conventional memory, below the EBDA */
	assert_int_equal(get32(t + po + TRAMP_PARAM_DISK_GUARD), 0x9f800);
}

/* The map the kernel is told: the machine's, with the guard's KiB reserved. */
static const struct mm_entry told[] = {
	{ 0, 0x9f800, MM_RAM }, { 0x9f800, 0x400, MM_RESERVED },
	{ 0x9fc00, 0x400, MM_RESERVED }, { 0xf0000, 0x10000, MM_RESERVED },
	{ 0x100000, 0x7f00000, MM_RAM }, { 0x8000000, 0x20000, MM_ACPI },
	{ 0xfffc0000, 0x40000, MM_RESERVED },
};

static const unsigned char mod1[5000] = { 1, 2, 3 };
static const unsigned char mod2[10] = "module 2!";
static const struct boot_blob mods[2] = {
	{ "/boot/mod1", mod1, sizeof(mod1), "a b", false },
	{ "(hd0,1)/mod2", mod2, sizeof(mod2), NULL, false },
};

static void check_mb1_info(uint64_t mbi, const char *cmdline, uint64_t kernel_end)
{
	uint32_t flags = p32(mbi);
	/* memory, command line, modules, ELF sections, memory map, loader name */
	assert_int_equal(flags, 1 | 4 | 8 | 0x20 | 0x40 | 0x200);
	assert_int_equal(p32(mbi + 4), 0x9f800 / 1024);
	assert_int_equal(p32(mbi + 8), (0x8000000 - 0x100000) / 1024);
	assert_str(pstr(p32(mbi + 16)), cmdline);
	assert_str(pstr(p32(mbi + 64)), "kexec-loader " KL_VERSION);
	/* modules: page-aligned, above the kernel, in order, with their bytes */
	assert_int_equal(p32(mbi + 20), 2);
	uint64_t m = p32(mbi + 24);
	assert_int_equal(p32(m), kernel_end);
	assert_int_equal(p32(m + 4) - p32(m), sizeof(mod1));
	assert_memory_equal(phys(p32(m), sizeof(mod1)), mod1, sizeof(mod1));
	assert_str(pstr(p32(m + 8)), "/boot/mod1 a b");
	assert_int_equal(p32(m + 16), kernel_end + 8192);
	assert_int_equal(p32(m + 20), kernel_end + 8192 + 10);
	assert_memory_equal(phys(p32(m + 16), 10), mod2, 10);
	assert_str(pstr(p32(m + 24)), "(hd0,1)/mod2");
	/* memory map: 24-byte entries, size field 20, as the map we gave */
	assert_int_equal(p32(mbi + 44), 24 * ARRAY_SIZE(told));
	uint64_t map = p32(mbi + 48);
	for (size_t i = 0; i < ARRAY_SIZE(told); i++) {
		const unsigned char *e = phys(map + 24 * i, 24);
		assert_int_equal(get32(e), 20);
		assert_int_equal(get64(e + 4), told[i].addr);
		assert_int_equal(get64(e + 12), told[i].len);
		assert_int_equal(get32(e + 20), told[i].type);
	}
}

/* ELF section headers: the table, with unloaded sections copied and pointed to. */
static void check_sections(uint64_t num, uint64_t entsize, uint64_t addr, uint64_t shndx, int cls)
{
	assert_int_equal(num, 4);
	assert_int_equal(entsize, cls == 64 ? 64 : 40);
	assert_int_equal(shndx, 3);
	const unsigned char *note = phys(addr + 2 * entsize, entsize);
	uint64_t at = cls == 64 ? get64(note + 16) : get32(note + 12);
	assert_memory_equal(phys(at, 16), "0123456789abcdef", 16);
	const unsigned char *st = phys(addr + 3 * entsize, entsize);
	at = cls == 64 ? get64(st + 16) : get32(st + 12);
	assert_str(pstr(at + 7), ".note");
}

static void mb1_elf32(void **state)
{
	size_t len;
	unsigned char *k = make_elf(32, 0x100000, 0x100000, 0x10000c, 0x1234, 0x3000, 1, &len);
	struct boot_blob kb = { "/boot/kernel.elf", k, len, "console=com1 x", false };
	assert_int_equal(plan_multiboot(&kb, mods, 2, &env, 0, &plan, &err), 0);
	check_segments_valid();
	assert_str(plan.kind, "Multiboot");
	/* kernel at its physical address: its bytes, then zeros to memsz */
	assert_int_equal(plan.seg[0].mem, 0x100000);
	assert_int_equal(plan.seg[0].memsz, 0x3000);
	assert_memory_equal(phys(0x100000, 0x1234), k + 0x100, 0x1234);
	/* modules follow the kernel page by page, then our segment */
	assert_int_equal(plan.nseg, 4);
	assert_int_equal(plan.entry, 0x103000 + 0x2000 + 0x1000);
	uint64_t mbi;
	check_trampoline(0x2BADB002, 0x10000c, &mbi);
	check_mb1_info(mbi, "/boot/kernel.elf console=com1 x", 0x103000);
	check_sections(p32(mbi + 28), p32(mbi + 32), p32(mbi + 36), p32(mbi + 40), 32);
	free(k);
}

/* A GRUB 2 entry: the kernel and modules get their arguments without their paths. */
static void grub2_command_lines_have_no_path(void **state)
{
	size_t len;
	unsigned char *k = make_elf(32, 0x100000, 0x100000, 0x10000c, 0x1234, 0x3000, 1, &len);
	struct boot_blob kb = { "/boot/kernel.elf", k, len, "/boot/kernel.elf console=com1", false };
	env.flags |= BOOT_MB_ARGS_ONLY;
	assert_int_equal(plan_multiboot(&kb, mods, 2, &env, 0, &plan, &err), 0);
	uint64_t mbi;
	check_trampoline(0x2BADB002, 0x10000c, &mbi);
	assert_str(pstr(p32(mbi + 16)), "/boot/kernel.elf console=com1");
	uint64_t m = p32(mbi + 24);
	assert_str(pstr(p32(m + 8)), "a b");
	assert_str(pstr(p32(m + 24)), "");
	free(k);
}

/* Under UEFI there is no BIOS: no guard, the firmware's memory map unchanged. */
static void no_disk_guard_under_uefi(void **state)
{
	size_t len;
	unsigned char *k = make_elf(32, 0x100000, 0x100000, 0x10000c, 0x1234, 0x3000, 1, &len);
	struct boot_blob kb = { "/boot/kernel.elf", k, len, NULL, false };
	env.flags |= BOOT_EFI_FIRMWARE;
	assert_int_equal(plan_multiboot(&kb, mods, 2, &env, 0, &plan, &err), 0);
	const unsigned char *t = phys(plan.entry, trampoline_size());
	assert_int_equal(get32(t + trampoline_params_offset() + TRAMP_PARAM_DISK_GUARD), 0);
	uint64_t mbi = get32(t + trampoline_params_offset() + TRAMP_PARAM_EBX);
	assert_int_equal(p32(mbi + 4), 0x9fc00 / 1024);
	assert_int_equal(p32(mbi + 44), 24 * mm.n);
	free(k);
}

static void mb1_elf64_virtual_entry(void **state)
{
	size_t len;
	/* linked high, loaded low: the entry is translated to its physical twin */
	unsigned char *k = make_elf(64, 0x200000, 0xffffffff80200000ull, 0xffffffff80200010ull,
				    0x800, 0x1000, 1, &len);
	struct boot_blob kb = { "/xen", k, len, NULL, false };
	assert_int_equal(plan_multiboot(&kb, mods, 2, &env, 1, &plan, &err), 0);
	check_segments_valid();
	assert_int_equal(plan.seg[0].mem, 0x200000);
	uint64_t mbi;
	check_trampoline(0x2BADB002, 0x200010, &mbi);
	check_mb1_info(mbi, "/xen", 0x201000);
	check_sections(p32(mbi + 28), p32(mbi + 32), p32(mbi + 36), p32(mbi + 40), 64);
	free(k);
}

/* a.out kludge with a load address that is not page-aligned. */
static unsigned char *make_aout(size_t *len, uint32_t bss_end)
{
	*len = 0x800;
	unsigned char *k = calloc(1, *len);
	for (size_t i = 0; i < *len; i++)
		k[i] = (unsigned char)(i * 13 + 1);
	mb1_header(k + 0x20, 0x10003);
	put32(k + 0x2c, 0x100220);  /* header_addr: the header's own address */
	put32(k + 0x30, 0x100200);  /* load_addr: file offset 0x20 - 0x20 = 0 */
	put32(k + 0x34, 0x100a00);  /* load_end_addr: 0x800 bytes */
	put32(k + 0x38, bss_end);   /* bss_end_addr */
	put32(k + 0x3c, 0x100260);  /* entry_addr */
	return k;
}

static void mb1_aout_kludge(void **state)
{
	size_t len;
	unsigned char *k = make_aout(&len, 0x102100);
	struct boot_blob kb = { "/k.aout", k, len, "", false };
	assert_int_equal(plan_multiboot(&kb, NULL, 0, &env, 1, &plan, &err), 0);
	check_segments_valid();
	assert_int_equal(plan.seg[0].mem, 0x100000);
	assert_int_equal(plan.seg[0].memsz, 0x3000); /* up to bss_end 0x102100, page-rounded */
	assert_memory_equal(phys(0x100200, 0x800), k, 0x800);
	for (int i = 0; i < 0x200; i++)
		assert_int_equal(*phys(0x100000 + i, 1), 0);
	uint64_t mbi;
	check_trampoline(0x2BADB002, 0x100260, &mbi);
	/* no modules and no ELF sections: those flags stay clear */
	assert_int_equal(p32(mbi), 1 | 4 | 0x40 | 0x200);
	assert_str(pstr(p32(mbi + 16)), "/k.aout");
	free(k);
}

static void mb1_gzip_kernel_and_module(void **state)
{
	size_t len, zlen, mzlen;
	unsigned char *k = make_elf(32, 0x100000, 0x100000, 0x10000c, 0x1234, 0x3000, 1, &len);
	unsigned char *z = gzip_pack(k, len, 9, &zlen);
	unsigned char *mz = gzip_pack(mod1, sizeof(mod1), 9, &mzlen);
	struct boot_blob kb = { "/k.gz", z, zlen, NULL, false };
	struct boot_blob m[2] = { { "/m.gz", mz, mzlen, NULL, false },
				  { "/raw.gz", mz, mzlen, NULL, true } };
	assert_int_equal(plan_multiboot(&kb, m, 2, &env, 0, &plan, &err), 0);
	check_segments_valid();
	assert_memory_equal(phys(0x100000, 0x1234), k + 0x100, 0x1234);
	uint64_t mbi;
	check_trampoline(0x2BADB002, 0x10000c, &mbi);
	uint64_t mo = p32(mbi + 24);
	/* the first module is unpacked, the nounzip one passed as it is */
	assert_int_equal(p32(mo + 4) - p32(mo), sizeof(mod1));
	assert_memory_equal(phys(p32(mo), sizeof(mod1)), mod1, sizeof(mod1));
	assert_int_equal(p32(mo + 20) - p32(mo + 16), mzlen);
	assert_memory_equal(phys(p32(mo + 16), mzlen), mz, mzlen);
	free(k);
	free(z);
	free(mz);
}

static void mb1_video_request_text_console(void **state)
{
	size_t len;
	unsigned char *k = make_aout(&len, 0);
	/* ask for video (flag 2): mode_type 1 (text), 80x25 */
	mb1_header(k + 0x20, 0x10007);
	put32(k + 0x40, 1);
	put32(k + 0x44, 80);
	put32(k + 0x48, 25);
	struct boot_blob kb = { "/k", k, len, NULL, false };
	env.flags = BOOT_VGA_TEXT;
	assert_int_equal(plan_multiboot(&kb, NULL, 0, &env, 1, &plan, &err), 0);
	uint64_t mbi;
	check_trampoline(0x2BADB002, 0x100260, &mbi);
	assert_true(p32(mbi) & 1u << 12);
	assert_int_equal(get64(phys(mbi + 88, 8)), 0xb8000);
	assert_int_equal(p32(mbi + 96), 160);
	assert_int_equal(p32(mbi + 100), 80);
	assert_int_equal(p32(mbi + 104), 25);
	assert_int_equal(*phys(mbi + 108, 1), 16);
	assert_int_equal(*phys(mbi + 109, 1), 2);
	free(k);
}

static void reset_vga_is_passed_to_trampoline(void **state)
{
	size_t len;
	unsigned char *k = make_aout(&len, 0);
	struct boot_blob kb = { "/k", k, len, NULL, false };
	env.flags = BOOT_RESET_VGA;
	assert_int_equal(plan_multiboot(&kb, NULL, 0, &env, 1, &plan, &err), 0);
	const unsigned char *t = phys(plan.entry, trampoline_size());
	assert_int_equal(get32(t + trampoline_params_offset() + TRAMP_PARAM_VGA), 1);
	free(k);
}

/* Multiboot 2: a raw image with address, entry, request and alignment tags. */
static size_t tag(unsigned char *h, size_t off, uint16_t type, uint16_t flags,
		  const uint32_t *v, size_t n)
{
	put16(h + off, type);
	put16(h + off + 2, flags);
	put32(h + off + 4, (uint32_t)(8 + 4 * n));
	for (size_t i = 0; i < n; i++)
		put32(h + off + 8 + 4 * i, v[i]);
	return (off + 8 + 4 * n + 7) & ~(size_t)7;
}

static unsigned char *make_mb2(size_t *len, uint32_t load, const uint32_t *req, size_t nreq,
			       bool relocatable)
{
	*len = 0x1000;
	unsigned char *k = calloc(1, *len);
	for (size_t i = 0x200; i < *len; i++)
		k[i] = (unsigned char)(i * 3);
	unsigned char *h = k + 0x40;
	size_t off = 16;
	const uint32_t addr[4] = { load + 0x40, load, 0, load + 0x2000 };
	const uint32_t entry[1] = { load + 0x200 };
	off = tag(h, off, 1, 0, req, nreq);
	const uint32_t opt[1] = { 15 };
	off = tag(h, off, 1, 1, opt, 1);
	off = tag(h, off, 2, 0, addr, 4);
	off = tag(h, off, 3, 0, entry, 1);
	off = tag(h, off, 6, 0, NULL, 0);
	if (relocatable) {
		const uint32_t rel[4] = { 0x200000, 0x4000000, 0x200000, 1 };
		off = tag(h, off, 10, 0, rel, 4);
	}
	off = tag(h, off, 0, 0, NULL, 0);
	put32(h, MB2_MAGIC);
	put32(h + 4, 0);
	put32(h + 8, (uint32_t)off);
	put32(h + 12, (uint32_t)-(MB2_MAGIC + off));
	return k;
}

/* Finds the information tag of a type; returns its address or 0. */
static uint64_t find_tag(uint64_t mbi, uint32_t type, int nth)
{
	uint32_t total = p32(mbi);
	for (uint64_t t = mbi + 8; t < mbi + total;) {
		uint32_t ty = p32(t), sz = p32(t + 4);
		assert_true(sz >= 8);
		if (ty == type && nth-- == 0)
			return t;
		if (ty == 0)
			break;
		t += (sz + 7) & ~7u;
	}
	return 0;
}

static unsigned char rsdp[36];

static void mb2_tags(void **state)
{
	size_t len;
	const uint32_t req[3] = { 1, 6, 4 };
	unsigned char *k = make_mb2(&len, 0x400000, req, 3, false);
	memcpy(rsdp, "RSD PTR ", 8);
	rsdp[15] = 2;
	rsdp[35] = 0x5a;
	env.rsdp = rsdp;
	env.rsdp_len = 36;
	struct boot_blob kb = { "/mb2.bin", k, len, "x=1", false };
	assert_int_equal(plan_multiboot(&kb, mods, 2, &env, 0, &plan, &err), 0);
	check_segments_valid();
	assert_str(plan.kind, "Multiboot 2");
	assert_int_equal(plan.seg[0].mem, 0x400000);
	assert_int_equal(plan.seg[0].memsz, 0x2000);
	assert_memory_equal(phys(0x400000, len), k, len); /* load_end 0: the whole file */
	uint64_t mbi;
	check_trampoline(0x36D76289, 0x400200, &mbi);
	assert_int_equal(mbi % 8, 0);
	uint64_t t = find_tag(mbi, 1, 0);
	assert_str(pstr(t + 8), "/mb2.bin x=1");
	assert_str(pstr(find_tag(mbi, 2, 0) + 8), "kexec-loader " KL_VERSION);
	t = find_tag(mbi, 3, 0);
	assert_int_equal(p32(t + 8), 0x402000);
	assert_int_equal(p32(t + 12), 0x402000 + sizeof(mod1));
	assert_str(pstr(t + 16), "/boot/mod1 a b");
	t = find_tag(mbi, 3, 1);
	assert_int_equal(p32(t + 8), 0x404000);
	assert_memory_equal(phys(0x404000, 10), mod2, 10);
	t = find_tag(mbi, 4, 0);
	assert_int_equal(p32(t + 8), 638);
	assert_int_equal(p32(t + 12), 130048);
	t = find_tag(mbi, 6, 0);
	assert_int_equal(p32(t + 4), 16 + 24 * ARRAY_SIZE(told));
	assert_int_equal(p32(t + 8), 24);
	assert_int_equal(p32(t + 12), 0);
	assert_int_equal(get64(phys(t + 16 + 24 * 1, 8)), 0x9f800);
	assert_int_equal(p32(t + 32 + 24 * 1), MM_RESERVED);
	assert_int_equal(get64(phys(t + 16 + 24 * 4, 8)), 0x100000);
	assert_int_equal(get64(phys(t + 24 + 24 * 4, 8)), 0x7f00000);
	assert_int_equal(p32(t + 32 + 24 * 5), MM_ACPI);
	t = find_tag(mbi, 14, 0);
	assert_int_equal(p32(t + 4), 8 + 20);
	assert_memory_equal(phys(t + 8, 8), "RSD PTR ", 8);
	t = find_tag(mbi, 15, 0);
	assert_int_equal(p32(t + 4), 8 + 36);
	assert_int_equal(*phys(t + 8 + 35, 1), 0x5a);
	/* the end tag closes the structure: type 0, size 8, at total_size */
	t = find_tag(mbi, 0, 0);
	assert_int_equal(p32(t + 4), 8);
	assert_int_equal(t + 8, mbi + p32(mbi));
	free(k);
}

static void mb2_required_tag_we_cannot_give(void **state)
{
	size_t len;
	const uint32_t req[2] = { 1, 5 }; /* BIOS boot device: unknown under kexec */
	unsigned char *k = make_mb2(&len, 0x400000, req, 2, false);
	struct boot_blob kb = { "/mb2.bin", k, len, NULL, false };
	assert_int_equal(plan_multiboot(&kb, NULL, 0, &env, 2, &plan, &err), -1);
	assert_non_null(strstr(err, "/mb2.bin: "));
	assert_non_null(strstr(err, "BIOS boot device"));
	free(k);
}

static void mb2_relocatable(void **state)
{
	size_t len;
	const uint32_t req[1] = { 21 };
	/* wants 0x8000000 (ACPI tables, not RAM) but may go 2 MiB-aligned in 2-64 MiB */
	unsigned char *k = make_mb2(&len, 0x8000000, req, 1, true);
	struct boot_blob kb = { "/reloc", k, len, NULL, false };
	assert_int_equal(plan_multiboot(&kb, NULL, 0, &env, 2, &plan, &err), 0);
	check_segments_valid();
	assert_int_equal(plan.seg[0].mem, 0x200000); /* preference 1: the lowest */
	uint64_t mbi;
	check_trampoline(0x36D76289, 0x200200, &mbi);
	assert_int_equal(p32(find_tag(mbi, 21, 0) + 8), 0x200000);
	free(k);
}

static void mb2_load_base_when_asked(void **state)
{
	size_t len;
	const uint32_t req[1] = { 21 };
	unsigned char *k = make_mb2(&len, 0x400000, req, 1, false), *k1 = k;
	struct boot_blob kb = { "/fixed", k, len, NULL, false };
	assert_int_equal(plan_multiboot(&kb, NULL, 0, &env, 2, &plan, &err), 0);
	uint64_t mbi;
	check_trampoline(0x36D76289, 0x400200, &mbi);
	assert_int_equal(p32(find_tag(mbi, 21, 0) + 8), 0x400000);
	/* not asked for, not relocatable: no such tag */
	plan_free(&plan);
	k = make_mb2(&len, 0x400000, req, 0, false);
	kb.data = k;
	assert_int_equal(plan_multiboot(&kb, NULL, 0, &env, 2, &plan, &err), 0);
	check_trampoline(0x36D76289, 0x400200, &mbi);
	assert_int_equal(find_tag(mbi, 21, 0), 0);
	free(k);
	free(k1);
}

static void expect_error(const unsigned char *k, size_t len, const char *what)
{
	struct boot_blob kb = { "/bad", k, len, NULL, false };
	plan_free(&plan);
	free(err);
	err = NULL;
	assert_int_equal(plan_multiboot(&kb, mods, 2, &env, 0, &plan, &err), -1);
	assert_non_null(err);
	if (!strstr(err, what))
		fail_msg("error \"%s\" does not mention \"%s\"", err, what);
	assert_int_equal(plan.nseg, 0);
}

static void malformed_kernels(void **state)
{
	size_t len;
	unsigned char *k = make_aout(&len, 0);
	put32(k + 0x28, get32(k + 0x28) + 1);
	expect_error(k, len, "no valid Multiboot header");
	free(k);

	/* a correct header past the first 8192 bytes */
	unsigned char *big = calloc(1, 0x3000);
	mb1_header(big + 0x2004, 0x10003);
	expect_error(big, 0x3000, "past the first 8192 bytes");
	free(big);

	/* truncated: the a.out kludge loads beyond the end of the file */
	k = make_aout(&len, 0);
	expect_error(k, 0x700, "truncated");
	/* bss end below the loaded data */
	put32(k + 0x38, 0x100300);
	expect_error(k, len, "bss end");
	free(k);

	/* outside RAM: the BIOS hole at 0xf0000 */
	unsigned char *e = make_elf(32, 0xf0000, 0xf0000, 0xf0000, 0x100, 0x100, 1, &len);
	expect_error(e, len, "/bad: the kernel needs 0xf0000-0xf00ff (1 KiB), but 0xf0000-0xf00ff "
			     "is reserved by the firmware; this machine's RAM is 0x0-0x9f7ff, "
			     "0x100000-0x7ffffff (127 MiB in all)");
	free(e);
	/* beyond the machine's RAM: the file, the range, what is there, the RAM */
	e = make_elf(32, 0x40000000, 0x40000000, 0x40000000, 0x100, 0x1000000, 1, &len);
	expect_error(e, len, "/bad: the kernel needs 0x40000000-0x40ffffff (16 MiB), but "
			     "0x40000000-0x40ffffff is no memory at all; this machine's RAM is "
			     "0x0-0x9f7ff, 0x100000-0x7ffffff (127 MiB in all)");
	free(e);
	/* larger than the RAM from 1 MiB: it runs into the ACPI tables, then nothing */
	e = make_elf(32, 0x100000, 0x100000, 0x100000, 0x100, 0x10000000, 1, &len);
	expect_error(e, len, "the kernel needs 0x100000-0x100fffff (256 MiB), but "
			     "0x8000000-0x801ffff holds the ACPI tables");
	free(e);
	/* an a.out kludge kernel whose bss runs past the RAM from 1 MiB */
	k = make_aout(&len, 0x9000000);
	expect_error(k, len, "/bad: the kernel needs 0x100200-0x8ffffff (143 MiB), but "
			     "0x8000000-0x801ffff holds the ACPI tables; this machine's RAM is");
	free(k);
	/* above 4 GiB */
	e = make_elf(64, 0x100000000ull, 0x100000000ull, 0x100000000ull, 0x100, 0x100, 1, &len);
	expect_error(e, len, "4 GiB");
	free(e);
	/* truncated ELF: the program header points past the end */
	e = make_elf(32, 0x100000, 0x100000, 0x100000, 0x1234, 0x3000, 1, &len);
	expect_error(e, 0x200, "truncated");
	/* unknown required flag bits */
	mb1_header(e + 0x100, 0x8003);
	expect_error(e, len, "does not know");
	free(e);
}

static void overlapping_segments(void **state)
{
	size_t len;
	/* two program headers loading to the same place */
	unsigned char *e = make_elf(32, 0x100000, 0x100000, 0x100000, 0x1234, 0x3000, 1, &len);
	unsigned char *e2 = calloc(1, len + 32);
	memcpy(e2, e, len);
	/* move the section headers out of the way and add a second PT_LOAD */
	put16(e2 + 44, 2);
	memcpy(e2 + 52 + 32, e2 + 52, 32);
	put32(e2 + 52 + 32 + 12, 0x102000); /* paddr inside the first one's memsz */
	put32(e2 + 32, 0); /* no sections */
	put16(e2 + 48, 0);
	expect_error(e2, len, "overlap");
	free(e);
	free(e2);
}

/* An a.out kernel planned with modules m[0..n) is refused with `what`. */
static void expect_modules_refused(const struct boot_blob *m, size_t n, const char *what)
{
	size_t len;
	unsigned char *k = make_aout(&len, 0);
	struct boot_blob kb = { "/k", k, len, NULL, false };
	assert_int_equal(plan_multiboot(&kb, m, n, &env, 1, &plan, &err), -1);
	if (!strstr(err, what))
		fail_msg("error \"%s\" does not mention \"%s\"", err, what);
	free(k);
}

static void too_many_modules(void **state)
{
	struct boot_blob m[20];
	for (int i = 0; i < 20; i++)
		m[i] = (struct boot_blob){ "/m", mod2, sizeof(mod2), NULL, false };
	expect_modules_refused(m, 20, "at most 16");
}

static void zip_bomb_module(void **state)
{
	size_t zlen;
	unsigned char *z = gzip_zeros(8 << 20, 9, &zlen);
	struct boot_blob m = { "/bomb.gz", z, zlen, NULL, false };
	env.unzip_max = 1 << 20;
	expect_modules_refused(&m, 1, "/bomb.gz: ");
	assert_non_null(strstr(err, "more than 1 MiB"));
	free(z);
}

/* Two small modules that each unpack within the bound would still take it
 * twice: the modules of one kernel share it. */
static void two_bombs_share_the_bound(void **state)
{
	size_t zlen;
	unsigned char *z = gzip_zeros(5 << 20, 9, &zlen);
	struct boot_blob m[2] = { { "/bomb1.gz", z, zlen, NULL, false },
				  { "/bomb2.gz", z, zlen, NULL, false } };
	env.unzip_max = 8 << 20;
	expect_modules_refused(m, 2, "/bomb2.gz: the gzip data would unpack to more than 3 MiB");
	free(z);
}

static void not_enough_memory(void **state)
{
	size_t len;
	unsigned char *k = make_aout(&len, 0);
	struct boot_blob kb = { "/k", k, len, NULL, false };
	memmap_free(&mm);
	memmap_add(&mm, 0, 0x9fc00, MM_RAM);
	memmap_add(&mm, 0x100000, 0x2000, MM_RAM);
	struct boot_blob m = { "/m", mod1, sizeof(mod1), NULL, false };
	assert_int_equal(plan_multiboot(&kb, &m, 1, &env, 1, &plan, &err), -1);
	if (!strstr(err, "no free memory for module 1 (/m)"))
		fail_msg("%s", err);
	free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(mb1_elf32, plan_setup, plan_teardown),
		cmocka_unit_test_setup_teardown(grub2_command_lines_have_no_path, plan_setup,
						plan_teardown),
		cmocka_unit_test_setup_teardown(no_disk_guard_under_uefi, plan_setup, plan_teardown),
		cmocka_unit_test_setup_teardown(two_bombs_share_the_bound, plan_setup, plan_teardown),
		cmocka_unit_test_setup_teardown(mb1_elf64_virtual_entry, plan_setup, plan_teardown),
		cmocka_unit_test_setup_teardown(mb1_aout_kludge, plan_setup, plan_teardown),
		cmocka_unit_test_setup_teardown(mb1_gzip_kernel_and_module, plan_setup, plan_teardown),
		cmocka_unit_test_setup_teardown(mb1_video_request_text_console, plan_setup, plan_teardown),
		cmocka_unit_test_setup_teardown(reset_vga_is_passed_to_trampoline, plan_setup, plan_teardown),
		cmocka_unit_test_setup_teardown(mb2_tags, plan_setup, plan_teardown),
		cmocka_unit_test_setup_teardown(mb2_required_tag_we_cannot_give, plan_setup, plan_teardown),
		cmocka_unit_test_setup_teardown(mb2_relocatable, plan_setup, plan_teardown),
		cmocka_unit_test_setup_teardown(mb2_load_base_when_asked, plan_setup, plan_teardown),
		cmocka_unit_test_setup_teardown(malformed_kernels, plan_setup, plan_teardown),
		cmocka_unit_test_setup_teardown(overlapping_segments, plan_setup, plan_teardown),
		cmocka_unit_test_setup_teardown(too_many_modules, plan_setup, plan_teardown),
		cmocka_unit_test_setup_teardown(zip_bomb_module, plan_setup, plan_teardown),
		cmocka_unit_test_setup_teardown(not_enough_memory, plan_setup, plan_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
