/* Common includes for the cmocka unit tests. */
#ifndef KL_UNIT_H
#define KL_UNIT_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <stdlib.h>

#define assert_str(a, b) assert_string_equal((a), (b))
#endif
