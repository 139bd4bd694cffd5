/* proc.c: /proc/PID/stat, read and parsed in one place (see proc.h). One open and one
 * read per call; no allocation. Called by rootless/ (the pause process), engine/ and
 * monitor/ (liveness of a container's processes) and the process table of `pm top`; the
 * pidfd helpers by engine/, monitor/, netslirp/ and rootless/. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <time.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/proc.h"

int pm_proc_stat_parse(const char *text, struct pm_proc_stat *ret)
{
	const char *l = text ? strchr(text, '(') : NULL;
	const char *r = text ? strrchr(text, ')') : NULL;
	if (!l || !r || r < l || r[1] != ' ' || !r[2])
		return -EINVAL;
	struct pm_proc_stat s = {0};
	size_t n = (size_t)(r - l - 1);
	if (n >= sizeof(s.comm))
		n = sizeof(s.comm) - 1;
	memcpy(s.comm, l + 1, n);
	s.state = r[2];

	/* fields 4..24, space separated after the state; strtoull takes the signed ones too
	 * (nice, tty_nr) and the casts below give their two's complement value back */
	const char *p = r + 3;
	unsigned long long v[25] = {0};
	for (int field = 4; field <= 24; field++) {
		if (*p != ' ')
			return -EINVAL;
		p++;
		char *end = NULL;
		errno = 0;
		v[field] = strtoull(p, &end, 10);
		if (errno || end == p)
			return -EINVAL;
		p = end;
	}
	s.ppid = (pid_t)(long long)v[4];
	s.pgrp = (pid_t)(long long)v[5];
	s.session = (pid_t)(long long)v[6];
	s.tty_nr = (int)(long long)v[7];
	s.utime = v[14];
	s.stime = v[15];
	s.nice = (long)(long long)v[19];
	s.num_threads = (long)v[20];
	s.starttime = v[22];
	s.vsize = v[23];
	s.rss = (long)(long long)v[24];
	*ret = s;
	return 0;
}

int pm_proc_stat_read(pid_t pid, struct pm_proc_stat *ret)
{
	if (pid <= 0)
		return -ESRCH;
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -ESRCH;
	ssize_t n;
	do
		n = read(fd, buf, sizeof(buf) - 1);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return -ESRCH; /* a process that went away between open and read */
	buf[n] = '\0';
	return pm_proc_stat_parse(buf, ret);
}

int pm_proc_starttime(pid_t pid, unsigned long long *ret)
{
	struct pm_proc_stat s;
	if (pm_proc_stat_read(pid, &s) < 0)
		return -ESRCH;
	if (s.state == 'Z' || s.state == 'X' || s.state == 'x')
		return -ESRCH; /* exited, not yet reaped */
	*ret = s.starttime;
	return 0;
}

bool pm_proc_alive(pid_t pid, unsigned long long start)
{
	unsigned long long s;
	if (pm_proc_starttime(pid, &s) < 0)
		return false;
	return start == 0 || s == start;
}

int pm_pidfd_open_verified(pid_t pid, unsigned long long start)
{
	if (pid <= 0)
		return -ESRCH;
	int fd = pidfd_open(pid, 0);
	if (fd < 0)
		return -errno;
	unsigned long long s;
	if (pm_proc_starttime(pid, &s) < 0 || s != start) {
		close(fd);
		return -ESRCH;
	}
	return fd;
}

static int64_t monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int pm_pidfd_wait(int fd, int timeout_ms)
{
	int64_t deadline = monotonic_ms() + timeout_ms;
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int64_t left = deadline - monotonic_ms();
		int n = poll(&p, 1, timeout_ms < 0 ? -1 : left > 0 ? (int)left : 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		return n > 0;
	}
}
