#include "boot_plan.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"

void plan_init(struct kexec_plan *p)
{
	memset(p, 0, sizeof(*p));
}

void plan_free(struct kexec_plan *p)
{
	for (size_t i = 0; i < p->nseg; i++)
		free(p->seg[i].owned);
	plan_init(p);
}

static const struct plan_seg *overlapping(const struct kexec_plan *p, uint64_t mem, uint64_t end)
{
	for (size_t i = 0; i < p->nseg; i++)
		if (p->seg[i].mem < end && mem < p->seg[i].mem + p->seg[i].memsz)
			return &p->seg[i];
	return NULL;
}

int plan_add(struct kexec_plan *p, const struct memmap *mm, const void *buf, size_t len,
	     uint64_t addr, uint64_t memsz, void *own, const char *what, char **err)
{
	*err = NULL;
	if (memsz < len)
		memsz = len;
	uint64_t mem = align_down(addr, PAGE_SZ), end = align_up(addr + memsz, PAGE_SZ);
	const struct plan_seg *o;
	if (addr + memsz < addr || end < mem)
		/* the end wraps past 2^64: its address would read as a low one */
		*err = xasprintf("%s would start at 0x%" PRIx64 " and be 0x%" PRIx64 " bytes long, which "
				 "runs past the end of any memory", what, addr, memsz);
	else if (end > LIMIT_4G)
		*err = xasprintf("%s would end at 0x%" PRIx64 ", above 4 GiB, where a 32-bit kernel "
				 "cannot reach it", what, addr + memsz);
	else if (p->nseg == PLAN_MAX_SEGS)
		*err = xasprintf("%s does not fit: kexec takes at most %d pieces (kernel parts, "
				 "modules and boot information)", what, PLAN_MAX_SEGS);
	else if (!memmap_is_ram(mm, mem, end - mem))
		*err = memmap_explain(mm, what, addr, memsz);
	else if ((o = overlapping(p, mem, end)))
		*err = xasprintf("%s (0x%" PRIx64 "-0x%" PRIx64 ") overlaps %s (0x%" PRIx64
				 "-0x%" PRIx64 ")", what, addr, addr + memsz - 1, o->what, o->mem,
				 o->mem + o->memsz - 1);
	if (*err) {
		free(own);
		return -1;
	}
	struct plan_seg *s = &p->seg[p->nseg++];
	memset(s, 0, sizeof(*s));
	s->mem = mem;
	s->memsz = end - mem;
	s->owned = own;
	snprintf(s->what, sizeof(s->what), "%s", what);
	if (addr == mem || !len) {
		s->buf = buf;
		s->bufsz = len;
	} else {
		/* kexec wants page-aligned destinations: pad the front */
		unsigned char *b = xcalloc(1, addr - mem + len);
		memcpy(b + (addr - mem), buf, len);
		free(own);
		s->owned = b;
		s->buf = b;
		s->bufsz = addr - mem + len;
	}
	return 0;
}

/* Something in the way of [a, a+size): a segment or a non-RAM entry. */
static bool obstacle(const struct kexec_plan *p, const struct memmap *mm, uint64_t a,
		     uint64_t size, uint64_t *ostart, uint64_t *oend)
{
	const struct plan_seg *o = overlapping(p, a, a + size);
	if (o) {
		*ostart = o->mem;
		*oend = o->mem + o->memsz;
		return true;
	}
	for (size_t i = 0; i < mm->n; i++) {
		const struct mm_entry *e = &mm->v[i];
		if (e->type != MM_RAM && e->addr < a + size && a < e->addr + e->len) {
			*ostart = e->addr;
			*oend = e->addr + e->len;
			return true;
		}
	}
	return false;
}

/* The lowest (or highest) fit in one RAM run [lo, hi), or 0; jumps past obstacles. */
static uint64_t fit_in_run(const struct kexec_plan *p, const struct memmap *mm, uint64_t lo,
			   uint64_t hi, uint64_t size, uint64_t align, bool top)
{
	uint64_t os, oe;
	if (hi < lo + size)
		return 0;
	uint64_t a = top ? align_down(hi - size, align) : align_up(lo, align);
	while (a >= lo && a + size <= hi) {
		if (!obstacle(p, mm, a, size, &os, &oe))
			return a;
		if (!top)
			a = align_up(oe, align);
		else if (os < lo + size)
			return 0;
		else
			a = align_down(os - size, align);
	}
	return 0;
}

uint64_t plan_find(const struct kexec_plan *p, const struct memmap *mm, uint64_t size,
		   uint64_t align, uint64_t min, uint64_t max, bool top)
{
	size = align_up(size ? size : 1, PAGE_SZ);
	if (align < PAGE_SZ)
		align = PAGE_SZ;
	if (min < ONE_MIB)
		min = ONE_MIB;
	if (max > LIMIT_4G)
		max = LIMIT_4G;
	uint64_t best = 0;
	for (size_t i = 0; i < mm->n; i++) {
		const struct mm_entry *e = &mm->v[i];
		if (e->type != MM_RAM)
			continue;
		uint64_t lo = e->addr > min ? e->addr : min;
		uint64_t hi = e->addr + e->len < max ? e->addr + e->len : max;
		uint64_t a = fit_in_run(p, mm, lo, align_down(hi, PAGE_SZ), size, align, top);
		if (a && !top)
			return a;
		if (a > best)
			best = a;
	}
	return best;
}

int plan_place(struct kexec_plan *p, const struct memmap *mm, const void *buf, size_t len,
	       uint64_t memsz, uint64_t align, uint64_t min, uint64_t max, bool top,
	       void *own, const char *what, uint64_t *where, char **err)
{
	if (memsz < len)
		memsz = len;
	uint64_t a = plan_find(p, mm, memsz, align, min, max, top);
	if (!a) {
		free(own);
		*err = xasprintf("no free memory for %s (%" PRIu64 " KiB) between 0x%" PRIx64
				 " and 0x%" PRIx64 ": the machine has too little RAM below 4 GiB "
				 "for this kernel and its modules", what, (memsz + 1023) / 1024,
				 min, max - 1);
		return -1;
	}
	*where = a;
	return plan_add(p, mm, buf, len, a, memsz, own, what, err);
}

uint64_t plan_end(const struct kexec_plan *p)
{
	uint64_t end = 0;
	for (size_t i = 0; i < p->nseg; i++)
		if (p->seg[i].mem + p->seg[i].memsz > end)
			end = p->seg[i].mem + p->seg[i].memsz;
	return end;
}

void kexec_plan_print(const struct kexec_plan *p, FILE *f)
{
	fprintf(f, "%s: %zu segments, entry 0x%" PRIx64 "\n", p->kind ? p->kind : "plan",
		p->nseg, p->entry);
	for (size_t i = 0; i < p->nseg; i++) {
		const struct plan_seg *s = &p->seg[i];
		fprintf(f, "  0x%08" PRIx64 "-0x%08" PRIx64 " %8zu bytes  %s\n", s->mem,
			s->mem + s->memsz - 1, s->bufsz, s->what);
	}
}
