/* layer.c: the safe tar extractor: extract a layer tar into a directory (overlay diff dir or
 * vfs rootfs) with libarchive, converting whiteouts and refusing entries that escape, and
 * the same code with pm cp's rules (pm_layer_extract_to). Every entry is created relative
 * to its parent directory's fd with O_NOFOLLOW. Owns nothing on disk beyond the
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
#include "storage/dl-archive.h"
#include "storage/layer.h"

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

struct reader {
	pm_read_fn rd;
	void *rd_ctx;
	pm_tee_fn tee;
	void *tee_ctx;
	char *buf;
	uint64_t total;
	int error; /* -errno from rd or tee */
};

static la_ssize_t reader_read(struct archive *a, void *ctx, const void **ret)
{
	struct reader *r = ctx;
	ssize_t n = r->rd(r->rd_ctx, r->buf, READ_BUF);
	if (n < 0) {
		r->error = (int)n;
		sym_archive_set_error(a, (int)-n, "reading input: %s", strerror((int)-n));
		return -1;
	}
	if (n > 0 && r->tee) {
		int t = r->tee(r->tee_ctx, r->buf, (size_t)n);
		if (t < 0) {
			r->error = t;
			sym_archive_set_error(a, -t, "writing blob: %s", strerror(-t));
			return -1;
		}
	}
	r->total += (uint64_t)n;
	*ret = r->buf;
	return n;
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

static void apply_xattrs(int fd, struct archive_entry *e, const char *entry)
{
	const char *name;
	const void *value;
	size_t size;
	sym_archive_entry_xattr_reset(e);
	while (sym_archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
		if (fsetxattr(fd, name, value, size, 0) < 0)
			pm_log_debug("layer entry '%s': xattr '%s' not kept: %s", entry, name,
				     strerror(errno));
	}
}

static int set_owner(struct unpack *u, int pfd, const char *name, int fd, struct archive_entry *e,
		     const char *entry, pm_error **err)
{
	if (u->copy ? !u->copy->chown : !u->can_chown)
		return 0;
	bool root = u->copy && u->copy->owner_root;
	uid_t uid = root ? 0 : (uid_t)sym_archive_entry_uid(e);
	gid_t gid = root ? 0 : (gid_t)sym_archive_entry_gid(e);
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

static int write_data(struct archive *a, int fd, const char *entry, pm_error **err)
{
	const void *buf;
	size_t size;
	la_int64_t off;
	la_int64_t pos = 0;
	for (;;) {
		int r = sym_archive_read_data_block(a, &buf, &size, &off);
		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
			return pm_error_set(err, EIO, "reading entry '%s': %s", entry,
					    sym_archive_error_string(a)
						    ? sym_archive_error_string(a)
						    : "read error");
		if (off != pos && lseek(fd, off, SEEK_SET) < 0)
			return pm_error_set_errno(err, errno, "writing '%s'", entry);
		const char *p = buf;
		size_t left = size;
		while (left) {
			ssize_t w = write(fd, p, left);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return pm_error_set_errno(err, errno, "writing '%s'", entry);
			p += w;
			left -= (size_t)w;
		}
		pos = off + (la_int64_t)size;
	}
	/* sparse tail */
	struct stat st;
	if (fstat(fd, &st) == 0 && st.st_size < pos && ftruncate(fd, pos) < 0)
		return pm_error_set_errno(err, errno, "writing '%s'", entry);
	return 0;
}

static void remember_dir(struct unpack *u, const char *path, struct archive_entry *e)
{
	for (size_t i = 0; i < u->n_dirs; i++)
		if (strcmp(u->dirs[i].path, path) == 0) {
			u->dirs[i].mode = sym_archive_entry_perm(e);
			u->dirs[i].mtime.tv_sec = sym_archive_entry_mtime(e);
			u->dirs[i].mtime.tv_nsec = sym_archive_entry_mtime_nsec(e);
			return;
		}
	if (u->n_dirs == u->cap_dirs) {
		u->cap_dirs = u->cap_dirs ? u->cap_dirs * 2 : 64;
		u->dirs = pm_xrealloc(u->dirs, u->cap_dirs * sizeof(*u->dirs));
	}
	u->dirs[u->n_dirs++] = (struct dirmeta){
		.path = pm_xstrdup(path),
		.mode = sym_archive_entry_perm(e),
		.mtime = {sym_archive_entry_mtime(e), sym_archive_entry_mtime_nsec(e)},
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

static int extract_entry(struct unpack *u, struct archive *a, struct archive_entry *e,
			 struct pm_unpack_stats *st, pm_error **err)
{
	const char *raw = sym_archive_entry_pathname(e);
	_cleanup_free_ char *path = pm_layer_clean_path(raw);
	if (!path)
		return pm_error_set(err, EPERM, "refusing %s '%s': path escapes the %s", u->what,
				    raw ? raw : "", u->copy ? "destination" : "layer");
	mode_t type = sym_archive_entry_filetype(e);
	if (strcmp(path, ".") == 0) {
		if (type == AE_IFDIR && !u->copy) /* pm cp leaves the destination as it is */
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

	const char *hardlink = sym_archive_entry_hardlink(e);
	int r = copy_may_replace(u, dfd, base, type == AE_IFDIR && !hardlink, path, err);
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

	struct timespec ts[2] = {{sym_archive_entry_mtime(e), sym_archive_entry_mtime_nsec(e)},
				 {sym_archive_entry_mtime(e), sym_archive_entry_mtime_nsec(e)}};
	mode_t perm = sym_archive_entry_perm(e);
	switch (type) {
	case AE_IFDIR: {
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
	case AE_IFREG: {
		r = remove_at(dfd, base);
		if (r < 0)
			return pm_error_set_errno(err, -r, "replacing '%s'", raw);
		_cleanup_close_ int fd = openat(
			dfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0)
			return pm_error_set_errno(err, errno, "creating '%s'", raw);
		r = write_data(a, fd, raw, err);
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
		st->file_bytes += (uint64_t)sym_archive_entry_size(e);
		return 0;
	}
	case AE_IFLNK: {
		const char *target = sym_archive_entry_symlink(e);
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
	case AE_IFIFO: {
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
	case AE_IFCHR:
	case AE_IFBLK:
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

PM_DEFINE_CLEANUP_FUNC(struct archive *, sym_archive_read_free)

/* Extract the stream into u->rootfd (opened by the caller; closed by unpack_free). */
static int unpack_stream(struct unpack *u, pm_read_fn rd, void *rd_ctx, pm_tee_fn tee,
			 void *tee_ctx, struct pm_unpack_stats *ret, pm_error **err)
{
	struct pm_unpack_stats st = {0};
	struct reader r = {.rd = rd, .rd_ctx = rd_ctx, .tee = tee, .tee_ctx = tee_ctx};
	_cleanup_free_ char *buf = pm_xmalloc(READ_BUF);
	r.buf = buf;
	int res = 0;
	_cleanup_(sym_archive_read_freep) struct archive *a = sym_archive_read_new();
	if (!a)
		abort();
	sym_archive_read_support_filter_gzip(a);
	sym_archive_read_support_filter_zstd(a);
	sym_archive_read_support_filter_xz(a);
	sym_archive_read_support_filter_bzip2(a);
	sym_archive_read_support_format_tar(a);
	sym_archive_read_support_format_empty(a);
	const char *what = u->copy ? "tar" : "layer";
	if (sym_archive_read_open(a, &r, NULL, reader_read, NULL) != ARCHIVE_OK)
		return pm_error_set(err, r.error ? -r.error : EINVAL, "reading %s: %s", what,
				    sym_archive_error_string(a) ? sym_archive_error_string(a)
								: "invalid archive");
	for (;;) {
		struct archive_entry *e;
		int ar = sym_archive_read_next_header(a, &e);
		if (ar == ARCHIVE_EOF)
			break;
		if (ar != ARCHIVE_OK && ar != ARCHIVE_WARN)
			return pm_error_set(
				err, r.error ? -r.error : EINVAL, "reading %s: %s", what,
				sym_archive_error_string(a) ? sym_archive_error_string(a)
							    : "invalid tar archive");
		res = extract_entry(u, a, e, &st, err);
		if (res < 0)
			return res;
		st.entries++;
	}
	st.compressed = sym_archive_filter_count(a) > 1;
	/* read what libarchive left (tar padding after the end marker) */
	for (;;) {
		ssize_t n = rd(rd_ctx, buf, READ_BUF);
		if (n < 0)
			return pm_error_set_errno(err, (int)-n, "reading %s", what);
		if (n == 0)
			break;
		if (tee && (res = tee(tee_ctx, buf, (size_t)n)) < 0)
			return pm_error_set_errno(err, -res, "writing layer blob");
		r.total += (uint64_t)n;
	}
	finish_dirs(u);
	st.raw_bytes = r.total;
	if (ret)
		*ret = st;
	return 0;
}

int pm_layer_unpack(pm_read_fn rd, void *rd_ctx, pm_tee_fn tee, void *tee_ctx, const char *dest_dir,
		    enum pm_unpack_mode mode, struct pm_unpack_stats *ret, pm_error **err)
{
	int dl = pm_dl_archive(err);
	if (dl < 0)
		return dl;
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
	int dl = pm_dl_archive(err);
	if (dl < 0)
		return dl;
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
