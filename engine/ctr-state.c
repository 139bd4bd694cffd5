/* ctr-state.c: a container's recorded state held against its processes (see ctr-state.h):
 * refresh, kill and the one "mark exited" step, under the container's lock. Never prints.
 * Called by engine/run.c (stop, wait, cleanup), engine/net.c, engine/ps.c, engine/exec.c,
 * engine/pause.c, engine/top.c, engine/cp.c, engine/monitor.c and cli/. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <unistd.h>

#include "engine/config-json.h"
#include "engine/ctr-networks.h"
#include "engine/ctr-paths.h"
#include "engine/ctr-state.h"
#include "engine/limits.h"
#include "engine/ctr-volumes.h"
#include "engine/events.h"
#include "lib/fileutil.h"
#include "lib/proc.h"
#include "lib/strutil.h"
#include "lib/timeutil.h"
#include "monitor/rundir.h"
#include "storage/container.h"

static void unmount_rootfs(const struct pm_engine *e, const struct pm_container *c)
{
	struct pm_container_config cfg = {0};
	bool ok = pm_config_from_json(c->config_json, &cfg, NULL) == 0;
	if (ok)
		pm_engine_volumes_release(e, &cfg, c->id);
	if (ok && !cfg.rootfs) {
		_cleanup_store_ struct pm_store *store = NULL;
		if (pm_store_open(e->paths, e->storage_driver, &store, NULL) >= 0)
			pm_storage_ctr_unmount_flags(
				store, c->id, e->removing ? PM_STORAGE_CTR_DISCARD : 0, NULL);
	}
	pm_spec_config_clear(&cfg);
}

int pm_engine_ctr_pids(const struct pm_engine *e, const struct pm_container *c,
		       struct pm_mon_pids *ret)
{
	_cleanup_free_ char *rundir = pm_ctr_run_dir(e, c->id);
	if (pm_mon_read_pids(rundir, ret) == 0)
		return 0;
	/* the runroot was wiped (a logout) or the file is torn: the record's copy, when it is
	 * of this boot */
	char boot[37];
	if (c->state.monitor_pid <= 0 || !c->state.monitor_start || !c->state.pid_start ||
	    !c->state.boot_id || pm_proc_boot_id(boot) < 0 || strcmp(boot, c->state.boot_id) != 0)
		return -ENOENT;
	*ret = (struct pm_mon_pids){.mon = c->state.monitor_pid,
				    .mon_start = c->state.monitor_start,
				    .init = c->state.pid,
				    .init_start = c->state.pid_start};
	return 0;
}

void pm_engine_record_pids(struct pm_container *c, pid_t mon, pid_t init)
{
	struct pm_mon_pids p;
	pm_mon_pids_of(mon, init, &p);
	char boot[37];
	c->state.pid = init;
	c->state.monitor_pid = mon;
	c->state.pid_start = p.init_start;
	c->state.monitor_start = p.mon_start;
	free(c->state.boot_id);
	c->state.boot_id = pm_proc_boot_id(boot) == 0 ? pm_xstrdup(boot) : NULL;
	free(c->state.error);
	c->state.error = NULL;
}

static void forget_pids(struct pm_container *c)
{
	c->state.pid = c->state.monitor_pid = 0;
	c->state.pid_start = c->state.monitor_start = 0;
	free(c->state.boot_id);
	c->state.boot_id = NULL;
}

/* SIGKILL pid if it is still the process that started at start; wait for it. */
static bool kill_verified(pid_t pid, unsigned long long start)
{
	if (pid <= 0 || pid == getpid() || pid == getppid())
		return false;
	_cleanup_close_ int fd = pm_pidfd_open_verified(pid, start);
	if (fd < 0 || pidfd_send_signal(fd, SIGKILL, NULL, 0) < 0)
		return false;
	pm_pidfd_wait(fd, 5000);
	return true;
}

bool pm_engine_end_processes(const struct pm_engine *e, const struct pm_container *c)
{
	struct pm_mon_pids p;
	if (pm_engine_ctr_pids(e, c, &p) < 0)
		return false;
	/* the monitor first: its network helper and port relay end with it (their exit fd),
	 * and it cannot restart what we kill next */
	kill_verified(p.mon, p.mon_start);
	return kill_verified(p.init, p.init_start);
}

