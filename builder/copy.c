/* copy.c: COPY/ADD of local sources (builder/copy.h). The plan is a list of entries (the
 * source path under its root, the name under the destination, the lstat), made by walking
 * with *at() calls that never follow a symlink; the digest covers what the copy writes. The
 * apply step writes a tar of the entries from a child into a pipe and extracts it with
 * storage's safe extractor into the container's root (RESOLVE_IN_ROOT: a symlink in the
 * image never leads out of it). Never prints; called by builder/build.c. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "builder/copy.h"
#include "lib/cleanup.h"
#include "lib/strutil.h"
#include "lib/sync.h"
#include "storage/digest.h"
#include "storage/dl-archive.h"
#include "storage/layer.h"

#define COPY_MAX_ENTRIES 1000000

struct entry {
	char *src;  /* relative to the source root */
	char *name; /* relative to the destination ("" the destination itself) */
	struct stat st;
	bool archive; /* ADD: unpacked into the destination, not copied */
};

struct pm_copy_plan {
	struct entry *v;
	size_t n;
	char *dest;	/* absolute */
	bool dest_dir;	/* the sources go inside dest */
	char *file_src; /* a single file source, when !dest_dir: its base name */
	int src_root;
	bool chown, chmod;
	uid_t uid;
	gid_t gid;
	mode_t mode;
	unsigned n_files, n_dirs, n_archives;
};

struct pm_copy_plan *pm_copy_plan_free(struct pm_copy_plan *p)
{
	if (!p)
		return NULL;
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].src);
		free(p->v[i].name);
	}
	free(p->v);
	free(p->dest);
	free(p->file_src);
	free(p);
	return NULL;
}
PM_DEFINE_CLEANUP_FUNC(struct pm_copy_plan *, pm_copy_plan_free)

static int open_in(int root, const char *path, int flags, uint64_t resolve)
{
	struct open_how how = {.flags = (uint64_t)flags | O_CLOEXEC, .resolve = resolve};
	if (!path[0])
		path = ".";
	long r = syscall(SYS_openat2, root, path, &how, sizeof(how));
	return r < 0 ? -errno : (int)r;
}

static int add(struct pm_copy_plan *p, const char *src, const char *name, const struct stat *st,
	       pm_error **err)
{
	if (p->n >= COPY_MAX_ENTRIES)
		return pm_error_set(err, E2BIG, "more than %d files to copy", COPY_MAX_ENTRIES);
	if (!(p->n & (p->n + 1)))
		p->v = pm_xrealloc(p->v, (2 * p->n + 2) * sizeof(*p->v));
	p->v[p->n++] = (struct entry){pm_xstrdup(src), pm_xstrdup(name), *st, false};
	if (S_ISDIR(st->st_mode))
		p->n_dirs++;
	else
		p->n_files++;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Add the children of directory src (its entries named under name). */
static int walk(struct pm_copy_plan *p, const struct pm_ignore *ig, const char *src,
		const char *name, pm_error **err)
{
	int fd = open_in(p->src_root, src, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, RESOLVE_IN_ROOT);
	if (fd < 0)
		return pm_error_set_errno(err, -fd, "reading '%s'", src);
	_cleanup_closedir_ DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return pm_error_set_errno(err, errno, "reading '%s'", src);
	}
	char **names = NULL;
	struct dirent *de;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			pm_strv_push(&names, de->d_name);
	size_t n = pm_strv_length(names);
	if (n)
		qsort(names, n, sizeof(char *), cmp_str);
	int r = 0;
	for (size_t i = 0; r >= 0 && i < n; i++) {
		_cleanup_free_ char *csrc =
			src[0] ? pm_xasprintf("%s/%s", src, names[i]) : pm_xstrdup(names[i]);
		_cleanup_free_ char *cname =
			name[0] ? pm_xasprintf("%s/%s", name, names[i]) : pm_xstrdup(names[i]);
		struct stat st;
		if (fstatat(dirfd(d), names[i], &st, AT_SYMLINK_NOFOLLOW) < 0) {
			r = pm_error_set_errno(err, errno, "reading '%s'", csrc);
			break;
		}
		if (S_ISSOCK(st.st_mode))
			continue;
		bool dir = S_ISDIR(st.st_mode);
		if (ig && pm_ignore_match(ig, csrc, dir)) {
			if (dir && pm_ignore_may_reinclude(ig, csrc))
				r = walk(p, ig, csrc, cname, err);
			continue;
		}
		r = add(p, csrc, cname, &st, err);
		if (r >= 0 && dir)
			r = walk(p, ig, csrc, cname, err);
	}
	pm_strv_free(names);
	return r;
}

