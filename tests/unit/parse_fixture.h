/* The fixture of the tests that read boot configurations (BLS, syslinux,
 * menu.lst, the sources list): a fake filesystem to read them from, the
 * targets they yield and the diagnostics they leave. */
#ifndef KL_TEST_PARSE_FIXTURE_H
#define KL_TEST_PARSE_FIXTURE_H
#include "unit.h"
#include "fakefs.h"
#include "target.h"

static struct fakefs fs;
static struct target_list list;
static struct diag_list diags;

static inline int parse_setup(void **state)
{
	fake_init(&fs);
	tl_init(&list);
	memset(&diags, 0, sizeof(diags));
	return 0;
}

static inline int parse_teardown(void **state)
{
	tl_free(&list);
	diag_free(&diags);
	return 0;
}

#endif
