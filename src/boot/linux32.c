#include "linux32.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "decompress.h"
#include "kernel_image.h"
#include "trampoline.h"
#include "util.h"

/* Offsets in boot_params (the "zero page") and its setup header. */
enum {
	BP_EXT_MEM_K = 0x002, BP_VIDEO_MODE = 0x006, BP_VIDEO_COLS = 0x007,
	BP_VIDEO_LINES = 0x00e, BP_VIDEO_ISVGA = 0x00f, BP_VIDEO_POINTS = 0x010,
	BP_LFB_WIDTH = 0x012, BP_LFB_HEIGHT = 0x014, BP_LFB_DEPTH = 0x016, BP_LFB_BASE = 0x018,
	BP_LFB_SIZE = 0x01c, BP_LFB_LINELEN = 0x024, BP_LFB_COLORS = 0x026,
	BP_ACPI_RSDP = 0x070, BP_ALT_MEM_K = 0x1e0, BP_E820_ENTRIES = 0x1e8,
	HDR = 0x1f1, HDR_SETUP_SECTS = 0x1f1, HDR_VERSION = 0x206, HDR_LOADER = 0x210,
	HDR_LOADFLAGS = 0x211, HDR_CODE32 = 0x214, HDR_RAMDISK = 0x218, HDR_RAMDISK_SIZE = 0x21c,
	HDR_CMDLINE = 0x228, HDR_INITRD_MAX = 0x22c, HDR_ALIGN = 0x230, HDR_RELOCATABLE = 0x234,
	HDR_CMDLINE_SIZE = 0x238, HDR_PREF_ADDRESS = 0x258, HDR_INIT_SIZE = 0x260,
	BP_E820 = 0x2d0, E820_MAX = 128,
};

/* Where the protected-mode kernel goes: its preferred address, 1 MiB for
 * old fixed kernels, or the lowest aligned free place for relocatable ones. */
static int place_kernel(struct kexec_plan *p, const struct boot_env *env, const unsigned char *d,
			size_t pm_off, size_t pm_len, uint64_t *load, char **err)
{
	uint16_t ver = get16(d + HDR_VERSION);
	uint64_t need = pm_len;
	if (ver >= 0x20a && get32(d + HDR_INIT_SIZE) > need)
		need = get32(d + HDR_INIT_SIZE);
	else if (ver < 0x20a)
		need = pm_len * 4; /* room to unpack itself; older headers do not say */
	uint64_t pref = ver >= 0x20a ? get64(d + HDR_PREF_ADDRESS) : ONE_MIB;
	bool reloc = ver >= 0x205 && d[HDR_RELOCATABLE];
	if (pref < ONE_MIB)
		pref = ONE_MIB;
	uint64_t a = pref;
	if (reloc && plan_find(p, env->mm, need, PAGE_SZ, pref, pref + need, false) != pref) {
		uint64_t align = get32(d + HDR_ALIGN);
		if (align < PAGE_SZ || (align & (align - 1)))
			align = 0x200000;
		a = plan_find(p, env->mm, need, align, ONE_MIB, LIMIT_4G, false);
		if (!a) {
			*err = xasprintf("no free memory below 4 GiB for the kernel (%" PRIu64 " KiB)",
					 need >> 10);
			return -1;
		}
	}
	*load = a;
	return plan_add(p, env->mm, d + pm_off, pm_len, a, need, NULL, "the kernel", err);
}

/* Every initrd, one after another, as high as the kernel can reach. */
static int place_initrds(struct kexec_plan *p, const struct boot_env *env, const unsigned char *d,
			 const struct boot_blob *initrds, size_t n, unsigned char *bp, char **err)
{
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += initrds[i].len;
	if (!total)
		return 0;
	uint64_t max = get16(d + HDR_VERSION) >= 0x203 ? (uint64_t)get32(d + HDR_INITRD_MAX) + 1
						      : 0x38000000;
	const unsigned char *buf = initrds[0].data;
	unsigned char *own = NULL;
	if (n > 1) {
		own = malloc(total);
		if (!own) {
			*err = xstrdup("out of memory for the initrds");
			return -1;
		}
		for (size_t i = 0, at = 0; i < n; at += initrds[i++].len)
			memcpy(own + at, initrds[i].data, initrds[i].len);
		buf = own;
	}
	uint64_t a;
	if (plan_place(p, env->mm, buf, total, total, PAGE_SZ, ONE_MIB, max, true, own,
		       n > 1 ? "the initrds" : "the initrd", &a, err))
		return -1;
	put32(bp + HDR_RAMDISK, (uint32_t)a);
	put32(bp + HDR_RAMDISK_SIZE, (uint32_t)total);
	return 0;
}

static void put_screen(unsigned char *bp, const struct boot_env *env)
{
	const struct fb_desc *fb = env->fb;
	if (fb && fb->type == 1) {
		bp[BP_VIDEO_ISVGA] = 0x23; /* VIDEO_TYPE_VLFB */
		put16(bp + BP_LFB_WIDTH, (uint16_t)fb->width);
		put16(bp + BP_LFB_HEIGHT, (uint16_t)fb->height);
		put16(bp + BP_LFB_DEPTH, fb->bpp);
		put32(bp + BP_LFB_BASE, (uint32_t)fb->addr);
		put32(bp + BP_LFB_SIZE, (uint32_t)(((uint64_t)fb->pitch * fb->height + 0xffff) >> 16));
		put16(bp + BP_LFB_LINELEN, (uint16_t)fb->pitch);
		/* size, position for red, green, blue (the fb_desc has position, size) */
		for (int i = 0; i < 3; i++) {
			bp[BP_LFB_COLORS + 2 * i] = fb->rgb[2 * i + 1];
			bp[BP_LFB_COLORS + 2 * i + 1] = fb->rgb[2 * i];
		}
	} else if (env->flags & (BOOT_VGA_TEXT | BOOT_RESET_VGA)) {
		bp[BP_VIDEO_MODE] = 3;
		bp[BP_VIDEO_COLS] = 80;
		bp[BP_VIDEO_LINES] = 25;
		bp[BP_VIDEO_ISVGA] = 1;
		put16(bp + BP_VIDEO_POINTS, 16);
	}
}

