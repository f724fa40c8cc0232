/* The fixture of the kernel-format planner tests (Linux, Multiboot): each
 * test plans onto a typical PC's memory and then reads the planned bytes
 * back by physical address, as the booted kernel would see them. */
#ifndef KL_TEST_PLAN_FIXTURE_H
#define KL_TEST_PLAN_FIXTURE_H
#include "unit.h"
#include "boot_plan.h"
#include "mbimage.h"

static struct memmap mm;
static struct boot_env env;
static struct kexec_plan plan;
static char *err;

static int plan_setup(void **state)
{
	memset(&mm, 0, sizeof(mm));
	pc_memmap(&mm);
	memset(&env, 0, sizeof(env));
	env.mm = &mm;
	plan_init(&plan);
	err = NULL;
	return 0;
}

static int plan_teardown(void **state)
{
	plan_free(&plan);
	memmap_free(&mm);
	free(err);
	return 0;
}

/* The bytes the plan puts at physical address a (they must be in a buffer). */
static inline const unsigned char *phys(uint64_t a, size_t n)
{
	for (size_t i = 0; i < plan.nseg; i++) {
		const struct plan_seg *s = &plan.seg[i];
		if (a >= s->mem && a + n <= s->mem + s->bufsz)
			return s->buf + (a - s->mem);
	}
	fail_msg("nothing planned at 0x%llx (+%zu)", (unsigned long long)a, n);
	return NULL;
}

#endif
