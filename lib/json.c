/* json.c: jansson at the edge: size-capped loading with path/line/column errors, atomic
 * writes, typed getters, strv conversion and podman-style printing. Must not print except
 * in pm_json_print (to the FILE the cli hands in). Called by engine, storage, pods, cli. */
#include <errno.h>
#include <string.h>

#include "lib/fileutil.h"
#include "lib/json.h"
#include "lib/strutil.h"

int pm_json_load_file(const char *path, size_t max, json_t **ret, pm_error **err)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = pm_read_file(path, max, &data, &len, err);
	if (r < 0)
		return r;
	json_error_t je;
	json_t *j = json_loadb(data, len, 0, &je);
	if (!j)
		return pm_error_set(err, EBADMSG, "parsing '%s': line %d column %d: %s", path,
				    je.line, je.column, je.text);
	*ret = j;
	return 0;
}

int pm_json_write_file_atomic(const char *path, const json_t *j, mode_t mode, pm_error **err)
{
	return pm_json_write_file_atomic_flags(path, j, mode, 0, err);
}

int pm_json_write_file_atomic_flags(const char *path, const json_t *j, mode_t mode, unsigned flags,
				    pm_error **err)
{
	_cleanup_free_ char *s =
		json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
	if (!s)
		return pm_error_set(err, EINVAL, "writing '%s': cannot encode JSON", path);
	size_t n = strlen(s);
	s = pm_xrealloc(s, n + 2);
	s[n] = '\n';
	s[n + 1] = '\0';
	return pm_write_file_atomic_flags(path, s, n + 1, mode, flags, err);
}

const char *pm_json_string(const json_t *obj, const char *key)
{
	json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
	return json_is_string(v) ? json_string_value(v) : NULL;
}

long long pm_json_int(const json_t *obj, const char *key, long long def)
{
	json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
	return json_is_integer(v) ? (long long)json_integer_value(v) : def;
}

bool pm_json_bool(const json_t *obj, const char *key, bool def)
{
	json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
	return json_is_boolean(v) ? json_is_true(v) : def;
}

/* s as a JSON string; not UTF-8: the non-ASCII bytes as '?' (the text is kept). Never NULL. */
static json_t *string_lossy(const char *str)
{
	json_t *s = json_string(str);
	if (!s) {
		_cleanup_free_ char *c = pm_xstrdup(str);
		for (char *p = c; *p; p++)
			if ((unsigned char)*p >= 0x80)
				*p = '?';
		s = json_string(c);
	}
	if (!s)
		abort();
	return s;
}

json_t *pm_json_from_strv(char *const *v)
{
	json_t *a = json_array();
	if (!a)
		abort();
	for (size_t i = 0; v && v[i]; i++)
		if (json_array_append_new(a, string_lossy(v[i])) < 0)
			abort();
	return a;
}

char **pm_json_to_strv(const json_t *arr)
{
	char **v = pm_xcalloc(1, sizeof(char *));
	size_t i;
	json_t *e;
	if (!json_is_array(arr))
		return v;
	json_array_foreach(arr, i, e) {
		if (json_is_string(e))
			pm_strv_push(&v, json_string_value(e));
	}
	return v;
}

int pm_json_print(FILE *f, const json_t *j)
{
	_cleanup_free_ char *s =
		json_dumps(j, JSON_INDENT(4) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
	if (!s)
		return -EINVAL;
	if (fputs(s, f) < 0 || fputc('\n', f) == EOF)
		return -EIO;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

json_t *pm_json_object_from_kv(char *const *kv, bool null_if_empty)
{
	if ((!kv || !*kv) && null_if_empty)
		return json_null();
	json_t *o = json_object();
	for (char *const *l = kv; l && *l; l++) {
		size_t kl = strcspn(*l, "=");
		_cleanup_free_ char *k = pm_xstrndup(*l, kl);
		json_t *key = string_lossy(k);
		json_object_set_new(o, json_string_value(key),
				    string_lossy((*l)[kl] ? *l + kl + 1 : ""));
		json_decref(key);
	}
	size_t n = json_object_size(o);
	if (n < 2)
		return o;
	const char **keys = pm_xcalloc(n, sizeof(*keys));
	size_t i = 0;
	const char *key;
	json_t *val;
	json_object_foreach(o, key, val)
		keys[i++] = key;
	qsort(keys, n, sizeof(*keys), cmp_str);
	json_t *sorted = json_object();
	for (i = 0; i < n; i++)
		json_object_set(sorted, keys[i], json_object_get(o, keys[i]));
	free(keys);
	json_decref(o);
	return sorted;
}
