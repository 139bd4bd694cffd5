/* spawn.c: fork/exec a helper with its output captured, bounded in size and time (see
 * spawn.h). Used by engine/info.c (tool versions) and rootless/pause.c (newuidmap).
 * Never prints. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/spawn.h"
#include "lib/strutil.h"
#include "lib/timeutil.h"

/* The child: never returns. */
_Noreturn static void child(const char *path, char *const argv[], int in, int out, int err)
{
	if (in < 0)
		in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (in < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err < 0 ? out : err, 2) < 0)
		_exit(127);
	if (close_range(3, ~0U, 0) < 0)
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execv(path, argv);
	dprintf(2, "cannot execute '%s': %s", path, strerror(errno));
	_exit(127);
}

int pm_run_capture(const char *path, char *const argv[], size_t max_bytes, int timeout_ms,
		   char **ret_out, int *ret_status)
{
	return pm_run_capture_fds(path, argv, -1, -1, max_bytes, timeout_ms, ret_out, ret_status);
}

int pm_run_capture_fds(const char *path, char *const argv[], int in_fd, int err_fd,
		       size_t max_bytes, int timeout_ms, char **ret_out, int *ret_status)
{
	if (!path)
		path = argv[0];
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(p[0]);
		close(p[1]);
		return -e;
	}
	if (pid == 0)
		child(path, argv, in_fd, p[1], err_fd);
	close(p[1]);
	_cleanup_close_ int fd = p[0];

	_cleanup_free_ char *buf = pm_xmalloc(max_bytes + 1);
	size_t n = 0;
	bool timed_out = false;
	int64_t deadline =
		timeout_ms > 0 ? pm_time_clock_ns(CLOCK_MONOTONIC) + (int64_t)timeout_ms * 1000000LL
			       : 0;
	for (;;) {
		int wait_ms = -1;
		if (deadline) {
			int64_t left = deadline - pm_time_clock_ns(CLOCK_MONOTONIC);
			if (left <= 0) {
				timed_out = true;
				break;
			}
			wait_ms = (int)((left + 999999) / 1000000);
		}
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		int pr = poll(&pfd, 1, wait_ms);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr < 0)
			break;
		if (pr == 0)
			continue; /* the deadline check above ends it */
		char tmp[4096];
		ssize_t r = read(fd, tmp, sizeof(tmp));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		size_t take = (size_t)r < max_bytes - n ? (size_t)r : max_bytes - n;
		memcpy(buf + n, tmp, take);
		n += take;
	}
	buf[n] = '\0';
	if (timed_out)
		kill(pid, SIGKILL);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (ret_out)
		*ret_out = TAKE_PTR(buf);
	if (ret_status)
		*ret_status = status;
	return timed_out ? -ETIMEDOUT : 0;
}
