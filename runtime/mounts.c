/* mounts.c: the container's filesystem, set up by the container init in its own mount
 * namespace: rootfs bind, /proc, /dev (tmpfs + host device binds, devpts, shm, mqueue),
 * /sys, generated /etc files, user mounts, pivot_root, podman's masked and read-only
 * paths. Mount points inside the rootfs are resolved with openat2(RESOLVE_IN_ROOT) so a
 * symlink in an image cannot point a mount at the host. Must not print; failures fill
 * struct pm_child_err with the step and the path. Called by runtime/init.c. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "runtime/mounts.h"
#include "runtime/oci-hooks.h"

const char *const pm_runtime_masked_paths[] = {
	"/proc/acpi",	    "/proc/kcore",	 "/proc/keys",	      "/proc/latency_stats",
	"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
	"/sys/firmware",    "/sys/fs/selinux",	 "/sys/dev/block",    NULL,
};

const char *const pm_runtime_readonly_paths[] = {
	"/proc/asound", "/proc/bus",	       "/proc/fs", "/proc/irq",
	"/proc/sys",	"/proc/sysrq-trigger", NULL,
};

static const char *const host_devices[] = {"null", "zero", "full", "random", "urandom", "tty"};

static int openat2_in_root(int rootfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)flags | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	while (*path == '/')
		path++;
	if (!*path)
		path = ".";
	long fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	return fd < 0 ? -errno : (int)fd;
}

enum { MK_NONE, MK_DIR, MK_FILE };

/* Open path inside the root (O_PATH), creating it (and missing parents) as a directory or
 * an empty file when asked. */
/* The usual missing mount point: its parent exists. Create the last component in the parent
 * (resolved in the root) and return it: what O_EXCL | O_NOFOLLOW or mkdirat just made is
 * the new file or directory itself, no second resolution of the path (issue #20: each /dev
 * node cost six). -ENOENT when the parent is missing too. */
static int create_in_parent(int rootfd, const char *path, int mk)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
		return -ENOENT;
	_cleanup_free_ char *dir = slash ? pm_xstrndup(path, (size_t)(slash - path)) : NULL;
	_cleanup_close_ int parent = openat2_in_root(rootfd, dir ? dir : ".", O_PATH | O_DIRECTORY);
	if (parent < 0)
		return parent;
	if (mk == MK_FILE) {
		int f = openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW,
			       0644);
		if (f >= 0 || errno != EEXIST)
			return f >= 0 ? f : -errno;
	} else if (mkdirat(parent, name, 0755) == 0) {
		int d = openat(parent, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		return d >= 0 ? d : -errno;
	} else if (errno != EEXIST) {
		return -errno;
	}
	return openat2_in_root(rootfd, path, O_PATH); /* made meanwhile: resolve it */
}

static int open_in_root(int rootfd, const char *path, int mk)
{
	int fd = openat2_in_root(rootfd, path, O_PATH);
	if (fd != -ENOENT || mk == MK_NONE)
		return fd;
	fd = create_in_parent(rootfd, path, mk);
	if (fd != -ENOENT)
		return fd;
	_cleanup_free_ char *copy = pm_xstrdup(path);
	size_t len = strlen(copy);
	for (size_t i = 1; i <= len; i++) {
		if (copy[i] != '/' && copy[i] != '\0')
			continue;
		bool last = copy[i] == '\0';
		copy[i] = '\0';
		int probe = openat2_in_root(rootfd, copy, O_PATH);
		if (probe >= 0) {
			close(probe);
		} else if (probe == -ENOENT) {
			char *slash = strrchr(copy, '/');
			*slash = '\0';
			_cleanup_close_ int parent =
				openat2_in_root(rootfd, copy, O_PATH | O_DIRECTORY);
			*slash = '/';
			if (parent < 0)
				return parent;
			if (last && mk == MK_FILE) {
				int f = openat(parent, slash + 1,
					       O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW,
					       0644);
				if (f < 0 && errno != EEXIST)
					return -errno;
				if (f >= 0)
					close(f);
			} else if (mkdirat(parent, slash + 1, 0755) < 0 && errno != EEXIST) {
				return -errno;
			}
		} else {
			return probe;
		}
		if (!last)
			copy[i] = '/';
	}
	return openat2_in_root(rootfd, path, O_PATH);
}

