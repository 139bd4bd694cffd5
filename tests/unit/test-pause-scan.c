/* test-pause-scan.c: unit tests for rootless/pause-scan: the pure matchers (a monitor's
 * command line naming a container run dir of the runroot, a pause process' fd 3 link to the
 * runroot, deleted or not) and, live, the identity check and the /proc scan on children of
 * this test that pose as a committed pause process (comm "pm-pause", the runroot at fd 3),
 * an uncommitted one (a pipe at fd 3) and a monitor (a shell exec'd through a symlink named
 * pm-monitor, with --rundir in its command line). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/proc.h"
#include "rootless/pause-scan.h"

/* argv as /proc/PID/cmdline has it: each argument ended by a NUL; s holds them separated by
 * '|' */
static size_t mkargv(char *buf, size_t size, const char *s)
{
	size_t n = strlen(s);
	assert_true(n + 1 < size);
	memcpy(buf, s, n + 1);
	for (size_t i = 0; i < n; i++)
		if (buf[i] == '|')
			buf[i] = '\0';
	return n + 1;
}

static bool argv_matches(const char *s, const char *runroot)
{
	char buf[1024];
	size_t len = mkargv(buf, sizeof(buf), s);
	return pm_rootless_monitor_argv_matches(buf, len, runroot);
}

static void test_monitor_argv(void **state)
{
	(void)state;
	const char *rr = "/run/user/1000/pm";
	assert_true(argv_matches("pm-monitor|--id|abc|--rundir|/run/user/1000/pm/containers/abc|"
				 "--log|/x|--|/usr/bin/pm|--runroot|/run/user/1000/pm",
				 rr));
	assert_true(argv_matches("pm-monitor|--rundir|/run/user/1000/pm/containers/a", rr));
	/* another runroot, a prefix of ours or ours as a prefix of it */
	assert_false(argv_matches("pm-monitor|--rundir|/run/user/1001/pm/containers/abc", rr));
	assert_false(argv_matches("pm-monitor|--rundir|/run/user/1000/pm2/containers/abc", rr));
	assert_false(argv_matches("pm-monitor|--rundir|/run/user/1000/containers/abc", rr));
	/* not a container's dir: no id, a deeper path, another folder */
	assert_false(argv_matches("pm-monitor|--rundir|/run/user/1000/pm/containers/", rr));
	assert_false(argv_matches("pm-monitor|--rundir|/run/user/1000/pm/containers/a/b", rr));
	assert_false(argv_matches("pm-monitor|--rundir|/run/user/1000/pm/volumes/abc", rr));
	assert_false(argv_matches("pm-monitor|--rundir|/run/user/1000/pm", rr));
	/* --rundir without its value, after "--" (the exit command's), or as a value */
	assert_false(argv_matches("pm-monitor|--rundir", rr));
	assert_false(argv_matches("pm-monitor|--|x|--rundir|/run/user/1000/pm/containers/abc", rr));
	assert_false(argv_matches("pm-monitor|--log|--rundir=/run/user/1000/pm/containers/a", rr));
	/* the port relay and other commands */
	assert_false(argv_matches("pm-monitor|port-relay|--exit-fd|3", rr));
	assert_false(pm_rootless_monitor_argv_matches("", 0, rr));
	assert_false(pm_rootless_monitor_argv_matches(NULL, 0, rr));
	/* cut short: the value not NUL-ended within len */
	char buf[256];
	size_t len = mkargv(buf, sizeof(buf), "pm-monitor|--rundir|/run/user/1000/pm/containers/a");
	assert_false(pm_rootless_monitor_argv_matches(buf, len - 1, rr));
	assert_false(pm_rootless_monitor_argv_matches(buf, len, ""));
	assert_false(pm_rootless_monitor_argv_matches(buf, len, NULL));
}

static void test_pause_link(void **state)
{
	(void)state;
	const char *rr = "/run/user/1000/pm";
	assert_true(pm_rootless_pause_link_matches("/run/user/1000/pm", rr));
	assert_true(pm_rootless_pause_link_matches("/run/user/1000/pm (deleted)", rr));
	assert_false(pm_rootless_pause_link_matches("/run/user/1000/pm2", rr));
	assert_false(pm_rootless_pause_link_matches("/run/user/1000/pm/", rr));
	assert_false(pm_rootless_pause_link_matches("/run/user/1000/pm (deleted) ", rr));
	assert_false(pm_rootless_pause_link_matches("/run/user/1000", rr));
	assert_false(pm_rootless_pause_link_matches("socket:[12345]", rr));
	assert_false(pm_rootless_pause_link_matches("pipe:[12345]", rr));
	assert_false(pm_rootless_pause_link_matches(NULL, rr));
	assert_false(pm_rootless_pause_link_matches("/x", ""));
	assert_false(pm_rootless_pause_link_matches("/x", NULL));
}

/* ---- live: children posing as pm's processes ---------------------------------------------- */

struct child {
	pid_t pid;
	unsigned long long start;
	int hold; /* the write end of its stdin: closing it ends the child */
};

/* A child named comm whose fd 3 is fd3 (closed in the parent by the caller); waits for EOF
 * on stdin. */
