#include "multiboot.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "decompress.h"
#include "kernel_image.h"
#include "trampoline.h"
#include "util.h"

/* The segment we build: trampoline, information structure, strings. Offsets
 * inside it that must become physical addresses are listed as fixups and
 * relocated once the segment has its place. */
struct info {
	unsigned char *b;
	size_t len, cap;
	struct { size_t off; int width; } *fix;
	size_t nfix;
};

static size_t info_put(struct info *in, const void *data, size_t n, size_t align)
{
	size_t off = align_up(in->len, align);
	if (off + n > in->cap) {
		in->cap = (off + n) * 2 + 4096;
		in->b = xrealloc(in->b, in->cap);
	}
	memset(in->b + in->len, 0, off - in->len);
	if (data)
		memcpy(in->b + off, data, n);
	else
		memset(in->b + off, 0, n);
	in->len = off + n;
	return off;
}

static size_t info_str(struct info *in, const char *s)
{
	return info_put(in, s, strlen(s) + 1, 1);
}

/* Stores the offset `to` at `at`, to be made a physical address later. */
static void info_ptr(struct info *in, size_t at, size_t to, int width)
{
	if (width == 64)
		put64(in->b + at, to);
	else
		put32(in->b + at, (uint32_t)to);
	in->fix = xrealloc(in->fix, (in->nfix + 1) * sizeof(*in->fix));
	in->fix[in->nfix].off = at;
	in->fix[in->nfix++].width = width;
}

static void info_relocate(struct info *in, uint64_t base)
{
	for (size_t i = 0; i < in->nfix; i++) {
		unsigned char *p = in->b + in->fix[i].off;
		if (in->fix[i].width == 64)
			put64(p, get64(p) + base);
		else
			put32(p, (uint32_t)(get32(p) + base));
	}
}

/* The command line a kernel or module gets: its path, then its arguments, as
 * GRUB legacy gives them; GRUB 2 gives the arguments only. */
static char *with_path(const struct boot_blob *b, const struct boot_env *env)
{
	if (env->flags & BOOT_MB_ARGS_ONLY)
		return xstrdup(b->cmdline ? b->cmdline : "");
	return b->cmdline && *b->cmdline ? xasprintf("%s %s", b->name, b->cmdline)
					 : xstrdup(b->name);
}

/* Copies the ELF section headers, and the sections nothing loads (symbol
 * and string tables) so the kernel can find them; returns the table's offset. */
static size_t put_sections(struct info *in, const unsigned char *d, size_t len,
			   const struct mb_image *img, size_t align)
{
	size_t tab = info_put(in, d + img->shoff, (size_t)img->shnum * img->shentsize, align);
	bool e64 = img->elf_class == 64;
	for (uint32_t i = 1; i < img->shnum; i++) {
		size_t sh = tab + (size_t)i * img->shentsize;
		uint32_t type = get32(in->b + sh + 4);
		uint64_t addr = e64 ? get64(in->b + sh + 16) : get32(in->b + sh + 12);
		uint64_t off = e64 ? get64(in->b + sh + 24) : get32(in->b + sh + 16);
		uint64_t size = e64 ? get64(in->b + sh + 32) : get32(in->b + sh + 20);
		if (addr || type == 0 || type == 8 /* NOBITS */ || !size || off > len ||
		    size > len - off)
			continue;
		size_t at = info_put(in, d + off, size, 16);
		sh = tab + (size_t)i * img->shentsize; /* the buffer may have moved */
		info_ptr(in, sh + (e64 ? 16 : 12), at, e64 ? 64 : 32);
	}
	return tab;
}

