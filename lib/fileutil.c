/* fileutil.c: file helpers: atomic writes (temp + fsync + rename), size-capped reads,
 * mkdir -p, rm -rf that stays on one mount and never follows symlinks, flock locks,
 * $PATH lookup. Every fd is O_CLOEXEC. Must not print. Called from every module. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <dirent.h>
#include <linux/fs.h>
#include <stdio.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lib/fileutil.h"
#include "lib/log.h"
#include "lib/strutil.h"

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int pm_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
			 pm_error **err)
{
	return pm_write_file_atomic_flags(path, data, len, mode, 0, err);
}

/* Make a rename in dir (NULL: the current directory) durable; best effort (the data itself
 * is already synced). */
static void sync_dir(const char *dir)
{
	_cleanup_close_ int dfd = open(dir ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0)
		(void)fsync(dfd);
}

/* PM_WRITE_SWAP (fileutil.h): write data into the spare (dir + "." + base + ".spare", made
 * when missing) and swap it with path. */
static int write_swap(const char *path, const char *dir, const char *base, const void *data,
		      size_t len, mode_t mode, bool sync, pm_error **err)
{
	_cleanup_free_ char *spare = pm_xasprintf("%s.%s.spare", dir ? dir : "", base);
	_cleanup_close_ int fd =
		open(spare, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		fd = open(spare, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd >= 0 && fchmod(fd, mode) < 0)
			return pm_error_set_errno(err, errno, "writing '%s'", path);
	}
	if (fd < 0)
		return pm_error_set_errno(err, errno, "writing '%s'", path);
	/* over the old content, then cut to length: the file keeps its block */
	int r = write_all(fd, data, len);
	if (r == 0 && ftruncate(fd, (off_t)len) < 0)
		r = -errno;
	if (r == 0 && sync && fsync(fd) < 0)
		r = -errno;
	if (r == 0) {
		int cfd = TAKE_FD(fd);
		if (close(cfd) < 0 && errno != EINTR)
			r = -errno;
	}
	if (r == 0 && renameat2(AT_FDCWD, spare, AT_FDCWD, path, RENAME_EXCHANGE) < 0) {
		/* the first write (no old file), or a file system without the exchange */
		if ((errno != ENOENT && errno != EINVAL && errno != ENOSYS) ||
		    rename(spare, path) < 0)
			r = -errno;
	}
	if (r < 0)
		return pm_error_set_errno(err, -r, "writing '%s'", path);
	if (sync)
		sync_dir(dir);
	return 0;
}

int pm_write_file_atomic_flags(const char *path, const void *data, size_t len, mode_t mode,
			       unsigned flags, pm_error **err)
{
	bool sync = !(flags & PM_WRITE_NOSYNC);
	_cleanup_free_ char *dir = NULL;
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	if (!*base)
		return pm_error_set_errno(err, EISDIR, "writing '%s'", path);
	if (slash)
		dir = pm_xstrndup(path, (size_t)(slash - path) + 1);
	if (flags & PM_WRITE_SWAP)
		return write_swap(path, dir, base, data, len, mode, sync, err);
	_cleanup_free_ char *tmp = pm_xasprintf("%s.%s.tmpXXXXXX", dir ? dir : "", base);

	_cleanup_close_ int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return pm_error_set_errno(err, errno, "writing '%s'", path);
	int r = write_all(fd, data, len);
	if (r == 0 && sync && fsync(fd) < 0)
		r = -errno;
	if (r == 0 && fchmod(fd, mode) < 0)
		r = -errno;
	if (r == 0) {
		int cfd = TAKE_FD(fd);
		if (close(cfd) < 0 && errno != EINTR)
			r = -errno;
	}
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		return pm_error_set_errno(err, -r, "writing '%s'", path);
	}
	if (sync)
		sync_dir(dir);
	return 0;
}

int pm_fsync_path(const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
	if (fd < 0 || fsync(fd) < 0)
		return -errno;
	return 0;
}

int pm_read_file(const char *path, size_t max, char **ret_data, size_t *ret_len, pm_error **err)
{
	return pm_read_file_at(AT_FDCWD, path, max, ret_data, ret_len, err);
}

