/* test-pause-bin.c: unit tests for pm-pause (monitor/pm-pause.c), the pod infra's PID 1, run
 * as a program: beside pm (PM_TEST_BINARY, set by `make unit`), else ./pm-pause. SIGTERM and
 * SIGINT end it with status 0, other signals do not, a signal sent before it waits is not
 * lost; its resident size is a few pages; as the init of a new pid namespace (in a new user
 * namespace) it reaps the orphans that land on it and exits 0 on a SIGTERM sent from inside
 * the namespace. And the engine's lookup of the program (pm_pause_program). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/ctr-paths.h"
#include "lib/cleanup.h"
#include "lib/proc.h"
#include "lib/strutil.h"

/* the pm-pause under test, set by main() */
static char pause_path[PATH_MAX];
/* the pm-pause a test started and has not reaped: the teardown kills it (a failed test) */
static pid_t running;

/* A bounded wait for a state of another process (no timing is asserted: only what the
 * state is once reached); 10 s in steps of 1 ms. */
#define WAIT_STEPS   10000
#define WAIT_STEP_US 1000

/* Is pid (our child) running pm-pause and asleep: the only place it sleeps is
 * rt_sigtimedwait, with every signal blocked. */
static bool waiting(pid_t pid)
{
	struct pm_proc_stat s;
	return pm_proc_stat_read(pid, &s) == 0 && strcmp(s.comm, "pm-pause") == 0 && s.state == 'S';
}

static void wait_waiting(pid_t pid)
{
	for (int i = 0; i < WAIT_STEPS && !waiting(pid); i++)
		usleep(WAIT_STEP_US);
	assert_true(waiting(pid));
}

/* Start pm-pause as our child, its signal mask empty or (preblock) all blocked from the
 * fork on (the mask is blocked around the fork, so no signal can come first). */
static pid_t start_pause(bool preblock)
{
	sigset_t all, old;
	sigfillset(&all);
	assert_int_equal(sigprocmask(SIG_BLOCK, &all, &old), 0);
	pid_t pid = fork();
	if (pid == 0) {
		if (!preblock)
			sigprocmask(SIG_UNBLOCK, &all, NULL);
		execl(pause_path, "pm-pause", (char *)NULL);
		_exit(127);
	}
	assert_int_equal(sigprocmask(SIG_SETMASK, &old, NULL), 0);
	assert_true(pid > 0);
	running = pid;
	return pid;
}

static int end_running(void **state)
{
	if (running > 0) {
		kill(running, SIGKILL);
		waitpid(running, NULL, 0);
	}
	running = 0;
	return 0;
}

/* Has pid (our child) exited (or is it no child of ours)? Does not reap it. */
static bool exited(pid_t pid)
{
	siginfo_t si = {0};
	return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0 || si.si_pid == pid;
}

/* Wait up to the bound for pid (our child) to exit; reap it. Its status, or -1 when it is
 * still running after the bound (then killed and reaped). */
static int wait_exit(pid_t pid)
{
	for (int i = 0; i < WAIT_STEPS && !exited(pid); i++)
		usleep(WAIT_STEP_US);
	int status = 0;
	bool done = exited(pid);
	if (!done)
		kill(pid, SIGKILL);
	pid_t r = waitpid(pid, &status, 0);
	if (pid == running)
		running = 0;
	return r == pid && done ? status : -1;
}

/* The number after "KEY:" in /proc/PID/FILE, read in base; ~0 when there is none.
 * (lib/proc.h reads what pm needs; these are for the test only.) */
static unsigned long long proc_field(pid_t pid, const char *file, const char *key, int base)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char line[256];
	size_t n = strlen(key);
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, key, n) == 0 && line[n] == ':')
			return strtoull(line + n + 1, NULL, base);
	return ~0ULL;
}

/* The signals pending for the whole of pid (what kill(2) queues). */
static unsigned long long shared_pending(pid_t pid)
{
	return proc_field(pid, "status", "ShdPnd", 16);
}

