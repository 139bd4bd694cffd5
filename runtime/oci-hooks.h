/* oci-hooks.h: the OCI hooks the container init runs itself (createContainer before
 * pivot_root, startContainer before the command execs: runtime-spec config.md "Lifecycle"),
 * as runc and crun run them: fork and exec in the init's namespaces, the state JSON on
 * stdin (the init's own pid and the stage's status set in it), killed after their timeout.
 * The engine chooses them (engine/hooks.h). Runs in the child only. Never prints. */
#pragma once

#include <stddef.h>

#include "runtime/child-err.h"
#include "runtime/runtime.h"

/* Run the n hooks v in order with state (status replaced by status, pid by getpid()). The
 * first that cannot run, exits non-zero or runs past its timeout: < 0 with e filled
 * (status 126, podman's runtime error). */
int pm_rt_hooks_run(const struct pm_runtime_hook *v, size_t n, const char *state,
		    const char *status, struct pm_child_err *e);
