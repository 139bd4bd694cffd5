/* volume-chown.c: what a container's start does to its mounts' sources: a named volume's
 * first mount (podman's NeedsCopyUp: the image's content at the target copied in; then
 * NeedsChown: owner, mode and times of the image's directory) and the U option's recursive
 * chown. Called by engine/spec.c as it adds each -v / --mount; never prints. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "engine/volume-chown.h"
#include "lib/cleanup.h"
#include "lib/fileutil.h"
#include "storage/volume.h"

/* The namespace id a container id maps to (identity without a map; -1 when unmapped). */
static int64_t map_to_ns(const struct pm_runtime_idmap *m, size_t n, uint32_t id)
{
	if (!n)
		return id;
	for (size_t i = 0; i < n; i++)
		if (id >= m[i].ctr && id - m[i].ctr < m[i].size)
			return (int64_t)m[i].host + (id - m[i].ctr);
	return -1;
}

/* chown the tree under dfd (not following symlinks), the U option. */
static int chown_tree(int dfd, uid_t uid, gid_t gid)
{
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return -errno;
	}
	int r = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fchownat(dirfd(d), de->d_name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0) {
			r = -errno;
			break;
		}
		if (de->d_type == DT_DIR) {
			int fd = openat(dirfd(d), de->d_name,
					O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0 || (r = chown_tree(fd, uid, gid)) < 0) {
				r = fd < 0 ? -errno : r;
				break;
			}
		}
	}
	closedir(d);
	return r;
}

/* Is the directory fd names empty? (fd is kept) */
static bool dir_empty(int fd)
{
	int dup_fd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
	if (!d) {
		if (dup_fd >= 0)
			close(dup_fd);
		return false;
	}
	struct dirent *de;
	bool empty = true;
	while (empty && (de = readdir(d)))
		empty = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
	closedir(d);
	return empty;
}

/* A named volume's first mount, podman 4.3's copy-up: with NeedsCopyUp (and no nocopy), a
 * directory the image has at the target with something in it is copied into the empty
 * volume. NeedsCopyUp is cleared (before the copy, as podman: a copy cut short is never
 * redone over) only then: a target the image lacks, a file, an empty directory, or a volume
 * with content leave it for a later mount. The
 * owners are the rootfs's as they are on disk (this runs in pm's user namespace), so the
 * container sees the copy as it sees the image. */
static int volume_copy_up(const struct pm_runtime_spec *s, const char *volume_root,
			  struct pm_volume *v, const char *dest, pm_error **err)
{
	struct open_how how = {.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	_cleanup_close_ int rfd = open(s->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int sfd = rfd >= 0 ? (int)syscall(SYS_openat2, rfd, dest, &how, sizeof(how)) : -1;
	if (sfd < 0 || dir_empty(sfd)) {
		if (sfd >= 0)
			close(sfd);
		return 0;
	}
	_cleanup_close_ int dfd = open(v->mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		close(sfd);
		return pm_error_set_errno(err, errno, "volume '%s': opening its data", v->name);
	}
	int r = dir_empty(dfd) ? pm_volume_clear_needs(volume_root, v->name, true, false, err) : 1;
	if (r != 0) {
		close(sfd);
		return r < 0 ? r : 0;
	}
	r = pm_copy_tree(sfd, dfd, err);
	if (r < 0)
		pm_error_prefix(err, "volume '%s': copying the image's '%s' into it", v->name,
				dest);
	return r < 0 ? r : 0;
}

/* A named volume's first mount (podman's NeedsChown): its _data goes to the container's
 * user, or to the owner of the directory the image has at its target (and that one's mode,
 * atime and mtime: podman's Chtimes), so that a root that is not the caller (--userns=nomap, auto,
 * --uidmap) can write it. A volume with a filesystem is mounted on _data by then (pm_volume_mount):
 * the root of its tmpfs, or the bound host directory, is what changes, as in podman 4.3; its later
 * mounts (a fresh tmpfs each) keep the filesystem's own owner and mode. */
static int volume_first_chown(const struct pm_runtime_spec *s, const char *volume_root,
			      const char *name, const char *dest, bool nocopy, pm_error **err)
{
	_cleanup_volume_ struct pm_volume *v = NULL;
	if (!volume_root || !name || pm_volume_load(volume_root, name, &v, NULL) < 0 ||
	    !v->mountpoint)
		return 0;
	int r = v->needs_copy_up && !nocopy ? volume_copy_up(s, volume_root, v, dest, err) : 0;
	if (r < 0 || !v->needs_chown)
		return r;
	int64_t u = map_to_ns(s->uidmap, s->nuidmap, s->uid);
	int64_t g = map_to_ns(s->gidmap, s->ngidmap, s->gid);
	if (u < 0 || g < 0)
		return 0;
	mode_t mode = 0;
	bool from_image = false;
	struct timespec times[2];
	struct open_how how = {.flags = O_PATH | O_CLOEXEC | O_NOFOLLOW,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	_cleanup_close_ int rfd = open(s->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int dfd =
		rfd >= 0 ? (int)syscall(SYS_openat2, rfd, dest, &how, sizeof(how)) : -1;
	struct stat st;
	if (dfd >= 0 && fstat(dfd, &st) == 0 && S_ISDIR(st.st_mode)) {
		u = st.st_uid;
		g = st.st_gid;
		mode = st.st_mode & 07777;
		from_image = true;
		times[0] = st.st_atim;
		times[1] = st.st_mtim;
	}
	if (lchown(v->mountpoint, (uid_t)u, (gid_t)g) < 0)
		return pm_error_set_errno(err, errno, "volume '%s': changing its owner", name);
	if (from_image && chmod(v->mountpoint, mode) < 0)
		return pm_error_set_errno(err, errno, "volume '%s': changing its mode", name);
	if (from_image && utimensat(AT_FDCWD, v->mountpoint, times, 0) < 0)
		return pm_error_set_errno(err, errno, "volume '%s': changing its times", name);
	return pm_volume_clear_needs(volume_root, name, false, true, err);
}

static int chown_source(const struct pm_runtime_spec *s, const char *path, pm_error **err)
{
	int64_t u = map_to_ns(s->uidmap, s->nuidmap, s->uid);
	int64_t g = map_to_ns(s->gidmap, s->ngidmap, s->gid);
	if (u < 0 || g < 0)
		return pm_error_set(err, EINVAL, "U: the container's user %u is not mapped",
				    (unsigned)s->uid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pm_error_set_errno(err, errno, "U: '%s'", path);
	int r = fchown(fd, (uid_t)u, (gid_t)g) < 0 ? -errno : 0;
	struct stat st;
	if (r >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		r = chown_tree(fd, (uid_t)u, (gid_t)g);
		fd = -1;
	}
	if (fd >= 0)
		close(fd);
	if (r < 0)
		return pm_error_set_errno(err, -r, "U: changing the owner of '%s'", path);
	return 0;
}

/* The mount just added (the last of s->mounts), at a start: a named volume's first-mount
 * copy-up (vname, unless nocopy) and chown, then the U option's (wants_chown). */
int pm_spec_chown_added_mount(const struct pm_runtime_spec *s, const char *volume_root,
			      const char *vname, bool wants_chown, bool nocopy, pm_error **err)
{
	const struct pm_runtime_mount *m = &s->mounts[s->nmounts - 1];
	int r = vname ? volume_first_chown(s, volume_root, vname, m->destination, nocopy, err) : 0;
	if (r >= 0 && wants_chown && m->source)
		r = chown_source(s, m->source, err);
	return r;
}
