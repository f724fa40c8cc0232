/* The segment planner's rules: page-aligned, RAM only, below 4 GiB, never
 * overlapping, at most 16 segments, our data never below 1 MiB. */
#include "unit.h"
#include "boot_plan.h"

static struct memmap mm;
static struct kexec_plan p;
static char *err;

static int setup(void **state)
{
	memset(&mm, 0, sizeof(mm));
	memmap_add(&mm, 0, 0x9fc00, MM_RAM);
	memmap_add(&mm, 0x100000, 0xf00000, MM_RAM);      /* 1-16 MiB */
	memmap_add(&mm, 0x1000000, 0x1000, MM_RESERVED);  /* one page hole */
	memmap_add(&mm, 0x1001000, 0xefff000, MM_RAM);    /* to 256 MiB */
	memmap_add(&mm, 0x100000000ull, 0x40000000, MM_RAM);
	plan_init(&p);
	err = NULL;
	return 0;
}

static int teardown(void **state)
{
	plan_free(&p);
	memmap_free(&mm);
	free(err);
	return 0;
}

static const unsigned char bytes[100] = "payload";

static void unaligned_piece_is_padded(void **state)
{
	assert_int_equal(plan_add(&p, &mm, bytes, 100, 0x200123, 0x1000, NULL, "x", &err), 0);
	assert_int_equal(p.seg[0].mem, 0x200000);
	assert_int_equal(p.seg[0].memsz, 0x2000); /* 0x200123 + 0x1000 ends in the second page */
	assert_int_equal(p.seg[0].bufsz, 0x123 + 100);
	assert_memory_equal(p.seg[0].buf + 0x123, "payload", 8);
	assert_int_equal(p.seg[0].buf[0x122], 0);
}

static void refusals(void **state)
{
	assert_int_equal(plan_add(&p, &mm, bytes, 100, 0x300000, 0, NULL, "first", &err), 0);
	assert_int_equal(plan_add(&p, &mm, bytes, 100, 0x300f00, 0, NULL, "second", &err), -1);
	assert_non_null(strstr(err, "second (0x300f00-0x300f63) overlaps first"));
	free(err);
	assert_int_equal(plan_add(&p, &mm, bytes, 100, 0xfff000, 0x2000, NULL, "hole", &err), -1);
	assert_string_equal(err, "hole needs 0xfff000-0x1000fff (8 KiB), but 0x1000000-0x1000fff "
				 "is reserved by the firmware; this machine's RAM is 0x0-0x9fbff, "
				 "0x100000-0xffffff, 0x1001000-0xfffffff, 0x100000000-0x13fffffff "
				 "(1279 MiB in all)");
	free(err);
	/* beyond the RAM below 4 GiB: nothing there, up to the RAM above it */
	assert_int_equal(plan_add(&p, &mm, bytes, 100, 0xfff0000, 0x20000, NULL, "top", &err), -1);
	assert_non_null(strstr(err, "top needs 0xfff0000-0x1000ffff (128 KiB), but "
				    "0x10000000-0x1000ffff is no memory at all;"));
	free(err);
	assert_int_equal(plan_add(&p, &mm, bytes, 100, 0x100000000ull, 0, NULL, "high", &err), -1);
	assert_non_null(strstr(err, "above 4 GiB"));
	free(err);
	for (int i = 1; i < PLAN_MAX_SEGS; i++)
		assert_int_equal(plan_add(&p, &mm, bytes, 100, 0x400000 + 0x1000 * (uint64_t)i, 0,
					  NULL, "piece", &err), 0);
	assert_int_equal(plan_add(&p, &mm, bytes, 100, 0x800000, 0, NULL, "17th", &err), -1);
	assert_non_null(strstr(err, "at most 16"));
}

static void find_lowest_and_highest(void **state)
{
	/* nothing below 1 MiB even though it is RAM */
	assert_int_equal(plan_find(&p, &mm, 0x1000, 0x1000, 0, LIMIT_4G, false), 0x100000);
	/* the highest fit stays below 4 GiB, in the RAM that ends at 256 MiB */
	assert_int_equal(plan_find(&p, &mm, 0x3000, 0x1000, 0, LIMIT_4G, true), 0x10000000 - 0x3000);
	/* skips a segment and the reserved page */
	assert_int_equal(plan_add(&p, &mm, bytes, 1, 0x100000, 0xeff000, NULL, "big", &err), 0);
	assert_int_equal(plan_find(&p, &mm, 0x2000, 0x1000, 0, LIMIT_4G, false), 0x1001000);
	/* alignment */
	assert_int_equal(plan_find(&p, &mm, 0x1000, 0x200000, 0, LIMIT_4G, false), 0x1200000);
	/* nothing fits: 0 */
	assert_int_equal(plan_find(&p, &mm, 0x20000000, 0x1000, 0, LIMIT_4G, false), 0);
	/* a top search below a segment jumps under it */
	assert_int_equal(plan_add(&p, &mm, bytes, 1, 0xfff0000, 0x10000, NULL, "top", &err), 0);
	assert_int_equal(plan_find(&p, &mm, 0x1000, 0x1000, 0, LIMIT_4G, true), 0xffef000);
}

static void place_reports_no_room(void **state)
{
	uint64_t a;
	assert_int_equal(plan_place(&p, &mm, bytes, 100, 0x20000000, 0x1000, ONE_MIB, LIMIT_4G,
				    false, NULL, "a huge module", &a, &err), -1);
	assert_non_null(strstr(err, "no free memory for a huge module (524288 KiB)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(unaligned_piece_is_padded, setup, teardown),
		cmocka_unit_test_setup_teardown(refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(find_lowest_and_highest, setup, teardown),
		cmocka_unit_test_setup_teardown(place_reports_no_room, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
