/* child-err.h: what a runtime child (the container init, runtime/init.c, and the exec
 * process, runtime/exec.c) tells its parent over the sync socket (lib/sync.h): the
 * runtime's own message types, and the error record each setup step (mounts.c, pty.c,
 * init.c, exec.c) fills before the child reports it and _exit()s. Internal to runtime/. */
#pragma once

#include "lib/sync.h"

/* Sync message types between a runtime parent (run.c, exec.c) and its child, all of them
 * (the values are the wire's: unchanged). */
enum {
	PM_RT_SYNC_MAPPED = PM_SYNC_USER + 1, /* parent -> child: uid/gid maps written, go on */
	PM_RT_SYNC_TTY,			      /* child -> parent: the pty master (one fd) */
	/* parent -> child, when after_clone is set and has succeeded: the child may go on */
	PM_RT_SYNC_GO = PM_SYNC_USER + 16,
	/* parent -> child, when before_exec is set and has succeeded: the child, its mounts
	 * done, may exec */
	PM_RT_SYNC_EXEC,
	/* child -> parent, when before_exec is set: its mounts done, it waits for
	 * PM_RT_SYNC_EXEC (so a parent whose before_exec failed knows the child did not) */
	PM_RT_SYNC_MOUNTED,
	/* child -> parent, late_userns: the user namespace unshared; the parent writes the
	 * maps and answers PM_RT_SYNC_MAPPED */
	PM_RT_SYNC_UNSHARED,
};

/* What failed in the child: a one-line message and the exit status hint (0 = 125). */
struct pm_child_err {
	int status;
	char msg[1024];
};

/* Record "<formatted>: strerror(errnum)" and return -errnum. */
int pm_child_fail(struct pm_child_err *e, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Send e (errno -r, its status, its message or fallback when it has none) to the parent as
 * PM_SYNC_ERROR and _exit() with that status: a child never returns into parent code. */
__attribute__((noreturn)) void pm_child_die(int syncfd, int r, const struct pm_child_err *e,
					    const char *fallback);
