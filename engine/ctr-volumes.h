/* ctr-volumes.h: a container's named volumes (-v NAME:/dst, --mount type=volume), and the
 * mounts of those that have a filesystem of their own (type=tmpfs, o=bind,device=DIR),
 * made in the rootless mount namespace while the container runs (storage/volume.h keeps
 * the count of users). */
#pragma once

#include "engine/engine.h"
#include "engine/spec.h"
#include "lib/error.h"

/* The names of the named volumes cfg uses (malloc'd strv, NULL when none). */
char **pm_engine_named_volumes(const struct pm_container_config *cfg);

/* The container paths commit makes image VOLUMEs (podman's): those of cfg's anonymous
 * volumes, or with all (--include-volumes) of every -v, --mount and --tmpfs. A strv or
 * NULL. */
char **pm_engine_commit_volumes(const struct pm_container_config *cfg, bool all);

/* Mount cfg's tmpfs/bind volumes for container id; on failure none stays mounted. */
int pm_engine_volumes_mount(const struct pm_engine *e, const struct pm_container_config *cfg,
			    const char *id, pm_error **err);

/* Release container id's use of cfg's volumes (the last user unmounts). Idempotent. */
void pm_engine_volumes_release(const struct pm_engine *e, const struct pm_container_config *cfg,
			       const char *id);

/* The named volumes cfg uses that do not exist yet (a create makes them): a strv or NULL. */
char **pm_engine_volumes_missing(const struct pm_engine *e, const struct pm_container_config *cfg);

/* Remove those of names that exist and no container uses (what a failed create or run
 * made): nothing is left behind. */
void pm_engine_volumes_drop_unused(const struct pm_engine *e, char **names);
