/* rundir.c: the monitor's files in a container's run dir (see rundir.h). libc and lib/
 * only: pm-monitor links it statically. Never prints. Called by the monitors and by the
 * engine (engine/ctr-state.c, engine/run.c, engine/monitor.c). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "lib/fileutil.h"
#include "lib/proc.h"
#include "lib/strutil.h"
#include "monitor/rundir.h"

/* The start time of pid, a zombie's too: the init of a quick command (`run --rm IMG true`)
 * is often a zombie already when its monitor (its parent, which has not reaped it) writes
 * this file, and a start time of 0 would match whatever process reuses the pid. */
static unsigned long long start_of(pid_t pid)
{
	struct pm_proc_stat st;
	return pm_proc_stat_read(pid, &st) < 0 ? 0 : st.starttime;
}

void pm_mon_pids_of(pid_t mon, pid_t init, struct pm_mon_pids *ret)
{
	*ret = (struct pm_mon_pids){
		.mon = mon, .init = init, .mon_start = start_of(mon), .init_start = start_of(init)};
}

void pm_mon_write_pids(const char *rundir, pid_t mon, pid_t init)
{
	_cleanup_free_ char *path = pm_path_join(rundir, PM_MON_PIDS);
	char data[128];
	int n = snprintf(data, sizeof(data), "%d %llu %d %llu\n", (int)mon, start_of(mon),
			 (int)init, start_of(init));
	/* (the run dir is volatile: written again at every start, never synced) */
	pm_write_file_atomic_flags(path, data, (size_t)n, 0600, PM_WRITE_NOSYNC, NULL);
	_cleanup_free_ char *pidfile = pm_path_join(rundir, PM_MON_PIDFILE);
	n = snprintf(data, sizeof(data), "%d\n", (int)mon);
	pm_write_file_atomic_flags(pidfile, data, (size_t)n, 0644, PM_WRITE_NOSYNC, NULL);
}

int pm_mon_read_pids(const char *rundir, struct pm_mon_pids *ret)
{
	/* written whole by pm_mon_write_pids (under 128 bytes), read in one read(): a regular
	 * file's short read is its end (no fstat, no second read: every ps and stats reads one
	 * per running container) */
	_cleanup_free_ char *path = pm_path_join(rundir, PM_MON_PIDS);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -ENOENT;
	char data[128];
	ssize_t len;
	do
		len = read(fd, data, sizeof(data) - 1);
	while (len < 0 && errno == EINTR);
	if (len < 0)
		return -ENOENT;
	if ((size_t)len == sizeof(data) - 1)
		return -EINVAL; /* not what pm_mon_write_pids writes */
	data[len] = '\0';
	int mon, init;
	unsigned long long ms, is;
	if (sscanf(data, "%d %llu %d %llu", &mon, &ms, &init, &is) != 4)
		return -EINVAL;
	*ret = (struct pm_mon_pids){.mon = mon, .init = init, .mon_start = ms, .init_start = is};
	return 0;
}

static void write_exit(const char *rundir, int status, bool create)
{
	/* the clock read by hand: lib/timeutil.o would pull its formatters (and jansson) into
	 * the static pm-monitor */
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	char data[64];
	int n = snprintf(data, sizeof(data), "%d %" PRId64 "\n", status,
			 (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
	_cleanup_free_ char *path = pm_path_join(rundir, PM_MON_EXIT);
	if (create)
		pm_mkdir_p(rundir, 0700, NULL); /* a logout may have wiped the runroot */
	pm_write_file_atomic_flags(path, data, (size_t)n, 0600, PM_WRITE_NOSYNC, NULL);
}

void pm_mon_write_exit(const char *rundir, int status)
{
	write_exit(rundir, status, true);
}

void pm_mon_write_session_exit(const char *dir, int status)
{
	write_exit(dir, status, false);
}

int pm_mon_read_exit(const char *rundir, int *ret_status, int64_t *ret_finished_ns)
{
	_cleanup_free_ char *path = pm_path_join(rundir, PM_MON_EXIT);
	_cleanup_free_ char *data = NULL;
	int st;
	long long ns;
	if (pm_read_file(path, 256, &data, NULL, NULL) < 0 ||
	    sscanf(data, "%d %lld", &st, &ns) != 2)
		return -ENOENT;
	*ret_status = st;
	*ret_finished_ns = ns;
	return 0;
}

void pm_mon_mark_stopped(const char *rundir)
{
	_cleanup_free_ char *path = pm_path_join(rundir, PM_MON_STOPPED);
	pm_mkdir_p(rundir, 0700, NULL);
	pm_write_file_atomic_flags(path, "", 0, 0600, PM_WRITE_NOSYNC, NULL);
}

void pm_mon_mark_removing(const char *rundir)
{
	_cleanup_free_ char *path = pm_path_join(rundir, PM_MON_STOPPED);
	pm_mkdir_p(rundir, 0700, NULL);
	pm_write_file_atomic_flags(path, "rm\n", 3, 0600, PM_WRITE_NOSYNC, NULL);
}

bool pm_mon_removing(const char *rundir)
{
	_cleanup_free_ char *path = pm_path_join(rundir, PM_MON_STOPPED);
	char buf[4] = "";
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	return fd >= 0 && read(fd, buf, sizeof(buf) - 1) >= 2 && memcmp(buf, "rm", 2) == 0;
}

bool pm_mon_stopped(const char *rundir)
{
	_cleanup_free_ char *path = pm_path_join(rundir, PM_MON_STOPPED);
	return access(path, F_OK) == 0;
}

void pm_mon_clear_stopped(const char *rundir)
{
	pm_mon_unlink(rundir, PM_MON_STOPPED);
	pm_mon_unlink(rundir, PM_MON_KILLED);
}

void pm_mon_mark_killed(const char *rundir)
{
	_cleanup_free_ char *path = pm_path_join(rundir, PM_MON_KILLED);
	pm_mkdir_p(rundir, 0700, NULL);
	pm_write_file_atomic_flags(path, "", 0, 0600, PM_WRITE_NOSYNC, NULL);
}

bool pm_mon_no_restart(const char *rundir)
{
	_cleanup_free_ char *path = pm_path_join(rundir, PM_MON_KILLED);
	return pm_mon_stopped(rundir) || access(path, F_OK) == 0;
}

void pm_mon_unlink(const char *rundir, const char *name)
{
	_cleanup_free_ char *path = pm_path_join(rundir, name);
	unlink(path);
}

void pm_mon_attach_addr(int dirfd, struct sockaddr_un *ret)
{
	*ret = (struct sockaddr_un){.sun_family = AF_UNIX};
	snprintf(ret->sun_path, sizeof(ret->sun_path), "/proc/self/fd/%d/" PM_MON_ATTACH, dirfd);
}
