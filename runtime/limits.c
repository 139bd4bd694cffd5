/* limits.c: detect whether resource limits can be enforced: they need the unified cgroup v2
 * hierarchy with the user's cgroup delegated (systemd user session). On hybrid/v1 hosts,
 * or without delegation, the limit is refused with a message that says what to do. The
 * systemd/cgroup issue adds the enforcement; until then even a delegated host refuses.
 * Must not print. Called by engine/spec.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <linux/magic.h>

#include "lib/proc.h"
#include "lib/strutil.h"
#include "runtime/limits.h"

bool pm_runtime_have_cgroup2(void)
{
	struct statfs sf;
	return statfs("/sys/fs/cgroup", &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC;
}

int pm_runtime_limits_check(const char *flag, const char *what, pm_error **err)
{
	struct statfs sf;
	if (statfs("/sys/fs/cgroup", &sf) < 0 || sf.f_type != CGROUP2_SUPER_MAGIC)
		return pm_error_set(err, EOPNOTSUPP,
				    "%s: cannot enforce %s: no cgroup v2 delegation on this host "
				    "(hybrid/v1 cgroups): use a host with the unified cgroup "
				    "hierarchy and a systemd user session, or drop %s",
				    flag, what, flag);
	/* Our cgroup: "0::/user.slice/..." */
	_cleanup_free_ char *own = pm_proc_cgroup_read(0);
	const char *path = own ? own : "/";
	_cleanup_free_ char *ctl = pm_xasprintf("/sys/fs/cgroup%s/cgroup.subtree_control", path);
	if (access(ctl, W_OK) < 0)
		return pm_error_set(err, EOPNOTSUPP,
				    "%s: cannot enforce %s: the cgroup '%s' is not delegated to "
				    "this user: enable systemd user delegation, or drop %s",
				    flag, what, path, flag);
	return pm_error_set(err, EOPNOTSUPP,
			    "%s: cannot enforce %s: resource limits are not implemented yet, "
			    "drop %s",
			    flag, what, flag);
}
