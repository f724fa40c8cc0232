/* The machine's physical memory map, as the next kernel must be told it and as
 * the boot planner must respect it: read from /sys/firmware/memmap (the
 * firmware's own e820 map, unchanged by the running kernel's reservations). */
#ifndef KL_MEMMAP_H
#define KL_MEMMAP_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* e820 / Multiboot memory types. */
enum { MM_RAM = 1, MM_RESERVED = 2, MM_ACPI = 3, MM_NVS = 4, MM_UNUSABLE = 5, MM_PMEM = 7 };

struct mm_entry {
	uint64_t addr, len;
	uint32_t type;
};

struct memmap {
	struct mm_entry *v; /* sorted by address */
	size_t n;
};

/* Reads DIR/N/{start,end,type} (DIR is normally /sys/firmware/memmap).
 * 0, or -1 with *err set to a sentence for the user. */
int memmap_read(const char *dir, struct memmap *mm, char **err);
/* Adds a range, keeping the map sorted (tests build maps with it). */
void memmap_add(struct memmap *mm, uint64_t addr, uint64_t len, uint32_t type);
void memmap_free(struct memmap *mm);
/* True when [addr, addr+len) is RAM all the way (adjacent RAM entries count). */
bool memmap_is_ram(const struct memmap *mm, uint64_t addr, uint64_t len);
/* Why `what` cannot go at [addr, addr+len): the first part of that range that
 * is not RAM and what it is, then the machine's RAM, e.g. "the kernel needs
 * 0x40000000-0x40ffffff (16 MiB), but 0x40000000-0x40ffffff is no memory at
 * all; this machine's RAM is 0x0-0x9fbff, 0x100000-0x3ffdffff (1023 MiB in
 * all)". For a range memmap_is_ram() refuses; free the result. */
char *memmap_explain(const struct memmap *mm, const char *what, uint64_t addr, uint64_t len);
/* Multiboot mem_lower / mem_upper in KiB: RAM from 0 (at most 640 KiB) and
 * the contiguous RAM from 1 MiB. */
void memmap_basic(const struct memmap *mm, uint32_t *lower_kib, uint32_t *upper_kib);
void memmap_copy(struct memmap *dst, const struct memmap *src);
/* Takes size bytes off the top of conventional memory (the RAM from 0, below
 * 640 KiB), as a BIOS extension does: that RAM ends lower, the bytes taken are
 * reserved. Their address (1 KiB aligned), or 0 when there is no room. */
uint64_t memmap_take_conventional(struct memmap *mm, uint64_t size);

#endif