ssize_t pm_read_small_at(int dfd, const char *path, char *buf, size_t size)
{
	if (size < 2)
		return -EFBIG;
	_cleanup_close_ int fd = openat(dfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	return pm_read_small_fd(fd, buf, size);
}

ssize_t pm_read_small_fd(int fd, char *buf, size_t size)
{
	if (size < 2)
		return -EFBIG;
	ssize_t n;
	do
		n = read(fd, buf, size);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if ((size_t)n >= size)
		return -EFBIG;
	buf[n] = '\0';
	return n;
}

int pm_read_file_at(int dfd, const char *path, size_t max, char **ret_data, size_t *ret_len,
		    pm_error **err)
{
	if (max > SSIZE_MAX / 2)
		max = SSIZE_MAX / 2; /* keeps max + 1 and the doubling below from overflowing */
	_cleanup_close_ int fd = openat(dfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return pm_error_set_errno(err, errno, "reading '%s'", path);
	struct stat st;
	if (fstat(fd, &st) < 0)
		return pm_error_set_errno(err, errno, "reading '%s'", path);
	if (S_ISDIR(st.st_mode))
		return pm_error_set_errno(err, EISDIR, "reading '%s'", path);
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max)
		return pm_error_set(err, EFBIG, "reading '%s': file is larger than %zu bytes", path,
				    max);

	/* Read until EOF (st_size lies for /proc and friends), at most max + 1 bytes. */
	size_t cap = st.st_size > 0 && (uint64_t)st.st_size < max ? (size_t)st.st_size + 1 : 4096;
	if (cap > max + 1)
		cap = max + 1;
	_cleanup_free_ char *buf = pm_xmalloc(cap + 1);
	size_t len = 0;
	for (;;) {
		if (len == cap) {
			if (cap > max)
				break;
			cap = cap > max / 2 ? max + 1 : cap * 2;
			buf = pm_xrealloc(buf, cap + 1);
		}
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return pm_error_set_errno(err, errno, "reading '%s'", path);
		}
		if (n == 0)
			break;
		len += (size_t)n;
		/* A regular file that gave exactly its size in a short read is at EOF: spare the
		 * second read() (ps reads thousands of small files). */
		if (S_ISREG(st.st_mode) && st.st_size > 0 && len == (size_t)st.st_size && len < cap)
			break;
	}
	if (len > max)
		return pm_error_set(err, EFBIG, "reading '%s': file is larger than %zu bytes", path,
				    max);
	buf[len] = '\0';
	if (ret_len)
		*ret_len = len;
	*ret_data = TAKE_PTR(buf);
	return 0;
}

int pm_read_line_file(const char *path, char **ret, pm_error **err)
{
	char *data = NULL;
	size_t len = 0;
	int r = pm_read_file(path, 64 * 1024, &data, &len, err);
	if (r < 0)
		return r;
	if (len > 0 && data[len - 1] == '\n')
		data[len - 1] = '\0';
	*ret = data;
	return 0;
}

/* mkdir_in: create p (a writable copy, no trailing '/') and its missing parents. The common
 * case, p already a directory, costs one stat; a missing p walks up only as far as the first
 * existing ancestor, so no mkdir ever fails with EEXIST on the way (issue #20). */
