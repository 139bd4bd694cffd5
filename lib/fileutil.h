/* fileutil.h: file helpers every module uses: atomic writes, reads with a size cap,
 * mkdir -p, rm -rf, flock. All fds O_CLOEXEC. Never prints. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

#include "lib/error.h"

/* Write data to path atomically: a temp file in the same directory, fsync, rename.
 * Returns 0 or -errno (and sets *err naming path). */
int pm_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
			 pm_error **err);

/* The same with flags. PM_WRITE_NOSYNC: no fsync of the file or its directory - still
 * atomic for a reader while the machine stays up (a reader sees the old or the new
 * content), but after a power loss or a kernel crash the file may be empty, or hold an
 * older content; for state that is rewritten often and that readers repair (container
 * state). */
#define PM_WRITE_NOSYNC (1u << 0)
/* PM_WRITE_SWAP: for a file rewritten in place of itself many times (container state):
 * the new content goes into a spare file beside it, `.<name>.spare`, made once and then
 * rewritten where it is, and the two are swapped with renameat2(RENAME_EXCHANGE), so no new
 * inode per write (on ext4 without a journal, allocating one skips every inode freed in the
 * last minutes: ms on a busy disk, issue #20). What holds:
 * - for a reader, and after the writer is killed at any step: the name holds a whole
 *   version, the last one swapped in (the exchange is atomic; a torn spare is never read by
 *   name). A reader that opened the old version just before a swap and reads it only after
 *   the next write may see that write torn (it goes into the inode the reader holds);
 * - after a power loss or a kernel crash, with PM_WRITE_NOSYNC: nothing is ordered. The
 *   exchange may be lost (the name holds the version before: one write old), or be on disk
 *   while the spare's new bytes are not (an in-place overwrite is not ordered before a
 *   rename, even on ext4 data=ordered): the name then holds what the spare held, the
 *   version two writes old, possibly cut to or padded out to the new length. Only a reader
 *   that checks and repairs may use it: container state carries a generation at both ends
 *   (a torn read is refused) and is held against the live processes (after a reboot none
 *   runs), so a stale version costs at most an older exit code or restart count;
 * - without PM_WRITE_NOSYNC: the spare is synced before the exchange and the directory
 *   after, so after a power loss the name holds the new version or the one before, whole.
 * Without RENAME_EXCHANGE (EINVAL) or without the old file, a plain rename. */
#define PM_WRITE_SWAP (1u << 1)
int pm_write_file_atomic_flags(const char *path, const void *data, size_t len, mode_t mode,
			       unsigned flags, pm_error **err);
/* fsync a file or directory by path (a write made with PM_WRITE_NOSYNC, made durable
 * later). Best effort: 0 or a negative errno. */
int pm_fsync_path(const char *path);

/* Read a whole file; fails with -EFBIG when it is larger than max bytes. The buffer is
 * NUL-terminated (not counted in *ret_len). ret_len may be NULL. */
int pm_read_file(const char *path, size_t max, char **ret_data, size_t *ret_len, pm_error **err);

/* The same, path relative to the directory fd dfd (or AT_FDCWD). */
int pm_read_file_at(int dfd, const char *path, size_t max, char **ret_data, size_t *ret_len,
		    pm_error **err);

/* A small file (a record of a listing) into buf[0..size) with one openat and one read, no
 * fstat: its length (buf NUL-terminated after it), -EFBIG when it does not fit in size - 1
 * bytes, or -errno. A short read is taken as the end (so a FIFO never blocks: O_NONBLOCK);
 * the caller parses the text strictly and reads it again the full way when that fails. */
ssize_t pm_read_small_at(int dfd, const char *path, char *buf, size_t size);

/* Its read, of an fd the caller opened (and checked, e.g. fstat for a regular file): the
 * same returns; fd stays open. */
ssize_t pm_read_small_fd(int fd, char *buf, size_t size);

/* Read path (absolute) as a file of the tree at root: resolved inside it (openat2
 * RESOLVE_IN_ROOT, no magic links), so a symlink in a container's tree never reaches the
 * host's files. 0 with *ret_data NULL when it does not exist; else as pm_read_file. */
int pm_read_file_in_root(const char *root, const char *path, size_t max, char **ret_data,
			 pm_error **err);

/* Read a small file (<= 64 KiB) and strip one trailing newline. */
int pm_read_line_file(const char *path, char **ret, pm_error **err);

/* mkdir -p; existing directories are fine. */
int pm_mkdir_p(const char *path, mode_t mode, pm_error **err);