/* Kernel pieces sharing a page become one segment (kexec wants whole pages). */
static int load_kernel(struct kexec_plan *p, const struct boot_env *env, const unsigned char *d,
		       const struct mb_image *img, int64_t delta, char **err)
{
	struct mb_piece pc[MB_MAX_PIECES];
	size_t n = img->npiece;
	memcpy(pc, img->piece, n * sizeof(*pc));
	for (size_t i = 0; i < n; i++) {
		pc[i].addr += (uint64_t)delta;
		for (size_t j = i; j > 0 && pc[j].addr < pc[j - 1].addr; j--) {
			struct mb_piece t = pc[j];
			pc[j] = pc[j - 1];
			pc[j - 1] = t;
		}
	}
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		uint64_t end = pc[i].addr + pc[i].memsz;
		for (; j < n && align_down(pc[j].addr, PAGE_SZ) < align_up(end, PAGE_SZ); j++) {
			if (pc[j].addr < end) {
				*err = xasprintf("two parts of the kernel overlap at 0x%" PRIx64, pc[j].addr);
				return -1;
			}
			end = pc[j].addr + pc[j].memsz;
		}
		if (!memmap_is_ram(env->mm, pc[i].addr, end - pc[i].addr)) {
			*err = memmap_explain(env->mm, "the kernel", pc[i].addr, end - pc[i].addr);
			return -1;
		}
		uint64_t flen = pc[j - 1].addr + pc[j - 1].filesz - pc[i].addr;
		unsigned char *buf = calloc(1, flen ? flen : 1);
		if (!buf) {
			*err = xstrdup("out of memory for the kernel");
			return -1;
		}
		for (size_t k = i; k < j; k++)
			memcpy(buf + (pc[k].addr - pc[i].addr), d + pc[k].off, pc[k].filesz);
		if (plan_add(p, env->mm, buf, flen, pc[i].addr, end - pc[i].addr, buf, "the kernel", err))
			return -1;
		i = j;
	}
	return 0;
}

/* Places the kernel where it asks, or (Multiboot 2 relocatable) where it may go. */
static int place_kernel(struct kexec_plan *p, const struct boot_env *env, const unsigned char *d,
			struct mb_image *img, uint64_t *base, char **err)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	for (size_t i = 0; i < img->npiece; i++) {
		lo = img->piece[i].addr < lo ? img->piece[i].addr : lo;
		if (img->piece[i].addr + img->piece[i].memsz > hi)
			hi = img->piece[i].addr + img->piece[i].memsz;
	}
	*base = lo;
	if (!load_kernel(p, env, d, img, 0, err) || !img->relocatable)
		return *err ? -1 : 0;
	plan_free(p);
	uint64_t a = plan_find(p, env->mm, hi - align_down(lo, PAGE_SZ), img->rel_align,
			       img->rel_min, (uint64_t)img->rel_max + 1, img->rel_pref == 2);
	if (!a)
		return -1; /* keep the message about the preferred place */
	free(*err);
	*err = NULL;
	int64_t delta = (int64_t)(a + (lo & (PAGE_SZ - 1)) - lo);
	img->entry += (uint64_t)delta;
	*base = lo + (uint64_t)delta;
	return load_kernel(p, env, d, img, delta, err);
}

struct placed_mod {
	uint64_t start, len;
	char *cmdline;
};

static int place_modules(struct kexec_plan *p, const struct boot_blob *mods, size_t n,
			 const struct boot_env *env, struct placed_mod *pm, char **err)
{
	uint64_t min = plan_end(p);
	/* the modules share one bound: two small bombs must not take it twice */
	size_t room = env->unzip_max ? env->unzip_max : UNZIP_MAX_DEFAULT;
	for (size_t i = 0; i < n; i++) {
		const unsigned char *data = mods[i].data;
		size_t len = mods[i].len;
		unsigned char *own = NULL;
		char *e = NULL, what[64];
		if (!mods[i].nounzip && unzip(data, len, room ? room : 1, &own, &len, &e) < 0) {
			*err = xasprintf("%s: %s", mods[i].name, e);
			free(e);
			return -1;
		}
		if (own) {
			data = own;
			room -= len;
		}
		snprintf(what, sizeof(what), "module %zu (%s)", i + 1, mods[i].name);
		uint64_t a = 0;
		if (plan_place(p, env->mm, data, len, len ? len : 1, PAGE_SZ, min, LIMIT_4G, false, own,
			       what, &a, err))
			return -1;
		pm[i].start = a;
		pm[i].len = len;
		pm[i].cmdline = with_path(&mods[i], env);
		min = a + len;
	}
	return 0;
}

/* The screen the kernel is told of: the framebuffer found, else VGA text. */
static const struct fb_desc *env_fb(const struct boot_env *env)
{
	static const struct fb_desc text = { 0xb8000, 160, 80, 25, 16, 2, { 0 } };
	return env->fb ? env->fb : &text;
}

/* Multiboot 1's framebuffer fields and Multiboot 2's framebuffer tag lay out
 * the address, pitch, size, depth and type alike. */