static int set_readonly(const char *target, bool recursive)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
	if (mount_setattr(AT_FDCWD, target, recursive ? AT_RECURSIVE : 0, &attr, sizeof(attr)) < 0)
		return -errno;
	return 0;
}

struct mctx {
	const struct pm_runtime_spec *spec;
	int rootfd;
	struct pm_child_err *e;
};

/* Mount onto dest (a path inside the container), creating the mount point. */
static int mount_in(struct mctx *m, const char *src, const char *dest, const char *fstype,
		    unsigned long flags, const char *data, bool file)
{
	_cleanup_close_ int fd = open_in_root(m->rootfd, dest, file ? MK_FILE : MK_DIR);
	if (fd < 0)
		return pm_child_fail(m->e, -fd, "creating mount point '%s'", dest);
	char target[64];
	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	bool bind = flags & MS_BIND;
	unsigned long first = bind ? flags & ~(unsigned long)MS_RDONLY : flags;
	if (mount(src, target, fstype, first, data) < 0)
		return pm_child_fail(m->e, errno, "mounting %s '%s' on '%s'",
				     fstype ? fstype : "bind", src ? src : "", dest);
	if (bind && (flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC))) {
		/* Reopen: the fd still names the covered directory, not the new mount. */
		_cleanup_close_ int fd2 = open_in_root(m->rootfd, dest, MK_NONE);
		if (fd2 < 0)
			return pm_child_fail(m->e, -fd2, "reopening mount '%s'", dest);
		snprintf(target, sizeof(target), "/proc/self/fd/%d", fd2);
		struct mount_attr attr = {0};
		if (flags & MS_RDONLY)
			attr.attr_set |= MOUNT_ATTR_RDONLY;
		if (flags & MS_NOSUID)
			attr.attr_set |= MOUNT_ATTR_NOSUID;
		if (flags & MS_NODEV)
			attr.attr_set |= MOUNT_ATTR_NODEV;
		if (flags & MS_NOEXEC)
			attr.attr_set |= MOUNT_ATTR_NOEXEC;
		if (mount_setattr(AT_FDCWD, target, (flags & MS_REC) ? AT_RECURSIVE : 0, &attr,
				  sizeof(attr)) < 0)
			return pm_child_fail(m->e, errno, "making '%s' read-only", dest);
	}
	return 0;
}

/* Mount onto the entry name of dir (an fd of the container's new /dev), made first as an
 * empty file or a directory: the tmpfs is ours and fresh, so nothing in it is resolved
 * twice or through the image (issue #20: one openat per node, not a walk from the root). */
