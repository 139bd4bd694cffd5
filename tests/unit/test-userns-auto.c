/* test-userns-auto.c: unit tests for engine/userns-auto's range picker (--userns=auto):
 * lowest free ids first, never the caller's id 0, around the ranges in use, in pieces when
 * no single gap is large enough, forced extents kept as given, -ENOSPC when too few. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>

#include "engine/userns-auto.h"

/* pm's rootless namespace: 0 -> the caller, 1..65536 -> the subordinate ids */
static const struct pm_idmap_extent ns[] = {{.first = 0, .count = 1}, {.first = 1, .count = 65536}};

static void expect_map(const struct pm_runtime_idmap *m, size_t n, size_t i, uint32_t ctr,
		       uint32_t host, uint32_t size)
{
	assert_true(i < n);
	assert_int_equal(m[i].ctr, ctr);
	assert_int_equal(m[i].host, host);
	assert_int_equal(m[i].size, size);
}

static void test_pick_first_free(void **state)
{
	struct pm_runtime_idmap *m = NULL;
	size_t n = 0;
	assert_int_equal(pm_userns_auto_pick(ns, 2, NULL, 0, 1024, NULL, 0, &m, &n), 0);
	assert_int_equal(n, 1);
	expect_map(m, n, 0, 0, 1, 1024);
	free(m);
	/* after two others: the next gap */
	const struct pm_idmap_extent used[] = {{.first = 1025, .count = 2000},
					       {.first = 1, .count = 1024}};
	assert_int_equal(pm_userns_auto_pick(ns, 2, used, 2, 100, NULL, 0, &m, &n), 0);
	expect_map(m, n, 0, 0, 3025, 100);
	free(m);
	/* all of it, and one more is too many */
	assert_int_equal(pm_userns_auto_pick(ns, 2, NULL, 0, 65536, NULL, 0, &m, &n), 0);
	expect_map(m, n, 0, 0, 1, 65536);
	free(m);
	assert_int_equal(pm_userns_auto_pick(ns, 2, NULL, 0, 65537, NULL, 0, &m, &n), -ENOSPC);
	assert_null(m);
	assert_int_equal(pm_userns_auto_pick(ns, 2, used, 2, 65536 - 3024 + 1, NULL, 0, &m, &n),
			 -ENOSPC);
}

static void test_pick_pieces(void **state)
{
	/* a hole of 10 at 1, then used up to 100: 30 ids are 10 + 20 */
	const struct pm_idmap_extent used[] = {{.first = 11, .count = 89}};
	struct pm_runtime_idmap *m = NULL;
	size_t n = 0;
	assert_int_equal(pm_userns_auto_pick(ns, 2, used, 1, 30, NULL, 0, &m, &n), 0);
	assert_int_equal(n, 2);
	expect_map(m, n, 0, 0, 1, 10);
	expect_map(m, n, 1, 10, 100, 20);
	free(m);
}

static void test_pick_extra(void **state)
{
	/* uidmapping=0:1:500 in a 1024 namespace: 500..1023 allocated, away from 1..500 */
	const struct pm_runtime_idmap extra[] = {{.ctr = 0, .host = 1, .size = 500}};
	struct pm_runtime_idmap *m = NULL;
	size_t n = 0;
	assert_int_equal(pm_userns_auto_pick(ns, 2, NULL, 0, 1024, extra, 1, &m, &n), 0);
	assert_int_equal(n, 2);
	expect_map(m, n, 0, 500, 501, 524);
	expect_map(m, n, 1, 0, 1, 500);
	free(m);
	/* an extent in the middle splits the allocation around it */
	const struct pm_runtime_idmap mid[] = {{.ctr = 10, .host = 5000, .size = 5}};
	assert_int_equal(pm_userns_auto_pick(ns, 2, NULL, 0, 20, mid, 1, &m, &n), 0);
	assert_int_equal(n, 3);
	expect_map(m, n, 0, 0, 1, 10);
	expect_map(m, n, 1, 15, 11, 5);
	expect_map(m, n, 2, 10, 5000, 5);
	free(m);
}

static void test_pick_never_caller(void **state)
{
	/* a namespace (root's view) whose only extent starts at 0: 0 is skipped */
	const struct pm_idmap_extent one[] = {{.first = 0, .count = 100}};
	struct pm_runtime_idmap *m = NULL;
	size_t n = 0;
	assert_int_equal(pm_userns_auto_pick(one, 1, NULL, 0, 99, NULL, 0, &m, &n), 0);
	expect_map(m, n, 0, 0, 1, 99);
	free(m);
	assert_int_equal(pm_userns_auto_pick(one, 1, NULL, 0, 100, NULL, 0, &m, &n), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pick_first_free),
		cmocka_unit_test(test_pick_pieces),
		cmocka_unit_test(test_pick_extra),
		cmocka_unit_test(test_pick_never_caller),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
