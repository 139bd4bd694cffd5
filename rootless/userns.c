/* userns.c: joining pm's rootless user + mount namespace, held by the pause process whose
 * "PID STARTTIME" is in <runroot>/pause.pid; creating it (rootless/pause.c) under an
 * exclusive flock on <runroot>/pause.lock when the file is missing or stale; ending it
 * (pm system migrate).
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
#include <unistd.h>

#include "lib/fileutil.h"
#include "lib/log.h"
#include "lib/proc.h"
#include "lib/strutil.h"
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

/* 1: a live pause process (pid and start set); 0: no pid file; -ESTALE: the file names a
 * dead (or reused) pid or cannot be parsed; other -errno: the file cannot be read. */
static int check_pause(const char *pidfile, pid_t *ret_pid, unsigned long long *ret_start)
{
	_cleanup_free_ char *buf = NULL;
	int r = pm_read_file(pidfile, 256, &buf, NULL, NULL);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	pid_t pid;
	unsigned long long start, now;
	if (pm_rootless_parse_pause_file(buf, &pid, &start) < 0) {
		pm_log_debug("pause pid file '%s' is malformed: treating it as stale", pidfile);
		return -ESTALE;
	}
	if (pm_proc_starttime(pid, &now) < 0 || now != start) {
		pm_log_debug("pause process %d from '%s' is gone: treating the file as stale", pid,
			     pidfile);
		return -ESTALE;
	}
	*ret_pid = pid;
	*ret_start = start;
	return 1;
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

	/* Fast path: a live pause process, no lock. */
	int r = check_pause(pidfile, &pid, &start);
	if (r > 0) {
		r = join(pid, start, err);
		if (r != -ESRCH)
			return r;
	} else if (r < 0 && r != -ESTALE) {
		return pm_error_set_errno(err, -r, "cannot read '%s'", pidfile);
	}

	if ((r = pm_mkdir_p(p->runroot, 0700, err)) < 0)
		return r;
	_cleanup_close_ int lock = pm_lock_path(lockfile, LOCK_EX, err);
	if (lock < 0)
		return lock;
	/* Another pm may have made it while we waited for the lock. */
	r = check_pause(pidfile, &pid, &start);
	if (r < 0 && r != -ESTALE)
		return pm_error_set_errno(err, -r, "cannot read '%s'", pidfile);
	if (r <= 0) {
		if (r == -ESTALE && unlink(pidfile) < 0 && errno != ENOENT)
			return pm_error_set_errno(err, errno, "cannot remove the stale '%s'",
						  pidfile);
		if ((r = pm_rootless_pause_create(&pid, &start, err)) < 0)
			return r;
		if ((r = write_pid_file(pidfile, pid, start, err)) < 0) {
			kill(pid, SIGKILL);
			return r;
		}
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
	if (r != -ESTALE)
		return pm_error_set_errno(err, -r, "cannot read '%s'", pidfile);

	/* Remove the stale file under the lock, so we never remove one just written. */
	_cleanup_close_ int lock = pm_lock_path(lockfile, LOCK_EX, err);
	if (lock < 0)
		return lock;
	r = check_pause(pidfile, &pid, &start);
	if (r > 0)
		*ret = pid;
	else if (r == -ESTALE && unlink(pidfile) < 0 && errno != ENOENT)
		return pm_error_set_errno(err, errno, "cannot remove the stale '%s'", pidfile);
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

	if (!pm_path_exists(pidfile))
		return 0;
	_cleanup_close_ int lock = pm_lock_path(lockfile, LOCK_EX, err);
	if (lock < 0)
		return lock;
	int r = check_pause(pidfile, &pid, &start);
	if (r < 0 && r != -ESTALE)
		return pm_error_set_errno(err, -r, "cannot read '%s'", pidfile);
	if (r > 0 && (r = stop_pause(pid, start, err)) < 0)
		return r;
	if (unlink(pidfile) < 0 && errno != ENOENT)
		return pm_error_set_errno(err, errno, "cannot remove '%s'", pidfile);
	return 0;
}
