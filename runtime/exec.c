/* exec.c: `pm exec`'s runtime side: a process in a running container's namespaces with the
 * container's privileges. Three processes:
 *
 *   pm (caller)   compiles the seccomp filter, opens a pidfd and the root directory of the
 *                 container init, forks the helper, then receives over a sync socket the
 *                 exec process's pid, its pty (-t) or the failing step; waits for the
 *                 process (a pidfd: it is pm's child), forwarding signals and relaying the
 *                 terminal (runtime/tty.h);
 *   helper        setns(pidfd of the init, every namespace that differs), chroot to the
 *                 init's root, clone3(CLONE_PARENT) into the pid namespace, report the pid,
 *                 exit;
 *   exec process  stdio (pty in the container's /dev/pts, /dev/null), seccomp, capability
 *                 bounding set, groups, gid, uid, capabilities, cwd, no_new_privs, execve:
 *                 the order of runtime/init.c.
 *
 * With pm_exec_opts.handover the caller (an exec session's monitor, engine/exec-session.c)
 * gets the process, its pidfd and pty master once it has exec'd, and relays it itself.
 *
 * Must not print. Called by engine/exec.c. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/timeutil.h"
#include "lib/strutil.h"
#include "lib/sync.h"
#include "runtime/caps.h"
#include "runtime/child-err.h"
#include "runtime/exec.h"
#include "runtime/init.h"
#include "runtime/pty.h"
#include "runtime/seccomp.h"
#include "runtime/tty.h"
#include "systemd/scope.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static const struct {
	const char *name;
	unsigned flag;
} namespaces[] = {
	{"user", CLONE_NEWUSER},     {"mnt", CLONE_NEWNS},    {"pid", CLONE_NEWPID},
	{"uts", CLONE_NEWUTS},	     {"ipc", CLONE_NEWIPC},   {"net", CLONE_NEWNET},
	{"cgroup", CLONE_NEWCGROUP}, {"time", CLONE_NEWTIME},
};

int pm_exec_ns_flags(pid_t pid, unsigned *ret_flags)
{
	unsigned flags = 0;
	for (size_t i = 0; i < ARRAY_SIZE(namespaces); i++) {
		char path[64];
		struct stat self, other;
		snprintf(path, sizeof(path), "/proc/self/ns/%s", namespaces[i].name);
		if (stat(path, &self) < 0)
			continue; /* this kernel lacks the namespace type */
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, namespaces[i].name);
		if (stat(path, &other) < 0)
			return -errno;
		if (self.st_dev != other.st_dev || self.st_ino != other.st_ino)
			flags |= namespaces[i].flag;
	}
	*ret_flags = flags;
	return 0;
}

/* ---- the exec process -------------------------------------------------------------------- */

__attribute__((noreturn)) static void die(int syncfd, int r, const struct pm_child_err *e)
{
	pm_child_die(syncfd, r, e, "exec setup failed");
}

static const char *env_get(char *const *env, const char *key)
{
	size_t n = strlen(key);
	for (char *const *i = env; i && *i; i++)
		if (strncmp(*i, key, n) == 0 && (*i)[n] == '=')
			return *i + n + 1;
	return NULL;
}

static int apply_seccomp(const struct pm_seccomp *sc, struct pm_child_err *e)
{
	_cleanup_error_ pm_error *err = NULL;
	int r = pm_seccomp_apply(sc, &err);
	if (r < 0)
		snprintf(e->msg, sizeof(e->msg), "%s", err && err->msg ? err->msg : "seccomp");
	return r;
}

static int null_stdio(bool all, struct pm_child_err *e)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return pm_child_fail(e, errno, "opening '/dev/null'");
	for (int i = 0; i < (all ? 3 : 1); i++)
		if (dup2(fd, i) < 0)
			return pm_child_fail(e, errno, "redirecting stdio to '/dev/null'");
	close(fd);
	return 0;
}

