/* manifest-list.c: manifest list documents for `pm manifest` (manifest-list.h): parse,
 * edit, serialise as podman 4.3 does. Pure; never prints. Called by registry/mlist.c and
 * the cli's manifest commands. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/json.h"
#include "lib/strutil.h"
#include "storage/digest.h"
#include "storage/manifest-list.h"
#include "storage/manifest.h"

void pm_mlist_entry_free(struct pm_mlist_entry *e)
{
	if (!e)
		return;
	free(e->media_type);
	free(e->digest);
	free(e->arch);
	free(e->os);
	free(e->os_version);
	free(e->variant);
	pm_strv_free(e->os_features);
	pm_strv_free(e->features);
	pm_strv_free(e->annotations);
	free(e->source);
	memset(e, 0, sizeof(*e));
}

void pm_mlist_free(struct pm_mlist *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		pm_mlist_entry_free(&l->v[i]);
	free(l->v);
	free(l->media_type);
	memset(l, 0, sizeof(*l));
}

static char *jdup(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s && *s ? pm_xstrdup(s) : NULL;
}

static char **jstrv(const json_t *a)
{
	char **v = NULL;
	size_t i;
	json_t *e;
	json_array_foreach(a, i, e)
		if (json_is_string(e))
			pm_strv_push(&v, json_string_value(e));
	return v;
}

int pm_mlist_parse(const char *data, size_t len, struct pm_mlist *ret, pm_error **err)
{
	json_error_t je;
	_cleanup_json_ json_t *j = json_loadb(data, len, 0, &je);
	if (!json_is_object(j))
		return pm_error_set(err, EINVAL, "parsing manifest list: %s", je.text);
	const json_t *ms = json_object_get(j, "manifests");
	if (ms && !json_is_array(ms) && !json_is_null(ms))
		return pm_error_set(err, EINVAL,
				    "parsing manifest list: manifests is not an array");
	struct pm_mlist l = {0};
	l.media_type = jdup(j, "mediaType");
	if (!l.media_type)
		l.media_type = pm_xstrdup(PM_MT_OCI_INDEX);
	l.v = pm_xcalloc(json_array_size(ms) + 1, sizeof(*l.v));
	size_t i;
	json_t *m;
	json_array_foreach(ms, i, m) {
		struct pm_mlist_entry *e = &l.v[l.n];
		e->digest = jdup(m, "digest");
		if (!e->digest)
			continue;
		l.n++;
		e->media_type = jdup(m, "mediaType");
		e->size = json_integer_value(json_object_get(m, "size"));
		const json_t *p = json_object_get(m, "platform");
		e->arch = jdup(p, "architecture");
		e->os = jdup(p, "os");
		e->os_version = jdup(p, "os.version");
		e->variant = jdup(p, "variant");
		e->os_features = jstrv(json_object_get(p, "os.features"));
		e->features = jstrv(json_object_get(p, "features"));
		const char *k;
		json_t *v;
		json_object_foreach(json_object_get(m, "annotations"), k, v)
			if (json_is_string(v))
				pm_strv_consume(&e->annotations,
						pm_xasprintf("%s=%s", k, json_string_value(v)));
	}
	*ret = l;
	return 0;
}

static json_t *strv_json(char *const *v)
{
	json_t *a = json_array();
	for (; v && *v; v++)
		json_array_append_new(a, json_string(*v));
	return a;
}

static void set_str(json_t *o, const char *k, const char *v)
{
	if (v && *v)
		json_object_set_new(o, k, json_string(v));
}

static json_t *entry_json(const struct pm_mlist_entry *e, bool oci)
{
	json_t *o = json_object();
	json_object_set_new(o, "mediaType", json_string(e->media_type ? e->media_type : ""));
	if (oci) {
		json_object_set_new(o, "digest", json_string(e->digest));
		json_object_set_new(o, "size", json_integer((json_int_t)e->size));
	} else {
		json_object_set_new(o, "size", json_integer((json_int_t)e->size));
		json_object_set_new(o, "digest", json_string(e->digest));
	}
	json_t *p = json_object();
	json_object_set_new(p, "architecture", json_string(e->arch ? e->arch : ""));
	json_object_set_new(p, "os", json_string(e->os ? e->os : ""));
	set_str(p, "os.version", e->os_version);
	if (e->os_features)
		json_object_set_new(p, "os.features", strv_json(e->os_features));
	set_str(p, "variant", e->variant);
	if (e->features && !oci)
		json_object_set_new(p, "features", strv_json(e->features));
	json_object_set_new(o, "platform", p);
	if (e->annotations) {
		json_t *a = json_object();
		for (char **kv = e->annotations; *kv; kv++) {
			const char *eq = strchr(*kv, '=');
			_cleanup_free_ char *k =
				pm_xstrndup(*kv, eq ? (size_t)(eq - *kv) : strlen(*kv));
			json_object_set_new(a, k, json_string(eq ? eq + 1 : ""));
		}
		json_object_set_new(o, "annotations", a);
	}
	return o;
}

static json_t *list_json(const struct pm_mlist *l, const char *media_type, bool null_empty)
{
	const char *mt = media_type ? media_type : l->media_type;
	bool oci = mt && strcmp(mt, PM_MT_OCI_INDEX) == 0;
	json_t *j = json_object();
	json_object_set_new(j, "schemaVersion", json_integer(2));
	json_object_set_new(j, "mediaType", json_string(mt ? mt : PM_MT_DOCKER_LIST));
	if (!l->n && null_empty) {
		json_object_set_new(j, "manifests", json_null());
		return j;
	}
	json_t *a = json_array();
	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(a, entry_json(&l->v[i], oci));
	json_object_set_new(j, "manifests", a);
	return j;
}

char *pm_mlist_to_json(const struct pm_mlist *l, const char *media_type)
{
	_cleanup_json_ json_t *j = list_json(l, media_type, false);
	return json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
}

char *pm_mlist_inspect_json(const struct pm_mlist *l)
{
	/* podman 4.3 shows every local list as a Docker list, in the Docker key order */
	_cleanup_json_ json_t *j = list_json(l, PM_MT_DOCKER_LIST, true);
	return json_dumps(j, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
}

