/* manifest.c: OCI / Docker v2 schema 2 manifests, indexes, image configs and docker-archive
 * manifest.json, parsed into the structs of manifest.h and built from them. The only file
 * of storage/ that handles image JSON documents (image records are image.c's). Never
 * prints. Unit tested in tests/unit/test-manifest.c. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/json.h"
#include "lib/strutil.h"
#include "storage/digest.h"
#include "storage/manifest.h"

static char *jstr(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	return json_is_string(v) ? pm_xstrdup(json_string_value(v)) : NULL;
}

static char **jstrv(const json_t *arr)
{
	char **v = NULL;
	size_t i;
	json_t *e;
	if (!json_is_array(arr))
		return NULL;
	json_array_foreach(arr, i, e)
		if (json_is_string(e))
			pm_strv_push(&v, json_string_value(e));
	if (!v)
		v = pm_xcalloc(1, sizeof(char *));
	return v;
}

/* object keys as a strv ("80/tcp" from {"80/tcp":{}}) */
static char **jkeys(const json_t *obj)
{
	char **v = NULL;
	const char *k;
	json_t *e;
	if (!json_is_object(obj))
		return NULL;
	json_object_foreach((json_t *)obj, k, e)
		pm_strv_push(&v, k);
	return v;
}

static char **jlabels(const json_t *obj)
{
	char **v = NULL;
	const char *k;
	json_t *e;
	if (!json_is_object(obj))
		return NULL;
	json_object_foreach((json_t *)obj, k, e)
		if (json_is_string(e))
			pm_strv_consume(&v, pm_xasprintf("%s=%s", k, json_string_value(e)));
	return v;
}

static json_t *keys_json(char *const *v)
{
	json_t *o = json_object();
	for (; v && *v; v++)
		json_object_set_new(o, *v, json_object());
	return o;
}

json_t *pm_image_history_json(const struct pm_history *history, size_t n)
{
	json_t *hist = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct pm_history *h = &history[i];
		json_t *e = json_object();
		if (h->created)
			json_object_set_new(e, "created", json_string(h->created));
		if (h->created_by)
			json_object_set_new(e, "created_by", json_string(h->created_by));
		if (h->author)
			json_object_set_new(e, "author", json_string(h->author));
		if (h->comment)
			json_object_set_new(e, "comment", json_string(h->comment));
		if (h->empty_layer)
			json_object_set_new(e, "empty_layer", json_true());
		json_array_append_new(hist, e);
	}
	return hist;
}

json_t *pm_image_runconfig_json(const struct pm_image_runconfig *rc)
{
	json_t *cf = json_object();
	if (rc->user && *rc->user)
		json_object_set_new(cf, "User", json_string(rc->user));
	if (rc->exposed_ports && *rc->exposed_ports)
		json_object_set_new(cf, "ExposedPorts", keys_json(rc->exposed_ports));
	if (rc->env)
		json_object_set_new(cf, "Env", pm_json_from_strv(rc->env));
	if (rc->entrypoint)
		json_object_set_new(cf, "Entrypoint", pm_json_from_strv(rc->entrypoint));
	if (rc->cmd)
		json_object_set_new(cf, "Cmd", pm_json_from_strv(rc->cmd));
	if (rc->volumes && *rc->volumes)
		json_object_set_new(cf, "Volumes", keys_json(rc->volumes));
	if (rc->working_dir && *rc->working_dir)
		json_object_set_new(cf, "WorkingDir", json_string(rc->working_dir));
	if (rc->labels && *rc->labels)
		json_object_set_new(cf, "Labels", pm_json_object_from_kv(rc->labels, false));
	if (rc->stop_signal && *rc->stop_signal)
		json_object_set_new(cf, "StopSignal", json_string(rc->stop_signal));
	json_t *hc = rc->healthcheck ? json_loads(rc->healthcheck, 0, NULL) : NULL;
	if (json_is_object(hc))
		json_object_set(cf, "Healthcheck", hc);
	json_decref(hc);
	if (rc->shell)
		json_object_set_new(cf, "Shell", pm_json_from_strv(rc->shell));
	if (rc->onbuild)
		json_object_set_new(cf, "OnBuild", pm_json_from_strv(rc->onbuild));
	return cf;
}

