/* cp.c: `pm cp` (engine/cp.h): resolve the containers, mount their root filesystems, check
 * podman's file/directory rules, and copy with a tar stream: storage's tree writer
 * (storage/tar-tree.h) in a child writes into a pipe, storage's safe extractor
 * (pm_layer_extract_to) reads it; the child's error comes back over a sync socket
 * (lib/sync.h). Every container-side path is resolved with openat2(RESOLVE_IN_ROOT)
 * against its root: a running one's /proc/PID/root (its mounts included), else its
 * storage mount. Never prints; runs inside the rootless namespace; called by cli/cmd-cp.c. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/container.h"
#include "engine/cp.h"
#include "engine/ctr-state.h"
#include "engine/inspect.h"
#include "engine/run.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "lib/sync.h"
#include "storage/container.h"
#include "storage/layer.h"
#include "storage/store.h"
#include "storage/tar-tree.h"

/* One end, opened: the host (rootfd AT_FDCWD, plain resolution) or a container's rootfs
 * (rootfd on the merged dir, RESOLVE_IN_ROOT). */
struct side {
	const char *ctr_name; /* as typed; NULL for the host */
	const char *path;     /* NULL for a stream */
	int rootfd;
	uint64_t resolve;
	struct pm_container *ctr;
	bool was_mounted;
	char *abs_path; /* a relative container path made absolute: path points here */
};

static int open_in(const struct side *s, const char *path, int flags)
{
	struct open_how how = {.flags = (uint64_t)flags | O_CLOEXEC, .resolve = s->resolve};
	if (!path[0])
		path = ".";
	long r = syscall(SYS_openat2, s->rootfd, path, &how, sizeof(how));
	return r < 0 ? -errno : (int)r;
}

/* podman's words, with Go's lowercase errno text ("no such file or directory") */
static int where_error(const struct side *s, const char *path, int e, pm_error **err)
{
	char why[128];
	pm_go_strerror(e, why, sizeof(why));
	if (s->ctr_name)
		return pm_error_set(err, e, "\"%s\" could not be found on container %s: %s", path,
				    s->ctr_name, why);
	return pm_error_set(err, e, "\"%s\" could not be found on the host: %s", path, why);
}

/* parent of path ("" when none) and the last component; path has no trailing '/'. */
static void split_path(const char *path, char **ret_parent, char **ret_leaf)
{
	const char *sl = strrchr(path, '/');
	if (!sl) {
		*ret_parent = pm_xstrdup("");
		*ret_leaf = pm_xstrdup(path);
		return;
	}
	*ret_parent = sl == path ? pm_xstrdup("/") : pm_xstrndup(path, (size_t)(sl - path));
	*ret_leaf = pm_xstrdup(sl + 1);
}

/* path without trailing slashes and without a trailing "/." ("/" stays "/"). */
static char *trim_path(const char *p)
{
	char *s = pm_xstrdup(p);
	size_t n = strlen(s);
	for (;;) {
		while (n > 1 && s[n - 1] == '/')
			s[--n] = '\0';
		if (n > 2 && s[n - 1] == '.' && s[n - 2] == '/')
			s[n -= 2] = '\0';
		else
			break;
	}
	if (!s[0]) {
		free(s);
		s = pm_xstrdup("/");
	}
	return s;
}

