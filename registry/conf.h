/* conf.h: containers-registries.conf(5) version 2, as podman reads it: the system file
 * (/etc/containers/registries.conf) or, when it exists, the user's
 * ($XDG_CONFIG_HOME/containers/registries.conf) in its place; then the drop-ins
 * registries.conf.d/NAME.conf of /etc/containers and of the user's directory, in name order, a
 * later key winning; $CONTAINERS_REGISTRIES_CONF names the only file read (no drop-ins).
 * Honoured: unqualified-search-registries, short-name-mode, [aliases], and [[registry]]
 * tables with prefix, location, insecure, blocked and [[registry.mirror]] (location,
 * insecure). TOML through lib/toml.h. Never prints. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "lib/error.h"

struct pm_registries_conf;

/* Load the files above. -EINVAL naming the file and line for one that does not parse. */
int pm_registries_conf_load(struct pm_registries_conf **ret, pm_error **err);
/* Parse one text (unit tests and drop-in layering): merged into c. */
int pm_registries_conf_parse(struct pm_registries_conf *c, const char *text, const char *path,
			     pm_error **err);
struct pm_registries_conf *pm_registries_conf_new(void);
struct pm_registries_conf *pm_registries_conf_free(struct pm_registries_conf *c);
PM_DEFINE_CLEANUP_FUNC(struct pm_registries_conf *, pm_registries_conf_free)
#define _cleanup_registries_conf_ _cleanup_(pm_registries_conf_freep)

/* One place to fetch a repository from. */
struct pm_registry_source {
	char *host;	/* "host[:port]" to open a session with */
	char *repo;	/* the repository's path on that host */
	bool insecure;	/* registries.conf says insecure = true */
	bool is_mirror;
};
void pm_registry_sources_free(struct pm_registry_source *v, size_t n);

/* Where to pull host/repo from, in order: each mirror of the longest-prefix [[registry]]
 * entry, then its location (prefix rewritten to location), else host/repo itself.
 * -EPERM "registry HOST/REPO is blocked in registries.conf" for a blocked entry.
 * push uses only the last (the location, never a mirror). */
int pm_registries_sources(const struct pm_registries_conf *c, const char *host, const char *repo,
			  struct pm_registry_source **ret, size_t *ret_n, pm_error **err);

/* Is host (a registry, "host[:port]") marked insecure? */
bool pm_registries_insecure(const struct pm_registries_conf *c, const char *host);

/* A short name (no domain, may carry :tag or @digest): full names to try, in order.
 * An alias ([aliases] "name" = "host/repo") gives exactly one and sets *ret_alias; otherwise
 * unqualified-search-registries each + "/" + name (docker.io gets "library/" for a one-part
 * name). -ENOENT 'short-name "NAME" did not resolve to an alias and no unqualified-search
 * registries are defined in "FILE"' when there is neither. */
int pm_registries_short_name(const struct pm_registries_conf *c, const char *name,
			     char ***ret_candidates, bool *ret_alias, pm_error **err);

/* "enforcing" (the default), "permissive" or "disabled". */
const char *pm_registries_short_name_mode(const struct pm_registries_conf *c);
