/* test-rundir.c: the files a monitor shares with the engine in a container's run dir
 * (monitor/rundir.h): pids with start times, the exit file, the stop marker. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/fileutil.h"
#include "lib/proc.h"
#include "lib/timeutil.h"
#include "monitor/rundir.h"

static void test_pids(void **state)
{
	char dir[] = "/tmp/pm-test-rundir-XXXXXX";
	assert_non_null(mkdtemp(dir));
	struct pm_mon_pids p = {0};
	assert_int_equal(pm_mon_read_pids(dir, &p), -ENOENT);
	pm_mon_write_pids(dir, getpid(), getppid());
	assert_int_equal(pm_mon_read_pids(dir, &p), 0);
	unsigned long long me, parent;
	assert_int_equal(pm_proc_starttime(getpid(), &me), 0);
	assert_int_equal(pm_proc_starttime(getppid(), &parent), 0);
	assert_int_equal(p.mon, getpid());
	assert_int_equal(p.mon_start, me);
	assert_int_equal(p.init, getppid());
	assert_int_equal(p.init_start, parent);
	assert_true(pm_proc_alive(p.mon, p.mon_start));
	/* garbled */
	_cleanup_free_ char *path = pm_path_join(dir, PM_MON_PIDS);
	assert_int_equal(pm_write_file_atomic(path, "1 2", 3, 0600, NULL), 0);
	assert_int_equal(pm_mon_read_pids(dir, &p), -EINVAL);
	pm_mon_unlink(dir, PM_MON_PIDS);
	assert_false(pm_path_exists(path));
	pm_rm_rf(dir, NULL);
}

static void test_exit_and_marker(void **state)
{
	char dir[] = "/tmp/pm-test-rundir-XXXXXX";
	assert_non_null(mkdtemp(dir));
	int status = -1;
	int64_t ns = -1;
	assert_int_equal(pm_mon_read_exit(dir, &status, &ns), -ENOENT);
	assert_int_equal(status, -1); /* left as it was */
	assert_int_equal(ns, -1);
	int64_t before = pm_time_now_ns();
	pm_mon_write_exit(dir, 137);
	assert_int_equal(pm_mon_read_exit(dir, &status, &ns), 0);
	assert_int_equal(status, 137);
	assert_true(ns >= before && ns <= pm_time_now_ns());

	assert_false(pm_mon_stopped(dir));
	pm_mon_mark_stopped(dir);
	assert_true(pm_mon_stopped(dir));
	assert_false(pm_mon_removing(dir));
	pm_mon_clear_stopped(dir);
	assert_false(pm_mon_stopped(dir));
	pm_mon_mark_removing(dir); /* rm -f: a stop, and the log goes unsynced */
	assert_true(pm_mon_stopped(dir));
	assert_true(pm_mon_removing(dir));
	pm_mon_clear_stopped(dir);
	assert_false(pm_mon_removing(dir));
	pm_rm_rf(dir, NULL);
}

static void test_attach_addr(void **state)
{
	(void)state;
	struct sockaddr_un sa;
	memset(&sa, 'x', sizeof(sa));
	pm_mon_attach_addr(7, &sa);
	assert_int_equal(sa.sun_family, AF_UNIX);
	assert_string_equal(sa.sun_path, "/proc/self/fd/7/attach");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pids),
		cmocka_unit_test(test_exit_and_marker),
		cmocka_unit_test(test_attach_addr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