/* "a/./b//c/" -> "a/b/c"; leading '/' and "./" dropped. */
static char *clean_rel(const char *s)
{
	char **parts = pm_strv_split(s, "/");
	char **keep = NULL;
	for (char **i = parts; i && *i; i++)
		if (strcmp(*i, "."))
			pm_strv_push(&keep, *i);
	char *r = keep ? pm_strv_join(keep, "/") : pm_xstrdup("");
	pm_strv_free(parts);
	pm_strv_free(keep);
	return r;
}

/* Expand a source with glob characters in its last component. */
static int expand_glob(const struct pm_copy_plan *p, const char *src, char ***ret, pm_error **err)
{
	_cleanup_free_ char *clean = clean_rel(src);
	if (!strpbrk(clean, "*?[")) {
		pm_strv_push(ret, clean);
		return 0;
	}
	const char *slash = strrchr(clean, '/');
	_cleanup_free_ char *dir =
		slash ? pm_xstrndup(clean, (size_t)(slash - clean)) : pm_xstrdup("");
	const char *pat = slash ? slash + 1 : clean;
	if (strpbrk(dir, "*?["))
		return pm_error_set(err, EINVAL,
				    "'%s': a wildcard only in the last component is "
				    "supported",
				    src);
	int fd = open_in(p->src_root, dir, O_RDONLY | O_DIRECTORY, RESOLVE_IN_ROOT);
	if (fd < 0)
		return pm_error_set_errno(err, -fd, "reading '%s'", dir[0] ? dir : ".");
	_cleanup_closedir_ DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return pm_error_set_errno(err, errno, "reading '%s'", dir);
	}
	char **found = NULL;
	struct dirent *de;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    fnmatch(pat, de->d_name, FNM_PERIOD) == 0)
			pm_strv_consume(&found, dir[0] ? pm_xasprintf("%s/%s", dir, de->d_name)
						       : pm_xstrdup(de->d_name));
	size_t n = pm_strv_length(found);
	if (!n)
		return pm_error_set(err, ENOENT,
				    "no items matching glob \"%s\" copied (1 filtered)", src);
	qsort(found, n, sizeof(char *), cmp_str);
	for (size_t i = 0; i < n; i++)
		pm_strv_push(ret, found[i]);
	pm_strv_free(found);
	return 0;
}

static void hash_entry(pm_digester *d, const struct pm_copy_plan *p, const struct entry *e,
		       pm_error **err, int *r)
{
	char hdr[256];
	int len = snprintf(hdr, sizeof(hdr), "%o %llu %s", (unsigned)e->st.st_mode,
			   (unsigned long long)(S_ISREG(e->st.st_mode) ? e->st.st_size : 0),
			   S_ISDIR(e->st.st_mode) ? "d" : "");
	pm_digester_update(d, e->name, strlen(e->name) + 1);
	pm_digester_update(d, hdr, (size_t)len + 1);
	if (e->archive)
		pm_digester_update(d, "x", 2);
	if (S_ISLNK(e->st.st_mode)) {
		int fd = open_in(p->src_root, e->src, O_PATH | O_NOFOLLOW, RESOLVE_IN_ROOT);
		char target[4096];
		ssize_t l = fd < 0 ? -1 : readlinkat(fd, "", target, sizeof(target) - 1);
		if (fd >= 0)
			close(fd);
		if (l >= 0)
			pm_digester_update(d, target, (size_t)l);
	} else if (S_ISREG(e->st.st_mode)) {
		int fd = open_in(p->src_root, e->src, O_RDONLY | O_NOFOLLOW, RESOLVE_IN_ROOT);
		if (fd < 0) {
			*r = pm_error_set_errno(err, -fd, "reading '%s'", e->src);
			return;
		}
		char buf[65536];
		ssize_t n;
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			pm_digester_update(d, buf, (size_t)n);
		if (n < 0)
			*r = pm_error_set_errno(err, errno, "reading '%s'", e->src);
		close(fd);
	}
}

