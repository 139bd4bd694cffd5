/* layer.c: the safe tar extractor: extract a layer tar into a directory (overlay diff dir or
 * vfs rootfs) with storage/tar-read.c's reader, converting whiteouts and refusing entries
 * that escape, and the same code with pm cp's rules (pm_layer_extract_to). Every entry is created
 * relative to its parent directory's fd with O_NOFOLLOW. Owns nothing on disk beyond the
 * destination. Must not print above debug. Called by layerstore.c (image import/load),
 * container.c (vfs driver) and engine/cp.c (pm cp). */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fileutil.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "storage/layer.h"
#include "storage/tar-read.h"

#define READ_BUF  (1u << 18)
#define WH_PREFIX ".wh."
#define WH_OPAQUE ".wh..wh..opq"

bool pm_layer_whiteout_name(const char *base, const char **ret_name, bool *ret_opaque)
{
	if (!base || strncmp(base, WH_PREFIX, 4) != 0)
		return false;
	if (strcmp(base, WH_OPAQUE) == 0) {
		*ret_opaque = true;
		*ret_name = NULL;
		return true;
	}
	if (!base[4])
		return false;
	*ret_opaque = false;
	*ret_name = base + 4;
	return true;
}

char *pm_layer_clean_path(const char *path)
{
	if (!path)
		return NULL;
	_cleanup_strv_ char **parts = pm_strv_split(path, "/");
	char **keep = NULL;
	for (char **p = parts; p && *p; p++) {
		if (strcmp(*p, ".") == 0)
			continue;
		if (strcmp(*p, "..") == 0) {
			pm_strv_free(keep);
			return NULL;
		}
		pm_strv_push(&keep, *p);
	}
	if (!keep)
		return pm_xstrdup(".");
	char *r = pm_strv_join(keep, "/");
	pm_strv_free(keep);
	return r;
}

ssize_t pm_layer_read_fd(void *ctx, void *buf, size_t n)
{
	int fd = *(int *)ctx;
	for (;;) {
		ssize_t r = read(fd, buf, n);
		if (r < 0 && errno == EINTR)
			continue;
		return r < 0 ? -errno : r;
	}
}

struct dirmeta {
	char *path;
	mode_t mode;
	struct timespec mtime;
};

struct unpack {
	int rootfd;
	enum pm_unpack_mode mode;
	bool can_chown;
	struct dirmeta *dirs;
	size_t n_dirs, cap_dirs;
	const char *dest;
	const struct pm_extract_opts *copy; /* pm cp's rules (pm_layer_extract_to), else NULL */
	const char *what;		    /* "layer entry" / "tar entry", for messages */
	char **skipped;			    /* copy: device entries not created */
};

static int sys_openat2(int dirfd, const char *path, uint64_t flags, uint64_t resolve)
{
	struct open_how how = {.flags = flags, .mode = 0, .resolve = resolve};
	int r = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	return r < 0 ? -errno : r;
}

static uint64_t resolve_flags(const struct unpack *u)
{
	/* pm cp: symlinks inside the destination are followed, none that leads out of it */
	if (u->copy)
		return RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
	if (u->mode == PM_UNPACK_APPLY)
		return RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
	return RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
}

static int symlink_refused(const struct unpack *u, const char *entry, pm_error **err)
{
	if (u->copy)
		return pm_error_set(err, EPERM,
				    "refusing tar entry '%s': its path leaves the destination "
				    "through a symlink",
				    entry);
	return pm_error_set(err, EPERM,
			    "refusing layer entry '%s': its path goes through a symlink", entry);
}

