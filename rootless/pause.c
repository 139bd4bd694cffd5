/* pause.c: creates the pause process that keeps pm's rootless user + mount namespace alive,
 * and maps its ids with the setuid helpers newuidmap/newgidmap.
 *
 * The cli forks a child that setsid()s, forks the pause process and exits, so the pause
 * process is reparented and outlives the cli. The pause process unshares the namespaces (or
 * joins those of a live monitor: pm_rootless_pause_create with namespace fds), reports its
 * pid over a lib/sync.h socket, waits until the cli has mapped it, makes its mount tree
 * rslave and answers READY. Then it waits for COMMIT, which the cli sends once pause.pid
 * names it: when the socket closes first (the cli was killed before it wrote the pid file),
 * the pause process exits, so that no pause process nobody knows is left. Committed, it
 * closes the socket, keeps only its runroot open as fd 3 (O_PATH, how a later pm finds it
 * when pause.pid was lost: rootless/pause-scan.c), blocks every signal except
 * SIGTERM/SIGINT and sleeps in sigsuspend() for ever. Any failure kills the half-made pause
 * process.
 *
 * Must not print, nor write the pid file (rootless/userns.c does, under the lock).
 * Called by rootless/userns.c only. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "lib/fileutil.h"
#include "lib/helper-output.h"
#include "lib/log.h"
#include "lib/proc.h"
#include "lib/spawn.h"
#include "lib/strutil.h"
#include "lib/sync.h"
#include "rootless/pause.h"
#include "rootless/subid.h"

/* cli -> pause: "your uid_map and gid_map are written" (or nothing to map: joined). */
#define PAUSE_SYNC_MAPPED (PM_SYNC_USER + 0)
/* cli -> pause: "pause.pid names you": live on once the socket closes. */
#define PAUSE_SYNC_COMMIT (PM_SYNC_USER + 1)

/* The fds the pause process has while it is set up (the committed one keeps only
 * PM_ROOTLESS_PAUSE_RUNROOT_FD). */
enum { PAUSE_SOCK_FD = 3, PAUSE_RUNROOT_SETUP_FD = 4 };

/* ---- the pause process ------------------------------------------------------------------ */

/* Show "pm-pause" in ps instead of the command line of the pm that started us: zero the
 * argv area (glibc's program_invocation_name is argv[0], the area's start), checked against
 * /proc/self/cmdline first. */
static void set_cmdline(void)
{
	char buf[4096];
	_cleanup_close_ int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	size_t total = 0, first = 0;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (total == 0)
			first = (size_t)n;
		if (total == 0 && memcmp(buf, program_invocation_name, first) != 0)
			return;
		total += (size_t)n;
	}
	if (total <= strlen(PM_ROOTLESS_PAUSE_NAME))
		return;
	memset(program_invocation_name, 0, total);
	strcpy(program_invocation_name, PM_ROOTLESS_PAUSE_NAME);
}

static _Noreturn void pause_fail(int fd, int e, const char *what)
{
	pm_sync_send_error(fd, e, 0, "%s: %s", what, strerror(e));
	_exit(1);
}

/* What the pause process starts from: fds of the cli (O_CLOEXEC, moved to fixed numbers). */
struct pause_args {
	int sock;
	int runroot_fd;
	int user_fd, mnt_fd; /* -1: unshare new namespaces; else join these */
};

/* Move fd above the fixed numbers (F_DUPFD_CLOEXEC: the copy at its fixed number is made
 * by dup2, which clears the flag). */
static int high_fd(int fd)
{
	return fd < 0 ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, 10);
}

