/* pause-scan.h: telling pm's own pause and monitor processes from any other process, by
 * pid (the pause pid file) or by a scan of /proc (the pid file lost or stale).
 * Internal to rootless/ (rootless/userns.c calls it, the scan with <runroot>/pause.lock held).
 *
 * A pause process of runroot: comm "pm-pause", real uid getuid(), and, once committed, its
 * fd 3 an O_PATH descriptor of runroot (rootless/pause.c), so that /proc/PID/fd/3 links to
 * runroot, or to "<runroot> (deleted)" when $XDG_RUNTIME_DIR was wiped under it.
 * A monitor of runroot: comm "pm-monitor", real uid getuid(), "--rundir
 * <runroot>/containers/<id>" in its command line (engine/monitor.c exec_monitor): it runs in
 * the user + mount namespaces of the pause process that was alive when its container
 * started. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The comm of a container monitor (the pm-monitor executable). */
#define PM_ROOTLESS_MONITOR_NAME "pm-monitor"

struct pm_rootless_proc {
	pid_t pid; /* 0: none found */
	unsigned long long start;
};

/* Pure: does argv (a /proc/PID/cmdline: len bytes, each argument ended by a NUL) hold
 * "--rundir" followed by "<runroot>/containers/<id>" (id not empty, no '/'), before a "--"? */
bool pm_rootless_monitor_argv_matches(const char *argv, size_t len, const char *runroot);

/* Pure: is link (the target of /proc/PID/fd/3) runroot or "<runroot> (deleted)"? */
bool pm_rootless_pause_link_matches(const char *link, const char *runroot);

/* Is pid, started at start, alive (not a zombie), named "pm-pause" and ours (real uid
 * getuid())? Reads /proc/PID/stat and /proc/PID/status; no scan. */
bool pm_rootless_pause_verify(pid_t pid, unsigned long long start);

/* Scan /proc for the oldest committed pause process of runroot (ret_pause) and the oldest
 * monitor of runroot (ret_monitor); pid 0 in either when there is none. runroot is matched
 * as given and as realpath(3) resolves it. 0, or -errno when /proc cannot be listed. */
int pm_rootless_scan(const char *runroot, struct pm_rootless_proc *ret_pause,
		     struct pm_rootless_proc *ret_monitor);
