/* test-timeutil.c: unit tests for lib/timeutil: RFC 3339 log timestamps, Go durations,
 * podman's --since/--until values (good and bad, with the exact messages) and the logs -t
 * time format. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/timeutil.h"

#define S PM_NSEC_PER_SEC

static int64_t utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = {.tm_year = y - 1900,
			.tm_mon = mo - 1,
			.tm_mday = d,
			.tm_hour = h,
			.tm_min = mi,
			.tm_sec = s};
	return (int64_t)timegm(&tm) * S;
}

static void test_rfc3339(void **state)
{
	int64_t ns;
	int off;
	const char *a = "2026-11-23T03:04:05.123456789+00:00";
	assert_int_equal(pm_time_parse_rfc3339(a, strlen(a), &ns, &off), 0);
	assert_true(ns == utc(2026, 11, 23, 3, 4, 5) + 123456789);
	assert_int_equal(off, 0);

	a = "2026-11-23T03:04:05Z";
	assert_int_equal(pm_time_parse_rfc3339(a, strlen(a), &ns, &off), 0);
	assert_true(ns == utc(2026, 11, 23, 3, 4, 5));

	a = "2026-11-23T04:04:05.5+01:00";
	assert_int_equal(pm_time_parse_rfc3339(a, strlen(a), &ns, &off), 0);
	assert_true(ns == utc(2026, 11, 23, 3, 4, 5) + 500000000);
	assert_int_equal(off, 3600);

	a = "2026-11-22T21:34:05-05:30";
	assert_int_equal(pm_time_parse_rfc3339(a, strlen(a), &ns, &off), 0);
	assert_true(ns == utc(2026, 11, 23, 3, 4, 5));
	assert_int_equal(off, -19800);

	/* more than nine fraction digits: the rest is ignored, as Go does */
	a = "2026-11-23T03:04:05.1234567891234Z";
	assert_int_equal(pm_time_parse_rfc3339(a, strlen(a), &ns, NULL), 0);
	assert_true(ns == utc(2026, 11, 23, 3, 4, 5) + 123456789);

	a = "2024-02-29T00:00:00Z"; /* leap day */
	assert_int_equal(pm_time_parse_rfc3339(a, strlen(a), &ns, NULL), 0);
	assert_true(ns == utc(2024, 2, 29, 0, 0, 0));
	a = "1969-12-31T23:59:59.5Z"; /* before the epoch */
	assert_int_equal(pm_time_parse_rfc3339(a, strlen(a), &ns, NULL), 0);
	assert_true(ns == -500000000);

	/* only the first len bytes count */
	a = "2026-11-23T03:04:05Z stdout F x";
	assert_int_equal(pm_time_parse_rfc3339(a, 20, &ns, NULL), 0);

	const char *bad[] = {
		"",
		"2026-11-23",
		"2026-11-23T03:04:05",	/* no zone */
		"2026-11-23t03:04:05Z", /* lowercase t */
		"2026-11-23T03:04:05z", /* lowercase z */
		"2026-11-23T24:00:00Z", /* hour 24 */
		"2026-11-23T03:60:00Z",
		"2026-11-23T03:04:60Z", /* no leap seconds in Go */
		"2026-02-29T00:00:00Z", /* not a leap year */
		"2026-04-31T00:00:00Z",
		"2026-13-01T00:00:00Z",
		"2026-00-01T00:00:00Z",
		"2026-11-23T03:04:05+0100", /* no colon */
		"2026-11-23T03:04:05+01",
		"2026-11-23T03:04:05.Z", /* dot without digits */
		"2026-11-23T03:04:05Z ", /* trailing space */
		"26-11-23T03:04:05Z",
		"2026-11-23T3:04:05Z",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (pm_time_parse_rfc3339(bad[i], strlen(bad[i]), &ns, NULL) != -EINVAL)
			fail_msg("accepted '%s'", bad[i]);
	}
}

