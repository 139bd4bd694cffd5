/* pm-monitor.c: the program a detached container keeps for its lifetime (conmon's role):
 * its arguments, then the monitor's life (monitor/detached.h); or, as `pm-monitor
 * port-relay`, the loopback port relay (monitor/port-relay.h). The engine's spawner
 * (engine/monitor.c) starts the container with all of pm, then execs this.
 *
 * Linked statically against libc and the monitor module (no jansson, seccomp, ...), so a
 * running container costs ~0.8 MiB here instead of a copy of pm. Must not print (its
 * stdio is /dev/null). Internal: its arguments are not an interface.
 *
 *   pm-monitor --id ID --rundir DIR --log PATH --log-max-size N --pid PID --pidfd FD
 *              [--pty FD | --stdout FD --stderr FD [--stdin FD]] [--attach FD] [--client FD]
 *              [--net-pidfd FD [--net-exit-fd FD] [--net-relay-pidfd FD] [--net-wait]]
 *              [--health-interval NS [--health-start NS]]
 *              [--health-startup NS --health-startup-done PATH] [--timeout SECONDS]
 *              [--sync PATH]... -- EXIT-COMMAND...
 *
 * or, as `pm-monitor exec ...`, an exec session's monitor (monitor/exec-session.h). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lib/strutil.h"
#include "monitor/detached.h"
#include "monitor/exec-session.h"
#include "monitor/port-relay.h"

/* A non-negative int (an fd or a pid), -1 when s is not one. */
static int parse_num(const char *s)
{
	char *end = NULL;
	errno = 0;
	long v = strtol(s, &end, 10);
	return errno || !end || end == s || *end || v < 0 || v > INT_MAX ? -1 : (int)v;
}

static int parse_args(int argc, char **argv, struct pm_mon_detached *a)
{
	struct pm_mon_io *io = &a->io;
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
		NETWAIT,
		HINTERVAL,
		HSTART,
		HSTARTUP,
		HSTARTUPDONE,
		TIMEOUT,
		SYNC
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
		{"health-interval", required_argument, NULL, HINTERVAL},
		{"health-start", required_argument, NULL, HSTART},
		{"health-startup", required_argument, NULL, HSTARTUP},
		{"health-startup-done", required_argument, NULL, HSTARTUPDONE},
		{"timeout", required_argument, NULL, TIMEOUT},
		{"sync", required_argument, NULL, SYNC},
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
			io->primary = parse_num(optarg);
			io->clients[io->nclients++] = io->primary;
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
		case HINTERVAL:
			a->health_interval = strtoll(optarg, NULL, 10);
			break;
		case HSTART:
			a->health_start = strtoll(optarg, NULL, 10);
			break;
		case HSTARTUP:
			a->health_startup = strtoll(optarg, NULL, 10);
			break;
		case HSTARTUPDONE:
			a->health_startup_done = optarg;
			break;
		case TIMEOUT:
			if (pm_mon_io_set_timeout(io, strtoull(optarg, NULL, 10)) < 0)
				return -EINVAL;
			break;
		case SYNC:
			pm_strv_push(&a->sync_paths, optarg);
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

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "port-relay") == 0)
		return pm_monitor_port_relay(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "exec") == 0)
		return pm_mon_exec_session_main(argc - 1, argv + 1);
	struct pm_mon_detached d;
	pm_mon_detached_init(&d);
	int ret = 125;
	if (parse_args(argc, argv, &d) >= 0) {
		/* the container's status is ours: a systemd unit whose main process we are
		 * (--sdnotify) sees the container's failure (Restart=on-failure); an end asked
		 * by `pm stop` (the unit's ExecStop) is a clean one */
		int status = pm_mon_detached_run(&d);
		ret = d.stopped ? 0 : status & 0xff;
	}
	pm_strv_free(d.sync_paths);
	return ret;
}
