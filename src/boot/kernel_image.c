#include "kernel_image.h"

#include <inttypes.h>
#include <string.h>
#include "util.h"

static bool mb_valid_at(const unsigned char *d, size_t len, size_t off, int version)
{
	if (version == 1)
		return off + 12 <= len && get32(d + off) == MB1_MAGIC &&
		       (uint32_t)(get32(d + off) + get32(d + off + 4) + get32(d + off + 8)) == 0;
	if (off + 16 > len || get32(d + off) != MB2_MAGIC)
		return false;
	uint32_t hl = get32(d + off + 8);
	return (uint32_t)(MB2_MAGIC + get32(d + off + 4) + hl + get32(d + off + 12)) == 0 &&
	       hl >= 16 && hl <= len - off;
}

static long mb_scan(const unsigned char *d, size_t len, int version, size_t limit)
{
	size_t step = version == 1 ? 4 : 8;
	for (size_t off = 0; off < limit && off < len; off += step)
		if (mb_valid_at(d, len, off, version))
			return (long)off;
	return -1;
}

long mb_find(const unsigned char *d, size_t len, int version)
{
	long off = mb_scan(d, len, version, version == 1 ? MB1_SEARCH : MB2_SEARCH);
	/* Multiboot 2 wants the whole header inside the search area */
	if (off >= 0 && version == 2 && (size_t)off + get32(d + off + 8) > MB2_SEARCH)
		return -1;
	return off;
}

static int add_piece(struct mb_image *img, uint64_t off, uint64_t filesz, uint64_t addr,
		     uint64_t memsz, size_t len, char **err)
{
	if (off > len || filesz > len - off) {
		*err = xasprintf("the kernel is truncated: a part to load runs to byte %" PRIu64
				 " of a %zu-byte file", off + filesz, len);
		return -1;
	}
	if (memsz < filesz || addr + memsz < addr || addr + memsz > 0x100000000ull) {
		*err = xasprintf("the kernel wants memory at 0x%" PRIx64 "-0x%" PRIx64
				 ", beyond the 4 GiB a Multiboot kernel can use", addr,
				 addr + memsz - 1);
		return -1;
	}
	if (!memsz)
		return 0;
	if (img->npiece == MB_MAX_PIECES) {
		*err = xasprintf("the kernel has more than %d parts to load", MB_MAX_PIECES);
		return -1;
	}
	img->piece[img->npiece++] = (struct mb_piece){ off, filesz, addr, memsz };
	return 0;
}

/* ELF program headers, 32- or 64-bit: loaded at their physical addresses. */
static int parse_elf(const unsigned char *d, size_t len, struct mb_image *img, char **err)
{
	if (len < 52 || memcmp(d, "\177ELF", 4) || d[5] != 1 || (d[4] != 1 && d[4] != 2)) {
		*err = xstrdup("the kernel is not an ELF file and its Multiboot header gives no "
			       "load addresses");
		return -1;
	}
	bool e64 = d[4] == 2;
	if (e64 && len < 64) {
		*err = xstrdup("the kernel's ELF header is truncated");
		return -1;
	}
	uint64_t entry = e64 ? get64(d + 24) : get32(d + 24);
	uint64_t phoff = e64 ? get64(d + 32) : get32(d + 28);
	img->shoff = e64 ? get64(d + 40) : get32(d + 32);
	unsigned phentsize = get16(d + (e64 ? 54 : 42)), phnum = get16(d + (e64 ? 56 : 44));
	img->shentsize = get16(d + (e64 ? 58 : 46));
	img->shnum = get16(d + (e64 ? 60 : 48));
	img->shstrndx = get16(d + (e64 ? 62 : 50));
	img->elf_class = e64 ? 64 : 32;
	if (phentsize < (e64 ? 56u : 32u) || phoff > len || (uint64_t)phnum * phentsize > len - phoff) {
		*err = xstrdup("the kernel's ELF program headers are truncated or malformed");
		return -1;
	}
	if (img->shoff > len || (uint64_t)img->shnum * img->shentsize > len - img->shoff ||
	    img->shentsize < (e64 ? 64u : 40u))
		img->shnum = 0; /* no usable section headers: simply not passed on */
	bool have_entry = false;
	uint64_t pentry = entry;
	for (unsigned i = 0; i < phnum; i++) {
		const unsigned char *ph = d + phoff + (uint64_t)i * phentsize;
		if (get32(ph) != 1) /* PT_LOAD */
			continue;
		uint64_t off = e64 ? get64(ph + 8) : get32(ph + 4);
		uint64_t vaddr = e64 ? get64(ph + 16) : get32(ph + 8);
		uint64_t paddr = e64 ? get64(ph + 24) : get32(ph + 12);
		uint64_t filesz = e64 ? get64(ph + 32) : get32(ph + 16);
		uint64_t memsz = e64 ? get64(ph + 40) : get32(ph + 20);
		if (add_piece(img, off, filesz, paddr, memsz, len, err))
			return -1;
		/* a kernel linked high gives a virtual entry: use its physical twin */
		if (!have_entry && entry >= vaddr && entry - vaddr < memsz) {
			pentry = entry - vaddr + paddr;
			have_entry = true;
		}
	}
	if (!img->npiece) {
		*err = xstrdup("the kernel's ELF file has nothing to load");
		return -1;
	}
	img->entry = pentry;
	return 0;
}