/* Open (creating missing directories, 0755) the parent directory dir of an entry. */
static int open_parent(struct unpack *u, const char *dir, const char *entry, pm_error **err)
{
	if (strcmp(dir, ".") == 0) {
		int fd = fcntl(u->rootfd, F_DUPFD_CLOEXEC, 3);
		return fd < 0 ? pm_error_set_errno(err, errno, "%s '%s'", u->what, entry) : fd;
	}
	int fd = sys_openat2(u->rootfd, dir, O_PATH | O_DIRECTORY | O_CLOEXEC, resolve_flags(u));
	if (fd >= 0)
		return fd;
	if (fd == -ELOOP || fd == -EXDEV)
		return symlink_refused(u, entry, err);
	if (fd != -ENOENT)
		return pm_error_set_errno(err, -fd, "opening directory of %s '%s'", u->what, entry);
	/* create missing parents one component at a time */
	_cleanup_strv_ char **parts = pm_strv_split(dir, "/");
	_cleanup_close_ int cur = fcntl(u->rootfd, F_DUPFD_CLOEXEC, 3);
	for (char **p = parts; p && *p; p++) {
		if (mkdirat(cur, *p, 0755) < 0 && errno != EEXIST)
			return pm_error_set_errno(err, errno, "creating directory for %s '%s'",
						  u->what, entry);
		int nfd = sys_openat2(cur, *p, O_PATH | O_DIRECTORY | O_CLOEXEC, resolve_flags(u));
		if (nfd == -ELOOP || nfd == -EXDEV || nfd == -ENOTDIR)
			return symlink_refused(u, entry, err);
		if (nfd < 0)
			return pm_error_set_errno(err, -nfd, "opening directory of %s '%s'",
						  u->what, entry);
		close(cur);
		cur = nfd;
	}
	return TAKE_FD(cur);
}

/* Remove whatever is at dfd/name (recursively for directories). */
static int remove_at(int dfd, const char *name)
{
	if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -errno;
	_cleanup_close_ int sub =
		openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub < 0)
		return -errno;
	_cleanup_closedir_ DIR *d = fdopendir(sub);
	if (!d)
		return -errno;
	TAKE_FD(sub);
	struct dirent *de;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		int r = remove_at(dirfd(d), de->d_name);
		if (r < 0)
			return r;
	}
	return unlinkat(dfd, name, AT_REMOVEDIR) < 0 ? -errno : 0;
}

static int clear_dir(int dfd)
{
	_cleanup_close_ int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	_cleanup_closedir_ DIR *d = fdopendir(fd);
	if (!d)
		return -errno;
	TAKE_FD(fd);
	struct dirent *de;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		int r = remove_at(dirfd(d), de->d_name);
		if (r < 0)
			return r;
	}
	return 0;
}

static int make_whiteout(int pfd, const char *name, const char *entry, pm_error **err)
{
	int r = remove_at(pfd, name);
	if (r < 0)
		return pm_error_set_errno(err, -r, "replacing '%s' with a whiteout", entry);
	if (mknodat(pfd, name, S_IFCHR | 0, makedev(0, 0)) == 0)
		return 0;
	int e = errno;
	/* xattr whiteout (overlayfs 6.7+): an empty file marked user.overlay.whiteout inside a
	 * directory marked user.overlay.opaque="x" */
	_cleanup_close_ int fd =
		openat(pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0);
	if (fd < 0)
		return pm_error_set_errno(err, e, "creating whiteout for '%s'", entry);
	_cleanup_close_ int dfd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fsetxattr(fd, "user.overlay.whiteout", "y", 1, 0) < 0 || dfd < 0 ||
	    (fgetxattr(dfd, "user.overlay.opaque", NULL, 0) < 0 &&
	     fsetxattr(dfd, "user.overlay.opaque", "x", 1, 0) < 0))
		return pm_error_set_errno(err, e, "creating whiteout for '%s'", entry);
	return 0;
}

static int set_opaque(int pfd, const char *entry, pm_error **err)
{
	_cleanup_close_ int dfd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsetxattr(dfd, "user.overlay.opaque", "y", 1, 0) < 0)
		return pm_error_set_errno(err, errno, "marking '%s' opaque", entry);
	return 0;
}

static void apply_xattrs(int fd, const struct pm_tar_entry *e, const char *entry)
{
	for (size_t i = 0; i < e->n_xattrs; i++)
		if (fsetxattr(fd, e->xattrs[i].name, e->xattrs[i].value, e->xattrs[i].size, 0) < 0)
			pm_log_debug("layer entry '%s': xattr '%s' not kept: %s", entry,
				     e->xattrs[i].name, strerror(errno));
}

static int set_owner(struct unpack *u, int pfd, const char *name, int fd,
		     const struct pm_tar_entry *e, const char *entry, pm_error **err)
{
	if (u->copy ? !u->copy->chown : !u->can_chown)
		return 0;
	bool root = u->copy && u->copy->owner_root;
	uid_t uid = root ? 0 : (uid_t)e->uid;
	gid_t gid = root ? 0 : (gid_t)e->gid;
	int r = fd >= 0 ? fchown(fd, uid, gid) : fchownat(pfd, name, uid, gid, AT_SYMLINK_NOFOLLOW);
	if (r < 0) {
		if (errno == EINVAL)
			return pm_error_set(
				err, EINVAL,
				"%s '%s' is owned by %u:%u, which is not mapped in the "
				"user namespace (potentially insufficient UIDs or GIDs available "
				"in /etc/subuid and /etc/subgid)",
				u->what, entry, (unsigned)uid, (unsigned)gid);
		return pm_error_set_errno(err, errno, "setting owner of %s '%s'", u->what, entry);
	}
	return 0;
}

