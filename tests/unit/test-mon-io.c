/* test-mon-io.c: the monitor's relay (monitor/mon-io.c) with a real child: its stdout and
 * stderr reach the k8s-file log and an attach client, stdin from the client reaches the
 * child, the exit status comes back (exit code and 128+signal), the client gets the exit
 * message, a signal given to the monitor is forwarded to the child; an exec session's:
 * a client's PM_ATTACH_SIGNAL reaches the child, the end of the container's init kills
 * it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "monitor/mon-io.h"
#include "lib/fileutil.h"

/* Start `sh -c script` with its stdio on pipes; fill io's fds and pid. */
static void spawn(struct pm_mon_io *io, const char *script)
{
	int o[2], e[2], i[2];
	assert_int_equal(pipe2(o, O_CLOEXEC), 0);
	assert_int_equal(pipe2(e, O_CLOEXEC), 0);
	assert_int_equal(pipe2(i, O_CLOEXEC), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		sigset_t all;
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		dup2(i[0], 0);
		dup2(o[1], 1);
		dup2(e[1], 2);
		execl("/bin/sh", "sh", "-c", script, (char *)NULL);
		_exit(127);
	}
	close(o[1]);
	close(e[1]);
	close(i[0]);
	io->pid = pid;
	io->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	assert_true(io->pidfd >= 0);
	io->out_r = o[0];
	io->err_r = e[0];
	io->in_w = i[1];
}

static char *tmpdir(void)
{
	char tmpl[] = "/tmp/pm-test-monio.XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	return strdup(tmpl);
}