/* The a.out kludge (Multiboot 1) and the address tag (Multiboot 2). */
static int parse_addresses(const unsigned char *d, size_t len, struct mb_image *img,
			   uint32_t header_addr, uint32_t load_addr, uint32_t load_end,
			   uint32_t bss_end, char **err)
{
	uint64_t start;
	if (img->version == 2 && load_addr == 0xffffffffu) {
		start = 0;
		load_addr = header_addr - (uint32_t)img->hdr_off;
	} else if (load_addr > header_addr || header_addr - load_addr > img->hdr_off) {
		*err = xasprintf("the Multiboot header's load address 0x%x does not fit its header "
				 "address 0x%x", load_addr, header_addr);
		return -1;
	} else {
		start = img->hdr_off - (header_addr - load_addr);
	}
	uint64_t filesz = load_end ? (uint64_t)load_end - load_addr : len - start;
	if (load_end && load_end < load_addr) {
		*err = xasprintf("the Multiboot header's load end 0x%x is below its load address 0x%x",
				 load_end, load_addr);
		return -1;
	}
	uint64_t memsz = filesz;
	if (bss_end) {
		if (bss_end < load_addr + filesz) {
			*err = xasprintf("the Multiboot header's bss end 0x%x is below the end of the "
					 "loaded data 0x%" PRIx64, bss_end, load_addr + filesz);
			return -1;
		}
		memsz = bss_end - load_addr;
	}
	img->elf_class = 0;
	return add_piece(img, start, filesz, load_addr, memsz, len, err);
}

static int mb1_parse(const unsigned char *d, size_t len, struct mb_image *img, char **err)
{
	const unsigned char *h = d + img->hdr_off;
	img->flags = get32(h + 4);
	uint32_t unknown = img->flags & 0xfff8u;
	if (unknown) {
		*err = xasprintf("the kernel's Multiboot header asks for features this boot loader "
				 "does not know (flags 0x%x)", unknown);
		return -1;
	}
	if (img->flags & 4) {
		if (img->hdr_off + 48 > len) {
			*err = xstrdup("the kernel's Multiboot header is truncated");
			return -1;
		}
		img->want_video = true;
		img->mode_type = get32(h + 32);
		img->width = get32(h + 36);
		img->height = get32(h + 40);
		img->depth = get32(h + 44);
	}
	if (!(img->flags & 0x10000))
		return parse_elf(d, len, img, err);
	if (img->hdr_off + 32 > len) {
		*err = xstrdup("the kernel's Multiboot header is truncated");
		return -1;
	}
	img->entry = get32(h + 28);
	return parse_addresses(d, len, img, get32(h + 12), get32(h + 16), get32(h + 20),
			       get32(h + 24), err);
}

