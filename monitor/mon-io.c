/* mon-io.c: the monitor's relay (see mon-io.h). Owns the poll loop, the attach socket's
 * server side and the exit message. Must stay libc-only (plus the log writer): it is
 * linked statically into pm-monitor. Never prints. Called by engine/monitor.c (the
 * foreground monitor) and monitor/detached.c (pm-monitor's life). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "monitor/mon-io.h"
#include "monitor/rundir.h"

#define BUF_SIZE 8192

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

void pm_mon_io_init(struct pm_mon_io *io)
{
	*io = (struct pm_mon_io){.pidfd = -1,
				 .master = -1,
				 .out_r = -1,
				 .err_r = -1,
				 .in_w = -1,
				 .sigfd = -1,
				 .lfd = -1,
				 .primary = -1,
				 .timeout_fd = -1,
				 .ctr_pidfd = -1,
				 .defer_fd = -1};
}

int pm_mon_io_set_timeout(struct pm_mon_io *io, unsigned long long seconds)
{
	if (!seconds)
		return 0;
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (fd < 0)
		return -errno;
	struct itimerspec its = {.it_value = {.tv_sec = (time_t)seconds}};
	if (timerfd_settime(fd, 0, &its, NULL) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	io->timeout_fd = fd;
	return 0;
}

void pm_mon_io_block_signals(sigset_t *set, sigset_t *old)
{
	static const int sigs[] = {SIGINT,  SIGTERM, SIGHUP,   SIGQUIT,
				   SIGUSR1, SIGUSR2, SIGWINCH, SIGCHLD};
	sigemptyset(set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(set, sigs[i]);
	sigprocmask(SIG_BLOCK, set, old);
}

int pm_mon_io_listen(const char *rundir)
{
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	int dfd = open(rundir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct sockaddr_un sa;
	pm_mon_attach_addr(dfd, &sa);
	if (dfd >= 0)
		unlinkat(dfd, PM_MON_ATTACH, 0);
	if (dfd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 8) < 0) {
		int e = errno;
		close(fd);
		if (dfd >= 0)
			close(dfd);
		return -e;
	}
	close(dfd);
	return fd;
}

static void set_nonblock(int fd)
{
	int fl = fd >= 0 ? fcntl(fd, F_GETFL) : -1;
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void pm_mon_io_write_all(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			struct pollfd p = {.fd = fd, .events = POLLOUT};
			poll(&p, 1, -1);
			continue;
		}
		if (w <= 0)
			return;
		buf += w;
		n -= (size_t)w;
	}
}

static void drop_client(struct pm_mon_io *io, size_t i)
{
	if (io->clients[i] == io->primary)
		io->primary = -1;
	close(io->clients[i]);
	io->clients[i] = io->clients[--io->nclients];
}

static void broadcast(struct pm_mon_io *io, const char *msg, size_t len)
{
	for (size_t i = 0; i < io->nclients;) {
		ssize_t n = send(io->clients[i], msg, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		/* the terminal of pm run -it waits for nothing else: it gets every byte, the
		 * container waiting on it as it would on a terminal of its own */
		while (n < 0 && (errno == EAGAIN || errno == EINTR) &&
		       io->clients[i] == io->primary) {
			struct pollfd p = {.fd = io->clients[i], .events = POLLOUT};
			if (poll(&p, 1, -1) < 0 && errno != EINTR)
				break;
			n = send(io->clients[i], msg, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			drop_client(io, i);
			continue;
		}
		i++; /* a client too slow to keep up loses output, the container never waits */
	}
}

/* Output of one stream: buf[0] is free for the message type, the data is buf[1..n]. */
static void emit(struct pm_mon_io *io, int stream, char *buf, size_t n)
{
	if (io->log)
		pm_ctr_log_write(io->log, stream == 2 ? PM_LOG_STDERR : PM_LOG_STDOUT, buf + 1, n,
				 NULL);
	if (io->attached && !(io->unattached & (1u << stream)))
		pm_mon_io_write_all(stream == 2 ? STDERR_FILENO : STDOUT_FILENO, buf + 1, n);
	if (io->nclients) {
		buf[0] = (char)(stream == 2 ? PM_ATTACH_STDERR : PM_ATTACH_STDOUT);
		broadcast(io, buf, n + 1);
	}
}

