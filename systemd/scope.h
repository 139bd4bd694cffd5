/* scope.h: a cgroup of its own for each container: a systemd transient scope
 * ("pm-<id>.scope") made over D-Bus, the way podman/crun's systemd cgroup manager does.
 *
 * On a cgroup v2 host with a systemd manager on the bus (the user's bus for rootless pm:
 * $DBUS_SESSION_BUS_ADDRESS or $XDG_RUNTIME_DIR/bus; the system bus for real root), the
 * container's init is moved into a new scope (Delegate=yes, so the container's cgroup is its
 * own, and pause/unpause and limits have a cgroup to work on). Elsewhere (cgroups v1 or
 * hybrid, no bus, no systemd on it, no libsystemd) it does nothing, quietly, at the cost of a
 * statfs. Called by engine/monitor.c between the clone of the container init and its exec. */
#pragma once

#include <sys/types.h>

#include "lib/error.h"

enum {
	PM_SCOPE_NONE = 0,    /* no systemd scope on this host: nothing was done */
	PM_SCOPE_ENTERED = 1, /* pid is in its own scope now */
};

/* "pm-<id>.scope" (malloc'd). */
char *pm_scope_unit_name(const char *ctr_id);

/* Put pid (the container init, still waiting before its exec) into a new transient scope
 * pm-<ctr_id>.scope in slice (--cgroup-parent, a pod's slice; NULL: user.slice, or
 * machine.slice for root; systemd makes a slice that does not exist yet) and wait until systemd has
 * moved it there. Returns PM_SCOPE_ENTERED and, when ret_cgroup_path is not NULL, the scope's
 * cgroup path ("/user.slice/.../pm-<id>.scope"); PM_SCOPE_NONE (ret_cgroup_path NULL) where there
 * is no systemd scope to be had; a negative errno with *err when systemd refused or failed the
 * scope. */
int pm_cgroup_enter_scope(pid_t pid, const char *ctr_id, const char *slice, char **ret_cgroup_path,
			  pm_error **err);

/* The same with limits (systemd/limits.h) as the scope's properties (MemoryMax,
 * MemorySwapMax, MemoryLow, CPUQuotaPerSecUSec, CPUQuotaPeriodUSec, CPUWeight, AllowedCPUs,
 * AllowedMemoryNodes, TasksMax, IOWeight); lim may be NULL. */
struct pm_cg_limits;
int pm_cgroup_enter_scope_limits(pid_t pid, const char *ctr_id, const char *slice,
				 const struct pm_cg_limits *lim, char **ret_cgroup_path,
				 pm_error **err);

/* Change the limits of a running container's scope unit (SetUnitProperties, runtime).
 * -ENOTCONN when there is no bus to ask. */
int pm_scope_set_limits(const char *ctr_id, const struct pm_cg_limits *lim, pm_error **err);
/* The same for any unit by its name (a pod's slice). */
int pm_unit_set_limits(const char *unit, const struct pm_cg_limits *lim, pm_error **err);

/* Move the calling process into the cgroup v2 cgroup of pid (a container init in its scope),
 * so that what it starts (pm exec) is counted, limited and frozen with the container. Call it
 * before joining the container's cgroup namespace (both cgroups must be visible).
 * PM_SCOPE_ENTERED when moved; PM_SCOPE_NONE when there is nothing to do (no cgroup v2, the
 * same cgroup) or the move is not allowed here (debug log: e.g. pm runs in a login session's
 * scope the user may not move processes out of); never fails. */
int pm_cgroup_join_pid(pid_t pid);
