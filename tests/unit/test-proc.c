/* test-proc.c: unit tests for lib/proc: /proc/PID/stat parsing (comm with spaces and ')',
 * negative fields, short or garbage text), the live readers on this process and on a
 * zombie child, the verified pidfd and its wait, /proc/PID/status (signal masks, NSpid,
 * ids), the v2 path of /proc/PID/cgroup, /proc/PID/cmdline and the links /proc/PID/fd/N. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
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

/* /proc/PID/status: the fields top reads (were pm_top_parse_status' cases). */
static void test_status_parse(void **state)
{
	(void)state;
	struct pm_proc_status s;
	const char *st = "Name:\tsleep\nUmask:\t0022\nState:\tS (sleeping)\nPid:\t4242\n"
			 "Uid:\t1000\t1000\t1000\t1000\nGid:\t100\t100\t100\t100\n"
			 "NSpid:\t4242\t17\t1\nNSpgid:\t4242\t17\t1\n";
	assert_int_equal(pm_proc_status_parse(st, &s), 0);
	assert_int_equal(s.have, PM_PROC_HAVE_NSPID | PM_PROC_HAVE_UID | PM_PROC_HAVE_GID);
	assert_int_equal(s.nspid, 1);
	assert_int_equal(s.uid, 1000);
	assert_int_equal(s.gid, 100);

	/* NSpid as the last line without a newline; nothing else */
	assert_int_equal(pm_proc_status_parse("Name:\tx\nNSpid:\t99\t5", &s), 0);
	assert_int_equal(s.have, PM_PROC_HAVE_NSPID);
	assert_int_equal(s.nspid, 5);

	/* none of the fields */
	assert_int_equal(pm_proc_status_parse("Name:\tx\n", &s), 0);
	assert_int_equal(s.have, 0);
	assert_int_equal(pm_proc_status_parse(NULL, &s), -EINVAL);
}

/* The signal masks and what stop makes of them (were pm_monitor_parse_sigmask's cases). */
static void test_status_sig(void **state)
{
	(void)state;
	/* sleep as PID 1: nothing caught; a shell: TERM caught (bit 15 -> 0x4000) */
	const char *sleep_st = "Name:\tsleep\nSigQ:\t0/1\nSigPnd:\t0000000000000000\n"
			       "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n"
			       "SigCgt:\t0000000000000000\n";
	const char *trap_st = "Name:\tsh\nSigBlk:\t0000000000000000\nSigIgn:\t0000000000000004\n"
			      "SigCgt:\t0000000000004002\n";
	const char *init_st = "Name:\tpm-init\nSigBlk:\tfffffffe7ffbfeff\n"
			      "SigIgn:\t0000000000000000\nSigCgt:\t0000000000000000\n";
	struct pm_proc_status s;
	bool caught, ignored;
	assert_int_equal(pm_proc_status_parse(sleep_st, &s), 0);
	assert_int_equal(pm_proc_status_sig(&s, SIGTERM, &caught, &ignored), 0);
	assert_false(caught);
	assert_false(ignored);
	assert_int_equal(pm_proc_status_parse(trap_st, &s), 0);
	assert_int_equal(s.sig_cgt, 0x4002);
	assert_int_equal(s.sig_ign, 4);
	assert_int_equal(pm_proc_status_sig(&s, SIGTERM, &caught, &ignored), 0);
	assert_true(caught);
	assert_int_equal(pm_proc_status_sig(&s, SIGINT, &caught, &ignored), 0);
	assert_true(caught);
	assert_int_equal(pm_proc_status_sig(&s, SIGQUIT, &caught, &ignored), 0);
	assert_false(caught);
	assert_true(ignored);
	/* blocked (a signalfd reaper): queued, so it counts as handled */
	assert_int_equal(pm_proc_status_parse(init_st, &s), 0);
	assert_int_equal(pm_proc_status_sig(&s, SIGTERM, &caught, &ignored), 0);
	assert_true(caught);
	assert_int_equal(pm_proc_status_parse("Name:\tx\n", &s), 0);
	assert_int_equal(pm_proc_status_sig(&s, SIGTERM, &caught, &ignored), -EINVAL);
	/* a garbled mask is not there */
	assert_int_equal(pm_proc_status_parse("Name:\tx\nSigCgt:\tzz\nSigIgn:\t0\n", &s), 0);
	assert_int_equal(s.have, PM_PROC_HAVE_SIGIGN);
}

