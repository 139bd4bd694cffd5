/* init.c: the container init, the child side of pm_runtime_start(). In its new namespaces it
 * mounts the filesystem (mounts.c), sets the hostname, brings lo up, prepares stdio (a pty
 * when asked), switches uid/gid, drops capabilities, sets no_new_privs, loads the seccomp
 * filter and execs the command; with --init it stays as PID 1, a tiny reaping init
 * (catatonit-style) that forwards signals to the command. Every failing step is sent to
 * the parent as PM_SYNC_ERROR (errno, step, path) and the child _exit()s: it never returns
 * into the caller. Must not print. Called by runtime/run.c right after clone. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <limits.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/strutil.h"
#include "lib/sync.h"
#include "runtime/caps.h"
#include "runtime/init.h"
#include "runtime/oci-hooks.h"
#include "runtime/mounts.h"
#include "runtime/seccomp.h"
#include "runtime/pty.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

__attribute__((noreturn)) static void die(int syncfd, int r, const struct pm_child_err *e)
{
	pm_child_die(syncfd, r, e, "container setup failed");
}

static const char *env_get(char *const *env, const char *key)
{
	size_t n = strlen(key);
	for (char *const *i = env; i && *i; i++)
		if (strncmp(*i, key, n) == 0 && (*i)[n] == '=')
			return *i + n + 1;
	return NULL;
}

char *pm_init_resolve_command(const char *cmd, const char *path, struct pm_child_err *e)
{
	struct stat st;
	if (strchr(cmd, '/')) {
		if (stat(cmd, &st) < 0) {
			e->status = errno == ENOENT || errno == ENOTDIR ? PM_EXIT_NOT_FOUND
									: PM_EXIT_CANNOT_INVOKE;
			pm_child_fail(e, errno, "executable file '%s' not found", cmd);
			return NULL;
		}
		if (S_ISDIR(st.st_mode) || access(cmd, X_OK) < 0) {
			e->status = PM_EXIT_CANNOT_INVOKE;
			struct statvfs vfs;
			if (errno == EACCES && !S_ISDIR(st.st_mode) && (st.st_mode & 0111) &&
			    statvfs(cmd, &vfs) == 0 && (vfs.f_flag & ST_NOEXEC)) {
				/* executable, on a noexec mount: podman's words (runc's) */
				snprintf(e->msg, sizeof(e->msg),
					 "unable to start container process: exec %s: permission "
					 "denied: OCI permission denied",
					 cmd);
				return NULL;
			}
			/* a directory: permission denied, as execve says (and podman) */
			pm_child_fail(e, S_ISDIR(st.st_mode) ? EACCES : errno,
				      "executable file '%s' cannot be invoked", cmd);
			return NULL;
		}
		return pm_xstrdup(cmd);
	}
	if (!*cmd) {
		e->status = PM_EXIT_NOT_FOUND;
		pm_child_fail(e, ENOENT, "executable file '' not found in $PATH");
		return NULL;
	}
	_cleanup_strv_ char **dirs = pm_strv_split(path ? path : DEFAULT_PATH, ":");
	_cleanup_free_ char *denied = NULL;
	for (char **d = dirs; d && *d; d++) {
		_cleanup_free_ char *p = pm_xasprintf("%s/%s", *d, cmd);
		if (stat(p, &st) < 0 || S_ISDIR(st.st_mode))
			continue;
		if (access(p, X_OK) == 0)
			return TAKE_PTR(p);
		if (!denied)
			denied = TAKE_PTR(p);
	}
	if (denied) {
		e->status = PM_EXIT_CANNOT_INVOKE;
		pm_child_fail(e, EACCES, "executable file '%s' cannot be invoked", denied);
		return NULL;
	}
	e->status = PM_EXIT_NOT_FOUND;
	pm_child_fail(e, ENOENT, "executable file '%s' not found in $PATH", cmd);
	return NULL;
}

