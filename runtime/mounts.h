/* mounts.h: the container's filesystem: rootfs bind, /proc /dev /sys /dev/pts /dev/shm
 * /dev/mqueue, generated /etc files, volumes and tmpfs, pivot_root, masked and read-only
 * paths, read-only rootfs. Runs in the child, in its new mount namespace. */
#pragma once

#include "runtime/child-err.h"
#include "runtime/runtime.h"

/* Everything up to and including pivot_root; afterwards "/" is the container's root. The
 * createContainer hooks of o (may be NULL) run just before pivot_root. */
int pm_mounts_setup(const struct pm_runtime_spec *spec, const struct pm_runtime_start_opts *o,
		    struct pm_child_err *e);

/* After pivot_root: masked paths, read-only paths, read-only rootfs. */
int pm_mounts_finish(const struct pm_runtime_spec *spec, struct pm_child_err *e);

/* Parse tmpfs/bind options "ro,noexec,size=64m,mode=1777" into MS_* flags and the
 * remaining data string (malloc'd, NULL when empty). Unknown words go to data.
 * Returns 0 or -EINVAL. */
int pm_mounts_parse_options(const char *opts, unsigned long *flags, char **ret_data);
