/* userns.h: the rootless user + mount namespace, kept alive by a pause process.
 *
 * pm_rootless_enter() joins it with setns() (no newuidmap on that path) or, under a lock,
 * creates it: a pause process unshares user+mount namespaces, the caller maps
 * 0 -> getuid() and 1..N -> the subordinate range with newuidmap/newgidmap, and the pause
 * pid (with its start time, to detect a stale file) goes to <runroot>/pause.pid. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "lib/error.h"
#include "lib/paths.h"

/* Environment set once this process has joined the namespace (inherited by children):
 * _PM_USERNS_CONFIGURED=1, _PM_ROOTLESS_UID / _PM_ROOTLESS_GID = the ids outside. */
#define PM_ROOTLESS_ENV_CONFIGURED "_PM_USERNS_CONFIGURED"
#define PM_ROOTLESS_ENV_UID	   "_PM_ROOTLESS_UID"
#define PM_ROOTLESS_ENV_GID	   "_PM_ROOTLESS_GID"

/* True when pm runs rootless (not real root in the initial user namespace). */
bool pm_rootless_is_rootless(void);

/* True when this process is already inside pm's rootless namespace. */
bool pm_rootless_in_userns(void);

/* Join (or create) the namespace. No-op when real root or already inside. */
int pm_rootless_enter(const struct pm_paths *p, pm_error **err);

/* The pid of a live pause process, or 0 when there is none (stale files are removed). */
int pm_rootless_pause_pid(const struct pm_paths *p, pid_t *ret, pm_error **err);

/* End the pause process (so changed subordinate ranges apply next time). */
int pm_rootless_migrate(const struct pm_paths *p, pm_error **err);

/* Pure: parse the pause pid file "PID STARTTIME\n". 0 or -EINVAL. */
int pm_rootless_parse_pause_file(const char *s, pid_t *ret_pid, unsigned long long *ret_start);
