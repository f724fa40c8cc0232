#include "memmap.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
				 "CONFIG_FIRMWARE_MEMMAP", dir, strerror(errno));
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
