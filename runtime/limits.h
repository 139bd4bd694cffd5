/* limits.h: is /sys/fs/cgroup the unified cgroup v2 hierarchy? (The limits themselves:
 * engine/limits.h and systemd/limits.h.) */
#pragma once

#include <stdbool.h>

bool pm_runtime_have_cgroup2(void);