static int write_data(pm_tar *t, char *buf, int fd, const char *entry, pm_error **err)
{
	for (;;) {
		ssize_t n = pm_tar_read_data(t, buf, READ_BUF, err);
		if (n < 0) {
			pm_error_prefix(err, "reading entry '%s'", entry);
			return (int)n;
		}
		if (n == 0)
			return 0;
		const char *p = buf;
		size_t left = (size_t)n;
		while (left) {
			ssize_t w = write(fd, p, left);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return pm_error_set_errno(err, errno, "writing '%s'", entry);
			p += w;
			left -= (size_t)w;
		}
	}
}

static void remember_dir(struct unpack *u, const char *path, const struct pm_tar_entry *e)
{
	for (size_t i = 0; i < u->n_dirs; i++)
		if (strcmp(u->dirs[i].path, path) == 0) {
			u->dirs[i].mode = e->perm;
			u->dirs[i].mtime.tv_sec = e->mtime;
			u->dirs[i].mtime.tv_nsec = e->mtime_nsec;
			return;
		}
	if (u->n_dirs == u->cap_dirs) {
		u->cap_dirs = u->cap_dirs ? u->cap_dirs * 2 : 64;
		u->dirs = pm_xrealloc(u->dirs, u->cap_dirs * sizeof(*u->dirs));
	}
	u->dirs[u->n_dirs++] = (struct dirmeta){
		.path = pm_xstrdup(path),
		.mode = e->perm,
		.mtime = {e->mtime, e->mtime_nsec},
	};
}

/* pm cp: a directory replaces a non-directory (and the other way) only with --overwrite. */
static int copy_may_replace(const struct unpack *u, int dfd, const char *base, bool new_is_dir,
			    const char *path, pm_error **err)
{
	struct stat st;
	if (!u->copy || u->copy->overwrite || fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    S_ISDIR(st.st_mode) == new_is_dir)
		return 0;
	return pm_error_set(err, EEXIST, "cannot overwrite %s '%s' with %s: use --overwrite",
			    S_ISDIR(st.st_mode) ? "directory" : "non-directory", path,
			    new_is_dir ? "a directory" : "a non-directory");
}

static int extract_entry(struct unpack *u, pm_tar *t, char *buf, const struct pm_tar_entry *e,
			 struct pm_unpack_stats *st, pm_error **err)
{
	const char *raw = e->path;
	_cleanup_free_ char *path = pm_layer_clean_path(raw);
	if (!path)
		return pm_error_set(err, EPERM, "refusing %s '%s': path escapes the %s", u->what,
				    raw ? raw : "", u->copy ? "destination" : "layer");
	mode_t type = e->type;
	if (strcmp(path, ".") == 0) {
		if (type == S_IFDIR && !u->copy) /* pm cp leaves the destination as it is */
			remember_dir(u, ".", e);
		return 0;
	}
	char *slash = strrchr(path, '/');
	_cleanup_free_ char *dir =
		slash ? pm_xstrndup(path, (size_t)(slash - path)) : pm_xstrdup(".");
	const char *base = slash ? slash + 1 : path;

	_cleanup_close_ int pfd = open_parent(u, dir, raw, err);
	if (pfd < 0)
		return pfd;
	/* O_PATH fds cannot be used for *at creation in all cases: reopen as a directory */
	_cleanup_close_ int dfd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return pm_error_set_errno(err, errno, "opening directory of layer entry '%s'", raw);

	const char *wh_name = NULL;
	bool opaque = false;
	if (!u->copy && pm_layer_whiteout_name(base, &wh_name, &opaque)) {
		if (u->mode == PM_UNPACK_APPLY) {
			int r = opaque ? clear_dir(dfd) : remove_at(dfd, wh_name);
			if (r < 0)
				return pm_error_set_errno(err, -r, "applying whiteout '%s'", raw);
			return 0;
		}
		if (opaque)
			return set_opaque(dfd, raw, err);
		if (strchr(wh_name, '/') || strcmp(wh_name, "..") == 0 || strcmp(wh_name, ".") == 0)
			return pm_error_set(err, EPERM, "refusing whiteout '%s'", raw);
		return make_whiteout(dfd, wh_name, raw, err);
	}

