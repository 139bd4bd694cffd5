/* test-sync.c: unit tests for lib/sync: round trips, fd passing, PM_SYNC_ERROR across fork()
 * becoming a pm_error with errno and status, malformed datagrams, peer closing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/sync.h"

/* Same layout as the wire header in lib/sync.c; tests forge datagrams with it. */
struct hdr {
	uint32_t type;
	int32_t err;
	int32_t status;
	uint32_t len;
};

static int setup(void **state)
{
	int *sv = calloc(2, sizeof(int));
	if (!sv || pm_sync_pair(sv, NULL) < 0)
		return -1;
	*state = sv;
	return 0;
}

static int teardown(void **state)
{
	int *sv = *state;
	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	free(sv);
	return 0;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	assert_non_null(d);
	int n = 0;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static void test_pair(void **state)
{
	int *sv = *state;
	assert_true(fcntl(sv[0], F_GETFD) & FD_CLOEXEC);
	assert_true(fcntl(sv[1], F_GETFD) & FD_CLOEXEC);
	int type = 0;
	socklen_t l = sizeof(type);
	assert_int_equal(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &type, &l), 0);
	assert_int_equal(type, SOCK_SEQPACKET);
}

static void test_roundtrip(void **state)
{
	int *sv = *state;
	struct pm_sync_msg m;
	assert_int_equal(pm_sync_send(sv[0], PM_SYNC_PID, "1234", 4, NULL, 0), 0);
	assert_int_equal(pm_sync_recv(sv[1], &m), 0);
	assert_int_equal(m.type, PM_SYNC_PID);
	assert_int_equal(m.len, 4);
	assert_string_equal(m.payload, "1234");
	assert_int_equal(m.nfds, 0);

	/* empty payload */
	assert_int_equal(pm_sync_send(sv[1], PM_SYNC_READY, NULL, 0, NULL, 0), 0);
	assert_int_equal(pm_sync_recv(sv[0], &m), 0);
	assert_int_equal(m.type, PM_SYNC_READY);
	assert_int_equal(m.len, 0);
	assert_string_equal(m.payload, "");

	/* maximum payload, binary content */
	static char big[PM_SYNC_MAX_PAYLOAD];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7);
	assert_int_equal(pm_sync_send(sv[0], PM_SYNC_USER, big, sizeof(big), NULL, 0), 0);
	assert_int_equal(pm_sync_recv(sv[1], &m), 0);
	assert_int_equal(m.type, PM_SYNC_USER);
	assert_int_equal(m.len, PM_SYNC_MAX_PAYLOAD);
	assert_memory_equal(m.payload, big, sizeof(big));
	assert_int_equal(m.payload[PM_SYNC_MAX_PAYLOAD], 0);
}

static void test_send_limits(void **state)
{
	int *sv = *state;
	static char big[PM_SYNC_MAX_PAYLOAD + 1];
	assert_int_equal(pm_sync_send(sv[0], PM_SYNC_USER, big, sizeof(big), NULL, 0), -EMSGSIZE);
	int fds[PM_SYNC_MAX_FDS + 1];
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		fds[i] = 0;
	assert_int_equal(pm_sync_send(sv[0], PM_SYNC_USER, NULL, 0, fds, ARRAY_SIZE(fds)), -EINVAL);
	assert_int_equal(pm_sync_send(sv[0], PM_SYNC_USER, NULL, 0, NULL, 1), -EINVAL);
	assert_int_equal(pm_sync_send(-1, PM_SYNC_USER, NULL, 0, NULL, 0), -EBADF);
	struct pm_sync_msg m;
	assert_int_equal(pm_sync_recv(-1, &m), -EBADF);
}

static void test_fd_passing(void **state)
{
	int *sv = *state;
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	int fds[2] = {p[1], p[0]};
	assert_int_equal(pm_sync_send(sv[0], PM_SYNC_USER + 1, "fds", 3, fds, 2), 0);
	close(p[0]);
	close(p[1]);
	struct pm_sync_msg m;
	assert_int_equal(pm_sync_recv(sv[1], &m), 0);
	assert_int_equal(m.nfds, 2);
	assert_string_equal(m.payload, "fds");
	assert_true(fcntl(m.fds[0], F_GETFD) & FD_CLOEXEC); /* MSG_CMSG_CLOEXEC */
	assert_true(fcntl(m.fds[1], F_GETFD) & FD_CLOEXEC);
	assert_int_equal(m.fds[2], -1);
	/* the received write end feeds the received read end */
	assert_int_equal(write(m.fds[0], "ok", 2), 2);
	char buf[3] = {0};
	assert_int_equal(read(m.fds[1], buf, 2), 2);
	assert_string_equal(buf, "ok");
	close(m.fds[0]);
	close(m.fds[1]);
}

