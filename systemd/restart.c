/* restart.c: a unit's restart through systemctl (see restart.h). Called by engine/
 * (auto-update). No locks of pm are held by the caller while this waits: the unit's
 * ExecStop/ExecStart run pm themselves. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/spawn.h"
#include "lib/strutil.h"
#include "systemd/restart.h"

/* systemctl in $PATH (or the usual place when PATH is unset) */
static char *find_systemctl(void)
{
	const char *path = getenv("PATH");
	_cleanup_strv_ char **dirs = pm_strv_split(path && *path ? path : "/usr/bin:/bin", ":");
	for (char **d = dirs; d && *d; d++) {
		if (!**d)
			continue;
		char *p = pm_xasprintf("%s/systemctl", *d);
		if (access(p, X_OK) == 0)
			return p;
		free(p);
	}
	return NULL;
}

int pm_systemd_unit_restart(const char *unit, pm_error **err)
{
	_cleanup_free_ char *bin = find_systemctl();
	if (!bin)
		return pm_error_set(err, ENOENT,
				    "restarting systemd unit \"%s\": systemctl not found in $PATH",
				    unit);
	const char *argv_user[] = {"systemctl", "--user", "restart", "--", unit, NULL};
	const char *argv_sys[] = {"systemctl", "restart", "--", unit, NULL};
	/* root inside pm's rootless user namespace (rootless/userns.h's _PM_ROOTLESS_UID) is
	 * still the user: the user's manager */
	char *const *argv =
		(char *const *)(geteuid() == 0 && !getenv("_PM_ROOTLESS_UID") ? argv_sys
									      : argv_user);
	_cleanup_free_ char *out = NULL;
	int status = 0;
	/* a unit's stop and start may take minutes (TimeoutStartSec); systemctl bounds it */
	int r = pm_run_capture(bin, argv, 4096, 0, &out, &status);
	if (r < 0)
		return pm_error_set_errno(err, -r, "running %s", bin);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	const char *msg = out ? out + strspn(out, " \n") : "";
	size_t n = strcspn(msg, "\n");
	if (n)
		return pm_error_set(err, EIO, "%.*s", (int)n, msg);
	return pm_error_set(err, EIO, "systemctl restart %s: exit status %d", unit,
			    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}
