/* overlay.h: mount and unmount a container root filesystem: native overlayfs (userxattr),
 * fuse-overlayfs, or nothing (vfs: a plain directory). Picks the driver for a new
 * container. Called by container.c only. Never prints. */
#pragma once

#include <stdbool.h>

#include "storage/store.h"

/* "overlay", "fuse-overlayfs" or "vfs" for a new container. */
const char *pm_overlay_pick_driver(const struct pm_store *s);

/* lowers: layer diff dirs, top first (NULL-terminated, at least one). */
int pm_overlay_mount(const char *driver, char *const *lowers, const char *upper, const char *work,
		     const char *target, pm_error **err);
int pm_overlay_unmount(const char *target, pm_error **err);
bool pm_overlay_is_mounted(const char *target);
