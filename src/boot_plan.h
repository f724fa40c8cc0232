/* A boot plan: what kexec_load will copy where, and where it jumps.
 * Planners (multiboot.c, linux32.c) build plans from file contents and the
 * memory map without touching the machine; kexec_load.c executes them.
 * The rules every plan keeps: at most PLAN_MAX_SEGS page-aligned segments,
 * each entirely in RAM, below 4 GiB, none overlapping another; data we make
 * ourselves (information structures, trampoline) never below 1 MiB. */
#ifndef KL_BOOT_PLAN_H
#define KL_BOOT_PLAN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "memmap.h"

#define PLAN_MAX_SEGS 16 /* KEXEC_SEGMENT_MAX */
#define PAGE_SZ 4096u
#define LIMIT_4G 0x100000000ull
#define ONE_MIB 0x100000ull

struct plan_seg {
	const unsigned char *buf; /* bufsz bytes copied to mem; the rest of memsz is zeroed */
	size_t bufsz;
	uint64_t mem, memsz;      /* page-aligned */
	void *owned;              /* freed with the plan (may be buf, or NULL when borrowed) */
	char what[64];            /* "kernel", "module 2 (initrd.img)", … for messages */
};

struct kexec_plan {
	struct plan_seg seg[PLAN_MAX_SEGS];
	size_t nseg;
	uint64_t entry;           /* physical address kexec jumps to (64-bit mode) */
	const char *kind;         /* "Multiboot", "Multiboot 2", "Linux 32-bit boot protocol" */
};

static inline uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }
static inline uint64_t align_down(uint64_t v, uint64_t a) { return v & ~(a - 1); }

void plan_init(struct kexec_plan *p);
void plan_free(struct kexec_plan *p);

/* Adds len bytes of buf to be placed at physical address addr (any alignment:
 * the segment starts at the page below, zero-padded), occupying memsz >= len
 * bytes there. Takes ownership of own (may be NULL). 0, or -1 with *err
 * saying why the piece cannot go there. */
int plan_add(struct kexec_plan *p, const struct memmap *mm, const void *buf, size_t len,
	     uint64_t addr, uint64_t memsz, void *own, const char *what, char **err);

/* Finds a free page-aligned RAM area of size bytes in [min, max), aligned to
 * align (a power of two >= 4096): the lowest one, or the highest when top.
 * Returns 0 when there is none. */
uint64_t plan_find(const struct kexec_plan *p, const struct memmap *mm, uint64_t size,
		   uint64_t align, uint64_t min, uint64_t max, bool top);

/* Places len bytes (memsz >= len) anywhere allowed, as plan_find picks;
 * *where gets the address. */
int plan_place(struct kexec_plan *p, const struct memmap *mm, const void *buf, size_t len,
	       uint64_t memsz, uint64_t align, uint64_t min, uint64_t max, bool top,
	       void *own, const char *what, uint64_t *where, char **err);

/* The highest end address of the segments so far. */
uint64_t plan_end(const struct kexec_plan *p);

/* A human-readable listing (host mode prints it). */
void kexec_plan_print(const struct kexec_plan *p, FILE *f);

#endif