static int connect_attach(const char *dir)
{
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/attach", dir);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

static void test_relay(void **state)
{
	char *dir = tmpdir();
	char *logpath = pm_path_join(dir, "ctr.log");
	struct pm_mon_io io;
	pm_mon_io_init(&io);
	sigset_t set, old;
	pm_mon_io_block_signals(&set, &old);
	io.sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	io.lfd = pm_mon_io_listen(dir);
	assert_true(io.lfd >= 0);
	assert_int_equal(pm_ctr_log_open(logpath, 0, &io.log, NULL), 0);
	/* the child waits for a line on stdin, echoes it, writes to stderr, exits 3 */
	spawn(&io, "read l; echo \"got $l\"; echo oops >&2; exit 3");
	int c = connect_attach(dir);
	char msg[] = {PM_ATTACH_STDIN, 'h', 'i', '\n'};
	assert_int_equal(send(c, msg, sizeof(msg), 0), (ssize_t)sizeof(msg));
	int status = pm_mon_io_relay(&io);
	assert_int_equal(status, 3);
	assert_int_equal(io.pidfd, -1);
	assert_int_equal(io.out_r, -1);
	pm_mon_io_notify_exit(&io, status);
	assert_int_equal(io.nclients, 0);
	/* the client saw the output, then the exit */
	char buf[256];
	bool saw_out = false, saw_exit = false;
	for (;;) {
		ssize_t n = recv(c, buf, sizeof(buf), 0);
		if (n <= 0)
			break;
		if (buf[0] == PM_ATTACH_STDOUT && n == 8 && !memcmp(buf + 1, "got hi\n", 7))
			saw_out = true;
		if (buf[0] == PM_ATTACH_EXIT && n == 5) {
			int32_t v;
			memcpy(&v, buf + 1, 4);
			assert_int_equal(v, 3);
			saw_exit = true;
		}
	}
	assert_true(saw_out);
	assert_true(saw_exit);
	close(c);
	assert_int_equal(pm_ctr_log_close(io.log, NULL), 0);
	char *text = NULL;
	assert_int_equal(pm_read_file(logpath, 1 << 16, &text, NULL, NULL), 0);
	assert_non_null(strstr(text, " stdout F got hi\n"));
	assert_non_null(strstr(text, " stderr F oops\n"));
	free(text);
	close(io.lfd);
	close(io.sigfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	char *cmd = NULL;
	assert_true(asprintf(&cmd, "rm -rf '%s'", dir) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(logpath);
	free(dir);
}

/* The primary client (pm run -it's terminal) gets every byte even when it reads slower
 * than the container writes; the container waits for it, as on a terminal. */
static void test_primary_client_loses_nothing(void **state)
{
	struct pm_mon_io io;
	pm_mon_io_init(&io);
	sigset_t set, old;
	pm_mon_io_block_signals(&set, &old);
	io.sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	int sv[2], res[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(pipe2(res, O_CLOEXEC), 0);
	const long total = 4 << 20; /* far more than a socket buffer holds */
	pid_t reader = fork();
	assert_true(reader >= 0);
	if (reader == 0) {
		close(sv[0]);
		usleep(300 * 1000); /* slow: the monitor's sends would fail with EAGAIN by now */
		long got = 0;
		char buf[65536];
		for (;;) {
			ssize_t n = recv(sv[1], buf, sizeof(buf), 0);
			if (n <= 0 || buf[0] == PM_ATTACH_EXIT)
				break;
			if (buf[0] == PM_ATTACH_STDOUT)
				got += n - 1;
		}
		(void)!write(res[1], &got, sizeof(got));
		_exit(0);
	}
	close(sv[1]);
	close(res[1]);
	spawn(&io, "head -c 4194304 /dev/zero");
	io.clients[io.nclients++] = sv[0];
	io.primary = sv[0];
	int status = pm_mon_io_relay(&io);
	assert_int_equal(status, 0);
	pm_mon_io_notify_exit(&io, status);
	long got = -1;
	assert_int_equal(read(res[0], &got, sizeof(got)), (ssize_t)sizeof(got));
	assert_int_equal(got, total);
	assert_int_equal(waitpid(reader, NULL, 0), reader);
	close(res[0]);
	close(io.sigfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static void test_signal_forwarded(void **state)
{
	struct pm_mon_io io;
	pm_mon_io_init(&io);
	sigset_t set, old;
	pm_mon_io_block_signals(&set, &old);
	io.sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	spawn(&io, "exec sleep 100");
	close(io.in_w);
	io.in_w = -1;
	/* SIGTERM to us (blocked, read through the signalfd) goes to the child */
	kill(getpid(), SIGTERM);
	int status = pm_mon_io_relay(&io);
	assert_int_equal(status, 128 + SIGTERM);
	close(io.sigfd);
	sigset_t pending;
	sigpending(&pending);
	assert_false(sigismember(&pending, SIGTERM));
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* An exec session's client sends its signals as PM_ATTACH_SIGNAL. */
static void test_client_signal(void **state)
{
	struct pm_mon_io io;
	pm_mon_io_init(&io);
	sigset_t set, old;
	pm_mon_io_block_signals(&set, &old);
	io.sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	spawn(&io, "exec sleep 100");
	io.clients[io.nclients++] = sv[0];
	char msg[5] = {PM_ATTACH_SIGNAL};
	int32_t sig = SIGUSR1;
	memcpy(msg + 1, &sig, 4);
	assert_int_equal(send(sv[1], msg, sizeof(msg), 0), (ssize_t)sizeof(msg));
	int status = pm_mon_io_relay(&io);
	assert_int_equal(status, 128 + SIGUSR1);
	pm_mon_io_notify_exit(&io, status);
	char buf[16];
	assert_int_equal(recv(sv[1], buf, sizeof(buf), 0), 5);
	assert_int_equal(buf[0], PM_ATTACH_EXIT);
	close(sv[1]);
	close(io.sigfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* An exec session's process is killed when the container's init (ctr_pidfd) exits. */
static void test_ctr_exit_kills(void **state)
{
	struct pm_mon_io io;
	pm_mon_io_init(&io);
	sigset_t set, old;
	pm_mon_io_block_signals(&set, &old);
	io.sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	pid_t init = fork();
	assert_true(init >= 0);
	if (init == 0) {
		usleep(100 * 1000);
		_exit(0);
	}
	io.ctr_pidfd = (int)syscall(SYS_pidfd_open, init, 0);
	assert_true(io.ctr_pidfd >= 0);
	spawn(&io, "exec sleep 100");
	int status = pm_mon_io_relay(&io);
	assert_int_equal(status, 128 + SIGKILL);
	assert_int_equal(io.ctr_pidfd, -1);
	waitpid(init, NULL, WNOHANG); /* the relay reaps it (SIGCHLD) */
	close(io.sigfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_relay),
		cmocka_unit_test(test_primary_client_loses_nothing),
		cmocka_unit_test(test_signal_forwarded),
		cmocka_unit_test(test_client_signal),
		cmocka_unit_test(test_ctr_exit_kills),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
