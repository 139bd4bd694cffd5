/* conf-fallback.c: TEMPORARY stand-in for registry/conf.c (branch reg-conf) so that pull
 * builds before it lands: no files read, short names resolve to docker.io/library/NAME,
 * every repository is pulled from its own host. Removed when reg-conf is merged. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/strutil.h"
#include "registry/conf.h"

struct pm_registries_conf {
	int unused;
};

struct pm_registries_conf *pm_registries_conf_new(void)
{
	return pm_xcalloc(1, sizeof(struct pm_registries_conf));
}

struct pm_registries_conf *pm_registries_conf_free(struct pm_registries_conf *c)
{
	free(c);
	return NULL;
}

int pm_registries_conf_load(struct pm_registries_conf **ret, pm_error **err)
{
	*ret = pm_registries_conf_new();
	return 0;
}

int pm_registries_conf_parse(struct pm_registries_conf *c, const char *text, const char *path,
			     pm_error **err)
{
	return 0;
}

void pm_registry_sources_free(struct pm_registry_source *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].host);
		free(v[i].repo);
	}
	free(v);
}

int pm_registries_sources(const struct pm_registries_conf *c, const char *host, const char *repo,
			  struct pm_registry_source **ret, size_t *ret_n, pm_error **err)
{
	struct pm_registry_source *v = pm_xcalloc(1, sizeof(*v));
	v->host = pm_xstrdup(host);
	v->repo = pm_xstrdup(repo);
	*ret = v;
	*ret_n = 1;
	return 0;
}

bool pm_registries_insecure(const struct pm_registries_conf *c, const char *host)
{
	return false;
}

int pm_registries_short_name(const struct pm_registries_conf *c, const char *name,
			     char ***ret_candidates, bool *ret_alias, pm_error **err)
{
	char **v = NULL;
	pm_strv_consume(&v,
			pm_xasprintf("docker.io/%s%s", strchr(name, '/') ? "" : "library/", name));
	*ret_candidates = v;
	*ret_alias = false;
	return 0;
}

const char *pm_registries_short_name_mode(const struct pm_registries_conf *c)
{
	return "enforcing";
}