static int load(const char *data, size_t len, const char *what, json_t **ret, pm_error **err)
{
	if (len > PM_MANIFEST_MAX)
		return pm_error_set(err, EFBIG, "%s is larger than %u bytes", what,
				    PM_MANIFEST_MAX);
	json_error_t je;
	json_t *j = json_loadb(data, len, 0, &je);
	if (!j)
		return pm_error_set(err, EINVAL, "parsing %s: %s (line %d)", what, je.text,
				    je.line);
	if (!json_is_object(j) && !json_is_array(j)) {
		json_decref(j);
		return pm_error_set(err, EINVAL, "parsing %s: not a JSON object", what);
	}
	*ret = j;
	return 0;
}

void pm_descriptor_free(struct pm_descriptor *d)
{
	free(d->media_type);
	free(d->digest);
	free(d->ref_name);
	free(d->arch);
	free(d->os);
	free(d->variant);
	memset(d, 0, sizeof(*d));
}

static int parse_descriptor(const json_t *o, struct pm_descriptor *d, const char *what,
			    pm_error **err)
{
	memset(d, 0, sizeof(*d));
	if (!json_is_object(o))
		return pm_error_set(err, EINVAL, "%s: descriptor is not an object", what);
	d->media_type = jstr(o, "mediaType");
	d->digest = jstr(o, "digest");
	const json_t *sz = json_object_get(o, "size");
	d->size = json_is_integer(sz) ? json_integer_value(sz) : -1;
	if (!pm_digest_valid(d->digest)) {
		int r = pm_error_set(err, EINVAL, "%s: invalid digest '%s'", what,
				     d->digest ? d->digest : "");
		pm_descriptor_free(d);
		return r;
	}
	const json_t *ann = json_object_get(o, "annotations");
	d->ref_name = jstr(ann, "org.opencontainers.image.ref.name");
	const json_t *plat = json_object_get(o, "platform");
	d->arch = jstr(plat, "architecture");
	d->os = jstr(plat, "os");
	d->variant = jstr(plat, "variant");
	return 0;
}

static json_t *descriptor_json(const struct pm_descriptor *d)
{
	json_t *o = json_object();
	if (d->media_type)
		json_object_set_new(o, "mediaType", json_string(d->media_type));
	json_object_set_new(o, "digest", json_string(d->digest));
	json_object_set_new(o, "size", json_integer(d->size));
	if (d->ref_name) {
		json_t *a = json_object();
		json_object_set_new(a, "org.opencontainers.image.ref.name",
				    json_string(d->ref_name));
		json_object_set_new(o, "annotations", a);
	}
	if (d->arch || d->os) {
		json_t *p = json_object();
		json_object_set_new(p, "architecture", json_string(d->arch ? d->arch : "amd64"));
		json_object_set_new(p, "os", json_string(d->os ? d->os : "linux"));
		if (d->variant)
			json_object_set_new(p, "variant", json_string(d->variant));
		json_object_set_new(o, "platform", p);
	}
	return o;
}

static char *dump(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (!s)
		abort();
	return s;
}

enum pm_manifest_kind pm_manifest_kind(const char *data, size_t len)
{
	_cleanup_json_ json_t *j = NULL;
	if (load(data, len, "manifest", &j, NULL) < 0 || !json_is_object(j))
		return PM_DOC_UNKNOWN;
	const char *mt = json_string_value(json_object_get(j, "mediaType"));
	if (mt && (strcmp(mt, PM_MT_OCI_INDEX) == 0 || strcmp(mt, PM_MT_DOCKER_LIST) == 0))
		return PM_DOC_INDEX;
	if (mt && (strcmp(mt, PM_MT_OCI_MANIFEST) == 0 || strcmp(mt, PM_MT_DOCKER_MANIFEST) == 0))
		return PM_DOC_MANIFEST;
	if (json_is_array(json_object_get(j, "manifests")))
		return PM_DOC_INDEX;
	if (json_is_object(json_object_get(j, "config")) &&
	    json_is_array(json_object_get(j, "layers")))
		return PM_DOC_MANIFEST;
	return PM_DOC_UNKNOWN;
}

void pm_manifest_free(struct pm_manifest *m)
{
	free(m->media_type);
	pm_descriptor_free(&m->config);
	for (size_t i = 0; i < m->n_layers; i++)
		pm_descriptor_free(&m->layers[i]);
	free(m->layers);
	pm_strv_free(m->annotations);
	memset(m, 0, sizeof(*m));
}

