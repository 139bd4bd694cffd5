/* hooks.h: OCI hooks (podman's hooks.d JSON, oci-hooks(5), version 1.0.0):
 * {"version":"1.0.0","hook":{"path":..,"args":[..],"env":[..],"timeout":N},
 *  "when":{"always":bool,"annotations":{KEYRE:VALRE},"commands":[RE..],"hasBindMounts":bool},
 *  "stages":["prestart","poststop",..]}.
 * The directories of the global --hooks-dir, else podman's default
 * (/usr/share/containers/oci/hooks.d, containers.conf's hooks_dir; podman 4.3 reads it
 * rootless too, and not /etc/containers/oci/hooks.d); a file of a later directory replaces
 * one of the same name, and the files run in the order of their names across all the
 * directories (pm_hooks_name_cmp), as podman's. Every file is read and validated as podman does (a
 * bad one fails the start: "setting up OCI Hooks: ..."; one whose hook.path does not exist is
 * skipped). "when": each condition given must hold, and one at least be given (podman's
 * When.Match). Stages run: prestart and createRuntime once the container's init exists, before its
 * command runs; poststart once it runs (errors ignored); poststop after it exited (errors
 * ignored). createContainer and startContainer run inside the container (the runtime's
 * init runs them, runtime/oci-hooks.h): pm_hooks_collect lists them for the start.
 * Each hook gets the OCI state JSON on stdin and is killed after its timeout. Called by
 * engine/monitor.c and engine/run.c. Never prints. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "lib/error.h"
#include "runtime/runtime.h"

/* The --hooks-dir directories, newline-separated, for the processes that run hooks. */
#define PM_HOOKS_DIR_ENV "_PM_HOOKS_DIR"

/* A detached container's command path and bundle, set by its monitor for the exit command
 * (pm container cleanup --exited) that runs its poststop hooks. */
#define PM_HOOKS_CMD_ENV    "_PM_HOOKS_CMD"
#define PM_HOOKS_BUNDLE_ENV "_PM_HOOKS_BUNDLE"

#define PM_HOOKS_DEFAULT_DIR "/usr/share/containers/oci/hooks.d"

/* What the hooks see and are matched against. */
struct pm_hooks_state {
	const char *id;
	pid_t pid;	    /* the init's; 0: none, left out of the state */
	const char *status; /* runc's: "creating", "created", "stopped" */
	const char *bundle;
	char *const *args;	  /* the command (when.commands matches args[0]) */
	char *const *annotations; /* KEY=VAL (when.annotations, the state's) */
	bool bind_mounts;	  /* -v, --mount, --tmpfs, --volumes-from (when.hasBindMounts) */
};

/* Run the hooks of stage that apply to the container.
 * A hook file podman refuses, a hook that cannot run, exits non-zero or times out: < 0 with
 * *err (exit status 126, as podman's) (the caller fails a prestart, ignores a poststop). */
int pm_hooks_run(const char *stage, const struct pm_hooks_state *s, pm_error **err);

/* The state JSON the hooks get on stdin (runc's: ociVersion, id, status, pid when > 0,
 * bundle, annotations), malloc'd. */
char *pm_hooks_state_json(const struct pm_hooks_state *s);

/* The hooks of stage that apply to the container, for the runtime to run (createContainer,
 * startContainer): *ret (pm_hooks_list_free), *ret_n; a hook file podman refuses: < 0 with
 * *err (126). */
int pm_hooks_collect(const char *stage, const struct pm_hooks_state *s,
		     struct pm_runtime_hook **ret, size_t *ret_n, pm_error **err);
void pm_hooks_list_free(struct pm_runtime_hook *v, size_t n);

/* The order podman runs hook files in, by their names (not their directories): Unicode
 * collation with case ignored (punctuation, then digits, then letters). <0, 0, >0. */
int pm_hooks_name_cmp(const char *a, const char *b);
