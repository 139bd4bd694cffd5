/* test-auto-update.c: unit tests for engine/auto-update's pure parts: the policy label's
 * values (podman's error for another) and the fully qualified image name a registry policy
 * needs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "engine/auto-update.h"

static void test_policy(void **state)
{
	static const struct {
		const char *s;
		enum pm_autoupdate_policy p;
	} good[] = {
		{"", PM_AUTOUPDATE_DISABLED},	      {"disabled", PM_AUTOUPDATE_DISABLED},
		{"registry", PM_AUTOUPDATE_REGISTRY}, {"image", PM_AUTOUPDATE_REGISTRY},
		{"local", PM_AUTOUPDATE_LOCAL},
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		enum pm_autoupdate_policy p = 99;
		assert_int_equal(pm_autoupdate_policy_parse(good[i].s, &p, NULL), 0);
		assert_int_equal(p, good[i].p);
	}
	pm_error *err = NULL;
	enum pm_autoupdate_policy p;
	assert_int_equal(pm_autoupdate_policy_parse("Registry", &p, &err), -EINVAL);
	assert_string_equal(err->msg, "invalid auto-update policy \"Registry\": valid policies "
				      "are [\"disabled\" \"image\" \"local\" \"registry\"]");
	pm_error_free(err);
}

static void test_qualified(void **state)
{
	assert_true(pm_autoupdate_name_qualified("quay.io/podman/stable:latest"));
	assert_true(pm_autoupdate_name_qualified("127.0.0.1:5000/busybox"));
	assert_true(pm_autoupdate_name_qualified("localhost/busybox"));
	assert_true(pm_autoupdate_name_qualified("registry:5000/x@sha256:ab"));
	assert_false(pm_autoupdate_name_qualified("busybox"));
	assert_false(pm_autoupdate_name_qualified("library/busybox:latest"));
	assert_false(pm_autoupdate_name_qualified("localhostx/busybox"));
	assert_false(pm_autoupdate_name_qualified(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_qualified),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