/* pid (our child, sent SIGTERM or SIGINT) exits with status 0; killed if it goes on. */
static void assert_exit_zero(pid_t pid)
{
	int status = wait_exit(pid);
	if (status < 0)
		fail_msg("pm-pause still runs after SIGTERM or SIGINT");
	if (!WIFEXITED(status))
		fail_msg("pm-pause did not exit: status 0x%x (signal %d)", status,
			 WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* Signals other than SIGTERM, SIGINT and SIGCHLD are taken and ignored (SIGQUIT, SIGUSR1,
 * SIGALRM would end or dump a process that does not block them); then SIGTERM: status 0. */
static void test_ignores_then_term(void **state)
{
	pid_t pid = start_pause(false);
	wait_waiting(pid);

	/* a few pages: the one page of the program, its stack. VmRSS is the kernel's counter,
	 * which may lag behind (per-cpu parts); smaps_rollup's Rss counts the mapped pages. */
	unsigned long long vmrss = proc_field(pid, "status", "VmRSS", 10);
	unsigned long long vmsize = proc_field(pid, "status", "VmSize", 10);
	unsigned long long rss = proc_field(pid, "smaps_rollup", "Rss", 10);
	print_message("pm-pause: VmRSS %llu KiB, Rss (smaps_rollup) %llu KiB, VmSize %llu KiB\n",
		      vmrss, rss, vmsize);
	assert_true(vmrss <= 256);
	assert_true(rss > 0 && rss <= 256);

	const int ignored[] = {SIGHUP,	SIGQUIT, SIGUSR1,  SIGUSR2, SIGPIPE,
			       SIGALRM, SIGCONT, SIGWINCH, SIGRTMIN};
	for (size_t i = 0; i < ARRAY_SIZE(ignored); i++)
		assert_int_equal(kill(pid, ignored[i]), 0);
	/* taken (nothing pending) and back waiting, or gone */
	for (int i = 0; i < WAIT_STEPS && !exited(pid); i++) {
		if (shared_pending(pid) == 0 && waiting(pid))
			break;
		usleep(WAIT_STEP_US);
	}
	bool gone = exited(pid);
	bool taken = shared_pending(pid) == 0;
	if (gone || !taken) {
		int status = wait_exit(pid);
		fail_msg("pm-pause %s after ignored signals (status 0x%x)",
			 gone ? "exited" : "does not take signals", (unsigned)status);
	}

	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_exit_zero(pid);
}

static void test_int(void **state)
{
	pid_t pid = start_pause(false);
	wait_waiting(pid);
	assert_int_equal(kill(pid, SIGINT), 0);
	assert_exit_zero(pid);
}

/* Started with every signal blocked (a runtime may exec it so) and sent SIGTERM at once,
 * maybe before it waits: the signal stays pending and ends it all the same. */
static void test_term_before_wait(void **state)
{
	pid_t pid = start_pause(true);
	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_exit_zero(pid);
}

/* The children of ppid: every /proc entry whose parent it is (zombies too). */
static int count_children(pid_t ppid)
{
	_cleanup_closedir_ DIR *d = opendir("/proc");
	if (!d)
		return -1;
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		char *end = NULL;
		long pid = strtol(de->d_name, &end, 10);
		struct pm_proc_stat s;
		if (*end == '\0' && pid > 0 && pm_proc_stat_read((pid_t)pid, &s) == 0 &&
		    s.ppid == ppid)
			n++;
	}
	return n;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

#define ORPHANS 3

static int reap_steps(pid_t init);

/* The namespace part of test_reap_orphans, in a child of the test (it unshares): returns 0
 * when all went well, 77 when a pid namespace cannot be made here, else the number of the
 * step that failed (and the namespace killed: its init from outside takes SIGKILL). */
static int reap_in_namespace(void)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	if (unshare(CLONE_NEWUSER | CLONE_NEWPID) < 0)
		return 77;
	char m[64];
	(void)write_file("/proc/self/setgroups", "deny");
	snprintf(m, sizeof(m), "0 %u 1", (unsigned)uid);
	if (write_file("/proc/self/uid_map", m) < 0)
		return 77;
	snprintf(m, sizeof(m), "0 %u 1", (unsigned)gid);
	if (write_file("/proc/self/gid_map", m) < 0)
		return 77;

	/* our first child is the namespace's PID 1 */
	pid_t init = fork();
	if (init < 0)
		return 1;
	if (init == 0) {
		execl(pause_path, "pm-pause", (char *)NULL);
		_exit(127);
	}
	int step = reap_steps(init);
	if (step != 0) {
		kill(init, SIGKILL);
		waitpid(init, NULL, 0);
	}
	return step;
}

/* pid 1 of the namespace is init, our child */
static int reap_steps(pid_t init)
{
	for (int i = 0; i < WAIT_STEPS && !waiting(init); i++)
		usleep(WAIT_STEP_US);
	if (!waiting(init))
		return 2;

	/* a member that leaves ORPHANS children behind, blocked on a pipe we hold */
	int hold[2];
	if (pipe2(hold, O_CLOEXEC) < 0)
		return 3;
	pid_t member = fork();
	if (member < 0)
		return 4;
	if (member == 0) {
		close(hold[1]);
		for (int i = 0; i < ORPHANS; i++) {
			pid_t o = fork();
			if (o == 0) {
				char c;
				while (read(hold[0], &c, 1) < 0 && errno == EINTR)
					;
				_exit(0);
			}
		}
		_exit(0);
	}
	close(hold[0]);
	int status = 0;
	if (waitpid(member, &status, 0) != member || !WIFEXITED(status))
		return 5;
	/* the orphans are the init's now */
	if (count_children(init) != ORPHANS)
		return 6;
	/* they end together (one SIGCHLD may stand for several) and are reaped */
	close(hold[1]);
	int n = ORPHANS;
	for (int i = 0; i < WAIT_STEPS && (n = count_children(init)) != 0; i++)
		usleep(WAIT_STEP_US);
	if (n != 0)
		return 7;
	for (int i = 0; i < WAIT_STEPS && !waiting(init); i++)
		usleep(WAIT_STEP_US);
	if (!waiting(init))
		return 8;

	/* SIGTERM from inside the namespace (a member's kill(1, ...)) reaches it */
	pid_t killer = fork();
	if (killer < 0)
		return 9;
	if (killer == 0)
		_exit(kill(1, SIGTERM) == 0 ? 0 : 1);
	/* the end of PID 1 kills the namespace: the killer too, maybe before its _exit */
	if (waitpid(killer, &status, 0) != killer ||
	    !((WIFEXITED(status) && WEXITSTATUS(status) == 0) ||
	      (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)))
		return 10;
	status = wait_exit(init);
	if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		return 11;
	return 0;
}

static void test_reap_orphans(void **state)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(reap_in_namespace());
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		skip();
	static const char *const steps[] = {
		"",
		"fork of the init",
		"pm-pause as PID 1 never waits",
		"pipe",
		"fork of the member",
		"the member did not exit",
		"the orphans are not the init's children",
		"the orphans were not reaped",
		"pm-pause stopped waiting after reaping",
		"fork of the killer",
		"kill(1, SIGTERM) from inside failed",
		"pm-pause as PID 1 did not exit 0 on SIGTERM from inside",
	};
	int step = WEXITSTATUS(status);
	if (step != 0)
		fail_msg("step %d: %s", step,
			 step < (int)ARRAY_SIZE(steps) ? steps[step] : "unknown");
}

