/* run.h: a container's life as the engine drives it: create (record + root filesystem),
 * start in the foreground, remove. `pm run` is create + start (+ remove with --rm).
 * A create or start that fails leaves no record, mount or directory behind. */
#pragma once

#include <stdbool.h>

#include "engine/container.h"
#include "engine/ctr-state.h"
#include "engine/engine.h"
#include "engine/spec.h"
#include "lib/error.h"

/* Validate cfg, resolve its image (or --rootfs), reserve the name, write the record and
 * prepare the root filesystem. */
int pm_engine_create(const struct pm_engine *e, const struct pm_container_config *cfg,
		     struct pm_container **ret, pm_error **err);

/* Start c detached: mount its rootfs and spawn its monitor (engine/monitor.h), which
 * starts it. Returns once the container runs, or with the setup failure (err->status
 * 125/126/127) and the container as it was. A running container is left alone (0). */
int pm_engine_start(const struct pm_engine *e, struct pm_container *c, pm_error **err);

/* Run c in the foreground, this process being its monitor (attached): mount its rootfs,
 * run it with our stdio (and the log), record the exit, unmount. *ret_status is the
 * container's exit status (128+N for a signal). A setup failure (err->status 125/126/127)
 * leaves the container as it was before start. */
int pm_engine_start_foreground(const struct pm_engine *e, struct pm_container *c, int *ret_status,
			       pm_error **err);
/* run --rm: as pm_engine_start_foreground, but the exit is only recorded (by the monitor):
 * the unmount, the run files and the state are left to pm_engine_remove_detached, which the
 * caller calls next (issue #20: no state written and no root unmounted twice). */
int pm_engine_start_foreground_then_remove(const struct pm_engine *e, struct pm_container *c,
					   int *ret_status, pm_error **err);

/* Start c detached (its own monitor, as pm_engine_start) with this process attached from
 * the start, as a foreground `pm run -it` on a terminal that can detach: relay the
 * terminal (raw, resizes) until the container exits (its status in *ret_status, returns 0)
 * or the user types detach_keys (pm_attach_parse_keys; NULL: ctrl-p,ctrl-q): returns 1,
 * the container keeps running and `pm attach` reattaches. Bad keys fail (-EINVAL, podman's
 * message) before anything starts. The monitor applies --rm and the restart policy. */
int pm_engine_start_detachable(const struct pm_engine *e, struct pm_container *c,
			       const char *detach_keys, int *ret_status, pm_error **err);

/* Stop c: its stop signal (--stop-signal, the image's StopSignal, else SIGTERM), or
 * SIGKILL at once when timeout is 0 or its PID 1 would drop that signal (no handler: PID 1 of a pid
 * namespace ignores it), then SIGKILL after timeout seconds (< 0: --stop-timeout, else 10).
 * Returns when the monitor has recorded the exit. Not running: nothing to do. The restart
 * policy does not apply to this exit. */
int pm_engine_stop(const struct pm_engine *e, struct pm_container *c, int timeout, pm_error **err);

/* Wait until c's status is one of conditions (a mask of 1 << enum pm_ctr_status); the exit
 * code then. Waits on the state file (inotify) and the monitor (pidfd), no polling.
 * -ENOENT when c is removed meanwhile. */
int pm_engine_wait(const struct pm_engine *e, struct pm_container *c, unsigned conditions,
		   int *ret_exit_code, pm_error **err);

/* Remove a container that is not running (waiting for its monitor to finish): unmount and delete
 * its root filesystem, release its volumes and its name, delete the record. */
int pm_engine_remove(const struct pm_engine *e, struct pm_container *c, pm_error **err);
/* The same; with anonymous, its anonymous volumes go too (rm -v, --rm), each unless another
 * container uses it. */
int pm_engine_remove_volumes(const struct pm_engine *e, struct pm_container *c, bool anonymous,
			     pm_error **err);
/* The removal of an exited container whose exit is recorded (a foreground run --rm), the
 * caller not waiting for the deletes: its volumes, root, name and record are gone for any
 * later command when this returns (root moved under the store's tmp/, record moved aside),
 * the files are deleted by a detached process; anonymous as in pm_engine_remove_volumes. A
 * running or damaged one: pm_engine_remove_volumes. */
/* c was made by run --rm / create --rm (its spec's "Rm", read without parsing the spec) */
bool pm_engine_ctr_autoremove(const struct pm_container *c);

/* pm_engine_refresh, and a --rm container found exited that way (its pm or monitor was
 * killed: nobody else will remove it) is removed (pm_engine_remove_detached): returns
 * PM_REFRESH_REMOVED then, c is not to be shown; else as pm_engine_refresh. */
#define PM_REFRESH_REMOVED 2
int pm_engine_refresh_autoremove(const struct pm_engine *e, struct pm_container *c);
/* pm_container_lookup, then pm_engine_refresh_autoremove: a --rm container whose run is gone
 * (its pm and monitor killed) is removed now and not found, as after its removal: -ENOENT
 * with the lookup's "no such container" message. Else as pm_container_lookup, c
 * refreshed. */
int pm_engine_ctr_lookup(const struct pm_engine *e, const char *ref, struct pm_container **ret,
			 pm_error **err);
/* pm_container_list, each refreshed by pm_engine_refresh_autoremove: the --rm containers
 * it removes are left out, as ps leaves them out. */
int pm_engine_ctr_list(const struct pm_engine *e, struct pm_container ***ret, size_t *ret_n,
		       pm_error **err);

int pm_engine_remove_detached(const struct pm_engine *e, struct pm_container *c, bool anonymous,
			      pm_error **err);

/* Record the exit of a detached container whose pm-monitor ended it, and clean up after it
 * (`pm container cleanup`, and the stopping pm's own cleanup): the "mark exited" step
 * (engine/ctr-state.h: under the lock, the exit from the exit file, rootfs unmounted, run
 * dir removed), then --rm; with apply_restart, the restart policy (backoff, then a new
 * detached start). Returns 0, or -EBUSY when the container's init still runs. */
int pm_engine_cleanup(const struct pm_engine *e, struct pm_container *c, bool apply_restart,
		      pm_error **err);

/* pm_engine_refresh: engine/ctr-state.h. */
