/* auth.c: podman's credential files (containers-auth.json(5)), docker's config.json and
 * --creds. Owns the lookup order, the key matching (host[:port] or a repository path under
 * it, longest wins) and the atomic rewrite that keeps the file's other content. Never
 * prints. Called by client-http.c (a session's credentials) and cli login/logout. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fileutil.h"
#include "lib/json.h"
#include "lib/strutil.h"
#include "registry/auth.h"
#include "registry/challenge.h"

#define AUTH_FILE_MAX (4u << 20)

static char *default_runtime_auth(void)
{
	const char *rt = getenv("XDG_RUNTIME_DIR");
	if (rt && *rt)
		return pm_xasprintf("%s/containers/auth.json", rt);
	return pm_xasprintf("/run/user/%u/containers/auth.json", (unsigned)getuid());
}

char *pm_auth_file_path(const char *authfile)
{
	if (authfile && *authfile)
		return pm_xstrdup(authfile);
	const char *env = getenv("REGISTRY_AUTH_FILE");
	if (env && *env)
		return pm_xstrdup(env);
	return default_runtime_auth();
}

char *pm_auth_key_normalize(const char *k)
{
	if (pm_str_startswith(k, "https://"))
		k += 8;
	else if (pm_str_startswith(k, "http://"))
		k += 7;
	char *s = pm_xstrdup(k);
	size_t n = strlen(s);
	if (n > 4 && (pm_str_endswith(s, "/v1/") || pm_str_endswith(s, "/v2/")))
		s[n -= 4] = 0;
	else if (n > 3 && (pm_str_endswith(s, "/v1") || pm_str_endswith(s, "/v2")))
		s[n -= 3] = 0;
	while (n > 0 && s[n - 1] == '/')
		s[--n] = 0;
	if (!strcmp(s, "index.docker.io") || !strcmp(s, "registry-1.docker.io")) {
		free(s);
		s = pm_xstrdup("docker.io");
	}
	return s;
}

/* Does file key fk cover key (equal, or a path prefix of it)? Its length when it does. */
static size_t key_match(const char *fk, const char *key)
{
	_cleanup_free_ char *n = pm_auth_key_normalize(fk);
	size_t l = strlen(n);
	if (!l || strncmp(n, key, l) || (key[l] && key[l] != '/'))
		return 0;
	return l;
}

struct auth_file {
	const char *path;
	bool legacy; /* ~/.dockercfg: the entries are the top-level object */
};

static int load(const char *path, json_t **ret, pm_error **err)
{
	_cleanup_error_ pm_error *e = NULL;
	int k = pm_json_load_file(path, AUTH_FILE_MAX, ret, &e);
	if (k == -ENOENT || k == -ENOTDIR) {
		*ret = NULL;
		return 0;
	}
	if (k < 0) {
		pm_error_propagate(err, TAKE_PTR(e));
		return k;
	}
	if (!json_is_object(*ret)) {
		json_decref(*ret);
		*ret = NULL;
		return pm_error_set(err, EBADMSG, "parsing '%s': not a JSON object", path);
	}
	return 1;
}

/* 1 and the credentials when file f has an entry for key; 0 when it has none. */
static int lookup_file(const struct auth_file *f, const char *key, char **ret_user, char **ret_pass,
		       pm_error **err)
{
	_cleanup_json_ json_t *j = NULL;
	int k = load(f->path, &j, err);
	if (k <= 0)
		return k;

	_cleanup_free_ char *host = pm_xstrndup(key, strcspn(key, "/"));
	json_t *helpers = json_object_get(j, "credHelpers");
	if (json_is_object(helpers) && json_object_get(helpers, host))
		return pm_error_set(err, EOPNOTSUPP,
				    "'%s' names the credential helper '%s' for %s: credential "
				    "helpers are not supported, use pm login or --creds",
				    f->path, pm_json_string(helpers, host) ?: "", host);

	json_t *auths = f->legacy ? j : json_object_get(j, "auths");
	const char *fk;
	json_t *entry, *best = NULL;
	size_t best_len = 0;
	json_object_foreach(auths, fk, entry) {
		size_t l = key_match(fk, key);
		if (l > best_len && json_is_object(entry)) {
			best_len = l;
			best = entry;
		}
	}
	const char *b64 = best ? pm_json_string(best, "auth") : NULL;
	if (!b64 || !*b64)
		return 0;
	_cleanup_free_ char *dec = NULL;
	size_t n = 0;
	if (pm_base64_decode(b64, &dec, &n) < 0 || memchr(dec, 0, n))
		return pm_error_set(err, EBADMSG,
				    "parsing '%s': the \"auth\" entry of %s is not valid base64",
				    f->path, key);
	char *colon = strchr(dec, ':');
	if (!colon)
		return pm_error_set(err, EBADMSG,
				    "parsing '%s': the \"auth\" entry of %s is not USER:PASSWORD",
				    f->path, key);
	*ret_user = pm_xstrndup(dec, colon - dec);
	*ret_pass = pm_xstrdup(colon + 1);
	return 1;
}

