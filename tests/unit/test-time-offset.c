/* test-time-offset.c: unit tests for engine/time-offset (the --time-offset parser). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "engine/time-offset.h"

static void test_good(void **state)
{
	struct pm_time_offsets t;
	assert_int_equal(pm_time_offset_parse(NULL, &t, NULL), 0);
	assert_false(t.set);
	assert_int_equal(pm_time_offset_parse("", &t, NULL), 0);
	assert_false(t.set);
	assert_int_equal(pm_time_offset_parse("monotonic=86400,boottime=-5", &t, NULL), 0);
	assert_true(t.set);
	assert_int_equal(t.monotonic, 86400);
	assert_int_equal(t.boottime, -5);
	assert_int_equal(pm_time_offset_parse("boottime=+7", &t, NULL), 0);
	assert_int_equal(t.boottime, 7);
	assert_int_equal(t.monotonic, 0);
	assert_int_equal(pm_time_offset_parse("monotonic=0", &t, NULL), 0);
	assert_true(t.set);
}

static void test_bad(void **state)
{
	const struct {
		const char *in, *msg;
	} cases[] = {
		{"bogus", "invalid --time-offset 'bogus': want monotonic=SECONDS,boottime=SECONDS"},
		{"realtime=5",
		 "invalid --time-offset 'realtime=5': clocks are monotonic and boottime"},
		{"boottime=1x", "invalid --time-offset 'boottime=1x': offsets are whole seconds"},
		{"boottime=", "invalid --time-offset 'boottime=': offsets are whole seconds"},
		{"boottime=-", "invalid --time-offset 'boottime=-': offsets are whole seconds"},
		{"boottime=1.5", "invalid --time-offset 'boottime=1.5': offsets are whole seconds"},
		{"boottime=1,boottime=2",
		 "invalid --time-offset 'boottime=1,boottime=2': a clock given twice"},
		{"monotonic=99999999999",
		 "invalid --time-offset 'monotonic=99999999999': an offset is at most 100 years"},
		{"monotonic=9999999999999999999999",
		 "invalid --time-offset 'monotonic=9999999999999999999999': offsets are whole "
		 "seconds"},
		{",", "invalid --time-offset ',': want monotonic=SECONDS,boottime=SECONDS"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct pm_time_offsets t;
		pm_error *err = NULL;
		assert_int_equal(pm_time_offset_parse(cases[i].in, &t, &err), -EINVAL);
		assert_non_null(err);
		assert_string_equal(err->msg, cases[i].msg);
		assert_false(t.set);
		pm_error_free(err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