int pm_manifest_parse(const char *data, size_t len, struct pm_manifest *ret, pm_error **err)
{
	_cleanup_json_ json_t *j = NULL;
	int r = load(data, len, "image manifest", &j, err);
	if (r < 0)
		return r;
	struct pm_manifest m = {0};
	const json_t *sv = json_object_get(j, "schemaVersion");
	if (!json_is_integer(sv) || json_integer_value(sv) != 2)
		return pm_error_set(err, EINVAL, "image manifest: unsupported schemaVersion");
	m.media_type = jstr(j, "mediaType");
	if (!m.media_type)
		m.media_type = pm_xstrdup(PM_MT_OCI_MANIFEST);
	if (strcmp(m.media_type, PM_MT_OCI_MANIFEST) != 0 &&
	    strcmp(m.media_type, PM_MT_DOCKER_MANIFEST) != 0) {
		r = pm_error_set(err, EINVAL, "image manifest: unsupported mediaType '%s'",
				 m.media_type);
		goto fail;
	}
	r = parse_descriptor(json_object_get(j, "config"), &m.config, "image manifest config", err);
	if (r < 0)
		goto fail;
	const json_t *layers = json_object_get(j, "layers");
	if (!json_is_array(layers)) {
		r = pm_error_set(err, EINVAL, "image manifest: missing layers");
		goto fail;
	}
	m.annotations = jlabels(json_object_get(j, "annotations"));
	m.layers = pm_xcalloc(json_array_size(layers) + 1, sizeof(*m.layers));
	size_t i;
	json_t *l;
	json_array_foreach(layers, i, l) {
		r = parse_descriptor(l, &m.layers[i], "image manifest layer", err);
		if (r < 0)
			goto fail;
		m.n_layers++;
	}
	*ret = m;
	return 0;
fail:
	pm_manifest_free(&m);
	return r;
}

char *pm_manifest_to_json(const struct pm_manifest *m)
{
	json_t *o = json_object();
	json_object_set_new(o, "schemaVersion", json_integer(2));
	json_object_set_new(o, "mediaType", json_string(m->media_type));
	json_object_set_new(o, "config", descriptor_json(&m->config));
	json_t *a = json_array();
	for (size_t i = 0; i < m->n_layers; i++)
		json_array_append_new(a, descriptor_json(&m->layers[i]));
	json_object_set_new(o, "layers", a);
	if (m->annotations && *m->annotations)
		json_object_set_new(o, "annotations",
				    pm_json_object_from_kv(m->annotations, false));
	return dump(o);
}

void pm_index_free(struct pm_index *idx)
{
	free(idx->media_type);
	for (size_t i = 0; i < idx->n_manifests; i++)
		pm_descriptor_free(&idx->manifests[i]);
	free(idx->manifests);
	memset(idx, 0, sizeof(*idx));
}

int pm_index_parse(const char *data, size_t len, struct pm_index *ret, pm_error **err)
{
	_cleanup_json_ json_t *j = NULL;
	int r = load(data, len, "image index", &j, err);
	if (r < 0)
		return r;
	struct pm_index idx = {0};
	idx.media_type = jstr(j, "mediaType");
	const json_t *ms = json_object_get(j, "manifests");
	if (!json_is_array(ms)) {
		r = pm_error_set(err, EINVAL, "image index: missing manifests");
		goto fail;
	}
	idx.manifests = pm_xcalloc(json_array_size(ms) + 1, sizeof(*idx.manifests));
	size_t i;
	json_t *d;
	json_array_foreach(ms, i, d) {
		r = parse_descriptor(d, &idx.manifests[i], "image index entry", err);
		if (r < 0)
			goto fail;
		idx.n_manifests++;
	}
	*ret = idx;
	return 0;
fail:
	pm_index_free(&idx);
	return r;
}

char *pm_index_to_json(const struct pm_index *idx)
{
	json_t *o = json_object();
	json_object_set_new(o, "schemaVersion", json_integer(2));
	if (idx->media_type)
		json_object_set_new(o, "mediaType", json_string(idx->media_type));
	json_t *a = json_array();
	for (size_t i = 0; i < idx->n_manifests; i++)
		json_array_append_new(a, descriptor_json(&idx->manifests[i]));
	json_object_set_new(o, "manifests", a);
	return dump(o);
}

void pm_runconfig_free(struct pm_image_runconfig *rc)
{
	free(rc->user);
	pm_strv_free(rc->exposed_ports);
	pm_strv_free(rc->env);
	pm_strv_free(rc->entrypoint);
	pm_strv_free(rc->cmd);
	pm_strv_free(rc->volumes);
	free(rc->working_dir);
	pm_strv_free(rc->labels);
	free(rc->stop_signal);
	free(rc->healthcheck);
	pm_strv_free(rc->shell);
	pm_strv_free(rc->onbuild);
	memset(rc, 0, sizeof(*rc));
}

