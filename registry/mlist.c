/* mlist.c: manifest list entries from images and registries, and the push of a list
 * (mlist.h). Never prints. Called by cli/cmd-manifest.c. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/strutil.h"
#include "lib/json.h"
#include "registry/client-internal.h"
#include "registry/conf.h"
#include "registry/mlist.h"
#include "registry/platform.h"
#include "storage/digest.h"
#include "storage/image.h"
#include "storage/manifest.h"
#include "storage/reference.h"

#define CS_PREFIX "containers-storage:"

static void entries_free(struct pm_mlist_entry *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		pm_mlist_entry_free(&v[i]);
	free(v);
}

static int local_entry(const struct pm_store *s, const struct pm_image_record *rec,
		       struct pm_mlist_entry *ret, pm_error **err)
{
	_cleanup_free_ char *man = NULL;
	size_t len = 0;
	int r = pm_image_read_manifest(s, rec, &man, &len, err);
	if (r < 0)
		return r;
	struct pm_image_config cfg = {0};
	r = pm_image_read_config(s, rec, &cfg, NULL, err);
	if (r < 0)
		return r;
	*ret = (struct pm_mlist_entry){
		.media_type = pm_xstrdup(rec->manifest_type),
		.digest = pm_xstrdup(rec->digest),
		.size = (int64_t)len,
		.arch = cfg.architecture ? pm_xstrdup(cfg.architecture) : NULL,
		.os = cfg.os ? pm_xstrdup(cfg.os) : NULL,
		.variant = cfg.variant ? pm_xstrdup(cfg.variant) : NULL,
		.source = pm_xasprintf(CS_PREFIX "%s", rec->id),
	};
	pm_image_config_free(&cfg);
	return 0;
}

static bool doc_is_index(const struct pm_registry_doc *d)
{
	if (d->media_type && (strcmp(d->media_type, PM_MT_OCI_INDEX) == 0 ||
			      strcmp(d->media_type, PM_MT_DOCKER_LIST) == 0))
		return true;
	if (d->media_type && (strcmp(d->media_type, PM_MT_OCI_MANIFEST) == 0 ||
			      strcmp(d->media_type, PM_MT_DOCKER_MANIFEST) == 0))
		return false;
	return pm_manifest_kind(d->data, d->len) == PM_DOC_INDEX;
}

static int session(const char *host, const struct pm_registry_opts *ro, struct pm_registry **ret,
		   pm_error **err)
{
	_cleanup_registry_ struct pm_registry *reg = NULL;
	int r = pm_registry_open(host, ro, &reg, err);
	if (r >= 0)
		r = pm_registry_ensure_ping(reg, err);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(reg);
	return 0;
}

static struct pm_mlist_entry from_descriptor(const struct pm_descriptor *d, const char *repo)
{
	return (struct pm_mlist_entry){
		.media_type = pm_xstrdup(d->media_type ? d->media_type : PM_MT_OCI_MANIFEST),
		.digest = pm_xstrdup(d->digest),
		.size = d->size,
		.arch = d->arch ? pm_xstrdup(d->arch) : NULL,
		.os = d->os ? pm_xstrdup(d->os) : NULL,
		.variant = d->variant ? pm_xstrdup(d->variant) : NULL,
		.source = pm_xasprintf("docker://%s@%s", repo, d->digest),
	};
}

static int remote_entries(const struct pm_reference *ref, const struct pm_registry_opts *ro,
			  bool all, struct pm_mlist_entry **ret, size_t *ret_n, pm_error **err)
{
	_cleanup_registry_ struct pm_registry *reg = NULL;
	int r = session(ref->domain, ro, &reg, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *repo = pm_reference_repo(ref);
	struct pm_registry_doc doc = {0};
	r = pm_registry_get_manifest(reg, ref->path, ref->digest ? ref->digest : ref->tag, &doc,
				     err);
	if (r < 0)
		return r;
	struct pm_mlist_entry *v = NULL;
	size_t n = 0;
	if (doc_is_index(&doc)) {
		struct pm_index idx = {0};
		r = pm_index_parse(doc.data, doc.len, &idx, err);
		if (r >= 0 && all) {
			v = pm_xcalloc(idx.n_manifests + 1, sizeof(*v));
			for (size_t i = 0; i < idx.n_manifests; i++)
				v[n++] = from_descriptor(&idx.manifests[i], repo);
		} else if (r >= 0) {
			struct pm_platform want = {0};
			size_t i = 0;
			pm_platform_wanted(NULL, NULL, NULL, &want);
			r = pm_platform_choose(&idx, &want, &i, err);
			pm_platform_free(&want);
			if (r >= 0) {
				v = pm_xcalloc(2, sizeof(*v));
				v[n++] = from_descriptor(&idx.manifests[i], repo);
			}
		}
		pm_index_free(&idx);
	} else {
		struct pm_manifest m = {0};
		_cleanup_free_ char *config = NULL;
		size_t clen = 0;
		struct pm_image_config cfg = {0};
		r = pm_manifest_parse(doc.data, doc.len, &m, err);
		if (r >= 0)
			r = pm_registry_get_blob_mem(reg, ref->path, m.config.digest,
						     PM_MANIFEST_MAX, &config, &clen, err);
		if (r >= 0)
			r = pm_image_config_parse(config, clen, &cfg, err);
		if (r >= 0) {
			struct pm_descriptor d = {.media_type = m.media_type,
						  .digest = doc.digest,
						  .size = (int64_t)doc.len,
						  .arch = cfg.architecture,
						  .os = cfg.os,
						  .variant = cfg.variant};
			v = pm_xcalloc(2, sizeof(*v));
			v[n++] = from_descriptor(&d, repo);
		}
		pm_image_config_free(&cfg);
		pm_manifest_free(&m);
	}
	pm_registry_doc_free(&doc);
	if (r < 0) {
		entries_free(v, n);
		return r;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

int pm_mlist_entries_for(const struct pm_store *s, const char *ref,
			 const struct pm_registry_opts *ro, bool all, struct pm_mlist_entry **ret,
			 size_t *ret_n, pm_error **err)
{
	struct pm_image_record rec = {0};
	int r;
	bool cs = pm_str_startswith(ref, CS_PREFIX);
	if (cs ||
	    (!pm_str_startswith(ref, "docker://") && pm_image_resolve(s, ref, &rec, NULL) >= 0)) {
		const char *name = cs ? ref + strlen(CS_PREFIX) : ref;
		if (cs)
			r = pm_image_resolve(s, name, &rec, err);
		else
			r = 0;
		if (r >= 0 && pm_image_is_list(&rec))
			r = pm_error_set(err, EINVAL,
					 "%s: adding a manifest list to a manifest "
					 "list is not supported",
					 name);
		struct pm_mlist_entry *v = pm_xcalloc(2, sizeof(*v));
		if (r >= 0)
			r = local_entry(s, &rec, &v[0], err);
		pm_image_record_free(&rec);
		if (r < 0) {
			free(v);
			return pm_error_prefix(err,
					       "setting up to read manifest and configuration from "
					       "\"" CS_PREFIX "%s\"",
					       name);
		}
		*ret = v;
		*ret_n = 1;
		return 0;
	}
	const char *name = pm_str_startswith(ref, "docker://") ? ref + strlen("docker://") : ref;
	struct pm_reference pr = {0};
	r = pm_reference_parse(name, PM_REF_DOCKER, &pr, err);
	if (r >= 0)
		r = remote_entries(&pr, ro, all, ret, ret_n, err);
	bool plain =
		!strchr(name, '@') && !strchr(strrchr(name, '/') ? strrchr(name, '/') : name, ':');
	pm_reference_free(&pr);
	if (r < 0)
		return pm_error_prefix(err,
				       "setting up to read manifest and configuration from "
				       "\"docker://%s%s\"",
				       name, plain ? ":latest" : "");
	return 0;
}

/* ---- push ------------------------------------------------------------------------------- */

