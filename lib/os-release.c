/* os-release.c: parse os-release(5) (see os-release.h). Used by engine/info.c and
 * engine/doctor.c. Never prints. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fileutil.h"
#include "lib/os-release.h"
#include "lib/strutil.h"

/* The value after '=': quotes removed, escapes inside double quotes resolved. */
static char *unquote(const char *v)
{
	size_t n = strlen(v);
	while (n > 0 && strchr(" \t\r", v[n - 1]))
		n--;
	if (n >= 2 && v[0] == '\'' && v[n - 1] == '\'')
		return pm_xstrndup(v + 1, n - 2);
	if (!(n >= 2 && v[0] == '"' && v[n - 1] == '"'))
		return pm_xstrndup(v, n);
	char *out = pm_xmalloc(n), *o = out;
	for (size_t i = 1; i < n - 1; i++) {
		if (v[i] == '\\' && i + 1 < n - 1 && strchr("\"\\$`", v[i + 1]))
			i++;
		*o++ = v[i];
	}
	*o = '\0';
	return out;
}

void pm_os_release_parse(const char *text, struct pm_os_release *ret)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{"ID", offsetof(struct pm_os_release, id)},
		{"ID_LIKE", offsetof(struct pm_os_release, id_like)},
		{"VERSION_ID", offsetof(struct pm_os_release, version_id)},
		{"VERSION_CODENAME", offsetof(struct pm_os_release, version_codename)},
	};
	*ret = (struct pm_os_release){0};
	_cleanup_strv_ char **lines = pm_strv_split(text ? text : "", "\n");
	for (size_t i = 0; lines && lines[i]; i++) {
		const char *l = lines[i] + strspn(lines[i], " \t");
		const char *eq = strchr(l, '=');
		if (*l == '#' || !eq)
			continue;
		for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
			if (strlen(keys[k].key) == (size_t)(eq - l) &&
			    strncmp(l, keys[k].key, (size_t)(eq - l)) == 0) {
				char **field = (char **)((char *)ret + keys[k].off);
				free(*field);
				*field = unquote(eq + 1);
			}
	}
}

int pm_os_release_read(const char *prefix, struct pm_os_release *ret)
{
	static const char *const paths[] = {"/etc/os-release", "/usr/lib/os-release"};
	int r = -ENOENT;
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		_cleanup_free_ char *p = pm_xasprintf("%s%s", prefix ? prefix : "", paths[i]);
		_cleanup_free_ char *data = NULL;
		r = pm_read_file(p, 65536, &data, NULL, NULL);
		if (r >= 0) {
			pm_os_release_parse(data, ret);
			return 0;
		}
	}
	*ret = (struct pm_os_release){0};
	return r;
}

bool pm_os_release_is(const struct pm_os_release *os, const char *word)
{
	if (os->id && strcmp(os->id, word) == 0)
		return true;
	_cleanup_strv_ char **like = pm_strv_split(os->id_like ? os->id_like : "", " ");
	return pm_strv_contains(like, word);
}

void pm_os_release_clear(struct pm_os_release *os)
{
	free(os->id);
	free(os->id_like);
	free(os->version_id);
	free(os->version_codename);
	*os = (struct pm_os_release){0};
}