static int mkdir_in(char *p, mode_t mode, pm_error **err)
{
	struct stat st;
	if (stat(p, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return pm_error_set_errno(err, ENOTDIR, "creating directory '%s'", p);
		return 0;
	}
	/* ENOTDIR: walk up to name the component that is not a directory */
	if (errno != ENOENT && errno != ENOTDIR)
		return pm_error_set_errno(err, errno, "creating directory '%s'", p);
	char *slash = strrchr(p, '/');
	while (slash && slash > p && slash[-1] == '/') /* "a//b" */
		slash--;
	if (slash && slash != p) {
		*slash = '\0';
		int r = mkdir_in(p, mode, err);
		*slash = '/';
		if (r < 0)
			return r;
	}
	if (mkdir(p, mode) == 0)
		return 0;
	int e = errno;
	/* a concurrent creator won the race: fine if it made a directory */
	if (e == EEXIST && stat(p, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	return pm_error_set_errno(err, e == EEXIST ? ENOTDIR : e, "creating directory '%s'", p);
}

int pm_mkdir_p(const char *path, mode_t mode, pm_error **err)
{
	if (!path || !*path)
		return pm_error_set(err, EINVAL, "creating directory '': empty path");
	_cleanup_free_ char *p = pm_xstrdup(path);
	size_t n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
	return mkdir_in(p, mode, err);
}

void pm_dir_spread(const char *dir)
{
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int flags = 0;
	if (fd < 0 || ioctl(fd, FS_IOC_GETFLAGS, &flags) < 0 || (flags & FS_TOPDIR_FL))
		return;
	flags |= FS_TOPDIR_FL;
	if (ioctl(fd, FS_IOC_SETFLAGS, &flags) < 0)
		pm_log_debug("'%s': cannot set FS_TOPDIR_FL: %s", dir, strerror(errno));
}

int pm_mkdir_p_spread(const char *path, mode_t mode, pm_error **err)
{
	struct stat st;
	if (path && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	int r = pm_mkdir_p(path, mode, err);
	if (r >= 0)
		pm_dir_spread(path);
	return r;
}

/* Is the entry name in dirfd the root of a mount? statx knows bind mounts of the same file
 * system too; st_dev catches the rest on kernels without STATX_ATTR_MOUNT_ROOT. */
static bool is_mount_root(int dirfd, const char *name, dev_t parent_dev)
{
	struct statx sx;
	if (statx(dirfd, name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, STATX_BASIC_STATS, &sx) ==
	    0) {
		if ((sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
		    (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT))
			return true;
		return makedev(sx.stx_dev_major, sx.stx_dev_minor) != parent_dev;
	}
	return false;
}

int pm_path_is_mount_point(const char *path)
{
	struct statx sx;
	if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, STATX_BASIC_STATS, &sx) <
	    0)
		return -errno;
	if (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)
		return (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT) ? 1 : 0;
	_cleanup_free_ char *parent = pm_path_join(path, "..");
	struct stat st;
	if (stat(parent, &st) < 0)
		return -errno;
	return makedev(sx.stx_dev_major, sx.stx_dev_minor) != st.st_dev ? 1 : 0;
}

int pm_statvfs_nearest(const char *path, const char *prefix,
		       int (*statvfs_fn)(const char *path, struct statvfs *st), struct statvfs *ret,
		       char **ret_dir)
{
	if (!statvfs_fn)
		statvfs_fn = statvfs;
	_cleanup_free_ char *dir = pm_xstrdup(path);
	int first = 0;
	for (;;) {
		_cleanup_free_ char *p = pm_xasprintf("%s%s", prefix ? prefix : "", dir);
		if (statvfs_fn(p, ret) == 0)
			break;
		if (!first)
			first = -errno;
		char *slash = strrchr(dir, '/');
		if (!slash || strcmp(dir, "/") == 0)
			return first;
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	if (ret_dir)
		*ret_dir = TAKE_PTR(dir);
	return 0;
}

/* A directory of ours without rwx for us (layers ship 0555 dirs) cannot be emptied by an
 * unprivileged user: give ourselves u+rwx first. Best effort. */
static void make_writable(int dirfd, const char *name, const struct stat *st)
{
	if (st->st_uid == geteuid() && (st->st_mode & 0700) != 0700)
		if (fchmodat(dirfd, name, (st->st_mode & 07777) | 0700, AT_SYMLINK_NOFOLLOW) < 0)
			pm_log_debug("rm -rf: chmod u+rwx '%s': %s", name, strerror(errno));
}

struct rm_ctx {
	const char *top;
	pm_error **err;
	int first; /* first error, negative errno */
};

static void rm_fail(struct rm_ctx *c, int e, const char *what, const char *name)
{
	if (c->first == 0)
		c->first = -e;
	if (c->err && !*c->err) {
		if (e == EBUSY)
			pm_error_set(c->err, e, "removing '%s': '%s' is a mount point", c->top,
				     name);
		else
			pm_error_set(c->err, e, "removing '%s': %s '%s': %s", c->top, what, name,
				     strerror(e));
	}
}

/* Empty the directory open as dfd (consumed), which lives on device dev. */
static void rm_dir_contents(struct rm_ctx *c, int dfd, dev_t dev, const char *name)
{
	DIR *d = fdopendir(dfd);
	if (!d) {
		rm_fail(c, errno, "opening", name);
		close(dfd);
		return;
	}
	_cleanup_closedir_ DIR *dir = d;
	for (;;) {
		errno = 0;
		struct dirent *de = readdir(dir);
		if (!de) {
			if (errno)
				rm_fail(c, errno, "reading", name);
			break;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		struct stat st;
		if (fstatat(dirfd(dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno != ENOENT)
				rm_fail(c, errno, "inspecting", de->d_name);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (is_mount_root(dirfd(dir), de->d_name, dev)) {
				rm_fail(c, EBUSY, "", de->d_name);
				continue;
			}
			make_writable(dirfd(dir), de->d_name, &st);
			int sub =
				openat(dirfd(dir), de->d_name,
				       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
			if (sub < 0) {
				if (errno != ENOENT)
					rm_fail(c, errno, "opening", de->d_name);
				continue;
			}
			rm_dir_contents(c, sub, st.st_dev, de->d_name);
			if (unlinkat(dirfd(dir), de->d_name, AT_REMOVEDIR) < 0 && errno != ENOENT)
				rm_fail(c, errno, "removing", de->d_name);
		} else if (unlinkat(dirfd(dir), de->d_name, 0) < 0 && errno != ENOENT) {
			rm_fail(c, errno, "removing", de->d_name);
		}
	}
}

/* ---- disk usage ---- */

#define DU_MAX_INODES 4096 /* hard links remembered (more: counted again) */

struct du_state {
	uint64_t bytes;
	size_t n;
	struct {
		dev_t dev;
		ino_t ino;
	} seen[DU_MAX_INODES];
};
static struct du_state *du_cur;

static int du_visit(const char *fpath, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)fpath;
	(void)ftw;
	if (type == FTW_NS)
		return 0;
	if (sb->st_nlink > 1 && !S_ISDIR(sb->st_mode)) {
		for (size_t i = 0; i < du_cur->n; i++)
			if (du_cur->seen[i].dev == sb->st_dev && du_cur->seen[i].ino == sb->st_ino)
				return 0;
		if (du_cur->n < DU_MAX_INODES) {
			du_cur->seen[du_cur->n].dev = sb->st_dev;
			du_cur->seen[du_cur->n].ino = sb->st_ino;
			du_cur->n++;
		}
	}
	if (S_ISREG(sb->st_mode) || S_ISLNK(sb->st_mode))
		du_cur->bytes += (uint64_t)sb->st_size;
	return 0;
}

uint64_t pm_disk_usage(const char *path)
{
	struct du_state *st = calloc(1, sizeof(*st));
	if (!st)
		return 0;
	du_cur = st;
	nftw(path, du_visit, 16, FTW_PHYS | FTW_MOUNT);
	du_cur = NULL;
	uint64_t r = st->bytes;
	free(st);
	return r;
}

int pm_rm_rf(const char *path, pm_error **err)
{
	struct stat st;
	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		return pm_error_set_errno(err, errno, "removing '%s'", path);
	}
	if (!S_ISDIR(st.st_mode)) {
		if (unlink(path) < 0 && errno != ENOENT)
			return pm_error_set_errno(err, errno, "removing '%s'", path);
		return 0;
	}
	make_writable(AT_FDCWD, path, &st);
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return pm_error_set_errno(err, errno, "removing '%s'", path);
	struct rm_ctx c = {.top = path, .err = err};
	rm_dir_contents(&c, fd, st.st_dev, path);
	if (c.first < 0)
		return c.first;
	if (rmdir(path) < 0 && errno != ENOENT)
		return pm_error_set_errno(err, errno, "removing '%s'", path);
	return 0;
}

int pm_lock_path(const char *path, int op, pm_error **err)
{
	_cleanup_close_ int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0)
		return pm_error_set_errno(err, errno, "opening lock '%s'", path);
	while (flock(fd, op) < 0) {
		if (errno == EINTR)
			continue;
		if (errno == EWOULDBLOCK)
			return pm_error_set(err, EWOULDBLOCK,
					    "locking '%s': held by another process", path);
		return pm_error_set_errno(err, errno, "locking '%s'", path);
	}
	return TAKE_FD(fd);
}

bool pm_path_exists(const char *path)
{
	struct stat st;
	return path && lstat(path, &st) == 0;
}

char *pm_path_join(const char *a, const char *b)
{
	if (!a || !*a)
		return pm_xstrdup(b ? b : "");
	if (!b || !*b)
		return pm_xstrdup(a);
	size_t la = strlen(a);
	while (la > 1 && a[la - 1] == '/')
		la--;
	while (*b == '/')
		b++;
	if (la == 1 && a[0] == '/')
		return pm_xasprintf("/%s", b);
	return pm_xasprintf("%.*s/%s", (int)la, a, b);
}

static bool is_executable(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0;
}

char *pm_find_executable(const char *name)
{
	if (!name || !*name)
		return NULL;
	if (strchr(name, '/'))
		return is_executable(name) ? pm_xstrdup(name) : NULL;
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	_cleanup_strv_ char **dirs = pm_strv_split(path, ":");
	for (char **d = dirs; *d; d++) {
		if ((*d)[0] != '/')
			continue; /* relative entries are a trap; skip them */
		_cleanup_free_ char *p = pm_path_join(*d, name);
		if (is_executable(p))
			return TAKE_PTR(p);
	}
	return NULL;
}

char *pm_read_link(const char *path)
{
	for (size_t size = 256;; size *= 2) {
		char *buf = pm_xmalloc(size);
		ssize_t n = readlink(path, buf, size);
		if (n < 0) {
			int e = errno;
			free(buf);
			errno = e;
			return NULL;
		}
		if ((size_t)n < size) {
			buf[n] = 0;
			return buf;
		}
		free(buf);
	}
}

int pm_read_file_in_root(const char *rootfs, const char *path, size_t max, char **ret,
			 pm_error **err)
{
	*ret = NULL;
	_cleanup_close_ int rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return pm_error_set_errno(err, errno, "rootfs '%s'", rootfs);
	struct open_how how = {.flags = O_RDONLY | O_CLOEXEC,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	_cleanup_close_ int fd = (int)syscall(SYS_openat2, rootfd, path[0] == '/' ? path + 1 : path,
					      &how, sizeof(how));
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR
			       ? 0
			       : pm_error_set_errno(err, errno, "reading '%s' in '%s'", path,
						    rootfs);
	_cleanup_free_ char *proc = pm_xasprintf("/proc/self/fd/%d", fd);
	return pm_read_file(proc, max, ret, NULL, err);
}

static bool record_exists(const char *const *dirs, const char *id)
{
	for (; *dirs; dirs++) {
		_cleanup_free_ char *rec = pm_path_join(*dirs, id);
		if (pm_path_exists(rec))
			return true;
	}
	return false;
}

int pm_name_reserve(const char *names_dir, const char *records_dir, const char *name,
		    const char *id, const char *what, char *other, pm_error **err)
{
	const char *const dirs[] = {records_dir, NULL};
	return pm_name_reserve_in(names_dir, dirs, name, id, what, other, err);
}

int pm_name_reserve_in(const char *names_dir, const char *const *records_dirs, const char *name,
		       const char *id, const char *what, char *other, pm_error **err)
{
	char held[PATH_MAX] = "";
	if (!other)
		other = held;
	other[0] = 0;
	if (pm_mkdir_p(names_dir, 0700, err) < 0)
		return -EIO;
	_cleanup_free_ char *link = pm_path_join(names_dir, name);
	if (symlink(id, link) == 0)
		return 0;
	if (errno != EEXIST)
		return pm_error_set_errno(err, errno, "reserving %s name '%s'", what, name);
	ssize_t n = readlink(link, other, PATH_MAX - 1);
	if (n > 0)
		other[n] = 0;
	if (n > 0 && !record_exists(records_dirs, other)) {
		_cleanup_free_ char *lockpath = pm_path_join(names_dir, ".lock");
		_cleanup_close_ int lock = pm_lock_path(lockpath, LOCK_EX, NULL);
		n = readlink(link, other, PATH_MAX - 1);
		if (n > 0)
			other[n] = 0;
		if (lock >= 0 && n > 0 && !record_exists(records_dirs, other)) {
			_cleanup_free_ char *tmp = pm_xasprintf("%s.%s.tmp", link, id);
			if (symlink(id, tmp) == 0 && rename(tmp, link) == 0)
				return 0;
			unlink(tmp);
		}
	}
	return -EEXIST;
}

void pm_name_release(const char *names_dir, const char *name, const char *id)
{
	_cleanup_free_ char *link = pm_path_join(names_dir, name);
	char target[PATH_MAX] = "";
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	if (n > 0) {
		target[n] = 0;
		if (strcmp(target, id) == 0)
			unlink(link);
	}
}

void pm_stdio_to_null(void)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0)
		return;
	for (int fd = 0; fd < 3; fd++)
		dup2(null, fd);
	if (null > 2)
		close(null);
}

/* The source's extended attributes on the copy (fd: a file or directory; best effort: a
 * filesystem without them, or a security.* name the namespace may not set, is no error). */
static void copy_xattrs(int sfd, int dfd)
{
	char names[4096], val[4096];
	ssize_t n = flistxattr(sfd, names, sizeof(names));
	for (ssize_t i = 0; n > 0 && i < n; i += (ssize_t)strlen(names + i) + 1) {
		ssize_t l = fgetxattr(sfd, names + i, val, sizeof(val));
		if (l >= 0)
			(void)fsetxattr(dfd, names + i, val, (size_t)l, 0);
	}
}

/* owner (then mode: chown clears set-id bits) and times of st on fd */
static int copy_attrs(int fd, const struct stat *st)
{
	struct timespec t[2] = {st->st_atim, st->st_mtim};
	if (fchown(fd, st->st_uid, st->st_gid) < 0 || fchmod(fd, st->st_mode & 07777) < 0)
		return -errno;

	return futimens(fd, t) < 0 ? -errno : 0;
}

/* len bytes from s at off to d at the same offset: copy_file_range (a reflink or an
 * in-kernel copy where the file system can), read/write where it cannot (across file
 * systems on older kernels, or file systems without it) */
static int copy_range(int s, int d, off_t off, off_t len, bool *no_cfr)
{
	while (len > 0 && !*no_cfr) {
		loff_t in = off, out = off;
		ssize_t n = copy_file_range(s, &in, d, &out, (size_t)len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS ||
			      errno == EOPNOTSUPP || errno == EBADF || errno == EPERM)) {
			*no_cfr = true;
			break;
		}
		if (n < 0)
			return -errno;
		if (n == 0) /* the source shrank under us */
			return 0;
		off += n;
		len -= n;
	}
	char buf[65536];
	while (len > 0) {
		ssize_t n = pread(
			s, buf, (size_t)(len < (off_t)sizeof(buf) ? len : (off_t)sizeof(buf)), off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		for (ssize_t w = 0; w < n;) {
			ssize_t k = pwrite(d, buf + w, (size_t)(n - w), off + w);
			if (k < 0 && errno != EINTR)
				return -errno;
			w += k > 0 ? k : 0;
		}
		off += n;
		len -= n;
	}
	return 0;
}

/* The content of s into d. A file with fewer blocks than its size has holes: only its data
 * extents are copied (SEEK_DATA/SEEK_HOLE) and the copy is cut to the size, so the holes
 * stay holes; a dense file (most) is copied in one go, with no extra seeks. */
static int copy_content(int s, int d, const struct stat *st)
{
	bool no_cfr = false;
	if ((off_t)st->st_blocks * 512 >= st->st_size)
		return copy_range(s, d, 0, st->st_size, &no_cfr);
	for (off_t off = 0; off < st->st_size;) {
		off_t data = lseek(s, off, SEEK_DATA);
		if (data < 0 && errno == ENXIO) /* a hole to the end */
			break;
		if (data < 0)
			return -errno;
		off_t hole = lseek(s, data, SEEK_HOLE);
		if (hole < 0)
			return -errno;
		if (hole > st->st_size)
			hole = st->st_size;
		int r = copy_range(s, d, data, hole - data, &no_cfr);
		if (r < 0)
			return r;
		off = hole;
	}
	return ftruncate(d, st->st_size) < 0 ? -errno : 0;
}

static int copy_file(int sdir, int ddir, const char *name, const struct stat *st)
{
	_cleanup_close_ int s = openat(sdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (s < 0)
		return -errno;
	_cleanup_close_ int d =
		openat(ddir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (d < 0)
		return -errno;
	int r = copy_content(s, d, st);
	if (r < 0)
		return r;
	r = copy_attrs(d, st);
	/* after the chown, which drops security.capability (file capabilities) */
	copy_xattrs(s, d);
	return r;
}

/* A walk of pm_copy_tree. path: the directory being copied, relative to both roots ("" at
 * the top), grown and cut as the walk goes; links: the source inodes with more than one
 * name seen so far (an open-addressing table keyed by device and inode) with the copy's
 * path, so that their other names become hard links to it, as cp -a and a tar round trip
 * make them. */
struct copy_link {
	dev_t dev;
	ino_t ino;
	char *path;
};

struct copy_walk {
	int sroot, droot;
	char *path;
	size_t len, cap;
	struct copy_link *links;
	size_t nlinks, linkcap;
	pm_error **err;
};

static void walk_push(struct copy_walk *w, const char *name)
{
	size_t n = strlen(name);
	if (w->len + n + 2 > w->cap) {
		w->cap = (w->len + n + 2) * 2;
		w->path = pm_xrealloc(w->path, w->cap);
	}
	if (w->len)
		w->path[w->len++] = '/';
	memcpy(w->path + w->len, name, n + 1);
	w->len += n;
}

static void walk_pop(struct copy_walk *w, size_t len)
{
	w->len = len;
	w->path[len] = '\0';
}

static size_t link_slot(const struct copy_walk *w, dev_t dev, ino_t ino)
{
	size_t h = ((size_t)ino * 0x9E3779B97F4A7C15ULL) ^ (size_t)dev;
	for (size_t i = h & (w->linkcap - 1);; i = (i + 1) & (w->linkcap - 1))
		if (!w->links[i].path || (w->links[i].dev == dev && w->links[i].ino == ino))
			return i;
}

/* The copy's path of the source inode st (NULL: its first name, now remembered under the
 * path w has when called) */
static const char *link_seen(struct copy_walk *w, const struct stat *st)
{
	if (w->nlinks * 2 >= w->linkcap) {
		struct copy_link *old = w->links;
		size_t oldcap = w->linkcap;
		w->linkcap = oldcap ? oldcap * 2 : 64;
		w->links = pm_xcalloc(w->linkcap, sizeof(*w->links));
		for (size_t i = 0; i < oldcap; i++)
			if (old[i].path)
				w->links[link_slot(w, old[i].dev, old[i].ino)] = old[i];
		free(old);
	}
	struct copy_link *l = &w->links[link_slot(w, st->st_dev, st->st_ino)];
	if (l->path)
		return l->path;
	*l = (struct copy_link){st->st_dev, st->st_ino, pm_xstrdup(w->path)};
	w->nlinks++;
	return NULL;
}

/* path (relative to root), opened as a directory with no symlink on the way and no step
 * out of root: a walk that keeps no fd per level reopens each level by its path */
static int open_walk_dir(int root, const char *path)
{
	struct open_how how = {.flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
			       .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
					  RESOLVE_NO_MAGICLINKS};
	int fd = (int)syscall(SYS_openat2, root, *path ? path : ".", &how, sizeof(how));
	return fd < 0 ? -errno : fd;
}

static int copy_entry(struct copy_walk *w, int sdir, int ddir, const char *n, const struct stat *st)
{
	if (!S_ISDIR(st->st_mode) && st->st_nlink > 1) {
		const char *first = link_seen(w, st);
		if (first && linkat(w->droot, first, ddir, n, 0) == 0)
			return 0;
		/* a first name; or a link the copy's file system refuses (EMLINK): a copy */
	}
	if (S_ISREG(st->st_mode))
		return copy_file(sdir, ddir, n, st);
	struct timespec t[2] = {st->st_atim, st->st_mtim};
	if (S_ISLNK(st->st_mode)) {
		char target[PATH_MAX];
		ssize_t l = readlinkat(sdir, n, target, sizeof(target) - 1);
		if (l < 0)
			return -errno;
		target[l] = '\0';
		if (symlinkat(target, ddir, n) < 0 ||
		    fchownat(ddir, n, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0 ||
		    utimensat(ddir, n, t, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
		return 0;
	}
	if (mknodat(ddir, n, st->st_mode, st->st_rdev) < 0)
		return errno == EPERM ? 0 : -errno; /* a device node, unprivileged: left out */
	if (fchownat(ddir, n, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0 ||
	    fchmodat(ddir, n, st->st_mode & 07777, AT_SYMLINK_NOFOLLOW) < 0 ||
	    utimensat(ddir, n, t, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	return 0;
}

static int walk_fail(struct copy_walk *w, int r, const char *name)
{
	if (name)
		walk_push(w, name);
	return pm_error_set_errno(w->err, -r, "'%s'", w->path);
}

/* Copy the directory at w->path (made in the copy, its own attributes set by the caller
 * after). The non-directories are copied while the directory is read; its subdirectories
 * are made and their names kept, and walked once both of this level's fds are closed, so
 * the walk holds at most four fds whatever the depth. */
static int copy_dir(struct copy_walk *w, unsigned depth)
{
	if (depth > PM_COPY_TREE_MAX_DEPTH)
		return pm_error_set(w->err, ELOOP, "'%s': more than %d directories deep", w->path,
				    PM_COPY_TREE_MAX_DEPTH);
	int s = open_walk_dir(w->sroot, w->path);
	if (s < 0)
		return walk_fail(w, s, NULL);
	DIR *d = fdopendir(s);
	if (!d) {
		int r = -errno;
		close(s);
		return walk_fail(w, r, NULL);
	}
	_cleanup_close_ int t = open_walk_dir(w->droot, w->path);
	if (t < 0) {
		closedir(d);
		return walk_fail(w, t, NULL);
	}
	char **dirs = NULL;
	struct stat *dst = NULL;
	size_t ndirs = 0, cap = 0;
	int r = 0;
	struct dirent *de;
	while (r >= 0 && (errno = 0, de = readdir(d))) {
		const char *n = de->d_name;
		if (!strcmp(n, ".") || !strcmp(n, ".."))
			continue;
		struct stat st;
		if (fstatat(dirfd(d), n, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			r = -errno;
		} else if (S_ISDIR(st.st_mode)) {
			if (mkdirat(t, n, 0700) < 0) {
				r = -errno;
			} else {
				_cleanup_close_ int sc =
					openat(dirfd(d), n,
					       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
				_cleanup_close_ int tc = openat(
					t, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
				if (sc >= 0 && tc >= 0)
					copy_xattrs(sc, tc);
				if (ndirs == cap) {
					cap = cap ? cap * 2 : 16;
					dirs = pm_xrealloc(dirs, cap * sizeof(*dirs));
					dst = pm_xrealloc(dst, cap * sizeof(*dst));
				}
				dst[ndirs] = st;
				dirs[ndirs++] = pm_xstrdup(n);
			}
		} else {
			size_t len = w->len;
			walk_push(w, n); /* a first name of a hard-linked inode keeps this path */
			r = copy_entry(w, dirfd(d), t, n, &st);
			walk_pop(w, len);
		}
		if (r < 0)
			r = walk_fail(w, r, n);
	}
	if (r >= 0 && errno != 0)
		r = walk_fail(w, -errno, NULL);
	closedir(d);
	close(TAKE_FD(t));
	for (size_t i = 0; i < ndirs; i++) {
		size_t len = w->len;
		walk_push(w, dirs[i]);
		if (r >= 0)
			r = copy_dir(w, depth + 1);
		if (r >= 0) {
			_cleanup_close_ int c = open_walk_dir(w->droot, w->path);
			r = c < 0 ? c : copy_attrs(c, &dst[i]);
			if (r < 0)
				r = walk_fail(w, r, NULL);
		}
		walk_pop(w, len);
		free(dirs[i]);
	}
	free(dirs);
	free(dst);
	return r;
}

/* pm_copy_tree: see fileutil.h */
int pm_copy_tree(int sfd, int ddir, pm_error **err)
{
	struct copy_walk w = {.sroot = sfd, .droot = ddir, .err = err, .cap = 256};
	w.path = pm_xmalloc(w.cap);
	w.path[0] = '\0';
	int r = copy_dir(&w, 0);
	for (size_t i = 0; i < w.linkcap; i++)
		free(w.links[i].path);
	free(w.links);
	free(w.path);
	close(sfd);
	return r;
}
