/* ctr-paths.h: where a container's files are, for every engine file (and cli/ for the
 * log): one place, so that the lifecycle (run.c), the monitor's spawner (monitor.c), the
 * network (net.c) and the state refresh (ctr-state.c) need not include each other.
 *
 *   log           <root>/db/containers/<id>/ctr.log (with the record: storage renames
 *                 <root>/containers/<id>/ in and out whole)
 *   run dir       <runroot>/containers/<id>: the attach socket and the monitor's files
 *                 (monitor/rundir.h: pids, exit, stopped), userdata/ (hosts, resolv.conf)
 *   network dir   the run dir, or <runroot>/n-<id12> when a socket path in the run dir
 *                 would not fit in sun_path
 *
 * Returns malloc'd paths. Never prints. */
#pragma once

#include <stdbool.h>

#include "engine/container.h"
#include "engine/engine.h"
#include "lib/error.h"

/* The k8s-file log of c. The file may not exist yet (container never started); a pod's infra
 * and a container of --log-driver none or passthrough log to /dev/null. */
char *pm_engine_log_path(const struct pm_engine *e, const struct pm_container *c);

/* The log driver of c when it keeps no log: "none", "passthrough" or "passthrough-tty" (a
 * static string); NULL for a k8s-file log. (Its config read for that key alone.) */
const char *pm_engine_log_driver(const struct pm_container *c);

/* Does c keep no log (pm_engine_log_driver() not NULL)? */
bool pm_engine_logs_none(const struct pm_container *c);

/* <runroot>/containers/<id>, and <runroot>/containers/<id>/<name>. */
char *pm_ctr_run_dir(const struct pm_engine *e, const char *id);
char *pm_ctr_run_file(const struct pm_engine *e, const char *id, const char *name);

/* Generated files (hosts, resolv.conf): <run dir>/userdata. */
char *pm_ctr_userdata_dir(const struct pm_engine *e, const char *id);

/* The directory for the network helper's socket and log; *ret_short tells it is the short
 * one outside the run dir (removed on its own). */
char *pm_ctr_net_dir(const struct pm_engine *e, const char *id, bool *ret_short);

/* Remove the short network dir if id has one (what pm_engine_net_prepare, engine/net.h,
 * made outside the run dir; the run dir's own goes with the run dir). */
void pm_ctr_net_dir_remove(const struct pm_engine *e, const char *id);

/* The pm-monitor program, found by pm_helper_path() (lib/paths.h: beside the running pm,
 * then <bindir>/../libexec/pm, then PM_LIBEXECDIR); NULL with *err naming the places. */
char *pm_monitor_program(pm_error **err);

/* The pm-pause program (monitor/pm-pause.c: the PID 1 of a pod's infra container), found
 * like pm-monitor; NULL with *err naming the places. */
char *pm_pause_program(pm_error **err);
