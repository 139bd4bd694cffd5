/* tar-tree.c: a file or directory tree as a tar stream (storage/tar-tree.h). Walks with
 * *at() calls from the given fd, never following a symlink. Never prints. Called by
 * engine/cp.c (pm cp, in the child that feeds the extractor or stdout). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "storage/dl-archive.h"
#include "storage/tar-tree.h"

PM_DEFINE_CLEANUP_FUNC(struct archive_entry *, sym_archive_entry_free)

static int write_entry_data(struct archive *a, int fd, const char *name, pm_error **err)
{
	char buf[65536];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (sym_archive_write_data(a, buf, (size_t)n) < 0)
			return pm_error_set(err, EIO, "writing tar: %s",
					    sym_archive_error_string(a));
	return n < 0 ? pm_error_set_errno(err, errno, "reading '%s'", name) : 0;
}

/* The regular files with more than one link written so far: a later name of one becomes
 * a hard link entry to the first (as podman's cp writes them). */
struct links {
	struct link {
		dev_t dev;
		ino_t ino;
		char *name;
	} * v;
	size_t n;
};

static const char *link_seen(struct links *l, const struct stat *st, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].dev == st->st_dev && l->v[i].ino == st->st_ino)
			return l->v[i].name;
	l->v = pm_xrealloc(l->v, sizeof(*l->v) * (l->n + 1));
	l->v[l->n++] = (struct link){st->st_dev, st->st_ino, pm_xstrdup(name)};
	return NULL;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Write one entry named name for the object fd (O_PATH or real) whose stat is st, then its
 * children (in name order) when a directory. dirfd/leaf locate it for readlinkat. */
static int write_tree(struct archive *a, struct links *links, int dirfd, const char *leaf, int fd,
		      const struct stat *st, const char *name, pm_error **err)
{
	const char *shown = name[0] ? name : ".";
	if (name[0]) {
		if (S_ISSOCK(st->st_mode))
			return 0;
		_cleanup_(sym_archive_entry_freep) struct archive_entry *e =
			sym_archive_entry_new();
		sym_archive_entry_copy_stat(e, st);
		_cleanup_free_ char *n =
			S_ISDIR(st->st_mode) ? pm_xasprintf("%s/", name) : pm_xstrdup(name);
		sym_archive_entry_set_pathname(e, n);
		if (S_ISLNK(st->st_mode)) {
			char target[4096];
			ssize_t l = readlinkat(dirfd, leaf, target, sizeof(target) - 1);
			if (l < 0)
				return pm_error_set_errno(err, errno, "reading '%s'", shown);
			target[l] = '\0';
			sym_archive_entry_set_symlink(e, target);
		}
		const char *first =
			S_ISREG(st->st_mode) && st->st_nlink > 1 ? link_seen(links, st, n) : NULL;
		if (first)
			sym_archive_entry_set_hardlink(e, first);
		if (!S_ISREG(st->st_mode) || first)
			sym_archive_entry_set_size(e, 0);
		if (sym_archive_write_header(a, e) < 0)
			return pm_error_set(err, EIO, "writing tar header for '%s': %s", name,
					    sym_archive_error_string(a));
		if (S_ISREG(st->st_mode) && !first) {
			_cleanup_free_ char *proc = pm_xasprintf("/proc/self/fd/%d", fd);
			_cleanup_close_ int rfd = open(proc, O_RDONLY | O_CLOEXEC | O_NOCTTY);
			if (rfd < 0)
				return pm_error_set_errno(err, errno, "reading '%s'", shown);
			return write_entry_data(a, rfd, shown, err);
		}
	}
	if (!S_ISDIR(st->st_mode))
		return 0;
	int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return pm_error_set_errno(err, errno, "reading '%s'", shown);
	_cleanup_closedir_ DIR *d = fdopendir(dfd);
	if (!d) {
		int e = errno;
		close(dfd);
		return pm_error_set_errno(err, e, "reading '%s'", shown);
	}
	struct dirent *de;
	_cleanup_strv_ char **names = NULL;
	size_t nn = 0;
	errno = 0;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		pm_strv_push(&names, de->d_name);
		nn++;
	}
	if (errno)
		return pm_error_set_errno(err, errno, "reading '%s'", shown);
	if (nn)
		qsort(names, nn, sizeof(*names), cmp_name);
	for (size_t i = 0; i < nn; i++) {
		const char *leafname = names[i];
		_cleanup_free_ char *cname =
			name[0] ? pm_xasprintf("%s/%s", name, leafname) : pm_xstrdup(leafname);
		struct stat cst;
		if (fstatat(dfd, leafname, &cst, AT_SYMLINK_NOFOLLOW) < 0)
			return pm_error_set_errno(err, errno, "reading '%s'", cname);
		_cleanup_close_ int cfd = openat(dfd, leafname, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (cfd < 0)
			return pm_error_set_errno(err, errno, "reading '%s'", cname);
		int r = write_tree(a, links, dfd, leafname, cfd, &cst, cname, err);
		if (r < 0)
			return r;
	}
	return 0;
}

PM_DEFINE_CLEANUP_FUNC(struct archive *, sym_archive_write_free)

int pm_tar_write_tree(int fd, const struct stat *st, const char *top, int out, pm_error **err)
{
	int r = pm_dl_archive(err);
	if (r < 0)
		return r;
	_cleanup_(sym_archive_write_freep) struct archive *a = sym_archive_write_new();
	if (!a)
		abort();
	sym_archive_write_set_format_pax_restricted(a);
	if (sym_archive_write_open_fd(a, out) < 0)
		return pm_error_set(err, EIO, "writing tar: %s", sym_archive_error_string(a));
	struct links links = {0};
	r = write_tree(a, &links, fd, "", fd, st, top, err);
	for (size_t i = 0; i < links.n; i++)
		free(links.v[i].name);
	free(links.v);
	if (sym_archive_write_close(a) < 0 && r >= 0)
		r = pm_error_set(err, EIO, "writing tar: %s", sym_archive_error_string(a));
	return r;
}
