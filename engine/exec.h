/* exec.h: `pm exec`: a process in a running container, with the container's namespaces and
 * privileges. The process settings come from the container's own configuration (through
 * engine/spec.c, as for the container itself), then the exec flags on top. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "engine/run.h"
#include "lib/error.h"
#include "runtime/runtime.h"

/* What `pm exec` asks. Strings are owned (pm_exec_config_clear). */
struct pm_exec_config {
	char **args;	  /* the command, args[0] non-NULL */
	char **env;	  /* -e as given: KEY=VAL, KEY (the host's value) or a glob */
	char **env_files; /* --env-file paths */
	char *workdir;	  /* -w, NULL: the container's */
	char *user;	  /* -u, NULL: the container's */
	bool interactive;
	bool tty;
	bool detach;
	bool privileged;
	/* -it on a terminal: an exec session (engine/exec-session.h) this process is attached
	 * to, which detach_keys leave running (NULL: ctrl-p,ctrl-q; not owned) */
	bool detachable;
	const char *detach_keys;
	/* a health check (engine/health.c): > 0, the process's stdout and stderr (stdin
	 * /dev/null); timeout_ns > 0: killed after it, status -1 */
	int output_fd;
	int64_t timeout_ns;
};

void pm_exec_config_clear(struct pm_exec_config *x);

/* Turn the container's process spec into the exec process's: args, env files then -e on
 * top of the container's environment (host_env: for "KEY" and globs), working directory,
 * terminal and stdin, and with privileged every capability (the seccomp filter stays the
 * container's, as podman does). The user (-u) is resolved by pm_spec_to_runtime before. */
int pm_exec_apply(struct pm_runtime_spec *spec, const struct pm_exec_config *x,
		  char *const *host_env, pm_error **err);

/* Run x in the container ref (name, id or id prefix). *ret_status: the process's exit
 * status (0 with detach, or when the user detached). x->detach and x->detachable run it as
 * an exec session under a monitor of its own (engine/exec-session.h), whose id is
 * *ret_session (may be NULL; else NULL). Errors: no such container (125), "can only create exec
 * sessions on running containers: container state improper" (125), a setup step (125), the command
 * cannot be invoked (126) or was not found (127). */
int pm_engine_exec(const struct pm_engine *e, const char *ref, const struct pm_exec_config *x,
		   int *ret_status, char **ret_session, pm_error **err);
