/* run.c: the parent side of a container start: compile the seccomp filter, write the
 * generated /etc files, clone the container init (clone3, a pidfd, new namespaces), give
 * it its stdio, write a nested user namespace's maps, call the after_clone hook, receive
 * setup errors and the pty over the sync socket until the command has exec'd
 * (pm_runtime_start); reap it when that fails. Must not print. Called by engine/monitor.c
 * (the monitor then owns the process: relay, signals, wait). */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/fileutil.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "lib/sync.h"
#include "runtime/child-err.h"
#include "runtime/init.h"
#include "runtime/runtime.h"
#include "runtime/seccomp.h"
#include "runtime/tty.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

void pm_runtime_spec_clear(struct pm_runtime_spec *s)
{
	if (!s)
		return;
	free(s->id);
	free(s->name);
	free(s->rootfs);
	free(s->userdata);
	pm_strv_free(s->args);
	pm_strv_free(s->env);
	free(s->cwd);
	free(s->groups);
	free(s->hostname);
	free(s->netns_path);
	free(s->pidns_path);
	free(s->ipcns_path);
	free(s->userns_path);
	free(s->utsns_path);
	free(s->cgroupns_path);
	free(s->hosts_data);
	free(s->resolv_data);
	for (size_t i = 0; i < s->nmounts; i++)
		pm_runtime_mount_clear(&s->mounts[i]);
	free(s->mounts);
	free(s->seccomp);
	free(s->seccomp_cache);
	free(s->uidmap);
	free(s->gidmap);
	free(s->rlimits);
	pm_strv_free(s->sysctls);
	pm_strv_free(s->chrootdirs);
	memset(s, 0, sizeof(*s));
}

/* The generated /etc files live in the runroot and are written again at every start: atomic
 * (a running container's reader sees the old or the new file), never synced. */
static int write_etc(const char *path, const char *data, size_t len, pm_error **err)
{
	return pm_write_file_atomic_flags(path, data, len, 0644, PM_WRITE_NOSYNC, err);
}