static void put_memory(unsigned char *bp, const struct memmap *mm)
{
	uint32_t lower, upper;
	memmap_basic(mm, &lower, &upper);
	put16(bp + BP_EXT_MEM_K, (uint16_t)(upper > 0xfc00 ? 0xfc00 : upper));
	put32(bp + BP_ALT_MEM_K, upper);
	size_t n = mm->n < E820_MAX ? mm->n : E820_MAX;
	bp[BP_E820_ENTRIES] = (unsigned char)n;
	for (size_t i = 0; i < n; i++) {
		put64(bp + BP_E820 + 20 * i, mm->v[i].addr);
		put64(bp + BP_E820 + 20 * i + 8, mm->v[i].len);
		put32(bp + BP_E820 + 20 * i + 16, mm->v[i].type);
	}
}

static int check_image(const unsigned char *d, size_t len, size_t *pm_off, char **err)
{
	if (len < 0x250 || get16(d + 0x1fe) != 0xAA55 || memcmp(d + 0x202, "HdrS", 4)) {
		*err = xstrdup("not a Linux kernel (no boot protocol header)");
		return -1;
	}
	uint16_t ver = get16(d + HDR_VERSION);
	if (ver < 0x202 || !(d[HDR_LOADFLAGS] & 1)) {
		*err = xasprintf("a Linux kernel with boot protocol %u.%02u that loads below 1 MiB, "
				 "which kexec cannot start", ver >> 8, ver & 0xff);
		return -1;
	}
	unsigned sects = d[HDR_SETUP_SECTS] ? d[HDR_SETUP_SECTS] : 4;
	*pm_off = (size_t)(sects + 1) * 512;
	if (*pm_off >= len) {
		*err = xasprintf("the kernel is truncated: %zu bytes, its setup alone is %zu", len,
				 *pm_off);
		return -1;
	}
	return 0;
}

static int plan_image(const struct boot_blob *k, const unsigned char *d, size_t len,
		      const struct boot_blob *initrds, size_t n, const struct boot_env *env,
		      struct kexec_plan *p, char **err)
{
	size_t pm_off;
	if (check_image(d, len, &pm_off, err))
		return -1;
	const char *cmdline = k->cmdline ? k->cmdline : "";
	size_t clen = strlen(cmdline);
	uint32_t cmax = get16(d + HDR_VERSION) >= 0x206 ? get32(d + HDR_CMDLINE_SIZE) : 255;
	if (clen > cmax) {
		*err = xasprintf("the command line is %zu bytes long; this kernel takes at most %u",
				 clen, cmax);
		return -1;
	}
	uint64_t load;
	if (place_kernel(p, env, d, pm_off, len - pm_off, &load, err))
		return -1;
	/* our segment: trampoline, then boot_params on its own page, then the command line */
	size_t bp_off = align_up(trampoline_size(), PAGE_SZ), seglen = bp_off + PAGE_SZ + clen + 1;
	unsigned char *seg = xcalloc(1, seglen), *bp = seg + bp_off;
	size_t hdr_end = 0x202 + d[0x201];
	memcpy(bp + HDR, d + HDR, (hdr_end < len ? hdr_end : len) - HDR);
	memcpy(bp + PAGE_SZ, cmdline, clen);
	if (place_initrds(p, env, d, initrds, n, bp, err)) {
		free(seg);
		return -1;
	}
	uint64_t base;
	if (plan_place(p, env->mm, seg, seglen, seglen, PAGE_SZ, ONE_MIB, LIMIT_4G, false, seg,
		       "the boot parameters", &base, err))
		return -1;
	bp[HDR_LOADER] = 0xff; /* a boot loader without an assigned ID */
	put32(bp + HDR_CODE32, (uint32_t)load);
	put32(bp + HDR_CMDLINE, (uint32_t)(base + bp_off + PAGE_SZ));
	if (env->rsdp_addr)
		put64(bp + BP_ACPI_RSDP, env->rsdp_addr);
	put_memory(bp, env->mm);
	put_screen(bp, env);
	struct tramp_regs r = { 0, 0, (uint32_t)(base + bp_off), (uint32_t)load,
				env->flags & BOOT_RESET_VGA, 0 };
	trampoline_build(seg, &r);
	p->entry = base;
	p->kind = "Linux 32-bit boot protocol";
	return 0;
}

int plan_linux32(const struct boot_blob *kernel, const struct boot_blob *initrds, size_t n,
		 const struct boot_env *env, struct kexec_plan *out, char **err)
{
	plan_init(out);
	*err = NULL;
	if (!env->mm || !env->mm->n) {
		*err = xstrdup("the memory map is unknown, so the kernel cannot be placed");
		return -1;
	}
	unsigned char *unpacked = NULL;
	size_t len = kernel->len;
	char *e = NULL;
	int r = unzip(kernel->data, kernel->len, env->unzip_max, &unpacked, &len, &e);
	if (r >= 0)
		r = plan_image(kernel, unpacked ? unpacked : kernel->data, len, initrds, n, env, out,
			       &e);
	if (r < 0) {
		plan_free(out);
		free(unpacked);
		*err = xasprintf("%s: %s", kernel->name, e);
		free(e);
		return -1;
	}
	if (unpacked) /* the kernel segment points into it: the plan keeps it */
		out->seg[0].owned = unpacked;
	return 0;
}
