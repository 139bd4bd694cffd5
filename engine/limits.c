/* limits.c: the engine's side of resource limits (see limits.h): flag -> controller, the
 * config -> cgroup v2 numbers, the choice between a systemd scope and cgroupfs. Never
 * prints. Called by engine/spec.c (validation), engine/monitor.c (after_clone), pods/,
 * kube/, cli/ (update). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/cgroup-flags.h"
#include "engine/limits.h"
#include "engine/spec.h"
#include "lib/containers-conf.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "systemd/scope.h"

int pm_engine_cgroup_manager(const struct pm_container_config *c, const char **ret, pm_error **err)
{
	if (c && c->cgroup_manager && *c->cgroup_manager) {
		*ret = c->cgroup_manager;
		return 0;
	}
	return pm_conf_cgroup_manager(ret, err);
}

int pm_engine_limit_require(const char *flag, const char *controller, pm_error **err)
{
	const char *mgr;
	int r = pm_conf_cgroup_manager(&mgr, err);
	if (r < 0)
		return r;
	return pm_cg_require(flag, controller, PM_CG_ENABLED, mgr, err);
}

int pm_engine_limits_check(const struct pm_container_config *c, pm_error **err)
{
	enum pm_cg_mode mode;
	const char *mgr;
	int r = pm_cg_mode_parse(c->cgroups, &mode, err);
	if (r < 0)
		return r;
	if ((r = pm_engine_cgroup_manager(c, &mgr, err)) < 0)
		return r;
	const struct {
		bool set;
		const char *flag, *controller;
	} want[] = {
		{c->memory != 0, "--memory", "memory"},
		{c->memory_swap != 0, "--memory-swap", "memory"},
		{c->memory_reservation != 0, "--memory-reservation", "memory"},
		{c->cpus > 0, "--cpus", "cpu"},
		{c->cpu_quota != 0, "--cpu-quota", "cpu"},
		{c->cpu_period != 0, "--cpu-period", "cpu"},
		{c->cpu_shares != 0, "--cpu-shares", "cpu"},
		{c->cpuset_cpus && *c->cpuset_cpus, "--cpuset-cpus", "cpuset"},
		{c->cpuset_mems && *c->cpuset_mems, "--cpuset-mems", "cpuset"},
		{c->pids_limit_set && c->pids_limit > 0, "--pids-limit", "pids"},
		{c->blkio_weight != 0, "--blkio-weight", "io"},
		{c->memory_swappiness_set, "--memory-swappiness", "memory"},
		{c->device_read_bps != NULL, "--device-read-bps", "io"},
		{c->device_write_bps != NULL, "--device-write-bps", "io"},
		{c->device_read_iops != NULL, "--device-read-iops", "io"},
		{c->device_write_iops != NULL, "--device-write-iops", "io"},
		{c->blkio_weight_device != NULL, "--blkio-weight-device", "io"},
		{c->cgroup_conf != NULL, "--cgroup-conf", NULL},
	};
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		if (!want[i].set)
			continue;
		if (mode == PM_CG_DISABLED)
			return pm_error_set(err, EINVAL,
					    "%s: cannot enforce a limit with --cgroups=disabled: "
					    "drop one of them",
					    want[i].flag);
		if (!want[i].controller)
			continue;
		if ((r = pm_cg_require(want[i].flag, want[i].controller, mode, mgr, err)) < 0)
			return r;
	}
	/* --cgroup-conf: the controller of each file; the cgroup.* files need cgroup v2 */
	for (char **kv = c->cgroup_conf; kv && *kv; kv++) {
		_cleanup_free_ char *ctl = pm_config_cgroup_conf_controller(*kv);
		if ((r = pm_cg_require("--cgroup-conf", ctl ? ctl : "pids", mode, mgr, err)) < 0)
			return r;
	}
	/* crun's rule: cgroup v2 has no per-cgroup swappiness */
	if (c->memory_swappiness_set)
		return pm_error_set(err, EOPNOTSUPP,
				    "--memory-swappiness: cannot enforce the limit: cgroup v2 has "
				    "no per-cgroup swappiness (memory.swappiness is cgroup v1's): "
				    "drop --memory-swappiness");
	return 0;
}

int64_t pm_engine_pids_limit(const struct pm_container_config *c)
{
	if (c->pids_limit_set)
		return c->pids_limit;
	enum pm_cg_mode mode;
	const char *mgr;
	if (pm_cg_mode_parse(c->cgroups, &mode, NULL) < 0 ||
	    pm_engine_cgroup_manager(c, &mgr, NULL) < 0)
		return 0;
	return pm_cg_available("pids", mode, mgr) ? PM_CG_DEFAULT_PIDS : 0;
}