static int write_etc_files(const struct pm_runtime_spec *s, pm_error **err)
{
	if (!s->userdata)
		return 0;
	int r = pm_mkdir_p(s->userdata, 0700, err);
	if (r < 0)
		return r;
	const char *host = s->hostname ? s->hostname : "localhost";
	_cleanup_free_ char *path = pm_xasprintf("%s/hostname", s->userdata);
	_cleanup_free_ char *data = pm_xasprintf("%s\n", host);
	r = write_etc(path, data, strlen(data), err);
	if (r < 0)
		return r;
	free(path);
	free(data);
	data = NULL;
	path = pm_xasprintf("%s/hosts", s->userdata);
	if (s->no_hosts)
		goto resolv;
	if (s->hosts_data) {
		r = write_etc(path, s->hosts_data, strlen(s->hosts_data), err);
		if (r < 0)
			return r;
		goto resolv;
	}
	data = pm_xasprintf("127.0.0.1\tlocalhost localhost.localdomain localhost4 "
			    "localhost4.localdomain4\n"
			    "::1\tlocalhost localhost.localdomain localhost6 "
			    "localhost6.localdomain6\n"
			    "127.0.0.1\t%s%s%s\n",
			    host, s->name && strcmp(s->name, host) ? " " : "",
			    s->name && strcmp(s->name, host) ? s->name : "");
	r = write_etc(path, data, strlen(data), err);
	if (r < 0)
		return r;
resolv:
	if (s->resolv_data) {
		free(path);
		path = pm_xasprintf("%s/resolv.conf", s->userdata);
		return write_etc(path, s->resolv_data, strlen(s->resolv_data), err);
	}
	if (s->host_net) {
		_cleanup_free_ char *resolv = NULL;
		size_t len = 0;
		if (pm_read_file("/etc/resolv.conf", 1 << 20, &resolv, &len, NULL) == 0) {
			free(path);
			path = pm_xasprintf("%s/resolv.conf", s->userdata);
			r = write_etc(path, resolv, len, err);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int write_map(pid_t pid, const char *file, const struct pm_runtime_idmap *m, size_t n,
		     pm_error **err)
{
	char buf[1024];
	size_t off = 0;
	for (size_t i = 0; i < n && off < sizeof(buf); i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%u %u %u\n", m[i].ctr,
					m[i].host, m[i].size);
	if (off >= sizeof(buf))
		return pm_error_set(err, E2BIG, "%s: too many mappings", file);
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, buf, off) != (ssize_t)off)
		return pm_error_set_errno(err, errno, "writing the container's %s", file);
	return 0;
}

static int write_maps(const struct pm_runtime_spec *spec, pid_t pid, pm_error **err)
{
	int r = write_map(pid, "uid_map", spec->uidmap, spec->nuidmap, err);
	return r < 0 ? r : write_map(pid, "gid_map", spec->gidmap, spec->ngidmap, err);
}

static int wait_exit(int pidfd, int *ret_status, pm_error **err)
{
	siginfo_t info = {0};
	for (;;) {
		if (waitid((idtype_t)P_PIDFD, (id_t)pidfd, &info, WEXITED) == 0)
			break;
		if (errno != EINTR)
			return pm_error_set_errno(err, errno, "waiting for the container");
	}
	if (info.si_code == CLD_EXITED)
		*ret_status = info.si_status;
	else
		*ret_status = 128 + info.si_status;
	return 0;
}

/* late_userns: the child whose maps the parent writes when it says it unshared */
struct late_map {
	const struct pm_runtime_spec *spec;
	pid_t pid;
};

/* Receive until the child has exec'd (EOF on the close-on-exec socket) or failed; with
 * until_mounted, until it says its mounts are done (returns 1); with lm, answers the
 * child's PM_RT_SYNC_UNSHARED by writing its maps. */
static int handshake(int syncfd, int winsize_from, int *master, bool until_mounted,
		     const struct late_map *lm, pm_error **err)
{
	for (;;) {
		struct pm_sync_msg msg;
		int r = pm_sync_recv(syncfd, &msg);
		if (r == -EPIPE)
			return 0;
		if (r < 0)
			return pm_error_set_errno(err, -r, "reading from the container init");
		if (msg.type == PM_SYNC_ERROR) {
			for (size_t i = 0; i < msg.nfds; i++)
				close(msg.fds[i]);
			pm_error_set(err, msg.err, "%s", msg.payload);
			if (*err && msg.status)
				(*err)->status = msg.status;
			return -(msg.err > 0 ? msg.err : EIO);
		}
		if (msg.type == PM_RT_SYNC_UNSHARED && msg.nfds == 0 && lm) {
			r = write_maps(lm->spec, lm->pid, err);
			if (r < 0)
				return r;
			r = pm_sync_send(syncfd, PM_RT_SYNC_MAPPED, NULL, 0, NULL, 0);
			if (r < 0)
				return pm_error_set_errno(err, -r, "talking to the container init");
			continue;
		}
		if (msg.type == PM_RT_SYNC_MOUNTED && msg.nfds == 0) {
			if (until_mounted)
				return 1;
			continue;
		}
		if (msg.type == PM_RT_SYNC_TTY && msg.nfds == 1 && *master < 0) {
			*master = msg.fds[0];
			if (winsize_from >= 0)
				pm_tty_copy_winsize(winsize_from, *master);
			r = pm_sync_send(syncfd, PM_SYNC_READY, NULL, 0, NULL, 0);
			if (r < 0)
				return pm_error_set_errno(err, -r, "talking to the container init");
			continue;
		}
		for (size_t i = 0; i < msg.nfds; i++)
			close(msg.fds[i]);
		return pm_error_set(err, EBADMSG, "unexpected message %u from the container init",
				    msg.type);
	}
}

/* The child right after clone: its stdio, no other fd of the caller's, then the init. */
__attribute__((noreturn)) static void child_main(const struct pm_runtime_spec *spec,
						 const struct pm_runtime_start_opts *o,
						 const struct pm_seccomp *sc, int childfd)
{
	/* the network namespace made beforehand, first: its fd may be one the dups below
	 * replace */
	if (o && o->netns_fd > 0 && setns(o->netns_fd, CLONE_NEWNET) < 0) {
		pm_sync_send_error(childfd, errno, PM_EXIT_ERROR,
				   "joining the container's network namespace: %s",
				   strerror(errno));
		_exit(PM_EXIT_ERROR);
	}
	for (int i = 0; i < 3; i++) {
		int fd = o ? o->stdio[i] : -1;
		if (fd < 0 || (i == 0 && !spec->stdin_open) || spec->tty)
			continue;
		if (fd == i ? fcntl(fd, F_SETFD, 0) < 0 : dup2(fd, i) < 0)
			_exit(PM_EXIT_ERROR);
	}
	/* Only stdio and the sync socket go on: nothing of the monitor leaks into the
	 * container (an --init reaper never execs, so close-on-exec alone is not enough). */
	/* --preserve-fds N: the caller's fds 3..3+N-1 go on too, the sync socket after them */
	int syncto = 3 + (int)spec->preserve_fds;
	if (childfd != syncto) {
		if (dup3(childfd, syncto, O_CLOEXEC) < 0)
			_exit(PM_EXIT_ERROR);
		if (childfd < syncto)
			close(childfd);
		childfd = syncto;
	}
	syscall(SYS_close_range, syncto + 1, ~0U, 0);
	/* Join another container's namespaces (we own them: same user namespace). */
	static const struct {
		size_t off;
		int type;
		const char *what;
	} joins[] = {
		{offsetof(struct pm_runtime_spec, netns_path), CLONE_NEWNET, "network"},
		{offsetof(struct pm_runtime_spec, ipcns_path), CLONE_NEWIPC, "ipc"},
		{offsetof(struct pm_runtime_spec, utsns_path), CLONE_NEWUTS, "uts"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(joins); i++) {
		const char *path = *(char *const *)((const char *)spec + joins[i].off);
		if (!path || (joins[i].type == CLONE_NEWNET && spec->host_net))
			continue;
		int nfd = open(path, O_RDONLY | O_CLOEXEC);
		if (nfd < 0 || setns(nfd, joins[i].type) < 0) {
			pm_sync_send_error(childfd, errno, PM_EXIT_ERROR,
					   "joining %s namespace '%s': %s", joins[i].what, path,
					   strerror(errno));
			_exit(PM_EXIT_ERROR);
		}
		close(nfd);
	}
	if (o && o->after_clone) {
		struct pm_sync_msg msg;
		if (pm_sync_recv(childfd, &msg) < 0 || msg.type != PM_RT_SYNC_GO)
			_exit(PM_EXIT_ERROR);
	}
	/* The cgroup namespace starts at the cgroup the after_clone hook put us in (the
	 * container's systemd scope), so it is made now, not at clone (crun's order); or
	 * another one is joined, or the caller's kept (--cgroupns). */
	if (spec->cgroupns_path) {
		int cfd = open(spec->cgroupns_path, O_RDONLY | O_CLOEXEC);
		if (cfd < 0 || setns(cfd, CLONE_NEWCGROUP) < 0) {
			pm_sync_send_error(childfd, errno, PM_EXIT_ERROR,
					   "joining cgroup namespace '%s': %s", spec->cgroupns_path,
					   strerror(errno));
			_exit(PM_EXIT_ERROR);
		}
		close(cfd);
	} else if (!spec->host_cgroupns && unshare(CLONE_NEWCGROUP) < 0) {
		pm_sync_send_error(childfd, errno, PM_EXIT_ERROR,
				   "creating the cgroup namespace: %s", strerror(errno));
		_exit(PM_EXIT_ERROR);
	}
	pm_init_child(spec, sc, childfd, o);
}

/* before_exec failed (*err says why) or sending PM_RT_SYNC_EXEC did (-r, *err unset): the
 * child either reports its own error and exits, or says its mounts are done. Its error,
 * when it has one, is the start's (a helper that failed because the child died may notice
 * first). Returns the start's error. */
static int child_word(int syncfd, int *master, int r, pm_error **err)
{
	_cleanup_error_ pm_error *child_err = NULL;
	int h = handshake(syncfd, -1, master, true, NULL, &child_err);
	if (h < 0 && child_err && err) {
		pm_error_free(*err);
		*err = TAKE_PTR(child_err);
		return h;
	}
	if (err && !*err)
		return pm_error_set_errno(err, -r, "talking to the container init");
	return r;
}

static void kill_and_reap(int pidfd)
{
	int ignored;
	pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
	wait_exit(pidfd, &ignored, NULL);
}

/* clone3 into the pid namespace at path, the child still ours: a short-lived helper joins
 * that namespace (setns(CLONE_NEWPID) only moves a process's later children, and cannot be
 * undone once we are there: the namespace we come from is owned by the host's user
 * namespace) and clones with CLONE_PARENT, so the container's init is our child, then
 * hands us its pidfd and exits. Returns what clone3 returns (0 in the child), or -EIO with
 * *err set (errno set too). */
static long clone_in_pidns(struct clone_args *ca, const char *path, pm_error **err)
{
	int sp[2];
	if (pm_sync_pair(sp, err) < 0)
		return -EIO;
	pid_t helper = fork();
	if (helper < 0) {
		int e = errno;
		close(sp[0]);
		close(sp[1]);
		pm_error_set_errno(err, e, "joining pid namespace '%s': fork", path);
		errno = e;
		return -EIO;
	}
	if (helper == 0) {
		close(sp[0]);
		int nfd = open(path, O_RDONLY | O_CLOEXEC);
		if (nfd < 0 || setns(nfd, CLONE_NEWPID) < 0) {
			pm_sync_send_error(sp[1], errno, PM_EXIT_ERROR,
					   "joining pid namespace '%s': %s", path, strerror(errno));
			_exit(1);
		}
		ca->flags |= CLONE_PARENT;
		ca->exit_signal =
			0; /* clone3 wants none with CLONE_PARENT: ours (SIGCHLD) is used */
		long pid = syscall(SYS_clone3, ca, sizeof(*ca));
		if (pid == 0) {
			close(sp[1]);
			close(nfd);
			return 0;
		}
		if (pid < 0) {
			pm_sync_send_error(sp[1], errno, PM_EXIT_ERROR, "clone3: %s",
					   strerror(errno));
			_exit(1);
		}
		int pidfd = *(int *)(uintptr_t)ca->pidfd;
		char buf[32];
		int n = snprintf(buf, sizeof(buf), "%ld", pid);
		pm_sync_send(sp[1], PM_SYNC_PID, buf, (size_t)n, &pidfd, 1);
		_exit(0);
	}
	close(sp[1]);
	struct pm_sync_msg msg;
	int r = pm_sync_expect(sp[0], PM_SYNC_PID, &msg, "the pid namespace helper", err);
	close(sp[0]);
	int status;
	while (waitpid(helper, &status, 0) < 0 && errno == EINTR)
		;
	if (r < 0) {
		errno = -r;
		return -EIO;
	}
	if (msg.nfds != 1) {
		for (size_t i = 0; i < msg.nfds; i++)
			close(msg.fds[i]);
		errno = EBADMSG;
		pm_error_set(err, EBADMSG, "the pid namespace helper sent no pidfd");
		return -EIO;
	}
	*(int *)(uintptr_t)ca->pidfd = msg.fds[0];
	return strtol(msg.payload, NULL, 10);
}

/* --time-offset: a new time namespace for our next children, its offsets written before any
 * process is in it. *ret_old is our own time namespace, to go back to (leave_timens) once
 * the container init was cloned, so that later children (health checks, helpers) keep the
 * host's clocks. */
static int enter_timens(const struct pm_runtime_spec *spec, int *ret_old, pm_error **err)
{
	*ret_old = open("/proc/self/ns/time", O_RDONLY | O_CLOEXEC);
	if (*ret_old < 0)
		return pm_error_set_errno(err, errno,
					  "--time-offset: this kernel has no time namespaces "
					  "(Linux 5.6 or later)");
	if (unshare(CLONE_NEWTIME) < 0) {
		int e = errno;
		close(*ret_old);
		*ret_old = -1;
		return pm_error_set_errno(err, e, "--time-offset: creating a time namespace");
	}
	char buf[128];
	int n = snprintf(buf, sizeof(buf), "monotonic %lld 0\nboottime %lld 0\n",
			 (long long)spec->time_monotonic, (long long)spec->time_boottime);
	_cleanup_close_ int fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, buf, (size_t)n) != n) {
		int e = errno;
		setns(*ret_old, CLONE_NEWTIME);
		close(*ret_old);
		*ret_old = -1;
		return pm_error_set(err, e,
				    "--time-offset monotonic=%lld,boottime=%lld: writing the time "
				    "namespace's offsets: %s",
				    (long long)spec->time_monotonic, (long long)spec->time_boottime,
				    strerror(e));
	}
	return 0;
}