static void test_error_across_fork(void **state)
{
	int *sv = *state;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(sv[0]);
		int p[2];
		if (pipe2(p, O_CLOEXEC) < 0)
			_exit(1);
		if (write(p[1], "from child", 10) != 10)
			_exit(1);
		/* an ERROR carrying an fd as well: the receiver must close it */
		if (pm_sync_send(sv[1], PM_SYNC_ERROR, "x", 1, &p[0], 1) < 0)
			_exit(2);
		if (pm_sync_send_error(sv[1], ENOENT, PM_EXIT_NOT_FOUND,
				       "executable '%s' not found in $PATH", "nosuch") < 0)
			_exit(3);
		if (pm_sync_send(sv[1], PM_SYNC_USER, "fd", 2, &p[0], 1) < 0)
			_exit(4);
		_exit(0);
	}
	close(sv[1]);
	sv[1] = -1;
	int before = count_fds();

	/* 1: ERROR with an fd: expect() closes it */
	struct pm_sync_msg m;
	_cleanup_error_ pm_error *e1 = NULL;
	assert_int_equal(pm_sync_expect(sv[0], PM_SYNC_READY, &m, "starting", &e1), -EIO);
	assert_int_equal(count_fds(), before);
	assert_string_equal(e1->msg, "x");

	/* 2: ERROR with errno, status and message */
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_sync_expect(sv[0], PM_SYNC_READY, &m, "starting container", &err),
			 -ENOENT);
	assert_int_equal(err->code, ENOENT);
	assert_int_equal(pm_error_exit_status(err), 127);
	assert_string_equal(err->msg, "executable 'nosuch' not found in $PATH");
	assert_int_equal(m.type, PM_SYNC_ERROR);
	assert_int_equal(m.err, ENOENT);
	assert_int_equal(m.status, 127);

	/* 3: a payload with an fd, read from the child's pipe */
	_cleanup_error_ pm_error *e3 = NULL;
	assert_int_equal(pm_sync_expect(sv[0], PM_SYNC_USER, &m, "x", &e3), 0);
	assert_int_equal(m.nfds, 1);
	char buf[16] = {0};
	assert_int_equal(read(m.fds[0], buf, sizeof(buf) - 1), 10);
	assert_string_equal(buf, "from child");
	close(m.fds[0]);

	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	/* 4: the child is gone: EOF */
	_cleanup_error_ pm_error *e4 = NULL;
	assert_int_equal(pm_sync_expect(sv[0], PM_SYNC_READY, &m, "starting container 'web'", &e4),
			 -EPIPE);
	assert_string_equal(e4->msg,
			    "starting container 'web': process exited before reporting its status");
	assert_int_equal(pm_sync_recv(sv[0], &m), -EPIPE);
}

static void test_error_truncated_message(void **state)
{
	int *sv = *state;
	char longmsg[PM_SYNC_MAX_PAYLOAD + 100];
	memset(longmsg, 'a', sizeof(longmsg) - 1);
	longmsg[sizeof(longmsg) - 1] = 0;
	assert_int_equal(pm_sync_send_error(sv[0], 0, 0, "%s", longmsg), 0);
	struct pm_sync_msg m;
	assert_int_equal(pm_sync_recv(sv[1], &m), 0);
	assert_int_equal(m.type, PM_SYNC_ERROR);
	assert_int_equal(m.err, EIO); /* err <= 0 is sent as EIO */
	assert_int_equal(m.len, PM_SYNC_MAX_PAYLOAD);
	assert_int_equal(strlen(m.payload), PM_SYNC_MAX_PAYLOAD);
}

static void test_wrong_type(void **state)
{
	int *sv = *state;
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	int before = count_fds();
	assert_int_equal(pm_sync_send(sv[0], PM_SYNC_PID, "1", 1, &p[0], 1), 0);
	struct pm_sync_msg m;
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_sync_expect(sv[1], PM_SYNC_READY, &m, "waiting for init", &err),
			 -EBADMSG);
	assert_string_equal(err->msg, "waiting for init: unexpected message type 3 (wanted 2)");
	assert_int_equal(count_fds(), before); /* the received fd was closed */
	close(p[0]);
	close(p[1]);
}

static void send_raw(int fd, const void *data, size_t len)
{
	assert_int_equal(send(fd, data, len, MSG_NOSIGNAL), (ssize_t)len);
}

static void test_malformed(void **state)
{
	int *sv = *state;
	struct pm_sync_msg m;
	_cleanup_error_ pm_error *err = NULL;

	/* shorter than the header */
	send_raw(sv[0], "abc", 3);
	assert_int_equal(pm_sync_recv(sv[1], &m), -EBADMSG);

	/* len above the cap */
	struct hdr h = {.type = PM_SYNC_READY, .len = PM_SYNC_MAX_PAYLOAD + 1};
	send_raw(sv[0], &h, sizeof(h));
	assert_int_equal(pm_sync_recv(sv[1], &m), -EBADMSG);

	/* len says more than was sent */
	char buf[sizeof(h) + 5];
	h.len = 10;
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), "12345", 5);
	send_raw(sv[0], buf, sizeof(buf));
	assert_int_equal(pm_sync_recv(sv[1], &m), -EBADMSG);

	/* len says less than was sent */
	h.len = 2;
	memcpy(buf, &h, sizeof(h));
	send_raw(sv[0], buf, sizeof(buf));
	assert_int_equal(pm_sync_recv(sv[1], &m), -EBADMSG);

	/* a datagram larger than header + max payload + 1: truncated (MSG_TRUNC) */
	static char huge[sizeof(struct hdr) + PM_SYNC_MAX_PAYLOAD + 64];
	h.len = PM_SYNC_MAX_PAYLOAD;
	memcpy(huge, &h, sizeof(h));
	send_raw(sv[0], huge, sizeof(huge));
	assert_int_equal(pm_sync_recv(sv[1], &m), -EBADMSG);

	/* expect() reports it naming the step */
	send_raw(sv[0], "abc", 3);
	assert_int_equal(pm_sync_expect(sv[1], PM_SYNC_READY, &m, "setting up", &err), -EBADMSG);
	assert_string_equal(err->msg, "setting up: malformed message on the sync socket");

	/* the stream is still usable after bad datagrams */
	assert_int_equal(pm_sync_send(sv[0], PM_SYNC_READY, NULL, 0, NULL, 0), 0);
	assert_int_equal(pm_sync_recv(sv[1], &m), 0);
	assert_int_equal(m.type, PM_SYNC_READY);
}