PM_DEFINE_CLEANUP_FUNC(struct archive *, sym_archive_read_free)

/* Is the regular file src (under the plan's root) a tar, plain or compressed? As Docker's
 * IsArchivePath: the first header reads. */
static int is_archive(const struct pm_copy_plan *p, const char *src, bool *ret, pm_error **err)
{
	int r = pm_dl_archive(err);
	if (r < 0)
		return r;
	_cleanup_close_ int fd = open_in(p->src_root, src, O_RDONLY | O_NOFOLLOW, RESOLVE_IN_ROOT);
	if (fd < 0)
		return pm_error_set_errno(err, -fd, "reading '%s'", src);
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	_cleanup_(sym_archive_read_freep) struct archive *a = sym_archive_read_new();
	if (!a)
		abort();
	sym_archive_read_support_filter_all(a);
	sym_archive_read_support_format_tar(a);
	struct archive_entry *e = NULL;
	*ret = sym_archive_read_open_filename(a, path, 65536) == ARCHIVE_OK &&
	       sym_archive_read_next_header(a, &e) == ARCHIVE_OK;
	return 0;
}

int pm_build_copy_plan(const struct pm_build_copy *c, struct pm_copy_plan **ret,
		       char ret_digest[65], pm_error **err)
{
	_cleanup_(pm_copy_plan_freep) struct pm_copy_plan *p = pm_xcalloc(1, sizeof(*p));
	p->src_root = c->src_root;
	p->dest = pm_xstrdup(c->dest);
	p->chown = c->chown;
	p->uid = c->uid;
	p->gid = c->gid;
	p->chmod = c->chmod;
	p->mode = c->mode;
	_cleanup_strv_ char **srcs = NULL;
	for (char **s = c->srcs; s && *s; s++) {
		int r = expand_glob(p, *s, &srcs, err);
		if (r < 0)
			return r;
	}
	size_t n = pm_strv_length(srcs);
	p->dest_dir = pm_str_endswith(c->dest, "/") || n > 1;
	for (char **s = c->srcs; s && *s; s++)
		if (strpbrk(*s, "*?["))
			p->dest_dir = true; /* a glob: inside dest */
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		int fd = open_in(p->src_root, srcs[i], O_PATH | O_NOFOLLOW, RESOLVE_IN_ROOT);
		if (fd < 0)
			return pm_error_set(err, -fd,
					    "checking on sources under \"%s\": copier: "
					    "stat: \"/%s\": %s",
					    c->src_name, srcs[i],
					    fd == -ENOENT ? "no such file or directory"
							  : strerror(-fd));
		int sr = fstat(fd, &st);
		close(fd);
		if (sr < 0)
			return pm_error_set_errno(err, errno, "stat '%s'", srcs[i]);
		int r;
		if (S_ISDIR(st.st_mode)) {
			if (i == 0 && n == 1)
				p->dest_dir = true;
			r = walk(p, c->ignore, srcs[i], "", err);
		} else {
			const char *base = strrchr(srcs[i], '/');
			base = base ? base + 1 : srcs[i];
			bool archive = false;
			if (c->extract && S_ISREG(st.st_mode)) {
				r = is_archive(p, srcs[i], &archive, err);
				if (r < 0)
					return r;
			}
			if (archive) {
				p->dest_dir = true;
				r = add(p, srcs[i], base, &st, err);
				if (r >= 0) {
					p->v[p->n - 1].archive = true;
					p->n_archives++;
				}
				if (r < 0)
					return r;
				continue;
			}
			if (!p->dest_dir)
				p->file_src = pm_xstrdup(base);
			r = add(p, srcs[i], p->dest_dir ? base : "", &st, err);
		}
		if (r < 0)
			return r;
	}
	_cleanup_digester_ pm_digester *d = pm_digester_new();
	int r = 0;
	for (size_t i = 0; r >= 0 && i < p->n; i++)
		hash_entry(d, p, &p->v[i], err, &r);
	if (r < 0)
		return r;
	pm_digester_final(d, ret_digest);
	*ret = TAKE_PTR(p);
	return 0;
}