/* Read what fd has now; false when it is done (EOF or error). */
static bool pump_output(struct pm_mon_io *io, int fd, int stream)
{
	char buf[BUF_SIZE + 1];
	for (;;) {
		ssize_t n = read(fd, buf + 1, BUF_SIZE);
		if (n > 0) {
			emit(io, stream, buf, (size_t)n);
			if (n < BUF_SIZE)
				return true;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		return n < 0 && errno == EAGAIN;
	}
}

static void container_input(struct pm_mon_io *io, const char *buf, size_t n)
{
	int fd = io->master >= 0 ? io->master : io->in_w;
	if (fd >= 0)
		pm_mon_io_write_all(fd, buf, n);
}

static void client_msg(struct pm_mon_io *io, size_t i)
{
	char buf[BUF_SIZE + 1];
	ssize_t n = recv(io->clients[i], buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		drop_client(io, i);
		return;
	}
	switch (buf[0]) {
	case PM_ATTACH_STDIN:
		container_input(io, buf + 1, (size_t)n - 1);
		break;
	case PM_ATTACH_STDIN_CLOSE:
		close_fd(&io->in_w);
		break;
	case PM_ATTACH_RESIZE:
		if (n >= 5 && io->master >= 0) {
			struct winsize ws = {0};
			memcpy(&ws.ws_row, buf + 1, 2);
			memcpy(&ws.ws_col, buf + 3, 2);
			ioctl(io->master, TIOCSWINSZ, &ws);
		}
		break;
	case PM_ATTACH_SIGNAL:
		if (n >= 5) {
			int32_t sig;
			memcpy(&sig, buf + 1, 4);
			if (sig > 0 && sig < NSIG)
				syscall(SYS_pidfd_send_signal, io->pidfd, (int)sig, NULL, 0);
		}
		break;
	default:
		break;
	}
}

static void accept_client(struct pm_mon_io *io)
{
	int fd = accept4(io->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	if (io->nclients >= PM_MON_MAX_CLIENTS) {
		close(fd);
		return;
	}
	io->clients[io->nclients++] = fd;
}

static void reap_others(struct pm_mon_io *io)
{
	/* Orphans of the container (with --pid=host) and our helpers reparent to us, the
	 * subreaper. Reap them, never the init: its exit is taken through the pidfd. */
	for (;;) {
		siginfo_t info = {0};
		if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) < 0 || info.si_pid == 0)
			return;
		if (info.si_pid == io->pid)
			return;
		waitpid(info.si_pid, NULL, WNOHANG);
	}
}

static void on_signal(struct pm_mon_io *io)
{
	struct signalfd_siginfo si;
	if (read(io->sigfd, &si, sizeof(si)) != sizeof(si))
		return;
	switch (si.ssi_signo) {
	case SIGCHLD:
		reap_others(io);
		break;
	case SIGWINCH:
		if (io->attached && io->master >= 0) {
			struct winsize ws;
			if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
				ioctl(io->master, TIOCSWINSZ, &ws);
		}
		break;
	default:
		syscall(SYS_pidfd_send_signal, io->pidfd, (int)si.ssi_signo, NULL, 0);
		break;
	}
}

static int reap_init(struct pm_mon_io *io)
{
	siginfo_t info = {0};
	int status = 255;
	for (;;) {
		if (waitid((idtype_t)P_PIDFD, (id_t)io->pidfd, &info, WEXITED) == 0) {
			status = info.si_code == CLD_EXITED ? info.si_status : 128 + info.si_status;
			break;
		}
		if (errno != EINTR)
			break;
	}
	close_fd(&io->pidfd);
	return status;
}

