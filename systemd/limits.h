/* limits.h: a container's cgroup and its resource limits on cgroup v2: the --cgroups mode,
 * the limits as numbers (struct pm_cg_limits), the judgement "can this limit be enforced
 * here" (which controller, delegated or not, and the drop-in that delegates it), and the
 * cgroupfs side: a cgroup pm-<id> beside pm's own (cgroup manager cgroupfs), or
 * <own>/container and <own>/supervisor (--cgroups=split), with the limit files written.
 * The systemd side (a transient scope with the limits as its properties) is scope.h.
 *
 * Pure parsers and conversions (cpusets, weights, quotas) are unit tested
 * (tests/unit/test-cg-limits.c). Never prints. Called by engine/ (validation, the
 * monitor's after_clone hook, update, exit records). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/error.h"

/* --cgroups */
enum pm_cg_mode {
	PM_CG_ENABLED = 0, /* a cgroup of its own (scope, or pm-<id> by cgroupfs) */
	PM_CG_DISABLED,	   /* none at all; limits refused */
	PM_CG_NO_CONMON,   /* as enabled; the monitor stays in the caller's cgroup */
	PM_CG_SPLIT,	   /* <own>/container, the monitor in <own>/supervisor */
};

/* NULL or "" is enabled. -EINVAL: "invalid cgroup mode 'x' (enabled, disabled, no-conmon,
 * split)". */
int pm_cg_mode_parse(const char *s, enum pm_cg_mode *ret, pm_error **err);

#define PM_CG_UNLIMITED	     UINT64_MAX
#define PM_CG_DEFAULT_PIDS   2048 /* podman's default pids limit */
#define PM_CG_DEFAULT_PERIOD UINT64_C(100000)

/* The limits, in cgroup v2 terms; 0 is "not set" everywhere. */
struct pm_cg_limits {
	uint64_t memory_max; /* memory.max / MemoryMax, bytes (PM_CG_UNLIMITED: max) */
	uint64_t swap_max;   /* memory.swap.max / MemorySwapMax: swap only, bytes */
	bool swap_set;	     /* swap_max is meant (0 is a valid swap limit) */
	uint64_t memory_low; /* memory.low / MemoryLow */
	uint64_t cpu_quota;  /* cpu.max's quota, us per period (PM_CG_UNLIMITED: max) */
	uint64_t cpu_period; /* us (0: 100000) */
	uint64_t cpu_weight; /* cpu.weight / CPUWeight, 1..10000 */
	const char *cpuset_cpus, *cpuset_mems;
	uint64_t pids_max;  /* pids.max / TasksMax (PM_CG_UNLIMITED: max) */
	bool pids_soft;	    /* the default: applied only where pids is delegated */
	uint64_t io_weight; /* io.weight / IOWeight, 1..10000 */
	/* written as files, also into a systemd scope (borrowed, NULL-terminated or NULL):
	 * io.max lines "MAJ:MIN rbps=N", per-device weights "MAJ:MIN W" (W 10..1000: to
	 * io.bfq.weight as they are, as crun writes them, or where the device has no BFQ to
	 * io.weight scaled to 1..10000), --cgroup-conf's "FILE=VALUE" */
	char *const *io_max;
	char *const *io_weight_dev;
	char *const *unified;
};

/* Any limit set (besides a soft pids default)? */
bool pm_cg_limits_any(const struct pm_cg_limits *l);

/* --cpu-shares (2..262144) -> cpu.weight (1..10000), as crun converts. */
uint64_t pm_cg_shares_to_weight(uint64_t shares);
/* --blkio-weight (10..1000) -> io.weight (1..10000). */
uint64_t pm_cg_blkio_to_io_weight(uint64_t weight);

/* A cpuset list ("0-3,5,7-8") as a bitmask (systemd's AllowedCPUs "ay": bit n of byte n/8
 * is CPU n), CPUs below 8192. -EINVAL for anything else ("", "0-", "a", "3-1"). *ret_mask
 * malloc'd (NULL and 0 with ret_mask NULL: only checked). */
int pm_cg_parse_cpuset(const char *s, uint8_t **ret_mask, size_t *ret_len);

/* ---- the host ---------------------------------------------------------------------------- */

/* Is /sys/fs/cgroup the unified cgroup v2 hierarchy? */
bool pm_cg_unified(void);

/* Can a limit that needs controller be enforced for a container made with mode and
 * manager ("systemd" or "cgroupfs")? 0, or -EOPNOTSUPP with one line naming flag: on a
 * hybrid/v1 host "...cannot enforce...", for a controller that is not delegated the
 * controller and the drop-in /etc/systemd/system/user@.service.d/delegate.conf that
 * delegates it. */
int pm_cg_require(const char *flag, const char *controller, enum pm_cg_mode mode,
		  const char *manager, pm_error **err);

/* Is controller available for the container's cgroup (as pm_cg_require, no message)? */
bool pm_cg_available(const char *controller, enum pm_cg_mode mode, const char *manager);

/* ---- cgroupfs ------------------------------------------------------------------------------ */

/* Write the limits into the cgroup directory dir ("/sys/fs/cgroup/..."), enabling what
 * they need in its parent's cgroup.subtree_control first. */
int pm_cg_write_limits(const char *dir, const struct pm_cg_limits *l, pm_error **err);

/* Write only the file lists of l (io_max, io_weight_dev, unified) into the cgroup path
 * ("/...", e.g. a systemd scope's), enabling their controllers in its parent first. */
int pm_cg_write_files(const char *path, const struct pm_cg_limits *l, pm_error **err);

/* Put pid into a cgroup by cgroupfs: mode split: <own>/container (the caller, the monitor,
 * and the other processes of <own> move to <own>/supervisor); else <parent of
 * own>/pm-<id>. Limits are written first. PM_CG_ENTERED (1) with *ret_path ("/..."), 0
 * when there was nothing to do (no cgroup v2; or no limits and no cgroup to be had), or a
 * negative errno with *err. */
#define PM_CG_ENTERED 1
int pm_cg_enter_cgroupfs(pid_t pid, const char *ctr_id, enum pm_cg_mode mode,
			 const struct pm_cg_limits *l, char **ret_path, pm_error **err);

/* Remove a cgroup pm made (pm-<id>, or <X>/container), quietly; path as recorded. */
void pm_cg_remove(const char *path);

/* Does cgroup path ("/...") exist? */
bool pm_cg_exists(const char *path);

/* The oom_kill count of memory.events in cgroup path ("/..."); 0 when unreadable. */
uint64_t pm_cg_oom_kills(const char *path);
