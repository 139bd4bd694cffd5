/* test-strutil.c: unit tests for lib/strutil (strv, strict numbers, podman sizes and
 * relative times, random ids). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "lib/strutil.h"

static void test_xalloc(void **state)
{
	_cleanup_free_ char *a = pm_xstrdup("abc");
	_cleanup_free_ char *b = pm_xstrndup("abcdef", 3);
	_cleanup_free_ char *c = pm_xasprintf("%s-%d", "x", 42);
	assert_string_equal(a, "abc");
	assert_string_equal(b, "abc");
	assert_string_equal(c, "x-42");
	_cleanup_free_ int *z = pm_xcalloc(4, sizeof(int));
	for (int i = 0; i < 4; i++)
		assert_int_equal(z[i], 0);
	_cleanup_free_ char *m = pm_xmalloc(0); /* never NULL, even for 0 */
	assert_non_null(m);
	char *r = pm_xrealloc(NULL, 8);
	assert_non_null(r);
	free(r);
}

static void test_strv(void **state)
{
	_cleanup_strv_ char **v = NULL;
	assert_int_equal(pm_strv_length(v), 0);
	assert_false(pm_strv_contains(v, "a"));
	pm_strv_push(&v, "a");
	pm_strv_push(&v, "b");
	pm_strv_consume(&v, pm_xstrdup("c"));
	assert_int_equal(pm_strv_length(v), 3);
	assert_true(pm_strv_contains(v, "b"));
	assert_false(pm_strv_contains(v, "d"));
	assert_false(pm_strv_contains(v, NULL));
	assert_null(v[3]);

	_cleanup_free_ char *j = pm_strv_join(v, ", ");
	assert_string_equal(j, "a, b, c");
	_cleanup_free_ char *j0 = pm_strv_join(NULL, ",");
	assert_string_equal(j0, "");

	_cleanup_strv_ char **c = pm_strv_copy(v);
	assert_int_equal(pm_strv_length(c), 3);
	assert_ptr_not_equal(c[0], v[0]);
	assert_string_equal(c[2], "c");
	assert_null(pm_strv_copy(NULL));
}

static void test_strv_split(void **state)
{
	_cleanup_strv_ char **v = pm_strv_split("::a:b,,c:", ":,");
	assert_int_equal(pm_strv_length(v), 3);
	assert_string_equal(v[0], "a");
	assert_string_equal(v[1], "b");
	assert_string_equal(v[2], "c");
	_cleanup_strv_ char **e = pm_strv_split("", ":");
	assert_non_null(e);
	assert_int_equal(pm_strv_length(e), 0);
	_cleanup_strv_ char **s = pm_strv_split(":::", ":");
	assert_int_equal(pm_strv_length(s), 0);
	_cleanup_strv_ char **n = pm_strv_split(NULL, ":");
	assert_int_equal(pm_strv_length(n), 0);
	_cleanup_strv_ char **one = pm_strv_split("word", ":");
	assert_int_equal(pm_strv_length(one), 1);
	assert_string_equal(one[0], "word");
}

static void test_startswith_endswith(void **state)
{
	assert_true(pm_str_startswith("sha256:abc", "sha256:"));
	assert_true(pm_str_startswith("abc", ""));
	assert_false(pm_str_startswith("sha", "sha256:"));
	assert_true(pm_str_endswith("file.tar.gz", ".gz"));
	assert_true(pm_str_endswith("x", ""));
	assert_false(pm_str_endswith("gz", ".tar.gz"));
	assert_false(pm_str_endswith("file.tar", ".gz"));
}

