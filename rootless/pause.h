/* pause.h: creating the pause process that holds pm's rootless user + mount namespace.
 * Internal to rootless/ (rootless/userns.c calls it with <runroot>/pause.lock held). */
#pragma once

#include <sys/types.h>

#include "lib/error.h"

/* Start a pause process in new user + mount namespaces, map it with newuidmap/newgidmap
 * (0 -> getuid()/getgid(), 1.. -> the subordinate ranges) and wait until it is ready.
 * On failure nothing is left running. Returns the pause pid and its start time. */
int pm_rootless_pause_create(pid_t *ret_pid, unsigned long long *ret_start, pm_error **err);

/* The start time of a live process (field 22 of /proc/PID/stat); -ESRCH when it is gone. */
int pm_rootless_proc_starttime(pid_t pid, unsigned long long *ret);
