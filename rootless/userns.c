/* userns.c: joining pm's rootless user + mount namespace, held by the pause process whose
 * "PID STARTTIME" is in <runroot>/pause.pid; finding or creating it (rootless/pause.c)
 * under an exclusive flock on <runroot>/pause.lock when the file is missing or stale; ending
 * it (pm system migrate).
 *
 * The fast path reads the pid file and checks that it names a live pause process of ours
 * (comm "pm-pause", our uid, the start time: rootless/pause-scan.c): no lock, no scan.
 * Anything else in the file (garbage, a huge file, a directory, a FIFO, a dead pid, a live
 * process that is not our pause process) is stale and replaced under the lock, in this
 * order: (a) our old pause process, found by a scan of /proc (its fd 3 is the runroot:
 * $XDG_RUNTIME_DIR was wiped under it), is adopted; (b) a live pm-monitor of this runroot
 * proves that the old namespaces still exist (the pause process was killed while containers
 * run): a new pause process joins them, so that exec into those containers still works;
 * (c) a new pause process with new namespaces. The pid file is written before the new pause
 * process is told to live on (commit), so a pm killed in between leaves no pause process
 * nobody knows.
 *
 * Joining is setns(user) then setns(mnt): pm is single-threaded, which setns(CLONE_NEWUSER)
 * requires. Must not print. Called by cli/ (pm_cli_enter_userns, pm unshare, pm system
 * migrate) and by any module that needs to know whether pm runs rootless. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/crashpoint.h"
#include "lib/fileutil.h"
#include "lib/log.h"
#include "lib/proc.h"
#include "lib/strutil.h"
#include "rootless/pause-scan.h"
#include "rootless/pause.h"
#include "rootless/userns.h"

#define PAUSE_PID_FILE	"pause.pid"
#define PAUSE_LOCK_FILE "pause.lock"

/* ---- pure parsers ------------------------------------------------------------------------ */

static int parse_ull(const char *s, const char **end, unsigned long long *ret)
{
	if (*s < '0' || *s > '9')
		return -EINVAL;
	unsigned long long v = 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (v > (~0ULL - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*end = s;
	*ret = v;
	return 0;
}

int pm_rootless_parse_pause_file(const char *s, pid_t *ret_pid, unsigned long long *ret_start)
{
	unsigned long long pid, start;
	const char *end;
	if (!s || parse_ull(s, &end, &pid) < 0 || pid == 0 || pid > INT32_MAX || *end != ' ')
		return -EINVAL;
	if (parse_ull(end + 1, &end, &start) < 0)
		return -EINVAL;
	if (*end == '\n')
		end++;
	if (*end != '\0')
		return -EINVAL;
	*ret_pid = (pid_t)pid;
	*ret_start = start;
	return 0;
}

/* ---- where we are ------------------------------------------------------------------------ */

/* The initial user namespace maps all 2^32 - 1 ids onto themselves (lib/paths.c checks). */
static bool in_initial_userns(void)
{
	return pm_paths_in_initial_userns();
}

bool pm_rootless_in_userns(void)
{
	const char *v = getenv(PM_ROOTLESS_ENV_CONFIGURED);
	return v && strcmp(v, "1") == 0 && !in_initial_userns();
}

bool pm_rootless_is_rootless(void)
{
	/* As lib/paths.c: only uid 0 of the initial user namespace is real root. */
	return geteuid() != 0 || !in_initial_userns();
}

/* ---- the pid file ------------------------------------------------------------------------ */

/* The text of the pid file, which must be a small regular file (no symlink, no FIFO that
 * would block the read, no directory): 0; -ENOENT when there is none; -EFBIG, -EBADF (not a
 * regular file) or another -errno. */
static int read_pid_file(const char *pidfile, char *buf, size_t size)
{
	_cleanup_close_ int fd =
		open(pidfile, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EBADF;
	ssize_t n = pm_read_small_fd(fd, buf, size);
	return n < 0 ? (int)n : 0;
}

/* 1: the pid file names a live pause process of ours (pid and start set); 0: no pid file;
 * -ESTALE: anything else (unreadable, too big, not a regular file, malformed, a dead or
 * reused pid, a live process that is no pause process of ours). Never another error: a
 * stale file is replaced under the lock, it must not make every command fail. */
static int check_pause(const char *pidfile, pid_t *ret_pid, unsigned long long *ret_start)
{
	char buf[64];
	int r = read_pid_file(pidfile, buf, sizeof(buf));
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		pm_log_debug("pause pid file '%s' cannot be read (%s): treating it as stale",
			     pidfile, r == -EBADF ? "not a regular file" : strerror(-r));
		return -ESTALE;
	}
	pid_t pid;
	unsigned long long start;
	if (pm_rootless_parse_pause_file(buf, &pid, &start) < 0) {
		pm_log_debug("pause pid file '%s' is malformed: treating it as stale", pidfile);
		return -ESTALE;
	}
	if (!pm_rootless_pause_verify(pid, start)) {
		pm_log_debug("'%s' names %d, which is no pause process of ours: treating the file "
			     "as stale",
			     pidfile, (int)pid);
		return -ESTALE;
	}
	*ret_pid = pid;
	*ret_start = start;
	return 1;
}

/* Remove a stale pid file, whatever it is (a directory too). With the lock held. */
static int remove_stale(const char *pidfile, pm_error **err)
{
	if (unlink(pidfile) == 0 || errno == ENOENT)
		return 0;
	if (errno == EISDIR || errno == EPERM)
		return pm_rm_rf(pidfile, err);
	return pm_error_set_errno(err, errno, "cannot remove the stale '%s'", pidfile);
}

static int open_ns(pid_t pid, const char *ns, pm_error **err)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ns);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	if (errno == ENOENT || errno == ESRCH)
		return -ESRCH; /* gone meanwhile: the caller starts over, err untouched */
	return pm_error_set_errno(err, errno, "cannot open '%s'", path);
}

