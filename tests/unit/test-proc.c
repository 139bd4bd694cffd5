/* test-proc.c: unit tests for lib/proc: /proc/PID/stat parsing (comm with spaces and ')',
 * negative fields, short or garbage text), the live readers on this process and on a
 * zombie child, and the verified pidfd and its wait. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/proc.h"

static void test_parse(void **state)
{
	(void)state;
	struct pm_proc_stat s;
	const char *t = "4242 (a b) c) S 1 4242 4242 34816 4242 4194560 100 0 0 0 7 3 0 0 20 -5 "
			"2 0 123456 2961408 250 18446744073709551615";
	assert_int_equal(pm_proc_stat_parse(t, &s), 0);
	assert_string_equal(s.comm, "a b) c");
	assert_int_equal(s.state, 'S');
	assert_int_equal(s.ppid, 1);
	assert_int_equal(s.pgrp, 4242);
	assert_int_equal(s.session, 4242);
	assert_int_equal(s.tty_nr, 34816);
	assert_int_equal(s.utime, 7);
	assert_int_equal(s.stime, 3);
	assert_int_equal(s.nice, -5);
	assert_int_equal(s.num_threads, 2);
	assert_int_equal(s.starttime, 123456);
	assert_int_equal(s.vsize, 2961408);
	assert_int_equal(s.rss, 250);

	assert_int_equal(pm_proc_stat_parse(NULL, &s), -EINVAL);
	assert_int_equal(pm_proc_stat_parse("", &s), -EINVAL);
	assert_int_equal(pm_proc_stat_parse("garbage", &s), -EINVAL);
	assert_int_equal(pm_proc_stat_parse("1 (x) S 1 2", &s), -EINVAL);
	assert_int_equal(pm_proc_stat_parse("1 (x)S 1", &s), -EINVAL);
	assert_int_equal(pm_proc_stat_parse("1 (x) S 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 x 0 0", &s),
			 -EINVAL);
}

/* The cases rootless/ tested when it had its own parser (it reads the pause process' start
 * time through lib/proc now). */
static void test_parse_rootless(void **state)
{
	(void)state;
	struct pm_proc_stat s;
	/* a comm with spaces and parentheses, every field of a real line, a trailing newline */
	static const char t[] =
		"4242 (pm (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 "
		"987654321 2461696 100 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 3 0 0 0 0 "
		"0\n";
	assert_int_equal(pm_proc_stat_parse(t, &s), 0);
	assert_string_equal(s.comm, "pm (x) y");
	assert_int_equal(s.state, 'S');
	assert_int_equal(s.tty_nr, 0);
	assert_true(s.starttime == 987654321ULL);
	assert_true(s.vsize == 2461696ULL);
	assert_int_equal(s.rss, 100);

	/* a zombie parses; pm_proc_starttime is what refuses it (test_live) */
	assert_int_equal(
		pm_proc_stat_parse("1 (a) Z 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 55 0 0", &s), 0);
	assert_int_equal(s.state, 'Z');
	assert_true(s.starttime == 55);

	/* cut before field 24, or a start time that is no number */
	assert_int_equal(pm_proc_stat_parse("1 (a) S 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 55", &s),
			 -EINVAL);
	assert_int_equal(
		pm_proc_stat_parse("1 (a) S 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 x 0 0", &s),
		-EINVAL);
}

static void test_live(void **state)
{
	(void)state;
	struct pm_proc_stat s;
	assert_int_equal(pm_proc_stat_read(getpid(), &s), 0);
	assert_int_equal(s.ppid, getppid());
	unsigned long long start = 0;
	assert_int_equal(pm_proc_starttime(getpid(), &start), 0);
	assert_true(start > 0);
	assert_true(pm_proc_alive(getpid(), 0));
	assert_true(pm_proc_alive(getpid(), start));
	assert_false(pm_proc_alive(getpid(), start + 1));
	assert_int_equal(pm_proc_stat_read(0, &s), -ESRCH);
	assert_int_equal(pm_proc_stat_read(-1, &s), -ESRCH);

	/* a zombie is not alive */
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	for (int i = 0; i < 1000; i++) {
		if (pm_proc_stat_read(pid, &s) == 0 && s.state == 'Z')
			break;
		usleep(1000);
	}
	assert_int_equal(s.state, 'Z');
	assert_int_equal(pm_proc_starttime(pid, &start), -ESRCH);
	assert_false(pm_proc_alive(pid, 0));
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	assert_int_equal(pm_proc_stat_read(pid, &s), -ESRCH);
}

/* pm_pidfd_open_verified pins the process only with the right start time;
 * pm_pidfd_wait times out while it lives and says 1 once it has exited. */
static void test_pidfd(void **state)
{
	(void)state;
	int pipefd[2];
	assert_int_equal(pipe(pipefd), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char c;
		close(pipefd[1]);
		(void)!read(pipefd[0], &c, 1); /* until the parent closes its end */
		_exit(0);
	}
	close(pipefd[0]);
	unsigned long long start = 0;
	assert_int_equal(pm_proc_starttime(pid, &start), 0);
	assert_int_equal(pm_pidfd_open_verified(pid, start + 1), -ESRCH);
	assert_int_equal(pm_pidfd_open_verified(0, start), -ESRCH);
	assert_int_equal(pm_pidfd_open_verified(-1, start), -ESRCH);
	int fd = pm_pidfd_open_verified(pid, start);
	assert_true(fd >= 0);
	assert_int_equal(pm_pidfd_wait(fd, 50), 0);
	close(pipefd[1]);
	assert_int_equal(pm_pidfd_wait(fd, 10000), 1);
	assert_int_equal(pm_pidfd_wait(fd, -1), 1);
	/* a zombie is not the process any more */
	assert_int_equal(pm_pidfd_open_verified(pid, start), -ESRCH);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	close(fd);
	assert_true(pm_pidfd_wait(-1, 0) <= 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_rootless),
		cmocka_unit_test(test_live),
		cmocka_unit_test(test_pidfd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
