/* limits.h: can this host enforce resource limits (--memory, --cpus, --pids-limit)?
 * pm refuses a limit it cannot enforce instead of ignoring it (podman only warns). */
#pragma once

#include <stdbool.h>

#include "lib/error.h"

/* 0 when limits can be enforced; else -EOPNOTSUPP with a message
 * "<flag>: cannot enforce <what>: <reason>: <what to do>". */
int pm_runtime_limits_check(const char *flag, const char *what, pm_error **err);

/* Is /sys/fs/cgroup the unified cgroup v2 hierarchy? */
bool pm_runtime_have_cgroup2(void);
