/* pause-scan.c: is this pid pm's pause process, and which live processes still hold pm's
 * rootless namespaces when the pause pid file is lost (see pause-scan.h). The identity
 * checks read /proc through lib/proc.h; the matchers of a command line and of an fd link are
 * pure. Must not print. Called by rootless/userns.c only: pm_rootless_pause_verify on every
 * join (the fast path: two small reads, no scan), pm_rootless_scan only when the pid file
 * is missing or stale. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "lib/proc.h"
#include "rootless/pause-scan.h"
#include "rootless/pause.h"

/* ---- pure matchers -------------------------------------------------------------------------- */

bool pm_rootless_monitor_argv_matches(const char *argv, size_t len, const char *runroot)
{
	if (!argv || !runroot || !*runroot)
		return false;
	size_t rlen = strlen(runroot);
	const char *end = argv + len;
	const char *arg = argv;
	while (arg < end) {
		const char *nul = memchr(arg, '\0', (size_t)(end - arg));
		if (!nul)
			return false; /* cut short: no whole argument left */
		if (strcmp(arg, "--") == 0)
			return false; /* the exit command's arguments follow */
		const char *next = nul + 1;
		if (strcmp(arg, "--rundir") == 0) {
			const char *vend =
				next < end ? memchr(next, '\0', (size_t)(end - next)) : NULL;
			if (!vend)
				return false;
			if (strncmp(next, runroot, rlen) != 0 ||
			    strncmp(next + rlen, "/containers/", strlen("/containers/")) != 0)
				return false;
			const char *id = next + rlen + strlen("/containers/");
			return *id && !strchr(id, '/');
		}
		arg = next;
	}
	return false;
}

bool pm_rootless_pause_link_matches(const char *link, const char *runroot)
{
	if (!link || !runroot || !*runroot)
		return false;
	size_t rlen = strlen(runroot);
	if (strncmp(link, runroot, rlen) != 0)
		return false;
	return link[rlen] == '\0' || strcmp(link + rlen, " (deleted)") == 0;
}

/* ---- identity ------------------------------------------------------------------------------- */

static bool ours(pid_t pid)
{
	struct pm_proc_status st;
	return pm_proc_status_read(pid, &st) == 0 && (st.have & PM_PROC_HAVE_UID) &&
	       st.uid == (unsigned)getuid();
}

static bool running(const struct pm_proc_stat *s)
{
	return s->state != 'Z' && s->state != 'X' && s->state != 'x';
}

bool pm_rootless_pause_verify(pid_t pid, unsigned long long start)
{
	struct pm_proc_stat s;
	if (pm_proc_stat_read(pid, &s) < 0 || !running(&s) || s.starttime != start ||
	    strcmp(s.comm, PM_ROOTLESS_PAUSE_NAME) != 0)
		return false;
	return ours(pid);
}

/* ---- the scan ------------------------------------------------------------------------------- */

static void keep_oldest(struct pm_rootless_proc *best, pid_t pid, unsigned long long start)
{
	if (best->pid == 0 || start < best->start) {
		best->pid = pid;
		best->start = start;
	}
}

static bool pause_of(pid_t pid, const char *runroot, const char *real)
{
	_cleanup_free_ char *link = pm_proc_fd_link(pid, PM_ROOTLESS_PAUSE_RUNROOT_FD);
	return pm_rootless_pause_link_matches(link, runroot) ||
	       (real && pm_rootless_pause_link_matches(link, real));
}

static bool monitor_of(pid_t pid, const char *runroot, const char *real)
{
	size_t len = 0;
	_cleanup_free_ char *argv = pm_proc_cmdline_read(pid, &len);
	return pm_rootless_monitor_argv_matches(argv, len, runroot) ||
	       (real && pm_rootless_monitor_argv_matches(argv, len, real));
}

int pm_rootless_scan(const char *runroot, struct pm_rootless_proc *ret_pause,
		     struct pm_rootless_proc *ret_monitor)
{
	*ret_pause = (struct pm_rootless_proc){0};
	*ret_monitor = (struct pm_rootless_proc){0};
	_cleanup_free_ char *real = realpath(runroot, NULL);
	if (real && strcmp(real, runroot) == 0) {
		free(real);
		real = NULL;
	}
	_cleanup_closedir_ DIR *d = opendir("/proc");
	if (!d)
		return -errno;
	pid_t self = getpid();
	struct dirent *de;
	while ((de = readdir(d))) {
		char *end = NULL;
		long v = strtol(de->d_name, &end, 10);
		if (de->d_name[0] < '1' || de->d_name[0] > '9' || *end || v > INT_MAX ||
		    (pid_t)v == self)
			continue;
		pid_t pid = (pid_t)v;
		struct pm_proc_stat s;
		if (pm_proc_stat_read(pid, &s) < 0 || !running(&s))
			continue;
		bool pause = strcmp(s.comm, PM_ROOTLESS_PAUSE_NAME) == 0;
		bool monitor = strcmp(s.comm, PM_ROOTLESS_MONITOR_NAME) == 0;
		if ((!pause && !monitor) || !ours(pid))
			continue;
		if (pause && pause_of(pid, runroot, real)) {
			pm_log_debug("found pause process %d of '%s'", (int)pid, runroot);
			keep_oldest(ret_pause, pid, s.starttime);
		} else if (monitor && monitor_of(pid, runroot, real)) {
			pm_log_debug("found monitor %d of '%s'", (int)pid, runroot);
			keep_oldest(ret_monitor, pid, s.starttime);
		}
	}
	return 0;
}