static int lo_up(struct pm_child_err *e)
{
	_cleanup_close_ int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return pm_child_fail(e, errno, "bringing up 'lo': socket");
	struct ifreq ifr = {0};
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return pm_child_fail(e, errno, "bringing up 'lo'");
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		return pm_child_fail(e, errno, "bringing up 'lo'");
	return 0;
}

static int setup_stdio(const struct pm_runtime_spec *s, int syncfd, struct pm_child_err *e)
{
	if (s->tty)
		return pm_pty_child_setup(syncfd, s->uid, e);
	return 0;
}

/* Without -i stdin is /dev/null: the host's, opened before the mounts (the same device the
 * container's /dev/null binds; a bare container has none). */
static int stdin_null(const struct pm_runtime_spec *s, struct pm_child_err *e)
{
	if (s->tty || s->stdin_open)
		return 0;
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pm_child_fail(e, errno, "opening '/dev/null'");
	if (dup2(fd, 0) < 0)
		return pm_child_fail(e, errno, "redirecting stdin");
	close(fd);
	return 0;
}

static int mkdir_p_here(const char *path, struct pm_child_err *e)
{
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0; /* the usual case: one stat, not a failing mkdir per component */
	_cleanup_free_ char *p = pm_xstrdup(path);
	for (char *c = p + 1;; c++) {
		if (*c != '/' && *c != '\0')
			continue;
		char saved = *c;
		*c = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return pm_child_fail(e, errno, "creating working directory '%s'", path);
		*c = saved;
		if (!saved)
			break;
	}
	return 0;
}

static int apply_seccomp(const struct pm_seccomp *sc, struct pm_child_err *e)
{
	_cleanup_error_ pm_error *err = NULL;
	int r = pm_seccomp_apply(sc, &err);
	if (r < 0)
		snprintf(e->msg, sizeof(e->msg), "%s", err && err->msg ? err->msg : "seccomp");
	return r;
}

static void reset_signals(void)
{
	sigset_t none;
	sigemptyset(&none);
	for (int i = 1; i < NSIG; i++)
		if (i != SIGKILL && i != SIGSTOP)
			signal(i, SIG_DFL);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* --init: PID 1 forks the command and reaps everything; signals go to the command.
 * The exit status is the command's (128+N for a signal death). */
__attribute__((noreturn)) static void reaper(const char *path, char *const *args, char *const *env,
					     int syncfd)
{
	sigset_t all;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	_cleanup_close_ int sfd = signalfd(-1, &all, SFD_CLOEXEC);
	if (sfd < 0) {
		pm_sync_send_error(syncfd, errno, PM_EXIT_ERROR, "init: signalfd: %s",
				   strerror(errno));
		_exit(PM_EXIT_ERROR);
	}
	/* named before the fork: the command may read /proc/1/comm at once (its execve gives it
	 * its own name) */
	prctl(PR_SET_NAME, "pm-init", 0, 0, 0);
	pid_t child = fork();
	if (child < 0) {
		pm_sync_send_error(syncfd, errno, PM_EXIT_ERROR, "init: fork: %s", strerror(errno));
		_exit(PM_EXIT_ERROR);
	}
	if (child == 0) {
		reset_signals();
		execve(path, args, env);
		int err = errno;
		pm_sync_send_error(syncfd, err,
				   err == ENOENT ? PM_EXIT_NOT_FOUND : PM_EXIT_CANNOT_INVOKE,
				   "executing '%s': %s", path, strerror(err));
		_exit(err == ENOENT ? PM_EXIT_NOT_FOUND : PM_EXIT_CANNOT_INVOKE);
	}
	close(syncfd); /* the parent sees EOF once the command has exec'd */
	for (;;) {
		struct signalfd_siginfo si;
		ssize_t n = read(sfd, &si, sizeof(si));
		if (n != sizeof(si))
			continue;
		if (si.ssi_signo != SIGCHLD) {
			kill(child, (int)si.ssi_signo);
			continue;
		}
		int st;
		pid_t p;
		while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
			if (p != child)
				continue;
			_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
		}
	}
}

