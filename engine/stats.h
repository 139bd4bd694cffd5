/* stats.h: a running container's resource usage as `stats` and `pod stats` show it: read
 * from its own cgroup v2, wherever the manager put it (the record's cgroup path, else
 * /proc/PID/cgroup of its init: cpu.stat, memory.current, memory.stat, memory.max, io.stat,
 * pids.current) and from the counters of its network namespace (/proc/PID/net/dev), as
 * podman's libpod does. A few small reads per container: no D-Bus, no process, no sleep.
 * Never prints; called by cli/cmd-stats.c and cli/cmd-pod-stats.c (through
 * cli/stats-util.c). */
#pragma once

#include <stdint.h>

#include "engine/container.h"
#include "engine/engine.h"
#include "lib/error.h"

struct pm_ctr_stats {
	uint64_t cpu_nano;	  /* CPU time used so far (cpu.stat usage_usec), ns */
	uint64_t cpu_system_nano; /* of it in the kernel (cpu.stat system_usec), ns */
	int64_t system_nano;	  /* when it was read (unix time, ns) */
	double cpu_percent;	  /* CPU time over wall time since the previous reading, % */
	double avg_cpu;		  /* the mean of cpu_percent over the readings so far, % */
	uint64_t data_points;	  /* how many readings avg_cpu holds */
	uint64_t mem_usage;	  /* memory.current less the inactive page cache */
	uint64_t mem_limit;	  /* memory.max, or the host's memory where there is none */
	double mem_percent;	  /* mem_usage of mem_limit, % */
	uint64_t net_in;	  /* bytes received on the namespace's interfaces but lo */
	uint64_t net_out;	  /* bytes sent */
	uint64_t block_in;	  /* io.stat rbytes, all devices */
	uint64_t block_out;	  /* io.stat wbytes */
	uint64_t pids;		  /* pids.current (0: unknown) */
};

/* What every reading needs, found once per command: the caller's own cgroup (a container
 * in it has none of its own) and the host's memory (the limit of a container without one).
 * A host without cgroup v2: -EOPNOTSUPP with the reason. */
struct pm_stats_host {
	char *own_cgroup;
	uint64_t mem_total;
};
int pm_engine_stats_host(struct pm_stats_host *ret, pm_error **err);
void pm_engine_stats_host_clear(struct pm_stats_host *h);

/* The figures of c now. h: from pm_engine_stats_host (NULL: found for this call). prev: its
 * previous reading, for the CPU % over the interval (NULL: the first, the CPU % over its
 * whole run, as podman's first reading is; so no reading ever waits). c must be running:
 * else -EINVAL naming it; its init gone meanwhile: -ESRCH. A host without cgroup v2, or a
 * container without a cgroup of its own: -EOPNOTSUPP with the reason. */
int pm_engine_stats(const struct pm_stats_host *h, const struct pm_container *c,
		    const struct pm_ctr_stats *prev, struct pm_ctr_stats *ret, pm_error **err);

/* Parse the texts of the files (each may be NULL: its figures stay 0); the pure part of
 * pm_engine_stats, for the unit tests. */
struct pm_ctr_stats_files {
	const char *cpu_stat, *memory_current, *memory_stat, *memory_max, *io_stat, *pids_current,
		*net_dev;
};
void pm_engine_stats_parse(const struct pm_ctr_stats_files *f, uint64_t host_mem,
			   struct pm_ctr_stats *ret);