static void leave_timens(int *old)
{
	if (*old < 0)
		return;
	if (setns(*old, CLONE_NEWTIME) < 0)
		pm_log_debug("going back to our time namespace: %m");
	close(*old);
	*old = -1;
}

int pm_runtime_start(const struct pm_runtime_spec *spec, const struct pm_runtime_start_opts *opts,
		     struct pm_runtime_proc *ret, pm_error **err)
{
	if (!spec->rootfs || !spec->args || !spec->args[0])
		return pm_error_set(err, EINVAL, "no rootfs or command to run");

	_cleanup_seccomp_ struct pm_seccomp *sc = NULL;
	int r = pm_seccomp_compile_cached(spec->seccomp, spec->caps.bounding, spec->privileged,
					  spec->seccomp_cache, &sc, err);
	if (r < 0)
		return r;
	r = write_etc_files(spec, err);
	if (r < 0)
		return r;

	int sp[2];
	r = pm_sync_pair(sp, err);
	if (r < 0)
		return r;
	_cleanup_close_ int syncfd = sp[0];
	_cleanup_close_ int childfd = sp[1];

	/* (no CLONE_NEWCGROUP: the child unshares it once it is in its own cgroup) */
	uint64_t flags = CLONE_PIDFD | CLONE_NEWNS;
	if (!spec->host_pid && !spec->pidns_path)
		flags |= CLONE_NEWPID;
	if (!spec->host_ipc && !spec->ipcns_path)
		flags |= CLONE_NEWIPC;
	if (!spec->host_uts && !spec->utsns_path)
		flags |= CLONE_NEWUTS;
	if (!spec->host_net && !spec->netns_path && !(opts && opts->netns_fd > 0))
		flags |= CLONE_NEWNET;
	if (spec->nuidmap) {
		if (!spec->late_userns)
			flags |= CLONE_NEWUSER;
		/* setns() into the rootless namespace made us non-dumpable, which makes the
		 * child's /proc/PID/uid_map owned by the host's root: we could not write it. */
		prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	}
	int pidfd = -1;
	struct clone_args ca = {
		.flags = flags,
		.pidfd = (uint64_t)(uintptr_t)&pidfd,
		.exit_signal = SIGCHLD,
	};
	fflush(stdout);
	fflush(stderr);
	int oldtime = -1;
	if (spec->timens && (r = enter_timens(spec, &oldtime, err)) < 0)
		return r;
	long pid = spec->pidns_path ? clone_in_pidns(&ca, spec->pidns_path, err)
				    : syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid != 0) {
		int e = errno;
		leave_timens(&oldtime);
		errno = e;
	}
	if (pid == -EIO)
		return -EIO; /* (*err set) */
	if (pid < 0) {
		int e = errno;
		return pm_error_set(err, e, "creating the container's namespaces: clone3: %s%s",
				    strerror(e),
				    e == EPERM || e == ENOSPC
					    ? " (are unprivileged user namespaces enabled? see "
					      "/proc/sys/user/max_user_namespaces)"
					    : "");
	}
	if (pid == 0) {
		close(syncfd);
		child_main(spec, opts, sc, childfd);
	}
	close(TAKE_FD(childfd));
	int master = -1;

	if (spec->nuidmap && !spec->late_userns) {
		r = write_maps(spec, (pid_t)pid, err);
		if (r < 0)
			goto fail;
	}
	if (opts && opts->after_clone) {
		r = opts->after_clone((pid_t)pid, opts->after_clone_data, err);
		if (r < 0)
			goto fail;
		r = pm_sync_send(syncfd, PM_RT_SYNC_GO, NULL, 0, NULL, 0);
		if (r < 0) {
			r = pm_error_set_errno(err, -r, "talking to the container init");
			goto fail;
		}
	}
	if (spec->nuidmap && !spec->late_userns) {
		r = pm_sync_send(syncfd, PM_RT_SYNC_MAPPED, NULL, 0, NULL, 0);
		if (r < 0) {
			r = pm_error_set_errno(err, -r, "talking to the container init");
			goto fail;
		}
	}
	if (opts && opts->before_exec) {
		r = opts->before_exec((pid_t)pid, opts->after_clone_data, err);
		if (r >= 0)
			r = pm_sync_send(syncfd, PM_RT_SYNC_EXEC, NULL, 0, NULL, 0);
		if (r < 0) {
			r = child_word(syncfd, &master, r, err);
			goto fail;
		}
	}
	struct late_map lm = {.spec = spec, .pid = (pid_t)pid};
	r = handshake(syncfd, opts ? opts->winsize_from : -1, &master, false,
		      spec->nuidmap && spec->late_userns && !spec->userns_path ? &lm : NULL, err);
	if (r < 0)
		goto fail;
	*ret = (struct pm_runtime_proc){.pid = (pid_t)pid, .pidfd = pidfd, .master = master};
	return 0;

fail:
	kill_and_reap(pidfd);
	close(pidfd);
	if (master >= 0)
		close(master);
	return r;
}