static int setup_stdio(const struct pm_runtime_spec *s, const struct pm_exec_opts *o, int syncfd,
		       struct pm_child_err *e)
{
	bool detach = o->detach;
	if (!detach && o->output_fd >= 0) {
		/* a health check's: output to the caller's file, nothing in */
		if (setsid() < 0)
			return pm_child_fail(e, errno, "setsid");
		if (dup2(o->output_fd, STDOUT_FILENO) < 0 || dup2(o->output_fd, STDERR_FILENO) < 0)
			return pm_child_fail(e, errno, "redirecting stdout and stderr");
		return null_stdio(false, e);
	}
	if (detach) {
		if (setsid() < 0)
			return pm_child_fail(e, errno, "setsid");
		return null_stdio(true, e);
	}
	if (s->tty)
		return pm_pty_child_setup(syncfd, s->uid, e);
	/* Out of the terminal's process group: ^C reaches the process once, through pm. */
	if (setsid() < 0)
		return pm_child_fail(e, errno, "setsid");
	return s->stdin_open ? 0 : null_stdio(false, e);
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

__attribute__((noreturn)) static void exec_process(const struct pm_runtime_spec *s,
						   const struct pm_exec_opts *o,
						   const struct pm_seccomp *sc, int parentfd,
						   int syncfd)
{
	struct pm_child_err e = {0};
	int r;

	if ((r = setup_stdio(s, o, syncfd, &e)) < 0 || (r = pm_init_set_rlimits(s, &e)) < 0)
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
	const char *cwd = s->cwd ? s->cwd : "/";
	if (chdir(cwd) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			e.status = PM_EXIT_NOT_FOUND;
		die(syncfd, pm_child_fail(&e, errno, "entering working directory '%s'", cwd), &e);
	}
	if (s->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die(syncfd, pm_child_fail(&e, errno, "setting no_new_privs"), &e);
	if (!o->detach) {
		/* A credential change clears the parent-death signal: set it now, then make
		 * sure pm (or the exec session's monitor) did not die before. */
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		struct pollfd p = {.fd = parentfd, .events = POLLIN};
		if (poll(&p, 1, 0) > 0)
			_exit(PM_EXIT_ERROR);
	}

	_cleanup_free_ char *path =
		pm_init_resolve_command(s->args[0], env_get(s->env, "PATH"), &e);
	if (!path)
		die(syncfd, -ENOENT, &e);

	/* Everything but stdio and the sync socket (already close-on-exec) closes at exec. */
	syscall(SYS_close_range, 3 + s->preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC);
	for (unsigned i = 0; i < s->preserve_fds; i++) /* --preserve-fds */
		fcntl(3 + (int)i, F_SETFD, 0);
	if (s->no_new_privs && (r = apply_seccomp(sc, &e)) < 0)
		die(syncfd, r, &e);
	reset_signals();
	execve(path, s->args, s->env);
	int err = errno;
	e.status = err == ENOENT ? PM_EXIT_NOT_FOUND : PM_EXIT_CANNOT_INVOKE;
	die(syncfd, pm_child_fail(&e, err, "executing '%s'", path), &e);
}

/* ---- the helper: join, clone, report --------------------------------------------------- */

struct exec_fds {
	int ctr_pidfd; /* the container init */
	int rootfd;    /* its root directory */
	int parentfd;  /* pm itself (pidfd), to notice its death */
	int syncfd;
};

__attribute__((noreturn)) static void helper(const struct pm_runtime_spec *s,
					     const struct pm_exec_opts *o,
					     const struct pm_seccomp *sc, unsigned nsflags,
					     const struct exec_fds *f)
{
	struct pm_child_err e = {0};
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	struct pollfd p = {.fd = f->parentfd, .events = POLLIN};
	if (poll(&p, 1, 0) > 0)
		_exit(PM_EXIT_ERROR);

	/* into the container's own cgroup (its scope) while we still see both cgroups */
	pm_cgroup_join_pid(o->pid);
	/* the user namespace last: a container's other namespaces may be owned by pm's (its
	 * late_userns), which we are no longer root of once in the container's */
	unsigned others = nsflags & ~(unsigned)CLONE_NEWUSER;
	if ((others && setns(f->ctr_pidfd, (int)others) < 0) ||
	    ((nsflags & CLONE_NEWUSER) && setns(f->ctr_pidfd, CLONE_NEWUSER) < 0))
		die(f->syncfd,
		    pm_child_fail(&e, errno, "joining the namespaces of the container process %d",
				  (int)o->pid),
		    &e);
	if (fchdir(f->rootfd) < 0 || chroot(".") < 0)
		die(f->syncfd, pm_child_fail(&e, errno, "entering the container's root directory"),
		    &e);

	/* Without detach (or with a handover) the process is the caller's child (it waits for
	 * it); a bare detach makes it ours, and it outlives us. */
	bool orphan = o->detach && !o->handover;
	struct clone_args ca = {
		.flags = orphan ? 0 : CLONE_PARENT,
		.exit_signal = orphan ? SIGCHLD : 0,
	};
	long pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid < 0)
		die(f->syncfd,
		    pm_child_fail(&e, errno, "creating the process in the container: clone3"), &e);
	if (pid == 0)
		exec_process(s, o, sc, f->parentfd, f->syncfd);
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%ld", pid);
	pm_sync_send(f->syncfd, PM_SYNC_PID, buf, (size_t)n, NULL, 0);
	_exit(0);
}

/* ---- pm's side --------------------------------------------------------------------------- */

struct exec_state {
	const struct pm_runtime_spec *spec;
	pid_t helper;
	pid_t pid; /* the exec process, 0 until known */
	int pidfd; /* its pidfd (not detached) */
	int sigfd;
	int master; /* pty master, -1 without -t */
	bool raw;
	struct termios saved;
};

static int wait_exit(int pidfd, int *ret_status, pm_error **err)
{
	siginfo_t info = {0};
	for (;;) {
		if (waitid((idtype_t)P_PIDFD, (id_t)pidfd, &info, WEXITED) == 0)
			break;
		if (errno != EINTR)
			return pm_error_set_errno(err, errno, "waiting for the exec process");
	}
	*ret_status = info.si_code == CLD_EXITED ? info.si_status : 128 + info.si_status;
	return 0;
}

/* Wait up to ms for the process of pidfd to exit; false when it still runs. */
static bool wait_timeout(int pidfd, int64_t ms)
{
	int64_t end = pm_time_clock_ns(CLOCK_MONOTONIC) + ms * 1000000;
	for (;;) {
		int64_t left = (end - pm_time_clock_ns(CLOCK_MONOTONIC)) / 1000000;
		if (left <= 0)
			return false;
		struct pollfd p = {.fd = pidfd, .events = POLLIN};
		int n = poll(&p, 1, left > INT32_MAX ? INT32_MAX : (int)left);
		if (n > 0)
			return true;
		if (n < 0 && errno != EINTR)
			return true; /* wait_exit tells */
	}
}

static int on_pid(struct exec_state *st, const struct pm_exec_opts *o,
		  const struct pm_sync_msg *msg, pm_error **err)
{
	int pid;
	if (st->pid || pm_parse_int(msg->payload, &pid) < 0 || pid <= 0)
		return pm_error_set(err, EBADMSG, "bad pid message from the exec helper");
	st->pid = pid;
	if (o->detach && !o->handover)
		return 0;
	st->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (st->pidfd < 0)
		return pm_error_set_errno(err, errno, "pidfd_open of the exec process %d", pid);
	return 0;
}

/* Receive until the process has exec'd (EOF: the helper exited and the process's copy of
 * the socket closed at exec) or something failed. */
static int handshake(struct exec_state *st, const struct pm_exec_opts *o, int syncfd,
		     pm_error **err)
{
	for (;;) {
		struct pm_sync_msg msg;
		int r = pm_sync_recv(syncfd, &msg);
		if (r == -EPIPE)
			break;
		if (r < 0)
			return pm_error_set_errno(err, -r, "reading from the exec process");
		if (msg.type == PM_SYNC_ERROR) {
			for (size_t i = 0; i < msg.nfds; i++)
				close(msg.fds[i]);
			pm_error_set(err, msg.err, "%s", msg.payload);
			if (*err && msg.status)
				(*err)->status = msg.status;
			return -(msg.err > 0 ? msg.err : EIO);
		}
		if (msg.type == PM_SYNC_PID && msg.nfds == 0) {
			if ((r = on_pid(st, o, &msg, err)) < 0)
				return r;
			continue;
		}
		if (msg.type == PM_RT_SYNC_TTY && msg.nfds == 1 && st->master < 0) {
			st->master = msg.fds[0];
			if (!o->handover)
				st->raw = pm_tty_make_raw(STDIN_FILENO, &st->saved);
			pm_tty_copy_winsize(o->winsize_from, st->master);
			r = pm_sync_send(syncfd, PM_SYNC_READY, NULL, 0, NULL, 0);
			if (r < 0)
				return pm_error_set_errno(err, -r, "talking to the exec process");
			continue;
		}
		for (size_t i = 0; i < msg.nfds; i++)
			close(msg.fds[i]);
		return pm_error_set(err, EBADMSG, "unexpected message %u from the exec process",
				    msg.type);
	}
	if (!st->pid)
		return pm_error_set(err, EIO, "the exec helper exited before starting the process");
	return 0;
}

static void reap_helper(struct exec_state *st)
{
	if (st->helper <= 0)
		return;
	while (waitpid(st->helper, NULL, 0) < 0 && errno == EINTR)
		;
	st->helper = 0;
}

int pm_runtime_exec(const struct pm_runtime_spec *spec, const struct pm_exec_opts *o,
		    int *ret_status, pm_error **err)
{
	if (!spec->args || !spec->args[0])
		return pm_error_set(err, EINVAL, "no command to execute");
	*ret_status = 0;

	_cleanup_seccomp_ struct pm_seccomp *sc = NULL;
	int r = pm_seccomp_compile_cached(spec->seccomp, o->seccomp_caps, spec->privileged,
					  spec->seccomp_cache, &sc, err);
	if (r < 0)
		return r;

	_cleanup_close_ int ctr_pidfd = (int)syscall(SYS_pidfd_open, o->pid, 0);
	if (ctr_pidfd < 0)
		return pm_error_set_errno(err, errno, "container process %d", (int)o->pid);
	unsigned nsflags = 0;
	if ((r = pm_exec_ns_flags(o->pid, &nsflags)) < 0)
		return pm_error_set_errno(err, -r, "namespaces of the container process %d",
					  (int)o->pid);
	char rootpath[64];
	snprintf(rootpath, sizeof(rootpath), "/proc/%d/root", (int)o->pid);
	_cleanup_close_ int rootfd = open(rootpath, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return pm_error_set_errno(err, errno, "root directory of the container process %d",
					  (int)o->pid);
	/* The pidfd was opened before the namespaces and root were read: if the process is
	 * still alive now, they were its own (not those of a recycled pid). */
	struct pollfd alive = {.fd = ctr_pidfd, .events = POLLIN};
	if (poll(&alive, 1, 0) > 0)
		return pm_error_set(err, ESRCH, "container process %d exited", (int)o->pid);
	_cleanup_close_ int parentfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	if (parentfd < 0)
		return pm_error_set_errno(err, errno, "pidfd_open");

	int sp[2];
	if ((r = pm_sync_pair(sp, err)) < 0)
		return r;
	_cleanup_close_ int syncfd = sp[0];
	_cleanup_close_ int childfd = sp[1];

	sigset_t old;
	struct exec_state st = {.spec = spec, .pidfd = -1, .sigfd = -1, .master = -1};
	st.sigfd = pm_tty_forward_signals(&old);
	if (st.sigfd < 0) {
		r = pm_error_set_errno(err, errno, "signalfd");
		goto out_mask;
	}

	fflush(stdout);
	fflush(stderr);
	st.helper = fork();
	if (st.helper < 0) {
		r = pm_error_set_errno(err, errno, "fork");
		goto out;
	}
	if (st.helper == 0) {
		close(syncfd);
		struct exec_fds f = {.ctr_pidfd = ctr_pidfd,
				     .rootfd = rootfd,
				     .parentfd = parentfd,
				     .syncfd = childfd};
		helper(spec, o, sc, nsflags, &f);
	}
	close(TAKE_FD(childfd));

	r = handshake(&st, o, syncfd, err);
	reap_helper(&st);
	if (r < 0) {
		if (st.pidfd >= 0) {
			pidfd_send_signal(st.pidfd, SIGKILL, NULL, 0);
			int ignored;
			wait_exit(st.pidfd, &ignored, NULL);
		}
		goto out;
	}
	if (o->started)
		o->started(o->started_ctx);
	if (o->handover) {
		*o->handover = (struct pm_exec_proc){
			.pid = st.pid, .pidfd = st.pidfd, .master = st.master};
		st.pidfd = st.master = -1;
		goto out;
	}
	if (o->detach)
		goto out;
	if (o->timeout_ms > 0 && !wait_timeout(st.pidfd, o->timeout_ms)) {
		pidfd_send_signal(st.pidfd, SIGKILL, NULL, 0);
		r = wait_exit(st.pidfd, ret_status, err);
		*ret_status = -1;
		goto out;
	}
	pm_tty_relay(st.pidfd, st.sigfd, st.master, st.spec->stdin_open, "the exec process");
	r = wait_exit(st.pidfd, ret_status, err);

out:
	reap_helper(&st);
	if (st.raw)
		pm_tty_restore(STDIN_FILENO, &st.saved);
	if (st.master >= 0)
		close(st.master);
	if (st.pidfd >= 0)
		close(st.pidfd);
	close(st.sigfd);
out_mask:
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}
