/* health.c: the monitor's periodic health checks (see health.h). libc only, never prints.
 * Called by monitor/detached.c and engine/monitor.c (set up), monitor/mon-io.c (events). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "monitor/health.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

void pm_mon_health_init(struct pm_mon_health *h)
{
	*h = (struct pm_mon_health){.timerfd = -1, .pidfd = -1};
}

static struct timespec ts_of(int64_t ns)
{
	return (struct timespec){.tv_sec = (time_t)(ns / 1000000000), .tv_nsec = ns % 1000000000};
}

int pm_mon_health_start(struct pm_mon_health *h)
{
	h->in_startup = h->startup_ns > 0 && h->startup_done;
	if ((h->interval_ns <= 0 && !h->in_startup) || !h->argv || !h->argv[0])
		return 0;
	h->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (h->timerfd < 0)
		return -errno;
	struct itimerspec its = {
		.it_value = ts_of(h->start_ns > 0 ? h->start_ns : h->interval_ns),
		.it_interval = ts_of(h->interval_ns),
	};
	if (h->in_startup)
		its = (struct itimerspec){ts_of(h->startup_ns), ts_of(h->startup_ns)};
	if (timerfd_settime(h->timerfd, 0, &its, NULL) < 0) {
		int e = errno;
		pm_mon_health_stop(h);
		return -e;
	}
	return 0;
}

static void spawn(struct pm_mon_health *h)
{
	pid_t pid = fork();
	if (pid == 0) {
		if (h->sigmask)
			sigprocmask(SIG_UNBLOCK, h->sigmask, NULL);
		signal(SIGPIPE, SIG_DFL);
		execv(h->argv[0], h->argv);
		_exit(127);
	}
	if (pid < 0)
		return;
	h->pid = pid;
	h->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (h->pidfd >= 0)
		fcntl(h->pidfd, F_SETFD, FD_CLOEXEC);
}

void pm_mon_health_event(struct pm_mon_health *h, int fd)
{
	if (fd < 0)
		return;
	if (fd == h->pidfd) {
		/* ended: reap it unless the relay's SIGCHLD handling did */
		siginfo_t info = {0};
		waitid((idtype_t)P_PIDFD, (id_t)h->pidfd, &info, WEXITED | WNOHANG);
		close(h->pidfd);
		h->pidfd = -1;
		h->pid = 0;
		if (h->in_startup && h->timerfd >= 0 && access(h->startup_done, F_OK) == 0) {
			/* the startup check passed: the health check at its own interval */
			h->in_startup = false;
			struct itimerspec its = {0};
			if (h->interval_ns > 0)
				its = (struct itimerspec){ts_of(h->interval_ns),
							  ts_of(h->interval_ns)};
			timerfd_settime(h->timerfd, 0, &its, NULL);
		}
		return;
	}
	if (fd != h->timerfd)
		return;
	uint64_t n;
	if (read(h->timerfd, &n, sizeof(n)) != sizeof(n))
		return;
	if (h->pidfd >= 0)
		return; /* the last one still runs: skip this turn */
	spawn(h);
}

void pm_mon_health_stop(struct pm_mon_health *h)
{
	if (h->timerfd >= 0)
		close(h->timerfd);
	h->timerfd = -1;
}
