/* overlay.c: native overlayfs / fuse-overlayfs mounts for container root filesystems and
 * the driver choice (see overlay.h). Owns no state on disk except what the overlay probe
 * remembers (storage/overlay-probe.c). Never prints. Called by container.c. */
#include <errno.h>
#include <linux/magic.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/fileutil.h"
#include "lib/helper-output.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "storage/overlay-probe.h"
#include "storage/overlay.h"

const char *pm_overlay_pick_driver(const struct pm_store *s)
{
	if (s->driver && strcmp(s->driver, "vfs") == 0)
		return "vfs";
	if (s->mount_program)
		return "fuse-overlayfs";
	_cleanup_free_ char *cache = pm_path_join(s->root, "overlay-probe.json");
	if (geteuid() == 0 && !getenv("PM_STORAGE_PROBE") && !pm_path_exists(cache))
		return "overlay"; /* real root, or root in pm's user namespace (5.11+) */
	struct pm_overlay_support sup = {0};
	pm_overlay_probe_cached(s->root, &sup);
	bool native = sup.native;
	pm_overlay_support_free(&sup);
	if (native)
		return "overlay";
	_cleanup_free_ char *fuse = pm_find_executable("fuse-overlayfs");
	if (fuse && access("/dev/fuse", R_OK | W_OK) == 0)
		return "fuse-overlayfs";
	return "vfs";
}

bool pm_overlay_is_mounted(const char *target)
{
	int r = pm_path_is_mount_point(target);
	return r > 0 || r == -ENOTCONN; /* -ENOTCONN: a fuse mount whose daemon died */
}

static int fuse_mount(const char *mount_program, const char *opts, const char *target,
		      pm_error **err)
{
	_cleanup_free_ char *exe =
		mount_program ? pm_xstrdup(mount_program) : pm_find_executable("fuse-overlayfs");
	if (!exe || access(exe, X_OK) < 0)
		return pm_error_set(err, ENOENT,
				    "fuse-overlayfs '%s' not found: install it (apt-get install "
				    "fuse-overlayfs) or use --storage-driver vfs",
				    exe ? exe : "fuse-overlayfs");
	/* its stderr goes to a memory file, not a pipe: the daemon it leaves behind keeps
	 * the fd (libfuse points it at /dev/null once daemonized) and must not get SIGPIPE */
	_cleanup_close_ int errfd = memfd_create("fuse-overlayfs-stderr", MFD_CLOEXEC);
	pid_t pid = fork();
	if (pid < 0)
		return pm_error_set_errno(err, errno, "fork");
	if (pid == 0) {
		/* the daemon outlives us: it must not hold our stdout/stderr pipes open */
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(errfd >= 0 ? errfd : null, 2);
		}
		execl(exe, exe, "-o", opts, target, (char *)NULL);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char out[4096] = "";
		ssize_t n = errfd >= 0 ? pread(errfd, out, sizeof(out) - 1, 0) : -1;
		out[n > 0 ? n : 0] = 0;
		_cleanup_free_ char *why = pm_helper_reason(out);
		return pm_error_set(err, EIO, "%s failed to mount '%s' (exit %d)%s%s; %s", exe,
				    target, WIFEXITED(status) ? WEXITSTATUS(status) : -1,
				    why ? ": " : "", why ? why : "", pm_helper_advice(why));
	}
	return 0;
}

/* Has this kernel refused "volatile" once? Then no later mount of this process tries it. */
static bool volatile_refused;

int pm_overlay_mount(const char *driver, const char *mount_program, const char *fuse_opts,
		     char *const *lowers, const char *upper, const char *work, const char *target,
		     unsigned flags, pm_error **err)
{
	if (pm_overlay_is_mounted(target)) {
		struct stat st;
		if (stat(target, &st) == 0)
			return 0;
		umount2(target, MNT_DETACH); /* dead fuse mount: mount afresh */
	}
	_cleanup_free_ char *lower = pm_strv_join(lowers, ":");
	if (strcmp(driver, "fuse-overlayfs") == 0) {
		_cleanup_free_ char *opts =
			pm_xasprintf("lowerdir=%s,upperdir=%s,workdir=%s%s%s", lower, upper, work,
				     fuse_opts ? "," : "", fuse_opts ? fuse_opts : "");
		return fuse_mount(mount_program, opts, target, err);
	}
	_cleanup_free_ char *opts =
		pm_xasprintf("lowerdir=%s,upperdir=%s,workdir=%s,userxattr", lower, upper, work);
	if (strlen(opts) >= 4096)
		return pm_error_set(err, E2BIG,
				    "overlay mount options for '%s' are too long (%zu layers)",
				    target, pm_strv_length(lowers));
	if ((flags & PM_OVERLAY_VOLATILE) && !volatile_refused && strlen(opts) + 9 < 4096) {
		/* a volatile mount leaves work/incompat/volatile behind, and overlay refuses to
		 * mount that work dir again: an ephemeral root mounted a second time (a restart)
		 * drops the marker, its upper dir is all it keeps either way */
		_cleanup_free_ char *marker = pm_xasprintf("%s/work/incompat/volatile", work);
		if (rmdir(marker) < 0 && errno == ENOTEMPTY)
			pm_rm_rf(marker, NULL);
		_cleanup_free_ char *vopts = pm_xasprintf("%s,volatile", opts);
		if (mount("overlay", target, "overlay", 0, vopts) == 0)
			return 0;
		if (errno != EINVAL)
			return pm_error_set_errno(
				err, errno, "mounting overlay on '%s' (try --storage-driver vfs)",
				target);
		volatile_refused = true; /* before 5.10: mounted without it */
	}
	if (mount("overlay", target, "overlay", 0, opts) < 0)
		return pm_error_set_errno(
			err, errno, "mounting overlay on '%s' (try --storage-driver vfs)", target);
	return 0;
}