	const char *hardlink = e->hardlink ? e->linkname : NULL;
	int r = copy_may_replace(u, dfd, base, type == S_IFDIR && !hardlink, path, err);
	if (r < 0)
		return r;
	if (hardlink) {
		_cleanup_free_ char *target = pm_layer_clean_path(hardlink);
		if (!target || strcmp(target, ".") == 0)
			return pm_error_set(
				err, EPERM,
				"refusing hard link '%s' to '%s': target escapes the layer", raw,
				hardlink);
		char *ts = strrchr(target, '/');
		_cleanup_free_ char *tdir =
			ts ? pm_xstrndup(target, (size_t)(ts - target)) : pm_xstrdup(".");
		const char *tbase = ts ? ts + 1 : target;
		_cleanup_close_ int tfd = open_parent(u, tdir, hardlink, err);
		if (tfd < 0)
			return tfd;
		struct stat tst;
		if (fstatat(tfd, tbase, &tst, AT_SYMLINK_NOFOLLOW) < 0)
			return pm_error_set_errno(err, errno, "hard link '%s' to '%s'", raw,
						  hardlink);
		if (strcmp(target, path) == 0)
			return 0;
		remove_at(dfd, base);
		if (linkat(tfd, tbase, dfd, base, 0) < 0)
			return pm_error_set_errno(err, errno, "hard link '%s' to '%s'", raw,
						  hardlink);
		return 0;
	}

