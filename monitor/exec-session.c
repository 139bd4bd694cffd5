/* exec-session.c: `pm-monitor exec`, an exec session's monitor (see exec-session.h): its
 * arguments, the relay (monitor/mon-io.h) and the exit file. libc only. Never prints. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "monitor/exec-session.h"
#include "monitor/mon-io.h"
#include "monitor/rundir.h"

static int parse_num(const char *s)
{
	char *end = NULL;
	errno = 0;
	long v = strtol(s, &end, 10);
	return errno || !end || end == s || *end || v < 0 || v > INT_MAX ? -1 : (int)v;
}

static void cloexec(int fd)
{
	if (fd >= 0)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
}

int pm_mon_exec_session_main(int argc, char **argv)
{
	enum { RUNDIR = 1, PID, PIDFD, PTY, CLIENT, CTRPIDFD };
	static const struct option opts[] = {
		{"rundir", required_argument, NULL, RUNDIR},
		{"pid", required_argument, NULL, PID},
		{"pidfd", required_argument, NULL, PIDFD},
		{"pty", required_argument, NULL, PTY},
		{"client", required_argument, NULL, CLIENT},
		{"ctr-pidfd", required_argument, NULL, CTRPIDFD},
		{NULL, 0, NULL, 0},
	};
	struct pm_mon_io io;
	pm_mon_io_init(&io);
	const char *rundir = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case RUNDIR:
			rundir = optarg;
			break;
		case PID:
			io.pid = (pid_t)parse_num(optarg);
			break;
		case PIDFD:
			io.pidfd = parse_num(optarg);
			break;
		case PTY:
			io.master = parse_num(optarg);
			break;
		case CLIENT:
			if (parse_num(optarg) < 0)
				return 125;
			io.primary = parse_num(optarg);
			io.clients[io.nclients++] = io.primary;
			break;
		case CTRPIDFD:
			io.ctr_pidfd = parse_num(optarg);
			break;
		default:
			return 125;
		}
	}
	if (!rundir || io.pid <= 0 || io.pidfd < 0 || optind != argc)
		return 125;
	int fds[] = {io.pidfd, io.master, io.ctr_pidfd, io.primary};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		cloexec(fds[i]);
	sigset_t set;
	pm_mon_io_block_signals(&set, NULL);
	signal(SIGPIPE, SIG_IGN);
	io.sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	/* the relay closes its copy when the container ends */
	int ctr = io.ctr_pidfd >= 0 ? fcntl(io.ctr_pidfd, F_DUPFD_CLOEXEC, 3) : -1;
	int status = pm_mon_io_relay(&io);
	/* a session that ended with its container goes with the container's run dir */
	struct pollfd p = {.fd = ctr, .events = POLLIN};
	if (ctr < 0 || poll(&p, 1, 0) == 0)
		pm_mon_write_session_exit(rundir, status);
	if (ctr >= 0)
		close(ctr);
	pm_mon_io_notify_exit(&io, status);
	if (io.sigfd >= 0)
		close(io.sigfd);
	return status & 0xff;
}