static void test_duration(void **state)
{
	static const struct {
		const char *s;
		int64_t ns;
	} good[] = {
		{"0", 0},
		{"-0", 0},
		{"10m", 600 * S},
		{"1h30m", 5400 * S},
		{"1.5h", 5400 * S},
		{".5s", S / 2},
		{"5.s", 5 * S},
		{"-1m", -60 * S},
		{"+2s", 2 * S},
		{"100ns", 100},
		{"3us", 3000},
		{"3\xc2\xb5s", 3000},
		{"3\xce\xbcs", 3000},
		{"250ms", 250000000},
		{"1h1m1s1ms1us1ns", 3661001001001},
		{"0.000000001s", 1},
		{"2562047h", 2562047LL * 3600 * S},
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int64_t ns = -42;
		if (pm_time_parse_duration(good[i].s, &ns) != 0)
			fail_msg("rejected '%s'", good[i].s);
		if (ns != good[i].ns)
			fail_msg("'%s': %lld, want %lld", good[i].s, (long long)ns,
				 (long long)good[i].ns);
	}
	const char *bad[] = {"",      "-",   "10",  "1x",     ".s", "s",
			     "1h-2m", "1 h", "1m ", "1.2.3s", "h1", "1H"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t ns;
		if (pm_time_parse_duration(bad[i], &ns) != -EINVAL)
			fail_msg("accepted '%s'", bad[i]);
	}
	int64_t ns;
	assert_int_equal(pm_time_parse_duration("2562048h", &ns), -ERANGE);
	assert_int_equal(pm_time_parse_duration("99999999999999999999ns", &ns), -ERANGE);
}

static void test_input_good(void **state)
{
	const int64_t now = utc(2026, 11, 23, 12, 0, 0) + 123;
	struct {
		const char *s;
		bool since;
		int64_t want;
	} cases[] = {
		{"2026-11-23T02:24:36.5Z", true, utc(2026, 11, 23, 2, 24, 36) + S / 2},
		{"2026-11-23T03:24:36+01:00", true, utc(2026, 11, 23, 2, 24, 36)},
		{"2026-11-23T02:24:36", true, utc(2026, 11, 23, 2, 24, 36)},
		{"2026-11-23T02:24:36.56386", true, utc(2026, 11, 23, 2, 24, 36) + 563860000},
		{"2026-11-23", true, utc(2026, 11, 23, 0, 0, 0)},
		{"2026-11-23Z", true, utc(2026, 11, 23, 0, 0, 0)},
		{"2026-11-23+01:00", true, utc(2026, 11, 22, 23, 0, 0)},
		{"1700000000", true, 1700000000 * S},
		{"1700000000.25", true, 1700000000 * S + S / 4},
		{"-1.5", true, -S - S / 2},
		{"+5", true, 5 * S},
		{"1e3", true, 1000 * S},
		{"1_0", true, 10 * S},
		{"0", false, 0},
		{"10m", true, now - 600 * S},
		{"10m", false, now + 600 * S},
		{"1h30m", true, now - 5400 * S},
		{"-1h", true, now + 3600 * S},
		{"-10m", false, now - 600 * S},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		_cleanup_error_ pm_error *err = NULL;
		int64_t ns = 0;
		int r = pm_time_parse_input(cases[i].since ? "--since" : "--until", cases[i].s,
					    cases[i].since, now, &ns, &err);
		if (r != 0)
			fail_msg("'%s': %s", cases[i].s, err ? err->msg : "?");
		if (ns != cases[i].want)
			fail_msg("'%s': %lld, want %lld", cases[i].s, (long long)ns,
				 (long long)cases[i].want);
	}
}

/* docker's GetTimestamp (`--filter until=`), with the local zone fixed at UTC+2 */
static void test_timestamp(void **state)
{
	const int64_t now = utc(2026, 11, 23, 12, 0, 0) + 700000000;
	const int64_t H = 3600 * S;
	setenv("TZ", "PMT-2", 1);
	tzset();
	struct {
		const char *s;
		int64_t want;
	} good[] = {
		{"10m", utc(2026, 11, 23, 11, 50, 0)}, /* whole seconds: now's .7 dropped */
		{"1h30m", utc(2026, 11, 23, 10, 30, 0)},
		{"-1h", utc(2026, 11, 23, 13, 0, 0)}, /* negative: the future */
		{"2026-11-23T02:24:36Z", utc(2026, 11, 23, 2, 24, 36)},
		{"2026-11-23T02:24:36.5Z", utc(2026, 11, 23, 2, 24, 36) + S / 2},
		{"2026-11-23T02:24:36+01:00", utc(2026, 11, 23, 1, 24, 36)},
		{"2026-11-23T02:24:36-01:00", utc(2026, 11, 23, 3, 24, 36)},
		{"2026-11-23T02:24Z", utc(2026, 11, 23, 2, 24, 0)},
		{"2026-11-23T02+01:00", utc(2026, 11, 23, 1, 0, 0)},
		{"2026-11-23Z", utc(2026, 11, 23, 0, 0, 0)},
		{"2026-11-23+02:00", utc(2026, 11, 22, 22, 0, 0)},
		/* no zone: the local zone (UTC+2 here) */
		{"2026-11-23T02:24:36", utc(2026, 11, 23, 2, 24, 36) - 2 * H},
		{"2026-11-23T02:24:36.25", utc(2026, 11, 23, 2, 24, 36) - 2 * H + S / 4},
		{"2026-11-23T02:24", utc(2026, 11, 23, 0, 24, 0)},
		{"2026-11-23T02", utc(2026, 11, 23, 0, 0, 0)},
		{"2026-11-23", utc(2026, 11, 22, 22, 0, 0)},
		/* Unix timestamps */
		{"1700000000", 1700000000 * S},
		{"1700000000.25", 1700000000 * S + S / 4},
		{"1700000000.123456789123", 1700000000 * S + 123456789},
		{"0", 0}, /* "0" is a timestamp, not a duration */
		{"+5", 5 * S},
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int64_t ns = 0;
		if (pm_time_parse_timestamp(good[i].s, now, &ns) != 0)
			fail_msg("'%s' refused", good[i].s);
		if (ns != good[i].want)
			fail_msg("'%s': %lld, want %lld", good[i].s, (long long)ns,
				 (long long)good[i].want);
	}
	static const char *const bad[] = {
		"",
		"soon",
		"-5",
		"1e9",
		"1700000000.",
		"10x",
		"2026-02-30",
		"2026-11-23T02:24:36z",
		"2026-11-23T2:24",
		"2026-11-23T02:24:36+0100",
		" 1",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t ns = 0;
		if (pm_time_parse_timestamp(bad[i], now, &ns) != -EINVAL)
			fail_msg("'%s' accepted: %lld", bad[i], (long long)ns);
	}
	unsetenv("TZ");
	tzset();
}