static void list_emit(const struct pm_mlist_push_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void list_emit(const struct pm_mlist_push_opts *o, const char *fmt, ...)
{
	if (!o->list_event)
		return;
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *line = NULL;
	if (vasprintf(&line, fmt, ap) < 0)
		line = NULL;
	va_end(ap);
	if (line)
		o->list_event(o->list_event_ctx, line);
}

static void push_emit(const struct pm_push_opts *o, enum pm_push_event ev, const char *arg)
{
	if (o->event)
		o->event(o->event_ctx, ev, arg);
}

static int copy_blob(struct pm_registry *src, const char *src_repo, struct pm_registry *dst,
		     const char *dst_repo, bool same_host, const char *digest, int64_t size,
		     pm_error **err)
{
	int r = pm_registry_blob_exists(dst, dst_repo, digest, err);
	if (r != 0)
		return r < 0 ? r : 0;
	if (same_host && pm_registry_mount_blob(dst, dst_repo, digest, src_repo, NULL) > 0)
		return 0;
	struct pm_registry_blob *b = NULL;
	r = pm_registry_blob_open(src, src_repo, digest, size > 0 ? (uint64_t)size : 0, &b, err);
	if (r < 0)
		return r;
	r = pm_registry_put_blob(dst, dst_repo, digest, size > 0 ? (uint64_t)size : 0,
				 pm_registry_blob_read, b, err);
	_cleanup_error_ pm_error *cerr = NULL;
	int c = pm_registry_blob_close(b, &cerr);
	if (r >= 0 && c < 0) {
		pm_error_propagate(err, TAKE_PTR(cerr));
		r = c;
	}
	return r;
}

/* A registry's instance (source "docker://HOST/REPO@DIGEST") into dst's repository. */
static int copy_remote(const char *source, struct pm_registry *dst, const struct pm_reference *d,
		       const struct pm_mlist_push_opts *o, pm_error **err)
{
	struct pm_reference sr = {0};
	int r = pm_reference_parse(source + strlen("docker://"), PM_REF_DOCKER, &sr, err);
	if (r < 0)
		return r;
	_cleanup_registry_ struct pm_registry *src = NULL;
	struct pm_registry_doc doc = {0};
	struct pm_manifest m = {0};
	r = session(sr.domain, &o->push.reg, &src, err);
	if (r >= 0)
		r = pm_registry_get_manifest(src, sr.path, sr.digest, &doc, err);
	if (r >= 0)
		r = pm_manifest_parse(doc.data, doc.len, &m, err);
	if (r < 0)
		goto out;
	bool same = strcmp(sr.domain, d->domain) == 0;
	push_emit(&o->push, PM_PUSH_SIGNATURES, NULL);
	for (size_t i = 0; i < m.n_layers && r >= 0; i++) {
		push_emit(&o->push, PM_PUSH_BLOB, m.layers[i].digest);
		r = copy_blob(src, sr.path, dst, d->path, same, m.layers[i].digest,
			      m.layers[i].size, err);
	}
	if (r >= 0) {
		push_emit(&o->push, PM_PUSH_CONFIG, m.config.digest);
		r = copy_blob(src, sr.path, dst, d->path, same, m.config.digest, m.config.size,
			      err);
	}
	if (r >= 0) {
		push_emit(&o->push, PM_PUSH_MANIFEST, NULL);
		r = pm_registry_put_manifest(dst, d->path, sr.digest, doc.media_type, doc.data,
					     doc.len, err);
	}
	if (r >= 0 && o->push.sign) {
		push_emit(&o->push, PM_PUSH_SIGNING, NULL);
		r = pm_sign_digest(d, sr.digest, o->push.sign, err);
		if (r < 0)
			pm_error_prefix(err, "creating signature");
	}
	if (r >= 0)
		push_emit(&o->push, PM_PUSH_DONE, NULL);
out:
	pm_manifest_free(&m);
	pm_registry_doc_free(&doc);
	pm_reference_free(&sr);
	return r;
}

static const char *source_of(char *const *instances, const char *digest)
{
	size_t l = strlen(digest);
	for (; instances && *instances; instances++)
		if (strncmp(*instances, digest, l) == 0 && (*instances)[l] == '=')
			return *instances + l + 1;
	return NULL;
}

int pm_mlist_push(const struct pm_store *s, const char *list_id, const char *dest,
		  struct pm_mlist_push_opts *o, char **ret_digest, pm_error **err)
{
	struct pm_reference d = {0};
	struct pm_image_record rec = {0};
	struct pm_mlist l = {0};
	_cleanup_free_ char *raw = NULL, *doc = NULL, *ldigest = NULL;
	_cleanup_registry_ struct pm_registry *reg = NULL;
	size_t len = 0;
	int r = pm_push_parse_dest(dest, &d, err);
	if (r >= 0)
		r = pm_image_resolve(s, list_id, &rec, err);
	if (r >= 0)
		r = pm_image_read_manifest(s, &rec, &raw, &len, err);
	if (r >= 0)
		r = pm_mlist_parse(raw, len, &l, err);
	if (r < 0)
		goto out;
	struct pm_registry_opts ro = o->push.reg;
	r = session(d.domain, &ro, &reg, err);
	if (r < 0)
		goto out;
	list_emit(o, "Getting image list signatures");
	size_t n = o->all ? l.n : 0;
	list_emit(o, "Copying %zu of %zu images in list", n, l.n);
	for (size_t i = 0; i < n; i++) {
		struct pm_mlist_entry *e = &l.v[i];
		list_emit(o, "Copying image %s (%zu/%zu)", e->digest, i + 1, n);
		const char *src = source_of(rec.instances, e->digest);
		if (src && pm_str_startswith(src, "docker://")) {
			r = copy_remote(src, reg, &d, o, err);
		} else if (src && pm_str_startswith(src, CS_PREFIX)) {
			_cleanup_free_ char *pushed = NULL;
			o->push.by_digest = true;
			r = pm_push(s, src + strlen(CS_PREFIX), dest, &o->push, &pushed, err);
			if (r >= 0) {
				free(e->digest);
				e->digest = TAKE_PTR(pushed);
				free(e->media_type);
				e->media_type = pm_xstrdup(o->push.ret_media_type);
				e->size = o->push.ret_size;
			}
		} else {
			r = pm_error_set(err, ENOENT, "%s: no source known for instance %s",
					 list_id, e->digest);
		}
		if (r < 0) {
			pm_error_prefix(err, "copying image %s", e->digest);
			goto out;
		}
	}
	const char *mt = o->push.format == PM_PUSH_V2S2 ? PM_MT_DOCKER_LIST : PM_MT_OCI_INDEX;
	doc = pm_mlist_to_json(&l, mt);
	list_emit(o, "Writing manifest list to image destination");
	r = pm_registry_put_manifest(reg, d.path, d.tag, mt, doc, strlen(doc), err);
	if (r < 0) {
		pm_error_prefix(err, "writing manifest list");
		goto out;
	}
	char hex[PM_DIGEST_HEX_LEN + 1];
	pm_digest_buffer(doc, strlen(doc), hex);
	ldigest = pm_xasprintf("sha256:%s", hex);
	if (o->push.sign) {
		/* as c/image's copy of a list: each instance and the list itself signed */
		list_emit(o, "Signing manifest using simple signing");
		r = pm_sign_digest(&d, ldigest, o->push.sign, err);
		if (r < 0) {
			pm_error_prefix(err, "creating signature");
			goto out;
		}
	}
	list_emit(o, "Storing list signatures");
	if (ret_digest)
		*ret_digest = TAKE_PTR(ldigest);
out:
	pm_mlist_free(&l);
	pm_image_record_free(&rec);
	pm_reference_free(&d);
	return r;
}

/* ---- inspect of a registry's list ------------------------------------------------------- */

int pm_mlist_inspect_remote(const char *ref, const struct pm_registry_opts *ro, char **ret_json,
			    pm_error **err)
{
	const char *name = pm_str_startswith(ref, "docker://") ? ref + strlen("docker://") : ref;
	_cleanup_registries_conf_ struct pm_registries_conf *conf = NULL;
	_cleanup_strv_ char **cands = NULL;
	int r = pm_registries_conf_load(&conf, err);
	if (r < 0)
		return r;
	struct pm_reference pr = {0};
	r = pm_reference_parse(name, PM_REF_DOCKER, &pr, err);
	if (r < 0)
		return r;
	if (pr.short_name) {
		bool alias = false;
		pm_reference_free(&pr);
		r = pm_registries_short_name(conf, name, &cands, &alias, err);
		if (r < 0)
			return r;
		if (!cands || !cands[0])
			return pm_error_set(err, ENOENT, "%s: image not known", name);
		r = pm_reference_parse(cands[0], PM_REF_DOCKER, &pr, err);
		if (r < 0)
			return r;
	}
	_cleanup_free_ char *full = pm_reference_string(&pr);
	struct pm_registry_opts o = *ro;
	if (o.tls_verify < 0)
		o.tls_verify = pm_registries_insecure(conf, pr.domain) ? 0 : 1;
	_cleanup_registry_ struct pm_registry *reg = NULL;
	struct pm_registry_doc doc = {0};
	r = session(pr.domain, &o, &reg, err);
	if (r >= 0)
		r = pm_registry_get_manifest(reg, pr.path, pr.digest ? pr.digest : pr.tag, &doc,
					     err);
	pm_reference_free(&pr);
	if (r < 0)
		return pm_error_prefix(err, "reading image \"docker://%s\"", full);
	if (doc_is_index(&doc)) {
		/* podman 4.3 shows an index as the Docker list it would store */
		struct pm_mlist l = {0};
		r = pm_mlist_parse(doc.data, doc.len, &l, err);
		pm_registry_doc_free(&doc);
		if (r < 0)
			return pm_error_prefix(err, "reading image \"docker://%s\"", full);
		*ret_json = pm_mlist_inspect_json(&l);
		pm_mlist_free(&l);
		return 0;
	}
	json_error_t je;
	_cleanup_json_ json_t *j = json_loadb(doc.data, doc.len, 0, &je);
	pm_registry_doc_free(&doc);
	if (!j)
		return pm_error_set(err, EBADMSG, "reading image \"docker://%s\": %s", full,
				    je.text);
	*ret_json = json_dumps(j, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
	return 0;
}
