/* pause.h: `pause` / `unpause` of a running container with the cgroup v2 freezer
 * (cgroup.freeze of the container's own cgroup), the state recorded under the container's
 * lock. Called by cli/cmd-pause.c (and later the API). Never prints. */
#pragma once

#include <stdbool.h>

#include "engine/ctr-state.h"
#include "lib/error.h"

/* Freeze (pause) or thaw (!pause) c and record its state "paused" / "running". The host
 * decides first: with no freezer pm may use (cgroups v1 or hybrid without a delegated v2
 * tree) every container is refused with -EOPNOTSUPP and the reason. Then c is refreshed
 * (pm_engine_refresh) and must be running (paused): else -EINVAL, podman's "container state
 * improper" (`--all` skips those). A container without a
 * cgroup of its own: -EOPNOTSUPP. Waits (at most 10 s) until the kernel reports the
 * cgroup frozen (thawed). */
int pm_engine_pause(const struct pm_engine *e, struct pm_container *c, bool pause, pm_error **err);