/* --sysctl: in the container's namespaces, after the pivot (/proc is the container's) and
 * before /proc/sys is made read-only */
static int write_sysctls(const struct pm_runtime_spec *s, struct pm_child_err *e)
{
	for (char **kv = s->sysctls; kv && *kv; kv++) {
		const char *eq = strchr(*kv, '=');
		if (!eq)
			continue;
		char path[PATH_MAX];
		int n = snprintf(path, sizeof(path), "/proc/sys/%.*s", (int)(eq - *kv), *kv);
		if (n < 0 || (size_t)n >= sizeof(path))
			return pm_child_fail(e, ENAMETOOLONG, "sysctl '%s'", *kv);
		for (char *p = path + strlen("/proc/sys/"); *p; p++)
			if (*p == '.')
				*p = '/';
		int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
		if (fd < 0)
			return pm_child_fail(e, errno, "open %s", path);
		size_t len = strlen(eq + 1);
		ssize_t w = write(fd, eq + 1, len);
		int saved = errno;
		close(fd);
		if (w != (ssize_t)len)
			return pm_child_fail(e, w < 0 ? saved : EIO, "write %s", path);
	}
	return 0;
}

/* --ulimit: before the privileges go (raising a hard limit needs CAP_SYS_RESOURCE, which a
 * rootless container never has in the host's namespace: podman's 126) */
int pm_init_set_rlimits(const struct pm_runtime_spec *s, struct pm_child_err *e)
{
	static const char *const names[] = {
		[RLIMIT_CPU] = "cpu",		[RLIMIT_FSIZE] = "fsize",
		[RLIMIT_DATA] = "data",		[RLIMIT_STACK] = "stack",
		[RLIMIT_CORE] = "core",		[RLIMIT_RSS] = "rss",
		[RLIMIT_NPROC] = "nproc",	[RLIMIT_NOFILE] = "nofile",
		[RLIMIT_MEMLOCK] = "memlock",	[RLIMIT_AS] = "as",
		[RLIMIT_LOCKS] = "locks",	[RLIMIT_SIGPENDING] = "sigpending",
		[RLIMIT_MSGQUEUE] = "msgqueue", [RLIMIT_NICE] = "nice",
		[RLIMIT_RTPRIO] = "rtprio",	[RLIMIT_RTTIME] = "rttime",
	};
	for (size_t i = 0; i < s->nrlimits; i++) {
		const struct pm_runtime_rlimit *l = &s->rlimits[i];
		struct rlimit rl = {
			.rlim_cur = l->soft < 0 ? RLIM_INFINITY : (rlim_t)l->soft,
			.rlim_max = l->hard < 0 ? RLIM_INFINITY : (rlim_t)l->hard,
		};
		if (setrlimit(l->resource, &rl) < 0) {
			e->status = PM_EXIT_CANNOT_INVOKE;
			const char *name =
				l->resource >= 0 && (size_t)l->resource < ARRAY_SIZE(names)
					? names[l->resource]
					: "?";
			return pm_child_fail(e, errno, "setting rlimit %s=%lld:%lld", name,
					     (long long)l->soft, (long long)l->hard);
		}
	}
	return 0;
}

/* --oom-score-adj and --personality, before the privileges go. Lowering oom_score_adj
 * below the value the process started with needs CAP_SYS_RESOURCE in the host's namespace,
 * which a rootless container never has: 126, as podman's runtime fails it. */
