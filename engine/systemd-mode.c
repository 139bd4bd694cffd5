/* systemd-mode.c: podman's systemd mode of run/create (see systemd-mode.h). Pure apart
 * from a statfs of the host's /sys/fs/cgroup. Called by cli/, engine/validate.c,
 * engine/run.c and engine/spec.c. Never prints. */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "engine/systemd-mode.h"
#include "lib/strutil.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

int pm_config_check_systemd(const char *v, pm_error **err)
{
	if (v &&
	    (!*v || !strcasecmp(v, "true") || !strcasecmp(v, "false") || !strcasecmp(v, "always")))
		return 0;
	return pm_error_set(err, EINVAL,
			    "invalid config provided: --systemd values must be one of \"true, "
			    "false, always\": '%s'",
			    v ? v : "");
}

bool pm_config_systemd_mode(const char *v, char *const *args)
{
	if (v && !strcasecmp(v, "always"))
		return true;
	if (v && !strcasecmp(v, "false"))
		return false;
	if (!args || !args[0])
		return false;
	const char *cmd = args[0], *base = strrchr(cmd, '/');
	base = base ? base + 1 : cmd;
	return !strcmp(cmd, "/sbin/init") || !strcmp(cmd, "/usr/sbin/init") ||
	       !strcmp(cmd, "/usr/local/sbin/init") || !strcmp(base, "systemd");
}

static bool has_mount(const struct pm_runtime_spec *s, const char *dest)
{
	for (size_t i = 0; i < s->nmounts; i++)
		if (!strcmp(s->mounts[i].destination, dest))
			return true;
	return false;
}

static void add(struct pm_runtime_spec *s, int type, const char *src, const char *dest,
		unsigned long flags, const char *data, bool copy_up)
{
	if (has_mount(s, dest))
		return;
	s->mounts = pm_xrealloc(s->mounts, sizeof(*s->mounts) * (s->nmounts + 1));
	s->mounts[s->nmounts++] = (struct pm_runtime_mount){
		.type = type,
		.source = src ? pm_xstrdup(src) : NULL,
		.destination = pm_xstrdup(dest),
		.flags = flags,
		.data = data ? pm_xstrdup(data) : NULL,
		.copy_up = copy_up,
	};
}

void pm_spec_systemd_mounts(struct pm_runtime_spec *s)
{
	/* podman's setupSystemd: "rw", "rprivate", "nosuid", "nodev", "tmpcopyup" */
	static const char *const tmp[] = {"/run", "/run/lock", "/tmp", "/var/log/journal"};
	for (size_t i = 0; i < sizeof(tmp) / sizeof(tmp[0]); i++)
		add(s, PM_RUNTIME_MOUNT_TMPFS, NULL, tmp[i], MS_NOSUID | MS_NODEV, NULL, true);
	struct statfs sf;
	if (statfs("/sys/fs/cgroup", &sf) == 0 &&
	    sf.f_type == (typeof(sf.f_type))CGROUP2_SUPER_MAGIC) {
		/* cgroup v2: the container's own cgroup namespace's root, writable */
		add(s, PM_RUNTIME_MOUNT_CGROUP2, NULL, "/sys/fs/cgroup",
		    MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, false);
		return;
	}
	add(s, PM_RUNTIME_MOUNT_TMPFS, NULL, "/sys/fs/cgroup", MS_NOSUID | MS_NODEV | MS_NOEXEC,
	    "mode=755", false);
	/* cgroup v1 (hybrid): the host's name=systemd hierarchy, its release_agent masked */
	if (access("/sys/fs/cgroup/systemd", F_OK) == 0) {
		add(s, PM_RUNTIME_MOUNT_BIND, "/sys/fs/cgroup/systemd", "/sys/fs/cgroup/systemd",
		    MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, false);
		if (access("/sys/fs/cgroup/systemd/release_agent", F_OK) == 0)
			add(s, PM_RUNTIME_MOUNT_BIND, "/dev/null",
			    "/sys/fs/cgroup/systemd/release_agent", MS_RDONLY, NULL, false);
	}
}
