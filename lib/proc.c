/* proc.c: /proc/PID/stat, read and parsed in one place (see proc.h). One open and one
 * read per call; no allocation. Called by rootless/ (the pause process), engine/ and
 * monitor/ (liveness of a container's processes) and the process table of `pm top`; the
 * pidfd helpers by engine/, monitor/, netslirp/ and rootless/; status and cgroup by engine/
 * (stop, top, pause, doctor), systemd/ and runtime/ (limits); cmdline and fd links by
 * rootless/ (finding pm's own pause and monitor processes). libc only. */
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

int pm_proc_boot_id(char ret[37])
{
	static char cached[37];
	if (!cached[0]) {
		int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		char buf[64];
		ssize_t n = read(fd, buf, sizeof(buf));
		close(fd);
		if (n < 36)
			return -EIO;
		memcpy(cached, buf, 36);
		cached[36] = 0;
	}
	memcpy(ret, cached, 37);
	return 0;
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

/* The whole of a /proc file (at most 64 KiB: status, cmdline and cgroup are far smaller, a
 * longer cmdline is cut), malloc'd and NUL-terminated, its length (without the NUL) in
 * *ret_len (may be NULL: the text is read as a string); NULL when it cannot be read. */
static char *read_proc_file_len(const char *path, size_t *ret_len)
{
	enum { MAX = 65536 };
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	char *buf = malloc(MAX);
	if (!buf)
		return NULL;
	size_t len = 0;
	while (len < MAX - 1) {
		ssize_t n = read(fd, buf + len, MAX - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	if (ret_len)
		*ret_len = len;
	return buf;
}

static char *read_proc_file(const char *path)
{
	return read_proc_file_len(path, NULL);
}

static bool status_mask(const char *text, const char *key, unsigned long long *ret)
{
	const char *p = strstr(text, key);
	if (!p)
		return false;
	p += strlen(key);
	while (*p == ' ' || *p == '\t')
		p++;
	char *end = NULL;
	errno = 0;
	unsigned long long v = strtoull(p, &end, 16);
	if (errno || end == p)
		return false;
	*ret = v;
	return true;
}

int pm_proc_status_parse(const char *text, struct pm_proc_status *ret)
{
	if (!text)
		return -EINVAL;
	struct pm_proc_status s = {0};
	if (status_mask(text, "\nSigCgt:", &s.sig_cgt))
		s.have |= PM_PROC_HAVE_SIGCGT;
	if (status_mask(text, "\nSigIgn:", &s.sig_ign))
		s.have |= PM_PROC_HAVE_SIGIGN;
	if (status_mask(text, "\nSigBlk:", &s.sig_blk))
		s.have |= PM_PROC_HAVE_SIGBLK;
	const char *line = strstr(text, "\nNSpid:");
	if (line) {
		/* the last field: the pid in the innermost namespace */
		const char *eol = strchr(line + 1, '\n');
		if (!eol)
			eol = line + strlen(line);
		const char *last = NULL;
		for (const char *p = line + 1; p < eol; p++)
			if (*p == '\t')
				last = p;
		if (last) {
			s.nspid = strtol(last + 1, NULL, 10);
			s.have |= PM_PROC_HAVE_NSPID;
		}
	}
	line = strstr(text, "\nUid:");
	if (line) {
		s.uid = (unsigned)strtoul(line + 5, NULL, 10);
		s.have |= PM_PROC_HAVE_UID;
	}
	line = strstr(text, "\nGid:");
	if (line) {
		s.gid = (unsigned)strtoul(line + 5, NULL, 10);
		s.have |= PM_PROC_HAVE_GID;
	}
	*ret = s;
	return 0;
}

int pm_proc_status_read(pid_t pid, struct pm_proc_status *ret)
{
	if (pid <= 0)
		return -ESRCH;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	_cleanup_free_ char *text = read_proc_file(path);
	if (!text)
		return -ESRCH;
	return pm_proc_status_parse(text, ret);
}

static bool has_sig(unsigned long long mask, int sig)
{
	return sig >= 1 && sig <= 64 && (mask & (1ULL << (sig - 1)));
}

int pm_proc_status_sig(const struct pm_proc_status *s, int sig, bool *ret_caught, bool *ret_ignored)
{
	if (!(s->have & PM_PROC_HAVE_SIGCGT) || !(s->have & PM_PROC_HAVE_SIGIGN))
		return -EINVAL;
	bool blk = (s->have & PM_PROC_HAVE_SIGBLK) && has_sig(s->sig_blk, sig);
	*ret_caught = has_sig(s->sig_cgt, sig) || blk;
	*ret_ignored = has_sig(s->sig_ign, sig) && !blk;
	return 0;
}

char *pm_proc_cgroup_parse(const char *text)
{
	for (const char *line = text; line && *line;) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		if (len >= 3 && !strncmp(line, "0::", 3))
			return strndup(line + 3, len - 3);
		line = eol ? eol + 1 : line + len;
	}
	return NULL;
}

char *pm_proc_cgroup_read(pid_t pid)
{
	char path[64];
	if (pid > 0)
		snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/cgroup");
	_cleanup_free_ char *text = read_proc_file(path);
	return pm_proc_cgroup_parse(text);
}

/* ---- /proc/PID/cmdline, /proc/PID/fd/N ------------------------------------------------------ */

char *pm_proc_cmdline_read(pid_t pid, size_t *ret_len)
{
	if (pid <= 0)
		return NULL;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	return read_proc_file_len(path, ret_len);
}

char *pm_proc_fd_link(pid_t pid, int fd)
{
	if (pid <= 0 || fd < 0)
		return NULL;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, fd);
	/* PATH_MAX, and a little for " (deleted)": a longer target is refused, not cut */
	enum { MAX = 4096 + 16 };
	char *buf = malloc(MAX);
	if (!buf)
		return NULL;
	ssize_t n = readlink(path, buf, MAX);
	if (n < 0 || n >= MAX) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

int pm_proc_ns_open(pid_t pid, const char *ns)
{
	if (pid <= 0 || !ns || strlen(ns) > 32)
		return -EINVAL;
	char path[96];
	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ns);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

unsigned long long pm_proc_ns_inode(pid_t pid, const char *ns)
{
	if (pid <= 0 || !ns || strlen(ns) > 32)
		return 0;
	char path[96], buf[128];
	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ns);
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	const char *open = strchr(buf, '[');
	unsigned long long ino = 0;
	if (!open || sscanf(open, "[%llu]", &ino) != 1)
		return 0;
	return ino;
}
