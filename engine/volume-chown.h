/* volume-chown.h: the chowns of a container's start on the sources of its mounts (see
 * volume-chown.c). */
#pragma once

#include <stdbool.h>

#include "lib/error.h"
#include "runtime/runtime.h"

/* The mount just added (the last of s->mounts), at a start: a named volume's first-mount
 * copy-up (vname: the image's content at the target, podman's NeedsCopyUp; not with
 * nocopy) and chown (owner, mode and times of the image's directory at the target, or the
 * container's user), then the U option's (wants_chown). */
int pm_spec_chown_added_mount(const struct pm_runtime_spec *s, const char *volume_root,
			      const char *vname, bool wants_chown, bool nocopy, pm_error **err);