static void put_fb_fields(unsigned char *m, const struct fb_desc *fb)
{
	put64(m, fb->addr);
	put32(m + 8, fb->pitch);
	put32(m + 12, fb->width);
	put32(m + 16, fb->height);
	m[20] = fb->bpp;
	m[21] = fb->type;
}

static void put_mb1_fb(struct info *in, size_t mbi, const struct boot_env *env)
{
	unsigned char *m = in->b + mbi;
	const struct fb_desc *fb = env_fb(env);
	put32(m, get32(m) | 1u << 12);
	put_fb_fields(m + 88, fb);
	memcpy(m + 110, fb->rgb, 6);
}

static bool have_video(const struct boot_env *env)
{
	return env->fb || (env->flags & (BOOT_RESET_VGA | BOOT_VGA_TEXT));
}

static size_t build_mb1(struct info *in, const struct boot_blob *k, const unsigned char *d,
			size_t len, const struct mb_image *img, const struct placed_mod *pm,
			size_t n, const struct boot_env *env)
{
	const struct memmap *mm = env->mm;
	size_t mbi = info_put(in, NULL, 116, 8);
	uint32_t lower, upper, flags = 1 | 4 | 1u << 6 | 1u << 9;
	memmap_basic(mm, &lower, &upper);
	put32(in->b + mbi + 4, lower);
	put32(in->b + mbi + 8, upper);
	char *cmd = with_path(k, env);
	info_ptr(in, mbi + 16, info_str(in, cmd), 32);
	free(cmd);
	info_ptr(in, mbi + 64, info_str(in, MB_LOADER_NAME), 32);
	if (n) {
		flags |= 8;
		size_t mods = info_put(in, NULL, 16 * n, 8);
		put32(in->b + mbi + 20, (uint32_t)n);
		info_ptr(in, mbi + 24, mods, 32);
		for (size_t i = 0; i < n; i++) {
			size_t s = info_str(in, pm[i].cmdline);
			put32(in->b + mods + 16 * i, (uint32_t)pm[i].start);
			put32(in->b + mods + 16 * i + 4, (uint32_t)(pm[i].start + pm[i].len));
			info_ptr(in, mods + 16 * i + 8, s, 32);
		}
	}
	size_t map = info_put(in, NULL, 24 * mm->n, 8);
	for (size_t i = 0; i < mm->n; i++) {
		/* each entry's size field counts the 20 bytes after it */
		put32(in->b + map + 24 * i, 20);
		put64(in->b + map + 24 * i + 4, mm->v[i].addr);
		put64(in->b + map + 24 * i + 12, mm->v[i].len);
		put32(in->b + map + 24 * i + 20, mm->v[i].type);
	}
	put32(in->b + mbi + 44, (uint32_t)(24 * mm->n));
	info_ptr(in, mbi + 48, map, 32);
	if (img->elf_class && img->shnum) {
		flags |= 1u << 5;
		size_t tab = put_sections(in, d, len, img, 16);
		put32(in->b + mbi + 28, img->shnum);
		put32(in->b + mbi + 32, img->shentsize);
		info_ptr(in, mbi + 36, tab, 32);
		put32(in->b + mbi + 40, img->shstrndx);
	}
	put32(in->b + mbi, flags);
	if (img->want_video && have_video(env))
		put_mb1_fb(in, mbi, env);
	return mbi;
}

/* Multiboot 2 information tags: 8-byte aligned, each with type and size. */
static size_t tag_begin(struct info *in, uint32_t type, size_t fixed)
{
	size_t t = info_put(in, NULL, 8 + fixed, 8);
	put32(in->b + t, type);
	return t;
}

static void tag_end(struct info *in, size_t t)
{
	put32(in->b + t + 4, (uint32_t)(in->len - t));
}

static void tag_string(struct info *in, uint32_t type, const char *s)
{
	size_t t = tag_begin(in, type, 0);
	info_str(in, s);
	tag_end(in, t);
}

static const char *mb2_tag_name(unsigned t)
{
	static const char *names[] = { "", "command line", "boot loader name", "modules",
		"basic memory information", "BIOS boot device", "memory map", "VBE information",
		"framebuffer", "ELF sections", "APM table", "EFI 32-bit system table",
		"EFI 64-bit system table", "SMBIOS tables", "ACPI RSDP", "ACPI 2.0 RSDP",
		"network information", "EFI memory map", "EFI boot services",
		"EFI 32-bit image handle", "EFI 64-bit image handle", "image load address" };
	return t < ARRAY_SIZE(names) ? names[t] : "an unknown kind";
}