/* One Multiboot 2 header tag; *addr_tag / *entry get the address and entry tags. */
static int mb2_tag(const unsigned char *t, uint32_t size, struct mb_image *img,
		   const unsigned char **addr_tag, int64_t *entry, char **err)
{
	uint16_t type = get16(t), optional = get16(t + 2) & 1;
	static const uint8_t min_size[11] = { 8, 8, 24, 12, 12, 20, 8, 8, 12, 12, 24 };
	if (type < ARRAY_SIZE(min_size) && size < min_size[type]) {
		*err = xasprintf("the kernel's Multiboot 2 header tag %u is too short", type);
		return -1;
	}
	switch (type) {
	case 1: /* information request */
		for (uint32_t i = 8; i + 4 <= size; i += 4) {
			uint32_t r = get32(t + i);
			uint64_t bit = r < 64 ? 1ull << r : 1ull << 63;
			img->info_req |= bit;
			if (!optional)
				img->info_req_required |= bit;
		}
		return 0;
	case 2: *addr_tag = t; return 0;
	case 3: *entry = get32(t + 8); return 0;
	case 4:
		img->console_required = get32(t + 8) & 1;
		img->ega_text = get32(t + 8) & 2;
		return 0;
	case 5:
		img->want_video = true;
		img->width = get32(t + 8);
		img->height = get32(t + 12);
		img->depth = get32(t + 16);
		return 0;
	case 6: img->mod_align = true; return 0;
	case 7: case 8: case 9:
		return 0; /* EFI: we start kernels with boot services gone, as the BIOS path does */
	case 10:
		img->relocatable = true;
		img->rel_min = get32(t + 8);
		img->rel_max = get32(t + 12);
		img->rel_align = get32(t + 16);
		img->rel_pref = get32(t + 20);
		return 0;
	}
	if (optional)
		return 0;
	*err = xasprintf("the kernel's Multiboot 2 header requires tag type %u, which this boot "
			 "loader does not know", type);
	return -1;
}

static int mb2_parse(const unsigned char *d, size_t len, struct mb_image *img, char **err)
{
	const unsigned char *h = d + img->hdr_off;
	if (get32(h + 4) != 0) {
		*err = xasprintf("the kernel's Multiboot 2 header is for architecture %u, not i386",
				 get32(h + 4));
		return -1;
	}
	uint32_t hl = get32(h + 8), off = 16;
	const unsigned char *addr_tag = NULL;
	int64_t entry = -1;
	for (;;) {
		if (off + 8 > hl) {
			*err = xstrdup("the kernel's Multiboot 2 header has no end tag");
			return -1;
		}
		const unsigned char *t = h + off;
		uint32_t size = get32(t + 4);
		if (get16(t) == 0)
			break;
		if (size < 8 || size > hl - off) {
			*err = xasprintf("the kernel's Multiboot 2 header has a tag of bad size %u", size);
			return -1;
		}
		if (mb2_tag(t, size, img, &addr_tag, &entry, err))
			return -1;
		off += (size + 7) & ~7u;
	}
	int r = addr_tag ? parse_addresses(d, len, img, get32(addr_tag + 8), get32(addr_tag + 12),
					   get32(addr_tag + 16), get32(addr_tag + 20), err)
			 : parse_elf(d, len, img, err);
	if (r)
		return r;
	if (entry >= 0)
		img->entry = (uint64_t)entry;
	else if (addr_tag) {
		*err = xstrdup("the kernel's Multiboot 2 header gives load addresses but no entry "
			       "address");
		return -1;
	}
	return 0;
}

int mb_parse(const unsigned char *d, size_t len, int version, struct mb_image *img, char **err)
{
	memset(img, 0, sizeof(*img));
	img->version = version;
	*err = NULL;
	long off = mb_find(d, len, version);
	if (off < 0) {
		long late = mb_scan(d, len, version, len < 1u << 20 ? len : 1u << 20);
		if (late >= 0)
			*err = xasprintf("the kernel's Multiboot%s header is at byte %ld, past the "
					 "first %d bytes where the specification says it must be",
					 version == 1 ? "" : " 2", late,
					 version == 1 ? MB1_SEARCH : MB2_SEARCH);
		else
			*err = xasprintf("the kernel has no valid Multiboot%s header (magic and "
					 "checksum) in its first %d bytes", version == 1 ? "" : " 2",
					 version == 1 ? MB1_SEARCH : MB2_SEARCH);
		return -1;
	}
	img->hdr_off = (size_t)off;
	int r = version == 1 ? mb1_parse(d, len, img, err) : mb2_parse(d, len, img, err);
	if (!r && img->entry >= 0x100000000ull) {
		*err = xasprintf("the kernel's entry point 0x%" PRIx64 " is above 4 GiB, where a "
				 "32-bit start cannot jump", img->entry);
		r = -1;
	}
	return r;
}

