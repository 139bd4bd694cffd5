/* hooks.h: OCI hooks from the global --hooks-dir (podman's hooks.d JSON, version 1.0.0):
 * {"version":"1.0.0","hook":{"path":..,"args":[..],"env":[..],"timeout":N},
 *  "when":{"always":bool,"commands":[regex..]},"stages":["prestart","poststop",..]}.
 * Only the directories given with --hooks-dir are read (podman's default directories are
 * not); a file of a later directory replaces one of the same name. The monitor runs the
 * prestart (and createRuntime) hooks once the container's init exists, before its command
 * runs, and the poststop hooks after it exited; each gets the OCI state JSON on stdin. A
 * "when" with annotations or hasBindMounts only is not matched (not implemented). Called
 * by engine/monitor.c. Never prints. */
#pragma once

#include <sys/types.h>

#include "lib/error.h"

/* The --hooks-dir directories, newline-separated, for the processes that run hooks. */
#define PM_HOOKS_DIR_ENV "_PM_HOOKS_DIR"

/* A detached container's command path and bundle, set by its monitor for the exit command
 * (pm container cleanup --exited) that runs its poststop hooks. */
#define PM_HOOKS_CMD_ENV    "_PM_HOOKS_CMD"
#define PM_HOOKS_BUNDLE_ENV "_PM_HOOKS_BUNDLE"

/* Run the hooks of stage ("prestart", "poststop") that apply to a container with this
 * command. status is the state's ("creating", "stopped"; runc's), pid its init's (0: none,
 * left out).
 * A hook that cannot run or exits non-zero: -EIO naming it (the caller fails a prestart,
 * ignores a poststop). No --hooks-dir: 0, nothing read. */
int pm_hooks_run(const char *stage, const char *id, pid_t pid, const char *status,
		 const char *bundle, char *const *args, pm_error **err);
