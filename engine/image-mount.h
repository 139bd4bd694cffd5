/* image-mount.h: --mount type=image: the parse (for spec.c's pm_spec_parse_mount) and, for
 * run.c, the check at create and the layer dirs at start. */
#pragma once

#include <stdbool.h>

#include "lib/error.h"
#include "runtime/runtime.h"

/* kvs: the --mount value split at ','. Is its type "image"? */
bool pm_image_mount_is(char *const *kvs);
/* The mount: an overlay with no data yet (pm_image_mounts_fill fills it), MS_RDONLY unless
 * rw=true; podman's messages for bad keys and values. */
int pm_image_mount_parse(char *const *kvs, struct pm_runtime_mount *ret, pm_error **err);

/* --mount type=image,source=IMG,target=PATH[,rw=true]: the image reference (malloc'd), or
 * NULL for any other --mount. */
char *pm_image_mount_source(const char *spec);
/* mounts: the --mount values. Each image named must exist (else "creating image volume
 * "IMG":"DST": IMG: image not known"); with s (from pm_spec_to_runtime), each such mount of s
 * (an overlay with no data yet, in the order of mounts) gets the image's layers as its lower
 * dirs, read-only, or with rw=true an upper and work dir made afresh under
 * userdata/image-mounts/N (the last run's changes go at each start). */
struct pm_store;
int pm_image_mounts_fill(char *const *mounts, const struct pm_store *st, const char *userdata,
			 struct pm_runtime_spec *s, pm_error **err);