static _Noreturn void pause_main(const struct pause_args *a)
{
	sigset_t mask;
	sigfillset(&mask);
	sigdelset(&mask, SIGTERM);
	sigdelset(&mask, SIGINT);
	sigprocmask(SIG_SETMASK, &mask, NULL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	prctl(PR_SET_NAME, PM_ROOTLESS_PAUSE_NAME, 0, 0, 0);
	set_cmdline();

	/* Let go of everything the cli had open (its terminal or pipes, which a test harness
	 * reads to EOF; its lock on pause.lock). Only the sync socket stays, as fd 3, and the
	 * runroot, as fd 4 (fd 3 once committed). */
	int sock = high_fd(a->sock), root = high_fd(a->runroot_fd);
	int userfd = high_fd(a->user_fd), mntfd = high_fd(a->mnt_fd);
	if (sock < 0 || root < 0 || (a->user_fd >= 0 && (userfd < 0 || mntfd < 0)))
		_exit(1);
	int null = open("/dev/null", O_RDWR);
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0 ||
	    dup2(sock, PAUSE_SOCK_FD) < 0 || dup2(root, PAUSE_RUNROOT_SETUP_FD) < 0)
		_exit(1);
	sock = PAUSE_SOCK_FD;
	if (a->user_fd >= 0) {
		/* the namespaces of a live monitor: nothing to map, mounts set up long ago */
		if (setns(userfd, CLONE_NEWUSER) < 0)
			pause_fail(sock, errno, "joining the user namespace");
		if (setns(mntfd, CLONE_NEWNS) < 0)
			pause_fail(sock, errno, "joining the mount namespace");
	}
	close_range(PAUSE_RUNROOT_SETUP_FD + 1, ~0U, 0);
	if (chdir("/") < 0)
		pause_fail(sock, errno, "chdir('/')");

	if (a->user_fd < 0 && unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		pause_fail(sock, errno, "unshare(CLONE_NEWUSER|CLONE_NEWNS)");
	char pid[24];
	int len = snprintf(pid, sizeof(pid), "%d", (int)getpid());
	if (pm_sync_send(sock, PM_SYNC_PID, pid, (size_t)len, NULL, 0) < 0)
		_exit(1);

	static struct pm_sync_msg msg;
	if (pm_sync_expect(sock, PAUSE_SYNC_MAPPED, &msg, "pm", NULL) < 0)
		_exit(1);
	/* Mounts of the host still reach us; ours (container rootfs, volumes) never reach the
	 * host. A namespace made by an unprivileged user gets slave mounts anyway (see
	 * mount_namespaces(7)); say it explicitly. */
	if (a->user_fd < 0 && mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		pause_fail(sock, errno, "making the mount tree rslave");
	if (pm_sync_send(sock, PM_SYNC_READY, NULL, 0, NULL, 0) < 0)
		_exit(1);
	/* EOF instead: the cli died before pause.pid named us; nobody would ever find us. */
	if (pm_sync_expect(sock, PAUSE_SYNC_COMMIT, &msg, "pm", NULL) < 0)
		_exit(0);
	if (dup2(PAUSE_RUNROOT_SETUP_FD, PM_ROOTLESS_PAUSE_RUNROOT_FD) < 0)
		_exit(1);
	close(PAUSE_RUNROOT_SETUP_FD);

	for (;;)
		sigsuspend(&mask);
}

/* ---- the cli side ----------------------------------------------------------------------- */

static int find_idmap_tool(const char *name, char **ret, pm_error **err)
{
	_cleanup_free_ char *path = pm_find_executable(name);
	if (!path)
		return pm_error_set(err, ENOENT, "%s not found: install the 'uidmap' package",
				    name);
	struct stat st;
	if (stat(path, &st) < 0)
		return pm_error_set_errno(err, errno, "cannot stat '%s'", path);
	bool suid = (st.st_mode & S_ISUID) && st.st_uid == 0;
	bool fcaps = getxattr(path, "security.capability", NULL, 0) > 0;
	if (!suid && !fcaps)
		return pm_error_set(err, EPERM,
				    "'%s' has neither the setuid bit nor file capabilities: check "
				    "'ls -l %s' (expect -rwsr-xr-x root) and 'getcap %s' (expect "
				    "cap_setuid=ep), or reinstall the 'uidmap' package",
				    path, path, path);
	*ret = TAKE_PTR(path);
	return 0;
}

/* Run newuidmap/newgidmap, capturing its output for the error message. */
static int run_idmap(const char *path, const char *name, pid_t pid, const struct pm_idmap *map,
		     size_t n, pm_error **err)
{
	_cleanup_strv_ char **argv = pm_subid_map_argv(name, pid, map, n);
	_cleanup_free_ char *args = pm_strv_join(argv + 1, " ");
	pm_log_debug("running %s %s", path, args);
	_cleanup_free_ char *out = NULL;
	int status = 0;
	int r = pm_run_capture(path, argv, 1023, 30000, &out, &status);
	if (r < 0 && r != -ETIMEDOUT)
		return pm_error_set_errno(err, -r, "running %s", name);
	if (r == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;

	_cleanup_free_ char *why = pm_helper_reason(out);
	if (r == -ETIMEDOUT)
		return pm_error_set(err, ETIMEDOUT, "%s %s did not finish in 30 s, killed: %s",
				    name, args, why ? why : "no output");
	_cleanup_free_ char *msg = NULL;
	if (WIFEXITED(status))
		msg = pm_xasprintf("exit status %d", WEXITSTATUS(status));
	else
		msg = pm_xasprintf("killed by signal %d", WTERMSIG(status));
	return pm_error_set(err, EPERM, "%s %s failed (%s): %s; %s", name, args, msg,
			    why ? why : "no output", pm_helper_advice(why));
}

/* The sysctls that gate unprivileged user namespaces, with their current values and what
 * they must be. */
static char *userns_sysctls(void)
{
	static const struct {
		const char *name, *want;
	} t[] = {
		{"user.max_user_namespaces", "> 0"},
		{"kernel.unprivileged_userns_clone", "1"},
		{"kernel.apparmor_restrict_unprivileged_userns", "0"},
	};
	char *out = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		char path[128];
		snprintf(path, sizeof(path), "/proc/sys/%s", t[i].name);
		for (char *s = path + strlen("/proc/sys/"); *s; s++)
			if (*s == '.')
				*s = '/';
		_cleanup_free_ char *val = NULL;
		size_t len = 0;
		if (pm_read_file(path, 4096, &val, &len, NULL) < 0 || len == 0)
			continue;
		val[strcspn(val, "\n")] = '\0';
		char *next = pm_xasprintf("%s%s%s=%s (must be %s)", out ? out : "", out ? ", " : "",
					  t[i].name, val, t[i].want);
		free(out);
		out = next;
	}
	return out;
}

static int unshare_error(pm_error *e, pm_error **err)
{
	int code = e && e->code ? e->code : EIO;
	const char *msg = e && e->msg ? e->msg : "unknown error";
	if (code == EPERM || code == ENOSPC || code == EINVAL || code == EUSERS || code == EACCES) {
		_cleanup_free_ char *sysctls = userns_sysctls();
		return pm_error_set(err, code,
				    "cannot create a user namespace: %s: check the sysctls %s; "
				    "a seccomp filter of an enclosing container can forbid it too",
				    msg,
				    sysctls ? sysctls : "user.max_user_namespaces (not readable)");
	}
	return pm_error_set(err, code, "cannot create the pause process: %s", msg);
}

int pm_rootless_pause_create(int runroot_fd, int user_fd, int mnt_fd, struct pm_rootless_pause *ret,
			     pm_error **err)
{
	_cleanup_free_ struct pm_idmap *umap = NULL, *gmap = NULL;
	size_t un = 0, gn = 0;
	_cleanup_free_ char *newuidmap = NULL, *newgidmap = NULL;
	bool fresh = user_fd < 0;
	int r;

	*ret = (struct pm_rootless_pause){.sock = -1};
	/* Everything that can be checked before a process exists (joining maps nothing). */
	if (fresh && ((r = pm_subid_mapping(false, &umap, &un, err)) < 0 ||
		      (r = pm_subid_mapping(true, &gmap, &gn, err)) < 0 ||
		      (r = find_idmap_tool("newuidmap", &newuidmap, err)) < 0 ||
		      (r = find_idmap_tool("newgidmap", &newgidmap, err)) < 0))
		return r;

	int sv[2];
	if ((r = pm_sync_pair(sv, err)) < 0)
		return r;
	_cleanup_close_ int sock = sv[0];
	int child_sock = sv[1];

	fflush(stdout);
	fflush(stderr);
	pid_t mid = fork();
	if (mid < 0) {
		r = -errno;
		close(child_sock);
		return pm_error_set_errno(err, -r, "cannot fork the pause process");
	}
	if (mid == 0) {
		close(sock);
		setsid();
		pid_t p = fork();
		if (p < 0) {
			pm_sync_send_error(child_sock, errno, 0,
					   "cannot fork the pause process: %s", strerror(errno));
			_exit(1);
		}
		if (p == 0) {
			struct pause_args a = {.sock = child_sock,
					       .runroot_fd = runroot_fd,
					       .user_fd = fresh ? -1 : user_fd,
					       .mnt_fd = fresh ? -1 : mnt_fd};
			pause_main(&a);
		}
		_exit(0);
	}
	close(child_sock);
	while (waitpid(mid, NULL, 0) < 0 && errno == EINTR)
		;

	static struct pm_sync_msg msg;
	_cleanup_error_ pm_error *e = NULL;
	if (pm_sync_expect(sock, PM_SYNC_PID, &msg, "pause process", &e) < 0) {
		if (fresh)
			return unshare_error(e, err);
		return pm_error_set(
			err, e && e->code ? e->code : EIO,
			"cannot start a pause process in the namespaces of a monitor: %s",
			e && e->msg ? e->msg : "unknown error");
	}
	int pid = 0;
	if (pm_parse_int(msg.payload, &pid) < 0 || pid <= 0)
		return pm_error_set(err, EBADMSG, "pause process sent a bad pid '%s'", msg.payload);

	if (fresh && ((r = run_idmap(newuidmap, "newuidmap", pid, umap, un, err)) < 0 ||
		      (r = run_idmap(newgidmap, "newgidmap", pid, gmap, gn, err)) < 0))
		goto kill_pause;
	if ((r = pm_sync_send(sock, PAUSE_SYNC_MAPPED, NULL, 0, NULL, 0)) < 0) {
		pm_error_set_errno(err, -r, "cannot talk to the pause process %d", pid);
		goto kill_pause;
	}
	if ((r = pm_sync_expect(sock, PM_SYNC_READY, &msg, "pause process", err)) < 0) {
		pm_error_prefix(err, "setting up the pause process");
		goto kill_pause;
	}
	if ((r = pm_proc_starttime(pid, &ret->start)) < 0) {
		pm_error_set(err, ESRCH, "the pause process %d exited right after it started", pid);
		goto kill_pause;
	}
	ret->pid = pid;
	ret->sock = TAKE_FD(sock);
	pm_log_debug("started pause process %d%s", pid,
		     fresh ? "" : " in the namespaces of a monitor");
	return 0;

kill_pause:
	kill(pid, SIGKILL);
	return r;
}

int pm_rootless_pause_commit(struct pm_rootless_pause *p, pm_error **err)
{
	int r = pm_sync_send(p->sock, PAUSE_SYNC_COMMIT, NULL, 0, NULL, 0);
	close(p->sock);
	p->sock = -1;
	if (r < 0)
		return pm_error_set_errno(err, -r, "cannot talk to the pause process %d",
					  (int)p->pid);
	return 0;
}

void pm_rootless_pause_abort(struct pm_rootless_pause *p)
{
	if (p->pid > 0)
		kill(p->pid, SIGKILL);
	if (p->sock >= 0)
		close(p->sock);
	p->sock = -1;
	p->pid = 0;
}
