/* update.h: `pm update`: new resource limits for a container, running or not (the cgroup
 * work: engine/limits.h). Never prints. Called by cli/cmd-update.c. */
#pragma once

#include "lib/error.h"

struct pm_container_config;
/* Which limits of the update's config are given. */
enum {
	PM_UPD_MEMORY = 1 << 0,
	PM_UPD_MEMORY_SWAP = 1 << 1,
	PM_UPD_MEMORY_RESERVATION = 1 << 2,
	PM_UPD_CPUS = 1 << 3,
	PM_UPD_CPU_QUOTA = 1 << 4,
	PM_UPD_CPU_PERIOD = 1 << 5,
	PM_UPD_CPU_SHARES = 1 << 6,
	PM_UPD_CPUSET_CPUS = 1 << 7,
	PM_UPD_CPUSET_MEMS = 1 << 8,
	PM_UPD_PIDS = 1 << 9,
	PM_UPD_BLKIO = 1 << 10,
	PM_UPD_SWAPPINESS = 1 << 11,
	PM_UPD_DEV_READ_BPS = 1 << 12,
	PM_UPD_DEV_WRITE_BPS = 1 << 13,
	PM_UPD_DEV_READ_IOPS = 1 << 14,
	PM_UPD_DEV_WRITE_IOPS = 1 << 15,
	PM_UPD_BLKIO_DEVICE = 1 << 16,
};
#define PM_UPD_IO                                                                                  \
	(PM_UPD_DEV_READ_BPS | PM_UPD_DEV_WRITE_BPS | PM_UPD_DEV_READ_IOPS |                       \
	 PM_UPD_DEV_WRITE_IOPS | PM_UPD_BLKIO_DEVICE)

/* Change the limits of c (running: in its cgroup now, SetUnitProperties for a scope or the
 * cgroupfs files; in any case in its recorded config, so that inspect and the next start
 * have them) to the fields of u that given names. Under the container's lock. */
struct pm_engine;
struct pm_container;
int pm_engine_update(const struct pm_engine *e, struct pm_container *c,
		     const struct pm_container_config *u, unsigned given, pm_error **err);
