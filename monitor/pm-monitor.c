/* pm-monitor.c: the program a detached container keeps for its lifetime (conmon's role).
 * The detached monitor (engine/monitor.c) starts the container with all of pm, then execs
 * this: the container stays our child and we stay its subreaper, the signals the relay
 * handles stay blocked, and its fds arrive by number. Here: relay the output to the log
 * and attach clients (engine/mon-io.c) until the container exits, end the network helper,
 * write the exit file, run the exit command (`pm container cleanup --exited ID`: state,
 * unmount, --rm, restart policy) unless a `pm stop` that waits for us will clean up
 * (its "stopped" marker), then give attach clients the exit status.
 *
 * Linked statically against libc and the few objects it needs (no jansson, seccomp, ...),
 * so a running container costs ~0.7 MiB here instead of a copy of pm. Must not print (its
 * stdio is /dev/null) and must not poll. Internal: its arguments are not an interface.
 *
 *   pm-monitor --id ID --rundir DIR --log PATH --log-max-size N --pid PID --pidfd FD
 *              [--pty FD | --stdout FD --stderr FD [--stdin FD]] [--attach FD] [--client FD]
 *              [--net-pidfd FD [--net-exit-fd FD] [--net-relay-pidfd FD] [--net-wait]]
 *              -- EXIT-COMMAND... */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine/mon-io.h"
#include "lib/fileutil.h"
#include "monitor/port-relay.h"

#define NET_STOP_TIMEOUT_MS 5000

struct args {
	const char *id, *rundir, *log;
	unsigned long long log_max;
	int net_pidfd, net_exit_fd, net_relay_pidfd;
	bool net_wait;
	char **exit_command;
};

/* A non-negative int (an fd or a pid), -1 when s is not one. */
static int parse_num(const char *s)
{
	char *end = NULL;
	errno = 0;
	long v = strtol(s, &end, 10);
	return errno || !end || end == s || *end || v < 0 || v > INT_MAX ? -1 : (int)v;
}

static int parse_args(int argc, char **argv, struct args *a, struct pm_mon_io *io)
{
	enum {
		ID = 1,
		RUNDIR,
		LOG,
		LOGMAX,
		PID,
		PIDFD,
		PTY,
		OUT,
		ERR,
		IN,
		ATTACH,
		CLIENT,
		NETPIDFD,
		NETEXIT,
		NETRELAY,
		NETWAIT
	};
	static const struct option opts[] = {
		{"id", required_argument, NULL, ID},
		{"rundir", required_argument, NULL, RUNDIR},
		{"log", required_argument, NULL, LOG},
		{"log-max-size", required_argument, NULL, LOGMAX},
		{"pid", required_argument, NULL, PID},
		{"pidfd", required_argument, NULL, PIDFD},
		{"pty", required_argument, NULL, PTY},
		{"stdout", required_argument, NULL, OUT},
		{"stderr", required_argument, NULL, ERR},
		{"stdin", required_argument, NULL, IN},
		{"attach", required_argument, NULL, ATTACH},
		{"client", required_argument, NULL, CLIENT},
		{"net-pidfd", required_argument, NULL, NETPIDFD},
		{"net-exit-fd", required_argument, NULL, NETEXIT},
		{"net-relay-pidfd", required_argument, NULL, NETRELAY},
		{"net-wait", no_argument, NULL, NETWAIT},
		{NULL, 0, NULL, 0},
	};
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case ID:
			a->id = optarg;
			break;
		case RUNDIR:
			a->rundir = optarg;
			break;
		case LOG:
			a->log = optarg;
			break;
		case LOGMAX:
			a->log_max = strtoull(optarg, NULL, 10);
			break;
		case PID:
			io->pid = (pid_t)parse_num(optarg);
			break;
		case PIDFD:
			io->pidfd = parse_num(optarg);
			break;
		case PTY:
			io->master = parse_num(optarg);
			break;
		case OUT:
			io->out_r = parse_num(optarg);
			break;
		case ERR:
			io->err_r = parse_num(optarg);
			break;
		case IN:
			io->in_w = parse_num(optarg);
			break;
		case ATTACH:
			io->lfd = parse_num(optarg);
			break;
		case CLIENT: /* an attach client connected before the start (pm run -it) */
			if (parse_num(optarg) < 0 || io->nclients >= PM_MON_MAX_CLIENTS)
				return -EINVAL;
			io->clients[io->nclients++] = parse_num(optarg);
			break;
		case NETPIDFD:
			a->net_pidfd = parse_num(optarg);
			break;
		case NETEXIT:
			a->net_exit_fd = parse_num(optarg);
			break;
		case NETRELAY:
			a->net_relay_pidfd = parse_num(optarg);
			break;
		case NETWAIT:
			a->net_wait = true;
			break;
		default:
			return -EINVAL;
		}
	}
	if (!a->id || !a->rundir || io->pid <= 0 || io->pidfd < 0 || optind >= argc)
		return -EINVAL;
	a->exit_command = argv + optind;
	return 0;
}

