/* init.h: the container init, the child side of pm_runtime_start (its error record and
 * sync messages: runtime/child-err.h). Internal to runtime/. */
#pragma once

#include <stdbool.h>

#include "runtime/child-err.h"
#include "runtime/runtime.h"

/* The child after clone: set up and exec (or run the --init reaper). Never returns:
 * a failure is sent over syncfd as PM_SYNC_ERROR and the child _exit()s. With
 * o->before_exec: its mounts done, wait for PM_RT_SYNC_EXEC (the parent's before_exec
 * hook) before it goes on. o's OCI hooks: createContainer before pivot_root,
 * startContainer before the exec (runtime/oci-hooks.h). o may be NULL. */
struct pm_seccomp;
__attribute__((noreturn)) void pm_init_child(const struct pm_runtime_spec *spec,
					     const struct pm_seccomp *seccomp, int syncfd,
					     const struct pm_runtime_start_opts *o);

/* Find the command the way execvp would, in the container (after pivot_root, as the final
 * user): a name without '/' is looked up in path (NULL: the default PATH). Returns a
 * malloc'd path, or NULL with e filled: status 127 when not found, 126 when found but not
 * executable. */
char *pm_init_resolve_command(const char *cmd, const char *path, struct pm_child_err *e);

/* --ulimit: setrlimit each of s->rlimits (before the privileges go); a refused one is
 * recorded in e with status 126 (podman's). Used by the init and by exec. */
int pm_init_set_rlimits(const struct pm_runtime_spec *s, struct pm_child_err *e);