/* The body of pm_engine_mark_exited, the lock held. */
static int mark_exited_locked(const struct pm_engine *e, struct pm_container *c,
			      enum pm_mark_exited mode, bool *ret_stopped_by_user, pm_error **err)
{
	if (pm_container_reload(e->paths, c, NULL) < 0)
		return -ENOENT; /* removed meanwhile */
	_cleanup_free_ char *rundir = pm_ctr_run_dir(e, c->id);
	struct pm_mon_pids p;
	bool have = pm_engine_ctr_pids(e, c, &p) == 0;
	if (c->state.damaged) {
		/* what the live processes say wins over a damaged record */
		if (have && pm_proc_alive(p.init, p.init_start) &&
		    pm_proc_alive(p.mon, p.mon_start)) {
			c->state.status = PM_CTR_RUNNING;
			c->state.damaged = false;
			pm_engine_record_pids(c, p.mon, p.init);
			return pm_container_save_state(e->paths, c, err);
		}
		c->state.status = PM_CTR_RUNNING; /* whatever it was, it is over: say so */
	}
	bool running = pm_ctr_is_running(c);
	bool starting = c->state.starting;
	if (!running && !starting && mode == PM_EXITED_MONITOR_GONE)
		return 0; /* someone else recorded the exit meanwhile */
	bool killed = false;
	if ((running || starting) && have) {
		if (mode == PM_EXITED_MONITOR_GONE && !starting && !c->state.damaged &&
		    pm_proc_alive(p.mon, p.mon_start))
			return 0;
		if (pm_proc_alive(p.init, p.init_start)) {
			if (mode == PM_EXITED_CLEANUP)
				return pm_error_set(err, EBUSY,
						    "container %s is running or paused, refusing "
						    "to clean up: container state improper",
						    c->id);
			/* its monitor (or its starter) is gone: nothing would ever record its
			 * exit */
			killed = pm_engine_end_processes(e, c);
		} else if (starting) {
			pm_engine_end_processes(e, c); /* a monitor left alone */
		}
	}
	if (running) {
		c->state.status = PM_CTR_STOPPED;
		c->state.finished_ns = pm_time_now_ns();
		c->state.oom_killed =
			pm_engine_cgroup_exited(c->state.cgroup_path, c->state.oom_base);
		free(c->state.error);
		c->state.error = NULL;
		if (pm_mon_read_exit(rundir, &c->state.exit_code, &c->state.finished_ns) < 0) {
			/* podman's word for it: -1, and why in State.Error */
			c->state.exit_code = killed ? 128 + SIGKILL : -1;
			if (!killed)
				c->state.error = pm_xstrdup(
					"the container monitor died without recording an exit "
					"status: exit code unknown");
		}
	}
	/* a start that died half-way: the status stays what it was before (created,
	 * exited), nothing of the start is left */
	c->state.starting = false;
	c->state.damaged = false;
	free(c->state.cgroup_path);
	c->state.cgroup_path = NULL;
	forget_pids(c);
	unmount_rootfs(e, c);
	free(c->state.mountpoint);
	c->state.mountpoint = NULL;
	int r = pm_container_save_state(e->paths, c, err);
	if (running && r >= 0)
		pm_engine_event_died(e, c);
	if (ret_stopped_by_user)
		*ret_stopped_by_user = pm_mon_no_restart(rundir);
	/* the run dir goes under the lock: a start that follows makes a new one */
	pm_rm_rf(rundir, NULL);
	pm_ctr_net_dir_remove(e, c->id);
	pm_engine_network_release(e, c->id);
	return r < 0 ? r : running || starting;
}

int pm_engine_mark_exited(const struct pm_engine *e, struct pm_container *c,
			  enum pm_mark_exited mode, bool *ret_stopped_by_user, pm_error **err)
{
	if (ret_stopped_by_user)
		*ret_stopped_by_user = false;
	_cleanup_close_ int lock = pm_container_lock(e->paths, c->id, err);
	if (lock < 0)
		return lock; /* nothing written without the lock */
	return mark_exited_locked(e, c, mode, ret_stopped_by_user, err);
}

int pm_engine_refresh(const struct pm_engine *e, struct pm_container *c)
{
	if (!pm_ctr_is_running(c) && !c->state.starting && !c->state.damaged)
		return 0;
	struct pm_mon_pids p;
	if (pm_ctr_is_running(c) && !c->state.damaged && pm_engine_ctr_pids(e, c, &p) == 0 &&
	    pm_proc_alive(p.mon, p.mon_start))
		return 0;
	/* The monitor is gone (killed, or a reboot), the record is damaged, or it says a
	 * start is under way: reconcile, after whoever holds the lock (a stop, a remove, the
	 * start itself, all short). A start holds the lock until the record says "running"
	 * (its forked monitor too, should the starting pm be killed), so the record read
	 * then is the truth; a "starting" record with a free lock lost its starter. */
	_cleanup_close_ int lock = pm_container_lock(e->paths, c->id, NULL);
	if (lock < 0)
		return 0;
	bool was_running = pm_ctr_is_running(c);
	int r = mark_exited_locked(e, c, PM_EXITED_MONITOR_GONE, NULL, NULL);
	return r >= 0 && was_running != pm_ctr_is_running(c) ? 1 : 0;
}

int pm_engine_kill(const struct pm_engine *e, struct pm_container *c, int sig, pm_error **err)
{
	pm_engine_refresh(e, c);
	bool running = pm_ctr_is_running(c);
	_cleanup_free_ char *dir = pm_ctr_run_dir(e, c->id);
	struct pm_mon_pids p;
	if (!running || pm_engine_ctr_pids(e, c, &p) < 0)
		return pm_error_set(
			err, EINVAL,
			"can only kill running containers. %s is in state %s: container "
			"state improper",
			c->id, pm_ctr_status_string(c->state.status));
	_cleanup_close_ int fd = pm_pidfd_open_verified(p.init, p.init_start);
	/* a user's kill ends the restart policy for this run, as `pm stop` does (podman 4.7+;
	 * podman 4.3 restarted a killed --restart=always container) */
	if (fd >= 0)
		pm_mon_mark_killed(dir);
	if (fd < 0 || pidfd_send_signal(fd, sig, NULL, 0) < 0)
		return pm_error_set_errno(err, fd < 0 ? ESRCH : errno,
					  "sending signal %d to container %s", sig, c->id);
	pm_engine_event(e, c, "kill");
	return 0;
}
