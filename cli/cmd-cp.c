/* cmd-cp.c: `pm cp [options] [CTR:]SRC [CTR:]DST` / `pm container cp`: copy files between a
 * container's root filesystem and the host (or two containers), or stream a tar archive
 * from stdin ("-" as SRC) or to stdout ("-" as DST), with podman's (docker's) rules for
 * file/directory, "SRC/." and "DST/". Works for running and stopped containers through
 * the storage mount (storage/container.h), released after when it was not mounted before.
 * Every container-side path is resolved with openat2(RESOLVE_IN_ROOT) against the rootfs,
 * and extraction creates each entry relative to its parent's fd (O_NOFOLLOW), so a symlink
 * in the container never leads to the host. The source side is written as a tar stream
 * (libarchive, storage/dl-archive.h) by a child process into a pipe and extracted by the
 * parent. Volumes of a running container are not seen: copies go into the rootfs only.
 * Runs inside the rootless namespace (PM_CMD_USERNS); called from the command table. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/image-util.h"
#include "engine/container.h"
#include "engine/run.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "storage/container.h"
#include "storage/dl-archive.h"

static const char usage[] =
	"Copy files/folders between a container and the local filesystem\n"
	"\n"
	"Description:\n"
	"  Copy the contents of SRC_PATH to the DEST_PATH.\n"
	"\n"
	"  You can copy from the container's file system to the local machine or the reverse, "
	"from the local filesystem to the container. If \"-\" is specified for either the "
	"SRC_PATH or DEST_PATH, you can also stream a tar archive from STDIN or to STDOUT. "
	"The CONTAINER can be a running or stopped container. The SRC_PATH or DEST_PATH can "
	"be a file or a directory.\n"
	"\n"
	"Usage:\n"
	"  pm cp [options] [CONTAINER:]SRC_PATH [CONTAINER:]DEST_PATH\n"
	"\n"
	"Options:\n"
	"  -a, --archive     Chown copied files to the primary uid/gid of the destination "
	"container. (default true)\n"
	"      --overwrite   Allow to overwrite directories with non-directories and vice "
	"versa\n";

/* One end of the copy: the host (rootfd AT_FDCWD, plain resolution) or a container's
 * rootfs (rootfd on the merged dir, RESOLVE_IN_ROOT). */
struct side {
	char *ctr_name; /* as typed; NULL for the host */
	char *path;	/* NULL for "-" */
	int rootfd;
	uint64_t resolve;
	struct pm_container *ctr;
	bool was_mounted;
};

struct copy_opts {
	bool archive;
	bool overwrite;
	bool chown; /* destination is a container */
};

static bool is_mounted(const char *path)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return false;
	char *line = NULL;
	size_t cap = 0;
	bool found = false;
	while (!found && getline(&line, &cap, f) > 0) {
		char mp[4096];
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) == 1)
			found = strcmp(mp, path) == 0;
	}
	free(line);
	return found;
}

static int open_in(const struct side *s, const char *path, int flags)
{
	struct open_how how = {.flags = (uint64_t)flags | O_CLOEXEC, .resolve = s->resolve};
	if (!path[0])
		path = ".";
	long r = syscall(SYS_openat2, s->rootfd, path, &how, sizeof(how));
	return r < 0 ? -errno : (int)r;
}

