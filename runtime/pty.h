/* pty.h: the container's terminal (-t), child side: the container init (or the exec
 * process) creates a pty in the container's own /dev/pts and sends the master to its
 * parent, which relays it (runtime/tty.h, or the monitor). Internal to runtime/. */
#pragma once

#include <sys/types.h>

#include "runtime/child-err.h"

/* Child, after pivot_root: open /dev/ptmx, send the master (PM_RT_SYNC_TTY), wait for the
 * parent's PM_SYNC_READY (window size set), make the slave the controlling terminal and
 * stdin/stdout/stderr. */
int pm_pty_child_setup(int syncfd, uid_t uid, struct pm_child_err *e);
