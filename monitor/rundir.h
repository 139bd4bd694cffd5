/* rundir.h: the files a container's monitor shares with the engine in the container's run
 * dir (<runroot>/containers/<id>, engine/ctr-paths.h), their names and formats in one
 * place. Written by the monitors, read by the engine (refresh, stop, wait, cleanup):
 *
 *   attach    the attach socket (monitor/mon-io.h)
 *   pids      "MONPID MONSTART PID PIDSTART": the monitor and the container init with their
 *             start times (field 22 of /proc/PID/stat, lib/proc.h), so that a recycled pid
 *             or a reboot (runroot wiped) is never taken for a live container
 *   conmon.pid the monitor's pid alone, written with pids: a systemd unit's PIDFile=
 *             (generate systemd) and podman's ConmonPidFile
 *   exit      "STATUS FINISHED_NS", written by pm-monitor before it runs the exit command
 *             (a killed cleanup still leaves the real exit code)
 *   stopped   made by `pm stop`/`rm -f`: the restart policy does not apply to that exit,
 *             and pm-monitor leaves the cleanup to the stopping pm; "rm" in it (rm -f):
 *             the container is removed next, pm-monitor does not sync its log
 *   exec/ID/  an exec session's (monitor/exec-session.h): its "exit", as above
 *   killed    made by `pm kill`: the restart policy does not apply to that exit (podman
 *             4.7 and later), pm-monitor's exit command cleans up as usual
 *
 * libc and lib/ only (pm-monitor links it statically). Never prints. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define PM_MON_ATTACH	  "attach"
#define PM_MON_PIDS	  "pids"
#define PM_MON_PIDFILE	  "conmon.pid"
#define PM_MON_EXIT	  "exit"
#define PM_MON_EXEC_EVENT "exec_died" /* an exec session's event template (lib/events.h) */
#define PM_MON_STOPPED	  "stopped"
#define PM_MON_KILLED	  "killed"

struct pm_mon_pids {
	pid_t mon, init;
	unsigned long long mon_start, init_start;
};

/* mon and init with their start times looked up now (a zombie's too). */
void pm_mon_pids_of(pid_t mon, pid_t init, struct pm_mon_pids *ret);
/* Write <rundir>/pids (the start times are looked up here) and <rundir>/conmon.pid. */
void pm_mon_write_pids(const char *rundir, pid_t mon, pid_t init);
/* Read it: 0, -ENOENT (none), -EINVAL (garbled). */
int pm_mon_read_pids(const char *rundir, struct pm_mon_pids *ret);

/* Write <rundir>/exit with the time now. */
void pm_mon_write_exit(const char *rundir, int status);
/* The same in an exec session's dir (<rundir>/exec/<session id>, monitor/exec-session.h),
 * which is not made again when it is gone (the container's cleanup removed it). */
void pm_mon_write_session_exit(const char *dir, int status);
/* Read it: 0 and the outputs set, else -ENOENT and the outputs as they were. */
int pm_mon_read_exit(const char *rundir, int *ret_status, int64_t *ret_finished_ns);

/* The stop marker: set (by the stopping pm), test, remove (before a start). */
void pm_mon_mark_stopped(const char *rundir);
bool pm_mon_stopped(const char *rundir);
/* The stop marker of `rm -f` (it says "rm"): also a stop; the monitor does not sync the
 * log of a container removed next. */
void pm_mon_mark_removing(const char *rundir);
bool pm_mon_removing(const char *rundir);
void pm_mon_clear_stopped(const char *rundir); /* "stopped" and "killed": a new start */
void pm_mon_mark_killed(const char *rundir);
/* Did a user end this run (stop, rm -f, kill)? Then the restart policy does not apply. */
bool pm_mon_no_restart(const char *rundir);

/* Remove a file of the run dir (attach, pids). */
void pm_mon_unlink(const char *rundir, const char *name);

/* The attach socket's address through dirfd, an O_PATH fd of the run dir
 * ("/proc/self/fd/N/attach": it fits sun_path however long the run dir's path is). The one
 * way to name it: the monitor's bind (monitor/mon-io.c) and attach's connect
 * (engine/monitor.c). */
struct sockaddr_un;
void pm_mon_attach_addr(int dirfd, struct sockaddr_un *ret);
