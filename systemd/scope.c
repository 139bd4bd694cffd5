/* scope.c: the container's own cgroup, a transient systemd scope made over D-Bus
 * (StartTransientUnit, waiting for the job's JobRemoved signal). Owns the decision "is there
 * a systemd to ask" and the one method call; sd-bus is dlopen'd (systemd/dl-bus.h) only when
 * the answer may be yes. Never prints (debug log only); never touches cgroupfs itself.
 * Called by engine/monitor.c (the runtime's after_clone hook). */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "lib/fileutil.h"
#include "lib/log.h"
#include "lib/proc.h"
#include "lib/strutil.h"
#include "lib/timeutil.h"
#include "systemd/dl-bus.h"
#include "systemd/limits.h"
#include "systemd/scope.h"

#define JOB_TIMEOUT_USEC (30ULL * 1000000ULL) /* systemd under emulation can be slow */

char *pm_scope_unit_name(const char *ctr_id)
{
	return pm_xasprintf("pm-%s.scope", ctr_id);
}

static bool unified_cgroup2(void)
{
	struct statfs s;
	return statfs("/sys/fs/cgroup", &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC;
}

/* Root of the initial user namespace (not root in pm's rootless namespace). */
static bool real_root(void)
{
	_cleanup_free_ char *map = NULL;
	unsigned long inside, outside, count;
	if (geteuid() != 0 || pm_read_line_file("/proc/self/uid_map", &map, NULL) < 0)
		return false;
	return sscanf(map, "%lu %lu %lu", &inside, &outside, &count) == 3 && inside == 0 &&
	       outside == 0 && count == 4294967295UL;
}

static bool is_socket(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

/* Is there a bus to try (without connecting)? Sets *system for the system bus. */
static bool have_bus(bool *system)
{
	*system = real_root();
	if (*system) {
		const char *a = getenv("DBUS_SYSTEM_BUS_ADDRESS");
		return (a && *a) || is_socket("/run/dbus/system_bus_socket");
	}
	const char *a = getenv("DBUS_SESSION_BUS_ADDRESS");
	if (a && *a)
		return true;
	const char *rt = getenv("XDG_RUNTIME_DIR");
	if (!rt || !*rt)
		return false;
	_cleanup_free_ char *p = pm_path_join(rt, "bus");
	return is_socket(p);
}

PM_DEFINE_CLEANUP_FUNC(sd_bus *, sym_sd_bus_flush_close_unref)
PM_DEFINE_CLEANUP_FUNC(sd_bus_message *, sym_sd_bus_message_unref)
PM_DEFINE_CLEANUP_FUNC(sd_bus_slot *, sym_sd_bus_slot_unref)
PM_DEFINE_CLEANUP_VALUE(sd_bus_error, sym_sd_bus_error_free)

struct job_wait {
	const char *unit;
	char *result; /* set by JobRemoved for our unit */
};

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	struct job_wait *w = userdata;
	uint32_t id;
	const char *path, *unit, *result;
	if (sym_sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0)
		return 0;
	if (strcmp(unit, w->unit) == 0 && !w->result)
		w->result = pm_xstrdup(result);
	return 0;
}

static int append_cpuset(sd_bus_message *m, const char *prop, const char *list)
{
	_cleanup_free_ uint8_t *mask = NULL;
	size_t n = 0;
	int r = pm_cg_parse_cpuset(list, &mask, &n);
	if (r < 0)
		return r;
	if ((r = sym_sd_bus_message_open_container(m, 'r', "sv")) < 0 ||
	    (r = sym_sd_bus_message_append(m, "s", prop)) < 0 ||
	    (r = sym_sd_bus_message_open_container(m, 'v', "ay")) < 0 ||
	    (r = sym_sd_bus_message_append_array(m, 'y', mask, n)) < 0 ||
	    (r = sym_sd_bus_message_close_container(m)) < 0)
		return r;
	return sym_sd_bus_message_close_container(m);
}

/* The limits as unit properties (inside an open "a(sv)"), for StartTransientUnit and
 * SetUnitProperties. */
static int append_limits(sd_bus_message *m, const struct pm_cg_limits *l, bool tasks_soft_ok)
{
	int r = 0;
	if (!l)
		return 0;
	if (l->memory_max &&
	    (r = sym_sd_bus_message_append(m, "(sv)", "MemoryMax", "t", l->memory_max)) < 0)
		return r;
	if (l->swap_set &&
	    (r = sym_sd_bus_message_append(m, "(sv)", "MemorySwapMax", "t", l->swap_max)) < 0)
		return r;
	if (l->memory_low &&
	    (r = sym_sd_bus_message_append(m, "(sv)", "MemoryLow", "t", l->memory_low)) < 0)
		return r;
	if (l->cpu_quota || l->cpu_period) {
		uint64_t period = l->cpu_period ? l->cpu_period : PM_CG_DEFAULT_PERIOD;
		uint64_t per_sec = !l->cpu_quota || l->cpu_quota == PM_CG_UNLIMITED
					   ? UINT64_MAX
					   : l->cpu_quota * 1000000ULL / period;
		if ((r = sym_sd_bus_message_append(m, "(sv)", "CPUQuotaPerSecUSec", "t", per_sec)) <
			    0 ||
		    (r = sym_sd_bus_message_append(m, "(sv)", "CPUQuotaPeriodUSec", "t", period)) <
			    0)
			return r;
	}
	if (l->cpu_weight &&
	    (r = sym_sd_bus_message_append(m, "(sv)", "CPUWeight", "t", l->cpu_weight)) < 0)
		return r;
	if (l->cpuset_cpus && *l->cpuset_cpus &&
	    (r = append_cpuset(m, "AllowedCPUs", l->cpuset_cpus)) < 0)
		return r;
	if (l->cpuset_mems && *l->cpuset_mems &&
	    (r = append_cpuset(m, "AllowedMemoryNodes", l->cpuset_mems)) < 0)
		return r;
	if (l->pids_max && (!l->pids_soft || tasks_soft_ok) &&
	    (r = sym_sd_bus_message_append(m, "(sv)", "TasksMax", "t", l->pids_max)) < 0)
		return r;
	if (l->io_weight &&
	    (r = sym_sd_bus_message_append(m, "(sv)", "IOWeight", "t", l->io_weight)) < 0)
		return r;
	/* io.max and per-device io.weight lines are written into the scope (limits.h): io
	 * must be enabled for it */
	if (((l->io_max && l->io_max[0]) || (l->io_weight_dev && l->io_weight_dev[0])) &&
	    (r = sym_sd_bus_message_append(m, "(sv)", "IOAccounting", "b", 1)) < 0)
		return r;
	return 0;
}

/* The StartTransientUnit call: podman's properties for a container scope. */
static int start_scope(sd_bus *bus, const char *unit, const char *slice, pid_t pid,
		       const struct pm_cg_limits *lim, sd_bus_error *berr)
{
	_cleanup_(sym_sd_bus_message_unrefp) sd_bus_message *m = NULL;
	_cleanup_(sym_sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	int r = sym_sd_bus_message_new_method_call(
		bus, &m, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
		"org.freedesktop.systemd1.Manager", "StartTransientUnit");
	if (r < 0)
		return r;
	if ((r = sym_sd_bus_message_append(m, "ss", unit, "fail")) < 0 ||
	    (r = sym_sd_bus_message_open_container(m, 'a', "(sv)")) < 0 ||
	    (r = sym_sd_bus_message_append(m, "(sv)", "Description", "s", "pm container")) < 0 ||
	    (r = sym_sd_bus_message_append(m, "(sv)", "Slice", "s", slice)) < 0 ||
	    (r = sym_sd_bus_message_append(m, "(sv)", "PIDs", "au", 1, (uint32_t)pid)) < 0 ||
	    (r = sym_sd_bus_message_append(m, "(sv)", "Delegate", "b", 1)) < 0 ||
	    (r = sym_sd_bus_message_append(m, "(sv)", "CollectMode", "s", "inactive-or-failed")) <
		    0 ||
	    (r = sym_sd_bus_message_append(m, "(sv)", "DefaultDependencies", "b", 0)) < 0 ||
	    (r = sym_sd_bus_message_append(m, "(sv)", "CPUAccounting", "b", 1)) < 0 ||
	    (r = sym_sd_bus_message_append(m, "(sv)", "MemoryAccounting", "b", 1)) < 0 ||
	    (r = sym_sd_bus_message_append(m, "(sv)", "TasksAccounting", "b", 1)) < 0 ||
	    (r = append_limits(m, lim, true)) < 0 ||
	    (r = sym_sd_bus_message_close_container(m)) < 0 ||
	    (r = sym_sd_bus_message_append(m, "a(sa(sv))", 0)) < 0)
		return r;
	return sym_sd_bus_call(bus, m, JOB_TIMEOUT_USEC, berr, &reply);
}

int pm_cgroup_enter_scope(pid_t pid, const char *ctr_id, const char *slice, char **ret_cgroup_path,
			  pm_error **err)
{
	return pm_cgroup_enter_scope_limits(pid, ctr_id, slice, NULL, ret_cgroup_path, err);
}

int pm_cgroup_enter_scope_limits(pid_t pid, const char *ctr_id, const char *slice,
				 const struct pm_cg_limits *lim, char **ret_cgroup_path,
				 pm_error **err)
{
	if (ret_cgroup_path)
		*ret_cgroup_path = NULL;
	if (!unified_cgroup2()) {
		pm_log_debug("no container scope: /sys/fs/cgroup is not a cgroup v2 hierarchy");
		return PM_SCOPE_NONE;
	}
	bool system;
	if (!have_bus(&system)) {
		pm_log_debug("no container scope: no %s bus (set DBUS_SESSION_BUS_ADDRESS or "
			     "XDG_RUNTIME_DIR)",
			     system ? "system" : "user");
		return PM_SCOPE_NONE;
	}
	_cleanup_error_ pm_error *dlerr = NULL;
	if (pm_dl_bus(&dlerr) < 0) {
		pm_log_debug("no container scope: %s", dlerr->msg);
		return PM_SCOPE_NONE;
	}

	_cleanup_(sym_sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
	int r = system ? sym_sd_bus_open_system(&bus) : sym_sd_bus_open_user(&bus);
	if (r < 0) {
		pm_log_debug("no container scope: connecting to the %s bus: %s",
			     system ? "system" : "user", strerror(-r));
		return PM_SCOPE_NONE;
	}

	_cleanup_free_ char *unit = pm_scope_unit_name(ctr_id);
	struct job_wait w = {.unit = unit};
	_cleanup_(sym_sd_bus_slot_unrefp) sd_bus_slot *slot = NULL;
	r = sym_sd_bus_match_signal(bus, &slot, "org.freedesktop.systemd1",
				    "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
				    "JobRemoved", on_job_removed, &w);
	if (r < 0)
		return pm_error_set_errno(err, -r, "creating the scope '%s': watching its job",
					  unit);

	_cleanup_(sym_sd_bus_error_freep) sd_bus_error berr = SD_BUS_ERROR_NULL;
	r = start_scope(bus, unit,
			slice	 ? slice
			: system ? "machine.slice"
				 : "user.slice",
			pid, lim, &berr);
	if (r < 0) {
		if (berr.name &&
		    (!strcmp(berr.name, "org.freedesktop.DBus.Error.ServiceUnknown") ||
		     !strcmp(berr.name, "org.freedesktop.DBus.Error.NameHasNoOwner"))) {
			pm_log_debug("no container scope: no systemd on the %s bus",
				     system ? "system" : "user");
			return PM_SCOPE_NONE;
		}
		if (berr.message)
			return pm_error_set(err, -r, "creating the scope '%s': %s", unit,
					    berr.message);
		return pm_error_set_errno(err, -r, "creating the scope '%s'", unit);
	}

	uint64_t deadline = (uint64_t)pm_time_clock_ns(CLOCK_MONOTONIC) / 1000 + JOB_TIMEOUT_USEC;
	while (!w.result) {
		r = sym_sd_bus_process(bus, NULL);
		if (r < 0)
			break;
		if (r > 0)
			continue;
		uint64_t now = (uint64_t)pm_time_clock_ns(CLOCK_MONOTONIC) / 1000;
		if (now >= deadline) {
			r = -ETIMEDOUT;
			break;
		}
		r = sym_sd_bus_wait(bus, deadline - now);
		if (r < 0)
			break;
	}
	_cleanup_free_ char *result = w.result;
	if (!result)
		return pm_error_set_errno(err, -r, "creating the scope '%s': waiting for its job",
					  unit);
	if (strcmp(result, "done") != 0)
		return pm_error_set(err, EIO,
				    "creating the scope '%s': systemd's job ended '%s' (see "
				    "journalctl%s -u %s)",
				    unit, result, system ? "" : " --user", unit);
	pm_log_debug("container init %d is in %s", (int)pid, unit);
	if (ret_cgroup_path)
		*ret_cgroup_path = pm_proc_cgroup_read(pid);
	return PM_SCOPE_ENTERED;
}

int pm_scope_set_limits(const char *ctr_id, const struct pm_cg_limits *lim, pm_error **err)
{
	_cleanup_free_ char *unit = pm_scope_unit_name(ctr_id);
	return pm_unit_set_limits(unit, lim, err);
}

int pm_unit_set_limits(const char *unit, const struct pm_cg_limits *lim, pm_error **err)
{
	bool system;
	if (!have_bus(&system))
		return pm_error_set(err, ENOTCONN, "no %s bus to ask systemd",
				    system ? "system" : "user");
	int r = pm_dl_bus(err);
	if (r < 0)
		return r;
	_cleanup_(sym_sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
	r = system ? sym_sd_bus_open_system(&bus) : sym_sd_bus_open_user(&bus);
	if (r < 0)
		return pm_error_set_errno(err, -r, "connecting to the %s bus",
					  system ? "system" : "user");
	_cleanup_(sym_sd_bus_message_unrefp) sd_bus_message *m = NULL;
	_cleanup_(sym_sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	_cleanup_(sym_sd_bus_error_freep) sd_bus_error berr = SD_BUS_ERROR_NULL;
	if ((r = sym_sd_bus_message_new_method_call(
		     bus, &m, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
		     "org.freedesktop.systemd1.Manager", "SetUnitProperties")) < 0 ||
	    (r = sym_sd_bus_message_append(m, "sb", unit, 1)) < 0 ||
	    (r = sym_sd_bus_message_open_container(m, 'a', "(sv)")) < 0 ||
	    (r = append_limits(m, lim, false)) < 0 ||
	    (r = sym_sd_bus_message_close_container(m)) < 0)
		return pm_error_set_errno(err, -r, "updating the unit '%s'", unit);
	r = sym_sd_bus_call(bus, m, JOB_TIMEOUT_USEC, &berr, &reply);
	if (r < 0)
		return berr.message ? pm_error_set(err, -r, "updating the unit '%s': %s", unit,
						   berr.message)
				    : pm_error_set_errno(err, -r, "updating the unit '%s'", unit);
	return 0;
}

int pm_cgroup_join_pid(pid_t pid)
{
	if (!unified_cgroup2())
		return PM_SCOPE_NONE;
	_cleanup_free_ char *theirs = pm_proc_cgroup_read(pid);
	_cleanup_free_ char *ours = pm_proc_cgroup_read(getpid());
	if (!theirs || !ours || strcmp(theirs, ours) == 0)
		return PM_SCOPE_NONE;
	_cleanup_free_ char *procs = pm_xasprintf("/sys/fs/cgroup%s/cgroup.procs", theirs);
	_cleanup_close_ int fd = open(procs, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "0", 1) != 1) {
		pm_log_debug("staying in cgroup '%s': cannot join '%s': %s", ours, theirs,
			     strerror(errno));
		return PM_SCOPE_NONE;
	}
	return PM_SCOPE_ENTERED;
}
