/* overlay.h: mount and unmount a container root filesystem: native overlayfs (userxattr),
 * fuse-overlayfs, or nothing (vfs: a plain directory). Picks the driver for a new
 * container. Called by container.c only. Never prints. */
#pragma once

#include <stdbool.h>

#include "storage/store.h"

/* "overlay", "fuse-overlayfs" or "vfs" for a new container: vfs when asked for; fuse-overlayfs
 * when storage.conf names a mount_program; else native overlay when the probe remembered in
 * <root>/overlay-probe.json (written once; a test may pre-write it) says it works, else
 * fuse-overlayfs when installed and /dev/fuse is usable, else vfs. */
const char *pm_overlay_pick_driver(const struct pm_store *s);

/* lowers: layer diff dirs, top first (NULL-terminated, at least one). mount_program: the
 * fuse-overlayfs binary (NULL: found in PATH); ignored for native overlay. fuse_opts: more
 * fuse-overlayfs options ("uidmapping=..,gidmapping=..") or NULL. flags:
 * PM_OVERLAY_VOLATILE mounts native overlay "volatile" (no sync of the upper fs at unmount;
 * kernel 5.10+, else mounted without it) for a root nobody keeps after its container exits. */
#define PM_OVERLAY_VOLATILE (1u << 0)
int pm_overlay_mount(const char *driver, const char *mount_program, const char *fuse_opts,
		     char *const *lowers, const char *upper, const char *work, const char *target,
		     unsigned flags, pm_error **err);
/* Native and fuse mounts alike (umount works on a fuse mount we own in our namespace; the
 * fuse-overlayfs daemon exits when its mount goes away). */
int pm_overlay_unmount(const char *target, pm_error **err);
/* Unmount a root whose upper dir is deleted next: as pm_overlay_unmount, but a native
 * overlay's unmount does not wait for the sync of the upper file system (a detached process
 * pays it). flags: PM_OVERLAY_VOLATILE when it was mounted so (a plain unmount). */
int pm_overlay_discard(const char *target, unsigned flags, pm_error **err);
/* The same while a process that is ending (pidfd) still has the overlay mounted in a
 * namespace of its own (a killed container's init): the detached process pays the sync
 * after that process has ended, not the process's exit. */
int pm_overlay_discard_after(const char *target, unsigned flags, int pidfd, pm_error **err);
/* The first half of pm_overlay_discard for a caller that pays the sync elsewhere: a native
 * overlay is detached (MNT_DETACH) and *ret_fd is an O_PATH fd on it, its last reference
 * once the caller's other mounts of it are gone, which the caller hands to a process of its
 * own (pm_overlay_release_last); -1 when there was nothing to hold (not mounted, volatile,
 * fuse-overlayfs: unmounted plainly). */
int pm_overlay_detach_held(const char *target, unsigned flags, int *ret_fd, pm_error **err);
/* In the process that pays the sync of a held mount (fd, pm_overlay_detach_held): wait for
 * EOF on order (>= 0: a pipe whose write end closes once every other copy of fd is closed),
 * then for the end of the process hold (a pidfd, or -1), then close fd. */
void pm_overlay_release_last(int fd, int order, int hold);
bool pm_overlay_is_mounted(const char *target);