/* Mark dir as the top of unrelated trees for ext4's Orlov allocator (FS_TOPDIR_FL, what
 * `chattr +T` sets): each directory made in it goes to a block group chosen for it (few
 * directories, free inodes) instead of its parent's, and the files made in that directory
 * follow it. The store's directories of containers are such trees, and it matters: on an
 * ext4 without a journal, allocating an inode skips every inode of the group freed in the
 * last minutes (one buffer lookup each), so a busy group (a shared /tmp) made each file of a
 * `run -d` cost up to ms (issue #20). Best effort: nothing on other file systems. */
void pm_dir_spread(const char *dir);
/* pm_mkdir_p, and pm_dir_spread on path when this call made it. One stat when it exists. */
int pm_mkdir_p_spread(const char *path, mode_t mode, pm_error **err);

/* rm -rf without crossing mount points or following symlinks; a missing path is fine. */
int pm_rm_rf(const char *path, pm_error **err);

/* Bytes of the files in the tree at path (apparent sizes of regular files and symlinks, as
 * podman counts; hard links counted once, no mount point crossed, no symlink followed); 0
 * for a missing path. For `system df` and `system prune`. */
uint64_t pm_disk_usage(const char *path);

/* Is path (not following a final symlink) the root of a mount in this mount namespace?
 * statx's STATX_ATTR_MOUNT_ROOT (bind mounts of the same file system too); kernels without
 * it (< 5.8): its st_dev differs from its parent's. 1 or 0, or -errno when path cannot be
 * stat'ed (-ENOENT; -ENOTCONN is a fuse mount whose daemon died). */
int pm_path_is_mount_point(const char *path);

/* statvfs of path, or of its nearest existing parent (a storage root not created yet): the
 * file system it will be on. Each candidate is looked up as prefix + candidate (prefix
 * NULL: none; doctor's fake tree); statvfs_fn NULL is statvfs(3). *ret_dir (may be NULL)
 * is the candidate that answered, without the prefix. 0, or -errno of path's own failure
 * when not even "/" answers (or path has no '/'). */
struct statvfs;
int pm_statvfs_nearest(const char *path, const char *prefix,
		       int (*statvfs_fn)(const char *path, struct statvfs *st), struct statvfs *ret,
		       char **ret_dir);

/* Open (creating, 0600) path and flock it. op is LOCK_EX or LOCK_SH, optionally
 * | LOCK_NB (then -EWOULDBLOCK when held). Returns the fd holding the lock. */
int pm_lock_path(const char *path, int op, pm_error **err);

/* Does path exist (lstat)? */
bool pm_path_exists(const char *path);

/* Names reserved atomically (containers', pods'): names_dir/name is a symlink to id, made
 * with symlink(2). A name whose record (records_dir/<its id>) is gone is stale (a remove
 * that died between the record and the name) and is taken over under names_dir/.lock, so
 * two takers cannot both win; the record dir of a live reservation exists first. Returns
 * 0, -EEXIST with the holder's id in other (when other is not NULL; size PATH_MAX), or
 * another -errno with *err set ("reserving <what> name 'x'"). */
/* As pm_name_reserve with the records in any of records_dirs (NULL-terminated). */
int pm_name_reserve_in(const char *names_dir, const char *const *records_dirs, const char *name,
		       const char *id, const char *what, char *other, pm_error **err);
int pm_name_reserve(const char *names_dir, const char *records_dir, const char *name,
		    const char *id, const char *what, char *other, pm_error **err);
/* Drop names_dir/name if it still names id. */
void pm_name_release(const char *names_dir, const char *name, const char *id);

/* Join two path pieces with one '/'; returns malloc'd string (aborts on OOM). */
char *pm_path_join(const char *a, const char *b);

/* The target of symlink path (malloc'd), or NULL with errno set. */
char *pm_read_link(const char *path);

/* Find an executable in $PATH (or a default path when unset); NULL if not found. */
char *pm_find_executable(const char *name);

/* Point stdin, stdout and stderr at /dev/null (a detached process holds nobody's terminal
 * or pipes). Best effort: left as they are if /dev/null cannot be opened. */
void pm_stdio_to_null(void);

/* Copy the tree under the directory sfd into the directory ddir (sfd is consumed, ddir
 * kept): regular files (their holes kept), directories, symlinks, fifos and sockets' nodes
 * (a device node only where the caller may make one), with owner, mode, times and extended
 * attributes (best effort); names of one inode stay hard links to one file in the copy. The
 * walk holds a few fds whatever the depth (each level is reopened by its path, beneath the
 * roots, no symlink followed); a tree deeper than PM_COPY_TREE_MAX_DEPTH directories is
 * refused. Volume copy-up, tmpcopyup. -errno, *err naming the path (relative to sfd) that
 * failed: "'a/b': <cause>". */
#define PM_COPY_TREE_MAX_DEPTH 1024
int pm_copy_tree(int sfd, int ddir, pm_error **err);
