/* init.h: the container init (child side of pm_runtime_run) and the error record its steps
 * fill. Internal to runtime/. */
#pragma once

#include <stdbool.h>

#include "runtime/runtime.h"

/* Sync message types between run.c (parent) and init.c (child). */
enum {
	PM_RT_SYNC_MAPPED = 64 + 1, /* parent -> child: uid/gid maps written, go on */
	PM_RT_SYNC_TTY,		    /* child -> parent: the pty master (one fd) */
};

/* What failed in the child: a one-line message and the exit status hint (0 = 125). */
struct pm_child_err {
	int status;
	char msg[1024];
};

/* Record "<formatted>: strerror(errnum)" and return -errnum. */
int pm_child_fail(struct pm_child_err *e, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The child after clone: set up and exec (or run the --init reaper). Never returns:
 * a failure is sent over syncfd as PM_SYNC_ERROR and the child _exit()s. */
struct pm_seccomp;
__attribute__((noreturn)) void pm_init_child(const struct pm_runtime_spec *spec,
					     const struct pm_seccomp *seccomp, int syncfd);

/* Find the command the way execvp would, in the container (after pivot_root, as the final
 * user): a name without '/' is looked up in path (NULL: the default PATH). Returns a
 * malloc'd path, or NULL with e filled: status 127 when not found, 126 when found but not
 * executable. */
char *pm_init_resolve_command(const char *cmd, const char *path, struct pm_child_err *e);
