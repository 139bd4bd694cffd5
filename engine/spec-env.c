/* spec-env.c: the container's environment from -e, --env-file and the host's
 * environment (podman's rules: KEY=VALUE, a bare KEY or a glob copies the host's). */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "engine/spec.h"
#include "lib/cleanup.h"
#include "lib/error.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"

void pm_spec_env_set(char ***env, const char *kv)
{
	size_t klen = strcspn(kv, "=");
	for (char **i = *env; i && *i; i++) {
		if (strncmp(*i, kv, klen) == 0 && ((*i)[klen] == '=' || (*i)[klen] == '\0')) {
			free(*i);
			*i = pm_xstrdup(kv);
			return;
		}
	}
	pm_strv_push(env, kv);
}

static bool valid_key(const char *k, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (k[i] == ' ' || k[i] == '\t' || k[i] == '\n')
			return false;
	return true;
}

int pm_spec_env_add(char ***env, const char *spec, char *const *host_env, pm_error **err)
{
	const char *eq = strchr(spec, '=');
	size_t klen = eq ? (size_t)(eq - spec) : strlen(spec);
	if (!valid_key(spec, klen))
		return pm_error_set(err, EINVAL, "invalid environment variable '%s'", spec);
	if (eq) {
		pm_spec_env_set(env, spec);
		return 0;
	}
	bool glob = strpbrk(spec, "*?[") != NULL;
	for (char *const *h = host_env; h && *h; h++) {
		const char *heq = strchr(*h, '=');
		if (!heq)
			continue;
		_cleanup_free_ char *name = pm_xstrndup(*h, (size_t)(heq - *h));
		if (glob ? fnmatch(spec, name, 0) == 0 : strcmp(spec, name) == 0)
			pm_spec_env_set(env, *h);
	}
	return 0;
}

int pm_spec_env_file_read(const char *path, size_t max, char **ret_data, pm_error **err)
{
	_cleanup_error_ pm_error *e = NULL;
	int r = pm_read_file(path, max, ret_data, NULL, &e);
	if (r == -ENOENT)
		return pm_error_set(err, ENOENT,
				    "parsing env file \"%s\": open %s: no such file or directory",
				    path, path);
	if (r < 0)
		return pm_error_set(err, -r, "parsing env file \"%s\": %s", path, e->msg);
	return 0;
}

int pm_spec_env_file_parse(const char *name, const char *data, char *const *host_env, char ***env,
			   pm_error **err)
{
	_cleanup_strv_ char **lines = pm_strv_split(data ? data : "", "\n");
	for (char **l = lines; l && *l; l++) {
		char *s = *l;
		while (*s == ' ' || *s == '\t')
			s++;
		size_t n = strlen(s);
		if (n && s[n - 1] == '\r')
			s[--n] = '\0';
		if (!*s || *s == '#')
			continue;
		_cleanup_error_ pm_error *e = NULL;
		if (pm_spec_env_add(env, s, host_env, &e) < 0)
			return pm_error_set(err, EINVAL, "env file '%s': %s", name, e->msg);
	}
	return 0;
}

/* the value of the name of n bytes in env, or NULL */
static const char *env_lookup(char *const *env, const char *name, size_t n)
{
	for (char *const *e = env; e && *e; e++)
		if (!strncmp(*e, name, n) && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

char *pm_spec_env_expand(const char *s, char *const *env)
{
	size_t cap = strlen(s) + 1, len = 0;
	char *out = pm_xmalloc(cap);
	for (const char *p = s; *p;) {
		const char *val = NULL;
		size_t skip = 1;
		if (*p == '$' && p[1] == '{') {
			const char *close = strchr(p + 2, '}');
			if (close) {
				val = env_lookup(env, p + 2, (size_t)(close - p - 2));
				val = val ? val : "";
				skip = (size_t)(close - p) + 1;
			}
		} else if (*p == '$' && (isalpha((unsigned char)p[1]) || p[1] == '_')) {
			size_t n = 1;
			while (isalnum((unsigned char)p[n]) || p[n] == '_')
				n++;
			val = env_lookup(env, p + 1, n - 1);
			val = val ? val : "";
			skip = n;
		}
		const char *add = val ? val : p;
		size_t addn = val ? strlen(val) : 1;
		if (len + addn + 1 > cap) {
			cap = (len + addn + 1) * 2;
			out = pm_xrealloc(out, cap);
		}
		memcpy(out + len, add, addn);
		len += addn;
		p += skip;
	}
	out[len] = '\0';
	return out;
}
