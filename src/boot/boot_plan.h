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

/* A file the caller has read into memory. Plans borrow data (keep it until
 * the plan is freed) and copy only what they must change. */
struct boot_blob {
	const char *name;           /* the path as the user wrote it, for messages and command lines */
	const unsigned char *data;
	size_t len;
	const char *cmdline;        /* arguments, may be NULL */
	bool nounzip;               /* a module passed as it is, even when compressed */
};

/* What the running machine offers the next kernel. */
struct fb_desc {
	uint64_t addr;
	uint32_t pitch, width, height;
	uint8_t bpp, type;          /* Multiboot types: 0 indexed, 1 RGB, 2 EGA text */
	uint8_t rgb[6];             /* red position, size, green position, size, blue … */
};

enum boot_env_flags {
	BOOT_RESET_VGA = 1 << 0,    /* reset VGA to 80x25 text mode before the jump */
	BOOT_VGA_TEXT = 1 << 1,
	BOOT_MB_ARGS_ONLY = 1 << 2, /* Multiboot command lines without the file's path in front */
	BOOT_EFI_FIRMWARE = 1 << 3, /* UEFI started the machine: no BIOS to call, no IVT to touch */     /* the console is VGA text mode (report it to kernels asking) */
};

struct boot_env {
	const struct memmap *mm;
	const unsigned char *rsdp;  /* a copy of the ACPI RSDP (20 or 36 bytes), or NULL */
	size_t rsdp_len;
	uint64_t rsdp_addr;         /* its physical address, 0 when unknown */
	const struct fb_desc *fb;   /* the running framebuffer, or NULL */
	unsigned flags;             /* enum boot_env_flags */
	size_t unzip_max;           /* bound for unpacking the kernel, and for all modules together; 0: UNZIP_MAX_DEFAULT */
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
