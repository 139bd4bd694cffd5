/* log-writer.c: the writer of the k8s-file container log (format and rotation: ctr-log.h).
 * Split from the reader so that pm-monitor, which links it statically, pulls in nothing
 * else: libc and lib/ only. Never prints. Called by the monitors (monitor/mon-io.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "monitor/log-writer.h"
#include "lib/strutil.h"

const char *const pm_log_stream_names[PM_LOG_NSTREAMS] = {
	[PM_LOG_STDOUT] = "stdout", [PM_LOG_STDERR] = "stderr"};

#define IOV_BATCH 96

struct pm_ctr_log {
	int fd;
	char *path;
	uint64_t max_size;
	uint64_t written;
};

static int open_log_fd(const char *path, int flags)
{
	return open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | flags, 0600);
}

int pm_ctr_log_open(const char *path, uint64_t max_size, pm_ctr_log **ret, pm_error **err)
{
	_cleanup_close_ int fd = open_log_fd(path, 0);
	if (fd < 0)
		return pm_error_set_errno(err, errno, "opening container log '%s'", path);
	struct stat st;
	if (fstat(fd, &st) < 0)
		return pm_error_set_errno(err, errno, "opening container log '%s'", path);
	tzset();
	pm_ctr_log *log = pm_xcalloc(1, sizeof(*log));
	log->fd = TAKE_FD(fd);
	log->path = pm_xstrdup(path);
	log->max_size = max_size;
	log->written = (uint64_t)st.st_size;
	*ret = log;
	return 0;
}

uint64_t pm_ctr_log_size(const pm_ctr_log *log)
{
	return log->written;
}

static int writev_all(int fd, struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t w = writev(fd, iov, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

/* conmon's reopen: a fresh empty file renamed over the path. */
static int rotate(pm_ctr_log *log, pm_error **err)
{
	_cleanup_free_ char *tmp = pm_xasprintf("%s.tmp", log->path);
	(void)fsync(log->fd);
	int fd = open_log_fd(tmp, O_TRUNC);
	if (fd < 0)
		return pm_error_set_errno(err, errno, "rotating container log '%s'", log->path);
	if (rename(tmp, log->path) < 0) {
		int r = errno;
		close(fd);
		unlink(tmp);
		return pm_error_set_errno(err, r, "rotating container log '%s'", log->path);
	}
	close(log->fd);
	log->fd = fd;
	log->written = 0;
	return 0;
}

int pm_ctr_log_write_at(pm_ctr_log *log, enum pm_log_stream stream, const void *buf, size_t len,
			const struct timespec *ts, pm_error **err)
{
	if ((unsigned)stream >= ARRAY_SIZE(pm_log_stream_names))
		return pm_error_set(err, EINVAL, "writing container log '%s': bad stream %d",
				    log->path, (int)stream);
	struct tm tm;
	time_t sec = ts->tv_sec;
	if (!localtime_r(&sec, &tm))
		return pm_error_set(err, EOVERFLOW, "writing container log '%s': bad time",
				    log->path);
	long off = tm.tm_gmtoff;
	char sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	/* Both headers: "<time> stdout F " and "<time> stdout P ". */
	char hdr[2][80];
	int hlen = snprintf(hdr[0], sizeof(hdr[0]),
			    "%d-%02d-%02dT%02d:%02d:%02d.%09ld%c%02ld:%02ld %s F ",
			    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			    tm.tm_sec, (long)ts->tv_nsec, sign, off / 3600, (off % 3600) / 60,
			    pm_log_stream_names[stream]);
	if (hlen < 4 || (size_t)hlen >= sizeof(hdr[0]))
		return pm_error_set(err, EOVERFLOW, "writing container log '%s': bad time",
				    log->path);
	size_t hl = (size_t)hlen;
	memcpy(hdr[1], hdr[0], hl + 1);
	hdr[1][hl - 2] = 'P';

	struct iovec iov[IOV_BATCH];
	int n = 0, r;
	const char *p = buf;
	size_t left = len;
	while (left > 0) {
		size_t piece = left < PM_CTR_LOG_LINE_MAX ? left : PM_CTR_LOG_LINE_MAX;
		const char *nl = memchr(p, '\n', piece);
		bool full = nl != NULL;
		if (full)
			piece = (size_t)(nl - p) + 1;
		uint64_t elen = hl + piece + (full ? 0 : 1);

		if (log->max_size > 0 && log->written > 0 && log->written + elen > log->max_size) {
			r = writev_all(log->fd, iov, n);
			n = 0;
			if (r < 0)
				return pm_error_set_errno(err, -r, "writing container log '%s'",
							  log->path);
			r = rotate(log, err);
			if (r < 0)
				return r;
		}
		if (n + 3 > IOV_BATCH) {
			r = writev_all(log->fd, iov, n);
			n = 0;
			if (r < 0)
				return pm_error_set_errno(err, -r, "writing container log '%s'",
							  log->path);
		}
		iov[n++] = (struct iovec){hdr[full ? 0 : 1], (size_t)hlen};
		iov[n++] = (struct iovec){(void *)p, piece};
		if (!full)
			iov[n++] = (struct iovec){(void *)"\n", 1};
		log->written += elen;
		p += piece;
		left -= piece;
	}
	r = writev_all(log->fd, iov, n);
	if (r < 0)
		return pm_error_set_errno(err, -r, "writing container log '%s'", log->path);
	return 0;
}

int pm_ctr_log_write(pm_ctr_log *log, enum pm_log_stream stream, const void *buf, size_t len,
		     pm_error **err)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
		ts = (struct timespec){0};
	return pm_ctr_log_write_at(log, stream, buf, len, &ts, err);
}

static int log_close(pm_ctr_log *log, bool sync, pm_error **err)
{
	int r = 0;
	if (!log)
		return 0;
	if (sync && fsync(log->fd) < 0 && errno != EINVAL && errno != EROFS)
		r = pm_error_set_errno(err, errno, "syncing container log '%s'", log->path);
	if (close(log->fd) < 0 && r == 0 && errno != EINTR)
		r = pm_error_set_errno(err, errno, "closing container log '%s'", log->path);
	free(log->path);
	free(log);
	return r;
}

int pm_ctr_log_close(pm_ctr_log *log, pm_error **err)
{
	return log_close(log, true, err);
}

int pm_ctr_log_close_nosync(pm_ctr_log *log, pm_error **err)
{
	return log_close(log, false, err);
}
