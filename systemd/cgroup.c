/* cgroup.c: cgroup version, controllers and delegation, read from /proc and /sys. Owns the
 * judgement "can this user enforce a limit here". Never changes anything, never prints.
 * Called by cli/ (info, validation of --memory/--cpus/--pids-limit) and engine/. */
#include <errno.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "lib/fileutil.h"
#include "lib/proc.h"
#include "lib/strutil.h"
#include "systemd/cgroup.h"

#define CG_ROOT "/sys/fs/cgroup"

static bool is_cgroup2(const char *path)
{
	struct statfs s;
	return statfs(path, &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC;
}

static void add_v1_controllers(struct pm_cgroup_info *info)
{
	_cleanup_free_ char *data = NULL;
	if (pm_read_file("/proc/cgroups", 65536, &data, NULL, NULL) < 0)
		return;
	/* #subsys_name hierarchy num_cgroups enabled */
	char *line_save = NULL;
	for (char *line = strtok_r(data, "\n", &line_save); line;
	     line = strtok_r(NULL, "\n", &line_save)) {
		char name[64];
		int hier, num, enabled;
		if (line[0] == '#' ||
		    sscanf(line, "%63s %d %d %d", name, &hier, &num, &enabled) != 4)
			continue;
		if (hier != 0 && enabled)
			pm_strv_push(&info->controllers, name);
	}
}

int pm_cgroup_detect(struct pm_cgroup_info *ret, pm_error **err)
{
	struct pm_cgroup_info info = {0};
	const char *v2root = NULL;

	if (is_cgroup2(CG_ROOT)) {
		info.version = 2;
		v2root = CG_ROOT;
	} else {
		info.version = 1;
		if (is_cgroup2(CG_ROOT "/unified")) {
			info.hybrid = true;
			v2root = CG_ROOT "/unified";
		}
	}

	if (info.version == 1) {
		add_v1_controllers(&info);
	} else {
		info.own_path = pm_proc_cgroup_read(0);
		_cleanup_free_ char *dir =
			pm_xasprintf("%s%s", v2root, info.own_path ? info.own_path : "");
		_cleanup_free_ char *file = pm_path_join(dir, "cgroup.controllers");
		_cleanup_free_ char *ctl = NULL;
		if (pm_read_line_file(file, &ctl, NULL) >= 0)
			info.controllers = pm_strv_split(ctl, " ");
		/* Delegated: our cgroup's parent is writable by us (systemd's Delegate=yes
		 * on user@.service hands the user's subtree to the user). */
		_cleanup_free_ char *procs = pm_path_join(dir, "cgroup.procs");
		_cleanup_free_ char *subtree = pm_path_join(dir, "cgroup.subtree_control");
		if (access(procs, W_OK) == 0 || access(subtree, W_OK) == 0)
			info.delegated = pm_strv_copy(info.controllers);
	}
	if (!info.controllers)
		info.controllers = pm_xcalloc(1, sizeof(char *));
	if (!info.delegated)
		info.delegated = pm_xcalloc(1, sizeof(char *));

	/* the user bus as sd-bus finds it: $DBUS_SESSION_BUS_ADDRESS (unix:path=...), else
	 * $XDG_RUNTIME_DIR/bus */
	const char *addr = getenv("DBUS_SESSION_BUS_ADDRESS");
	const char *rt = getenv("XDG_RUNTIME_DIR");
	_cleanup_free_ char *bus = NULL;
	if (addr && pm_str_startswith(addr, "unix:path="))
		bus = strndup(addr + strlen("unix:path="),
			      strcspn(addr + strlen("unix:path="), ","));
	else if (rt)
		bus = pm_path_join(rt, "bus");
	struct stat st;
	info.systemd_session = bus && stat(bus, &st) == 0 && S_ISSOCK(st.st_mode);
	*ret = info;
	return 0;
}

void pm_cgroup_info_free(struct pm_cgroup_info *info)
{
	pm_strv_free(info->controllers);
	pm_strv_free(info->delegated);
	free(info->own_path);
	*info = (struct pm_cgroup_info){0};
}

int pm_cgroup_require(const struct pm_cgroup_info *info, const char *flag, const char *controller,
		      pm_error **err)
{
	if (pm_strv_contains(info->delegated, controller))
		return 0;
	if (info->version == 1)
		return pm_error_set(
			err, EOPNOTSUPP,
			"%s: cannot enforce the limit: this host has %s cgroups v1, and "
			"rootless limits need cgroup v2 with the '%s' controller "
			"delegated to the user (systemd: Delegate=yes on user@.service)",
			flag, info->hybrid ? "hybrid" : "legacy", controller);
	return pm_error_set(err, EOPNOTSUPP,
			    "%s: cannot enforce the limit: the '%s' cgroup controller is not "
			    "delegated to this user (cgroup '%s'); enable it with systemd's "
			    "Delegate=yes on user@.service",
			    flag, controller, info->own_path ? info->own_path : "?");
}