static void test_cgroup_parse(void **state)
{
	(void)state;
	char *p = pm_proc_cgroup_parse("0::/user.slice/user-1000.slice/session-2.scope\n");
	assert_string_equal(p, "/user.slice/user-1000.slice/session-2.scope");
	free(p);
	/* hybrid: the v2 line after the v1 ones, no trailing newline */
	p = pm_proc_cgroup_parse("12:pids:/user.slice\n1:name=systemd:/user.slice\n0::/a b");
	assert_string_equal(p, "/a b");
	free(p);
	p = pm_proc_cgroup_parse("0::/\n");
	assert_string_equal(p, "/");
	free(p);
	assert_null(pm_proc_cgroup_parse("12:pids:/x\n"));
	assert_null(pm_proc_cgroup_parse(""));
	assert_null(pm_proc_cgroup_parse(NULL));
}

static void test_status_cgroup_live(void **state)
{
	(void)state;
	struct pm_proc_status s;
	assert_int_equal(pm_proc_status_read(getpid(), &s), 0);
	assert_true(s.have & PM_PROC_HAVE_UID);
	assert_int_equal(s.uid, getuid());
	assert_int_equal(s.gid, getgid());
	assert_true(s.have & PM_PROC_HAVE_SIGCGT);
	assert_int_equal(pm_proc_status_read(0, &s), -ESRCH);
	/* self and own pid agree (NULL on a v1-only host for both) */
	char *a = pm_proc_cgroup_read(0);
	char *b = pm_proc_cgroup_read(getpid());
	assert_true((a && b && !strcmp(a, b)) || (!a && !b));
	free(a);
	free(b);
}

/* /proc/self/cmdline holds argv[0] with its NUL; fd links name what the fd is, " (deleted)"
 * once the directory is gone. */
static void test_cmdline_fd_link(void **state)
{
	(void)state;
	extern char *program_invocation_name;
	size_t len = 0;
	char *argv = pm_proc_cmdline_read(getpid(), &len);
	assert_non_null(argv);
	assert_true(len > strlen(program_invocation_name));
	assert_string_equal(argv, program_invocation_name);
	assert_int_equal(argv[len - 1], '\0');
	assert_int_equal(argv[len], '\0');
	free(argv);
	assert_null(pm_proc_cmdline_read(0, &len));
	assert_null(pm_proc_cmdline_read(-1, NULL));

	char dir[] = "/tmp/pm-test-proc.XXXXXX";
	assert_non_null(mkdtemp(dir));
	int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(fd >= 0);
	char *link = pm_proc_fd_link(getpid(), fd);
	assert_string_equal(link, dir);
	free(link);
	assert_int_equal(rmdir(dir), 0);
	link = pm_proc_fd_link(getpid(), fd);
	char want[sizeof(dir) + 16];
	snprintf(want, sizeof(want), "%s (deleted)", dir);
	assert_string_equal(link, want);
	free(link);
	close(fd);
	assert_null(pm_proc_fd_link(getpid(), fd));
	assert_null(pm_proc_fd_link(getpid(), -1));
	assert_null(pm_proc_fd_link(0, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_rootless),
		cmocka_unit_test(test_live),
		cmocka_unit_test(test_pidfd),
		cmocka_unit_test(test_status_parse),
		cmocka_unit_test(test_status_sig),
		cmocka_unit_test(test_cgroup_parse),
		cmocka_unit_test(test_status_cgroup_live),
		cmocka_unit_test(test_cmdline_fd_link),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
