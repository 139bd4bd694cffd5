/* conf.h: containers-registries.conf(5) version 2, as podman reads it: the system file
 * (/etc/containers/registries.conf) and the *.conf drop-ins of /etc/containers/registries.conf.d
 * then of the user's ~/.config/containers/registries.conf.d, each directory in name order, a
 * later file winning; when the user's ~/.config/containers/registries.conf exists it is read
 * instead of the system file, and then only the user's drop-ins (c/image's rule).
 * $CONTAINERS_REGISTRIES_CONF names the file read in place of the main one
 * (it must exist; the drop-ins are still read, as podman 4.3 does: verified).
 * Honoured: unqualified-search-registries, short-name-mode, [aliases] (a "" value erases an
 * alias of an earlier file), and [[registry]] tables with prefix, location, insecure, blocked
 * and [[registry.mirror]] (location, insecure); a drop-in's [[registry]] replaces an earlier
 * one of the same prefix whole. Version 1 tables ([registries.search], .insecure, .block) are
 * converted as c/image does. Errors in what the keys say read 'loading registries
 * configuration "FILE": ...' in podman's words; syntax errors "FILE:LINE: ...". Parsed but not
 * honoured: mirror-by-digest-only, pull-from-mirror, credential-helpers; the
 * short-name-aliases.conf cache is not read.
 * TOML through lib/toml.h. Never prints. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "lib/error.h"

struct pm_registries_conf;

/* Load the files above. -EINVAL naming the file and line for one that does not parse. */
int pm_registries_conf_load(struct pm_registries_conf **ret, pm_error **err);
/* The same with the places given (unit tests): file stands for $CONTAINERS_REGISTRIES_CONF
 * (NULL: unset), sysdir for /etc/containers, confhome for $HOME/.config (NULL: no user
 * files). podman 4.3 reads $HOME/.config/containers even when $XDG_CONFIG_HOME is set: so
 * does pm. */
int pm_registries_conf_load_from(struct pm_registries_conf **ret, const char *file,
				 const char *sysdir, const char *confhome, pm_error **err);
/* Parse one text (unit tests and drop-in layering): merged into c. */
int pm_registries_conf_parse(struct pm_registries_conf *c, const char *text, const char *path,
			     pm_error **err);
struct pm_registries_conf *pm_registries_conf_new(void);
struct pm_registries_conf *pm_registries_conf_free(struct pm_registries_conf *c);
PM_DEFINE_CLEANUP_FUNC(struct pm_registries_conf *, pm_registries_conf_free)
#define _cleanup_registries_conf_ _cleanup_(pm_registries_conf_freep)

/* One place to fetch a repository from. */
struct pm_registry_source {
	char *host;    /* "host[:port]" to open a session with */
	char *repo;    /* the repository's path on that host */
	bool insecure; /* registries.conf says insecure = true */
	bool is_mirror;
};
void pm_registry_sources_free(struct pm_registry_source *v, size_t n);

/* Where to pull host/repo from, in order: each mirror of the longest-prefix [[registry]]
 * entry, then its location (prefix rewritten to location), else host/repo itself.
 * -EPERM "registry PREFIX is blocked in MAINFILE or USERDROPINDIR" (podman's text) for a
 * blocked entry; -EINVAL when a rewrite leaves no repository.
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

/* "enforcing", "permissive" (the default, as the man page says) or "disabled". */
const char *pm_registries_short_name_mode(const struct pm_registries_conf *c);

/* Is name short (c/image's rule): no '/', or a first component without '.' or ':' that is
 * not "localhost". "busybox", "library/busybox:1", "foo/bar" are; "localhost/x",
 * "quay.io/x", "h:5000/x" are not. */
bool pm_registries_is_short_name(const char *name);

/* The file whose [aliases] gave the alias of name (tag or digest ignored), NULL without one:
 * podman prints 'Resolved "NAME" as an alias (FILE)'. */
const char *pm_registries_alias_origin(const struct pm_registries_conf *c, const char *name);

/* May a pull try n candidates of a short name (not an alias) without asking? 0 when n <= 1,
 * the mode is disabled, or permissive without a terminal; -EINVAL "short-name resolution
 * enforced but cannot prompt without a TTY" (podman 4.3's text) in enforcing mode without
 * one. With a terminal podman prompts; pm has no prompt: 0 (tries them in order). */
int pm_registries_short_name_check(const struct pm_registries_conf *c, size_t n, bool terminal,
				   pm_error **err);