int pm_mon_io_relay(struct pm_mon_io *io)
{
	bool tty = io->master >= 0;
	set_nonblock(io->out_r);
	set_nonblock(io->err_r);
	set_nonblock(io->master);
	int outfd = tty ? io->master : io->out_r;
	io->timed_out = false; /* a restart's run: the timeout was the first one's */
	for (;;) {
		struct pollfd p[11 + PM_MON_MAX_CLIENTS];
		p[0] = (struct pollfd){.fd = io->pidfd, .events = POLLIN};
		p[1] = (struct pollfd){.fd = io->sigfd, .events = POLLIN};
		p[2] = (struct pollfd){.fd = outfd, .events = POLLIN};
		p[3] = (struct pollfd){.fd = io->err_r, .events = POLLIN};
		p[4] = (struct pollfd){.fd = io->user_in ? STDIN_FILENO : -1, .events = POLLIN};
		p[5] = (struct pollfd){.fd = io->lfd, .events = POLLIN};
		struct pm_mon_health *h = io->health;
		p[6] = (struct pollfd){.fd = h ? h->timerfd : -1, .events = POLLIN};
		p[7] = (struct pollfd){.fd = h ? h->pidfd : -1, .events = POLLIN};
		p[8] = (struct pollfd){.fd = io->timeout_fd, .events = POLLIN};
		p[9] = (struct pollfd){.fd = io->ctr_pidfd, .events = POLLIN};
		p[10] = (struct pollfd){.fd = io->defer_fd, .events = POLLIN};
		size_t nc = io->nclients;
		for (size_t i = 0; i < nc; i++)
			p[11 + i] = (struct pollfd){.fd = io->clients[i], .events = POLLIN};
		if (poll(p, 11 + nc, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents & POLLIN)
			on_signal(io);
		if (p[2].revents && !pump_output(io, outfd, 1)) {
			if (tty)
				close_fd(&io->master);
			else
				close_fd(&io->out_r);
			outfd = -1;
		}
		if (p[3].revents && !pump_output(io, io->err_r, 2))
			close_fd(&io->err_r);
		if (p[4].revents) {
			char buf[BUF_SIZE];
			ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n > 0)
				container_input(io, buf, (size_t)n);
			else if (n == 0 || (errno != EINTR && errno != EAGAIN))
				io->user_in = false;
		}
		/* by fd: output above may have dropped clients and reordered the array */
		for (size_t i = 0; i < nc; i++) {
			if (!p[11 + i].revents)
				continue;
			for (size_t k = 0; k < io->nclients; k++)
				if (io->clients[k] == p[11 + i].fd) {
					client_msg(io, k);
					break;
				}
		}
		if (p[5].revents & POLLIN)
			accept_client(io);
		if (p[7].revents)
			pm_mon_health_event(h, p[7].fd);
		if (p[6].revents)
			pm_mon_health_event(h, p[6].fd);
		if (p[8].revents) {
			/* --timeout: the container's time is up */
			close_fd(&io->timeout_fd);
			io->timed_out = true;
			syscall(SYS_pidfd_send_signal, io->pidfd, SIGKILL, NULL, 0);
		}
		if (p[9].revents) {
			/* an exec session's container ended: the process goes with it, also when
			 * it is not in the container's pid namespace (--pid=host) */
			close_fd(&io->ctr_pidfd);
			syscall(SYS_pidfd_send_signal, io->pidfd, SIGKILL, NULL, 0);
		}
		if (p[10].revents) {
			close_fd(&io->defer_fd);
			io->deferred(io->deferred_arg);
		}
		if (p[0].revents & POLLIN)
			break;
	}
	/* Drain what the container wrote before it exited (background processes that keep
	 * the pipes open do not hold us: non-blocking reads until empty). */
	if (outfd >= 0)
		pump_output(io, outfd, 1);
	if (io->err_r >= 0)
		pump_output(io, io->err_r, 2);
	close_fd(&io->master);
	close_fd(&io->out_r);
	close_fd(&io->err_r);
	close_fd(&io->in_w);
	close_fd(&io->timeout_fd);
	close_fd(&io->ctr_pidfd);
	int status = reap_init(io);
	return io->timed_out ? 255 : status;
}

void pm_mon_io_notify_exit(struct pm_mon_io *io, int status)
{
	char msg[5] = {PM_ATTACH_EXIT};
	int32_t v = status;
	memcpy(msg + 1, &v, 4);
	for (size_t i = 0; i < io->nclients; i++)
		send(io->clients[i], msg, sizeof(msg), MSG_NOSIGNAL);
	while (io->nclients)
		drop_client(io, io->nclients - 1);
}
