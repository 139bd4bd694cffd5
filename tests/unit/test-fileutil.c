/* test-fileutil.c: unit tests for lib/fileutil: atomic writes, capped reads, mkdir -p,
 * rm -rf (symlinks, mount points), flock contention across fork(), $PATH lookup.
 * Every test gets its own temp dir. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <linux/capability.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "tests/unit/unshare-helper.h"

static int setup(void **state)
{
	char tmpl[] = "/tmp/pm-test-fileutil-XXXXXX";
	if (!mkdtemp(tmpl))
		return -1;
	*state = pm_xstrdup(tmpl);
	return 0;
}

static int teardown(void **state)
{
	char *dir = *state;
	int r = pm_rm_rf(dir, NULL);
	free(dir);
	return r;
}

static char *tpath(void **state, const char *name)
{
	return pm_path_join(*state, name);
}

static void write_plain(const char *path, const char *s)
{
	FILE *f = fopen(path, "we");
	assert_non_null(f);
	fputs(s, f);
	assert_int_equal(fclose(f), 0);
}

static size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_write_atomic(void **state)
{
	_cleanup_free_ char *p = tpath(state, "state.json");
	_cleanup_error_ pm_error *err = NULL;
	mode_t old = umask(077);
	assert_int_equal(pm_write_file_atomic(p, "hello", 5, 0644, &err), 0);
	umask(old);
	assert_null(err);
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644); /* fchmod: not subject to umask */
	assert_int_equal(st.st_size, 5);

	/* Overwrite in place: new content, no temp files left behind. */
	assert_int_equal(pm_write_file_atomic(p, "bye\n", 4, 0600, &err), 0);
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	assert_int_equal(pm_read_file(p, 100, &data, &len, &err), 0);
	assert_string_equal(data, "bye\n");
	assert_int_equal(len, 4);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(count_entries(*state), 1);

	/* Empty content is fine. */
	assert_int_equal(pm_write_file_atomic(p, "", 0, 0600, &err), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_size, 0);
}

/* PM_WRITE_SWAP: each write a whole version, no new inode after the second (the name and
 * its spare swap places), shorter content cut to length. */
static void test_write_swap(void **state)
{
	_cleanup_free_ char *p = tpath(state, "s.json");
	_cleanup_free_ char *spare = tpath(state, ".s.json.spare");
	_cleanup_error_ pm_error *err = NULL;
	const unsigned f = PM_WRITE_NOSYNC | PM_WRITE_SWAP;
	assert_int_equal(pm_write_file_atomic_flags(p, "first version", 13, 0600, f, &err), 0);
	assert_false(pm_path_exists(spare)); /* the first write renames it into place */
	assert_int_equal(pm_write_file_atomic_flags(p, "second", 6, 0600, f, &err), 0);
	struct stat a, b, st;
	assert_int_equal(stat(p, &a), 0);
	assert_int_equal(stat(spare, &b), 0);
	assert_int_equal(b.st_size, 13); /* the old version, swapped out */
	assert_int_equal(pm_write_file_atomic_flags(p, "third", 5, 0600, f, &err), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_ino, b.st_ino); /* the spare's inode, rewritten and swapped in */
	assert_int_equal(st.st_mode & 07777, 0600);
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	assert_int_equal(pm_read_file(p, 100, &data, &len, &err), 0);
	assert_string_equal(data, "third"); /* cut to length: nothing of "first version" */
	assert_int_equal(stat(spare, &st), 0);
	assert_int_equal(st.st_ino, a.st_ino);
	assert_int_equal(count_entries(*state), 2);
	assert_null(err);
}

static void test_write_atomic_relative(void **state)
{
	_cleanup_free_ char *cwd = getcwd(NULL, 0);
	assert_int_equal(chdir(*state), 0);
	int r = pm_write_file_atomic("rel", "x", 1, 0600, NULL);
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(r, 0);
	_cleanup_free_ char *p = tpath(state, "rel");
	assert_true(pm_path_exists(p));
}

static void test_write_atomic_errors(void **state)
{
	_cleanup_free_ char *missing = tpath(state, "nodir/file");
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_write_file_atomic(missing, "x", 1, 0600, &err), -ENOENT);
	_cleanup_free_ char *want =
		pm_xasprintf("writing '%s': No such file or directory", missing);
	assert_string_equal(err->msg, want);

	/* rename onto a non-empty directory fails: the temp file must be gone. */
	_cleanup_free_ char *d = tpath(state, "isdir");
	_cleanup_free_ char *inner = tpath(state, "isdir/x");
	assert_int_equal(mkdir(d, 0700), 0);
	write_plain(inner, "x");
	_cleanup_error_ pm_error *err2 = NULL;
	int r = pm_write_file_atomic(d, "data", 4, 0600, &err2);
	assert_true(r == -EISDIR || r == -ENOTEMPTY || r == -EEXIST);
	assert_non_null(strstr(err2->msg, "writing '"));
	assert_int_equal(count_entries(*state), 1); /* only isdir: no .isdir.tmp* left */

	/* A path ending in '/' names no file. */
	_cleanup_error_ pm_error *err3 = NULL;
	_cleanup_free_ char *slash = pm_xasprintf("%s/", (char *)*state);
	assert_int_equal(pm_write_file_atomic(slash, "x", 1, 0600, &err3), -EISDIR);
}

