/* pause.c: freeze and thaw a running container with the cgroup v2 freezer (cgroup.freeze
 * of the container's own cgroup, systemd/cgroup.h tells what the host has). Where there is
 * no freezer pm may use (cgroups v1 or hybrid without a delegated v2 tree, or a container
 * without a cgroup of its own) it refuses with the reason. The state becomes "paused" /
 * "running" under the container's lock. Never prints; called by cli/cmd-pause.c. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/container.h"
#include "engine/pause.h"
#include "engine/ctr-state.h"
#include "engine/events.h"
#include "lib/log.h"
#include "lib/fileutil.h"
#include "lib/proc.h"
#include "lib/strutil.h"
#include "lib/timeutil.h"
#include "systemd/cgroup.h"

#define FREEZE_TIMEOUT_MS 10000

PM_DEFINE_CLEANUP_VALUE(struct pm_cgroup_info, pm_cgroup_info_free);

/* The freezer file of the container's own v2 cgroup in *ret, or an error saying why not. */
static int freeze_file(const struct pm_cgroup_info *info, const struct pm_container *c, bool pause,
		       char **ret, pm_error **err)
{
	const char *doing = pause ? "pausing" : "unpausing";
	if (info->version != 2)
		return pm_error_set(
			err, EOPNOTSUPP,
			"%s container %s: this host has %s cgroups v1: the cgroup freezer "
			"needs cgroup v2 with a subtree delegated to the user (systemd: "
			"Delegate=yes on user@.service)",
			doing, c->id, info->hybrid ? "hybrid" : "legacy");
	_cleanup_free_ char *path = c->state.pid > 0 ? pm_proc_cgroup_read(c->state.pid) : NULL;
	if (!path)
		return pm_error_set(
			err, EOPNOTSUPP,
			"%s container %s: cannot find its cgroup (no cgroup v2 freezer)", doing,
			c->id);
	if (info->own_path && strcmp(path, info->own_path) == 0)
		return pm_error_set(
			err, EOPNOTSUPP,
			"%s container %s: it has no cgroup of its own to freeze (the cgroup "
			"freezer needs a delegated cgroup v2 subtree)",
			doing, c->id);
	_cleanup_free_ char *f = pm_xasprintf("/sys/fs/cgroup%s/cgroup.freeze", path);
	if (access(f, W_OK) < 0)
		return pm_error_set_errno(err, errno, "%s container %s: '%s' is not writable",
					  doing, c->id, f);
	*ret = TAKE_PTR(f);
	return 0;
}

/* Wait until the kernel reports the cgroup (frozen) or thawed in cgroup.events next to
 * freeze: writing cgroup.freeze only starts the change. Woken by the file's change
 * notification (POLLPRI), not by polling. */
static int wait_frozen(const char *freeze, bool want, pm_error **err)
{
	_cleanup_free_ char *dir = pm_xstrdup(freeze);
	*strrchr(dir, '/') = 0;
	_cleanup_free_ char *events = pm_path_join(dir, "cgroup.events");
	_cleanup_close_ int fd = open(events, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pm_error_set_errno(err, errno, "opening '%s'", events);
	int64_t deadline = pm_time_clock_ns(CLOCK_MONOTONIC) + FREEZE_TIMEOUT_MS * 1000000LL;
	for (;;) {
		char buf[512];
		ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
		if (n < 0)
			return pm_error_set_errno(err, errno, "reading '%s'", events);
		buf[n] = 0;
		const char *fr = strstr(buf, "frozen ");
		if (fr && (fr[7] == '1') == want)
			return 0;
		int64_t left = (deadline - pm_time_clock_ns(CLOCK_MONOTONIC)) / 1000000;
		if (left <= 0)
			return pm_error_set(err, ETIMEDOUT, "the cgroup '%s' is not %s after %d s",
					    dir, want ? "frozen" : "thawed",
					    FREEZE_TIMEOUT_MS / 1000);
		struct pollfd p = {.fd = fd, .events = POLLPRI};
		if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
			return pm_error_set_errno(err, errno, "waiting on '%s'", events);
	}
}

int pm_engine_pause(const struct pm_engine *e, struct pm_container *c, bool pause, pm_error **err)
{
	_cleanup_(pm_cgroup_info_freep) struct pm_cgroup_info info = {0};
	int r = pm_cgroup_detect(&info, err);
	if (r < 0)
		return r;
	/* the host decides first: with no freezer no container can be paused */
	if (info.version != 2)
		return freeze_file(&info, c, pause, NULL, err);
	pm_engine_refresh(e, c); /* takes the lock itself: before ours */
	/* the state is checked, the freezer written and the state saved under the lock, so
	 * an exit recorded meanwhile is not overwritten with "paused" */
	_cleanup_close_ int lock = pm_container_lock(e->paths, c->id, err);
	if (lock < 0)
		return lock;
	if (pm_container_reload(e->paths, c, NULL) < 0)
		return pm_error_set(err, ENOENT,
				    "no container with name or ID \"%s\" found: no such container",
				    c->name);
	enum pm_ctr_status want = pause ? PM_CTR_RUNNING : PM_CTR_PAUSED;
	if (c->state.status != want)
		return pm_error_set(err, EINVAL,
				    "\"%s\" is not %s, can't %s: container state improper", c->name,
				    pause ? "running" : "paused", pause ? "pause" : "unpause");
	_cleanup_free_ char *f = NULL;
	if ((r = freeze_file(&info, c, pause, &f, err)) < 0)
		return r;
	/* a cgroupfs file: written in place */
	_cleanup_close_ int fd = open(f, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, pause ? "1" : "0", 1) != 1)
		return pm_error_set_errno(err, errno, "%s container %s: writing '%s'",
					  pause ? "pausing" : "unpausing", c->id, f);
	if ((r = wait_frozen(f, pause, err)) < 0) {
		/* not left half-frozen while the record says running */
		if (pause && lseek(fd, 0, SEEK_SET) == 0 && write(fd, "0", 1) != 1)
			pm_log_debug("thawing %s after a failed freeze: %m", c->id);
		pm_error_prefix(err, "%s container %s", pause ? "pausing" : "unpausing", c->id);
		return r;
	}
	c->state.status = pause ? PM_CTR_PAUSED : PM_CTR_RUNNING;
	r = pm_container_save_state(e->paths, c, err);
	if (r >= 0)
		pm_engine_event(e, c, pause ? "pause" : "unpause");
	return r;
}
