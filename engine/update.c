/* update.c: `pm update` (see update.h): the given limits merged into the recorded config,
 * checked as at create, applied to a running container's scope (SetUnitProperties) or
 * cgroupfs cgroup, and the config written back under the container's lock. Never prints.
 * Called by cli/cmd-update.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/cgroup-flags.h"
#include "engine/config-json.h"
#include "engine/container.h"
#include "engine/engine.h"
#include "engine/limits.h"
#include "engine/spec.h"
#include "engine/update.h"
#include "engine/validate.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "systemd/scope.h"

/* The limits of u that the user gave (given[i] per flag of pm_engine_update_flags). */
static void merge(struct pm_container_config *c, const struct pm_container_config *u,
		  unsigned given)
{
	if (given & PM_UPD_MEMORY)
		c->memory = u->memory;
	if (given & PM_UPD_MEMORY_SWAP)
		c->memory_swap = u->memory_swap;
	if (given & PM_UPD_MEMORY_RESERVATION)
		c->memory_reservation = u->memory_reservation;
	if (given & PM_UPD_CPUS) {
		c->cpus = u->cpus;
		c->cpu_quota = 0;
		c->cpu_period = 0;
	}
	if (given & PM_UPD_CPU_QUOTA) {
		c->cpu_quota = u->cpu_quota;
		c->cpus = 0;
	}
	if (given & PM_UPD_CPU_PERIOD) {
		c->cpu_period = u->cpu_period;
		c->cpus = 0;
	}
	if (given & PM_UPD_CPU_SHARES)
		c->cpu_shares = u->cpu_shares;
	if (given & PM_UPD_CPUSET_CPUS) {
		free(c->cpuset_cpus);
		c->cpuset_cpus = u->cpuset_cpus ? pm_xstrdup(u->cpuset_cpus) : NULL;
	}
	if (given & PM_UPD_CPUSET_MEMS) {
		free(c->cpuset_mems);
		c->cpuset_mems = u->cpuset_mems ? pm_xstrdup(u->cpuset_mems) : NULL;
	}
	if (given & PM_UPD_PIDS) {
		c->pids_limit = u->pids_limit;
		c->pids_limit_set = true;
	}
	if (given & PM_UPD_BLKIO)
		c->blkio_weight = u->blkio_weight;
	if (given & PM_UPD_SWAPPINESS) {
		c->memory_swappiness = u->memory_swappiness;
		c->memory_swappiness_set = u->memory_swappiness_set;
	}
	/* a per-device flag given replaces that flag's devices, as podman's update */
	const struct {
		unsigned bit;
		char **const *from;
		char ***to;
	} lists[] = {
		{PM_UPD_DEV_READ_BPS, &u->device_read_bps, &c->device_read_bps},
		{PM_UPD_DEV_WRITE_BPS, &u->device_write_bps, &c->device_write_bps},
		{PM_UPD_DEV_READ_IOPS, &u->device_read_iops, &c->device_read_iops},
		{PM_UPD_DEV_WRITE_IOPS, &u->device_write_iops, &c->device_write_iops},
		{PM_UPD_BLKIO_DEVICE, &u->blkio_weight_device, &c->blkio_weight_device},
	};
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++) {
		if (!(given & lists[i].bit))
			continue;
		pm_strv_free(*lists[i].to);
		*lists[i].to = pm_strv_copy(*lists[i].from);
	}
}

/* Only what changes, for the running container: the limits of c masked by given. */
static void changed_limits(const struct pm_container_config *c, unsigned given,
			   struct pm_cg_limits *ret)
{
	struct pm_cg_limits all, l = {0};
	pm_engine_limits_of(c, &all);
	if (given & (PM_UPD_MEMORY | PM_UPD_MEMORY_SWAP)) {
		l.memory_max = all.memory_max ? all.memory_max : PM_CG_UNLIMITED;
		l.swap_set = all.swap_set;
		l.swap_max = all.swap_max;
	}
	if (given & PM_UPD_MEMORY_RESERVATION)
		l.memory_low = all.memory_low;
	if (given & (PM_UPD_CPUS | PM_UPD_CPU_QUOTA | PM_UPD_CPU_PERIOD)) {
		l.cpu_quota = all.cpu_quota ? all.cpu_quota : PM_CG_UNLIMITED;
		l.cpu_period = all.cpu_period ? all.cpu_period : PM_CG_DEFAULT_PERIOD;
	}
	if (given & PM_UPD_CPU_SHARES)
		l.cpu_weight = all.cpu_weight;
	if (given & PM_UPD_CPUSET_CPUS)
		l.cpuset_cpus = all.cpuset_cpus;
	if (given & PM_UPD_CPUSET_MEMS)
		l.cpuset_mems = all.cpuset_mems;
	if (given & PM_UPD_PIDS)
		l.pids_max = all.pids_max;
	if (given & PM_UPD_BLKIO)
		l.io_weight = all.io_weight;
	*ret = l;
}

int pm_engine_update(const struct pm_engine *e, struct pm_container *c,
		     const struct pm_container_config *u, unsigned given, pm_error **err)
{
	_cleanup_close_ int lock = pm_container_lock(e->paths, c->id, err);
	if (lock < 0)
		return lock;
	int r = pm_container_reload(e->paths, c, err);
	if (r < 0)
		return r;
	struct pm_container_config cfg;
	_cleanup_free_ char *json = NULL; /* before the first goto: its cleanup runs at out */
	if ((r = pm_config_from_json(c->config_json, &cfg, err)) < 0)
		return r;
	merge(&cfg, u, given);
	_cleanup_strv_ char **io_max = NULL, **io_weight = NULL;
	if ((r = pm_config_check_resources(&cfg, err)) < 0 ||
	    (r = pm_config_cgroup_flags_check(&cfg, err)) < 0 ||
	    (r = pm_engine_limits_check(&cfg, err)) < 0)
		goto out;
	if ((given & PM_UPD_IO) && (r = pm_config_io_lines(&cfg, &io_max, &io_weight, err)) < 0)
		goto out;
	if (pm_ctr_is_running(c) && c->state.cgroup_path) {
		struct pm_cg_limits l;
		changed_limits(&cfg, given, &l);
		l.io_max = io_max; /* the per-device lines: files, a scope's too */
		l.io_weight_dev = io_weight;
		if (pm_str_endswith(c->state.cgroup_path, ".scope")) {
			r = pm_scope_set_limits(c->id, &l, err);
			if (r >= 0 && (io_max || io_weight))
				r = pm_cg_write_files(c->state.cgroup_path, &l, err);
		} else {
			_cleanup_free_ char *dir =
				pm_xasprintf("/sys/fs/cgroup%s", c->state.cgroup_path);
			r = pm_cg_write_limits(dir, &l, err);
		}
		if (r < 0) {
			pm_error_prefix(err, "container %s", c->id);
			goto out;
		}
	}
	json = pm_config_to_json(&cfg);
	free(c->config_json);
	c->config_json = TAKE_PTR(json);
	r = pm_container_save_config(c, err);
out:
	pm_spec_config_clear(&cfg);
	return r;
}