static void test_read_file(void **state)
{
	_cleanup_free_ char *p = tpath(state, "f");
	write_plain(p, "0123456789");
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	assert_int_equal(pm_read_file(p, 10, &data, &len, NULL), 0); /* exactly max: ok */
	assert_int_equal(len, 10);
	assert_string_equal(data, "0123456789");

	_cleanup_error_ pm_error *err = NULL;
	char *d2 = NULL;
	assert_int_equal(pm_read_file(p, 9, &d2, NULL, &err), -EFBIG);
	assert_null(d2);
	_cleanup_free_ char *want = pm_xasprintf("reading '%s': file is larger than 9 bytes", p);
	assert_string_equal(err->msg, want);

	/* no practical cap */
	_cleanup_free_ char *d4 = NULL;
	assert_int_equal(pm_read_file(p, SIZE_MAX, &d4, NULL, NULL), 0);
	assert_string_equal(d4, "0123456789");

	/* ret_len may be NULL; empty files give "" */
	_cleanup_free_ char *e = tpath(state, "empty");
	write_plain(e, "");
	_cleanup_free_ char *d3 = NULL;
	assert_int_equal(pm_read_file(e, 0, &d3, NULL, NULL), 0);
	assert_string_equal(d3, "");
}

/* One openat + read into the caller's buffer: fits with room for the NUL, or -EFBIG. */
static void test_read_small_at(void **state)
{
	_cleanup_free_ char *p = tpath(state, "small");
	write_plain(p, "0123456789");
	char buf[16];
	assert_int_equal(pm_read_small_at(AT_FDCWD, p, buf, sizeof(buf)), 10);
	assert_string_equal(buf, "0123456789");
	assert_int_equal(pm_read_small_at(AT_FDCWD, p, buf, 11), 10); /* 10 bytes + NUL */
	assert_int_equal(pm_read_small_at(AT_FDCWD, p, buf, 10), -EFBIG);
	assert_int_equal(pm_read_small_at(AT_FDCWD, p, buf, 1), -EFBIG);
	_cleanup_free_ char *dir = pm_xstrndup(p, strrchr(p, '/') - p);
	_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(dfd >= 0);
	assert_int_equal(pm_read_small_at(dfd, "small", buf, sizeof(buf)), 10);
	assert_int_equal(pm_read_small_at(dfd, "missing", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(pm_read_small_at(AT_FDCWD, dir, buf, sizeof(buf)), -EISDIR);
	/* a FIFO without a writer never blocks: it reads as empty */
	_cleanup_free_ char *fifo = tpath(state, "fifo");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(pm_read_small_at(AT_FDCWD, fifo, buf, sizeof(buf)), 0);
	/* the read alone, of the caller's fd, which stays open */
	_cleanup_close_ int fd = open(p, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(pm_read_small_fd(fd, buf, 6), -EFBIG);
	assert_int_equal(pm_read_small_fd(fd, buf, sizeof(buf)), 4); /* the rest: "6789" */
	assert_string_equal(buf, "6789");
	assert_int_equal(pm_read_small_fd(fd, buf, 1), -EFBIG);
	assert_true(fcntl(fd, F_GETFD) >= 0);
}

/* A file of a tree read as the tree sees it: an absolute symlink stays inside the root. */
static void test_read_file_in_root(void **state)
{
	_cleanup_free_ char *root = tpath(state, "root");
	_cleanup_free_ char *etc = tpath(state, "root/etc");
	_cleanup_free_ char *outside = tpath(state, "outside");
	_cleanup_free_ char *inside = tpath(state, "root/outside");
	_cleanup_free_ char *link = tpath(state, "root/etc/passwd");
	assert_int_equal(pm_mkdir_p(etc, 0755, NULL), 0);
	write_plain(outside, "host\n");
	write_plain(inside, "tree\n");
	/* /etc/passwd -> /outside: in the tree that is root/outside, never the host's file */
	assert_int_equal(symlink("/outside", link), 0);
	_cleanup_free_ char *data = NULL;
	assert_int_equal(pm_read_file_in_root(root, "/etc/passwd", 100, &data, NULL), 0);
	assert_string_equal(data, "tree\n");
	/* a symlink climbing out with .. stays inside too */
	_cleanup_free_ char *up = tpath(state, "root/etc/group");
	assert_int_equal(symlink("../../../../../../../../outside", up), 0);
	_cleanup_free_ char *d2 = NULL;
	assert_int_equal(pm_read_file_in_root(root, "/etc/group", 100, &d2, NULL), 0);
	assert_string_equal(d2, "tree\n");
	/* missing: 0 and NULL */
	_cleanup_free_ char *d3 = NULL;
	assert_int_equal(pm_read_file_in_root(root, "/etc/shadow", 100, &d3, NULL), 0);
	assert_null(d3);
}

static void test_read_file_proc(void **state)
{
	/* st_size is 0 for /proc files: the cap is enforced on what is read. */
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	assert_int_equal(pm_read_file("/proc/self/status", 1 << 20, &data, &len, NULL), 0);
	assert_true(len > 0);
	assert_non_null(strstr(data, "Pid:"));
	char *small = NULL;
	assert_int_equal(pm_read_file("/proc/self/status", 16, &small, NULL, NULL), -EFBIG);
	assert_null(small);
}

static void test_read_file_large(void **state)
{
	/* Bigger than the initial buffer, to exercise growth. */
	_cleanup_free_ char *p = tpath(state, "big");
	size_t n = 300000;
	_cleanup_free_ char *buf = pm_xmalloc(n);
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)('a' + i % 26);
	assert_int_equal(pm_write_file_atomic(p, buf, n, 0600, NULL), 0);
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	assert_int_equal(pm_read_file(p, n, &data, &len, NULL), 0);
	assert_int_equal(len, n);
	assert_memory_equal(data, buf, n);
	char *d2 = NULL;
	assert_int_equal(pm_read_file(p, n - 1, &d2, NULL, NULL), -EFBIG);
}

static void test_read_file_errors(void **state)
{
	_cleanup_free_ char *p = tpath(state, "missing");
	_cleanup_error_ pm_error *err = NULL;
	char *data = NULL;
	assert_int_equal(pm_read_file(p, 10, &data, NULL, &err), -ENOENT);
	_cleanup_free_ char *want = pm_xasprintf("reading '%s': No such file or directory", p);
	assert_string_equal(err->msg, want);
	_cleanup_error_ pm_error *err2 = NULL;
	assert_int_equal(pm_read_file(*state, 10, &data, NULL, &err2), -EISDIR);
	assert_null(data);
}

static void test_read_line_file(void **state)
{
	_cleanup_free_ char *p = tpath(state, "pid");
	write_plain(p, "1234\n");
	_cleanup_free_ char *s = NULL;
	assert_int_equal(pm_read_line_file(p, &s, NULL), 0);
	assert_string_equal(s, "1234");
	write_plain(p, "a\n\n");
	_cleanup_free_ char *s2 = NULL;
	assert_int_equal(pm_read_line_file(p, &s2, NULL), 0);
	assert_string_equal(s2, "a\n"); /* only one newline stripped */
	write_plain(p, "nonl");
	_cleanup_free_ char *s3 = NULL;
	assert_int_equal(pm_read_line_file(p, &s3, NULL), 0);
	assert_string_equal(s3, "nonl");

	/* > 64 KiB */
	_cleanup_free_ char *big = pm_xmalloc(70000);
	memset(big, 'x', 70000);
	assert_int_equal(pm_write_file_atomic(p, big, 70000, 0600, NULL), 0);
	char *s4 = NULL;
	assert_int_equal(pm_read_line_file(p, &s4, NULL), -EFBIG);
	_cleanup_free_ char *m = tpath(state, "nope");
	assert_int_equal(pm_read_line_file(m, &s4, NULL), -ENOENT);
}

static void test_mkdir_p(void **state)
{
	_cleanup_free_ char *p = tpath(state, "a/b//c/");
	_cleanup_free_ char *c = tpath(state, "a/b/c");
	assert_int_equal(pm_mkdir_p(p, 0700, NULL), 0);
	struct stat st;
	assert_int_equal(stat(c, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(pm_mkdir_p(c, 0700, NULL), 0); /* existing: fine */
	assert_int_equal(pm_mkdir_p("/", 0700, NULL), 0);

	_cleanup_free_ char *cwd = getcwd(NULL, 0);
	assert_int_equal(chdir(*state), 0);
	int r = pm_mkdir_p("rel/x", 0755, NULL);
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(r, 0);
	_cleanup_free_ char *rel = tpath(state, "rel/x");
	assert_true(pm_path_exists(rel));
}

static void test_mkdir_p_errors(void **state)
{
	_cleanup_free_ char *f = tpath(state, "file");
	write_plain(f, "x");
	_cleanup_free_ char *under = tpath(state, "file/sub/dir");
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_mkdir_p(under, 0700, &err), -ENOTDIR);
	_cleanup_free_ char *want = pm_xasprintf("creating directory '%s': Not a directory", f);
	assert_string_equal(err->msg, want);
	_cleanup_error_ pm_error *err2 = NULL;
	assert_int_equal(pm_mkdir_p(f, 0700, &err2), -ENOTDIR); /* a file where the dir goes */
	_cleanup_error_ pm_error *err3 = NULL;
	assert_int_equal(pm_mkdir_p("", 0700, &err3), -EINVAL);
	assert_int_equal(pm_mkdir_p(NULL, 0700, NULL), -EINVAL);
}

/* pm_copy_tree: files (content, mode, mtime), directories, symlinks, a fifo */
static void test_copy_tree(void **state)
{
	_cleanup_free_ char *src = tpath(state, "src"), *dst = tpath(state, "dst");
	assert_int_equal(mkdir(src, 0755), 0);
	assert_int_equal(mkdir(dst, 0755), 0);
	_cleanup_free_ char *sub = pm_path_join(src, "sub"), *f = pm_path_join(src, "sub/f");
	_cleanup_free_ char *l = pm_path_join(src, "l"), *p = pm_path_join(src, "p");
	assert_int_equal(mkdir(sub, 0710), 0);
	write_plain(f, "hello");
	assert_int_equal(chmod(f, 0640), 0);
	struct timespec t[2] = {{.tv_sec = 978307200}, {.tv_sec = 978307200}};
	assert_int_equal(utimensat(AT_FDCWD, f, t, 0), 0);
	assert_int_equal(symlink("sub/f", l), 0);
	assert_int_equal(mkfifo(p, 0600), 0);
	/* file capabilities (CAP_NET_RAW, v2): kept, though the copy's chown drops them (root
	 * or a user namespace's root may set them; elsewhere this part is skipped) */
	struct vfs_cap_data cap = {.magic_etc = VFS_CAP_REVISION_2,
				   .data = {{.permitted = 1U << CAP_NET_RAW}}};
	bool caps = setxattr(f, "security.capability", &cap, sizeof(cap), 0) == 0;
	int sfd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int dfd = open(dst, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_int_equal(pm_copy_tree(sfd, dfd, NULL), 0);
	struct stat st;
	_cleanup_free_ char *df = pm_path_join(dst, "sub/f"), *dsub = pm_path_join(dst, "sub");
	_cleanup_free_ char *dl = pm_path_join(dst, "l"), *dp = pm_path_join(dst, "p");
	assert_int_equal(stat(df, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(st.st_mtim.tv_sec, 978307200);
	assert_int_equal(st.st_size, 5);
	struct vfs_cap_data got = {0};
	if (caps) {
		assert_int_equal(getxattr(df, "security.capability", &got, sizeof(got)),
				 (ssize_t)sizeof(cap));
		assert_int_equal(got.data[0].permitted, 1U << CAP_NET_RAW);
	}
	assert_int_equal(stat(dsub, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0710);
	char buf[32] = {0};
	assert_int_equal(readlink(dl, buf, sizeof(buf) - 1), 5);
	assert_string_equal(buf, "sub/f");
	assert_int_equal(lstat(dp, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	/* a second copy onto the first: EEXIST, not an overwrite */
	sfd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_copy_tree(sfd, dfd, &err), -EEXIST);
	assert_non_null(err);
	assert_non_null(strstr(err->msg, "': File exists")); /* the path that failed, named */
}

static int copy_src_dst(void **state, const char *src, const char *dst)
{
	_cleanup_free_ char *s = tpath(state, src), *d = tpath(state, dst);
	assert_int_equal(mkdir(d, 0755), 0);
	int sfd = open(s, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int dfd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(sfd >= 0 && dfd >= 0);
	return pm_copy_tree(sfd, dfd, NULL);
}

/* pm_copy_tree keeps hard links (within the tree) as links, as cp -a and a tar round trip */
static void test_copy_tree_hardlinks(void **state)
{
	_cleanup_free_ char *src = tpath(state, "src"), *a = tpath(state, "src/a");
	_cleanup_free_ char *b = tpath(state, "src/sub/b"), *sub = tpath(state, "src/sub");
	_cleanup_free_ char *c = tpath(state, "src/c"), *p1 = tpath(state, "src/p1");
	_cleanup_free_ char *p2 = tpath(state, "src/sub/p2");
	assert_int_equal(mkdir(src, 0755), 0);
	assert_int_equal(mkdir(sub, 0755), 0);
	write_plain(a, "linked");
	assert_int_equal(link(a, b), 0);
	assert_int_equal(link(a, c), 0);
	assert_int_equal(mkfifo(p1, 0600), 0);
	assert_int_equal(link(p1, p2), 0);
	assert_int_equal(copy_src_dst(state, "src", "dst"), 0);
	struct stat sa, sb, sc, s1, s2;
	_cleanup_free_ char *da = tpath(state, "dst/a"), *db = tpath(state, "dst/sub/b");
	_cleanup_free_ char *dc = tpath(state, "dst/c"), *d1 = tpath(state, "dst/p1");
	_cleanup_free_ char *d2 = tpath(state, "dst/sub/p2");
	assert_int_equal(lstat(da, &sa), 0);
	assert_int_equal(lstat(db, &sb), 0);
	assert_int_equal(lstat(dc, &sc), 0);
	assert_int_equal(sa.st_nlink, 3);
	assert_true(sa.st_ino == sb.st_ino && sa.st_ino == sc.st_ino);
	assert_int_equal(lstat(d1, &s1), 0);
	assert_int_equal(lstat(d2, &s2), 0);
	assert_true(S_ISFIFO(s1.st_mode) && s1.st_ino == s2.st_ino);
}

/* pm_copy_tree keeps a sparse file's holes */
static void test_copy_tree_sparse(void **state)
{
	_cleanup_free_ char *src = tpath(state, "src"), *f = tpath(state, "src/sparse");
	assert_int_equal(mkdir(src, 0755), 0);
	int fd = open(f, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, "head", 4, 0), 4);
	assert_int_equal(pwrite(fd, "tail", 4, 64 << 20), 4);
	assert_int_equal(close(fd), 0);
	struct stat st;
	assert_int_equal(stat(f, &st), 0);
	if ((off_t)st.st_blocks * 512 >= st.st_size)
		skip(); /* a file system with no holes */
	assert_int_equal(copy_src_dst(state, "src", "dst"), 0);
	_cleanup_free_ char *d = tpath(state, "dst/sparse");
	assert_int_equal(stat(d, &st), 0);
	assert_int_equal(st.st_size, (64 << 20) + 4);
	assert_true(st.st_blocks * 512 < 1 << 20);
	char buf[5] = {0};
	fd = open(d, O_RDONLY | O_CLOEXEC);
	assert_int_equal(pread(fd, buf, 4, 0), 4);
	assert_string_equal(buf, "head");
	assert_int_equal(pread(fd, buf, 4, 64 << 20), 4);
	assert_string_equal(buf, "tail");
	assert_int_equal(pread(fd, buf, 4, 1 << 20), 4);
	assert_memory_equal(buf, "\0\0\0\0", 4);
	close(fd);
}

/* a chain of n directories "d" under dir */
static void make_chain(const char *dir, int n)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (int i = 0; i < n; i++) {
		assert_int_equal(mkdirat(fd, "d", 0755), 0);
		int c = openat(fd, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		assert_true(c >= 0);
		close(fd);
		fd = c;
	}
	int f = openat(fd, "leaf", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	assert_true(f >= 0);
	close(f);
	close(fd);
}

/* A deep tree: the walk holds a few fds whatever the depth (it copies under an fd limit
 * of 32, which one fd per level exhausted), and a tree deeper than the limit is refused
 * with the path named */
static void test_copy_tree_deep(void **state)
{
	_cleanup_free_ char *src = tpath(state, "src"), *deep = tpath(state, "deep");
	assert_int_equal(mkdir(src, 0755), 0);
	make_chain(src, 200);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit rl = {32, 32};
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			_exit(2);
		_exit(copy_src_dst(state, "src", "dst") == 0 ? 0 : 1);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(mkdir(deep, 0755), 0);
	make_chain(deep, PM_COPY_TREE_MAX_DEPTH + 2);
	_cleanup_free_ char *s = tpath(state, "deep"), *d = tpath(state, "deepcopy");
	assert_int_equal(mkdir(d, 0755), 0);
	int sfd = open(s, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int dfd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_copy_tree(sfd, dfd, &err), -ELOOP);
	assert_non_null(err);
	assert_non_null(strstr(err->msg, "more than 1024 directories deep"));
	assert_true(strncmp(err->msg, "'d/d/d/", 7) == 0);
	/* cleanup of a tree this deep: pm_rm_rf in teardown */
}

static void test_rm_rf(void **state)
{
	_cleanup_free_ char *top = tpath(state, "tree");
	_cleanup_free_ char *deep = tpath(state, "tree/a/b/c");
	_cleanup_free_ char *f1 = tpath(state, "tree/a/file");
	_cleanup_free_ char *f2 = tpath(state, "tree/a/b/c/file");
	_cleanup_free_ char *outside = tpath(state, "outside");
	_cleanup_free_ char *keep = tpath(state, "outside/keep");
	_cleanup_free_ char *link = tpath(state, "tree/link");
	_cleanup_free_ char *flink = tpath(state, "tree/a/flink");
	_cleanup_free_ char *fifo = tpath(state, "tree/fifo");
	assert_int_equal(pm_mkdir_p(deep, 0700, NULL), 0);
	assert_int_equal(pm_mkdir_p(outside, 0700, NULL), 0);
	write_plain(f1, "x");
	write_plain(f2, "y");
	write_plain(keep, "keep");
	assert_int_equal(symlink(outside, link), 0);
	assert_int_equal(symlink(keep, flink), 0);
	assert_int_equal(mkfifo(fifo, 0600), 0);

	/* read-only and inaccessible directories of ours are still emptied */
	_cleanup_free_ char *ro = tpath(state, "tree/a/b");
	_cleanup_free_ char *a = tpath(state, "tree/a");
	assert_int_equal(chmod(deep, 0000), 0);
	assert_int_equal(chmod(ro, 0555), 0);
	assert_int_equal(chmod(a, 0500), 0);
	assert_int_equal(chmod(top, 0500), 0);

	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_rm_rf(top, &err), 0);
	assert_null(err);
	assert_false(pm_path_exists(top));
	/* symlinks were removed, not followed */
	assert_true(pm_path_exists(keep));

	/* missing path: fine; a single file; a symlink to a directory */
	assert_int_equal(pm_rm_rf(top, NULL), 0);
	assert_int_equal(pm_rm_rf(keep, NULL), 0);
	assert_false(pm_path_exists(keep));
	_cleanup_free_ char *dl = tpath(state, "dirlink");
	assert_int_equal(symlink(outside, dl), 0);
	assert_int_equal(pm_rm_rf(dl, NULL), 0);
	assert_false(pm_path_exists(dl));
	assert_true(pm_path_exists(outside));
}

static void test_rm_rf_errors(void **state)
{
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_free_ char *f = tpath(state, "file");
	write_plain(f, "x");
	_cleanup_free_ char *bad = tpath(state, "file/x");
	assert_int_equal(pm_rm_rf(bad, &err), -ENOTDIR);
	_cleanup_free_ char *want = pm_xasprintf("removing '%s': Not a directory", bad);
	assert_string_equal(err->msg, want);
}

/* In a child with its own mount namespace (a user namespace too when not root): mount a
 * tmpfs and a bind mount inside a tree and check that pm_rm_rf leaves both alone and
 * reports EBUSY naming the mount point. Exit 0 ok, 1 failure, 77 skip. */
static int rm_rf_mount_child(const char *dir)
{
	int r = test_unshare_mountns();
	if (r != 0)
		return r;
	_cleanup_free_ char *top = pm_path_join(dir, "tree");
	_cleanup_free_ char *mnt =
		pm_path_join(dir, "tree/sub/m nt"); /* a space: mountinfo escapes it */
	_cleanup_free_ char *bind = pm_path_join(dir, "tree/bind");
	_cleanup_free_ char *src = pm_path_join(dir, "src");
	_cleanup_free_ char *plain = pm_path_join(dir, "tree/plain");
	if (pm_mkdir_p(mnt, 0700, NULL) < 0 || pm_mkdir_p(bind, 0700, NULL) < 0 ||
	    pm_mkdir_p(src, 0700, NULL) < 0 || pm_write_file_atomic(plain, "x", 1, 0600, NULL) < 0)
		return 1;
	if (mount("tmpfs", mnt, "tmpfs", 0, "size=1m") < 0)
		return 77;
	if (mount(src, bind, "none", MS_BIND, NULL) < 0)
		return 77;
	/* pm_path_is_mount_point: a tmpfs, a bind mount of the same file system, a plain dir */
	if (pm_path_is_mount_point(mnt) != 1 || pm_path_is_mount_point(bind) != 1 ||
	    pm_path_is_mount_point(top) != 0) {
		fprintf(stderr, "pm_path_is_mount_point: %d %d %d\n", pm_path_is_mount_point(mnt),
			pm_path_is_mount_point(bind), pm_path_is_mount_point(top));
		return 1;
	}
	_cleanup_free_ char *inmnt = pm_path_join(mnt, "precious");
	_cleanup_free_ char *inbind = pm_path_join(bind, "precious");
	if (pm_write_file_atomic(inmnt, "p", 1, 0600, NULL) < 0 ||
	    pm_write_file_atomic(inbind, "p", 1, 0600, NULL) < 0)
		return 1;
	pm_error *err = NULL;
	r = pm_rm_rf(top, &err);
	if (r != -EBUSY) {
		fprintf(stderr, "pm_rm_rf over mounts: %d (%s)\n", r, err ? err->msg : "");
		return 1;
	}
	if (!strstr(err->msg, "is a mount point")) {
		fprintf(stderr, "message: %s\n", err->msg);
		return 1;
	}
	if (!pm_path_exists(inmnt) || !pm_path_exists(inbind)) {
		fprintf(stderr, "pm_rm_rf crossed a mount point\n");
		return 1;
	}
	if (pm_path_exists(plain)) {
		fprintf(stderr, "pm_rm_rf left the plain file\n");
		return 1;
	}
	umount2(mnt, MNT_DETACH);
	umount2(bind, MNT_DETACH);
	pm_error_free(err);
	return 0;
}

static void test_rm_rf_mount_point(void **state)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(rm_rf_mount_child(*state));
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* Without privilege: "/" is a mount root, a temp dir and a symlink to "/" are not, a
 * missing path is an error (the mounts are checked in rm_rf_mount_child). */
static void test_is_mount_point(void **state)
{
	assert_int_equal(pm_path_is_mount_point("/"), 1);
	assert_int_equal(pm_path_is_mount_point(*state), 0);
	_cleanup_free_ char *link = tpath(state, "root-link");
	assert_int_equal(symlink("/", link), 0);
	assert_int_equal(pm_path_is_mount_point(link), 0);
	_cleanup_free_ char *gone = tpath(state, "gone");
	assert_int_equal(pm_path_is_mount_point(gone), -ENOENT);
	_cleanup_free_ char *space = tpath(state, "a dir");
	assert_int_equal(mkdir(space, 0700), 0);
	assert_int_equal(pm_path_is_mount_point(space), 0);
}

/* A fake statvfs that answers only for the temp dir itself. */
static const char *statvfs_only;
static int statvfs_fake(const char *path, struct statvfs *st)
{
	if (strcmp(path, statvfs_only) != 0) {
		errno = strcmp(path, "/") == 0 ? EACCES : ENOENT;
		return -1;
	}
	memset(st, 0, sizeof(*st));
	st->f_bavail = 42;
	return 0;
}

static void test_statvfs_nearest(void **state)
{
	struct statvfs vfs;
	_cleanup_free_ char *deep = tpath(state, "not/yet/there");
	_cleanup_free_ char *dir = NULL;
	/* the real statvfs: the temp dir answers for a path below it */
	assert_int_equal(pm_statvfs_nearest(deep, NULL, NULL, &vfs, &dir), 0);
	assert_string_equal(dir, *state);
	free(dir);
	dir = NULL;
	/* below a prefix: candidates are prefixed, the answer is not */
	_cleanup_free_ char *prefix = pm_xstrdup(*state);
	*strrchr(prefix, '/') = '\0';
	const char *rel = (const char *)*state + strlen(prefix);
	_cleanup_free_ char *reldeep = pm_xasprintf("%s/a/b", rel);
	statvfs_only = *state;
	assert_int_equal(pm_statvfs_nearest(reldeep, prefix, statvfs_fake, &vfs, &dir), 0);
	assert_string_equal(dir, rel);
	assert_int_equal(vfs.f_bavail, 42);
	/* nothing answers, not even "/": the path's own error */
	statvfs_only = "/nothing";
	assert_int_equal(pm_statvfs_nearest(deep, NULL, statvfs_fake, &vfs, NULL), -ENOENT);
	assert_int_equal(pm_statvfs_nearest("relative", NULL, statvfs_fake, &vfs, NULL), -ENOENT);
}

static void test_lock(void **state)
{
	_cleanup_free_ char *p = tpath(state, "lock");
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_close_ int fd = pm_lock_path(p, LOCK_EX, &err);
	assert_true(fd >= 0);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	/* Another process (its own open file description) cannot take it. */
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		pm_error *e = NULL;
		int r = pm_lock_path(p, LOCK_EX | LOCK_NB, &e);
		if (r != -EWOULDBLOCK)
			_exit(1);
		if (!e || !strstr(e->msg, "held by another process") || !strstr(e->msg, p))
			_exit(2);
		pm_error_free(e);
		if (pm_lock_path(p, LOCK_SH | LOCK_NB, NULL) != -EWOULDBLOCK)
			_exit(3);
		_exit(0);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	/* Released: the child gets it now. */
	close(TAKE_FD(fd));
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int r = pm_lock_path(p, LOCK_EX | LOCK_NB, NULL);
		_exit(r >= 0 ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_lock_shared(void **state)
{
	_cleanup_free_ char *p = tpath(state, "lock");
	_cleanup_close_ int fd = pm_lock_path(p, LOCK_SH, NULL);
	assert_true(fd >= 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int r = pm_lock_path(p, LOCK_SH | LOCK_NB, NULL);
		if (r < 0)
			_exit(1);
		if (pm_lock_path(p, LOCK_EX | LOCK_NB, NULL) != -EWOULDBLOCK)
			_exit(2);
		_exit(0);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_lock_errors(void **state)
{
	_cleanup_free_ char *p = tpath(state, "missing/lock");
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_lock_path(p, LOCK_EX, &err), -ENOENT);
	_cleanup_free_ char *want = pm_xasprintf("opening lock '%s': No such file or directory", p);
	assert_string_equal(err->msg, want);
	_cleanup_free_ char *l = tpath(state, "l");
	_cleanup_error_ pm_error *err2 = NULL;
	assert_int_equal(pm_lock_path(l, 0, &err2), -EINVAL); /* bad op */
	assert_non_null(strstr(err2->msg, "locking '"));
}

static void test_path_join(void **state)
{
	static const struct {
		const char *a, *b, *want;
	} t[] = {
		{"/a", "b", "/a/b"}, {"/a/", "b", "/a/b"},  {"/a//", "/b", "/a/b"},
		{"/", "b", "/b"},    {"/", "/b", "/b"},	    {"", "b", "b"},
		{"a", "", "a"},	     {"a", "b/c", "a/b/c"}, {"/x/y", "z/", "/x/y/z/"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		_cleanup_free_ char *s = pm_path_join(t[i].a, t[i].b);
		if (strcmp(s, t[i].want) != 0)
			fail_msg("pm_path_join('%s', '%s') = '%s', want '%s'", t[i].a, t[i].b, s,
				 t[i].want);
	}
	_cleanup_free_ char *n = pm_path_join(NULL, "b");
	assert_string_equal(n, "b");
}

static void test_path_exists(void **state)
{
	assert_true(pm_path_exists(*state));
	_cleanup_free_ char *l = tpath(state, "dangling");
	assert_int_equal(symlink("/nonexistent/x", l), 0);
	assert_true(pm_path_exists(l)); /* lstat: the link itself exists */
	_cleanup_free_ char *m = tpath(state, "missing");
	assert_false(pm_path_exists(m));
	assert_false(pm_path_exists(NULL));
}

static void test_find_executable(void **state)
{
	_cleanup_free_ char *old = getenv("PATH") ? pm_xstrdup(getenv("PATH")) : NULL;
	_cleanup_free_ char *exe = tpath(state, "mytool");
	_cleanup_free_ char *noexec = tpath(state, "noexec");
	_cleanup_free_ char *sub = tpath(state, "sub");
	write_plain(exe, "#!/bin/sh\n");
	write_plain(noexec, "x");
	assert_int_equal(chmod(exe, 0755), 0);
	assert_int_equal(chmod(noexec, 0644), 0);
	assert_int_equal(mkdir(sub, 0755), 0);

	_cleanup_free_ char *path = pm_xasprintf("relative:/nonexistent::%s", (char *)*state);
	setenv("PATH", path, 1);
	_cleanup_free_ char *found = pm_find_executable("mytool");
	assert_non_null(found);
	assert_string_equal(found, exe);
	assert_null(pm_find_executable("noexec"));
	assert_null(pm_find_executable("sub")); /* directories are not executables */
	assert_null(pm_find_executable("nothere"));
	assert_null(pm_find_executable(""));
	assert_null(pm_find_executable(NULL));

	_cleanup_free_ char *abs = pm_find_executable(exe);
	assert_string_equal(abs, exe);
	assert_null(pm_find_executable(noexec));

	unsetenv("PATH");
	_cleanup_free_ char *sh = pm_find_executable("sh");
	assert_non_null(sh);
	assert_true(sh[0] == '/');
	if (old)
		setenv("PATH", old, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_write_atomic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_swap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_file_in_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_atomic_relative, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_atomic_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_small_at, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_file_proc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_file_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_file_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_line_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mkdir_p, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mkdir_p_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_tree_hardlinks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_tree_sparse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_tree_deep, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rm_rf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rm_rf_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rm_rf_mount_point, setup, teardown),
		cmocka_unit_test_setup_teardown(test_is_mount_point, setup, teardown),
		cmocka_unit_test_setup_teardown(test_statvfs_nearest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_shared, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_path_join, setup, teardown),
		cmocka_unit_test_setup_teardown(test_path_exists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_executable, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