static int set_oom_personality(const struct pm_runtime_spec *s, struct pm_child_err *e)
{
	if (s->oom_score_adj_set) {
		char v[16];
		int n = snprintf(v, sizeof(v), "%d", s->oom_score_adj);
		int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
		ssize_t w = fd >= 0 ? write(fd, v, (size_t)n) : -1;
		int saved = errno;
		if (fd >= 0)
			close(fd);
		if (w != n) {
			e->status = PM_EXIT_CANNOT_INVOKE;
			if (saved == EACCES || saved == EPERM)
				return pm_child_fail(e, saved,
						     "setting oom_score_adj to %d (a rootless "
						     "container can only raise it)",
						     s->oom_score_adj);
			return pm_child_fail(e, saved, "setting oom_score_adj to %d",
					     s->oom_score_adj);
		}
	}
	if (s->personality_set && personality(s->personality) < 0) {
		e->status = PM_EXIT_CANNOT_INVOKE;
		return pm_child_fail(e, errno, "setting personality 0x%lx", s->personality);
	}
	return 0;
}

/* late_userns: the mounts done in pm's namespace, into the container's own user namespace:
 * unshare it, the parent writes the maps, become its root. */
static int late_userns(int syncfd, int userns_fd, struct pm_child_err *e)
{
	struct pm_sync_msg msg;
	if (userns_fd >= 0) { /* another's (a pod's infra, ns:PATH): nothing to map */
		if (setns(userns_fd, CLONE_NEWUSER) < 0)
			return pm_child_fail(e, errno, "joining the user namespace");
		close(userns_fd);
		if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
			return pm_child_fail(e, errno, "becoming root in the user namespace");
		prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
		return 0;
	}
	if (unshare(CLONE_NEWUSER) < 0)
		return pm_child_fail(e, errno, "creating the container's user namespace");
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0); /* the parent writes our uid_map */
	if (pm_sync_send(syncfd, PM_RT_SYNC_UNSHARED, NULL, 0, NULL, 0) < 0 ||
	    pm_sync_recv(syncfd, &msg) < 0 || msg.type != PM_RT_SYNC_MAPPED)
		_exit(PM_EXIT_ERROR);
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return pm_child_fail(e, errno, "becoming root in the user namespace");
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	return 0;
}