/* The kernel syncs an overlay's upper file system (all of it: ext4, not just the upper dir)
 * when the mount's last reference goes, unless it is volatile: 35-400 ms on a busy disk,
 * wasted on an upper that is deleted next. The mount is detached with an O_PATH fd still
 * open on it (pm_overlay_detach_held), and whoever holds that fd last pays the sync when
 * it closes it (pm_overlay_release_last), off the caller's path. */
int pm_overlay_detach_held(const char *target, unsigned flags, int *ret_fd, pm_error **err)
{
	*ret_fd = -1;
	struct statfs sf;
	if (!pm_overlay_is_mounted(target))
		return 0;
	/* fuse-overlayfs: a plain umount ends its daemon; volatile: nothing to sync */
	if ((flags & PM_OVERLAY_VOLATILE) || statfs(target, &sf) < 0 ||
	    sf.f_type != OVERLAYFS_SUPER_MAGIC)
		return pm_overlay_unmount(target, err);
	int fd = open(target, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return pm_overlay_unmount(target, err);
	if (umount2(target, MNT_DETACH) < 0) {
		int e = errno;
		close(fd);
		return e == EINVAL || e == ENOENT
			       ? 0
			       : pm_error_set_errno(err, e, "unmounting '%s'", target);
	}
	*ret_fd = fd;
	return 0;
}

void pm_overlay_release_last(int fd, int order, int hold)
{
	char c;
	while (order >= 0 && read(order, &c, 1) < 0 && errno == EINTR)
		;
	/* a process that still has the overlay mounted (the init of a container being
	 * killed, its mount namespace): ours must be the last reference, or its exit would
	 * pay the sync */
	if (hold >= 0) {
		struct pollfd pf = {.fd = hold, .events = POLLIN};
		while (poll(&pf, 1, 60000) < 0 && errno == EINTR)
			;
	}
	close(fd); /* the sync runs here, on the way out */
}

/* pm_overlay_detach_held, and the fd handed to a detached child that closes it last. The
 * pipe orders the closes: the child closes its copy only after ours is closed (EOF on the
 * pipe). */
static int discard_detached(const char *target, unsigned flags, int hold, pm_error **err)
{
	int fd;
	int r = pm_overlay_detach_held(target, flags, &fd, err);
	if (r < 0 || fd < 0)
		return r;
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0) {
		close(fd); /* the sync, here */
		return 0;
	}
	/* One fork, not waited for: the caller goes on at once (a wait costs a round trip
	 * through the scheduler, ms on a loaded machine); the child is reaped when the
	 * caller exits, or by the subreaper it is handed to. */
	pid_t pid = fork();
	if (pid == 0) {
		/* nothing of the caller's but the mount, the pipe and the process to outlive (a
		 * lock fd would stay held) */
		int keep[3] = {fd, p[0], hold}, n = hold >= 0 ? 3 : 2;
		for (int i = 1; i < n; i++) /* ascending */
			for (int j = i; j > 0 && keep[j] < keep[j - 1]; j--) {
				int t = keep[j];
				keep[j] = keep[j - 1];
				keep[j - 1] = t;
			}
		unsigned lo = 0;
		for (int i = 0; i < n; lo = (unsigned)keep[i++] + 1)
			if ((unsigned)keep[i] > lo)
				close_range(lo, (unsigned)keep[i] - 1, 0);
		close_range(lo, ~0U, 0);
		setsid();
		pm_overlay_release_last(fd, p[0], hold);
		_exit(0);
	}
	close(fd); /* before the pipe's write end: the child's close is the last */
	close(p[1]);
	close(p[0]);
	return 0;
}

int pm_overlay_discard(const char *target, unsigned flags, pm_error **err)
{
	return pm_overlay_discard_after(target, flags, -1, err);
}

int pm_overlay_discard_after(const char *target, unsigned flags, int pidfd, pm_error **err)
{
	return discard_detached(target, flags, pidfd, err);
}

int pm_overlay_unmount(const char *target, pm_error **err)
{
	if (!pm_overlay_is_mounted(target))
		return 0;
	/* a plain umount first: a fuse daemon then sees its mount go and exits at once */
	if (umount2(target, 0) == 0)
		return 0;
	if (umount2(target, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
		return pm_error_set_errno(err, errno, "unmounting '%s'", target);
	return 0;
}
