/* monitor.h: the engine's side of the per-container monitor (conmon's role, pm's own
 * code): starting a container under a monitor, being the monitor in process (attached),
 * the restart policy, and the attach client. The monitor's own code (the relay, the log
 * writer, the files it shares with the engine, the detached monitor's life after exec)
 * is the monitor module (monitor/); the paths are in engine/ctr-paths.h, the files of the
 * run dir (pids, exit, stopped) in monitor/rundir.h, the "mark exited" step in
 * engine/ctr-state.h.
 *
 * Two ways to be the monitor, one relay (monitor/mon-io.c):
 *   - detached (run -d, start, restart): the cli forks once; the child calls setsid()
 *     (the cli's child until the cli exits), becomes a child subreaper, clones the container init,
 * reports "started" (or the setup error) over a sync socket, then execs pm-monitor
 *     (monitor/pm-monitor.c, monitor/detached.h): a small statically linked program,
 *     so that what stays for the container's lifetime is ~0.8 MiB and not a copy of pm.
 *     The container stays its child (exec keeps children and the subreaper flag), fds
 *     are handed over by number. When the container exits pm-monitor writes the exit
 *     file, runs the exit command `pm container cleanup --exited ID` (podman's conmon
 *     --exit-command): record the exit, unmount, network files, --rm, restart policy (a
 *     restart is a new detached start), then tells attach clients the status and ends.
 *     After a `pm stop` (its "stopped" marker) it runs no exit command: the stopping pm
 *     waits for the monitor's end and runs the same cleanup itself (pm_engine_stop), one
 *     process fewer per stop.
 *   - attached (foreground `pm run`, `start -a`): the cli itself is the monitor, in
 *     process. Why: the perf target of `pm run --rm IMG true` (no second fork, no relay
 *     of every byte through a socket, no wait for a detached process), and the container
 *     still gets everything a detached one gets: output in the log (so `pm logs` works for
 *     every container) besides the user's stdout/stderr, an attach socket, the exit
 *     recorded the same way. The cost: killing the foreground cli kills the container
 *     (its init has PR_SET_PDEATHSIG), as with a foreground `docker run` whose daemon
 *     connection drops; `pm stop` and `pm kill` work on it as on any other.
 *
 * The attach protocol: monitor/mon-io.h.
 *
 * Called by engine/run.c (start) and cli/ (attach). Never prints. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "engine/container.h"
#include "engine/engine.h"
#include "engine/spec.h"
#include "engine/validate.h"
#include "lib/error.h"
#include "monitor/mon-io.h"
#include "netslirp/net.h"
#include "runtime/runtime.h"

/* ---- restart policy (struct pm_restart_policy and its parser: engine/validate.h) ------- */

/* Should an exit with `status` restart, after `restarts` restarts so far? Never after a
 * stop by the user. */
bool pm_monitor_should_restart(const struct pm_restart_policy *p, int status, unsigned restarts,
			       bool stopped_by_user);

/* Sleep before restart number restarts+1: 100 ms doubling up to 6.4 s, so that
 * `--restart always false` does not spin. */
void pm_monitor_restart_backoff(unsigned restarts);

/* ---- the monitor -------------------------------------------------------------------------- */

/* What engine/run.c hands the monitor: the container, its configuration and runtime spec
 * (owned by the caller), the lock fd the caller holds while the state goes to "running". */
struct pm_monitor_setup {
	const struct pm_engine *e;
	struct pm_container *c;
	const struct pm_container_config *cfg;
	const struct pm_runtime_spec *spec;
	int lock_fd;
	/* its network (engine/net.h): the monitor runs the helper for slirp4netns/pasta; NULL
	 * for none */
	const struct pm_net_config *net;
	/* Attached only: its helper launched already (pm_net_launch, issue #20) for the network
	 * namespace netns_fd, which the init joins; the monitor makes it ready before the
	 * command runs, and owns it from the call on, whatever the outcome. NULL: the helper
	 * starts in the runtime's before_exec hook, for the namespace the clone made. */
	struct pm_net *net_launched;
	int netns_fd;
	/* Detached: an attach client connected before the container starts (one end of a
	 * socketpair; the caller keeps the other, e.g. `pm run -it`), so it misses no output.
	 * -1: none. */
	int attach_fd;
	/* Detached, with a tty: a terminal (the attach client's) whose size the pty has
	 * before the container starts. -1: none. */
	int winsize_from;
};

/* Attached: be the monitor in this process. Starts the container (a setup failure returns
 * with *err, status 125/126/127, nothing running), writes the state "running" (the caller
 * holds the lock: setup->lock_fd is closed here once the state is written), relays output
 * to stdout/stderr and the log, stdin to the container, forwards signals, records the exit
 * and returns its status in *ret_status. Restart policies apply. Does not unmount or
 * remove (the caller does). */
int pm_monitor_run_attached(const struct pm_monitor_setup *setup, int *ret_status, pm_error **err);

/* Detached: fork a monitor, in a session of its own, that starts the container. Returns once the
 * container has exec'd (state "running" written, pids recorded) or failed (*err with its status;
 * nothing left running). The lock is released when this returns (closed). The monitor
 * unmounts the rootfs and applies --rm when the container is done. */
int pm_monitor_spawn(const struct pm_monitor_setup *setup, pm_error **err);

/* ---- attach (client side) ------------------------------------------------------------------ */

struct pm_attach_opts {
	bool stdin;		 /* relay our stdin */
	bool tty;		 /* the container has a tty: raw mode, resize */
	const char *detach_keys; /* "ctrl-p,ctrl-q" (NULL: that; "": none) */
	bool sig_proxy; /* forward INT TERM HUP QUIT USR1 USR2 to its PID 1 (pm_engine_kill) */
	/* the client of an exec session (engine/exec-session.h): signals go to the session's
	 * process through its monitor (PM_ATTACH_SIGNAL); no container state to read when the
	 * monitor goes away */
	bool exec_session;
};

/* Connect to c's attach socket and relay until the container exits (*ret_status = its exit
 * status, returns 0), the user detaches (returns 1) or stdout goes away. -ENOTCONN with
 * *err when c is not running or has no monitor socket. */
int pm_engine_attach(const struct pm_engine *e, const struct pm_container *c,
		     const struct pm_attach_opts *opts, int *ret_status, pm_error **err);

/* The same over fd, an attach socket already connected (pm_monitor_setup.attach_fd's other
 * end); fd is closed. */
int pm_engine_attach_fd(const struct pm_engine *e, const struct pm_container *c, int fd,
			const struct pm_attach_opts *opts, int *ret_status, pm_error **err);
