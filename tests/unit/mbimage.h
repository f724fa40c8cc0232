/* Builders for small Multiboot kernel images used by the unit tests: each
 * function writes the bytes the specifications describe, so the expected
 * plan can be worked out by hand. */
#ifndef KL_TEST_MBIMAGE_H
#define KL_TEST_MBIMAGE_H
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "kernel_image.h"
#include "memmap.h"

/* A typical PC: 639 KiB low memory, BIOS area, 127 MiB from 1 MiB, a hole
 * for ACPI, and firmware at the top of 4 GiB. */
static inline void pc_memmap(struct memmap *mm)
{
	memmap_add(mm, 0, 0x9fc00, MM_RAM);
	memmap_add(mm, 0x9fc00, 0x400, MM_RESERVED);
	memmap_add(mm, 0xf0000, 0x10000, MM_RESERVED);
	memmap_add(mm, 0x100000, 0x7f00000, MM_RAM);
	memmap_add(mm, 0x8000000, 0x20000, MM_ACPI);
	memmap_add(mm, 0xfffc0000, 0x40000, MM_RESERVED);
}

/* A Multiboot 1 header with the checksum the specification asks for. */
static inline void mb1_header(unsigned char *p, uint32_t flags)
{
	put32(p, MB1_MAGIC);
	put32(p + 4, flags);
	put32(p + 8, (uint32_t)-(MB1_MAGIC + flags));
}

/* An ELF32 (class 32) or ELF64 (class 64) executable: one PT_LOAD of filesz
 * bytes (byte i = i*7) at paddr/vaddr with memsz, then sections: null,
 * .text (allocated, at vaddr), .note (not allocated, 16 bytes "0123456789abcdef"),
 * .shstrtab. The Multiboot 1 header (flags 0x3) sits at file offset 0x100 when
 * with_mb1. Returns the image (free it). */
static inline unsigned char *make_elf(int cls, uint64_t paddr, uint64_t vaddr, uint64_t entry,
				      uint32_t filesz, uint32_t memsz, int with_mb1, size_t *len)
{
	bool e64 = cls == 64;
	size_t ehs = e64 ? 64 : 52, phs = e64 ? 56 : 32, shs = e64 ? 64 : 40;
	size_t text = 0x100, note = text + filesz, strtab = note + 16;
	static const char names[] = "\0.text\0.note\0.shstrtab";
	size_t shoff = (strtab + sizeof(names) + 7) & ~(size_t)7;
	*len = shoff + 4 * shs;
	unsigned char *d = calloc(1, *len);
	memcpy(d, "\177ELF", 4);
	d[4] = e64 ? 2 : 1;
	d[5] = 1;
	d[6] = 1;
	put16(d + 16, 2);
	put16(d + 18, e64 ? 62 : 3);
	put32(d + 20, 1);
	if (e64) {
		put64(d + 24, entry);
		put64(d + 32, ehs);
		put64(d + 40, shoff);
		put16(d + 52, (uint16_t)ehs);
		put16(d + 54, (uint16_t)phs);
		put16(d + 56, 1);
		put16(d + 58, (uint16_t)shs);
		put16(d + 60, 4);
		put16(d + 62, 3);
	} else {
		put32(d + 24, (uint32_t)entry);
		put32(d + 28, (uint32_t)ehs);
		put32(d + 32, (uint32_t)shoff);
		put16(d + 40, (uint16_t)ehs);
		put16(d + 42, (uint16_t)phs);
		put16(d + 44, 1);
		put16(d + 46, (uint16_t)shs);
		put16(d + 48, 4);
		put16(d + 50, 3);
	}
	unsigned char *ph = d + ehs;
	put32(ph, 1);
	if (e64) {
		put32(ph + 4, 7);
		put64(ph + 8, text);
		put64(ph + 16, vaddr);
		put64(ph + 24, paddr);
		put64(ph + 32, filesz);
		put64(ph + 40, memsz);
	} else {
		put32(ph + 4, (uint32_t)text);
		put32(ph + 8, (uint32_t)vaddr);
		put32(ph + 12, (uint32_t)paddr);
		put32(ph + 16, filesz);
		put32(ph + 20, memsz);
		put32(ph + 24, 7);
	}
	for (uint32_t i = 0; i < filesz; i++)
		d[text + i] = (unsigned char)(i * 7);
	if (with_mb1)
		mb1_header(d + text, 3);
	memcpy(d + note, "0123456789abcdef", 16);
	memcpy(d + strtab, names, sizeof(names));
	/* section headers: name, type, flags, addr, offset, size */
	struct { uint32_t name, type; uint64_t flags, addr, off, size; } sh[4] = {
		{ 0, 0, 0, 0, 0, 0 },
		{ 1, 1, 6, vaddr, text, filesz },
		{ 7, 7, 0, 0, note, 16 },
		{ 13, 3, 0, 0, strtab, sizeof(names) },
	};
	for (int i = 0; i < 4; i++) {
		unsigned char *s = d + shoff + i * shs;
		put32(s, sh[i].name);
		put32(s + 4, sh[i].type);
		if (e64) {
			put64(s + 8, sh[i].flags);
			put64(s + 16, sh[i].addr);
			put64(s + 24, sh[i].off);
			put64(s + 32, sh[i].size);
		} else {
			put32(s + 8, (uint32_t)sh[i].flags);
			put32(s + 12, (uint32_t)sh[i].addr);
			put32(s + 16, (uint32_t)sh[i].off);
			put32(s + 20, (uint32_t)sh[i].size);
		}
	}
	return d;
}

#endif
