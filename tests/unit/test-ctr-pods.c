/* test-ctr-pods.c: unit tests for the text of engine/ctr-pods' cache: what format writes,
 * parse reads back (sorted by id); anything damaged (a torn line, a wrong count, no
 * trailer, a bad id or pod id) reads as no entry at all, so the listing reads the records. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "engine/ctr-pods.h"
#include "lib/strutil.h"

static void fill(char *dst, char c)
{
	memset(dst, c, 64);
	dst[64] = 0;
}

static size_t parse_str(const char *text, struct pm_ctr_pod_entry **ret)
{
	char *copy = pm_xstrdup(text);
	size_t n = pm_ctr_pods_parse(copy, strlen(copy), ret);
	free(copy);
	return n;
}

static void test_round_trip(void **state)
{
	(void)state;
	struct pm_ctr_pod_entry e[3] = {0};
	fill(e[0].id, 'c');
	e[0].ino = 42;
	fill(e[0].pod, 'a');
	fill(e[1].id, 'b');
	e[1].ino = 18446744073709551615ULL;
	fill(e[2].id, 'f');
	e[2].ino = 7;
	size_t len = 0;
	char *text = pm_ctr_pods_format(e, 3, &len);
	assert_int_equal(len, strlen(text));
	struct pm_ctr_pod_entry *got = NULL;
	assert_int_equal(parse_str(text, &got), 3);
	/* sorted by id */
	assert_int_equal(got[0].id[0], 'b');
	assert_int_equal(got[0].ino, 18446744073709551615ULL);
	assert_string_equal(got[0].pod, "");
	assert_int_equal(got[1].id[0], 'c');
	assert_int_equal(got[1].ino, 42);
	assert_int_equal(strlen(got[1].pod), 64);
	assert_int_equal(got[1].pod[0], 'a');
	assert_int_equal(got[2].id[0], 'f');
	free(got);
	free(text);
	/* an empty cache */
	text = pm_ctr_pods_format(NULL, 0, &len);
	assert_string_equal(text, "pm-ctr-pods 1\nend 0\n");
	assert_int_equal(parse_str(text, &got), 0);
	free(text);
}

static void test_damaged(void **state)
{
	(void)state;
	char id[65], pod[65];
	fill(id, '1');
	fill(pod, '2');
	char *good = pm_xasprintf("pm-ctr-pods 1\n%s 5 %s\nend 1\n", id, pod);
	struct pm_ctr_pod_entry *got = NULL;
	assert_int_equal(parse_str(good, &got), 1);
	free(got);
	const char *bad[] = {
		"",
		"pm-ctr-pods 2\nend 0\n",
		"garbage",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse_str(bad[i], &got), 0);
		assert_null(got);
	}
	char *cases[] = {
		pm_xasprintf("pm-ctr-pods 1\n%s 5 %s\n", id, pod),	      /* no trailer */
		pm_xasprintf("pm-ctr-pods 1\n%s 5 %s\nend 2\n", id, pod),     /* count */
		pm_xasprintf("pm-ctr-pods 1\n%s 5 %s\nend 1\nx\n", id, pod),  /* after end */
		pm_xasprintf("pm-ctr-pods 1\n%s 5 %.63s\nend 1\n", id, pod),  /* torn pod */
		pm_xasprintf("pm-ctr-pods 1\n%.63sX 5 -\nend 1\n", id),	      /* bad id */
		pm_xasprintf("pm-ctr-pods 1\n%s x -\nend 1\n", id),	      /* inode */
		pm_xasprintf("pm-ctr-pods 1\n%s 5 -\nend 1", id),	      /* torn end */
		pm_xasprintf("pm-ctr-pods 1\n%s 5 %.63sG\nend 1\n", id, pod), /* bad pod */
		pm_xasprintf("pm-ctr-pods 1\n%s 99999999999999999999 -\nend 1\n", id), /* range */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse_str(cases[i], &got), 0);
		assert_null(got);
		free(cases[i]);
	}
	free(good);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_damaged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
