/* cgroup.h: what the host's cgroups allow this user: the cgroup version, the controllers,
 * and which of them are delegated to us (so a resource limit can be enforced).
 *
 * pm refuses a limit it cannot enforce (pm_cgroup_require) instead of ignoring it the way a
 * runtime on a v1 or undelegated host would. Called by cli/ (info, run flag checks) and
 * engine/. */
#pragma once

#include <stdbool.h>

#include "lib/error.h"

struct pm_cgroup_info {
	int version;	      /* 1 or 2 (hybrid hosts report 1, as podman does) */
	bool hybrid;	      /* v1 controllers plus a v2 hierarchy (/sys/fs/cgroup/unified) */
	char **controllers;   /* controllers present (v1: mounted; v2: in our cgroup.controllers) */
	char **delegated;     /* v2 controllers we may use in a cgroup we can write; empty on v1 */
	char *own_path;	      /* our cgroup path in the v2 hierarchy ("/user.slice/..."), or NULL */
	bool systemd_session; /* a user bus socket exists ($DBUS_SESSION_BUS_ADDRESS or
				 $XDG_RUNTIME_DIR/bus) */
};

int pm_cgroup_detect(struct pm_cgroup_info *ret, pm_error **err);
void pm_cgroup_info_free(struct pm_cgroup_info *info);

/* Fail with -EOPNOTSUPP and a message naming flag and the missing controller unless the
 * controller is delegated to us (e.g. flag "--memory", controller "memory"). */
int pm_cgroup_require(const struct pm_cgroup_info *info, const char *flag, const char *controller,
		      pm_error **err);
