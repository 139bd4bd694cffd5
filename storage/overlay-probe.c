/* overlay-probe.c: does native overlayfs work in an unprivileged user namespace here?
 * A child unshares user+mount namespaces (mapping only its own uid, which needs no
 * newuidmap), mounts a tiny overlay in a temp dir and reports back over a pipe.
 * Called by storage (driver choice) and cli/info. Never prints. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/fileutil.h"
#include "lib/json.h"
#include "lib/strutil.h"
#include "storage/overlay-probe.h"

static int write_str(const char *path, const char *s)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, s, strlen(s));
	return n == (ssize_t)strlen(s) ? 0 : -errno;
}

static int probe_child(const char *dir)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		return errno;
	char map[64];
	snprintf(map, sizeof(map), "0 %u 1", uid);
	if (write_str("/proc/self/setgroups", "deny") < 0 && errno != ENOENT)
		return errno;
	if (write_str("/proc/self/uid_map", map) < 0)
		return errno;
	snprintf(map, sizeof(map), "0 %u 1", gid);
	if (write_str("/proc/self/gid_map", map) < 0)
		return errno;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return errno;
	_cleanup_free_ char *opts =
		pm_xasprintf("lowerdir=%s/l,upperdir=%s/u,workdir=%s/w,userxattr", dir, dir, dir);
	_cleanup_free_ char *merged = pm_path_join(dir, "m");
	if (mount("overlay", merged, "overlay", 0, opts) < 0)
		return errno;
	umount2(merged, MNT_DETACH);
	return 0;
}

void pm_overlay_probe(struct pm_overlay_support *ret)
{
	*ret = (struct pm_overlay_support){0};
	char tmpl[] = "/tmp/pm-overlay-probe-XXXXXX";
	if (!mkdtemp(tmpl)) {
		ret->detail = pm_xasprintf("cannot create a probe directory: %s", strerror(errno));
		return;
	}
	static const char *subs[] = {"l", "u", "w", "m"};
	for (size_t i = 0; i < ARRAY_SIZE(subs); i++) {
		_cleanup_free_ char *p = pm_path_join(tmpl, subs[i]);
		mkdir(p, 0700);
	}
	pid_t pid = fork();
	if (pid == 0)
		_exit(probe_child(tmpl));
	int status = 0;
	if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status)) {
		ret->probed = true;
		ret->native = WEXITSTATUS(status) == 0;
		if (!ret->native)
			ret->detail =
				pm_xasprintf("mount of overlay in a user namespace failed: %s",
					     strerror(WEXITSTATUS(status)));
	} else {
		ret->detail = pm_xstrdup("the probe process failed");
	}
	pm_rm_rf(tmpl, NULL);
}

void pm_overlay_probe_cached(const char *root, struct pm_overlay_support *ret)
{
	_cleanup_free_ char *path = pm_path_join(root, "overlay-probe.json");
	_cleanup_json_ json_t *j = NULL;
	if (pm_json_load_file(path, 4096, &j, NULL) >= 0 && json_is_object(j)) {
		const char *d = pm_json_string(j, "detail");
		*ret = (struct pm_overlay_support){
			.probed = true,
			.native = pm_json_bool(j, "native", false),
			.detail = d && d[0] ? pm_xstrdup(d) : NULL,
		};
		return;
	}
	pm_overlay_probe(ret);
	if (!ret->probed || pm_mkdir_p(root, 0700, NULL) < 0)
		return;
	_cleanup_json_ json_t *out = json_pack("{s:b, s:s}", "native", ret->native, "detail",
					       ret->detail ? ret->detail : "");
	pm_json_write_file_atomic(path, out, 0600, NULL);
}

void pm_overlay_support_free(struct pm_overlay_support *s)
{
	free(s->detail);
	s->detail = NULL;
}
