/* ctr-volumes.c: the named volumes of a container's configuration, and mounting the ones
 * with a filesystem of their own (tmpfs, bind device) while it runs (see ctr-volumes.h).
 * Called by engine/run.c (start, remove) and engine/ctr-state.c (the exit). */
#include <stdlib.h>

#include "engine/ctr-volumes.h"
#include "engine/spec.h"
#include "lib/cleanup.h"
#include "lib/strutil.h"
#include "runtime/runtime.h"
#include "storage/volume.h"

/* The named volumes a configuration uses (-v NAME:/dst, --mount type=volume). */
char **pm_engine_named_volumes(const struct pm_container_config *cfg)
{
	char **names = NULL;
	for (char **v = cfg->volumes; v && *v; v++) {
		struct pm_runtime_mount m = {0};
		char *name = NULL;
		if (pm_spec_parse_volume(*v, &m, &name, NULL) == 0 && name && name[0])
			pm_strv_consume(&names, name);
		else
			free(name);
		pm_runtime_mount_clear(&m);
	}
	for (char **v = cfg->mounts; v && *v; v++) {
		struct pm_runtime_mount m = {0};
		char *name = NULL;
		if (pm_spec_parse_mount(*v, &m, &name, NULL) == 0 && name && name[0])
			pm_strv_consume(&names, name);
		else
			free(name);
		pm_runtime_mount_clear(&m);
	}
	return names;
}

static void commit_volume(char ***ret, const struct pm_container_config *cfg, bool all,
			  const char *spec, bool is_mount)
{
	struct pm_runtime_mount m = {0};
	char *name = NULL;
	int r = is_mount ? pm_spec_parse_mount(spec, &m, &name, NULL)
			 : pm_spec_parse_volume(spec, &m, &name, NULL);
	if (r == 0 && (all || (name && pm_strv_contains(cfg->anon_volumes, name))) &&
	    !pm_strv_contains(*ret, m.destination))
		pm_strv_push(ret, m.destination);
	free(name);
	pm_runtime_mount_clear(&m);
}

char **pm_engine_commit_volumes(const struct pm_container_config *cfg, bool all)
{
	char **ret = NULL;
	for (char **v = cfg->volumes; v && *v; v++)
		commit_volume(&ret, cfg, all, *v, false);
	for (char **v = cfg->mounts; v && *v; v++)
		commit_volume(&ret, cfg, all, *v, true);
	for (char **v = all ? cfg->tmpfs : NULL; v && *v; v++) {
		struct pm_runtime_mount m = {0};
		if (pm_spec_parse_tmpfs(*v, &m, NULL) == 0 && !pm_strv_contains(ret, m.destination))
			pm_strv_push(&ret, m.destination);
		pm_runtime_mount_clear(&m);
	}
	return ret;
}

/* tmpfs/bind volumes: mounted in the rootless mount namespace while the container runs
 * (storage/volume.h); releasing is idempotent per container. */
void pm_engine_volumes_release(const struct pm_engine *e, const struct pm_container_config *cfg,
			       const char *id)
{
	_cleanup_strv_ char **vols = pm_engine_named_volumes(cfg);
	for (char **v = vols; v && *v; v++)
		pm_volume_unmount(e->paths->root, *v, id, NULL);
}

int pm_engine_volumes_mount(const struct pm_engine *e, const struct pm_container_config *cfg,
			    const char *id, pm_error **err)
{
	_cleanup_strv_ char **vols = pm_engine_named_volumes(cfg);
	for (char **v = vols; v && *v; v++) {
		int r = pm_volume_mount(e->paths->root, *v, id, NULL, err);
		if (r < 0) {
			pm_engine_volumes_release(e, cfg, id);
			return r;
		}
	}
	return 0;
}

char **pm_engine_volumes_missing(const struct pm_engine *e, const struct pm_container_config *cfg)
{
	_cleanup_strv_ char **vols = pm_engine_named_volumes(cfg);
	char **missing = NULL;
	for (char **v = vols; v && *v; v++)
		if (pm_volume_name_valid(*v) && !pm_volume_exists(e->paths->root, *v) &&
		    !pm_strv_contains(missing, *v))
			pm_strv_push(&missing, *v);
	return missing;
}

void pm_engine_volumes_drop_unused(const struct pm_engine *e, char **names)
{
	for (char **v = names; v && *v; v++)
		if (pm_volume_exists(e->paths->root, *v))
			pm_volume_remove(e->paths->root, *v, false, NULL); /* refused when in use */
}
