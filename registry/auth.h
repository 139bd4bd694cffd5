/* auth.h: podman's credential files (containers-auth.json(5)) and --creds. A file is a JSON
 * object {"auths": {KEY: {"auth": base64("USER:PASSWORD")}}}, KEY a registry host[:port] or a
 * repository path under it (host/ns/repo: the longest matching key wins); other keys and
 * entries of the file are kept as they are when pm writes it (0600, written atomically).
 *
 * Lookup order (podman's): --authfile alone when given; else $REGISTRY_AUTH_FILE alone when
 * set; else $XDG_RUNTIME_DIR/containers/auth.json, $XDG_CONFIG_HOME/containers/auth.json
 * (~/.config/...), then docker's $DOCKER_CONFIG/config.json (~/.docker/config.json) and
 * ~/.dockercfg. A "credHelpers"/"credsStore" entry is not run: it is reported as not
 * supported for that registry. Never prints. */
#pragma once

#include "lib/error.h"

/* The file login writes and logout edits: authfile, else $REGISTRY_AUTH_FILE, else
 * $XDG_RUNTIME_DIR/containers/auth.json. malloc'd. */
char *pm_auth_file_path(const char *authfile);

/* Credentials for key ("host[:port]" or "host[:port]/path/of/repo"). 1 found (ret_* malloc'd),
 * 0 none, -errno for a file that exists but does not parse (named in err). */
int pm_auth_lookup(const char *authfile, const char *key, char **ret_user, char **ret_pass,
		   pm_error **err);

/* login: store (replacing) key's credentials in pm_auth_file_path(authfile). */
int pm_auth_store(const char *authfile, const char *key, const char *user, const char *pass,
		  pm_error **err);

/* logout: remove key's entry; -ENOENT "not logged into KEY" when it has none. */
int pm_auth_remove(const char *authfile, const char *key, pm_error **err);
/* logout --all: remove every entry (the file's other keys stay). */
int pm_auth_remove_all(const char *authfile, pm_error **err);

/* A key as login/logout and the files use it: no scheme, no trailing "/", "/v1/" or "/v2/",
 * docker's index names (index.docker.io, registry-1.docker.io) as docker.io. malloc'd. */
char *pm_auth_key_normalize(const char *key);

/* --creds "USER[:PASSWORD]": -EINVAL naming the flag for an empty user. *ret_pass is NULL
 * when no ':' is given (the caller may prompt). */
int pm_creds_parse(const char *s, char **ret_user, char **ret_pass, pm_error **err);
