/* volumes-from.c: --volumes-from (volumes-from.h). Reads the other container's record;
 * changes nothing. Called by pm_engine_create (engine/run.c) and the one validation. */
#include <errno.h>
#include <string.h>

#include "engine/config-json.h"
#include "engine/container.h"
#include "engine/volumes-from.h"
#include "lib/strutil.h"

/* "CTR[:OPTS]" -> the container and the mode (ro, rw or NULL) */
static int split(const char *v, char **ret_ctr, const char **ret_mode, pm_error **err)
{
	const char *colon = strchr(v, ':');
	const char *opts = colon ? colon + 1 : NULL;
	*ret_mode = NULL;
	if (opts) {
		_cleanup_strv_ char **parts = pm_strv_split(opts, ",");
		for (char **p = parts; p && *p; p++) {
			if (!strcmp(*p, "ro") || !strcmp(*p, "rw")) {
				if (*ret_mode)
					return pm_error_set(err, EINVAL,
							    "cannot set ro or rw options more than "
							    "once");
				*ret_mode = strcmp(*p, "ro") ? "rw" : "ro";
			} else if (strcmp(*p, "z")) {
				return pm_error_set(err, EINVAL,
						    "invalid option \"%s\" specified - volumes "
						    "from another container can only use z,ro,rw "
						    "options",
						    *p);
			}
		}
	}
	if (colon == v || !*v)
		return pm_error_set(err, EINVAL, "--volumes-from '%s': no container named", v);
	if (ret_ctr)
		*ret_ctr = colon ? pm_xstrndup(v, (size_t)(colon - v)) : pm_xstrdup(v);
	return 0;
}

int pm_volumes_from_check(const char *v, pm_error **err)
{
	const char *mode;
	return split(v, NULL, &mode, err);
}

char *pm_volumes_from_apply_mode(const char *spec, bool volume, const char *mode)
{
	if (!mode)
		return pm_xstrdup(spec);
	_cleanup_strv_ char **parts = pm_strv_split(spec, volume ? ":" : ",");
	size_t n = pm_strv_length(parts);
	if (volume && n < 2)
		return pm_xstrdup(spec); /* an anonymous volume: no options to set */
	char **keep = NULL;
	/* the options of a -v spec are its third part; a --mount spec is all options */
	_cleanup_strv_ char **opts =
		volume ? (n > 2 ? pm_strv_split(parts[2], ",") : NULL) : pm_strv_copy(parts);
	for (char **o = opts; o && *o; o++)
		if (strcmp(*o, "ro") && strcmp(*o, "rw") && !pm_str_startswith(*o, "ro=") &&
		    strcmp(*o, "readonly") && !pm_str_startswith(*o, "readonly="))
			pm_strv_push(&keep, *o);
	if (!strcmp(mode, "ro"))
		pm_strv_push(&keep, "ro");
	else if (volume)
		pm_strv_push(&keep, "rw");
	_cleanup_free_ char *o = keep ? pm_strv_join(keep, ",") : pm_xstrdup("");
	pm_strv_free(keep);
	if (!volume)
		return TAKE_PTR(o);
	return pm_xasprintf("%s:%s:%s", parts[0], parts[1], o);
}

int pm_engine_volumes_from(const struct pm_engine *e, const struct pm_container_config *cfg,
			   char ***ret_volumes, char ***ret_mounts, pm_error **err)
{
	_cleanup_strv_ char **vols = cfg->volumes ? pm_strv_copy(cfg->volumes) : NULL;
	_cleanup_strv_ char **mounts = cfg->mounts ? pm_strv_copy(cfg->mounts) : NULL;
	for (char **v = cfg->volumes_from; v && *v; v++) {
		_cleanup_free_ char *ref = NULL;
		const char *mode;
		int r = split(*v, &ref, &mode, err);
		if (r < 0)
			return r;
		_cleanup_container_ struct pm_container *c = NULL;
		if ((r = pm_container_lookup(e->paths, ref, &c, err)) < 0)
			return pm_error_prefix(err, "looking up container \"%s\" for volumes-from",
					       ref);
		struct pm_container_config other = {0};
		if ((r = pm_config_from_json(c->config_json, &other, err)) < 0)
			return r;
		for (char **s = other.volumes; s && *s; s++)
			pm_strv_consume(&vols, pm_volumes_from_apply_mode(*s, true, mode));
		for (char **s = other.mounts; s && *s; s++)
			pm_strv_consume(&mounts, pm_volumes_from_apply_mode(*s, false, mode));
		pm_spec_config_clear(&other);
	}
	*ret_volumes = TAKE_PTR(vols);
	*ret_mounts = TAKE_PTR(mounts);
	return 0;
}
