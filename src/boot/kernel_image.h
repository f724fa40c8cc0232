/* Reading kernel images: what kind of kernel a file is (from its headers,
 * never its name), and for Multiboot kernels which bytes go where.
 * Pure functions over a buffer; every offset is checked against its length. */
#ifndef KL_KERNEL_IMAGE_H
#define KL_KERNEL_IMAGE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum kernel_kind {
	KK_UNKNOWN,
	KK_LINUX64,     /* bzImage kexec_file_load takes (64-bit, loadable above 4 GiB) */
	KK_LINUX32,     /* bzImage that needs kexec_load and the 32-bit boot protocol */
	KK_MULTIBOOT1,
	KK_MULTIBOOT2,
};

/* The kind of kernel in data. For KK_UNKNOWN, *what (when what is not NULL)
 * gets what the file looks like instead ("a text file", "gzip data", "an ELF
 * executable without a Multiboot header"…); free it. A file with both a
 * Multiboot 1 and a Multiboot 2 header (Xen) is KK_MULTIBOOT1. */
enum kernel_kind kernel_detect(const unsigned char *data, size_t len, char **what);

/* Why the running kernel's kexec_file_load (its bzImage64 loader, the only
 * one x86 has) refuses the bzImage in data, read from the header as that
 * loader reads it: a phrase ("it has no 64-bit entry point …"), or NULL when
 * the header gives no reason. five_level: the running kernel uses 5-level
 * paging, and then wants kernels that say they can start under it. */
const char *kernel_file_load_refusal(const unsigned char *data, size_t len, bool five_level);

#define MB1_MAGIC 0x1BADB002u
#define MB2_MAGIC 0xE85250D6u
#define MB1_SEARCH 8192
#define MB2_SEARCH 32768

/* One piece of the file to load: filesz bytes from file offset off to
 * physical address addr, then zeros up to memsz. */
struct mb_piece {
	uint64_t off, filesz, addr, memsz;
};
#define MB_MAX_PIECES 12

struct mb_image {
	int version;            /* 1 or 2 */
	size_t hdr_off;         /* where the header is in the file */
	uint32_t flags;         /* Multiboot 1 header flags */
	struct mb_piece piece[MB_MAX_PIECES];
	size_t npiece;
	uint64_t entry;         /* physical entry point, below 4 GiB */
	/* ELF section headers, for the information structure (0 when none) */
	int elf_class;          /* 0 (a.out kludge / address tag), 32 or 64 */
	uint64_t shoff;
	uint32_t shnum, shentsize, shstrndx;
	/* video: Multiboot 1 flags bit 2, or the Multiboot 2 framebuffer tag */
	bool want_video;
	uint32_t mode_type, width, height, depth;
	/* Multiboot 2 */
	uint64_t info_req, info_req_required; /* bit N: information tag N asked for */
	bool mod_align, console_required, ega_text;
	bool relocatable;
	uint32_t rel_min, rel_max, rel_align, rel_pref;
};

/* Finds and checks the Multiboot header of the given version (1 or 2) and
 * works out the pieces to load and the entry point. 0, or -1 with *err. */
int mb_parse(const unsigned char *data, size_t len, int version, struct mb_image *img,
	     char **err);
/* Offset of a valid Multiboot header of that version, or -1. */
long mb_find(const unsigned char *data, size_t len, int version);

static inline uint16_t get16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t get64(const unsigned char *p) { return get32(p) | (uint64_t)get32(p + 4) << 32; }
static inline void put16(unsigned char *p, uint16_t v) { p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); }
static inline void put32(unsigned char *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static inline void put64(unsigned char *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

#endif