static void test_parse_uint64(void **state)
{
	uint64_t v = 7;
	assert_int_equal(pm_parse_uint64("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(pm_parse_uint64("18446744073709551615", &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(pm_parse_uint64("007", &v), 0);
	assert_int_equal(v, 7);
	v = 99;
	assert_int_equal(pm_parse_uint64("18446744073709551616", &v), -ERANGE);
	assert_int_equal(pm_parse_uint64("99999999999999999999999", &v), -ERANGE);
	assert_int_equal(pm_parse_uint64("", &v), -EINVAL);
	assert_int_equal(pm_parse_uint64(NULL, &v), -EINVAL);
	assert_int_equal(pm_parse_uint64("-1", &v), -EINVAL);
	assert_int_equal(pm_parse_uint64("+1", &v), -EINVAL);
	assert_int_equal(pm_parse_uint64(" 1", &v), -EINVAL);
	assert_int_equal(pm_parse_uint64("1 ", &v), -EINVAL);
	assert_int_equal(pm_parse_uint64("12a", &v), -EINVAL);
	assert_int_equal(pm_parse_uint64("0x10", &v), -EINVAL);
	assert_int_equal(v, 99); /* untouched on error */
}

static void test_parse_uint32(void **state)
{
	uint32_t v = 5;
	assert_int_equal(pm_parse_uint32("4294967295", &v), 0);
	assert_true(v == UINT32_MAX);
	assert_int_equal(pm_parse_uint32("4294967296", &v), -ERANGE);
	assert_int_equal(pm_parse_uint32("65536", &v), 0);
	assert_int_equal(v, 65536);
	assert_int_equal(pm_parse_uint32("-1", &v), -EINVAL);
	assert_int_equal(pm_parse_uint32("1.0", &v), -EINVAL);
}

static void test_parse_int(void **state)
{
	int v = 0;
	assert_int_equal(pm_parse_int("-15", &v), 0);
	assert_int_equal(v, -15);
	assert_int_equal(pm_parse_int("+15", &v), 0);
	assert_int_equal(v, 15);
	assert_int_equal(pm_parse_int("2147483647", &v), 0);
	assert_int_equal(v, 2147483647);
	assert_int_equal(pm_parse_int("-2147483648", &v), 0);
	assert_true(v == INT32_MIN);
	assert_int_equal(pm_parse_int("2147483648", &v), -ERANGE);
	assert_int_equal(pm_parse_int("-2147483649", &v), -ERANGE);
	assert_int_equal(pm_parse_int("-", &v), -EINVAL);
	assert_int_equal(pm_parse_int("--1", &v), -EINVAL);
	assert_int_equal(pm_parse_int("", &v), -EINVAL);
	assert_int_equal(pm_parse_int("1e3", &v), -EINVAL);
}

static void test_parse_size(void **state)
{
	static const struct {
		const char *in;
		uint64_t out;
	} ok[] = {
		{"0", 0},
		{"512", 512},
		{"512b", 512},
		{"512B", 512},
		{"10k", 10240},
		{"10kb", 10240},
		{"10KB", 10240},
		{"10KiB", 10240},
		{"1gib", 1ULL << 30},
		{"1 ", 1},
		{"10 k", 10240},
		{"64m", 64ULL << 20},
		{"64M", 64ULL << 20},
		{"1g", 1ULL << 30},
		{"1G", 1ULL << 30},
		{"1.5g", 1610612736ULL},
		{"0.5k", 512},
		{"1.5", 1}, /* truncated like Go's int64(float) */
		{"2t", 2ULL << 40},
		{"3p", 3ULL << 50},
		{"1.25m", 1310720},
		{"8191p", 8191ULL << 50},
	};
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		uint64_t v = 1;
		int r = pm_parse_size(ok[i].in, &v);
		if (r != 0 || v != ok[i].out)
			fail_msg("pm_parse_size('%s') = %d, %llu; want %llu", ok[i].in, r,
				 (unsigned long long)v, (unsigned long long)ok[i].out);
	}
	static const char *bad[] = {
		"",    "-1",   "-1g", "abc",   "1x",	 "1gg", "1.", ".5",   "1..5", " 1",  "1bb",
		"1kx", "1kB ", "k",   "1.5.g", "1 kb x", "1e3", "g1", "1  k", "+1",   "1ki", "1mi",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		uint64_t v = 42;
		int r = pm_parse_size(bad[i], &v);
		if (r != -EINVAL || v != 42)
			fail_msg("pm_parse_size('%s') = %d, want -EINVAL", bad[i], r);
	}
	uint64_t v;
	assert_int_equal(pm_parse_size(NULL, &v), -EINVAL);
	assert_int_equal(pm_parse_size("8192p", &v), -ERANGE);
	assert_int_equal(pm_parse_size("9223372036854775808", &v), -ERANGE);
	assert_int_equal(pm_parse_size("9223372036854775807", &v), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(pm_parse_size("99999999999999999999999", &v), -ERANGE);
	assert_int_equal(pm_parse_size("99999999999999999g", &v), -ERANGE);
	/* decimal (go-units FromHumanSize: --log-opt max-size) */
	assert_int_equal(pm_parse_size_decimal("10mb", &v), 0);
	assert_true(v == 10000000);
	assert_int_equal(pm_parse_size_decimal("1KiB", &v), 0);
	assert_true(v == 1000);
	assert_int_equal(pm_parse_size_decimal("1.5k", &v), 0);
	assert_true(v == 1500);
	assert_int_equal(pm_parse_size_decimal("3g", &v), 0);
	assert_true(v == 3000000000ULL);
	assert_int_equal(pm_parse_size_decimal("512", &v), 0);
	assert_true(v == 512);
	assert_int_equal(pm_parse_size_decimal("1kx", &v), -EINVAL);
}

static void expect_size(uint64_t in, const char *want)
{
	_cleanup_free_ char *s = pm_format_size(in);
	if (strcmp(s, want) != 0)
		fail_msg("pm_format_size(%llu) = '%s', want '%s'", (unsigned long long)in, s, want);
}

static void test_format_size(void **state)
{
	expect_size(0, "0B");
	expect_size(1, "1B");
	expect_size(999, "999B");
	expect_size(1000, "1kB");
	expect_size(1234, "1.23kB");
	expect_size(4096, "4.1kB");
	expect_size(1234567, "1.23MB");
	expect_size(5000000, "5MB");
	expect_size(1500000000, "1.5GB");
	expect_size(4300000, "4.3MB");
	expect_size(123456789012ULL, "123GB");
	expect_size(2000000000000ULL, "2TB");
	expect_size(UINT64_MAX, "18.4EB");
	/* Go's %g switches to exponent form at the precision boundary, as here */
	expect_size(999999, "1e+03kB");

	_cleanup_free_ char *p4 = pm_format_size_prec(1234567, 4);
	assert_string_equal(p4, "1.235MB");
	_cleanup_free_ char *p4b = pm_format_size_prec(4096, 4);
	assert_string_equal(p4b, "4.096kB");
	/* go-units BytesSize: binary, 4 significant digits */
	static const struct {
		uint64_t n;
		const char *want;
	} iec[] = {{0, "0B"},	      {512, "512B"},	     {1536, "1.5KiB"},
		   {1048576, "1MiB"}, {3242196, "3.092MiB"}, {16692396032ULL, "15.55GiB"}};
	for (size_t i = 0; i < sizeof(iec) / sizeof(iec[0]); i++) {
		_cleanup_free_ char *b = pm_format_bytes_iec(iec[i].n);
		assert_string_equal(b, iec[i].want);
	}
}

static void expect_ago(int64_t secs, const char *want)
{
	_cleanup_free_ char *s = pm_format_ago(secs);
	if (strcmp(s, want) != 0)
		fail_msg("pm_format_ago(%lld) = '%s', want '%s'", (long long)secs, s, want);
}

static void test_format_ago(void **state)
{
	expect_ago(-5, "Less than a second ago");
	expect_ago(0, "Less than a second ago");
	expect_ago(1, "1 second ago");
	expect_ago(2, "2 seconds ago");
	expect_ago(59, "59 seconds ago");
	expect_ago(60, "About a minute ago");
	expect_ago(119, "About a minute ago");
	expect_ago(120, "2 minutes ago");
	expect_ago(5 * 60, "5 minutes ago");
	expect_ago(59 * 60 + 59, "59 minutes ago");
	expect_ago(3600, "About an hour ago");
	expect_ago(5399, "About an hour ago"); /* hours rounded: 1.49h */
	expect_ago(5400, "2 hours ago");       /* 1.5h rounds to 2 */
	expect_ago(3 * 3600, "3 hours ago");
	expect_ago(47 * 3600, "47 hours ago");
	expect_ago(48 * 3600, "2 days ago");
	expect_ago(13 * 86400, "13 days ago");
	expect_ago(14 * 86400, "2 weeks ago");
	expect_ago(21 * 86400, "3 weeks ago");
	expect_ago(59 * 86400, "8 weeks ago");
	expect_ago(60 * 86400, "2 months ago");
	expect_ago(120 * 86400, "4 months ago");
	expect_ago(729 * 86400, "24 months ago");
	expect_ago(730 * 86400, "2 years ago");
	expect_ago(3 * 365 * 86400, "3 years ago");
}

static void test_strv_kv_match(void **state)
{
	char *const labels[] = {"app=web", "tier=", "bare", "version=1=2", NULL};
	assert_true(pm_strv_kv_match(labels, "app"));
	assert_true(pm_strv_kv_match(labels, "app=web"));
	assert_false(pm_strv_kv_match(labels, "app=we"));
	assert_false(pm_strv_kv_match(labels, "app=web2"));
	assert_false(pm_strv_kv_match(labels, "ap"));	/* a key prefix is not the key */
	assert_false(pm_strv_kv_match(labels, "app=")); /* app has a value */
	assert_true(pm_strv_kv_match(labels, "tier"));
	assert_true(pm_strv_kv_match(labels, "tier="));
	assert_false(pm_strv_kv_match(labels, "tier=x"));
	assert_true(pm_strv_kv_match(labels, "bare"));
	assert_true(pm_strv_kv_match(labels, "bare="));
	assert_true(pm_strv_kv_match(labels, "version=1=2")); /* the value keeps its '=' */
	assert_false(pm_strv_kv_match(labels, "version=1"));
	assert_false(pm_strv_kv_match(labels, "missing"));
	assert_false(pm_strv_kv_match(NULL, "app"));
}

static void test_random_id(void **state)
{
	_cleanup_free_ char *a = pm_random_id();
	_cleanup_free_ char *b = pm_random_id();
	assert_int_equal(strlen(a), 64);
	assert_int_equal(strspn(a, "0123456789abcdef"), 64);
	assert_string_not_equal(a, b);
}

static void check_escape(const char *in, const char *want)
{
	_cleanup_free_ char *got = pm_str_escape_controls(in);
	assert_string_equal(got, want);
}

static void test_escape_controls(void **state)
{
	check_escape("", "");
	check_escape("plain \"quoted\" back\\slash", "plain \"quoted\" back\\slash");
	check_escape("bad\x1b[31mname", "bad\\x1b[31mname");
	check_escape("a\nb\tc\rd", "a\\nb\\tc\\rd");
	check_escape("\a\b\f\v", "\\a\\b\\f\\v");
	check_escape("\x01\x1f\x7f", "\\x01\\x1f\\x7f");
	/* valid UTF-8 kept; C1 controls as Go's \u00NN; invalid bytes as \xNN */
	check_escape("h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80",
		     "h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80");
	check_escape("c1 \xc2\x85 \xc2\x9b", "c1 \\u0085 \\u009b");
	check_escape("bad \xff \xc3 end", "bad \\xff \\xc3 end");
	check_escape("trunc \xe2\x82", "trunc \\xe2\\x82");
	check_escape("\xed\xa0\x80", "\\xed\\xa0\\x80"); /* a surrogate */
	(void)state;
}

static void test_strv_unset_env(void **state)
{
	char **v = NULL;
	pm_strv_push(&v, "A=1");
	pm_strv_push(&v, "AB=2");
	pm_strv_push(&v, "A");
	pm_strv_push(&v, "B=3");
	pm_strv_unset_env(v, "A");
	char *j = pm_strv_join(v, " ");
	assert_string_equal(j, "AB=2 A B=3"); /* only KEY=...: not AB, not a bare A */
	free(j);
	pm_strv_unset_env(v, "B");
	pm_strv_unset_env(v, "AB");
	j = pm_strv_join(v, " ");
	assert_string_equal(j, "A");
	free(j);
	pm_strv_unset_env(NULL, "A");
	pm_strv_free(v);
}

/* pm_strv_split_csv: podman's --mount fields (Go's encoding/csv); pm_csv_quote its inverse */
static void test_strv_split_csv(void **state)
{
	_cleanup_strv_ char **v =
		pm_strv_split_csv("type=tmpfs,\"dst=/a,b\",,\"x=\"\"q\"\"\",tmpcopyup");
	assert_int_equal(pm_strv_length(v), 4);
	assert_string_equal(v[0], "type=tmpfs");
	assert_string_equal(v[1], "dst=/a,b");
	assert_string_equal(v[2], "x=\"q\"");
	assert_string_equal(v[3], "tmpcopyup");
	_cleanup_strv_ char **e = pm_strv_split_csv(NULL);
	assert_int_equal(pm_strv_length(e), 0);
	const char *fields[] = {"dst=/plain", "dst=/a,b", "dst=/a\"b", "dst=/a:b"};
	for (size_t i = 0; i < 4; i++) {
		_cleanup_free_ char *q = pm_csv_quote(fields[i]);
		_cleanup_strv_ char **back = pm_strv_split_csv(q);
		assert_int_equal(pm_strv_length(back), 1);
		assert_string_equal(back[0], fields[i]);
	}
	_cleanup_free_ char *plain = pm_csv_quote("dst=/plain");
	assert_string_equal(plain, "dst=/plain");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xalloc),
		cmocka_unit_test(test_escape_controls),
		cmocka_unit_test(test_strv),
		cmocka_unit_test(test_strv_split),
		cmocka_unit_test(test_startswith_endswith),
		cmocka_unit_test(test_parse_uint64),
		cmocka_unit_test(test_parse_uint32),
		cmocka_unit_test(test_parse_int),
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_format_size),
		cmocka_unit_test(test_format_ago),
		cmocka_unit_test(test_random_id),
		cmocka_unit_test(test_strv_kv_match),
		cmocka_unit_test(test_strv_unset_env),
		cmocka_unit_test(test_strv_split_csv),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
