/* test-inspect.c: the pure parts of the container views: Go's time formats
 * (engine/inspect.h), ps STATUS words, ps --filter checking and matching (engine/ps.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <errno.h>

#include "engine/inspect.h"
#include "engine/ps.h"
#include "lib/timeutil.h"

#define SEC 1000000000LL
/* 2026-11-23T02:38:07Z */
#define T0 1795401487LL

static void test_rfc3339nano(void **state)
{
	char b[PM_TIME_BUF_LEN];
	pm_time_format_rfc3339nano_local(T0 * SEC + 263557704, b);
	assert_string_equal(b, "2026-11-23T02:38:07.263557704Z");
	pm_time_format_rfc3339nano_local(T0 * SEC + 500000000, b);
	assert_string_equal(b, "2026-11-23T02:38:07.5Z"); /* trailing zeros dropped */
	pm_time_format_rfc3339nano_local(T0 * SEC, b);
	assert_string_equal(b, "2026-11-23T02:38:07Z");
	pm_time_format_rfc3339nano_local(0, b);
	assert_string_equal(b, "0001-01-01T00:00:00Z");

	setenv("TZ", "EST5", 1);
	tzset();
	pm_time_format_rfc3339nano_local(T0 * SEC + 1000, b);
	assert_string_equal(b, "2026-11-22T21:38:07.000001-05:00");
	setenv("TZ", "UTC", 1);
	tzset();
}

static void test_gostring(void **state)
{
	char b[PM_TIME_BUF_LEN];
	pm_time_format_go_string(T0 * SEC + 263557704, b);
	assert_string_equal(b, "2026-11-23 02:38:07.263557704 +0000 UTC");
	pm_time_format_go_string(T0 * SEC, b);
	assert_string_equal(b, "2026-11-23 02:38:07 +0000 UTC");
	pm_time_format_go_string(0, b);
	assert_string_equal(b, "0001-01-01 00:00:00 +0000 UTC");
	assert_int_equal(pm_gotime_unix(0), -62135596800LL);
	assert_int_equal(pm_gotime_unix(T0 * SEC + 999999999), T0);
}

static void test_status_human(void **state)
{
	struct pm_container c = {.id = "abc", .name = "n"};
	int64_t now = (T0 + 100) * SEC;
	char *s;

	c.state.status = PM_CTR_CONFIGURED;
	s = pm_inspect_status_human(&c, now);
	assert_string_equal(s, "Created");
	free(s);

	c.state.status = PM_CTR_RUNNING;
	c.state.started_ns = (T0 + 97) * SEC;
	s = pm_inspect_status_human(&c, now);
	assert_string_equal(s, "Up 3 seconds ago");
	free(s);
	c.state.started_ns = now;
	s = pm_inspect_status_human(&c, now);
	assert_string_equal(s, "Up Less than a second ago");
	free(s);

	c.state.status = PM_CTR_STOPPED;
	c.state.exit_code = 137;
	c.state.finished_ns = (T0 + 98) * SEC;
	s = pm_inspect_status_human(&c, now);
	assert_string_equal(s, "Exited (137) 2 seconds ago");
	free(s);
	c.state.finished_ns = (T0 - 3600) * SEC;
	s = pm_inspect_status_human(&c, now);
	assert_string_equal(s, "Exited (137) About an hour ago");
	free(s);

	c.state.status = PM_CTR_PAUSED;
	s = pm_inspect_status_human(&c, now);
	assert_string_equal(s, "Paused");
	free(s);
}

static void test_filters_check(void **state)
{
	pm_error *err = NULL;
	char *ok[] = {"name=x",		  "id=ab",    "status=exited",	"label=a=b",
		      "ancestor=busybox", "exited=0", "status=created", NULL};
	assert_int_equal(pm_ps_filters_check(ok, &err), 0);
	assert_null(err);

	char *bad1[] = {"foo=bar", NULL};
	assert_int_equal(pm_ps_filters_check(bad1, &err), -EINVAL);
	assert_string_equal(err->msg, "foo is an invalid filter");
	err = pm_error_free(err);

	char *bad2[] = {"status=bogus", NULL};
	assert_int_equal(pm_ps_filters_check(bad2, &err), -EINVAL);
	assert_string_equal(err->msg, "unknown container state: bogus: invalid argument");
	err = pm_error_free(err);

	char *bad3[] = {"name", NULL};
	assert_int_equal(pm_ps_filters_check(bad3, &err), -EINVAL);
	err = pm_error_free(err);

	char *bad4[] = {"exited=x", NULL};
	assert_int_equal(pm_ps_filters_check(bad4, &err), -EINVAL);
	err = pm_error_free(err);
}

static void test_filter_match(void **state)
{
	struct pm_container c = {
		.id = "0123456789abcdef",
		.name = "web-1",
		.image_name = "localhost/busybox:latest",
		.image_id = "feedface00",
	};
	c.state.status = PM_CTR_STOPPED;
	c.state.exit_code = 3;
	char *labels[] = {"team=blue", "solo=", NULL};

	char *f1[] = {"name=web", NULL};
	assert_true(pm_ps_filter_match(f1, &c, labels, NULL));
	char *f2[] = {"name=^db", NULL};
	assert_false(pm_ps_filter_match(f2, &c, labels, NULL));
	char *f3[] = {"name=^db", "name=^web", NULL}; /* same key: any */
	assert_true(pm_ps_filter_match(f3, &c, labels, NULL));
	char *f4[] = {"name=web", "status=running", NULL}; /* keys: all */
	assert_false(pm_ps_filter_match(f4, &c, labels, NULL));
	char *f5[] = {"status=exited", "exited=3", "id=0123", NULL};
	assert_true(pm_ps_filter_match(f5, &c, labels, NULL));
	char *f6[] = {"exited=0", NULL};
	assert_false(pm_ps_filter_match(f6, &c, labels, NULL));
	char *f7[] = {"label=team=blue", NULL};
	assert_true(pm_ps_filter_match(f7, &c, labels, NULL));
	char *f8[] = {"label=team=red", NULL};
	assert_false(pm_ps_filter_match(f8, &c, labels, NULL));
	char *f9[] = {"label=team", "label=solo", NULL};
	assert_true(pm_ps_filter_match(f9, &c, labels, NULL));
	char *f10[] = {"label=nope", NULL};
	assert_false(pm_ps_filter_match(f10, &c, labels, NULL));
	char *f11[] = {"ancestor=busybox", NULL};
	assert_true(pm_ps_filter_match(f11, &c, labels, NULL));
	char *f12[] = {"ancestor=localhost/busybox", NULL};
	assert_true(pm_ps_filter_match(f12, &c, labels, NULL));
	char *f13[] = {"ancestor=busybox:latest", NULL};
	assert_true(pm_ps_filter_match(f13, &c, labels, NULL));
	char *f14[] = {"ancestor=feedface", NULL};
	assert_true(pm_ps_filter_match(f14, &c, labels, NULL));
	char *f15[] = {"ancestor=alpine", NULL};
	assert_false(pm_ps_filter_match(f15, &c, labels, NULL));
	char *f16[] = {"status=created", NULL};
	assert_false(pm_ps_filter_match(f16, &c, labels, NULL));
	assert_true(pm_ps_filter_match(NULL, &c, labels, NULL));
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc3339nano),  cmocka_unit_test(test_gostring),
		cmocka_unit_test(test_status_human), cmocka_unit_test(test_filters_check),
		cmocka_unit_test(test_filter_match),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
