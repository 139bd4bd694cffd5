/* tty.c: the user's terminal in the parent of a foreground exec process: raw mode, window
 * size, the byte pump, signal forwarding and the relay loop (pm_tty_relay) used by
 * runtime/exec.c; raw mode also by the monitor and the attach client (engine/monitor.c). The
 * child's side (the pty itself) is runtime/pty.c. Must not print. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/pidfd.h>
#include <sys/signalfd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lib/log.h"
#include "runtime/tty.h"

bool pm_tty_make_raw(int fd, struct termios *saved)
{
	if (!isatty(fd) || tcgetattr(fd, saved) < 0)
		return false;
	struct termios raw = *saved;
	cfmakeraw(&raw);
	return tcsetattr(fd, TCSANOW, &raw) == 0;
}

void pm_tty_restore(int fd, const struct termios *saved)
{
	tcsetattr(fd, TCSANOW, saved);
}

void pm_tty_copy_winsize(int from, int to)
{
	struct winsize ws;
	if (ioctl(from, TIOCGWINSZ, &ws) == 0)
		ioctl(to, TIOCSWINSZ, &ws);
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

ssize_t pm_tty_pump(int in, int out)
{
	char buf[16384];
	ssize_t n = read(in, buf, sizeof(buf));
	if (n < 0)
		return errno == EIO ? 0 : -errno; /* EIO: the pty's other side is gone */
	if (n == 0)
		return 0;
	int r = write_all(out, buf, (size_t)n);
	return r < 0 ? r : n;
}

int pm_tty_forward_signals(sigset_t *old)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
	sigset_t fwd;
	sigemptyset(&fwd);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&fwd, sigs[i]);
	/* blocked before the process exists, so no signal is lost */
	sigprocmask(SIG_BLOCK, &fwd, old);
	return signalfd(-1, &fwd, SFD_CLOEXEC);
}

static void relay_signal(int pidfd, int sigfd, int master, const char *what)
{
	struct signalfd_siginfo si;
	if (read(sigfd, &si, sizeof(si)) != sizeof(si))
		return;
	if (si.ssi_signo == SIGWINCH) {
		if (master >= 0)
			pm_tty_copy_winsize(STDIN_FILENO, master);
		return;
	}
	pm_log_debug("forwarding signal %u to %s", si.ssi_signo, what);
	pidfd_send_signal(pidfd, (int)si.ssi_signo, NULL, 0);
}

void pm_tty_relay(int pidfd, int sigfd, int master, bool stdin_open, const char *what)
{
	bool in_open = master >= 0 && stdin_open;
	bool master_open = master >= 0;
	for (;;) {
		struct pollfd p[4] = {
			{.fd = pidfd, .events = POLLIN},
			{.fd = sigfd, .events = POLLIN},
			{.fd = master_open ? master : -1, .events = POLLIN},
			{.fd = in_open ? STDIN_FILENO : -1, .events = POLLIN},
		};
		if (poll(p, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (p[1].revents & POLLIN)
			relay_signal(pidfd, sigfd, master, what);
		if (p[2].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = pm_tty_pump(master, STDOUT_FILENO);
			if (n <= 0 && n != -EAGAIN && n != -EINTR)
				master_open = false;
		}
		if (p[3].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = pm_tty_pump(STDIN_FILENO, master);
			if (n <= 0 && n != -EAGAIN && n != -EINTR)
				in_open = false;
		}
		if (p[0].revents & POLLIN) {
			/* Drain what the process wrote before it exited. */
			while (master_open) {
				struct pollfd m = {.fd = master, .events = POLLIN};
				if (poll(&m, 1, 0) <= 0 || pm_tty_pump(master, STDOUT_FILENO) <= 0)
					break;
			}
			return;
		}
	}
}
