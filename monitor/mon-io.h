/* mon-io.h: the monitor's relay, shared by the two monitors (see engine/monitor.h): the
 * foreground cli that is its container's monitor, and the small exec'd pm-monitor program
 * (monitor/pm-monitor.c) that a detached container keeps. It moves the container's output
 * to the k8s-file log, to attach clients and (attached) to our stdout/stderr; stdin and
 * resizes from attach clients (and our stdin) to the container; forwards the signals
 * it was given to the container's PID 1; reaps other children; returns the exit status.
 * No polling: one poll() on the pidfd, the pipes, a signalfd and the sockets.
 *
 * Uses only libc and the log writer (monitor/log-writer.h): pm-monitor links it statically,
 * and its size is what every running container costs. Never prints. */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "monitor/health.h"
#include "monitor/log-writer.h"

#define PM_MON_MAX_CLIENTS 16

/* The attach protocol (SOCK_SEQPACKET, one message = one type byte + payload):
 *   monitor -> client: PM_ATTACH_STDOUT/STDERR + bytes, PM_ATTACH_EXIT + int32 status
 *   client -> monitor: PM_ATTACH_STDIN + bytes, PM_ATTACH_STDIN_CLOSE,
 *                      PM_ATTACH_RESIZE + uint16 rows, uint16 cols,
 *                      PM_ATTACH_SIGNAL + int32 signo (to the process; an exec session's
 *                      client forwards its signals so) */
enum {
	PM_ATTACH_STDIN = 0,
	PM_ATTACH_STDOUT = 1,
	PM_ATTACH_STDERR = 2,
	PM_ATTACH_EXIT = 3,
	PM_ATTACH_STDIN_CLOSE = 4,
	PM_ATTACH_RESIZE = 5,
	PM_ATTACH_SIGNAL = 6,
};

struct pm_mon_io {
	pid_t pid;  /* the container's PID 1 (our child) */
	int pidfd;  /* its pidfd */
	int master; /* the pty master (a tty container), else -1 */
	int out_r;  /* its stdout/stderr pipes (no tty), -1 when closed */
	int err_r;
	int in_w;  /* its stdin pipe (detached -i without a tty), else -1 */
	int sigfd; /* signalfd of the set pm_mon_io_block_signals() blocked */
	int lfd;   /* the listening attach socket, or -1 */
	int clients[PM_MON_MAX_CLIENTS];
	size_t nclients;
	int primary;	 /* the client that loses no output (pm run -it's own), else -1 */
	pm_ctr_log *log; /* NULL: no log */
	bool attached;	 /* also relay to our stdout/stderr, resize from our stdin's tty */
	bool user_in;	 /* relay our stdin to the container (attached, tty and -i) */
	/* attached, but not these streams (bit 1 stdout, bit 2 stderr: run --attach) */
	unsigned unattached;
	struct pm_mon_health *health; /* periodic health checks (monitor/health.h), or NULL */
	int timeout_fd; /* --timeout: a timerfd that kills PID 1 when it fires, or -1 */
	bool timed_out; /* it fired: the status is 255 (podman's) */
	/* an exec session's (monitor/exec-session.h): the container init's pidfd; when it
	 * exits, the exec process is killed (SIGKILL), or -1 */
	int ctr_pidfd;
	/* work for later (the detached monitor's fsync of a run -d's record): when the timerfd
	 * defer_fd fires, it is closed (-1) and deferred(deferred_arg) runs once; -1 for none.
	 * The relay leaves it open when the container ends first. */
	int defer_fd;
	void (*deferred)(void *arg);
	void *deferred_arg;
};

/* Every fd -1, no clients. */
void pm_mon_io_init(struct pm_mon_io *io);

/* Block the signals the relay handles (INT TERM HUP QUIT USR1 USR2 WINCH CHLD) into *set,
 * the old mask into *old (may be NULL). */
void pm_mon_io_block_signals(sigset_t *set, sigset_t *old);

/* Listen on "<rundir>/attach" (SOCK_SEQPACKET, non-blocking, close-on-exec; bound through
 * /proc/self/fd so a long rundir works). Returns the fd or a negative errno. */
int pm_mon_io_listen(const char *rundir);

/* --timeout: kill the container's PID 1 (SIGKILL) seconds from now (0: never). Returns 0
 * or a negative errno. */
int pm_mon_io_set_timeout(struct pm_mon_io *io, unsigned long long seconds);

/* Relay until the container's PID 1 exits, drain what it wrote, close its pipes and the
 * pty, reap it (closing the pidfd). Returns its exit status (128+N for signal N). */
int pm_mon_io_relay(struct pm_mon_io *io);

/* Send every attach client the exit message with status, and drop them. */
void pm_mon_io_notify_exit(struct pm_mon_io *io, int status);

/* write() all of buf to fd (a non-blocking fd waits in poll()); gives up on an error. */
void pm_mon_io_write_all(int fd, const char *buf, size_t n);