void pm_build_copy_set_owner(struct pm_copy_plan *p, uid_t uid, gid_t gid)
{
	p->chown = true;
	p->uid = uid;
	p->gid = gid;
}

const char *pm_build_copy_kind(const struct pm_copy_plan *p)
{
	if (p->n_files == 1 && p->n_dirs == 0)
		return "file";
	return p->file_src || p->n_files + p->n_dirs == 0 ? "multi" : "dir";
}

PM_DEFINE_CLEANUP_FUNC(struct archive *, sym_archive_write_free)
PM_DEFINE_CLEANUP_FUNC(struct archive_entry *, sym_archive_entry_free)

/* The tar of the plan, entries named under dest (relative to "/"), on out; mkdest: first
 * the directory dest itself (the archives are unpacked into it). */
static int write_tar(const struct pm_copy_plan *p, const char *dest, bool mkdest, int out,
		     pm_error **err)
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
	if (mkdest) {
		_cleanup_(sym_archive_entry_freep) struct archive_entry *e =
			sym_archive_entry_new();
		struct stat st = {.st_mode = S_IFDIR | 0755,
				  .st_uid = p->chown ? p->uid : 0,
				  .st_gid = p->chown ? p->gid : 0};
		_cleanup_free_ char *name = pm_xasprintf("%s/", dest);
		sym_archive_entry_copy_stat(e, &st);
		sym_archive_entry_set_pathname(e, name);
		if (sym_archive_write_header(a, e) < 0)
			r = pm_error_set(err, EIO, "writing tar header for '%s': %s", name,
					 sym_archive_error_string(a));
	}
	for (size_t i = 0; r >= 0 && i < p->n; i++) {
		const struct entry *en = &p->v[i];
		if (en->archive)
			continue;
		struct stat st = en->st;
		st.st_uid = p->chown ? p->uid : 0;
		st.st_gid = p->chown ? p->gid : 0;
		if (p->chmod)
			st.st_mode = (st.st_mode & S_IFMT) | p->mode;
		_cleanup_free_ char *name = NULL;
		if (en->name[0])
			name = dest[0] ? pm_xasprintf("%s/%s", dest, en->name)
				       : pm_xstrdup(en->name);
		else
			name = pm_xstrdup(dest);
		if (S_ISDIR(st.st_mode)) {
			char *n2 = pm_xasprintf("%s/", name);
			free(name);
			name = n2;
		}
		_cleanup_(sym_archive_entry_freep) struct archive_entry *e =
			sym_archive_entry_new();
		sym_archive_entry_copy_stat(e, &st);
		sym_archive_entry_set_pathname(e, name);
		int fd = -1;
		if (S_ISLNK(st.st_mode)) {
			char target[4096];
			fd = open_in(p->src_root, en->src, O_PATH | O_NOFOLLOW, RESOLVE_IN_ROOT);
			ssize_t l = fd < 0 ? -1 : readlinkat(fd, "", target, sizeof(target) - 1);
			if (l < 0) {
				r = pm_error_set_errno(err, errno, "reading '%s'", en->src);
				if (fd >= 0)
					close(fd);
				break;
			}
			target[l] = '\0';
			sym_archive_entry_set_symlink(e, target);
			close(fd);
			fd = -1;
		} else if (S_ISREG(st.st_mode)) {
			fd = open_in(p->src_root, en->src, O_RDONLY | O_NOFOLLOW, RESOLVE_IN_ROOT);
			if (fd < 0) {
				r = pm_error_set_errno(err, -fd, "reading '%s'", en->src);
				break;
			}
		}
		if (!S_ISREG(st.st_mode))
			sym_archive_entry_set_size(e, 0);
		if (sym_archive_write_header(a, e) < 0)
			r = pm_error_set(err, EIO, "writing tar header for '%s': %s", name,
					 sym_archive_error_string(a));
		if (fd >= 0) {
			char buf[65536];
			ssize_t n;
			while (r >= 0 && (n = read(fd, buf, sizeof(buf))) > 0)
				if (sym_archive_write_data(a, buf, (size_t)n) < 0)
					r = pm_error_set(err, EIO, "writing tar: %s",
							 sym_archive_error_string(a));
			close(fd);
		}
	}
	if (sym_archive_write_close(a) < 0 && r >= 0)
		r = pm_error_set(err, EIO, "writing tar: %s", sym_archive_error_string(a));
	return r;
}