void pm_image_config_free(struct pm_image_config *c)
{
	free(c->created);
	free(c->author);
	free(c->architecture);
	free(c->os);
	free(c->os_version);
	pm_strv_free(c->os_features);
	free(c->variant);
	pm_runconfig_free(&c->config);
	for (size_t i = 0; i < c->n_diff_ids; i++)
		free(c->diff_ids[i]);
	free(c->diff_ids);
	for (size_t i = 0; i < c->n_history; i++) {
		free(c->history[i].created);
		free(c->history[i].created_by);
		free(c->history[i].author);
		free(c->history[i].comment);
	}
	free(c->history);
	memset(c, 0, sizeof(*c));
}

int pm_image_config_parse(const char *data, size_t len, struct pm_image_config *ret, pm_error **err)
{
	_cleanup_json_ json_t *j = NULL;
	int r = load(data, len, "image config", &j, err);
	if (r < 0)
		return r;
	if (!json_is_object(j))
		return pm_error_set(err, EINVAL, "image config: not a JSON object");
	struct pm_image_config c = {0};
	c.created = jstr(j, "created");
	c.author = jstr(j, "author");
	c.architecture = jstr(j, "architecture");
	c.os = jstr(j, "os");
	c.os_version = jstr(j, "os.version");
	c.os_features = jstrv(json_object_get(j, "os.features"));
	c.variant = jstr(j, "variant");
	const json_t *cf = json_object_get(j, "config");
	if (json_is_object(cf)) {
		struct pm_image_runconfig *rc = &c.config;
		rc->user = jstr(cf, "User");
		rc->exposed_ports = jkeys(json_object_get(cf, "ExposedPorts"));
		rc->env = jstrv(json_object_get(cf, "Env"));
		rc->has_entrypoint = json_object_get(cf, "Entrypoint") != NULL;
		rc->entrypoint = jstrv(json_object_get(cf, "Entrypoint"));
		rc->has_cmd = json_object_get(cf, "Cmd") != NULL;
		rc->cmd = jstrv(json_object_get(cf, "Cmd"));
		rc->volumes = jkeys(json_object_get(cf, "Volumes"));
		rc->working_dir = jstr(cf, "WorkingDir");
		rc->labels = jlabels(json_object_get(cf, "Labels"));
		rc->stop_signal = jstr(cf, "StopSignal");
		const json_t *hc = json_object_get(cf, "Healthcheck");
		if (json_is_object(hc))
			rc->healthcheck = json_dumps(hc, JSON_COMPACT | JSON_PRESERVE_ORDER);
		rc->shell = jstrv(json_object_get(cf, "Shell"));
		rc->onbuild = jstrv(json_object_get(cf, "OnBuild"));
	}
	const json_t *rootfs = json_object_get(j, "rootfs");
	const json_t *ids = json_object_get(rootfs, "diff_ids");
	if (json_is_array(ids)) {
		c.diff_ids = pm_xcalloc(json_array_size(ids) + 1, sizeof(char *));
		size_t i;
		json_t *d;
		json_array_foreach(ids, i, d) {
			if (!pm_digest_valid(json_string_value(d))) {
				pm_image_config_free(&c);
				return pm_error_set(err, EINVAL,
						    "image config: invalid diff_id '%s'",
						    json_is_string(d) ? json_string_value(d) : "");
			}
			c.diff_ids[c.n_diff_ids++] = pm_xstrdup(json_string_value(d));
		}
	}
	const json_t *hist = json_object_get(j, "history");
	if (json_is_array(hist)) {
		c.history = pm_xcalloc(json_array_size(hist) + 1, sizeof(*c.history));
		size_t i;
		json_t *h;
		json_array_foreach(hist, i, h) {
			struct pm_history *e = &c.history[c.n_history++];
			e->created = jstr(h, "created");
			e->created_by = jstr(h, "created_by");
			e->author = jstr(h, "author");
			e->comment = jstr(h, "comment");
			e->empty_layer = json_is_true(json_object_get(h, "empty_layer"));
		}
	}
	*ret = c;
	return 0;
}

