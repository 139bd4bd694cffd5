/* pause.h: creating the pause process that holds pm's rootless user + mount namespace.
 * Internal to rootless/ (rootless/userns.c calls it with <runroot>/pause.lock held). */
#pragma once

#include <sys/types.h>

#include "lib/error.h"

/* The pause process's name (comm), as `pgrep -x pm-pause` finds it. */
#define PM_ROOTLESS_PAUSE_NAME "pm-pause"

/* The fd a committed pause process keeps its runroot open at (O_PATH): /proc/PID/fd/3 tells a
 * later pm which runroot it belongs to (rootless/pause-scan.h). */
#define PM_ROOTLESS_PAUSE_RUNROOT_FD 3

/* A pause process started by pm_rootless_pause_create, not committed yet. */
struct pm_rootless_pause {
	pid_t pid;
	unsigned long long start;
	int sock; /* the sync socket, until pm_rootless_pause_commit/_abort close it */
};

/* Start a pause process and wait until it is ready. user_fd < 0: in new user + mount
 * namespaces, mapped with newuidmap/newgidmap (0 -> getuid()/getgid(), 1.. -> the
 * subordinate ranges); else it joins the user namespace user_fd and the mount namespace
 * mnt_fd (those of a live monitor: nothing to map). runroot_fd (O_PATH of the runroot) is
 * what the committed pause process keeps open as fd 3 (rootless/pause-scan.h).
 * The pause process waits for pm_rootless_pause_commit() and exits when the socket closes
 * before it (the cli died before writing pause.pid). On failure nothing is left running. */
int pm_rootless_pause_create(int runroot_fd, int user_fd, int mnt_fd, struct pm_rootless_pause *ret,
			     pm_error **err);

/* Tell the pause process that pause.pid names it (call after writing the file) and close the
 * socket. */
int pm_rootless_pause_commit(struct pm_rootless_pause *p, pm_error **err);

/* Kill a pause process that was not committed, close the socket. */
void pm_rootless_pause_abort(struct pm_rootless_pause *p);
