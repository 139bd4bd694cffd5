/* ctr-state.h: a container's recorded state held against its processes, and the one
 * "mark exited" step every exit goes through: pm_engine_refresh (a running container
 * whose monitor is gone), the exit command `pm container cleanup --exited` that pm-monitor
 * runs, and the stopping pm's own cleanup (both pm_engine_cleanup, engine/run.h).
 *
 * The step writes only under the container's lock (pm_container_lock, which waits for a
 * holder): when the lock cannot be taken, nothing is written. Never prints. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "engine/container.h"
#include "engine/engine.h"
#include "lib/error.h"

enum pm_mark_exited {
	/* refresh: only when the monitor is gone; an init it left behind is killed (137) */
	PM_EXITED_MONITOR_GONE,
	/* the exit cleanup: the container's init must be gone (-EBUSY else); a state already
	 * "exited" is cleaned up too (unmount, run dir) */
	PM_EXITED_CLEANUP,
};

/* Take c's lock, reload c and, when it ran and its processes are over (see the modes),
 * record the exit: status "exited", the exit code and time from the monitor's exit file
 * (monitor/rundir.h; else the time now), no pids, rootfs unmounted, mountpoint cleared,
 * state saved, run dir (and a short network dir) removed. *ret_stopped_by_user (may be
 * NULL) tells whether the stop marker was there. Returns 1 when the state changed to
 * exited, 0 when there was nothing to do, -ENOENT when c was removed meanwhile, or the
 * error of taking the lock (nothing written). */
int pm_engine_mark_exited(const struct pm_engine *e, struct pm_container *c,
			  enum pm_mark_exited mode, bool *ret_stopped_by_user, pm_error **err);

/* Bring c's recorded state up to date with the processes: a "running" container whose
 * monitor is gone (killed, or the host rebooted: the runroot's pids file with start times
 * is missing or names other processes) becomes "exited" (pm_engine_mark_exited); an init
 * left behind is killed and the rootfs unmounted. Call before showing or acting on a
 * state. Lock-free when nothing changes. Returns 1 when the state changed. */
int pm_engine_refresh(const struct pm_engine *e, struct pm_container *c);

/* c's monitor and init with their start times: the monitor's pids file in the run dir,
 * else the copy in c's record when it is of this boot (the runroot was wiped). 0 or
 * -ENOENT. */
struct pm_mon_pids;
int pm_engine_ctr_pids(const struct pm_engine *e, const struct pm_container *c,
		       struct pm_mon_pids *ret);

/* Record mon and init (with their start times and this boot's id) in c's state (not
 * saved). */
void pm_engine_record_pids(struct pm_container *c, pid_t mon, pid_t init);

/* SIGKILL c's monitor, then its init, each only when it is provably the recorded process
 * (and neither this process nor its parent); the network helper and port relay end with
 * the monitor. The caller holds c's lock. True when the init was killed. */
bool pm_engine_end_processes(const struct pm_engine *e, const struct pm_container *c);

/* Send sig to c's PID 1; -EINVAL (podman's message) when c is not running. */
int pm_engine_kill(const struct pm_engine *e, struct pm_container *c, int sig, pm_error **err);
