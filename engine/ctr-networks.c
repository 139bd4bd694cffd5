/* ctr-networks.c: containers on user-defined networks, found from their recorded --network
 * value (see ctr-networks.h). Reads records only; never prints. Called by cli/cmd-network.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/config-json.h"
#include "engine/ctr-networks.h"
#include "engine/container.h"
#include "engine/spec.h"
#include "lib/cleanup.h"
#include "lib/strutil.h"
#include "storage/network.h"

char *pm_engine_network_of(const char *v)
{
	if (!v || !v[0])
		return NULL;
	size_t n = strcspn(v, ":");
	static const char *const builtin[] = {"slirp4netns", "pasta",	  "host", "none",
					      "private",     "container", "ns",	  "bridge",
					      "default",     NULL};
	for (size_t i = 0; builtin[i]; i++)
		if (strlen(builtin[i]) == n && strncmp(v, builtin[i], n) == 0)
			return NULL;
	return pm_xstrndup(v, n);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **pm_engine_network_users(const struct pm_engine *e, const char *name)
{
	struct pm_container **list = NULL;
	size_t n = 0;
	if (pm_container_list(e->paths, &list, &n, NULL) < 0)
		return NULL;
	char **ids = NULL;
	for (size_t i = 0; i < n; i++) {
		struct pm_container_config cfg = {0};
		if (!list[i]->config_json ||
		    pm_config_from_json(list[i]->config_json, &cfg, NULL) < 0)
			continue;
		_cleanup_free_ char *net = pm_engine_network_of(cfg.network);
		if (net && strcmp(net, name) == 0)
			pm_strv_push(&ids, list[i]->id);
		pm_spec_config_clear(&cfg);
	}
	pm_container_list_free(list, n);
	if (ids)
		qsort(ids, pm_strv_length(ids), sizeof(char *), cmp_str);
	return ids;
}

int pm_engine_network_check(const struct pm_engine *e, const char *v, pm_error **err)
{
	_cleanup_free_ char *name = pm_engine_network_of(v);
	if (!name)
		return 0;
	_cleanup_network_ struct pm_network *n = NULL;
	int r = pm_network_load(e->paths->root, name, &n, err);
	if (r < 0)
		return r;
	return pm_error_set(err, EOPNOTSUPP,
			    "network %s: attaching containers to a user-defined network is not "
			    "supported by pm yet (use slirp4netns, pasta, host, none or "
			    "container:ID)",
			    n->name);
}