/* ADD's archives, each unpacked into dest (which exists by now) with its own owners. */
static int unpack_archives(const struct pm_copy_plan *p, int rootfd, const char *dest,
			   pm_error **err)
{
	_cleanup_free_ char *at = pm_xasprintf("/%s", dest);
	struct pm_extract_opts xo = {.in_root = true, .overwrite = true, .chown = true};
	for (size_t i = 0; i < p->n; i++) {
		if (!p->v[i].archive)
			continue;
		_cleanup_close_ int fd =
			open_in(p->src_root, p->v[i].src, O_RDONLY | O_NOFOLLOW, RESOLVE_IN_ROOT);
		if (fd < 0)
			return pm_error_set_errno(err, -fd, "reading '%s'", p->v[i].src);
		int r = pm_layer_extract_to(rootfd, at, fd, &xo, NULL, err);
		if (r < 0)
			return pm_error_prefix(err, "extracting '%s'", p->v[i].src);
	}
	return 0;
}

int pm_build_copy_apply(const struct pm_copy_plan *p, int rootfd, pm_error **err)
{
	_cleanup_free_ char *dest = clean_rel(p->dest);
	if (!p->dest_dir && p->file_src) {
		/* a file to a destination that is an existing directory goes inside it */
		int fd = open_in(rootfd, dest, O_PATH, RESOLVE_IN_ROOT);
		struct stat st;
		if (fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
			char *d2 = dest[0] ? pm_xasprintf("%s/%s", dest, p->file_src)
					   : pm_xstrdup(p->file_src);
			free(dest);
			dest = d2;
		}
		if (fd >= 0)
			close(fd);
	}
	if (!p->dest_dir && !dest[0])
		return pm_error_set(err, EINVAL, "cannot copy a file to '/'");
	bool mkdest = false;
	if (p->n_archives && dest[0]) {
		int fd = open_in(rootfd, dest, O_PATH | O_DIRECTORY, RESOLVE_IN_ROOT);
		mkdest = fd < 0;
		if (fd >= 0)
			close(fd);
	}
	int sp[2], pipefd[2];
	int r = pm_sync_pair(sp, err);
	if (r < 0)
		return r;
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		r = pm_error_set_errno(err, errno, "pipe");
		close(sp[0]);
		close(sp[1]);
		return r;
	}
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		close(sp[0]);
		pm_error *cerr = NULL;
		if (write_tar(p, dest, mkdest, pipefd[1], &cerr) < 0)
			pm_sync_send_error(sp[1], cerr->code, 0, "%s", cerr->msg);
		else
			pm_sync_send(sp[1], PM_SYNC_READY, NULL, 0, NULL, 0);
		_exit(0);
	}
	close(pipefd[1]);
	close(sp[1]);
	_cleanup_close_ int sync = sp[0];
	if (pid < 0) {
		close(pipefd[0]);
		return pm_error_set_errno(err, errno, "fork");
	}
	struct pm_extract_opts xo = {.in_root = true, .overwrite = true, .chown = true};
	_cleanup_error_ pm_error *xerr = NULL, *werr = NULL;
	int xr = pm_layer_extract_to(rootfd, "/", pipefd[0], &xo, NULL, &xerr);
	close(pipefd[0]);
	struct pm_sync_msg msg;
	int wr = pm_sync_expect(sync, PM_SYNC_READY, &msg, "tar writer", &werr);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (wr < 0) {
		pm_error_propagate(err, TAKE_PTR(werr));
		return wr;
	}
	if (xr < 0) {
		pm_error_propagate(err, TAKE_PTR(xerr));
		return xr;
	}
	return unpack_archives(p, rootfd, dest, err);
}