int pm_auth_lookup(const char *authfile, const char *key, char **ret_user, char **ret_pass,
		   pm_error **err)
{
	*ret_user = *ret_pass = NULL;
	_cleanup_free_ char *nkey = pm_auth_key_normalize(key);
	const char *env = getenv("REGISTRY_AUTH_FILE");
	if ((authfile && *authfile) || (env && *env)) {
		struct auth_file f = {.path = authfile && *authfile ? authfile : env};
		return lookup_file(&f, nkey, ret_user, ret_pass, err);
	}

	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME"),
		   *dc = getenv("DOCKER_CONFIG");
	_cleanup_free_ char *rt = default_runtime_auth();
	_cleanup_free_ char *cfg = xdg && *xdg ? pm_xasprintf("%s/containers/auth.json", xdg)
				   : home ? pm_xasprintf("%s/.config/containers/auth.json", home)
					  : NULL;
	_cleanup_free_ char *docker = dc && *dc ? pm_xasprintf("%s/config.json", dc)
				      : home	? pm_xasprintf("%s/.docker/config.json", home)
						: NULL;
	_cleanup_free_ char *legacy = home ? pm_xasprintf("%s/.dockercfg", home) : NULL;
	struct auth_file files[] = {
		{rt, false},
		{cfg, false},
		{docker, false},
		{legacy, true},
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (!files[i].path)
			continue;
		int k = lookup_file(&files[i], nkey, ret_user, ret_pass, err);
		if (k != 0)
			return k;
	}
	return 0;
}

static int write_back(const char *path, json_t *j, pm_error **err)
{
	_cleanup_free_ char *dir = pm_xstrdup(path);
	char *slash = strrchr(dir, '/');
	int k;
	if (slash && slash != dir) {
		*slash = 0;
		if ((k = pm_mkdir_p(dir, 0700, err)) < 0)
			return k;
	}
	_cleanup_free_ char *s = json_dumps(j, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	if (!s)
		return pm_error_set(err, EINVAL, "writing '%s': cannot encode JSON", path);
	/* indented with tabs, as podman writes it (JSON_INDENT(1): one space a level; a string
	 * holds no raw newline, so leading blanks are indentation) */
	bool bol = true;
	for (char *p = s; *p; p++) {
		if (*p == '\n')
			bol = true;
		else if (bol && *p == ' ')
			*p = '\t';
		else
			bol = false;
	}
	size_t n = strlen(s);
	s = pm_xrealloc(s, n + 2);
	s[n] = '\n';
	s[n + 1] = 0;
	return pm_write_file_atomic(path, s, n + 1, 0600, err);
}

int pm_auth_store(const char *authfile, const char *key, const char *user, const char *pass,
		  pm_error **err)
{
	_cleanup_free_ char *path = pm_auth_file_path(authfile);
	_cleanup_json_ json_t *j = NULL;
	int k = load(path, &j, err);
	if (k < 0)
		return k;
	if (!j)
		j = json_object();
	json_t *auths = json_object_get(j, "auths");
	if (!json_is_object(auths)) {
		auths = json_object();
		json_object_set_new(j, "auths", auths);
	}
	_cleanup_free_ char *nkey = pm_auth_key_normalize(key);
	_cleanup_free_ char *b64 = pm_auth_basic_encode(user, pass);
	json_t *entry = json_object_get(auths, nkey);
	if (json_is_object(entry))
		json_object_set_new(entry, "auth", json_string(b64));
	else
		json_object_set_new(auths, nkey, json_pack("{s:s}", "auth", b64));
	return write_back(path, j, err);
}

int pm_auth_remove(const char *authfile, const char *key, pm_error **err)
{
	_cleanup_free_ char *path = pm_auth_file_path(authfile);
	_cleanup_json_ json_t *j = NULL;
	_cleanup_free_ char *nkey = pm_auth_key_normalize(key);
	int k = load(path, &j, err);
	if (k < 0)
		return k;
	json_t *auths = j ? json_object_get(j, "auths") : NULL;
	if (!json_is_object(auths) || json_object_del(auths, nkey) < 0)
		return pm_error_set(err, ENOENT, "not logged into %s", nkey);
	return write_back(path, j, err);
}

int pm_auth_remove_all(const char *authfile, pm_error **err)
{
	_cleanup_free_ char *path = pm_auth_file_path(authfile);
	_cleanup_json_ json_t *j = NULL;
	int k = load(path, &j, err);
	if (k <= 0)
		return k;
	json_object_set_new(j, "auths", json_object());
	return write_back(path, j, err);
}

int pm_creds_parse(const char *s, char **ret_user, char **ret_pass, pm_error **err)
{
	*ret_user = *ret_pass = NULL;
	if (!s || !*s || *s == ':')
		return pm_error_set(err, EINVAL,
				    "--creds '%s': the user name is empty (use USER[:PASSWORD])",
				    s ? s : "");
	const char *colon = strchr(s, ':');
	if (!colon) {
		*ret_user = pm_xstrdup(s);
		return 0;
	}
	*ret_user = pm_xstrndup(s, colon - s);
	*ret_pass = pm_xstrdup(colon + 1);
	return 0;
}
