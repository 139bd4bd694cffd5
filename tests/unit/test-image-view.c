/* test-image-view.c: unit tests for storage/image-view: `images --sort` keys (podman's
 * message for a bad one), the row orders (created newest first, the others ascending,
 * stable for ties) and the image filters' parsing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "storage/image-view.h"

static void test_sort_parse(void **state)
{
	enum pm_image_sort k;
	assert_int_equal(pm_image_sort_parse("created", &k, NULL), 0);
	assert_int_equal(k, PM_IMAGE_SORT_CREATED);
	assert_int_equal(pm_image_sort_parse("size", &k, NULL), 0);
	assert_int_equal(k, PM_IMAGE_SORT_SIZE);
	assert_int_equal(pm_image_sort_parse("tag", &k, NULL), 0);
	assert_int_equal(k, PM_IMAGE_SORT_TAG);
	const char *bad[] = {"bogus", "ID", "", " id"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		_cleanup_error_ pm_error *err = NULL;
		assert_int_equal(pm_image_sort_parse(bad[i], &k, &err), -EINVAL);
		char want[128];
		snprintf(want, sizeof(want),
			 "\"%s\" is not a valid field for sorting. Choose from: created, id, "
			 "repository, size, tag",
			 bad[i]);
		assert_string_equal(err->msg, want);
	}
}

/* rows named by their tag so that the order reads as one string */
static void order(struct pm_image_row *rows, size_t n, enum pm_image_sort key, const char *want)
{
	struct pm_image_row copy[8];
	memcpy(copy, rows, n * sizeof(*rows));
	pm_image_rows_sort(copy, n, key);
	char got[64] = "";
	for (size_t i = 0; i < n; i++)
		strcat(got, copy[i].tag);
	assert_string_equal(got, want);
}

static void test_rows_sort(void **state)
{
	struct pm_image_row rows[] = {
		{.id = "cc", .repository = "r/b", .tag = "A", .created_ns = 10, .size = 5},
		{.id = "aa", .repository = "r/a", .tag = "B", .created_ns = 30, .size = 5},
		{.id = "bb", .repository = "r/b", .tag = "C", .created_ns = 20, .size = 1},
		{.id = "aa", .repository = "r/c", .tag = "D", .created_ns = 30, .size = 5},
	};
	size_t n = sizeof(rows) / sizeof(rows[0]);
	order(rows, n, PM_IMAGE_SORT_CREATED, "BDCA"); /* newest first, ties stable */
	order(rows, n, PM_IMAGE_SORT_ID, "BDCA");
	order(rows, n, PM_IMAGE_SORT_REPOSITORY, "BACD");
	order(rows, n, PM_IMAGE_SORT_SIZE, "CABD");
	order(rows, n, PM_IMAGE_SORT_TAG, "ABCD");
	pm_image_rows_sort(rows, 0, PM_IMAGE_SORT_SIZE); /* empty: nothing to do */
}

static void test_filters_add(void **state)
{
	_cleanup_image_filters_ struct pm_image_filters *f = pm_image_filters_new();
	assert_int_equal(pm_image_filters_add(f, "reference=busy*", NULL), 0);
	assert_int_equal(pm_image_filters_add(f, "dangling=false", NULL), 0);
	assert_true(pm_image_filters_name(f, "localhost/busybox:latest"));
	assert_false(pm_image_filters_name(f, "localhost/alpine:latest"));
	assert_true(pm_image_filters_name(NULL, "anything"));
	struct {
		const char *arg, *msg;
	} bad[] = {
		{"nokey", "invalid image filter \"nokey\": must be in the format \"filter=value or "
			  "filter!=value\""},
		{"dangling=maybe", "non-boolean value \"dangling\" for maybe filter: "
				   "strconv.ParseBool: parsing \"maybe\": invalid syntax"},
		{"bogus=1", "unsupported image filter \"bogus\""},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		_cleanup_error_ pm_error *err = NULL;
		assert_int_equal(pm_image_filters_add(f, bad[i].arg, &err), -EINVAL);
		assert_string_equal(err->msg, bad[i].msg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sort_parse),
		cmocka_unit_test(test_rows_sort),
		cmocka_unit_test(test_filters_add),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