static int where_error(const struct side *s, const char *path, int e)
{
	if (s->ctr_name)
		return pm_cli_errorf("\"%s\" could not be found on container %s: %s", path,
				     s->ctr_name, strerror(e));
	return pm_cli_errorf("\"%s\" could not be found on the host: %s", path, strerror(e));
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

/* ---- tar writer (source side, runs in a child) ---- */

static int write_entry_data(struct archive *a, int fd)
{
	char buf[65536];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (sym_archive_write_data(a, buf, (size_t)n) < 0)
			return -EIO;
	return n < 0 ? -errno : 0;
}

/* Write one entry named name for the object fd (O_PATH or real) whose stat is st, then its
 * children when a directory. dirfd/leaf locate it for readlinkat. */
static int write_tree(struct archive *a, int dirfd, const char *leaf, int fd, const struct stat *st,
		      const char *name)
{
	int r = 0;
	if (name[0]) {
		struct archive_entry *e = sym_archive_entry_new();
		sym_archive_entry_copy_stat(e, st);
		_cleanup_free_ char *n =
			S_ISDIR(st->st_mode) ? pm_xasprintf("%s/", name) : pm_xstrdup(name);
		sym_archive_entry_set_pathname(e, n);
		if (S_ISLNK(st->st_mode)) {
			char target[4096];
			ssize_t l = readlinkat(dirfd, leaf, target, sizeof(target) - 1);
			if (l < 0) {
				sym_archive_entry_free(e);
				return -errno;
			}
			target[l] = '\0';
			sym_archive_entry_set_symlink(e, target);
		}
		if (!S_ISREG(st->st_mode))
			sym_archive_entry_set_size(e, 0);
		if (S_ISSOCK(st->st_mode)) {
			sym_archive_entry_free(e);
			return 0;
		}
		if (sym_archive_write_header(a, e) < 0) {
			fprintf(stderr, "Error: writing tar header for '%s': %s\n", name,
				sym_archive_error_string(a));
			sym_archive_entry_free(e);
			return -EIO;
		}
		sym_archive_entry_free(e);
		if (S_ISREG(st->st_mode)) {
			_cleanup_free_ char *proc = pm_xasprintf("/proc/self/fd/%d", fd);
			_cleanup_close_ int rfd = open(proc, O_RDONLY | O_CLOEXEC | O_NOCTTY);
			if (rfd < 0)
				return -errno;
			return write_entry_data(a, rfd);
		}
	}
	if (!S_ISDIR(st->st_mode))
		return 0;
	int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return -errno;
	}
	struct dirent *de;
	while (r >= 0 && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		struct stat cst;
		if (fstatat(dfd, de->d_name, &cst, AT_SYMLINK_NOFOLLOW) < 0) {
			r = -errno;
			break;
		}
		_cleanup_close_ int cfd = openat(dfd, de->d_name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (cfd < 0) {
			r = -errno;
			break;
		}
		_cleanup_free_ char *cname =
			name[0] ? pm_xasprintf("%s/%s", name, de->d_name) : pm_xstrdup(de->d_name);
		r = write_tree(a, dfd, de->d_name, cfd, &cst, cname);
	}
	closedir(d);
	return r;
}

/* Child: tar of fd (the resolved source) to out, top entry named top ("" = contents). */
static int write_tar(int fd, const struct stat *st, const char *top, int out)
{
	pm_error *err = NULL;
	if (pm_dl_archive(&err) < 0)
		return pm_cli_error(err);
	struct archive *a = sym_archive_write_new();
	sym_archive_write_set_format_pax_restricted(a);
	if (sym_archive_write_open_fd(a, out) < 0)
		return pm_cli_errorf("writing tar: %s", sym_archive_error_string(a));
	int r = write_tree(a, fd, "", fd, st, top);
	if (r < 0)
		pm_cli_errorf("reading '%s': %s", top[0] ? top : ".", strerror(-r));
	if (sym_archive_write_close(a) < 0 && r >= 0)
		r = pm_cli_errorf("writing tar: %s", sym_archive_error_string(a));
	sym_archive_write_free(a);
	return r < 0 ? PM_EXIT_ERROR : 0;
}

/* ---- tar extractor (destination side) ---- */

static int remove_existing(int pfd, const char *leaf, bool new_is_dir, const struct copy_opts *o,
			   const char *name)
{
	struct stat st;
	if (fstatat(pfd, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	if (S_ISDIR(st.st_mode) && new_is_dir)
		return 1; /* keep */
	if (S_ISDIR(st.st_mode) != new_is_dir && !o->overwrite)
		return pm_cli_errorf("cannot overwrite %s '%s' with %s: use --overwrite",
				     S_ISDIR(st.st_mode) ? "directory" : "non-directory", name,
				     new_is_dir ? "a directory" : "a non-directory");
	if (S_ISDIR(st.st_mode)) {
		_cleanup_free_ char *proc = pm_xasprintf("/proc/self/fd/%d/%s", pfd, leaf);
		pm_error *err = NULL;
		if (pm_rm_rf(proc, &err) < 0)
			return pm_cli_error(err);
		return 0;
	}
	if (unlinkat(pfd, leaf, 0) < 0)
		return pm_cli_errorf("removing '%s': %m", name);
	return 0;
}

static int extract_entry(struct archive *a, struct archive_entry *e, const struct side *dst,
			 const char *base, const struct copy_opts *o)
{
	const char *name = sym_archive_entry_pathname(e);
	while (name[0] == '/' || (name[0] == '.' && name[1] == '/'))
		name += name[0] == '/' ? 1 : 2;
	_cleanup_free_ char *clean = trim_path(name);
	if (!strcmp(clean, "/") || !strcmp(clean, ".") || !clean[0])
		return 0; /* the destination directory itself */
	_cleanup_strv_ char **parts = pm_strv_split(clean, "/");
	for (char **p = parts; *p; p++)
		if (!strcmp(*p, ".."))
			return pm_cli_errorf("tar entry '%s': refusing a path with '..'", name);
	_cleanup_free_ char *full =
		base[0] ? pm_xasprintf("%s/%s", base, clean) : pm_xstrdup(clean);
	_cleanup_free_ char *parent = NULL, *leaf = NULL;
	split_path(full, &parent, &leaf);
	int pfd_ = open_in(dst, parent, O_PATH | O_DIRECTORY);
	if (pfd_ < 0)
		return where_error(dst, parent, -pfd_);
	_cleanup_close_ int pfd = pfd_;
	mode_t type = sym_archive_entry_filetype(e);
	mode_t perm = sym_archive_entry_perm(e);
	uid_t uid = o->archive ? 0 : (uid_t)sym_archive_entry_uid(e);
	gid_t gid = o->archive ? 0 : (gid_t)sym_archive_entry_gid(e);
	const char *hl = sym_archive_entry_hardlink(e);
	int r = remove_existing(pfd, leaf, type == AE_IFDIR && !hl, o, clean);
	if (r < 0)
		return r;
	if (hl) {
		_cleanup_free_ char *t = trim_path(hl[0] == '/' ? hl + 1 : hl);
		_cleanup_free_ char *tfull =
			base[0] ? pm_xasprintf("%s/%s", base, t) : pm_xstrdup(t);
		int tfd = open_in(dst, tfull, O_PATH | O_NOFOLLOW);
		if (tfd < 0)
			return pm_cli_errorf("hard link '%s' to '%s': %s", clean, hl,
					     strerror(-tfd));
		_cleanup_free_ char *proc = pm_xasprintf("/proc/self/fd/%d", tfd);
		r = linkat(AT_FDCWD, proc, pfd, leaf, AT_SYMLINK_FOLLOW);
		close(tfd);
		if (r < 0)
			return pm_cli_errorf("hard link '%s': %m", clean);
		return 0;
	}
	if (type == AE_IFDIR) {
		if (r == 0 && mkdirat(pfd, leaf, 0700) < 0)
			return pm_cli_errorf("creating directory '%s': %m", clean);
		_cleanup_close_ int fd =
			openat(pfd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return pm_cli_errorf("opening directory '%s': %m", clean);
		if (o->chown && fchown(fd, uid, gid) < 0)
			return pm_cli_errorf("chown '%s': %m", clean);
		if (fchmod(fd, perm) < 0)
			return pm_cli_errorf("chmod '%s': %m", clean);
		return 0;
	}
	if (type == AE_IFLNK) {
		if (symlinkat(sym_archive_entry_symlink(e), pfd, leaf) < 0)
			return pm_cli_errorf("creating symlink '%s': %m", clean);
		if (o->chown && fchownat(pfd, leaf, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
			return pm_cli_errorf("chown '%s': %m", clean);
		return 0;
	}
	if (type == AE_IFIFO) {
		if (mkfifoat(pfd, leaf, perm) < 0)
			return pm_cli_errorf("creating fifo '%s': %m", clean);
		if (o->chown && fchownat(pfd, leaf, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
			return pm_cli_errorf("chown '%s': %m", clean);
		return 0;
	}
	if (type != AE_IFREG) {
		fprintf(stderr, "Warning: skipping '%s': device files cannot be created\n", clean);
		return 0;
	}
	_cleanup_close_ int fd =
		openat(pfd, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return pm_cli_errorf("creating '%s': %m", clean);
	const void *buf;
	size_t len;
	la_int64_t off;
	int ar;
	while ((ar = sym_archive_read_data_block(a, &buf, &len, &off)) == ARCHIVE_OK) {
		const char *p = buf;
		while (len > 0) {
			ssize_t w = pwrite(fd, p, len, (off_t)off);
			if (w < 0)
				return pm_cli_errorf("writing '%s': %m", clean);
			p += w;
			off += w;
			len -= (size_t)w;
		}
	}
	if (ar != ARCHIVE_EOF)
		return pm_cli_errorf("reading tar entry '%s': %s", clean,
				     sym_archive_error_string(a));
	if (ftruncate(fd, sym_archive_entry_size(e)) < 0)
		return pm_cli_errorf("writing '%s': %m", clean);
	if (o->chown && fchown(fd, uid, gid) < 0)
		return pm_cli_errorf("chown '%s': %m", clean);
	if (fchmod(fd, perm) < 0)
		return pm_cli_errorf("chmod '%s': %m", clean);
	struct timespec ts[2] = {
		{.tv_sec = sym_archive_entry_mtime(e), .tv_nsec = sym_archive_entry_mtime_nsec(e)},
		{.tv_sec = sym_archive_entry_mtime(e), .tv_nsec = sym_archive_entry_mtime_nsec(e)},
	};
	futimens(fd, ts);
	return 0;
}

/* Extract the tar on fd into base (a directory) on dst. */
static int extract_tar(int fd, const struct side *dst, const char *base, const struct copy_opts *o)
{
	pm_error *err = NULL;
	if (pm_dl_archive(&err) < 0)
		return pm_cli_error(err);
	struct archive *a = sym_archive_read_new();
	sym_archive_read_support_format_tar(a);
	sym_archive_read_support_format_empty(a);
	sym_archive_read_support_filter_all(a);
	_cleanup_free_ char *proc = pm_xasprintf("/proc/self/fd/%d", fd);
	int status = 0;
	if (sym_archive_read_open_filename(a, proc, 65536) < 0) {
		status = pm_cli_errorf("reading tar: %s", sym_archive_error_string(a));
		goto out;
	}
	struct archive_entry *e;
	int ar;
	while ((ar = sym_archive_read_next_header(a, &e)) == ARCHIVE_OK || ar == ARCHIVE_WARN) {
		status = extract_entry(a, e, dst, base, o);
		if (status)
			goto out;
	}
	if (ar != ARCHIVE_EOF)
		status = pm_cli_errorf("reading tar: %s", sym_archive_error_string(a));
out:
	sym_archive_read_free(a);
	return status;
}

/* ---- sides ---- */

static void parse_arg(const char *arg, struct side *s)
{
	const char *colon = strchr(arg, ':');
	if (strcmp(arg, "-") && colon && arg[0] != '/' && arg[0] != '.' && colon != arg) {
		s->ctr_name = pm_xstrndup(arg, (size_t)(colon - arg));
		const char *p = colon + 1;
		s->path = p[0] == '/' ? pm_xstrdup(p) : pm_xasprintf("/%s", p);
	} else {
		s->path = strcmp(arg, "-") ? pm_xstrdup(arg) : NULL;
	}
	s->rootfd = AT_FDCWD;
}

static int side_open(struct pm_cli *cli, struct pm_store *st, struct side *s)
{
	if (!s->ctr_name)
		return 0;
	_cleanup_error_ pm_error *err = NULL;
	if (pm_container_lookup(&cli->paths, s->ctr_name, &s->ctr, &err) < 0)
		return pm_cli_error(err);
	if (!s->ctr->image_id || !s->ctr->image_id[0])
		return pm_cli_errorf("container %s runs from --rootfs: copy into its directory "
				     "directly",
				     s->ctr->id);
	_cleanup_free_ char *merged =
		pm_xasprintf("%s/containers/%s/merged", cli->paths.root, s->ctr->id);
	s->was_mounted = is_mounted(merged);
	_cleanup_free_ char *mp = NULL;
	if (pm_storage_ctr_mount(st, s->ctr->id, &mp, &err) < 0)
		return pm_cli_error(err);
	s->rootfd = open(mp, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (s->rootfd < 0)
		return pm_cli_errorf("opening rootfs of %s: %m", s->ctr->id);
	s->resolve = RESOLVE_IN_ROOT;
	return 0;
}

static void side_close(struct pm_cli *cli, struct pm_store *st, struct side *s)
{
	if (s->rootfd >= 0 && s->rootfd != AT_FDCWD)
		close(s->rootfd);
	if (s->ctr && !s->was_mounted) {
		struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
		pm_engine_refresh(&e, s->ctr);
		if (s->ctr->state.status != PM_CTR_RUNNING && s->ctr->state.status != PM_CTR_PAUSED)
			pm_storage_ctr_unmount(st, s->ctr->id, NULL);
	}
	if (s->ctr)
		pm_container_free(s->ctr);
	free(s->ctr_name);
	free(s->path);
}

/* Run the tar writer for src in a child writing into out; returns its pid. */
static pid_t spawn_writer(int srcfd, const struct stat *st, const char *top, int out, int other)
{
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0) {
		if (other >= 0)
			close(other);
		_exit(write_tar(srcfd, st, top, out));
	}
	return pid;
}

static int wait_writer(pid_t pid)
{
	int ws;
	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR)
			return PM_EXIT_ERROR;
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : PM_EXIT_ERROR;
}

static int do_copy(struct side *src, struct side *dst, const struct copy_opts *o)
{
	/* tar stream in: DST must be a directory */
	if (!src->path) {
		_cleanup_free_ char *d = trim_path(dst->path);
		int fd = open_in(dst, d, O_PATH);
		if (fd < 0)
			return where_error(dst, dst->path, -fd);
		struct stat st;
		fstat(fd, &st);
		close(fd);
		if (!S_ISDIR(st.st_mode))
			return pm_cli_errorf("destination \"%s\" must be a directory when copying "
					     "from stdin",
					     dst->path);
		return extract_tar(STDIN_FILENO, dst, d, o);
	}

	bool contents = pm_str_endswith(src->path, "/.") || !strcmp(src->path, ".");
	_cleanup_free_ char *s = trim_path(src->path);
	int sfd_ = open_in(src, s, O_PATH);
	if (sfd_ < 0)
		return where_error(src, src->path, -sfd_);
	_cleanup_close_ int sfd = sfd_;
	struct stat sst;
	if (fstat(sfd, &sst) < 0)
		return pm_cli_errorf("stat '%s': %m", src->path);
	if (contents && !S_ISDIR(sst.st_mode))
		return pm_cli_errorf("\"%s\" is not a directory", src->path);
	_cleanup_free_ char *sparent = NULL, *sleaf = NULL;
	split_path(s, &sparent, &sleaf);
	if (!sleaf[0] || !strcmp(sleaf, "."))
		contents = true; /* "/" */

	/* tar stream out */
	if (!dst->path) {
		if (isatty(STDOUT_FILENO))
			return pm_cli_errorf("refusing to write a tar archive to a terminal");
		pid_t pid = spawn_writer(sfd, &sst, contents ? "" : sleaf, STDOUT_FILENO, -1);
		if (pid < 0)
			return pm_cli_errorf("fork: %m");
		return wait_writer(pid);
	}

	_cleanup_free_ char *d = trim_path(dst->path);
	bool dst_slash = pm_str_endswith(dst->path, "/") || pm_str_endswith(dst->path, "/.");
	_cleanup_free_ char *base = NULL;
	_cleanup_free_ char *top = NULL;
	int dfd = open_in(dst, d, O_PATH);
	if (dfd >= 0) {
		struct stat dst_st;
		fstat(dfd, &dst_st);
		close(dfd);
		if (S_ISDIR(dst_st.st_mode)) {
			base = pm_xstrdup(d);
			top = pm_xstrdup(contents ? "" : sleaf);
		} else if (dst_slash) {
			return pm_cli_errorf("destination \"%s\" is not a directory", dst->path);
		} else if (S_ISDIR(sst.st_mode) && !o->overwrite) {
			return pm_cli_errorf("cannot copy directory \"%s\" to file \"%s\": use "
					     "--overwrite",
					     src->path, dst->path);
		}
	} else if (dfd != -ENOENT) {
		return where_error(dst, dst->path, -dfd);
	} else if (dst_slash) {
		return where_error(dst, dst->path, ENOENT);
	}
	if (!base) {
		/* DST is created (or a file replaced): its parent must exist */
		_cleanup_free_ char *dparent = NULL, *dleaf = NULL;
		split_path(d, &dparent, &dleaf);
		int pfd = open_in(dst, dparent, O_PATH | O_DIRECTORY);
		if (pfd < 0)
			return where_error(dst, dparent[0] ? dparent : ".", -pfd);
		close(pfd);
		base = TAKE_PTR(dparent);
		top = TAKE_PTR(dleaf);
		if (!top[0])
			return pm_cli_errorf("invalid destination \"%s\"", dst->path);
	}

	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return pm_cli_errorf("pipe: %m");
	pid_t pid = spawn_writer(sfd, &sst, top, pipefd[1], pipefd[0]);
	close(pipefd[1]);
	if (pid < 0) {
		close(pipefd[0]);
		return pm_cli_errorf("fork: %m");
	}
	int status = extract_tar(pipefd[0], dst, base, o);
	close(pipefd[0]);
	int ws = wait_writer(pid);
	return status ? status : ws;
}

int cmd_cp(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"archive", optional_argument, NULL, 'a'},
		{"overwrite", no_argument, NULL, 'O'},
		{"help", no_argument, NULL, 0},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	struct copy_opts o = {.archive = true};
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "a", opts, usage)) != -1) {
		if (c == PM_OPT_EXIT)
			return st.status;
		if (c == 'a') {
			if (!optarg || !strcmp(optarg, "true"))
				o.archive = true;
			else if (!strcmp(optarg, "false"))
				o.archive = false;
			else
				return pm_cli_errorf("invalid argument \"%s\" for \"--archive\" "
						     "flag: strconv.ParseBool: parsing \"%s\": "
						     "invalid syntax",
						     optarg, optarg);
		}
		if (c == 'O')
			o.overwrite = true;
	}
	if (!pm_cli_nargs(cli, argc - optind, 2, 2))
		return PM_EXIT_ERROR;
	struct side src = {.rootfd = -1}, dst = {.rootfd = -1};
	parse_arg(argv[optind], &src);
	parse_arg(argv[optind + 1], &dst);
	_cleanup_store_ struct pm_store *s = NULL;
	_cleanup_error_ pm_error *err = NULL;
	int status = 0;
	if (!src.path && !dst.path) {
		status = pm_cli_errorf("invalid arguments %s, %s you must specify paths",
				       argv[optind], argv[optind + 1]);
		goto out;
	}
	if (!src.ctr_name && !dst.ctr_name) {
		status = pm_cli_errorf("invalid arguments %s, %s you must use just one container",
				       argv[optind], argv[optind + 1]);
		goto out;
	}
	if ((!src.path && !dst.ctr_name) || (!dst.path && !src.ctr_name)) {
		status = pm_cli_errorf("invalid arguments %s, %s: \"-\" streams to or from a "
				       "container",
				       argv[optind], argv[optind + 1]);
		goto out;
	}
	if (pm_cli_open_store(cli, &s, &err) < 0) {
		status = pm_cli_error(err);
		goto out;
	}
	status = side_open(cli, s, &src);
	if (!status)
		status = side_open(cli, s, &dst);
	o.chown = dst.ctr_name != NULL;
	if (!status)
		status = do_copy(&src, &dst, &o);
out:
	side_close(cli, s, &src);
	side_close(cli, s, &dst);
	return status;
}