static uint64_t mb2_supported(const struct mb_image *img, const struct boot_env *env)
{
	uint64_t s = 1u << 1 | 1u << 2 | 1u << 3 | 1u << 4 | 1u << 6 | 1u << 21;
	if (img->elf_class && img->shnum)
		s |= 1u << 9;
	if (have_video(env))
		s |= 1u << 8;
	if (env->rsdp && env->rsdp_len >= 20)
		s |= 1u << 14;
	if (env->rsdp && env->rsdp_len >= 36 && env->rsdp[15] >= 2)
		s |= 1u << 15;
	return s;
}

static void build_mb2_fb(struct info *in, const struct boot_env *env)
{
	const struct fb_desc *fb = env_fb(env);
	size_t t = tag_begin(in, 8, 24);
	put_fb_fields(in->b + t + 8, fb);
	if (fb->type == 1)
		info_put(in, fb->rgb, 6, 1);
	else if (fb->type == 0)
		info_put(in, NULL, 2, 1); /* an empty palette */
	tag_end(in, t);
}

static size_t build_mb2(struct info *in, const struct boot_blob *k, const unsigned char *d,
			size_t len, const struct mb_image *img, const struct placed_mod *pm,
			size_t n, const struct boot_env *env, uint64_t load_base)
{
	const struct memmap *mm = env->mm;
	size_t mbi = info_put(in, NULL, 8, 8);
	char *cmd = with_path(k, env);
	tag_string(in, 1, cmd);
	free(cmd);
	tag_string(in, 2, MB_LOADER_NAME);
	for (size_t i = 0; i < n; i++) {
		size_t t = tag_begin(in, 3, 8);
		put32(in->b + t + 8, (uint32_t)pm[i].start);
		put32(in->b + t + 12, (uint32_t)(pm[i].start + pm[i].len));
		info_str(in, pm[i].cmdline);
		tag_end(in, t);
	}
	uint32_t lower, upper;
	memmap_basic(mm, &lower, &upper);
	size_t t = tag_begin(in, 4, 8);
	put32(in->b + t + 8, lower);
	put32(in->b + t + 12, upper);
	tag_end(in, t);
	t = tag_begin(in, 6, 8 + 24 * mm->n);
	put32(in->b + t + 8, 24);
	for (size_t i = 0; i < mm->n; i++) {
		put64(in->b + t + 16 + 24 * i, mm->v[i].addr);
		put64(in->b + t + 24 + 24 * i, mm->v[i].len);
		put32(in->b + t + 32 + 24 * i, mm->v[i].type);
	}
	tag_end(in, t);
	if (img->elf_class && img->shnum) {
		t = tag_begin(in, 9, 12);
		put32(in->b + t + 8, img->shnum);
		put32(in->b + t + 12, img->shentsize);
		put32(in->b + t + 16, img->shstrndx);
		/* the table follows the tag's fixed part directly */
		put_sections(in, d, len, img, 4);
		tag_end(in, t);
	}
	uint64_t sup = mb2_supported(img, env);
	if (sup & 1u << 8 && (img->want_video || img->info_req & 1u << 8))
		build_mb2_fb(in, env);
	if (sup & 1u << 14) {
		t = tag_begin(in, 14, 0);
		info_put(in, env->rsdp, 20, 1);
		tag_end(in, t);
	}
	if (sup & 1u << 15) {
		t = tag_begin(in, 15, 0);
		info_put(in, env->rsdp, 36, 1);
		tag_end(in, t);
	}
	if (img->relocatable || img->info_req & 1u << 21) {
		t = tag_begin(in, 21, 4);
		put32(in->b + t + 8, (uint32_t)load_base);
		tag_end(in, t);
	}
	tag_begin(in, 0, 0);
	put32(in->b + in->len - 4, 8);
	put32(in->b + mbi, (uint32_t)(in->len - mbi));
	return mbi;
}

static int check_mb2_requests(const struct mb_image *img, const struct boot_env *env, char **err)
{
	uint64_t missing = img->info_req_required & ~mb2_supported(img, env);
	for (unsigned i = 0; i < 64; i++)
		if (missing & 1ull << i) {
			*err = xasprintf("the kernel requires information kexec-loader cannot give: "
					 "%s (Multiboot 2 tag %u)", mb2_tag_name(i), i);
			return -1;
		}
	if (img->console_required && !img->ega_text && !env->fb) {
		*err = xstrdup("the kernel requires a graphical console, and this machine's console "
			       "gives none that kexec-loader can pass on");
		return -1;
	}
	return 0;
}