static int mount_at(struct mctx *m, int dir, const char *name, bool file, const char *src,
		    const char *fstype, unsigned long flags, const char *data)
{
	_cleanup_close_ int fd = -1;
	if (file) {
		fd = openat(dir, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0644);
	} else if (mkdirat(dir, name, 0755) == 0 || errno == EEXIST) {
		fd = openat(dir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0)
		return pm_child_fail(m->e, errno, "creating mount point '/dev/%s'", name);
	char target[64];
	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	if (mount(src, target, fstype, flags, data) < 0)
		return pm_child_fail(m->e, errno, "mounting %s '%s' on '/dev/%s'",
				     fstype ? fstype : "bind", src ? src : "", name);
	return 0;
}

static int setup_dev(struct mctx *m)
{
	const struct pm_runtime_spec *s = m->spec;
	int r = mount_in(m, "tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC | MS_STRICTATIME,
			 "mode=755,size=65536k", false);
	if (r < 0)
		return r;
	/* the tmpfs just mounted: one resolution in the root, then every entry relative to it */
	_cleanup_close_ int dev = openat2_in_root(m->rootfd, "dev", O_RDONLY | O_DIRECTORY);
	if (dev < 0)
		return pm_child_fail(m->e, -dev, "opening '/dev'");
	for (size_t i = 0; i < ARRAY_SIZE(host_devices); i++) {
		char src[32];
		snprintf(src, sizeof(src), "/dev/%s", host_devices[i]);
		r = mount_at(m, dev, host_devices[i], true, src, NULL, MS_BIND, NULL);
		if (r < 0)
			return r;
	}
	static const char *const links[][2] = {
		{"/proc/self/fd", "fd"},       {"/proc/self/fd/0", "stdin"},
		{"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
		{"pts/ptmx", "ptmx"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(links); i++)
		if (symlinkat(links[i][0], dev, links[i][1]) < 0 && errno != EEXIST)
			return pm_child_fail(m->e, errno, "creating symlink '/dev/%s'",
					     links[i][1]);
	/* gid 5 is "tty" in most images; fall back when it is not mapped. */
	if (mount_at(m, dev, "pts", false, "devpts", "devpts", MS_NOSUID | MS_NOEXEC,
		     "newinstance,ptmxmode=0666,mode=0620,gid=5") < 0) {
		m->e->msg[0] = '\0';
		r = mount_at(m, dev, "pts", false, "devpts", "devpts", MS_NOSUID | MS_NOEXEC,
			     "newinstance,ptmxmode=0666,mode=0620");
		if (r < 0)
			return r;
	}
	char shm_opts[64];
	snprintf(shm_opts, sizeof(shm_opts), "mode=1777,size=%llu",
		 (unsigned long long)(s->shm_size ? s->shm_size : 65536000));
	r = mount_at(m, dev, "shm", false, "shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		     shm_opts);
	if (r < 0)
		return r;
	if (s->host_ipc && access("/dev/mqueue", F_OK) < 0)
		return 0; /* the host has none to share */
	if (s->host_ipc)
		return mount_at(m, dev, "mqueue", false, "/dev/mqueue", NULL, MS_BIND | MS_REC,
				NULL);
	return mount_at(m, dev, "mqueue", false, "mqueue", "mqueue",
			MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
}

static int setup_sys(struct mctx *m)
{
	const struct pm_runtime_spec *s = m->spec;
	unsigned long ro = s->privileged ? 0 : MS_RDONLY;
	if (!s->host_net) {
		int r = mount_in(m, "sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | ro,
				 NULL, false);
		if (r == 0)
			return 0;
		if (r != -EPERM)
			return r;
		m->e->msg[0] = '\0';
	}
	/* The host's /sys, read-only, as podman does in a user namespace it cannot mount
	 * sysfs in. */
	return mount_in(m, "/sys", "/sys", NULL,
			MS_BIND | MS_REC | ro | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, false);
}

static int setup_etc(struct mctx *m)
{
	static const char *const files[] = {"hostname", "hosts", "resolv.conf"};
	if (!m->spec->userdata)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		_cleanup_free_ char *src = pm_xasprintf("%s/%s", m->spec->userdata, files[i]);
		if (access(src, F_OK) < 0)
			continue;
		_cleanup_free_ char *dst = pm_xasprintf("/etc/%s", files[i]);
		/* A user mount on the same path wins. */
		bool user = false;
		for (size_t j = 0; j < m->spec->nmounts; j++)
			if (strcmp(m->spec->mounts[j].destination, dst) == 0)
				user = true;
		if (user)
			continue;
		int r = mount_in(m, src, dst, NULL, MS_BIND, NULL, true);
		if (r < 0)
			return r;
		/* --chrootdirs: hosts and resolv.conf in each, as podman's */
		for (char **d = m->spec->chrootdirs; i > 0 && d && *d; d++) {
			_cleanup_free_ char *in = pm_xasprintf("%s/etc/%s", *d, files[i]);
			if ((r = mount_in(m, src, in, NULL, MS_BIND, NULL, true)) < 0)
				return r;
		}
	}
	return 0;
}

static size_t depth(const char *p)
{
	size_t n = 0;
	for (; *p; p++)
		if (*p == '/' && p[1] && p[1] != '/')
			n++;
	return n;
}

/* With --read-only (and --read-only-tmpfs, the default): a tmpfs on /tmp, /var/tmp and /run
 * unless the user mounts that very path. */
static const char *const ro_tmpfs_dirs[] = {"/tmp", "/var/tmp", "/run"};

static bool user_mount_at(const struct pm_runtime_spec *s, const char *dst)
{
	for (size_t j = 0; j < s->nmounts; j++)
		if (strcmp(s->mounts[j].destination, dst) == 0)
			return true;
	return false;
}

/* runc's rule for every tmpfs (podman 4.3 with runc): the root of a tmpfs mounted on a
 * directory the rootfs has takes that directory's mode, mode= or not; on a path made for it,
 * mode= or tmpfs's 1777. covered_mode before the mount (0: nothing there), keep_mode after. */
static mode_t covered_mode(struct mctx *m, const char *dst)
{
	_cleanup_close_ int fd = open_in_root(m->rootfd, dst, MK_NONE);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode))
		return 0;
	return st.st_mode & 07777;
}

static int keep_mode(struct mctx *m, const char *dst, mode_t mode)
{
	if (!mode)
		return 0;
	_cleanup_close_ int fd = open_in_root(m->rootfd, dst, MK_NONE);
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (fd < 0 || chmod(path, mode) < 0)
		return pm_child_fail(m->e, errno, "setting the mode of tmpfs '%s'", dst);
	return 0;
}

static int mount_tmpfs(struct mctx *m, const char *dst, unsigned long flags, const char *data)
{
	mode_t mode = covered_mode(m, dst);
	int r = mount_in(m, "tmpfs", dst, "tmpfs", flags, data, false);
	return r < 0 ? r : keep_mode(m, dst, mode);
}

/* A tmpfs with tmpcopyup: the directory it covers is opened first, then its content is
 * copied onto the new tmpfs (owners as on disk: the container's namespace maps them). A
 * path the image lacks has nothing to copy (the mount makes it); any other failure to open
 * it (a file there, a directory the container's root may not read, a symlink loop) fails
 * the mount, as runc's and crun's copy-up do (podman: exit 126). */
static int tmpfs_copy_up(struct mctx *m, const struct pm_runtime_mount *mt)
{
	int under = -1;
	_cleanup_close_ int p = open_in_root(m->rootfd, mt->destination, MK_NONE);
	if (p >= 0) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/self/fd/%d", p);
		under = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (under < 0)
			p = -errno;
	}
	if (p < 0 && p != -ENOENT) {
		m->e->status = PM_EXIT_CANNOT_INVOKE; /* podman: 126, an OCI runtime error */
		return pm_child_fail(m->e, -p, "tmpcopyup from '%s'", mt->destination);
	}
	int r = mount_tmpfs(m, mt->destination, mt->flags, mt->data);
	_cleanup_close_ int top =
		r >= 0 && under >= 0 ? open_in_root(m->rootfd, mt->destination, MK_NONE) : -1;
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", top);
	_cleanup_close_ int dfd = top >= 0 ? open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (r < 0 || under < 0) {
		if (under >= 0)
			close(under);
		return r;
	}
	if (dfd < 0) {
		close(under);
		return pm_child_fail(m->e, errno, "opening tmpfs '%s'", mt->destination);
	}
	_cleanup_error_ pm_error *err = NULL;
	r = pm_copy_tree(under, dfd, &err);
	if (r < 0) {
		snprintf(m->e->msg, sizeof(m->e->msg), "tmpcopyup into '%s': %s", mt->destination,
			 err ? err->msg : strerror(-r));
		m->e->status = PM_EXIT_CANNOT_INVOKE;
		return r;
	}
	return 0;
}

static int setup_user_mounts(struct mctx *m)
{
	const struct pm_runtime_spec *s = m->spec;
	bool ro_tmpfs = s->readonly_rootfs && s->readonly_tmpfs;
	/* Parents before children: mount in order of path depth, stable; the read-only
	 * tmpfs dirs of a depth first, so that a mount below them (a secret at
	 * /run/secrets/x, -v SRC:/tmp/y) lands on the tmpfs and is not hidden by it. */
	for (size_t d = 0; d < 64; d++) {
		for (size_t i = 0; ro_tmpfs && i < ARRAY_SIZE(ro_tmpfs_dirs); i++) {
			if (depth(ro_tmpfs_dirs[i]) != d || user_mount_at(s, ro_tmpfs_dirs[i]))
				continue;
			int r = mount_tmpfs(m, ro_tmpfs_dirs[i], MS_NOSUID | MS_NODEV, "mode=1777");
			if (r < 0)
				return r;
		}
		for (size_t i = 0; i < s->nmounts; i++) {
			const struct pm_runtime_mount *mt = &s->mounts[i];
			if (depth(mt->destination) != d)
				continue;
			int r;
			if (mt->type == PM_RUNTIME_MOUNT_TMPFS && mt->copy_up) {
				r = tmpfs_copy_up(m, mt);
			} else if (mt->type == PM_RUNTIME_MOUNT_TMPFS) {
				r = mount_tmpfs(m, mt->destination, mt->flags, mt->data);
			} else if (mt->type == PM_RUNTIME_MOUNT_DEVPTS) {
				r = mount_in(m, "devpts", mt->destination, "devpts", mt->flags,
					     mt->data, false);
			} else if (mt->type == PM_RUNTIME_MOUNT_CGROUP2) {
				r = mount_in(m, "cgroup2", mt->destination, "cgroup2", mt->flags,
					     NULL, false);
			} else if (mt->type == PM_RUNTIME_MOUNT_OVERLAY) {
				r = mount_in(m, "overlay", mt->destination, "overlay", mt->flags,
					     mt->data, false);
			} else {
				struct stat st;
				if (stat(mt->source, &st) < 0)
					return pm_child_fail(m->e, errno, "bind mount source '%s'",
							     mt->source);
				r = mount_in(m, mt->source, mt->destination, NULL,
					     MS_BIND | (mt->recursive ? MS_REC : 0) | mt->flags,
					     NULL, !S_ISDIR(st.st_mode));
			}
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int do_pivot(struct mctx *m)
{
	const char *rootfs = m->spec->rootfs;
	if (chdir(rootfs) < 0)
		return pm_child_fail(m->e, errno, "entering rootfs '%s'", rootfs);
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return pm_child_fail(m->e, errno, "pivot_root to '%s'", rootfs);
	if (umount2(".", MNT_DETACH) < 0)
		return pm_child_fail(m->e, errno, "detaching the old root");
	if (chdir("/") < 0)
		return pm_child_fail(m->e, errno, "chdir '/'");
	return 0;
}

/* createContainer (the OCI runtime spec): in the container's mount namespace, its mounts
 * made, before pivot_root; the hooks' paths are still the host's */
static int pivot_after_hooks(struct mctx *m, const struct pm_runtime_start_opts *o)
{
	int r;
	if (o && o->ncreate_hooks &&
	    (r = pm_rt_hooks_run(o->create_hooks, o->ncreate_hooks, o->hook_state, "creating",
				 m->e)) < 0)
		return r;
	return do_pivot(m);
}

int pm_mounts_setup(const struct pm_runtime_spec *spec, const struct pm_runtime_start_opts *o,
		    struct pm_child_err *e)
{
	struct mctx m = {.spec = spec, .e = e, .rootfd = -1};
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return pm_child_fail(e, errno, "making mounts private");
	if (mount(spec->rootfs, spec->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return pm_child_fail(e, errno, "binding rootfs '%s'", spec->rootfs);
	_cleanup_close_ int rootfd = open(spec->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return pm_child_fail(e, errno, "opening rootfs '%s'", spec->rootfs);
	m.rootfd = rootfd;

	int r;
	if (spec->bare) {
		if ((r = setup_user_mounts(&m)) < 0)
			return r;
		return pivot_after_hooks(&m, o);
	}
	if (spec->host_pid)
		r = mount_in(&m, "/proc", "/proc", NULL, MS_BIND | MS_REC, NULL, false);
	else
		r = mount_in(&m, "proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL,
			     false);
	if (r < 0)
		return r;
	if ((r = setup_dev(&m)) < 0)
		return r;
	if ((r = setup_sys(&m)) < 0)
		return r;
	if ((r = setup_etc(&m)) < 0)
		return r;
	if ((r = setup_user_mounts(&m)) < 0)
		return r;
	return pivot_after_hooks(&m, o);
}

/* The masked paths that are directories on a usual kernel. */
static bool masked_is_dir(const char *p)
{
	static const char *const dirs[] = {"/proc/acpi", "/proc/scsi", "/sys/firmware",
					   "/sys/fs/selinux", "/sys/dev/block"};
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (strcmp(p, dirs[i]) == 0)
			return true;
	return false;
}

static int mask_path(const char *p, bool dir)
{
	int r = dir ? mount("tmpfs", p, "tmpfs", MS_RDONLY, "size=0k,mode=0755")
		    : mount("/dev/null", p, NULL, MS_BIND, NULL);
	return r < 0 ? -errno : 0;
}

int pm_mounts_finish(const struct pm_runtime_spec *spec, struct pm_child_err *e)
{
	if (!spec->privileged && !spec->bare) {
		/* One pass, one mount per path: no stat or access first. A directory gets an
		 * empty read-only tmpfs, a file /dev/null: each path is tried as the kind it
		 * usually is (the other when the kernel says it is not), a missing one
		 * (ENOENT) is skipped. */
		for (const char *const *p = pm_runtime_masked_paths; *p; p++) {
			bool dir = masked_is_dir(*p);
			int r = mask_path(*p, dir);
			if (r == -ENOTDIR)
				r = mask_path(*p, !dir);
			if (r < 0 && r != -ENOENT)
				return pm_child_fail(e, -r, "masking '%s'", *p);
		}
		for (const char *const *p = pm_runtime_readonly_paths; *p; p++) {
			if (mount(*p, *p, NULL, MS_BIND | MS_REC, NULL) < 0) {
				if (errno == ENOENT)
					continue;
				return pm_child_fail(e, errno, "binding read-only path '%s'", *p);
			}
			int r = set_readonly(*p, true);
			if (r < 0)
				return pm_child_fail(e, -r, "making '%s' read-only", *p);
		}
	}
	if (spec->readonly_rootfs) {
		int r = set_readonly("/", false);
		if (r < 0)
			return pm_child_fail(e, -r, "making the rootfs read-only");
	}
	return 0;
}

int pm_mounts_parse_options(const char *opts, unsigned long *flags, char **ret_data)
{
	static const struct {
		const char *name;
		unsigned long set, clear;
	} words[] = {
		{"ro", MS_RDONLY, 0},	  {"rw", 0, MS_RDONLY},	  {"nosuid", MS_NOSUID, 0},
		{"suid", 0, MS_NOSUID},	  {"nodev", MS_NODEV, 0}, {"dev", 0, MS_NODEV},
		{"noexec", MS_NOEXEC, 0}, {"exec", 0, MS_NOEXEC}, {"readonly", MS_RDONLY, 0},
	};
	_cleanup_strv_ char **parts = pm_strv_split(opts ? opts : "", ",");
	_cleanup_strv_ char **data = NULL;
	for (char **p = parts; p && *p; p++) {
		bool known = false;
		for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
			if (strcmp(*p, words[i].name) == 0) {
				*flags = (*flags | words[i].set) & ~words[i].clear;
				known = true;
			}
		}
		if (known)
			continue;
		if (strchr(*p, '=') == NULL && strcmp(*p, "z") != 0 && strcmp(*p, "Z") != 0 &&
		    strcmp(*p, "tmpcopyup") != 0 && strcmp(*p, "notmpcopyup") != 0)
			return -EINVAL;
		if (strchr(*p, '='))
			pm_strv_push(&data, *p);
	}
	*ret_data = data ? pm_strv_join(data, ",") : NULL;
	return 0;
}

void pm_runtime_mount_clear(struct pm_runtime_mount *m)
{
	if (!m)
		return;
	free(m->source);
	free(m->destination);
	free(m->data);
	*m = (struct pm_runtime_mount){0};
}