	struct timespec ts[2] = {{e->mtime, e->mtime_nsec}, {e->mtime, e->mtime_nsec}};
	mode_t perm = e->perm;
	switch (type) {
	case S_IFDIR: {
		struct stat old;
		if (fstatat(dfd, base, &old, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(old.st_mode))
			remove_at(dfd, base);
		if (mkdirat(dfd, base, 0700) < 0 && errno != EEXIST)
			return pm_error_set_errno(err, errno, "creating directory '%s'", raw);
		_cleanup_close_ int fd =
			openat(dfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return pm_error_set_errno(err, errno, "opening directory '%s'", raw);
		if ((r = set_owner(u, dfd, base, fd, e, raw, err)) < 0)
			return r;
		if (!u->copy)
			apply_xattrs(fd, e, raw);
		remember_dir(u, path, e);
		return 0;
	}
	case S_IFREG: {
		r = remove_at(dfd, base);
		if (r < 0)
			return pm_error_set_errno(err, -r, "replacing '%s'", raw);
		_cleanup_close_ int fd = openat(
			dfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0)
			return pm_error_set_errno(err, errno, "creating '%s'", raw);
		r = write_data(t, buf, fd, raw, err);
		if (r < 0)
			return r;
		r = set_owner(u, dfd, base, fd, e, raw, err);
		if (r < 0)
			return r;
		if (!u->copy)
			apply_xattrs(fd, e, raw);
		if (fchmod(fd, perm) < 0)
			return pm_error_set_errno(err, errno, "setting mode of '%s'", raw);
		futimens(fd, ts);
		st->file_bytes += e->size;
		return 0;
	}
	case S_IFLNK: {
		const char *target = e->linkname;
		r = remove_at(dfd, base);
		if (r < 0)
			return pm_error_set_errno(err, -r, "replacing '%s'", raw);
		if (symlinkat(target ? target : "", dfd, base) < 0)
			return pm_error_set_errno(err, errno, "creating symlink '%s'", raw);
		r = set_owner(u, dfd, base, -1, e, raw, err);
		if (r < 0)
			return r;
		utimensat(dfd, base, ts, AT_SYMLINK_NOFOLLOW);
		return 0;
	}
	case S_IFIFO: {
		r = remove_at(dfd, base);
		if (r < 0 || mkfifoat(dfd, base, perm) < 0)
			return pm_error_set_errno(err, r < 0 ? -r : errno, "creating fifo '%s'",
						  raw);
		r = set_owner(u, dfd, base, -1, e, raw, err);
		if (r < 0)
			return r;
		utimensat(dfd, base, ts, AT_SYMLINK_NOFOLLOW);
		return 0;
	}
	case S_IFCHR:
	case S_IFBLK:
		if (u->copy) {
			pm_strv_push(&u->skipped, path);
			return 0;
		}
		pm_log_debug("layer entry '%s': device node skipped (cannot be created in a user "
			     "namespace)",
			     raw);
		return 0;
	default:
		pm_log_debug("layer entry '%s': unsupported type %o skipped", raw, (unsigned)type);
		return 0;
	}
}

static void finish_dirs(struct unpack *u)
{
	/* deepest first, so setting a parent's mtime is not undone by its children */
	for (size_t i = u->n_dirs; i-- > 0;) {
		struct dirmeta *d = &u->dirs[i];
		int fd =
			strcmp(d->path, ".") == 0
				? openat(u->rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
				: sys_openat2(u->rootfd, d->path,
					      O_RDONLY | O_DIRECTORY | O_CLOEXEC, resolve_flags(u));
		if (fd >= 0) {
			fchmod(fd, d->mode);
			struct timespec ts[2] = {d->mtime, d->mtime};
			futimens(fd, ts);
			close(fd);
		}
	}
}

static void unpack_free(struct unpack *u)
{
	for (size_t i = 0; i < u->n_dirs; i++)
		free(u->dirs[i].path);
	free(u->dirs);
	pm_strv_free(u->skipped);
	if (u->rootfd >= 0)
		close(u->rootfd);
}

PM_DEFINE_CLEANUP_FUNC(pm_tar *, pm_tar_free)

/* Extract the stream into u->rootfd (opened by the caller; closed by unpack_free). */
static int unpack_stream(struct unpack *u, pm_read_fn rd, void *rd_ctx, pm_tee_fn tee,
			 void *tee_ctx, struct pm_unpack_stats *ret, pm_error **err)
{
	struct pm_unpack_stats st = {0};
	_cleanup_free_ char *buf = pm_xmalloc(READ_BUF);
	_cleanup_(pm_tar_freep) pm_tar *t = pm_tar_new(rd, rd_ctx, tee, tee_ctx);
	const char *what = u->copy ? "tar" : "layer";
	for (;;) {
		const struct pm_tar_entry *e;
		int r = pm_tar_next(t, &e, err);
		if (r < 0) {
			pm_error_prefix(err, "reading %s", what);
			return r;
		}
		if (r == 0)
			break;
		r = extract_entry(u, t, buf, e, &st, err);
		if (r < 0)
			return r;
		st.entries++;
	}
	/* read what is left (tar padding after the end marker): the tee sees every byte */
	int r = pm_tar_drain(t, err);
	if (r < 0) {
		pm_error_prefix(err, "reading %s", what);
		return r;
	}
	finish_dirs(u);
	st.compressed = pm_tar_compressed(t);
	st.raw_bytes = pm_tar_raw_bytes(t);
	pm_tar_diff_digest(t, st.diff_hex, &st.diff_size);
	if (ret)
		*ret = st;
	return 0;
}

int pm_layer_unpack(pm_read_fn rd, void *rd_ctx, pm_tee_fn tee, void *tee_ctx, const char *dest_dir,
		    enum pm_unpack_mode mode, struct pm_unpack_stats *ret, pm_error **err)
{
	struct unpack u = {.rootfd = -1,
			   .mode = mode,
			   .can_chown = geteuid() == 0,
			   .dest = dest_dir,
			   .what = "layer entry"};
	u.rootfd = open(dest_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (u.rootfd < 0)
		return pm_error_set_errno(err, errno, "opening '%s'", dest_dir);
	int r = unpack_stream(&u, rd, rd_ctx, tee, tee_ctx, ret, err);
	unpack_free(&u);
	return r;
}

int pm_layer_extract_to(int dirfd, const char *dest, int fd, const struct pm_extract_opts *o,
			char ***ret_skipped, pm_error **err)
{
	struct unpack u = {.rootfd = -1,
			   .mode = PM_UNPACK_APPLY,
			   .dest = dest,
			   .copy = o,
			   .what = "tar entry"};
	u.rootfd = sys_openat2(dirfd, dest[0] ? dest : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC,
			       o->in_root ? RESOLVE_IN_ROOT : 0);
	if (u.rootfd < 0)
		return pm_error_set_errno(err, -u.rootfd, "opening '%s'", dest);
	int r = unpack_stream(&u, pm_layer_read_fd, &fd, NULL, NULL, NULL, err);
	if (r >= 0 && ret_skipped)
		*ret_skipped = TAKE_PTR(u.skipped);
	unpack_free(&u);
	return r;
}