static const char *describe(const unsigned char *d, size_t len)
{
	static const struct { const char *magic; size_t n; const char *what; } magics[] = {
		{ "\x1f\x8b", 2, "gzip data" },
		{ "\xfd" "7zXZ\0", 6, "xz data" },
		{ "\x28\xb5\x2f\xfd", 4, "zstd data" },
		{ "BZh", 3, "bzip2 data" },
		{ "\x5d\0\0", 3, "lzma data" },
		{ "\x89LZO", 4, "lzo data" },
		{ "\x02\x21\x4c\x18", 4, "lz4 data" },
		{ "070701", 6, "a cpio archive (an initramfs?)" },
		{ "070702", 6, "a cpio archive (an initramfs?)" },
		{ "\177ELF", 4, "an ELF executable without a Multiboot header" },
		{ "MZ", 2, "a PE executable (an EFI application or Windows program)" },
		{ "#!", 2, "a script" },
		{ "ARMd", 4, "an arm64 Linux kernel, not for this machine" },
	};
	if (!len)
		return "an empty file";
	for (size_t i = 0; i < ARRAY_SIZE(magics); i++)
		if (len >= magics[i].n && !memcmp(d, magics[i].magic, magics[i].n))
			return magics[i].what;
	if (len >= 0x3c && !memcmp(d + 0x38, "ARMd", 4))
		return "an arm64 Linux kernel, not for this machine";
	size_t n = len < 512 ? len : 512, text = 0;
	for (size_t i = 0; i < n; i++)
		text += (d[i] >= 32 && d[i] < 127) || d[i] == '\n' || d[i] == '\r' || d[i] == '\t' ||
			d[i] >= 0x80;
	return text == n ? "a text file" : "data of an unknown kind";
}

const char *kernel_file_load_refusal(const unsigned char *d, size_t len, bool five_level)
{
	if (len < 0x240 || get16(d + 0x1fe) != 0xAA55 || memcmp(d + 0x202, "HdrS", 4))
		return "it is not a bzImage";
	uint16_t xlf = get16(d + 0x236);
	if (get16(d + 0x206) < 0x20c)
		return "its boot protocol is older than 2.12";
	if (!(d[0x211] & 1))
		return "it loads below 1 MiB";
	if (!(xlf & 1))
		return "it has no 64-bit entry point (XLF_KERNEL_64 is not set in its header)";
	if (!(xlf & 2))
		return "its header does not let it be loaded above 4 GiB "
		       "(XLF_CAN_BE_LOADED_ABOVE_4G is not set)";
	if (five_level && !(xlf & 0x20))
		return "its header does not say it can be started with 5-level paging "
		       "(XLF_5LEVEL is not set), and the running kernel uses 5-level paging";
	return NULL;
}

enum kernel_kind kernel_detect(const unsigned char *d, size_t len, char **what)
{
	if (what)
		*what = NULL;
	if (len >= 0x240 && get16(d + 0x1fe) == 0xAA55 && !memcmp(d + 0x202, "HdrS", 4)) {
		uint16_t version = get16(d + 0x206);
		if (version >= 0x20c && (get16(d + 0x236) & 3) == 3)
			return KK_LINUX64;
		if (version >= 0x202 && (d[0x211] & 1))
			return KK_LINUX32;
		if (what)
			*what = xasprintf("an old Linux kernel (boot protocol %u.%02u, loaded low), "
					  "which kexec cannot start", version >> 8, version & 0xff);
		return KK_UNKNOWN;
	}
	if (mb_find(d, len, 1) >= 0)
		return KK_MULTIBOOT1;
	if (mb_find(d, len, 2) >= 0)
		return KK_MULTIBOOT2;
	if (what)
		*what = xstrdup(describe(d, len));
	return KK_UNKNOWN;
}