char *pm_image_config_to_json(const struct pm_image_config *c)
{
	json_t *o = json_object();
	if (c->created)
		json_object_set_new(o, "created", json_string(c->created));
	if (c->author)
		json_object_set_new(o, "author", json_string(c->author));
	json_object_set_new(o, "architecture",
			    json_string(c->architecture ? c->architecture : "amd64"));
	json_object_set_new(o, "os", json_string(c->os ? c->os : "linux"));
	if (c->os_version)
		json_object_set_new(o, "os.version", json_string(c->os_version));
	if (c->os_features && c->os_features[0])
		json_object_set_new(o, "os.features", pm_json_from_strv(c->os_features));
	if (c->variant)
		json_object_set_new(o, "variant", json_string(c->variant));
	json_object_set_new(o, "config", pm_image_runconfig_json(&c->config));
	json_t *rootfs = json_object();
	json_object_set_new(rootfs, "type", json_string("layers"));
	json_t *ids = json_array();
	for (size_t i = 0; i < c->n_diff_ids; i++)
		json_array_append_new(ids, json_string(c->diff_ids[i]));
	json_object_set_new(rootfs, "diff_ids", ids);
	json_object_set_new(o, "rootfs", rootfs);
	json_object_set_new(o, "history", pm_image_history_json(c->history, c->n_history));
	return dump(o);
}

void pm_docker_archive_free(struct pm_docker_archive_entry *e, size_t n)
{
	for (size_t i = 0; e && i < n; i++) {
		free(e[i].config);
		pm_strv_free(e[i].repo_tags);
		for (size_t k = 0; k < e[i].n_layers; k++)
			free(e[i].layers[k]);
		free(e[i].layers);
	}
	free(e);
}

int pm_docker_archive_manifest_parse(const char *data, size_t len,
				     struct pm_docker_archive_entry **ret, size_t *ret_n,
				     pm_error **err)
{
	_cleanup_json_ json_t *j = NULL;
	int r = load(data, len, "docker-archive manifest.json", &j, err);
	if (r < 0)
		return r;
	if (!json_is_array(j) || json_array_size(j) == 0)
		return pm_error_set(err, EINVAL, "docker-archive manifest.json: no images listed");
	size_t n = json_array_size(j);
	struct pm_docker_archive_entry *v = pm_xcalloc(n, sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		const json_t *e = json_array_get(j, i);
		v[i].config = jstr(e, "Config");
		v[i].repo_tags = jstrv(json_object_get(e, "RepoTags"));
		const json_t *ls = json_object_get(e, "Layers");
		if (!v[i].config || !json_is_array(ls)) {
			pm_docker_archive_free(v, n);
			return pm_error_set(
				err, EINVAL,
				"docker-archive manifest.json: entry %zu lacks Config or Layers",
				i);
		}
		v[i].layers = pm_xcalloc(json_array_size(ls) + 1, sizeof(char *));
		size_t k;
		json_t *l;
		json_array_foreach(ls, k, l) {
			if (!json_is_string(l)) {
				pm_docker_archive_free(v, n);
				return pm_error_set(err, EINVAL,
						    "docker-archive manifest.json: bad layer path");
			}
			v[i].layers[v[i].n_layers++] = pm_xstrdup(json_string_value(l));
		}
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

char *pm_docker_archive_manifest_to_json(const struct pm_docker_archive_entry *e, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "Config", json_string(e[i].config));
		json_object_set_new(o, "RepoTags", pm_json_from_strv(e[i].repo_tags));
		json_t *ls = json_array();
		for (size_t k = 0; k < e[i].n_layers; k++)
			json_array_append_new(ls, json_string(e[i].layers[k]));
		json_object_set_new(o, "Layers", ls);
		json_array_append_new(a, o);
	}
	return dump(a);
}

/* --change: Dockerfile-like instructions. Values in JSON array form or shell form. */
static char **parse_cmd_value(const char *v)
{
	while (isspace((unsigned char)*v))
		v++;
	if (*v == '[') {
		json_error_t je;
		json_t *a = json_loads(v, 0, &je);
		if (json_is_array(a)) {
			char **r = jstrv(a);
			json_decref(a);
			return r;
		}
		json_decref(a);
		return NULL;
	}
	char **r = NULL;
	pm_strv_push(&r, "/bin/sh");
	pm_strv_push(&r, "-c");
	pm_strv_push(&r, v);
	return r;
}

