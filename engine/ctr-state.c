/* ctr-state.c: a container's recorded state held against its processes (see ctr-state.h):
 * refresh, kill and the one "mark exited" step, under the container's lock. Never prints.
 * Called by engine/run.c (stop, wait, cleanup), engine/net.c, engine/ps.c, engine/exec.c,
 * engine/pause.c, engine/top.c, engine/cp.c, engine/monitor.c and cli/. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/pidfd.h>
#include <unistd.h>

#include "engine/config-json.h"
#include "engine/ctr-paths.h"
#include "engine/ctr-state.h"
#include "engine/ctr-volumes.h"
#include "lib/fileutil.h"
#include "lib/proc.h"
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
			pm_storage_ctr_unmount(store, c->id, NULL);
	}
	pm_spec_config_clear(&cfg);
}

int pm_engine_mark_exited(const struct pm_engine *e, struct pm_container *c,
			  enum pm_mark_exited mode, bool *ret_stopped_by_user, pm_error **err)
{
	if (ret_stopped_by_user)
		*ret_stopped_by_user = false;
	_cleanup_close_ int lock = pm_container_lock(e->paths, c->id, err);
	if (lock < 0)
		return lock; /* nothing written without the lock */
	if (pm_container_reload(e->paths, c, NULL) < 0)
		return -ENOENT; /* removed meanwhile */
	bool running = pm_ctr_is_running(c);
	if (!running && mode == PM_EXITED_MONITOR_GONE)
		return 0; /* someone else recorded the exit meanwhile */
	_cleanup_free_ char *rundir = pm_ctr_run_dir(e, c->id);
	struct pm_mon_pids p;
	bool have = pm_mon_read_pids(rundir, &p) == 0;
	if (running && have) {
		if (mode == PM_EXITED_MONITOR_GONE && pm_proc_alive(p.mon, p.mon_start))
			return 0;
		if (pm_proc_alive(p.init, p.init_start)) {
			if (mode == PM_EXITED_CLEANUP)
				return pm_error_set(err, EBUSY,
						    "container %s is running or paused, refusing "
						    "to clean up: container state improper",
						    c->id);
			/* its monitor is gone: nothing would ever record its exit */
			_cleanup_close_ int fd = pm_pidfd_open_verified(p.init, p.init_start);
			if (fd >= 0 && pidfd_send_signal(fd, SIGKILL, NULL, 0) == 0) {
				c->state.exit_code = 128 + SIGKILL;
				pm_pidfd_wait(fd, 5000);
			}
		}
	}
	if (running) {
		c->state.status = PM_CTR_STOPPED;
		c->state.finished_ns = pm_time_now_ns();
		pm_mon_read_exit(rundir, &c->state.exit_code, &c->state.finished_ns);
		c->state.pid = 0;
	}
	unmount_rootfs(e, c);
	free(c->state.mountpoint);
	c->state.mountpoint = NULL;
	c->state.monitor_pid = 0;
	int r = pm_container_save_state(e->paths, c, err);
	if (ret_stopped_by_user)
		*ret_stopped_by_user = pm_mon_no_restart(rundir);
	/* the run dir goes under the lock: a start that follows makes a new one */
	pm_rm_rf(rundir, NULL);
	pm_ctr_net_dir_remove(e, c->id);
	return r < 0 ? r : running;
}

int pm_engine_refresh(const struct pm_engine *e, struct pm_container *c)
{
	if (!pm_ctr_is_running(c))
		return 0;
	_cleanup_free_ char *rundir = pm_ctr_run_dir(e, c->id);
	struct pm_mon_pids p;
	if (pm_mon_read_pids(rundir, &p) == 0 && pm_proc_alive(p.mon, p.mon_start))
		return 0;
	/* The monitor is gone (killed, or a reboot wiped the runroot): the container is over. */
	int r = pm_engine_mark_exited(e, c, PM_EXITED_MONITOR_GONE, NULL, NULL);
	return r >= 0 && !pm_ctr_is_running(c) ? 1 : 0;
}

int pm_engine_kill(const struct pm_engine *e, struct pm_container *c, int sig, pm_error **err)
{
	pm_engine_refresh(e, c);
	bool running = pm_ctr_is_running(c);
	_cleanup_free_ char *dir = pm_ctr_run_dir(e, c->id);
	struct pm_mon_pids p;
	if (!running || pm_mon_read_pids(dir, &p) < 0)
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
	return 0;
}
