#include "memmap.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "errtext.h"
#include "util.h"

/* The names the kernel gives e820 types in /sys/firmware/memmap/N/type. */
static uint32_t type_from_name(const char *s)
{
	static const struct { const char *name; uint32_t type; } names[] = {
		{ "System RAM", MM_RAM },
		{ "ACPI Tables", MM_ACPI },
		{ "ACPI Non-volatile Storage", MM_NVS },
		{ "Unusable memory", MM_UNUSABLE },
		{ "Persistent Memory (legacy)", 12 },
		{ "Persistent Memory", MM_PMEM },
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(s, names[i].name))
			return names[i].type;
	return MM_RESERVED;
}

void memmap_add(struct memmap *mm, uint64_t addr, uint64_t len, uint32_t type)
{
	if (!len)
		return;
	mm->v = xrealloc(mm->v, (mm->n + 1) * sizeof(*mm->v));
	size_t i = mm->n;
	while (i > 0 && mm->v[i - 1].addr > addr) {
		mm->v[i] = mm->v[i - 1];
		i--;
	}
	mm->v[i] = (struct mm_entry){ addr, len, type };
	mm->n++;
}

void memmap_free(struct memmap *mm)
{
	free(mm->v);
	mm->v = NULL;
	mm->n = 0;
}

static int read_u64(const char *dir, const char *ent, const char *name, uint64_t *v)
{
	char *path = xasprintf("%s/%s/%s", dir, ent, name);
	char *s = read_line_file(path);
	free(path);
	if (!s)
		return -1;
	char *end;
	errno = 0;
	*v = strtoull(s, &end, 0);
	int bad = errno || end == s || *end;
	free(s);
	return bad ? -1 : 0;
}

int memmap_read(const char *dir, struct memmap *mm, char **err)
{
	DIR *d = opendir(dir);
	if (!d) {
		*err = xasprintf("cannot read the memory map in %s (%s): this kernel needs "
				 "CONFIG_FIRMWARE_MEMMAP", dir, errtext(errno));
		return -1;
	}
	const struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		uint64_t start, end;
		if (read_u64(dir, e->d_name, "start", &start) || read_u64(dir, e->d_name, "end", &end) ||
		    end < start)
			continue;
		char *path = xasprintf("%s/%s/type", dir, e->d_name);
		char *type = read_line_file(path);
		free(path);
		/* sysfs gives the last byte, not the end */
		memmap_add(mm, start, end - start + 1, type ? type_from_name(type) : MM_RESERVED);
		free(type);
	}
	closedir(d);
	if (!mm->n) {
		*err = xasprintf("the memory map in %s is empty", dir);
		return -1;
	}
	return 0;
}

/* The end of the RAM run that contains addr, or addr itself when it is not RAM. */
static uint64_t memmap_ram_end(const struct memmap *mm, uint64_t addr)
{
	uint64_t end = addr;
	for (size_t i = 0; i < mm->n; i++) {
		const struct mm_entry *e = &mm->v[i];
		if (e->type == MM_RAM && e->addr <= end && end < e->addr + e->len)
			end = e->addr + e->len;
	}
	return end;
}

bool memmap_is_ram(const struct memmap *mm, uint64_t addr, uint64_t len)
{
	if (addr + len < addr)
		return false;
	/* a reserved entry inside a RAM entry wins, as in e820 */
	for (size_t i = 0; i < mm->n; i++) {
		const struct mm_entry *e = &mm->v[i];
		if (e->type != MM_RAM && e->addr < addr + len && addr < e->addr + e->len)
			return false;
	}
	return len == 0 || memmap_ram_end(mm, addr) >= addr + len;
}

static const char *type_phrase(uint32_t type)
{
	switch (type) {
	case MM_ACPI: return "holds the ACPI tables";
	case MM_NVS: return "is ACPI non-volatile storage";
	case MM_UNUSABLE: return "is memory the firmware marks unusable";
	case MM_PMEM: case 12: return "is persistent memory, not RAM";
	default: return "is reserved by the firmware";
	}
}

/* "16 MiB", or "12 KiB" below a MiB; what must fit is rounded up (up), what
 * there is rounded down. */
static char *size_phrase(uint64_t n, bool up)
{
	if (n >= 0x100000)
		return xasprintf("%" PRIu64 " MiB", (n + (up ? 0xfffff : 0)) >> 20);
	return xasprintf("%" PRIu64 " KiB", (n + (up ? 1023 : 0)) >> 10);
}