static struct child pose(const char *comm, int fd3)
{
	int in[2], ready[2];
	assert_int_equal(pipe2(in, O_CLOEXEC), 0);
	assert_int_equal(pipe2(ready, O_CLOEXEC), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(in[1]);
		close(ready[0]);
		prctl(PR_SET_NAME, comm, 0, 0, 0);
		/* only fd 3 and these: the ends other children hold must not stay open here */
		int a = fcntl(fd3, F_DUPFD, 10), b = fcntl(in[0], F_DUPFD, 10);
		int w = fcntl(ready[1], F_DUPFD, 10);
		if (a < 0 || b < 0 || w < 0 || dup2(a, 3) < 0 || dup2(b, 4) < 0 || dup2(w, 5) < 0)
			_exit(1);
		close_range(6, ~0U, 0);
		(void)!write(5, "x", 1);
		char c;
		(void)!read(4, &c, 1);
		_exit(0);
	}
	close(in[0]);
	close(ready[1]);
	char c;
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	struct child ch = {.pid = pid, .hold = in[1]};
	assert_int_equal(pm_proc_starttime(pid, &ch.start), 0);
	return ch;
}

/* /bin/sh exec'd through a symlink named pm-monitor (its comm), "--rundir rundir" in its
 * command line; waits for EOF on stdin. */
static struct child pose_monitor(const char *rundir)
{
	char bindir[] = "/tmp/pm-test-scan-bin.XXXXXX";
	assert_non_null(mkdtemp(bindir));
	char link[PATH_MAX];
	snprintf(link, sizeof(link), "%s/pm-monitor", bindir);
	assert_int_equal(symlink("/bin/sh", link), 0);
	int in[2];
	assert_int_equal(pipe2(in, O_CLOEXEC), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(in[1]);
		dup2(in[0], 0);
		/* "; :" keeps the shell from exec'ing read away (it is a builtin anyway) */
		execl(link, "pm-monitor", "-c", "read x; :", "--rundir", rundir, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	struct child ch = {.pid = pid, .hold = in[1]};
	struct pm_proc_stat s;
	for (int i = 0; i < 2000; i++) {
		if (pm_proc_stat_read(pid, &s) == 0 && strcmp(s.comm, "pm-monitor") == 0)
			break;
		usleep(1000);
	}
	unlink(link);
	rmdir(bindir);
	assert_string_equal(s.comm, "pm-monitor");
	assert_int_equal(pm_proc_starttime(pid, &ch.start), 0);
	return ch;
}

static void end(struct child *ch)
{
	close(ch->hold);
	assert_int_equal(waitpid(ch->pid, NULL, 0), ch->pid);
}

static void test_verify_and_scan(void **state)
{
	(void)state;
	char runroot[] = "/tmp/pm-test-scan.XXXXXX";
	assert_non_null(mkdtemp(runroot));
	char rundir[PATH_MAX], other[PATH_MAX];
	snprintf(rundir, sizeof(rundir), "%s/containers/0123abc", runroot);
	snprintf(other, sizeof(other), "%s2", runroot);

	/* nothing of ours yet */
	struct pm_rootless_proc p, m;
	assert_int_equal(pm_rootless_scan(runroot, &p, &m), 0);
	assert_int_equal(p.pid, 0);
	assert_int_equal(m.pid, 0);

	/* oldest first: an uncommitted pause process (a pipe at fd 3), then a committed one */
	int pfd[2];
	assert_int_equal(pipe2(pfd, O_CLOEXEC), 0);
	struct child uncommitted = pose("pm-pause", pfd[0]);
	close(pfd[0]);
	close(pfd[1]);
	int rfd = open(runroot, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(rfd >= 0);
	struct child pause = pose("pm-pause", rfd);
	struct child notpause = pose("pm-pausex", rfd);
	close(rfd);
	struct child mon = pose_monitor(rundir);

	/* the identity check: name, start time, uid */
	assert_true(pm_rootless_pause_verify(pause.pid, pause.start));
	assert_true(pm_rootless_pause_verify(uncommitted.pid, uncommitted.start));
	assert_false(pm_rootless_pause_verify(pause.pid, pause.start + 1));
	assert_false(pm_rootless_pause_verify(notpause.pid, notpause.start));
	assert_false(pm_rootless_pause_verify(mon.pid, mon.start));
	unsigned long long self_start;
	assert_int_equal(pm_proc_starttime(getpid(), &self_start), 0);
	assert_false(pm_rootless_pause_verify(getpid(), self_start));
	assert_false(pm_rootless_pause_verify(0, 0));

	assert_int_equal(pm_rootless_scan(runroot, &p, &m), 0);
	assert_int_equal(p.pid, pause.pid);
	assert_true(p.start == pause.start);
	assert_int_equal(m.pid, mon.pid);
	assert_true(m.start == mon.start);

	/* another runroot: none of them */
	assert_int_equal(pm_rootless_scan(other, &p, &m), 0);
	assert_int_equal(p.pid, 0);
	assert_int_equal(m.pid, 0);

	/* the runroot wiped: fd 3 says "(deleted)", still ours */
	assert_int_equal(rmdir(runroot), 0);
	assert_int_equal(pm_rootless_scan(runroot, &p, &m), 0);
	assert_int_equal(p.pid, pause.pid);
	assert_int_equal(m.pid, mon.pid);

	/* gone: a zombie is nobody */
	close(pause.hold);
	close(mon.hold);
	for (int i = 0; i < 2000 && (pm_proc_alive(pause.pid, 0) || pm_proc_alive(mon.pid, 0)); i++)
		usleep(1000);
	assert_false(pm_rootless_pause_verify(pause.pid, pause.start));
	assert_int_equal(pm_rootless_scan(runroot, &p, &m), 0);
	assert_int_equal(p.pid, 0);
	assert_int_equal(m.pid, 0);
	assert_int_equal(waitpid(pause.pid, NULL, 0), pause.pid);
	assert_int_equal(waitpid(mon.pid, NULL, 0), mon.pid);

	end(&uncommitted);
	end(&notpause);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_monitor_argv),
		cmocka_unit_test(test_pause_link),
		cmocka_unit_test(test_verify_and_scan),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
