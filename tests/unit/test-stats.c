/* test-stats.c: unit tests for engine/stats: the figures of `stats` and `pod stats` from the
 * texts of a cgroup v2 directory and /proc/PID/net/dev (memory less the inactive page cache,
 * the limit or the host's memory, io.stat sums, lo left out), and the refusals of
 * pm_engine_stats; and cli/stats-util's wording (podman's sizes, percents, JSON formats)
 * and the readings it keeps for the next CPU %. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "cli/stats-util.h"
#include "engine/stats.h"

static const char net_dev[] =
	"Inter-|   Receive                                                |  Transmit\n"
	" face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets "
	"errs drop fifo colls carrier compressed\n"
	"    lo:  999999      10    0    0    0     0          0         0   999999      10    "
	"0    0    0     0       0          0\n"
	"  tap0:    1500      12    0    0    0     0          0         0      648       8    "
	"0    0    0     0       0          0\n"
	"  eth1: 500 1 0 0 0 0 0 0 352 2 0 0 0 0 0 0\n";

static void test_parse_all(void **state)
{
	(void)state;
	const struct pm_ctr_stats_files f = {
		.cpu_stat = "usage_usec 2500\nuser_usec 2000\nsystem_usec 500\n",
		.memory_current = "3145728\n",
		.memory_stat = "anon 1048576\nfile 2097152\nactive_file 1048576\ninactive_file "
			       "1048576\n",
		.memory_max = "67108864\n",
		.io_stat = "254:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n"
			   "7:0 rbytes=100 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n",
		.pids_current = "3\n",
		.net_dev = net_dev,
	};
	struct pm_ctr_stats s;
	pm_engine_stats_parse(&f, 1ULL << 34, &s);
	assert_int_equal(s.cpu_nano, 2500000);
	assert_int_equal(s.cpu_system_nano, 500000);
	assert_int_equal(s.mem_usage, 2097152); /* current less inactive_file */
	assert_int_equal(s.mem_limit, 67108864);
	assert_true(s.mem_percent > 3.12 && s.mem_percent < 3.13);
	assert_int_equal(s.block_in, 4196);
	assert_int_equal(s.block_out, 8192);
	assert_int_equal(s.pids, 3);
	assert_int_equal(s.net_in, 2000); /* tap0 + eth1, not lo */
	assert_int_equal(s.net_out, 1000);
}

static void test_parse_no_limit_and_missing(void **state)
{
	(void)state;
	/* memory.max "max": the host's memory is the limit; missing files leave zeros */
	const struct pm_ctr_stats_files f = {
		.memory_current = "1000\n",
		.memory_max = "max\n",
	};
	struct pm_ctr_stats s;
	pm_engine_stats_parse(&f, 4000, &s);
	assert_int_equal(s.mem_usage, 1000);
	assert_int_equal(s.mem_limit, 4000);
	assert_true(s.mem_percent > 24.99 && s.mem_percent < 25.01);
	assert_int_equal(s.cpu_nano, 0);
	assert_int_equal(s.pids, 0);
	assert_int_equal(s.block_in + s.block_out + s.net_in + s.net_out, 0);
	/* a limit above the host's memory: the host's counts */
	const struct pm_ctr_stats_files g = {.memory_current = "10\n", .memory_max = "9000\n"};
	pm_engine_stats_parse(&g, 4000, &s);
	assert_int_equal(s.mem_limit, 4000);
	/* all missing */
	const struct pm_ctr_stats_files none = {0};
	pm_engine_stats_parse(&none, 0, &s);
	assert_int_equal(s.mem_limit, 0);
	assert_true(s.mem_percent == 0.0);
}

static void test_not_running(void **state)
{
	(void)state;
	/* a container that is not running is refused (on a v2 host), or the host is (v1) */
	struct pm_container c = {.id = (char *)"0123456789ab", .name = (char *)"c1"};
	c.state.status = PM_CTR_STOPPED;
	struct pm_ctr_stats s;
	pm_error *err = NULL;
	int r = pm_engine_stats(NULL, &c, NULL, &s, &err);
	assert_true(r == -EINVAL || r == -EOPNOTSUPP);
	assert_non_null(err);
	if (r == -EINVAL)
		assert_non_null(strstr(err->msg, "c1"));
	pm_error_free(err);
}

static void test_words(void **state)
{
	(void)state;
	/* podman's: go-units HumanSize / BytesSize, "%.2f%%", report.IsJSON */
	char *p = pm_stats_pair(3092000, 16700000000ULL, false);
	assert_string_equal(p, "3.092MB / 16.7GB");
	free(p);
	p = pm_stats_pair(0, 0, false);
	assert_string_equal(p, "0B / 0B");
	free(p);
	p = pm_stats_pair(1536, 67108864, true);
	assert_string_equal(p, "1.5KiB / 64MiB");
	free(p);
	p = pm_stats_percent(12.345);
	assert_string_equal(p, "12.35%");
	free(p);
	assert_true(pm_stats_format_is_json("json"));
	assert_true(pm_stats_format_is_json(" JSON "));
	assert_true(pm_stats_format_is_json("{{json .}}"));
	assert_true(pm_stats_format_is_json("{{ json . }}"));
	assert_false(pm_stats_format_is_json("{{json .Name}}"));
	assert_false(pm_stats_format_is_json("table {{.ID}}"));
	assert_false(pm_stats_format_is_json(NULL));
}

static void test_prev(void **state)
{
	(void)state;
	/* the readings are kept by id for the next CPU % */
	struct pm_stats_prev p = {0};
	struct pm_ctr_stats a = {.cpu_nano = 5}, b = {.cpu_nano = 7};
	pm_stats_prev_add(&p, "aaa", &a);
	pm_stats_prev_add(&p, "bbb", &b);
	assert_int_equal(pm_stats_prev_find(&p, "bbb")->cpu_nano, 7);
	assert_int_equal(pm_stats_prev_find(&p, "aaa")->cpu_nano, 5);
	assert_null(pm_stats_prev_find(&p, "ccc"));
	assert_null(pm_stats_prev_find(NULL, "aaa"));
	pm_stats_prev_clear(&p);
	assert_int_equal(p.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_all),
		cmocka_unit_test(test_parse_no_limit_and_missing),
		cmocka_unit_test(test_not_running),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_prev),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
