/* test-stats.c: unit tests for engine/stats: the figures of `pod stats` from the texts of a
 * cgroup v2 directory and /proc/PID/net/dev (memory less the inactive page cache, the limit
 * or the host's memory, io.stat sums, lo left out), and the refusals of pm_engine_stats. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_all),
		cmocka_unit_test(test_parse_no_limit_and_missing),
		cmocka_unit_test(test_not_running),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
