/* exec-session.c: `pm-monitor exec`, an exec session's monitor (see exec-session.h): its
 * arguments, the relay (monitor/mon-io.h) and the exit file. libc only. Never prints. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/events.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"
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

/* Append the exec_died event of template (lib/events.h pm_event_template: "PATH\nLINE")
 * with the exit code and the time now, in one write as pm_event_write does. */
static void write_event(char *template, int code)
{
	char *line = template ? strchr(template, '\n') : NULL;
	char *t = line ? strstr(line, ",\"Time\":\"") : NULL;
	char *tend = t ? strchr(t + 9, '"') : NULL;
	if (!tend || line[1] != '{')
		return;
	*line++ = '\0';
	*t = '\0';
	/* Go's RFC3339Nano in UTC (lib/timeutil.h pm_time_format_rfc3339nano_utc, which links
	 * what the monitor does not) */
	char now[64], c[32] = "";
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%S", &tm);
	long ns = ts.tv_nsec;
	int digits = 9;
	while (ns && ns % 10 == 0) {
		ns /= 10;
		digits--;
	}
	if (ns)
		snprintf(now + n, sizeof(now) - n, ".%0*ldZ", digits, ns);
	else
		snprintf(now + n, sizeof(now) - n, "Z");
	if (code)
		snprintf(c, sizeof(c), "\"ContainerExitCode\":%d,", code);
	_cleanup_free_ char *ev = pm_xasprintf("{%s%s,\"Time\":\"%s%s\n", c, line + 1, now, tend);
	const int flags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW;
	int fd = open(template, flags, 0600);
	if (fd < 0 && errno == ENOENT) {
		char *slash = strrchr(template, '/');
		if (slash) {
			*slash = '\0';
			pm_mkdir_p(template, 0700, NULL);
			*slash = '/';
		}
		fd = open(template, flags, 0600);
	}
	if (fd >= 0) {
		(void)!write(fd, ev, strlen(ev));
		close(fd);
	}
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
	/* read now: a container that ends takes the session's dir with it */
	_cleanup_free_ char *event = NULL;
	{
		_cleanup_free_ char *path = pm_path_join(rundir, PM_MON_EXEC_EVENT);
		pm_read_file(path, PM_EVENT_LINE_MAX + PATH_MAX, &event, NULL, NULL);
	}
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
	write_event(event, status);
	pm_mon_io_notify_exit(&io, status);
	if (io.sigfd >= 0)
		close(io.sigfd);
	return status & 0xff;
}
