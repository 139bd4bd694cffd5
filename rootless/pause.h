/* pause.h: creating the pause process that holds pm's rootless user + mount namespace.
 * Internal to rootless/ (rootless/userns.c calls it with <runroot>/pause.lock held). */
#pragma once

#include <sys/types.h>

#include "lib/error.h"

/* The pause process's name (comm), as `pgrep -x pm-pause` finds it. */
#define PM_ROOTLESS_PAUSE_NAME "pm-pause"

/* Start a pause process in new user + mount namespaces, map it with newuidmap/newgidmap
 * (0 -> getuid()/getgid(), 1.. -> the subordinate ranges) and wait until it is ready.
 * On failure nothing is left running. Returns the pause pid and its start time. */
int pm_rootless_pause_create(pid_t *ret_pid, unsigned long long *ret_start, pm_error **err);