/* The engine's lookup: a path ending in /pm-pause, or an error naming the program. */
static void test_pause_program(void **state)
{
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_free_ char *p = pm_pause_program(&err);
	if (p) {
		assert_null(err);
		assert_true(strlen(p) > 9 && strcmp(p + strlen(p) - 9, "/pm-pause") == 0);
	} else {
		assert_non_null(err);
		assert_non_null(strstr(err->msg, "cannot find pm's helper program 'pm-pause'"));
	}
}

int main(void)
{
	const char *pm = getenv("PM_TEST_BINARY");
	if (pm && *pm) {
		const char *slash = strrchr(pm, '/');
		int dir = slash ? (int)(slash - pm) : 1;
		snprintf(pause_path, sizeof(pause_path), "%.*s/pm-pause", dir, slash ? pm : ".");
	} else {
		snprintf(pause_path, sizeof(pause_path), "./pm-pause");
	}
	const struct CMUnitTest program[] = {
		cmocka_unit_test(test_pause_program),
	};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_ignores_then_term, end_running),
		cmocka_unit_test_teardown(test_int, end_running),
		cmocka_unit_test_teardown(test_term_before_wait, end_running),
		cmocka_unit_test(test_reap_orphans),
	};
	int r = cmocka_run_group_tests(program, NULL, NULL);
	if (access(pause_path, X_OK) < 0) {
		/* make unit builds it beside pm: missing there is a failure, else not built */
		if (pm && *pm) {
			fprintf(stderr, "test-pause-bin: no pm-pause at '%s'\n", pause_path);
			return 1;
		}
		fprintf(stderr, "test-pause-bin: skipped: no '%s' (run make first)\n", pause_path);
		return r;
	}
	return r | cmocka_run_group_tests(tests, NULL, NULL);
}
