/* exec-session.h: an exec process that outlives pm (conmon's exec sessions): `pm exec -d`,
 * and `pm exec -it` on a terminal, which the detach keys leave running. A detached process
 * of its own (double fork, setsid) starts the exec process as its child
 * (runtime/exec.h, pm_exec_opts.handover), reports it, and execs `pm-monitor exec`
 * (monitor/exec-session.h) to relay its pty and record its exit in the session's dir,
 * <run dir>/exec/<session id>/exit (removed with the run dir at the container's cleanup).
 * The container's end kills the session's process. A plain `pm exec` (no -d, no terminal
 * to detach from) does not come here: it stays pm's child (runtime/exec.c), as fast as
 * before. Called by engine/exec.c. Never prints. */
#pragma once

#include <stdbool.h>

#include "engine/container.h"
#include "engine/engine.h"
#include "lib/error.h"
#include "runtime/exec.h"
#include "runtime/runtime.h"

/* Start spec (o: its pid, detach, seccomp) as a session of c. attach: this process is the
 * session's client from the start: raw terminal, stdin to the pty, its signals forwarded,
 * until the process exits (*ret_status its status, returns 0) or the user types
 * detach_keys (NULL: ctrl-p,ctrl-q; returns 1, *ret_status 0). Without attach (-d):
 * returns 0 once the process has exec'd. *ret_id (may be NULL): the session's id.
 * Setup failures: *err with 125/126/127, nothing left running. */
int pm_exec_session_run(const struct pm_engine *e, const struct pm_container *c,
			const struct pm_runtime_spec *spec, const struct pm_exec_opts *o,
			bool attach, const char *detach_keys, int *ret_status, char **ret_id,
			pm_error **err);

/* The ids of c's exec sessions (running or ended, until the container's cleanup), as
 * inspect's ExecIDs; NULL for none. */
char **pm_exec_session_ids(const struct pm_engine *e, const struct pm_container *c);

/* container cleanup --exec ID: an ended session of c is left as it is (its exit file stays
 * for inspect until the container's cleanup, as podman's ExecIDs do); a running one is
 * refused, an unknown id is -ENOENT (podman's messages). */
int pm_exec_session_cleanup(const struct pm_engine *e, const struct pm_container *c, const char *id,
			    pm_error **err);