static void set_kv(char ***v, const char *key, const char *value)
{
	size_t kl = strlen(key);
	for (char **i = *v; i && *i; i++)
		if (strncmp(*i, key, kl) == 0 && (*i)[kl] == '=') {
			free(*i);
			*i = pm_xasprintf("%s=%s", key, value);
			return;
		}
	pm_strv_consume(v, pm_xasprintf("%s=%s", key, value));
}

/* "A=b C=d" or "A b" */
static int apply_kv(char ***v, const char *arg, const char *what, pm_error **err)
{
	const char *eq = strchr(arg, '=');
	const char *sp = strpbrk(arg, " \t");
	if (!eq || (sp && sp < eq)) {
		if (!sp)
			return pm_error_set(err, EINVAL, "invalid %s '%s': missing value", what,
					    arg);
		_cleanup_free_ char *k = pm_xstrndup(arg, (size_t)(sp - arg));
		while (isspace((unsigned char)*sp))
			sp++;
		set_kv(v, k, sp);
		return 0;
	}
	_cleanup_strv_ char **parts = pm_strv_split(arg, " \t");
	for (char **p = parts; p && *p; p++) {
		char *e = strchr(*p, '=');
		if (!e || e == *p)
			return pm_error_set(err, EINVAL, "invalid %s '%s'", what, *p);
		_cleanup_free_ char *k = pm_xstrndup(*p, (size_t)(e - *p));
		_cleanup_free_ char *val = pm_xstrdup(e + 1);
		size_t vl = strlen(val);
		if (vl >= 2 && val[0] == '"' && val[vl - 1] == '"') {
			memmove(val, val + 1, vl - 2);
			val[vl - 2] = 0;
		}
		set_kv(v, k, val);
	}
	return 0;
}

int pm_runconfig_apply_change(struct pm_image_runconfig *rc, const char *change, pm_error **err)
{
	const char *p = change;
	while (isspace((unsigned char)*p))
		p++;
	const char *sp = strpbrk(p, " \t=");
	if (!sp)
		return pm_error_set(err, EINVAL, "invalid change '%s': missing value", change);
	_cleanup_free_ char *ins = pm_xstrndup(p, (size_t)(sp - p));
	for (char *c = ins; *c; c++)
		*c = (char)toupper((unsigned char)*c);
	const char *arg = sp + 1;
	while (isspace((unsigned char)*arg))
		arg++;
	if (strcmp(ins, "CMD") == 0 || strcmp(ins, "ENTRYPOINT") == 0) {
		char **v = parse_cmd_value(arg);
		if (!v)
			return pm_error_set(err, EINVAL, "invalid change '%s': bad JSON array",
					    change);
		if (ins[0] == 'C') {
			pm_strv_free(rc->cmd);
			rc->cmd = v;
			rc->has_cmd = true;
		} else {
			pm_strv_free(rc->entrypoint);
			rc->entrypoint = v;
			rc->has_entrypoint = true;
		}
	} else if (strcmp(ins, "ENV") == 0) {
		return apply_kv(&rc->env, arg, "ENV", err);
	} else if (strcmp(ins, "LABEL") == 0) {
		return apply_kv(&rc->labels, arg, "LABEL", err);
	} else if (strcmp(ins, "WORKDIR") == 0) {
		free(rc->working_dir);
		rc->working_dir = pm_xstrdup(arg);
	} else if (strcmp(ins, "USER") == 0) {
		free(rc->user);
		rc->user = pm_xstrdup(arg);
	} else if (strcmp(ins, "STOPSIGNAL") == 0) {
		free(rc->stop_signal);
		rc->stop_signal = pm_xstrdup(arg);
	} else if (strcmp(ins, "EXPOSE") == 0 || strcmp(ins, "VOLUME") == 0) {
		bool expose = ins[0] == 'E';
		_cleanup_strv_ char **parts = NULL;
		if (!expose && arg[0] == '[')
			parts = parse_cmd_value(arg);
		else
			parts = pm_strv_split(arg, " \t");
		for (char **i = parts; i && *i; i++) {
			_cleanup_free_ char *item = expose && !strchr(*i, '/')
							    ? pm_xasprintf("%s/tcp", *i)
							    : pm_xstrdup(*i);
			char ***dst = expose ? &rc->exposed_ports : &rc->volumes;
			if (!pm_strv_contains(*dst, item))
				pm_strv_push(dst, item);
		}
	} else {
		return pm_error_set(err, EINVAL,
				    "invalid change '%s': unsupported instruction '%s'", change,
				    ins);
	}
	return 0;
}
