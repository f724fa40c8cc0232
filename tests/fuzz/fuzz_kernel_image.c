/* libFuzzer harness: every kernel-header reader (detection, Multiboot 1 and
 * 2 headers, ELF and a.out kludge, the Linux setup header) and both planners.
 * A plan that succeeds must keep the rules every plan keeps. */
#include <stdlib.h>
#include <string.h>
#include "linux32.h"
#include "kernel_image.h"
#include "multiboot.h"

static void check(const struct kexec_plan *p, const struct memmap *mm)
{
	if (p->nseg > PLAN_MAX_SEGS)
		__builtin_trap();
	for (size_t i = 0; i < p->nseg; i++) {
		const struct plan_seg *s = &p->seg[i];
		if (s->mem % PAGE_SZ || s->memsz % PAGE_SZ || s->bufsz > s->memsz ||
		    s->mem + s->memsz > LIMIT_4G || !memmap_is_ram(mm, s->mem, s->memsz))
			__builtin_trap();
		for (size_t j = 0; j < i; j++)
			if (s->mem < p->seg[j].mem + p->seg[j].memsz && p->seg[j].mem < s->mem + s->memsz)
				__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *what = NULL, *err = NULL;
	kernel_detect(data, size, &what);
	free(what);
	struct mb_image img;
	for (int v = 1; v <= 2; v++) {
		if (mb_parse(data, size, v, &img, &err))
			free(err);
	}
	struct memmap mm = { 0 };
	memmap_add(&mm, 0, 0x9fc00, MM_RAM);
	memmap_add(&mm, 0xf0000, 0x10000, MM_RESERVED);
	memmap_add(&mm, 0x100000, 0x3f00000, MM_RAM);
	memmap_add(&mm, 0x4000000, 0x10000, MM_ACPI);
	memmap_add(&mm, 0x4010000, 0x3ff0000, MM_RAM);
	static const unsigned char rsdp[36] = "RSD PTR ";
	struct boot_env env = { &mm, rsdp, 36, 0xf0000, NULL, size & 1 ? BOOT_VGA_TEXT : 0,
				4 << 20 };
	static const unsigned char m[100] = { 1 };
	const struct boot_blob mods[2] = { { "/m1", m, sizeof(m), "x y", false },
					   { "/m2", data, size, NULL, false } };
	const struct boot_blob k = { "/k", data, size, "console=com1", false };
	struct kexec_plan p;
	if (plan_multiboot(&k, mods, 2, &env, 0, &p, &err) == 0)
		check(&p, &mm);
	else
		free(err);
	plan_free(&p);
	if (plan_linux32(&k, mods, 2, &env, &p, &err) == 0)
		check(&p, &mm);
	else
		free(err);
	plan_free(&p);
	memmap_free(&mm);
	return 0;
}
