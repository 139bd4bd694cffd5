/* detached.h: the life of a detached container's monitor (conmon's role), what the
 * pm-monitor program (monitor/pm-monitor.c) does once the engine's spawner
 * (engine/monitor.c) has started the container and exec'd it: the container is our child
 * and we are its subreaper, the signals the relay handles are blocked, the fds arrive by
 * number. Relay the output to the log and attach clients (monitor/mon-io.h) until the
 * container exits; end the network helpers; write the exit file (monitor/rundir.h); run
 * the exit command (`pm container cleanup --exited ID`: state, unmount, --rm, restart
 * policy) unless a `pm stop` that waits for us will clean up itself (its stop marker);
 * then give attach clients the exit status. Meanwhile, with a health check interval, run
 * the periodic checks (monitor/health.h).
 *
 * libc, lib/, netslirp/ and this module only: pm-monitor links it statically, and its size
 * is what every running container costs. Must not print (its stdio is /dev/null), must not
 * sleep-poll (it waits on fds: signalfd, pidfds, the relay's fds). */
#pragma once

#include <stdbool.h>

#include "monitor/mon-io.h"

#define PM_MON_EXIT_TAIL 4

struct pm_mon_detached {
	const char *id, *rundir, *log;
	unsigned long long log_max; /* --log-opt max-size (0: unlimited) */
	/* the network helper (slirp4netns/pasta) and the port relay, handed over by the
	 * spawner (netslirp/net.h, pm_net_handover); -1 for none */
	int net_pidfd, net_exit_fd, net_relay_pidfd;
	bool net_wait;	     /* wait for the helper's end (it holds published ports) */
	char **exit_command; /* argv, NULL-terminated */
	/* --health-interval/--health-start (ns): periodic `pm healthcheck run ID`, the exit
	 * command's program and global options (all of it but its last PM_MON_EXIT_TAIL words,
	 * `container cleanup --exited ID`) with `healthcheck run ID` (monitor/health.h) */
	long long health_interval, health_start;
	/* --health-startup NS --health-startup-done PATH: the startup check first */
	long long health_startup;
	const char *health_startup_done;
	/* --sync PATH...: run -d's record, written without fsync (engine.h sync_later), made
	 * durable SYNC_GRACE_MS after the start (or at the container's end, if sooner) unless
	 * the container is being removed or the first path, its record, is gone: a script's
	 * run -d + rm -f syncs nothing. NULL for none. */
	char **sync_paths;
	struct pm_mon_io io; /* pid, pidfd, pty or pipes, attach socket */
	bool stopped;	     /* set by run: a `pm stop` (or rm -f) ended the container */
};

/* Every fd -1, the io initialised (pm_mon_io_init). */
void pm_mon_detached_init(struct pm_mon_detached *d);

/* Run the monitor until the container has exited and the exit is handed on (see above).
 * Returns the container's exit status. */
int pm_mon_detached_run(struct pm_mon_detached *d);