static int place_info(struct kexec_plan *p, struct info *in, const struct boot_env *env,
		      size_t mbi, int version, uint64_t guard, char **err)
{
	uint64_t base = 0;
	size_t len = in->len;
	unsigned char *b = in->b;
	in->b = NULL;
	if (plan_place(p, env->mm, b, len, len, PAGE_SZ, plan_end(p), LIMIT_4G, false, NULL,
		       "the boot information", &base, err)) {
		free(*err);
		if (plan_place(p, env->mm, b, len, len, PAGE_SZ, ONE_MIB, LIMIT_4G, false, NULL,
			       "the boot information", &base, err)) {
			free(b);
			return -1;
		}
	}
	p->seg[p->nseg - 1].owned = b;
	in->b = b;
	info_relocate(in, base);
	struct tramp_regs r = { version == 1 ? MB1_BOOT_MAGIC : MB2_BOOT_MAGIC,
				(uint32_t)(base + mbi), 0, 0, env->flags & BOOT_RESET_VGA,
				(uint32_t)guard };
	r.entry = (uint32_t)p->entry;
	trampoline_build(b, &r);
	in->b = NULL;
	p->entry = base;
	return 0;
}

static int plan_mb(const struct boot_blob *k, const unsigned char *d, size_t len,
		   const struct boot_blob *mods, size_t nmods, const struct boot_env *env,
		   int version, uint64_t guard, struct kexec_plan *p, char **err)
{
	struct mb_image img;
	uint64_t base;
	if (version == 0)
		version = mb_find(d, len, 2) >= 0 && mb_find(d, len, 1) < 0 ? 2 : 1;
	if (mb_parse(d, len, version, &img, err) ||
	    (version == 2 && check_mb2_requests(&img, env, err)) ||
	    place_kernel(p, env, d, &img, &base, err)) {
		char *e = *err;
		*err = xasprintf("%s: %s", k->name, e);
		free(e);
		return -1;
	}
	p->entry = img.entry;
	p->kind = version == 1 ? "Multiboot" : "Multiboot 2";
	struct placed_mod *pm = xcalloc(nmods + 1, sizeof(*pm));
	int r = place_modules(p, mods, nmods, env, pm, err);
	if (!r) {
		struct info in = { 0 };
		info_put(&in, NULL, trampoline_size(), 1);
		size_t mbi = version == 1 ? build_mb1(&in, k, d, len, &img, pm, nmods, env)
					  : build_mb2(&in, k, d, len, &img, pm, nmods, env, base);
		r = place_info(p, &in, env, mbi, version, guard, err);
		free(in.fix);
		free(in.b);
	}
	for (size_t i = 0; i < nmods; i++)
		free(pm[i].cmdline);
	free(pm);
	return r;
}

int plan_multiboot(const struct boot_blob *kernel, const struct boot_blob *mods, size_t nmods,
		   const struct boot_env *env, int version, struct kexec_plan *out, char **err)
{
	plan_init(out);
	*err = NULL;
	unsigned char *unpacked = NULL;
	size_t len = kernel->len;
	char *e = NULL;
	if (!env->mm || !env->mm->n) {
		*err = xstrdup("the memory map is unknown, so no Multiboot kernel can be placed");
		return -1;
	}
	int r = unzip(kernel->data, kernel->len, env->unzip_max, &unpacked, &len, &e);
	if (r < 0) {
		*err = xasprintf("%s: %s", kernel->name, e);
		free(e);
		return -1;
	}
	/* The BIOS disk guard (see trampoline.c) takes its memory off the top
	 * of conventional memory: the kernel is told so. Under UEFI there is no
	 * BIOS to guard. */
	struct memmap mm;
	memmap_copy(&mm, env->mm);
	uint64_t guard = env->flags & BOOT_EFI_FIRMWARE
				 ? 0 : memmap_take_conventional(&mm, TRAMP_DISK_GUARD_SIZE);
	struct boot_env genv = *env;
	genv.mm = &mm;
	r = plan_mb(kernel, unpacked ? unpacked : kernel->data, len, mods, nmods, &genv, version,
		    guard, out, err);
	memmap_free(&mm);
	free(unpacked);
	if (r < 0)
		plan_free(out);
	return r;
}
