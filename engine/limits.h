/* limits.h: a container's resource limits and cgroup, the engine's side: which flags ask
 * for which controller (and whether this host can enforce them), the limits as cgroup v2
 * numbers, putting the container init into its cgroup (systemd scope, cgroupfs, split),
 * and `pm update` of a running container. The cgroup work is systemd/limits.h and
 * systemd/scope.h. Never prints. Called by engine/ (validation, monitor, exit records),
 * pods/, kube/ and cli/ (update). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/error.h"
#include "systemd/limits.h"

struct pm_container_config; /* engine/spec.h */

/* The cgroup manager c is (or will be) made with: c->cgroup_manager, else the global flag
 * or containers.conf (lib/containers-conf.h). */
int pm_engine_cgroup_manager(const struct pm_container_config *c, const char **ret, pm_error **err);

/* Can every limit c sets be enforced here (mode, manager)? -EOPNOTSUPP/-EINVAL naming the
 * first flag that cannot (hybrid host, --cgroups=disabled, a controller not delegated). */
int pm_engine_limits_check(const struct pm_container_config *c, pm_error **err);

/* The same check for one limit given elsewhere (a pod's --memory, a kube limit). */
int pm_engine_limit_require(const char *flag, const char *controller, pm_error **err);

/* The pids limit c gets: its --pids-limit, else podman's 2048 where the pids controller
 * can be used for it, else 0 (none). */
int64_t pm_engine_pids_limit(const struct pm_container_config *c);

/* c's limits as cgroup v2 numbers (strings borrowed from c). */
void pm_engine_limits_of(const struct pm_container_config *c, struct pm_cg_limits *ret);

/* Put pid (the container init, before its exec) into its cgroup per c (--cgroups, the
 * manager, --cgroup-parent), with its limits. *ret_path: the cgroup ("/..."), or NULL. */
int pm_engine_cgroup_enter(pid_t pid, const char *id, const struct pm_container_config *c,
			   char **ret_path, pm_error **err);

/* The oom_kill count of memory.events of path's parent, taken at the start: systemd removes
 * an empty scope at once, often before the exit is recorded, and then the parent's
 * (hierarchical) count is what is left to tell an OOM kill by. */
uint64_t pm_engine_oom_base(const char *path);

/* After the container's exit: was it OOM-killed (memory.events of its cgroup, or when that
 * is gone already, its parent's oom_kill count above oom_base)? Removes a cgroup pm made
 * by cgroupfs. path: the one pm_engine_cgroup_enter returned. */
bool pm_engine_cgroup_exited(const char *path, uint64_t oom_base);