/* The first part of [addr, end) that is not RAM: *what_is says what it is. */
static void first_gap(const struct memmap *mm, uint64_t addr, uint64_t end, uint64_t *gs,
		      uint64_t *ge, const char **what_is)
{
	uint64_t hole = memmap_ram_end(mm, addr);
	*gs = end;
	for (size_t i = 0; i < mm->n; i++) {
		const struct mm_entry *e = &mm->v[i];
		uint64_t s = e->addr > addr ? e->addr : addr, t = e->addr + e->len;
		if (e->type != MM_RAM && s < end && addr < t && s < *gs) {
			*gs = s;
			*ge = t < end ? t : end;
			*what_is = type_phrase(e->type);
		}
	}
	if (hole >= *gs || hole >= end)
		return;
	/* nothing at all there, up to the next entry */
	*gs = hole;
	*ge = end;
	for (size_t i = 0; i < mm->n; i++)
		if (mm->v[i].addr > hole && mm->v[i].addr < *ge)
			*ge = mm->v[i].addr;
	*what_is = "is no memory at all";
}

char *memmap_explain(const struct memmap *mm, const char *what, uint64_t addr, uint64_t len)
{
	uint64_t end = addr + len < addr ? UINT64_MAX : addr + len, gs, ge = end, total = 0;
	const char *what_is = "is not RAM";
	first_gap(mm, addr, end, &gs, &ge, &what_is);
	char *size = size_phrase(len, true), *ram = xstrdup(""), *all;
	size_t runs = 0;
	/* the RAM runs, adjacent entries merged */
	for (size_t i = 0; i < mm->n; i++) {
		if (mm->v[i].type != MM_RAM)
			continue;
		uint64_t s = mm->v[i].addr, t = memmap_ram_end(mm, s);
		total += mm->v[i].len;
		if (i > 0 && mm->v[i - 1].type == MM_RAM && mm->v[i - 1].addr + mm->v[i - 1].len == s)
			continue; /* inside a run listed already */
		char *more = ++runs > 6 ? xstrdup(runs == 7 ? ", …" : "")
				 : xasprintf("%s0x%" PRIx64 "-0x%" PRIx64, runs > 1 ? ", " : "", s, t - 1);
		char *joined = xasprintf("%s%s", ram, more);
		free(ram);
		free(more);
		ram = joined;
	}
	char *total_s = size_phrase(total, false);
	if (runs)
		all = xasprintf("%s needs 0x%" PRIx64 "-0x%" PRIx64 " (%s), but 0x%" PRIx64 "-0x%" PRIx64
				" %s; this machine's RAM is %s (%s in all)", what, addr, end - 1, size,
				gs, ge - 1, what_is, ram, total_s);
	else
		all = xasprintf("%s needs 0x%" PRIx64 "-0x%" PRIx64 " (%s), but the memory map lists "
				"no RAM at all", what, addr, end - 1, size);
	free(size);
	free(ram);
	free(total_s);
	return all;
}

void memmap_basic(const struct memmap *mm, uint32_t *lower_kib, uint32_t *upper_kib)
{
	uint64_t low = memmap_ram_end(mm, 0);
	if (low > 640 * 1024)
		low = 640 * 1024;
	uint64_t up = memmap_ram_end(mm, 0x100000) - 0x100000;
	*lower_kib = (uint32_t)(low / 1024);
	*upper_kib = up / 1024 > UINT32_MAX ? UINT32_MAX : (uint32_t)(up / 1024);
}

void memmap_copy(struct memmap *dst, const struct memmap *src)
{
	dst->n = src->n;
	dst->v = xmalloc((src->n ? src->n : 1) * sizeof(*dst->v));
	memcpy(dst->v, src->v, src->n * sizeof(*dst->v));
}

uint64_t memmap_take_conventional(struct memmap *mm, uint64_t size)
{
	uint64_t end = memmap_ram_end(mm, 0);
	if (end > 640 * 1024 || end < 64 * 1024 + size)
		return 0;
	uint64_t at = (end - size) & ~(uint64_t)1023;
	for (size_t i = 0; i < mm->n; i++) {
		struct mm_entry *e = &mm->v[i];
		if (e->type != MM_RAM || e->addr >= at || e->addr + e->len != end)
			continue;
		e->len = at - e->addr;
		memmap_add(mm, at, end - at, MM_RESERVED);
		return at;
	}
	return 0; /* the top of conventional memory is split oddly: leave it */
}