void pm_init_child(const struct pm_runtime_spec *s, const struct pm_seccomp *sc, int syncfd,
		   const struct pm_runtime_start_opts *o)
{
	bool wait_exec = o && o->before_exec;
	struct pm_child_err e = {0};
	int r;

	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/* opened while pm's /proc is still the one mounted (before the mounts and pivot) */
	int userns_fd = -1;
	if (s->userns_path && (userns_fd = open(s->userns_path, O_RDONLY | O_CLOEXEC)) < 0)
		die(syncfd, pm_child_fail(&e, errno, "opening user namespace '%s'", s->userns_path),
		    &e);
	if (s->nuidmap && !s->late_userns) {
		/* Wait until the parent has written our uid/gid maps. */
		struct pm_sync_msg msg;
		r = pm_sync_recv(syncfd, &msg);
		if (r < 0 || msg.type != PM_RT_SYNC_MAPPED)
			_exit(PM_EXIT_ERROR);
		if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
			die(syncfd, pm_child_fail(&e, errno, "becoming root in the user namespace"),
			    &e);
		/* the id change made us non-dumpable: /proc/PID/ns/ would be closed to the
		 * network helper that starts beside our mounts (nothing here is secret from the
		 * user who owns both; the exec sets it again anyway) */
		prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	}

	if ((r = stdin_null(s, &e)) < 0 || (r = pm_mounts_setup(s, o, &e)) < 0)
		die(syncfd, r, &e);
	if (!s->host_uts && !s->utsns_path && s->hostname &&
	    sethostname(s->hostname, strlen(s->hostname)) < 0)
		die(syncfd, pm_child_fail(&e, errno, "setting hostname '%s'", s->hostname), &e);
	if (!s->host_net && !s->netns_path && (r = lo_up(&e)) < 0)
		die(syncfd, r, &e);
	if ((r = write_sysctls(s, &e)) < 0 || (r = pm_init_set_rlimits(s, &e)) < 0 ||
	    (r = set_oom_personality(s, &e)) < 0)
		die(syncfd, r, &e);
	if ((r = pm_mounts_finish(s, &e)) < 0)
		die(syncfd, r, &e);
	if (wait_exec) {
		/* the parent's before_exec (the network helper coming up) ran beside our mounts */
		struct pm_sync_msg msg;
		if (pm_sync_send(syncfd, PM_RT_SYNC_MOUNTED, NULL, 0, NULL, 0) < 0 ||
		    pm_sync_recv(syncfd, &msg) < 0 || msg.type != PM_RT_SYNC_EXEC)
			_exit(PM_EXIT_ERROR);
	}
	if ((userns_fd >= 0 || (s->nuidmap && s->late_userns)) &&
	    (r = late_userns(syncfd, userns_fd, &e)) < 0)
		die(syncfd, r, &e);
	if ((r = setup_stdio(s, syncfd, &e)) < 0)
		die(syncfd, r, &e);
	const char *cwd = s->cwd ? s->cwd : "/";
	if ((r = mkdir_p_here(cwd, &e)) < 0)
		die(syncfd, r, &e);

	/* Without no_new_privs the filter needs CAP_SYS_ADMIN: load it before the drop. */
	if (!s->no_new_privs && (r = apply_seccomp(sc, &e)) < 0)
		die(syncfd, r, &e);
	if ((r = pm_caps_prepare(&s->caps)) < 0)
		die(syncfd, pm_child_fail(&e, -r, "dropping capabilities from the bounding set"),
		    &e);
	if (setgroups(s->ngroups, s->groups) < 0)
		die(syncfd, pm_child_fail(&e, errno, "setting supplementary groups"), &e);
	if (setresgid(s->gid, s->gid, s->gid) < 0)
		die(syncfd, pm_child_fail(&e, errno, "switching to gid %u", (unsigned)s->gid), &e);
	if (setresuid(s->uid, s->uid, s->uid) < 0)
		die(syncfd, pm_child_fail(&e, errno, "switching to uid %u", (unsigned)s->uid), &e);
	if ((r = pm_caps_apply(&s->caps)) < 0)
		die(syncfd, pm_child_fail(&e, -r, "setting capabilities"), &e);
	umask(s->umask >= 0 ? (mode_t)s->umask : 0022); /* --umask; podman's default */
	if (chdir(cwd) < 0)
		die(syncfd, pm_child_fail(&e, errno, "entering working directory '%s'", cwd), &e);
	if (s->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die(syncfd, pm_child_fail(&e, errno, "setting no_new_privs"), &e);

	_cleanup_free_ char *path =
		pm_init_resolve_command(s->args[0], env_get(s->env, "PATH"), &e);
	if (!path)
		die(syncfd, -ENOENT, &e);

	/* startContainer (the OCI runtime spec): in the container, as its user, right before
	 * the command execs (runc's place); the hooks' paths are the container's */
	if (o && o->nstart_hooks &&
	    (r = pm_rt_hooks_run(o->start_hooks, o->nstart_hooks, o->hook_state, "created", &e)) <
		    0)
		die(syncfd, r, &e);

	/* Everything but stdio, --preserve-fds and the sync socket (already close-on-exec)
	 * closes at exec. */
	syscall(SYS_close_range, 3 + s->preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC);
	for (unsigned i = 0; i < s->preserve_fds; i++)
		fcntl(3 + (int)i, F_SETFD, 0);

	if (s->no_new_privs && (r = apply_seccomp(sc, &e)) < 0)
		die(syncfd, r, &e);
	if (s->init)
		reaper(path, s->args, s->env, syncfd);
	reset_signals();
	execve(path, s->args, s->env);
	int err = errno;
	e.status = err == ENOENT ? PM_EXIT_NOT_FOUND : PM_EXIT_CANNOT_INVOKE;
	die(syncfd, pm_child_fail(&e, err, "executing '%s'", path), &e);
}