/* Join the namespaces of pause process pid. -ESRCH (err untouched) when it went away. */
static int join(pid_t pid, unsigned long long start, pm_error **err)
{
	_cleanup_close_ int userfd = open_ns(pid, "user", err);
	if (userfd < 0)
		return userfd;
	_cleanup_close_ int mntfd = open_ns(pid, "mnt", err);
	if (mntfd < 0)
		return mntfd;
	/* The fds pin the namespaces; make sure they are those of the process the file names. */
	unsigned long long now;
	if (pm_proc_starttime(pid, &now) < 0 || now != start)
		return -ESRCH;

	_cleanup_free_ char *cwd = getcwd(NULL, 0);
	char uid[16], gid[16];
	snprintf(uid, sizeof(uid), "%u", (unsigned)getuid());
	snprintf(gid, sizeof(gid), "%u", (unsigned)getgid());

	if (setns(userfd, CLONE_NEWUSER) < 0)
		return pm_error_set_errno(err, errno,
					  "cannot join the user namespace of the pause process %d",
					  (int)pid);
	if (setns(mntfd, CLONE_NEWNS) < 0)
		return pm_error_set_errno(err, errno,
					  "cannot join the mount namespace of the pause process %d",
					  (int)pid);
	setenv(PM_ROOTLESS_ENV_CONFIGURED, "1", 1);
	setenv(PM_ROOTLESS_ENV_UID, uid, 1);
	setenv(PM_ROOTLESS_ENV_GID, gid, 1);
	/* setns(CLONE_NEWNS) moved us to the namespace's root. */
	if (cwd && chdir(cwd) < 0)
		return pm_error_set_errno(err, errno,
					  "cannot change to the working directory '%s' in the user "
					  "namespace",
					  cwd);
	pm_log_debug("joined the user namespace of pause process %d", (int)pid);
	return 0;
}

static int write_pid_file(const char *pidfile, pid_t pid, unsigned long long start, pm_error **err)
{
	char buf[64];
	int len = snprintf(buf, sizeof(buf), "%d %llu\n", (int)pid, start);
	return pm_write_file_atomic(pidfile, buf, (size_t)len, 0600, err);
}

/* Open the user and mount namespaces of monitor m (pinned by the fds, checked to be those of
 * the process the scan found, and not our own user namespace). 0, or -ESRCH. */
