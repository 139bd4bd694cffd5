/* cmd-pause.c: `pm pause` / `pm unpause` (and the `container` spellings): freeze and thaw a
 * running container with the cgroup v2 freezer (cgroup.freeze of the container's own
 * cgroup). Where there is no freezer pm may use (cgroups v1 or hybrid without a delegated
 * v2 tree, or a container without a cgroup of its own) it refuses with the reason, exit 125.
 * The state becomes "paused" / "running" under the container's lock. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/ctr-util.h"
#include "engine/container.h"
#include "engine/run.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "systemd/cgroup.h"

#define FREEZE_TIMEOUT_MS 10000

static const char pause_usage[] = "Pause all the processes in one or more containers\n"
				  "\n"
				  "Usage:\n"
				  "  pm pause [options] CONTAINER [CONTAINER...]\n"
				  "\n"
				  "Options:\n"
				  "  -a, --all   Pause all running containers\n";

static const char unpause_usage[] = "Unpause the processes in one or more containers\n"
				    "\n"
				    "Usage:\n"
				    "  pm unpause [options] CONTAINER [CONTAINER...]\n"
				    "\n"
				    "Options:\n"
				    "  -a, --all   Unpause all paused containers\n";

/* The freezer file of the container's own v2 cgroup, or NULL with *err saying why not. */
static char *freeze_file(const struct pm_cgroup_info *info, const struct pm_container *c,
			 pm_error **err)
{
	if (info->version != 2) {
		pm_error_set(
			err, EOPNOTSUPP,
			"pausing container %s: this host has %s cgroups v1: the cgroup freezer "
			"needs cgroup v2 with a subtree delegated to the user (systemd: "
			"Delegate=yes on user@.service)",
			c->id, info->hybrid ? "hybrid" : "legacy");
		return NULL;
	}
	_cleanup_free_ char *pcg = pm_xasprintf("/proc/%d/cgroup", (int)c->state.pid);
	_cleanup_free_ char *text = NULL;
	if (pm_read_file(pcg, 65536, &text, NULL, NULL) < 0 || !pm_str_startswith(text, "0::")) {
		pm_error_set(err, EOPNOTSUPP,
			     "pausing container %s: cannot find its cgroup (no cgroup v2 freezer)",
			     c->id);
		return NULL;
	}
	char *nl = strchr(text, '\n');
	if (nl)
		*nl = 0;
	const char *path = text + 3;
	if (info->own_path && strcmp(path, info->own_path) == 0) {
		pm_error_set(
			err, EOPNOTSUPP,
			"pausing container %s: it has no cgroup of its own to freeze (the cgroup "
			"freezer needs a delegated cgroup v2 subtree)",
			c->id);
		return NULL;
	}
	char *f = pm_xasprintf("/sys/fs/cgroup%s/cgroup.freeze", path);
	if (access(f, W_OK) < 0) {
		pm_error_set_errno(err, errno, "pausing container %s: '%s' is not writable", c->id,
				   f);
		free(f);
		return NULL;
	}
	return f;
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
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		char buf[512];
		ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
		if (n < 0)
			return pm_error_set_errno(err, errno, "reading '%s'", events);
		buf[n] = 0;
		const char *fr = strstr(buf, "frozen ");
		if (fr && (fr[7] == '1') == want)
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
		long left = FREEZE_TIMEOUT_MS - ((now.tv_sec - start.tv_sec) * 1000L +
						 (now.tv_nsec - start.tv_nsec) / 1000000L);
		if (left <= 0)
			return pm_error_set(err, ETIMEDOUT, "the cgroup '%s' is not %s after %d s",
					    dir, want ? "frozen" : "thawed",
					    FREEZE_TIMEOUT_MS / 1000);
		struct pollfd p = {.fd = fd, .events = POLLPRI};
		if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
			return pm_error_set_errno(err, errno, "waiting on '%s'", events);
	}
}

static int pause_main(struct pm_cli *cli, int argc, char **argv, bool pause)
{
	static const struct option opts[] = {{"all", no_argument, NULL, 'a'},
					     {"help", no_argument, NULL, 0},
					     {NULL, 0, NULL, 0}};
	struct pm_opt_state st = {0};
	bool all = false;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "a", opts,
				  pause ? pause_usage : unpause_usage)) != -1) {
		if (c == PM_OPT_EXIT)
			return st.status;
		if (c == 'a')
			all = true;
	}
	if (!all && argc - optind < 1)
		return pm_cli_errorf("you must provide at least one container name or id");
	_cleanup_error_ pm_error *err = NULL;
	struct pm_cgroup_info info = {0};
	if (pm_cgroup_detect(&info, &err) < 0)
		return pm_cli_error(err);
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	struct pm_container **list = NULL;
	size_t n = 0;
	int status = pm_cli_ctr_list(cli, all, argv + optind, argc - optind, &list, &n);
	if (status)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct pm_container *ctr = list[i];
		_cleanup_error_ pm_error *ce = NULL;
		/* the host decides first: with no freezer no container can be paused */
		if (info.version != 2) {
			freeze_file(&info, ctr, &ce);
			status = pm_cli_error(ce);
			continue;
		}
		pm_engine_refresh(&e, ctr);
		enum pm_ctr_status want = pause ? PM_CTR_RUNNING : PM_CTR_PAUSED;
		if (ctr->state.status != want) {
			if (all)
				continue;
			status = pm_cli_errorf(
				"\"%s\" is not %s, can't %s: container state improper", ctr->name,
				pause ? "running" : "paused", pause ? "pause" : "unpause");
			continue;
		}
		_cleanup_free_ char *f = freeze_file(&info, ctr, &ce);
		if (!f) {
			status = pm_cli_error(ce);
			continue;
		}
		_cleanup_close_ int lock = pm_container_lock(&cli->paths, ctr->id, &ce);
		if (lock < 0) {
			status = pm_cli_error(ce);
			continue;
		}
		/* a cgroupfs file: written in place */
		_cleanup_close_ int fd = open(f, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, pause ? "1" : "0", 1) != 1) {
			status = pm_cli_errorf("%s container %s: writing '%s': %m",
					       pause ? "pausing" : "unpausing", ctr->id, f);
			continue;
		}
		if (wait_frozen(f, pause, &ce) < 0) {
			pm_error_prefix(&ce, "%s container %s", pause ? "pausing" : "unpausing",
					ctr->id);
			status = pm_cli_error(ce);
			continue;
		}
		pm_container_reload(&cli->paths, ctr, NULL);
		ctr->state.status = pause ? PM_CTR_PAUSED : PM_CTR_RUNNING;
		if (pm_container_save_state(&cli->paths, ctr, &ce) < 0) {
			status = pm_cli_error(ce);
			continue;
		}
		printf("%s\n", ctr->id);
	}
out:
	pm_container_list_free(list, n);
	pm_cgroup_info_free(&info);
	return status;
}

int cmd_pause(struct pm_cli *cli, int argc, char **argv)
{
	return pause_main(cli, argc, argv, true);
}

int cmd_unpause(struct pm_cli *cli, int argc, char **argv)
{
	return pause_main(cli, argc, argv, false);
}