/* A malformed datagram carrying fds: recv closes all of them. */
static void test_malformed_with_fds(void **state)
{
	int *sv = *state;
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	int before = count_fds();

	struct hdr h = {.type = PM_SYNC_READY, .len = 99}; /* lies about the length */
	int fds[2] = {p[0], p[1]};
	union {
		char buf[CMSG_SPACE(sizeof(fds))];
		struct cmsghdr align;
	} ctl;
	memset(&ctl, 0, sizeof(ctl));
	struct iovec iov = {.iov_base = &h, .iov_len = sizeof(h)};
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(c), fds, sizeof(fds));
	assert_int_equal(sendmsg(sv[0], &mh, MSG_NOSIGNAL), (ssize_t)sizeof(h));

	struct pm_sync_msg m;
	assert_int_equal(pm_sync_recv(sv[1], &m), -EBADMSG);
	assert_int_equal(m.nfds, 0);
	assert_int_equal(count_fds(), before);
	close(p[0]);
	close(p[1]);
}

/* More fds than PM_SYNC_MAX_FDS: the control data is truncated (MSG_CTRUNC); every fd that
 * did arrive is closed. */
static void test_too_many_fds(void **state)
{
	int *sv = *state;
	enum { N = PM_SYNC_MAX_FDS + 4 };
	int fds[N];
	for (int i = 0; i < N; i++)
		fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int before = count_fds();
	struct hdr h = {.type = PM_SYNC_READY, .len = 0};
	union {
		char buf[CMSG_SPACE(sizeof(fds))];
		struct cmsghdr align;
	} ctl;
	memset(&ctl, 0, sizeof(ctl));
	struct iovec iov = {.iov_base = &h, .iov_len = sizeof(h)};
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(c), fds, sizeof(fds));
	assert_int_equal(sendmsg(sv[0], &mh, MSG_NOSIGNAL), (ssize_t)sizeof(h));
	struct pm_sync_msg m;
	assert_int_equal(pm_sync_recv(sv[1], &m), -EBADMSG);
	assert_int_equal(count_fds(), before);
	for (int i = 0; i < N; i++)
		close(fds[i]);
}

static void test_peer_closed(void **state)
{
	int *sv = *state;
	/* messages queued before the close are still delivered, then EOF */
	assert_int_equal(pm_sync_send(sv[0], PM_SYNC_READY, NULL, 0, NULL, 0), 0);
	close(sv[0]);
	sv[0] = -1;
	struct pm_sync_msg m;
	assert_int_equal(pm_sync_recv(sv[1], &m), 0);
	assert_int_equal(m.type, PM_SYNC_READY);
	assert_int_equal(pm_sync_recv(sv[1], &m), -EPIPE);
	assert_int_equal(pm_sync_recv(sv[1], &m), -EPIPE);
	/* sending to a closed peer: -EPIPE, and no SIGPIPE kills us */
	assert_int_equal(pm_sync_send(sv[1], PM_SYNC_READY, NULL, 0, NULL, 0), -EPIPE);
	assert_int_equal(pm_sync_send_error(sv[1], EIO, 0, "x"), -EPIPE);
}

static void noop_handler(int sig)
{
}

static void test_recv_interrupted(void **state)
{
	/* A signal during a blocking recv (handler without SA_RESTART) is retried. */
	int *sv = *state;
	struct sigaction sa = {.sa_handler = noop_handler}, old;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;
	assert_int_equal(sigaction(SIGUSR1, &sa, &old), 0);
	pid_t parent = getpid();
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		usleep(100000);
		kill(parent, SIGUSR1);
		usleep(100000);
		pm_sync_send(sv[0], PM_SYNC_READY, "late", 4, NULL, 0);
		_exit(0);
	}
	struct pm_sync_msg m;
	assert_int_equal(pm_sync_recv(sv[1], &m), 0);
	assert_string_equal(m.payload, "late");
	int status;
	waitpid(pid, &status, 0);
	sigaction(SIGUSR1, &old, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pair, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_passing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_across_fork, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_truncated_message, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_type, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_with_fds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_many_fds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_closed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recv_interrupted, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
