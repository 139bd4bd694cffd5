/* squash.c: pm_squash_sync (builder/squash.h): two mounted trees made equal, walked with
 * lstat, never following a symlink; called by builder/build.c for --squash. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builder/squash.h"
#include "lib/cleanup.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"

#define SQUASH_MAX_DEPTH 256

static char **list_dir(const char *path)
{
	_cleanup_closedir_ DIR *d = opendir(path);
	char **v = NULL;
	struct dirent *de;
	while (d && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			pm_strv_push(&v, de->d_name);
	return v;
}

static bool same(const struct stat *a, const struct stat *b, const char *pa, const char *pb)
{
	if ((a->st_mode & S_IFMT) != (b->st_mode & S_IFMT) || a->st_mode != b->st_mode ||
	    a->st_uid != b->st_uid || a->st_gid != b->st_gid)
		return false;
	if (S_ISDIR(a->st_mode))
		return true;
	if (a->st_size != b->st_size || a->st_mtim.tv_sec != b->st_mtim.tv_sec ||
	    a->st_mtim.tv_nsec != b->st_mtim.tv_nsec)
		return false;
	if (S_ISLNK(a->st_mode)) {
		char ta[4096], tb[4096];
		ssize_t la = readlink(pa, ta, sizeof(ta)), lb = readlink(pb, tb, sizeof(tb));
		return la == lb && la >= 0 && !memcmp(ta, tb, (size_t)la);
	}
	return true;
}

static int copy_meta(const char *dst, const struct stat *st, pm_error **err)
{
	if (lchown(dst, st->st_uid, st->st_gid) < 0)
		return pm_error_set_errno(err, errno, "chown '%s'", dst);
	if (!S_ISLNK(st->st_mode) && chmod(dst, st->st_mode & 07777) < 0)
		return pm_error_set_errno(err, errno, "chmod '%s'", dst);
	struct timespec ts[2] = {st->st_atim, st->st_mtim};
	utimensat(AT_FDCWD, dst, ts, AT_SYMLINK_NOFOLLOW);
	return 0;
}

static int sync_dir(const char *dst, const char *src, int depth, pm_error **err);

/* Create dst as a copy of src (whose lstat is st). */
static int copy_entry(const char *dst, const char *src, const struct stat *st, int depth,
		      pm_error **err)
{
	if (S_ISDIR(st->st_mode)) {
		if (mkdir(dst, 0700) < 0)
			return pm_error_set_errno(err, errno, "mkdir '%s'", dst);
		int r = sync_dir(dst, src, depth + 1, err);
		return r < 0 ? r : copy_meta(dst, st, err);
	}
	if (S_ISLNK(st->st_mode)) {
		char t[4096];
		ssize_t l = readlink(src, t, sizeof(t) - 1);
		if (l < 0)
			return pm_error_set_errno(err, errno, "readlink '%s'", src);
		t[l] = '\0';
		if (symlink(t, dst) < 0)
			return pm_error_set_errno(err, errno, "symlink '%s'", dst);
		return copy_meta(dst, st, err);
	}
	if (S_ISFIFO(st->st_mode)) {
		if (mkfifo(dst, 0600) < 0)
			return pm_error_set_errno(err, errno, "mkfifo '%s'", dst);
		return copy_meta(dst, st, err);
	}
	if (!S_ISREG(st->st_mode))
		return 0; /* devices and sockets: not in a rootless layer */
	_cleanup_close_ int in = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0)
		return pm_error_set_errno(err, errno, "reading '%s'", src);
	_cleanup_close_ int out =
		open(dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0)
		return pm_error_set_errno(err, errno, "creating '%s'", dst);
	char buf[65536];
	ssize_t n;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			return pm_error_set_errno(err, errno ? errno : EIO, "writing '%s'", dst);
	if (n < 0)
		return pm_error_set_errno(err, errno, "reading '%s'", src);
	return copy_meta(dst, st, err);
}

static int sync_dir(const char *dst, const char *src, int depth, pm_error **err)
{
	if (depth > SQUASH_MAX_DEPTH)
		return pm_error_set(err, ELOOP, "'%s': directories nested too deep", src);
	_cleanup_strv_ char **sv = list_dir(src), **dv = list_dir(dst);
	int r = 0;
	for (char **d = dv; r >= 0 && d && *d; d++) {
		if (pm_strv_contains(sv, *d))
			continue;
		_cleanup_free_ char *p = pm_path_join(dst, *d);
		r = pm_rm_rf(p, err);
	}
	for (char **s = sv; r >= 0 && s && *s; s++) {
		_cleanup_free_ char *ps = pm_path_join(src, *s), *pd = pm_path_join(dst, *s);
		struct stat ss, ds;
		if (lstat(ps, &ss) < 0)
			return pm_error_set_errno(err, errno, "stat '%s'", ps);
		bool have = lstat(pd, &ds) == 0;
		if (have && S_ISDIR(ss.st_mode) && S_ISDIR(ds.st_mode)) {
			r = sync_dir(pd, ps, depth + 1, err);
			if (r >= 0 &&
			    (!same(&ss, &ds, ps, pd) || ss.st_mtim.tv_sec != ds.st_mtim.tv_sec ||
			     ss.st_mtim.tv_nsec != ds.st_mtim.tv_nsec))
				r = copy_meta(pd, &ss, err);
			continue;
		}
		if (have && same(&ss, &ds, ps, pd))
			continue;
		if (have)
			r = pm_rm_rf(pd, err);
		if (r >= 0)
			r = copy_entry(pd, ps, &ss, depth, err);
	}
	return r;
}

int pm_squash_sync(const char *dst, const char *src, pm_error **err)
{
	return sync_dir(dst, src, 0, err);
}
