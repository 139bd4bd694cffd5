/* spawn.c: start, wait for and end the network helper process (slirp4netns, pasta):
 * vfork and fd plumbing before exec, pidfd waits with deadlines (no sleep polling), kill
 * escalation; a new network namespace as an fd, and a socket made in one (short-lived
 * children sharing our memory and fd table).
 * Must not know about a particular helper's arguments. Called by slirp.c, pasta.c, lifetime.c. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/fileutil.h"
#include "lib/helper-output.h"
#include "lib/proc.h"
#include "lib/strutil.h"
#include "netslirp/spawn.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static int sys_pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static int sys_pidfd_send_signal(int pidfd, int sig)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

struct pm_net *pm_net_new(int mode)
{
	struct pm_net *n = pm_xcalloc(1, sizeof(*n));
	n->mode = mode;
	n->pidfd = -1;
	n->exit_fd = -1;
	n->relay_pidfd = -1;
	n->ready_fd = -1;
	n->route_fd = -1;
	n->netns_fd = -1;
	n->log_fd = -1;
	return n;
}

void pm_net_daemon_child_reset(void)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	setsid();
}

/* In the vfork child: never returns. It shares our memory until it execs: no allocation,
 * nothing written but its own stack; tmp has room for npass fds. */
__attribute__((noreturn, noinline)) static void child_exec(char *const argv[], const int *pass,
							   size_t npass, int *tmp, int log_fd,
							   int devnull, bool pdeathsig,
							   pid_t parent)
{
	if (pdeathsig && (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent))
		_exit(127);
	/* our handlers would run on the parent's memory: none from here to the exec */
	for (int sig = 1; sig < NSIG; sig++) {
		struct sigaction sa;
		if (sig != SIGKILL && sig != SIGSTOP && sigaction(sig, NULL, &sa) == 0 &&
		    sa.sa_handler != SIG_DFL && sa.sa_handler != SIG_IGN)
			signal(sig, SIG_DFL);
	}
	/* move the fds out of the way of 0..3+npass, then into place */
	for (size_t i = 0; i < npass; i++)
		if ((tmp[i] = fcntl(pass[i], F_DUPFD_CLOEXEC, (int)(64 + npass))) < 0)
			_exit(127);
	int out = fcntl(log_fd >= 0 ? log_fd : devnull, F_DUPFD_CLOEXEC, (int)(64 + npass));
	int in = fcntl(devnull, F_DUPFD_CLOEXEC, (int)(64 + npass));
	if (out < 0 || in < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(127);
	for (size_t i = 0; i < npass; i++)
		if (dup2(tmp[i], (int)(3 + i)) < 0)
			_exit(127);
	/* everything else goes at exec */
	if (syscall(SYS_close_range, 3 + npass, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		for (int fd = (int)(3 + npass); fd < 1024; fd++)
			(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	signal(SIGPIPE, SIG_DFL);
	setsid();
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execv(argv[0], argv);
	_exit(127);
}

int pm_net_spawn(char *const argv[], const int *pass, size_t npass, int log_fd, bool pdeathsig,
		 pid_t *ret_pid, int *ret_pidfd, pm_error **err)
{
	pid_t parent = getpid();
	_cleanup_close_ int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0)
		return pm_error_set_errno(err, errno, "opening /dev/null");
	_cleanup_free_ int *tmp = pm_xcalloc(npass ? npass : 1, sizeof(int));
	/* vfork (issue #20): no copy of our page tables, and we go on once it has exec'd;
	 * every signal blocked meanwhile, so that none runs a handler in the child */
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	pid_t pid = vfork();
	if (pid == 0)
		child_exec(argv, pass, npass, tmp, log_fd, devnull, pdeathsig, parent);
	int e = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0)
		return pm_error_set_errno(err, e, "starting '%s'", argv[0]);
	int pidfd = sys_pidfd_open(pid);
	if (pidfd < 0) {
		e = errno;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return pm_error_set_errno(err, e, "pidfd_open for '%s'", argv[0]);
	}
	*ret_pid = pid;
	*ret_pidfd = pidfd;
	return 0;
}

/* The netns holder: a child in a new network namespace, sharing our memory (on a stack of
 * its own) but not our fd table. It only keeps its namespace alive until we have opened it
 * (EOF on the pipe), then exits; we do not wait for it to run (issue #20: under load a new
 * task waits milliseconds for a CPU, and the namespace is made in our clone call anyway).
 * Its first act closes its copies of our fds but the pipe's read end (close_range, 5.9), so
 * it holds no lock of ours, nor the pipe's write end; pm_net_launch reaps it before it
 * returns, so it never holds one past our own (a lock of ours is held by us meanwhile) nor
 * outlives us as a zombie.
 * No errno is written (it would be ours): every signal is blocked, close_range and read
 * succeed. */
#define HOLDER_STACK (64 * 1024)
static int netns_holder(void *arg)
{
	const int *p = arg;
	char c;
	if (p[0] > 0)
		syscall(SYS_close_range, 0U, (unsigned)p[0] - 1, 0U);
	syscall(SYS_close_range, (unsigned)p[0] + 1, ~0U, 0U);
	(void)!read(p[0], &c, 1);
	return 0;
}

/* the last holder, reaped by pm_net_launch, the next pm_net_netns_new or pm_net_netns_reap */
static pid_t holder_pid;
static void *holder_stack;

void pm_net_netns_reap(bool block)
{
	if (holder_pid <= 0)
		return;
	pid_t r;
	while ((r = waitpid(holder_pid, NULL, __WALL | (block ? 0 : WNOHANG))) < 0 &&
	       errno == EINTR)
		;
	if (r == 0)
		return; /* still there: next time */
	munmap(holder_stack, HOLDER_STACK);
	holder_pid = 0;
	holder_stack = NULL;
}

struct socket_in {
	int nsfd, domain, type, protocol;
	int fd; /* the socket, or -errno */
};

/* The socket maker's child: our memory and fd table, its own network namespace. */
static int socket_in_child(void *arg)
{
	struct socket_in *a = arg;
	if (setns(a->nsfd, CLONE_NEWNET) < 0) {
		a->fd = -errno;
		return 0;
	}
	a->fd = socket(a->domain, a->type, a->protocol);
	if (a->fd < 0)
		a->fd = -errno;
	return 0;
}

int pm_net_socket_in(int netns_fd, int domain, int type, int protocol)
{
	static char stack[16384] __attribute__((aligned(16)));
	struct socket_in a = {netns_fd, domain, type, protocol, -EIO};
	pid_t pid = clone(socket_in_child, stack + sizeof(stack),
			  CLONE_VM | CLONE_VFORK | CLONE_FILES | SIGCHLD, &a);
	if (pid < 0)
		return -errno;
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return a.fd;
}

int pm_net_netns_new(int *ret_fd, pm_error **err)
{
	pm_net_netns_reap(true);
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return pm_error_set_errno(err, errno, "pipe");
	void *stack = mmap(NULL, HOLDER_STACK, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED) {
		int e = errno;
		close(p[0]);
		close(p[1]);
		return pm_error_set_errno(err, e, "creating a network namespace");
	}
	/* the fd numbers where the holder reads them when it runs, maybe after we returned:
	 * at the bottom of its own stack, not in our frame */
	int *fds = stack;
	fds[0] = p[0];
	fds[1] = p[1];
	/* no exit signal: only a __WALL wait sees it (nobody else reaps it by mistake) */
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	pid_t pid = clone(netns_holder, (char *)stack + HOLDER_STACK, CLONE_VM | CLONE_NEWNET, fds);
	int e = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		munmap(stack, HOLDER_STACK);
		return pm_error_set_errno(err, e, "creating a network namespace");
	}
	holder_pid = pid;
	holder_stack = stack;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	e = errno;
	close(p[1]); /* the holder may go now */
	close(p[0]);
	if (fd < 0)
		return pm_error_set_errno(err, e, "opening the new network namespace");
	*ret_fd = fd;
	return 0;
}

int pm_net_wait_exit(pid_t pid, int pidfd, bool is_child, int timeout_ms, int *ret_status)
{
	if (pm_pidfd_wait(pidfd, timeout_ms) <= 0)
		return -ETIMEDOUT;
	if (is_child) {
		int st;
		while (waitpid(pid, &st, 0) < 0)
			if (errno != EINTR)
				return -errno;
		if (ret_status)
			*ret_status = st;
	}
	return 0;
}

int pm_net_kill_wait(pid_t pid, int *pidfd, bool is_child, bool skip_term, int timeout_ms)
{
	if (*pidfd < 0 || (is_child && pid <= 0))
		return 0;
	int r = -ETIMEDOUT;
	if (skip_term || sys_pidfd_send_signal(*pidfd, SIGTERM) == 0 || errno == ESRCH)
		r = pm_net_wait_exit(pid, *pidfd, is_child, timeout_ms, NULL);
	if (r == -ETIMEDOUT) {
		sys_pidfd_send_signal(*pidfd, SIGKILL);
		r = pm_net_wait_exit(pid, *pidfd, is_child, 5000, NULL);
	}
	close(*pidfd);
	*pidfd = -1;
	return r;
}

void pm_net_kill_nowait(int *pidfd)
{
	if (*pidfd < 0)
		return;
	sys_pidfd_send_signal(*pidfd, SIGTERM);
	close(*pidfd);
	*pidfd = -1;
}

char *pm_net_log_reason(const char *path)
{
	_cleanup_free_ char *data = NULL;
	if (!path || pm_read_file(path, 1 << 20, &data, NULL, NULL) < 0)
		return NULL;
	return pm_helper_reason(data);
}