static int side_open(const struct pm_engine *e, struct pm_store *st, const struct pm_cp_end *end,
		     struct side *s, pm_error **err)
{
	*s = (struct side){.ctr_name = end->ctr, .path = end->path, .rootfd = AT_FDCWD};
	if (!s->ctr_name)
		return 0;
	pm_error *lerr = NULL;
	int r = pm_engine_ctr_lookup(e, s->ctr_name, &s->ctr, &lerr); /* refreshed */
	if (r == -ENOENT) {					      /* podman's words for cp */
		pm_error_free(lerr);
		return pm_error_set(err, ENOENT, "container \"%s\" does not exist", s->ctr_name);
	}
	if (r < 0) {
		pm_error_propagate(err, lerr);
		return r;
	}
	if (s->path && s->path[0] != '/') { /* relative: to its working directory (podman) */
		_cleanup_image_cache_ pm_image_cache *ic = pm_image_cache_new(e);
		struct pm_ctr_view v = {0};
		bool have = pm_ctr_view_get(ic, s->ctr, &v, NULL) == 0 && v.workdir;
		const char *wd = have && strcmp(v.workdir, "/") ? v.workdir : "";
		s->abs_path = pm_xasprintf("%s/%s", wd, s->path);
		s->path = s->abs_path;
		pm_ctr_view_clear(&v);
	}
	if (!s->ctr->image_id || !s->ctr->image_id[0])
		return pm_error_set(err, EOPNOTSUPP,
				    "container %s runs from --rootfs: copy into its directory "
				    "directly",
				    s->ctr->id);
	/* running: its root as its processes see it (/proc/PID/root, in its mount namespace),
	 * so volumes, bind and tmpfs mounts are reached too */
	pm_engine_refresh(e, s->ctr);
	if (pm_ctr_is_running(s->ctr) && s->ctr->state.pid > 0) {
		char proc_root[64];
		snprintf(proc_root, sizeof(proc_root), "/proc/%d/root", (int)s->ctr->state.pid);
		s->rootfd = open(proc_root, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (s->rootfd >= 0) {
			s->was_mounted = true; /* nothing of ours to release */
			s->resolve = RESOLVE_IN_ROOT;
			return 0;
		}
	}
	s->was_mounted = pm_storage_ctr_mounted(st, s->ctr->id, NULL) > 0;
	_cleanup_free_ char *mp = NULL;
	if ((r = pm_storage_ctr_mount(st, s->ctr->id, &mp, err)) < 0)
		return r;
	s->rootfd = open(mp, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (s->rootfd < 0)
		return pm_error_set_errno(err, errno, "opening rootfs of %s", s->ctr->id);
	s->resolve = RESOLVE_IN_ROOT;
	return 0;
}

static void side_close(const struct pm_engine *e, struct pm_store *st, struct side *s)
{
	if (s->rootfd >= 0 && s->rootfd != AT_FDCWD)
		close(s->rootfd);
	if (s->ctr && !s->was_mounted) {
		pm_engine_refresh(e, s->ctr);
		if (!pm_ctr_is_running(s->ctr))
			pm_storage_ctr_unmount(st, s->ctr->id, NULL);
	}
	pm_container_free(s->ctr);
	free(s->abs_path);
}

/* Extract the tar on fd into base (a directory) on dst. */
static int extract(const struct side *dst, const char *base, int fd, const struct pm_cp_opts *o,
		   char ***ret_skipped, pm_error **err)
{
	struct pm_extract_opts xo = {
		.in_root = dst->resolve == RESOLVE_IN_ROOT,
		.overwrite = o->overwrite,
		.chown = dst->ctr_name != NULL,
		.owner_root = o->archive,
	};
	return pm_layer_extract_to(dst->rootfd, base, fd, &xo, ret_skipped, err);
}

/* The tree writer for sfd in a child writing into out; its error comes back on sync. */
static pid_t spawn_writer(int sfd, const struct stat *st, const char *top, int out, int close1,
			  int sync)
{
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0) {
		close(close1);
		pm_error *cerr = NULL;
		if (pm_tar_write_tree(sfd, st, top, out, &cerr) < 0)
			pm_sync_send_error(sync, cerr->code, 0, "%s", cerr->msg);
		else
			pm_sync_send(sync, PM_SYNC_READY, NULL, 0, NULL, 0);
		_exit(0);
	}
	return pid;
}

static void wait_child(pid_t pid)
{
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* Stream sfd (top entry named top) into base on dst through a pipe. */
static int copy_through_pipe(int sfd, const struct stat *sst, const char *top,
			     const struct side *dst, const char *base, const struct pm_cp_opts *o,
			     char ***ret_skipped, pm_error **err)
{
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
	pid_t pid = spawn_writer(sfd, sst, top, pipefd[1], pipefd[0], sp[1]);
	close(pipefd[1]);
	close(sp[1]);
	_cleanup_close_ int sync = sp[0];
	if (pid < 0) {
		close(pipefd[0]);
		return pm_error_set_errno(err, errno, "fork");
	}
	_cleanup_error_ pm_error *xerr = NULL, *werr = NULL;
	int xr = extract(dst, base, pipefd[0], o, ret_skipped, &xerr);
	close(pipefd[0]); /* a writer still writing gets EPIPE */
	struct pm_sync_msg msg;
	int wr = pm_sync_expect(sync, PM_SYNC_READY, &msg, "tar writer", &werr);
	wait_child(pid);
	/* the writer's failure is the cause of a truncated or broken stream; a writer that
	 * died of SIGPIPE because the extractor stopped reading is not */
	bool stream_broken =
		xr == -EIO || (xr < 0 && xerr && pm_str_startswith(xerr->msg, "reading tar"));
	if (wr < 0 && (xr >= 0 || stream_broken)) {
		if (err && !*err)
			*err = TAKE_PTR(werr);
		return wr;
	}
	if (xr < 0) {
		if (err && !*err)
			*err = TAKE_PTR(xerr);
		return xr;
	}
	return 0;
}

static int do_copy(struct side *src, struct side *dst, const struct pm_cp_opts *o, int in_fd,
		   int out_fd, char ***ret_skipped, pm_error **err)
{
	/* tar stream in: DST must be a directory */
	if (!src->path) {
		_cleanup_free_ char *d = trim_path(dst->path);
		int fd = open_in(dst, d, O_PATH);
		if (fd < 0)
			return where_error(dst, dst->path, -fd, err);
		struct stat st;
		int r = fstat(fd, &st);
		close(fd);
		if (r < 0 || !S_ISDIR(st.st_mode))
			return pm_error_set(err, ENOTDIR,
					    "destination \"%s\" must be a directory when copying "
					    "from stdin",
					    dst->path);
		return extract(dst, d, in_fd, o, ret_skipped, err);
	}

	bool contents = pm_str_endswith(src->path, "/.") || !strcmp(src->path, ".");
	_cleanup_free_ char *s = trim_path(src->path);
	int sfd_ = open_in(src, s, O_PATH);
	if (sfd_ < 0)
		return where_error(src, src->path, -sfd_, err);
	_cleanup_close_ int sfd = sfd_;
	struct stat sst;
	if (fstat(sfd, &sst) < 0)
		return pm_error_set_errno(err, errno, "stat '%s'", src->path);
	if (contents && !S_ISDIR(sst.st_mode))
		return pm_error_set(err, ENOTDIR, "\"%s\" is not a directory", src->path);
	_cleanup_free_ char *sparent = NULL, *sleaf = NULL;
	split_path(s, &sparent, &sleaf);
	if (!sleaf[0] || !strcmp(sleaf, "."))
		contents = true; /* "/" */

	/* tar stream out: written here, no child needed */
	if (!dst->path) {
		if (isatty(out_fd))
			return pm_error_set(err, EINVAL,
					    "refusing to write a tar archive to a terminal");
		return pm_tar_write_tree(sfd, &sst, contents ? "" : sleaf, out_fd, err);
	}

	_cleanup_free_ char *d = trim_path(dst->path);
	bool dst_slash = pm_str_endswith(dst->path, "/") || pm_str_endswith(dst->path, "/.");
	_cleanup_free_ char *base = NULL;
	_cleanup_free_ char *top = NULL;
	int dfd = open_in(dst, d, O_PATH);
	if (dfd >= 0) {
		struct stat dst_st;
		int r = fstat(dfd, &dst_st);
		close(dfd);
		if (r < 0)
			return where_error(dst, dst->path, errno, err);
		if (S_ISDIR(dst_st.st_mode)) {
			base = pm_xstrdup(d);
			top = pm_xstrdup(contents ? "" : sleaf);
		} else if (dst_slash) {
			return pm_error_set(err, ENOTDIR, "destination \"%s\" is not a directory",
					    dst->path);
		} else if (S_ISDIR(sst.st_mode) && !o->overwrite) {
			return pm_error_set(err, EISDIR,
					    "cannot copy directory \"%s\" to file \"%s\": use "
					    "--overwrite",
					    src->path, dst->path);
		}
	} else if (dfd != -ENOENT) {
		return where_error(dst, dst->path, -dfd, err);
	} else if (dst_slash) {
		return where_error(dst, dst->path, ENOENT, err);
	}
	if (!base) {
		/* DST is created (or a file replaced): its parent must exist */
		_cleanup_free_ char *dparent = NULL, *dleaf = NULL;
		split_path(d, &dparent, &dleaf);
		int pfd = open_in(dst, dparent, O_PATH | O_DIRECTORY);
		if (pfd < 0) /* podman names the destination, not its parent */
			return where_error(dst, dst->path, -pfd, err);
		close(pfd);
		base = TAKE_PTR(dparent);
		top = TAKE_PTR(dleaf);
		if (!top[0])
			return pm_error_set(err, EINVAL, "invalid destination \"%s\"", dst->path);
	}
	return copy_through_pipe(sfd, &sst, top, dst, base, o, ret_skipped, err);
}

int pm_engine_cp(const struct pm_engine *e, const struct pm_cp_end *src,
		 const struct pm_cp_end *dst, const struct pm_cp_opts *o, int in_fd, int out_fd,
		 char ***ret_skipped, pm_error **err)
{
	_cleanup_store_ struct pm_store *st = NULL;
	int r = pm_store_open(e->paths, e->storage_driver, &st, err);
	if (r < 0)
		return r;
	struct side s = {.rootfd = -1}, d = {.rootfd = -1};
	r = side_open(e, st, src, &s, err);
	if (r >= 0)
		r = side_open(e, st, dst, &d, err);
	if (r >= 0)
		r = do_copy(&s, &d, o, in_fd, out_fd, ret_skipped, err);
	side_close(e, st, &s);
	side_close(e, st, &d);
	return r;
}