struct pm_mlist_entry *pm_mlist_find(struct pm_mlist *l, const char *digest)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].digest, digest) == 0)
			return &l->v[i];
	return NULL;
}

static void drop(struct pm_mlist *l, struct pm_mlist_entry *e)
{
	size_t i = (size_t)(e - l->v);
	pm_mlist_entry_free(e);
	memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof(*e));
	l->n--;
}

void pm_mlist_add(struct pm_mlist *l, struct pm_mlist_entry *e)
{
	struct pm_mlist_entry *old = pm_mlist_find(l, e->digest);
	if (old)
		drop(l, old);
	l->v = pm_xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = *e;
	memset(e, 0, sizeof(*e));
}

int pm_mlist_digest_check(const char *digest, pm_error **err)
{
	if (!pm_str_startswith(digest, "sha256:") || !pm_digest_hex_valid(digest + 7))
		return pm_error_set(err, EINVAL,
				    "invalid image digest \"%s\": invalid checksum digest format",
				    digest);
	return 0;
}

int pm_mlist_remove(struct pm_mlist *l, const char *digest, pm_error **err)
{
	int r = pm_mlist_digest_check(digest, err);
	if (r < 0)
		return r;
	struct pm_mlist_entry *e = pm_mlist_find(l, digest);
	if (!e)
		return pm_error_set(
			err, ENOENT,
			"no instance matching digest \"%s\" found in manifest list: file "
			"does not exist",
			digest);
	drop(l, e);
	return 0;
}

int pm_mlist_annotation_add(char ***annotations, const char *s, pm_error **err)
{
	if (!strchr(s, '='))
		return pm_error_set(err, EINVAL, "no value given for annotation \"%s\"", s);
	pm_strv_set_kv(annotations, s);
	return 0;
}