static int open_monitor_ns(const struct pm_rootless_proc *m, int *ret_user, int *ret_mnt)
{
	_cleanup_close_ int userfd = open_ns(m->pid, "user", NULL);
	if (userfd < 0)
		return -ESRCH;
	_cleanup_close_ int mntfd = open_ns(m->pid, "mnt", NULL);
	if (mntfd < 0)
		return -ESRCH;
	unsigned long long now;
	struct stat theirs, own;
	if (pm_proc_starttime(m->pid, &now) < 0 || now != m->start)
		return -ESRCH;
	if (fstat(userfd, &theirs) < 0 || stat("/proc/self/ns/user", &own) < 0 ||
	    (theirs.st_dev == own.st_dev && theirs.st_ino == own.st_ino))
		return -ESRCH;
	*ret_user = TAKE_FD(userfd);
	*ret_mnt = TAKE_FD(mntfd);
	return 0;
}

/* With the lock held and no valid pid file: adopt our old pause process, else start one in
 * the namespaces of a live monitor, else one in new namespaces; write the pid file. */
static int find_or_create(const struct pm_paths *p, const char *pidfile, pid_t *ret_pid,
			  unsigned long long *ret_start, pm_error **err)
{
	struct pm_rootless_proc old = {0}, mon = {0};
	int r = pm_rootless_scan(p->runroot, &old, &mon);
	if (r < 0)
		pm_log_debug("cannot list /proc (%s): starting a new pause process", strerror(-r));
	if (old.pid > 0) {
		pm_log_debug("adopting the pause process %d of '%s'", (int)old.pid, p->runroot);
		if ((r = write_pid_file(pidfile, old.pid, old.start, err)) < 0)
			return r;
		*ret_pid = old.pid;
		*ret_start = old.start;
		return 0;
	}

	_cleanup_close_ int rootfd = open(p->runroot, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return pm_error_set_errno(err, errno, "cannot open '%s'", p->runroot);
	struct pm_rootless_pause np = {.sock = -1};
	r = -ESRCH;
	if (mon.pid > 0) {
		_cleanup_close_ int userfd = -1, mntfd = -1;
		if (open_monitor_ns(&mon, &userfd, &mntfd) == 0) {
			_cleanup_error_ pm_error *e = NULL;
			r = pm_rootless_pause_create(rootfd, userfd, mntfd, &np, &e);
			if (r < 0)
				pm_log_debug("monitor %d: %s: starting new namespaces",
					     (int)mon.pid, e ? e->msg : "failed");
		}
	}
	if (r < 0 && (r = pm_rootless_pause_create(rootfd, -1, -1, &np, err)) < 0)
		return r;
	pm_crash_point("pause-created");
	if ((r = write_pid_file(pidfile, np.pid, np.start, err)) < 0) {
		pm_rootless_pause_abort(&np);
		return r;
	}
	pm_crash_point("pause-before-commit");
	if ((r = pm_rootless_pause_commit(&np, err)) < 0) {
		pm_rootless_pause_abort(&np);
		unlink(pidfile);
		return r;
	}
	*ret_pid = np.pid;
	*ret_start = np.start;
	return 0;
}

int pm_rootless_enter(const struct pm_paths *p, pm_error **err)
{
	if (pm_rootless_in_userns())
		return 0;
	/* Inherited from a process inside, but we are not: ignore it. */
	unsetenv(PM_ROOTLESS_ENV_CONFIGURED);
	/* Real root needs no namespace; uid 0 of some other user namespace (unshare -r) cannot
	 * map subordinate ids there and works with the single id it has. */
	if (geteuid() == 0)
		return 0;

	_cleanup_free_ char *pidfile = pm_path_join(p->runroot, PAUSE_PID_FILE);
	_cleanup_free_ char *lockfile = pm_path_join(p->runroot, PAUSE_LOCK_FILE);
	pid_t pid = 0;
	unsigned long long start = 0;

	/* Fast path: a live pause process, no lock, no scan. */
	int r = check_pause(pidfile, &pid, &start);
	if (r > 0) {
		r = join(pid, start, err);
		if (r != -ESRCH)
			return r;
	}

	if ((r = pm_mkdir_p(p->runroot, 0700, err)) < 0)
		return r;
	_cleanup_close_ int lock = pm_lock_path(lockfile, LOCK_EX, err);
	if (lock < 0)
		return lock;
	/* Another pm may have made it while we waited for the lock. */
	r = check_pause(pidfile, &pid, &start);
	if (r <= 0) {
		if (r == -ESTALE && (r = remove_stale(pidfile, err)) < 0)
			return r;
		if ((r = find_or_create(p, pidfile, &pid, &start, err)) < 0)
			return r;
	}
	r = join(pid, start, err);
	if (r == -ESRCH)
		return pm_error_set(err, ESRCH,
				    "the pause process %d exited before pm could join it",
				    (int)pid);
	return r;
}

int pm_rootless_pause_pid(const struct pm_paths *p, pid_t *ret, pm_error **err)
{
	_cleanup_free_ char *pidfile = pm_path_join(p->runroot, PAUSE_PID_FILE);
	_cleanup_free_ char *lockfile = pm_path_join(p->runroot, PAUSE_LOCK_FILE);
	pid_t pid = 0;
	unsigned long long start;

	*ret = 0;
	int r = check_pause(pidfile, &pid, &start);
	if (r >= 0) {
		*ret = r > 0 ? pid : 0;
		return 0;
	}

	/* Remove the stale file under the lock, so we never remove one just written. */
	_cleanup_close_ int lock = pm_lock_path(lockfile, LOCK_EX, err);
	if (lock < 0)
		return lock;
	r = check_pause(pidfile, &pid, &start);
	if (r > 0)
		*ret = pid;
	else if (r == -ESTALE)
		return remove_stale(pidfile, err);
	return 0;
}

static int stop_pause(pid_t pid, unsigned long long start, pm_error **err)
{
	/* The pidfd pins the process, checked to be the one the file names. */
	_cleanup_close_ int pidfd = pm_pidfd_open_verified(pid, start);
	if (pidfd == -ESRCH)
		return 0;
	if (pidfd < 0)
		return pm_error_set_errno(err, -pidfd, "cannot open the pause process %d",
					  (int)pid);
	if (pidfd_send_signal(pidfd, SIGTERM, NULL, 0) < 0 && errno != ESRCH)
		return pm_error_set_errno(err, errno, "cannot stop the pause process %d", (int)pid);
	if (pm_pidfd_wait(pidfd, 2000) > 0)
		return 0;
	pm_log_debug("pause process %d ignored SIGTERM for 2s: sending SIGKILL", (int)pid);
	if (pidfd_send_signal(pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
		return pm_error_set_errno(err, errno, "cannot kill the pause process %d", (int)pid);
	if (pm_pidfd_wait(pidfd, 2000) > 0)
		return 0;
	return pm_error_set(err, ETIMEDOUT, "the pause process %d did not exit after SIGKILL",
			    (int)pid);
}

int pm_rootless_migrate(const struct pm_paths *p, pm_error **err)
{
	_cleanup_free_ char *pidfile = pm_path_join(p->runroot, PAUSE_PID_FILE);
	_cleanup_free_ char *lockfile = pm_path_join(p->runroot, PAUSE_LOCK_FILE);
	pid_t pid = 0;
	unsigned long long start = 0;

	/* No pid file may still mean a pause process: one whose runroot was wiped (found by the
	 * scan below). */
	int r = pm_mkdir_p(p->runroot, 0700, err);
	if (r < 0)
		return r;
	_cleanup_close_ int lock = pm_lock_path(lockfile, LOCK_EX, err);
	if (lock < 0)
		return lock;
	r = check_pause(pidfile, &pid, &start);
	if (r > 0 && (r = stop_pause(pid, start, err)) < 0)
		return r;
	/* Our pause processes nobody knows (pause.pid lost): bounded, each stop waits. */
	for (int i = 0; i < 16; i++) {
		struct pm_rootless_proc old, mon;
		if (pm_rootless_scan(p->runroot, &old, &mon) < 0 || old.pid == 0)
			break;
		pm_log_debug("ending the pause process %d of '%s' (not in '%s')", (int)old.pid,
			     p->runroot, pidfile);
		if ((r = stop_pause(old.pid, old.start, err)) < 0)
			return r;
	}
	return remove_stale(pidfile, err);
}