static void cloexec(int fd)
{
	if (fd >= 0)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
}

static bool wait_fd(int fd, int timeout_ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	for (;;) {
		int n = poll(&p, 1, timeout_ms);
		if (n < 0 && errno == EINTR)
			continue;
		return n > 0;
	}
}

/* End a helper: it leaves when its exit fd hangs up (already closed) or on SIGTERM (no
 * exit fd); SIGKILL after the timeout. */
static void end_helper(int pidfd, bool term)
{
	if (term)
		syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, NULL, 0);
	if (!wait_fd(pidfd, NET_STOP_TIMEOUT_MS)) {
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
		wait_fd(pidfd, NET_STOP_TIMEOUT_MS);
	}
}

/* As pm_net_stop: slirp4netns and the port relay leave when their exit fd hangs up, pasta
 * on SIGTERM. Without published ports slirp4netns is not waited for (its tap teardown is
 * slow and nothing depends on it). Our children: reaped with the rest below. */
static void net_stop(struct args *a)
{
	if (a->net_pidfd < 0)
		return;
	if (a->net_exit_fd >= 0)
		close(a->net_exit_fd);
	if (a->net_relay_pidfd >= 0) {
		end_helper(a->net_relay_pidfd, false);
		close(a->net_relay_pidfd);
	}
	if (a->net_wait || a->net_exit_fd < 0)
		end_helper(a->net_pidfd, a->net_exit_fd < 0);
	close(a->net_pidfd);
}

static void reap_all(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

static void write_exit_file(const char *rundir, int status)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	char data[64];
	int n = snprintf(data, sizeof(data), "%d %" PRId64 "\n", status,
			 (int64_t)(ts.tv_sec * 1000000000LL + ts.tv_nsec));
	char *path = pm_path_join(rundir, "exit");
	pm_write_file_atomic_flags(path, data, (size_t)n, 0600, PM_WRITE_NOSYNC, NULL);
	free(path);
}

static bool stopped_by_user(const char *rundir)
{
	char *path = pm_path_join(rundir, "stopped");
	bool r = access(path, F_OK) == 0;
	free(path);
	return r;
}

/* Run the exit command with the signals it expects and wait for it. */
static void run_exit_command(char **argv, const sigset_t *blocked)
{
	pid_t pid = fork();
	if (pid == 0) {
		sigprocmask(SIG_UNBLOCK, blocked, NULL);
		signal(SIGPIPE, SIG_DFL);
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0)
		return;
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "port-relay") == 0)
		return pm_monitor_port_relay(argc - 1, argv + 1);
	struct args a = {.net_pidfd = -1, .net_exit_fd = -1, .net_relay_pidfd = -1};
	struct pm_mon_io io;
	pm_mon_io_init(&io);
	if (parse_args(argc, argv, &a, &io) < 0)
		return 125;
	/* ours now: not for the exit command */
	int fds[] = {io.pidfd, io.master,   io.out_r,	   io.err_r,	     io.in_w,
		     io.lfd,   a.net_pidfd, a.net_exit_fd, a.net_relay_pidfd};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		cloexec(fds[i]);
	for (size_t i = 0; i < io.nclients; i++)
		cloexec(io.clients[i]);
	sigset_t set;
	pm_mon_io_block_signals(&set, NULL);
	io.sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (a.log)
		pm_ctr_log_open(a.log, a.log_max, &io.log, NULL);

	int status = pm_mon_io_relay(&io);

	pm_ctr_log_close(io.log, NULL);
	io.log = NULL;
	if (io.lfd >= 0) {
		/* no new client for a container that is gone */
		char *path = pm_path_join(a.rundir, "attach");
		unlink(path);
		free(path);
		close(io.lfd);
		io.lfd = -1;
	}
	net_stop(&a);
	reap_all();
	write_exit_file(a.rundir, status);
	/* a `pm stop` (or rm -f) waits for us and cleans up itself: no second pm process */
	if (!stopped_by_user(a.rundir))
		run_exit_command(a.exit_command, &set);
	pm_mon_io_notify_exit(&io, status);
	return 0;
}
