/* volumes-from.h: run/create --volumes-from CTR[:ro|rw]: the other container's -v and
 * --mount specs, taken into a new container's configuration at create (podman's
 * semantics: the mounts as they are, or all read-only / read-write). Never prints. */
#pragma once

#include "engine/engine.h"
#include "engine/spec.h"
#include "lib/error.h"

/* Check one --volumes-from value's syntax (the container is looked up at create). */
int pm_volumes_from_check(const char *v, pm_error **err);

/* A -v spec (volume 1) or a --mount spec (volume 0) with its read-only option set to mode
 * ("ro", "rw"; NULL: as it is). Allocated. Pure: unit tested. */
char *pm_volumes_from_apply_mode(const char *spec, bool volume, const char *mode);

/* cfg's -v and --mount specs followed by those of every --volumes-from container, into
 * *ret_volumes and *ret_mounts (allocated; *ret_* NULL when there are none). -ENOENT
 * naming a missing container as podman does. */
int pm_engine_volumes_from(const struct pm_engine *e, const struct pm_container_config *cfg,
			   char ***ret_volumes, char ***ret_mounts, pm_error **err);