static void test_sec_floor(void **state)
{
	long nsec = -1;
	assert_int_equal(pm_time_sec_floor(1500000000, &nsec), 1);
	assert_int_equal(nsec, 500000000);
	assert_int_equal(pm_time_sec_floor(-500000000, &nsec), -1);
	assert_int_equal(nsec, 500000000);
	assert_int_equal(pm_time_sec_floor(-2000000000, &nsec), -2);
	assert_int_equal(nsec, 0);
	assert_int_equal(pm_time_sec_floor(999999999, NULL), 0);
}

static void test_input_bad(void **state)
{
	struct {
		const char *flag, *s, *msg;
	} cases[] = {
		{"--since", "bogus", "parsing --since \"bogus\": unable to interpret time value"},
		{"--since", "10x", "parsing --since \"10x\": unable to interpret time value"},
		{"--until", " 1", "parsing --until \" 1\": unable to interpret time value"},
		{"--since", "2026-11-23T02:24:36+0100",
		 "parsing --since \"2026-11-23T02:24:36+0100\": unable to interpret time value"},
		{"--since", "2026-11-23t02:24:36Z",
		 "parsing --since \"2026-11-23t02:24:36Z\": unable to interpret time value"},
		{"--since", "2026-02-30",
		 "parsing --since \"2026-02-30\": unable to interpret time value"},
		{"--since", "0x10", "parsing --since \"0x10\": unable to interpret time value"},
		{"--since", "1__0", "parsing --since \"1__0\": unable to interpret time value"},
		{"--since", "", "parsing --since \"\": unable to interpret time value"},
		{"--until", "a\"b\n",
		 "parsing --until \"a\\\"b\\n\": unable to interpret time value"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		_cleanup_error_ pm_error *err = NULL;
		int64_t ns = 77;
		assert_int_equal(pm_time_parse_input(cases[i].flag, cases[i].s, true, 0, &ns, &err),
				 -EINVAL);
		assert_non_null(err);
		assert_string_equal(err->msg, cases[i].msg);
		assert_true(ns == 77);
	}
}

static void test_format(void **state)
{
	char buf[PM_TIME_LOG_LEN];
	int64_t t = utc(2026, 11, 23, 2, 24, 36);
	pm_time_format_log(t + 563867215, 0, buf);
	assert_string_equal(buf, "2026-11-23T02:24:36.563867215Z");
	pm_time_format_log(t + S / 2, 0, buf);
	assert_string_equal(buf, "2026-11-23T02:24:36.500000000Z");
	pm_time_format_log(t, 3600, buf);
	assert_string_equal(buf, "2026-11-23T03:24:36.000000000+01:00");
	pm_time_format_log(t, -19800, buf);
	assert_string_equal(buf, "2026-11-22T20:54:36.000000000-05:30");
	pm_time_format_log(-1, 0, buf);
	assert_string_equal(buf, "1969-12-31T23:59:59.999999999Z");

	/* round trip through the parser */
	int64_t ns;
	int off;
	pm_time_format_log(t + 42, -19800, buf);
	assert_int_equal(pm_time_parse_rfc3339(buf, strlen(buf), &ns, &off), 0);
	assert_true(ns == t + 42);
	assert_int_equal(off, -19800);
}

static void test_go_formats(void **state)
{
	char buf[PM_TIME_BUF_LEN];
	int64_t t = utc(2026, 11, 23, 2, 38, 7);
	setenv("TZ", "UTC", 1);
	tzset();
	pm_time_format_rfc3339nano_local(t + 263557704, buf);
	assert_string_equal(buf, "2026-11-23T02:38:07.263557704Z");
	pm_time_format_rfc3339nano_local(t + S / 2, buf);
	assert_string_equal(buf, "2026-11-23T02:38:07.5Z");
	pm_time_format_rfc3339nano_local(0, buf);
	assert_string_equal(buf, "0001-01-01T00:00:00Z");
	pm_time_format_go_string(t + 120000000, buf);
	assert_string_equal(buf, "2026-11-23 02:38:07.12 +0000 UTC");
	pm_time_format_go_string(0, buf);
	assert_string_equal(buf, "0001-01-01 00:00:00 +0000 UTC");
	setenv("TZ", "CET-1", 1);
	tzset();
	pm_time_format_rfc3339nano_local(t, buf);
	assert_string_equal(buf, "2026-11-23T03:38:07+01:00");
	pm_time_format_go_string(t, buf);
	assert_string_equal(buf, "2026-11-23 03:38:07 +0100 CET");
	setenv("TZ", "EST+5", 1);
	tzset();
	pm_time_format_go_string(t + 1000, buf);
	assert_string_equal(buf, "2026-11-22 21:38:07.000001 -0500 EST");
	pm_time_format_rfc3339nano_local(t + 1000, buf);
	assert_string_equal(buf, "2026-11-22T21:38:07.000001-05:00");
	setenv("TZ", "IST-5:30", 1);
	tzset();
	pm_time_format_rfc3339nano_local(utc(1999, 1, 2, 23, 59, 59) + 10, buf);
	assert_string_equal(buf, "1999-01-03T05:29:59.00000001+05:30");

	/* UTC whatever the local zone */
	pm_time_format_rfc3339_utc(t + 263557704, false, buf);
	assert_string_equal(buf, "2026-11-23T02:38:07Z");
	pm_time_format_rfc3339_utc(t + 5, true, buf);
	assert_string_equal(buf, "2026-11-23T02:38:07.000000005Z");
	unsetenv("TZ");
	tzset();
}

static void test_parse_more(void **state)
{
	int64_t ns;
	int64_t t = utc(2026, 11, 23, 2, 38, 7);
	assert_int_equal(pm_time_parse_rfc3339_utc_default("2026-11-23T02:38:07Z", &ns), 0);
	assert_true(ns == t);
	assert_int_equal(pm_time_parse_rfc3339_utc_default("2026-11-23T02:38:07.25", &ns), 0);
	assert_true(ns == t + S / 4);
	assert_int_equal(pm_time_parse_rfc3339_utc_default("2026-11-23T03:38:07+01:00", &ns), 0);
	assert_true(ns == t);
	assert_int_equal(pm_time_parse_rfc3339_utc_default("2026-11-23", &ns), -EINVAL);
	assert_int_equal(pm_time_parse_rfc3339_utc_default("2026-11-23T02:38:07Zx", &ns), -EINVAL);
	assert_int_equal(pm_time_parse_rfc3339_utc_default(NULL, &ns), -EINVAL);

	setenv("TZ", "CET-1", 1);
	tzset();
	assert_int_equal(pm_time_parse_date_local("2026-11-23", &ns), 0);
	assert_true(ns == utc(2026, 11, 22, 23, 0, 0));
	setenv("TZ", "UTC", 1);
	tzset();
	assert_int_equal(pm_time_parse_date_local("2026-11-23", &ns), 0);
	assert_true(ns == utc(2026, 11, 23, 0, 0, 0));
	assert_int_equal(pm_time_parse_date_local("2026-02-30", &ns), -EINVAL);
	assert_int_equal(pm_time_parse_date_local("2026-11-23T00:00:00Z", &ns), -EINVAL);
	assert_int_equal(pm_time_parse_date_local("2026-11-23Z", &ns), -EINVAL);
	assert_int_equal(pm_time_parse_date_local("", &ns), -EINVAL);
	unsetenv("TZ");
	tzset();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc3339),	   cmocka_unit_test(test_duration),
		cmocka_unit_test(test_input_good), cmocka_unit_test(test_input_bad),
		cmocka_unit_test(test_format),	   cmocka_unit_test(test_go_formats),
		cmocka_unit_test(test_parse_more), cmocka_unit_test(test_timestamp),
		cmocka_unit_test(test_sec_floor),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
