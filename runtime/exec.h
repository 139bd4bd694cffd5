/* exec.h: run a process inside a running container (`pm exec`).
 *
 * The engine computes the process settings as a struct pm_runtime_spec (args, env, cwd,
 * uid/gid/groups, caps, no_new_privs, seccomp, tty, stdin_open: engine/spec.c from the
 * container's config, then the exec flags on top) and calls pm_runtime_exec() with the
 * container init's pid. The runtime forks a helper that joins every namespace of that
 * process that differs from pm's own (user, mount, pid, uts, ipc, net, cgroup) with one
 * setns() on a pidfd, takes the container's root directory, and clones the exec process
 * into the container's pid namespace (as a child of pm, CLONE_PARENT); that process applies
 * the settings the way the container init does (runtime/init.c) and execs. Failures come
 * back over a sync socket naming the step, with status 125 (setup), 126 (cannot invoke) or
 * 127 (not found). Must not print. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/error.h"
#include "runtime/runtime.h"

/* The exec process handed to the caller (pm_exec_opts.handover): it is the caller's child;
 * the caller relays (the pty master, -1 without -t) and reaps it (pidfd). */
struct pm_exec_proc {
	pid_t pid;
	int pidfd;
	int master;
};

struct pm_exec_opts {
	pid_t pid;	       /* the container init, in pm's pid view */
	bool detach;	       /* -d: stdio is /dev/null, a session of its own; without handover
				* not waited for (not the caller's child) */
	uint64_t seccomp_caps; /* the capability mask the container's filter was built with */
	int output_fd;	       /* >= 0 (not detached): its stdout and stderr, stdin /dev/null */
	int64_t timeout_ms;    /* > 0 (not detached): SIGKILL after this long, status -1 */
	/* non-NULL: return once the process has exec'd, handing it over here (an exec
	 * session's monitor, engine/exec-session.c, relays and reaps it); the caller's
	 * terminal is not touched */
	struct pm_exec_proc *handover;
	int winsize_from; /* -t: the terminal whose size the pty gets (0: stdin) */
	/* non-NULL: called once the process has exec'd (not when the exec failed), before it
	 * is waited for (engine/exec.c records podman's "exec" event there) */
	void (*started)(void *ctx);
	void *started_ctx;
};

/* Run spec->args in the container of opts->pid. Only the process fields of spec are used
 * (args, env, cwd, uid, gid, groups, caps, no_new_privs, privileged (for the seccomp
 * default), seccomp, seccomp_cache, tty, stdin_open). Without detach: returns 0 with the
 * process's exit status in *ret_status (128+N for a signal), forwarding SIGINT, SIGTERM,
 * SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 to it and relaying the pty for tty (status -1 when
 * opts->timeout_ms passed and it was killed). With detach or handover: returns 0 once the
 * process has exec'd (*ret_status 0). */
int pm_runtime_exec(const struct pm_runtime_spec *spec, const struct pm_exec_opts *opts,
		    int *ret_status, pm_error **err);

/* Which namespaces of pid differ from the caller's: CLONE_NEW* flags for setns(), or
 * -errno when pid's namespaces cannot be read (the process is gone). */
int pm_exec_ns_flags(pid_t pid, unsigned *ret_flags);