void pm_engine_limits_of(const struct pm_container_config *c, struct pm_cg_limits *ret)
{
	struct pm_cg_limits l = {0};
	l.memory_max = c->memory;
	if (c->memory_swap < 0) {
		l.swap_set = true;
		l.swap_max = PM_CG_UNLIMITED;
	} else if (c->memory_swap > 0 && c->memory) {
		l.swap_set = true;
		l.swap_max = (uint64_t)c->memory_swap - c->memory;
	} else if (c->memory) {
		/* podman: memory + swap = twice the memory */
		l.swap_set = true;
		l.swap_max = c->memory;
	}
	l.memory_low = c->memory_reservation;
	if (c->cpus > 0) {
		l.cpu_period = PM_CG_DEFAULT_PERIOD;
		l.cpu_quota = (uint64_t)(c->cpus * (double)PM_CG_DEFAULT_PERIOD + 0.5);
	}
	if (c->cpu_quota)
		l.cpu_quota = c->cpu_quota < 0 ? PM_CG_UNLIMITED : (uint64_t)c->cpu_quota;
	if (c->cpu_period)
		l.cpu_period = c->cpu_period;
	l.cpu_weight = pm_cg_shares_to_weight(c->cpu_shares);
	l.cpuset_cpus = c->cpuset_cpus;
	l.cpuset_mems = c->cpuset_mems;
	if (c->pids_limit_set) {
		l.pids_max = c->pids_limit > 0 ? (uint64_t)c->pids_limit : PM_CG_UNLIMITED;
		l.pids_soft = c->pids_limit <= 0;
	} else {
		l.pids_max = PM_CG_DEFAULT_PIDS;
		l.pids_soft = true;
	}
	l.io_weight = pm_cg_blkio_to_io_weight(c->blkio_weight);
	*ret = l;
}

/* A pod's --memory/--cpus on its slice (which systemd made with the infra's scope). */
static int pod_slice_limits(const struct pm_container_config *c, pm_error **err)
{
	struct pm_cg_limits l = {0};
	l.memory_max = c->pod_memory;
	if (c->pod_cpus > 0) {
		l.cpu_period = PM_CG_DEFAULT_PERIOD;
		l.cpu_quota = (uint64_t)(c->pod_cpus * (double)PM_CG_DEFAULT_PERIOD + 0.5);
	}
	int r = pm_unit_set_limits(c->cgroup_parent, &l, err);
	return r < 0 ? r : PM_SCOPE_ENTERED;
}

int pm_engine_cgroup_enter(pid_t pid, const char *id, const struct pm_container_config *c,
			   char **ret_path, pm_error **err)
{
	*ret_path = NULL;
	enum pm_cg_mode mode;
	const char *mgr;
	int r = pm_cg_mode_parse(c->cgroups, &mode, err);
	if (r < 0)
		return r;
	if (mode == PM_CG_DISABLED)
		return 0;
	if ((r = pm_engine_cgroup_manager(c, &mgr, err)) < 0)
		return r;
	struct pm_cg_limits l;
	pm_engine_limits_of(c, &l);
	/* the per-device limits and --cgroup-conf: files, also written into a scope */
	_cleanup_strv_ char **io_max = NULL, **io_weight = NULL;
	if ((r = pm_config_io_lines(c, &io_max, &io_weight, err)) < 0)
		return r;
	l.io_max = io_max;
	l.io_weight_dev = io_weight;
	l.unified = c->cgroup_conf;
	/* the default pids limit only where pids is delegated */
	if (l.pids_soft && l.pids_max != PM_CG_UNLIMITED && !pm_cg_available("pids", mode, mgr))
		l.pids_max = 0;
	if (l.pids_soft && l.pids_max == PM_CG_UNLIMITED)
		l.pids_soft = false;
	if (mode != PM_CG_SPLIT && !strcmp(mgr, "systemd")) {
		r = pm_cgroup_enter_scope_limits(pid, id, c->cgroup_parent, &l, ret_path, err);
		int w;
		if (r == PM_SCOPE_ENTERED && *ret_path &&
		    (w = pm_cg_write_files(*ret_path, &l, err)) < 0)
			return w;
		if (r == PM_SCOPE_ENTERED && c->cgroup_parent && (c->pod_memory || c->pod_cpus > 0))
			return pod_slice_limits(c, err);
		if (r != PM_SCOPE_NONE)
			return r;
		if (!pm_cg_limits_any(&l))
			return 0;
		pm_log_debug("no systemd scope: limits by cgroupfs");
	}
	return pm_cg_enter_cgroupfs(pid, id, mode, &l, ret_path, err);
}

static char *parent_path(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash && slash != path ? pm_xstrndup(path, (size_t)(slash - path)) : NULL;
}

uint64_t pm_engine_oom_base(const char *path)
{
	_cleanup_free_ char *parent = path ? parent_path(path) : NULL;
	return parent ? pm_cg_oom_kills(parent) : 0;
}

bool pm_engine_cgroup_exited(const char *path, uint64_t oom_base)
{
	if (!path || !*path)
		return false;
	bool oom;
	if (pm_cg_exists(path)) {
		oom = pm_cg_oom_kills(path) > 0;
	} else {
		_cleanup_free_ char *parent = parent_path(path);
		oom = parent && pm_cg_oom_kills(parent) > oom_base;
	}
	if (!pm_str_endswith(path, ".scope"))
		pm_cg_remove(path);
	return oom;
}
