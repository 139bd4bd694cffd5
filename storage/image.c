/* image.c: image records (images/<id>.json) and blobs (blobs/sha256/): list, resolve,
 * create, tag, untag, remove, import. Owns images/ and blobs/; layers/ belong to
 * layerstore.c. Never prints. Called by archive.c, container.c and the cli commands. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/crashpoint.h"
#include "lib/fileutil.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "lib/timeutil.h"
#include "storage/digest.h"
#include "storage/image.h"
#include "storage/layerstore.h"
#include "storage/reference.h"

#define RECORD_MAX (1u << 20)

void pm_image_record_free(struct pm_image_record *r)
{
	if (!r)
		return;
	free(r->id);
	pm_strv_free(r->names);
	pm_strv_free(r->names_history);
	free(r->digest);
	free(r->manifest_type);
	pm_strv_free(r->layers);
	free(r->created);
	pm_strv_free(r->instances);
	memset(r, 0, sizeof(*r));
}

void pm_image_records_free(struct pm_image_record *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		pm_image_record_free(&v[i]);
	free(v);
}

char *pm_image_now_rfc3339(void)
{
	char buf[PM_TIME_BUF_LEN];
	pm_time_format_rfc3339_utc(pm_time_now_ns(), true, buf);
	return pm_xstrdup(buf);
}

int64_t pm_image_parse_time(const char *s)
{
	int64_t ns;
	if (pm_time_parse_rfc3339_utc_default(s, &ns) < 0)
		return 0;
	return pm_time_sec_floor(ns, NULL);
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

static json_t *strv_json(char *const *v)
{
	json_t *a = json_array();
	for (; v && *v; v++)
		json_array_append_new(a, json_string(*v));
	return a;
}

static char *record_path(const struct pm_store *s, const char *id)
{
	return pm_store_path(s, "images/%s.json", id);
}

static int read_record(const struct pm_store *s, const char *id, struct pm_image_record *ret,
		       pm_error **err)
{
	_cleanup_free_ char *p = record_path(s, id);
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = pm_read_file(p, RECORD_MAX, &data, &len, NULL);
	if (r < 0)
		return pm_error_set(err, -r, "%s: image not known", id);
	json_error_t je;
	_cleanup_json_ json_t *j = json_loadb(data, len, 0, &je);
	if (!json_is_object(j))
		return pm_error_set(err, EINVAL, "image record '%s' is corrupt", p);
	struct pm_image_record rec = {0};
	rec.id = pm_xstrdup(id);
	rec.names = jstrv(json_object_get(j, "names"));
	rec.names_history = jstrv(json_object_get(j, "namesHistory"));
	const char *d = json_string_value(json_object_get(j, "digest"));
	rec.digest = d ? pm_xstrdup(d) : NULL;
	const char *mt = json_string_value(json_object_get(j, "manifestType"));
	rec.manifest_type = pm_xstrdup(mt ? mt : PM_MT_OCI_MANIFEST);
	rec.layers = jstrv(json_object_get(j, "layers"));
	rec.n_layers = pm_strv_length(rec.layers);
	const char *c = json_string_value(json_object_get(j, "created"));
	rec.created = pm_xstrdup(c ? c : "");
	rec.created_unix = pm_image_parse_time(rec.created);
	rec.size = (uint64_t)json_integer_value(json_object_get(j, "size"));
	const char *ik;
	json_t *iv;
	json_object_foreach(json_object_get(j, "instances"), ik, iv)
		if (json_is_string(iv))
			pm_strv_consume(&rec.instances,
					pm_xasprintf("%s=%s", ik, json_string_value(iv)));
	*ret = rec;
	return 0;
}

static int write_record(const struct pm_store *s, const struct pm_image_record *rec, pm_error **err)
{
	_cleanup_json_ json_t *j = json_object();
	json_object_set_new(j, "id", json_string(rec->id));
	json_object_set_new(j, "names", strv_json(rec->names));
	json_object_set_new(j, "namesHistory", strv_json(rec->names_history));
	json_object_set_new(j, "digest", json_string(rec->digest ? rec->digest : ""));
	json_object_set_new(j, "manifestType", json_string(rec->manifest_type));
	json_object_set_new(j, "layers", strv_json(rec->layers));
	json_object_set_new(j, "created", json_string(rec->created ? rec->created : ""));
	json_object_set_new(j, "size", json_integer((json_int_t)rec->size));
	if (rec->instances) {
		json_t *inst = json_object();
		for (char **kv = rec->instances; *kv; kv++) {
			const char *eq = strchr(*kv, '=');
			if (!eq)
				continue;
			_cleanup_free_ char *k = pm_xstrndup(*kv, (size_t)(eq - *kv));
			json_object_set_new(inst, k, json_string(eq + 1));
		}
		json_object_set_new(j, "instances", inst);
	}
	_cleanup_free_ char *data = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	_cleanup_free_ char *p = record_path(s, rec->id);
	return pm_write_file_atomic(p, data, strlen(data), 0600, err);
}

static int cmp_created(const void *a, const void *b)
{
	const struct pm_image_record *x = a, *y = b;
	if (x->created_unix != y->created_unix)
		return x->created_unix < y->created_unix ? 1 : -1;
	return strcmp(x->id, y->id);
}

int pm_image_list(const struct pm_store *s, struct pm_image_record **ret, size_t *ret_n,
		  pm_error **err)
{
	_cleanup_free_ char *dir = pm_store_path(s, "images");
	_cleanup_closedir_ DIR *d = opendir(dir);
	if (!d)
		return pm_error_set_errno(err, errno, "reading '%s'", dir);
	struct pm_image_record *v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (l != PM_DIGEST_HEX_LEN + 5 ||
		    strcmp(de->d_name + PM_DIGEST_HEX_LEN, ".json") != 0)
			continue;
		_cleanup_free_ char *id = pm_xstrndup(de->d_name, PM_DIGEST_HEX_LEN);
		struct pm_image_record rec;
		if (read_record(s, id, &rec, NULL) < 0)
			continue; /* removed meanwhile */
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			v = pm_xrealloc(v, cap * sizeof(*v));
		}
		v[n++] = rec;
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_created);
	*ret = v;
	*ret_n = n;
	return 0;
}

static bool all_hex(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

static int take(struct pm_image_record *v, size_t i, struct pm_image_record *ret)
{
	*ret = v[i];
	memset(&v[i], 0, sizeof(v[i]));
	return 0;
}

int pm_image_resolve(const struct pm_store *s, const char *ref, struct pm_image_record *ret,
		     pm_error **err)
{
	if (!ref || !*ref)
		return pm_error_set(err, EINVAL, "invalid image reference: empty name");
	const char *idref = pm_str_startswith(ref, "sha256:") ? ref + 7 : ref;
	if (pm_digest_hex_valid(idref) && read_record(s, idref, ret, NULL) == 0)
		return 0;

	struct pm_image_record *v = NULL;
	size_t n = 0;
	int r = pm_image_list(s, &v, &n, err);
	if (r < 0)
		return r;
	r = -ENOENT;
	struct pm_reference pr = {0};
	bool parsed = pm_reference_parse(ref, PM_REF_LOCAL, &pr, NULL) >= 0;
	if (parsed && pr.digest) {
		/* NAME@sha256:... : the image whose manifest digest matches, in that repo */
		_cleanup_free_ char *want = pm_reference_repo(&pr);
		_cleanup_free_ char *suffix = pm_xasprintf("/%s", pr.path);
		_cleanup_free_ char *full = pm_reference_string(&pr);
		for (size_t i = 0; i < n && r < 0; i++) {
			/* a name REPO@DIGEST: pulled by that digest (an index's, say) */
			if (pm_strv_contains(v[i].names, full)) {
				r = take(v, i, ret);
				break;
			}
			if (!v[i].digest || strcmp(v[i].digest, pr.digest) != 0)
				continue;
			for (char **nm = v[i].names; nm && *nm && r < 0; nm++) {
				_cleanup_free_ char *repo = NULL, *tag = NULL;
				pm_reference_split_name(*nm, &repo, &tag);
				if (strcmp(repo, want) == 0 ||
				    (pr.short_name && pm_str_endswith(repo, suffix)))
					r = take(v, i, ret);
			}
		}
	} else if (parsed) {
		_cleanup_strv_ char **cands = pm_reference_candidates(ref);
		for (char **c = cands; c && *c && r < 0; c++)
			for (size_t i = 0; i < n && r < 0; i++)
				if (pm_strv_contains(v[i].names, *c))
					r = take(v, i, ret);
		if (r < 0 && pr.short_name) {
			/* any repository ending in /PATH with that tag */
			_cleanup_free_ char *suffix = pm_xasprintf("/%s:%s", pr.path, pr.tag);
			for (size_t i = 0; i < n && r < 0; i++)
				for (char **nm = v[i].names; nm && *nm && r < 0; nm++)
					if (pm_str_endswith(*nm, suffix))
						r = take(v, i, ret);
		}
	}
	pm_reference_free(&pr);
	if (r < 0 && all_hex(idref) && strlen(idref) < PM_DIGEST_HEX_LEN) {
		ssize_t found = -1;
		size_t matches = 0;
		for (size_t i = 0; i < n; i++)
			if (pm_str_startswith(v[i].id, idref)) {
				matches++;
				found = (ssize_t)i;
			}
		if (matches > 1) {
			pm_image_records_free(v, n);
			return pm_error_set(err, EINVAL,
					    "%s: ambiguous image ID prefix: %zu images match", ref,
					    matches);
		}
		if (matches == 1)
			r = take(v, (size_t)found, ret);
	}
	pm_image_records_free(v, n);
	if (r < 0)
		return pm_error_set(err, ENOENT, "%s: image not known", ref);
	return 0;
}

int pm_blob_put(const struct pm_store *s, const void *data, size_t len, char **ret_digest,
		pm_error **err)
{
	char hex[PM_DIGEST_HEX_LEN + 1];
	pm_digest_buffer(data, len, hex);
	_cleanup_free_ char *p = pm_store_path(s, "blobs/sha256/%s", hex);
	if (!pm_path_exists(p)) {
		int r = pm_write_file_atomic(p, data, len, 0600, err);
		if (r < 0)
			return r;
	}
	if (ret_digest)
		*ret_digest = pm_xasprintf("sha256:%s", hex);
	return 0;
}

int pm_blob_get(const struct pm_store *s, const char *digest, size_t max, char **ret,
		size_t *ret_len, pm_error **err)
{
	const char *hex = pm_digest_hex(digest);
	if (!hex)
		return pm_error_set(err, EINVAL, "invalid digest '%s'", digest ? digest : "");
	_cleanup_free_ char *p = pm_store_path(s, "blobs/sha256/%s", hex);
	int r = pm_read_file(p, max, ret, ret_len, NULL);
	if (r < 0)
		return pm_error_set(err, -r, "blob '%s' is not in the store", digest);
	return 0;
}

int pm_image_read_config(const struct pm_store *s, const struct pm_image_record *rec,
			 struct pm_image_config *ret, char **ret_raw, pm_error **err)
{
	if (pm_image_is_list(rec))
		/* a list has no config: what it names are the images to run or inspect */
		return pm_error_set(err, EINVAL,
				    "%s: image is a manifest list, not an image: use one of its "
				    "images (pm manifest inspect lists them)",
				    rec->names ? rec->names[0] : rec->id);
	_cleanup_free_ char *digest = pm_xasprintf("sha256:%s", rec->id);
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = pm_blob_get(s, digest, PM_MANIFEST_MAX, &data, &len, err);
	if (r < 0)
		return r;
	if (ret) {
		r = pm_image_config_parse(data, len, ret, err);
		if (r < 0)
			return r;
	}
	if (ret_raw)
		*ret_raw = TAKE_PTR(data);
	return 0;
}

int pm_image_read_manifest(const struct pm_store *s, const struct pm_image_record *rec,
			   char **ret_raw, size_t *ret_len, pm_error **err)
{
	return pm_blob_get(s, rec->digest, PM_MANIFEST_MAX, ret_raw, ret_len, err);
}

/* Remove name from every record but keep_id (caller holds images.lock). */
static int steal_name(const struct pm_store *s, const char *name, const char *keep_id,
		      pm_error **err)
{
	struct pm_image_record *v = NULL;
	size_t n = 0;
	int r = pm_image_list(s, &v, &n, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n && r >= 0; i++) {
		if ((keep_id && strcmp(v[i].id, keep_id) == 0) ||
		    !pm_strv_contains(v[i].names, name))
			continue;
		char **kept = NULL;
		for (char **nm = v[i].names; *nm; nm++)
			if (strcmp(*nm, name) != 0)
				pm_strv_push(&kept, *nm);
		pm_strv_free(v[i].names);
		v[i].names = kept;
		r = write_record(s, &v[i], err);
	}
	pm_image_records_free(v, n);
	return r;
}

static void add_name(struct pm_image_record *rec, const char *name)
{
	if (!pm_strv_contains(rec->names, name)) {
		/* podman lists the newest name first */
		char **nv = NULL;
		pm_strv_push(&nv, name);
		for (char **i = rec->names; i && *i; i++)
			pm_strv_push(&nv, *i);
		pm_strv_free(rec->names);
		rec->names = nv;
	}
	char **nh = NULL;
	pm_strv_push(&nh, name);
	for (char **i = rec->names_history; i && *i; i++)
		if (strcmp(*i, name) != 0)
			pm_strv_push(&nh, *i);
	pm_strv_free(rec->names_history);
	rec->names_history = nh;
}

int pm_image_create(const struct pm_store *s, const char *config, size_t config_len,
		    const char *manifest, size_t manifest_len, char *const *names, char **ret_id,
		    pm_error **err)
{
	struct pm_image_config cfg = {0};
	int r = pm_image_config_parse(config, config_len, &cfg, err);
	if (r < 0)
		return r;
	struct pm_image_record rec = {0};
	_cleanup_free_ char *cdigest = NULL, *mdigest = NULL;
	_cleanup_close_ int lock = -1;
	uint64_t size = 0;
	for (size_t i = 0; i < cfg.n_diff_ids; i++) {
		struct pm_layer_info li = {0};
		r = pm_layer_get(s, cfg.diff_ids[i], &li, err);
		if (r < 0)
			goto out;
		size += li.size;
		pm_layer_info_free(&li);
	}
	r = pm_blob_put(s, config, config_len, &cdigest, err);
	if (r < 0)
		goto out;
	r = pm_blob_put(s, manifest, manifest_len, &mdigest, err);
	if (r < 0)
		goto out;
	lock = pm_store_lock(s, "images", LOCK_EX, err);
	if (lock < 0) {
		r = lock;
		goto out;
	}
	const char *id = pm_digest_hex(cdigest);
	if (read_record(s, id, &rec, NULL) < 0) {
		rec.id = pm_xstrdup(id);
		for (size_t i = 0; i < cfg.n_diff_ids; i++)
			pm_strv_push(&rec.layers, cfg.diff_ids[i]);
		rec.n_layers = cfg.n_diff_ids;
		rec.created = pm_xstrdup(cfg.created ? cfg.created : "");
		rec.manifest_type = pm_xstrdup(PM_MT_OCI_MANIFEST);
	}
	struct pm_manifest m = {0};
	if (pm_manifest_parse(manifest, manifest_len, &m, NULL) == 0) {
		free(rec.manifest_type);
		rec.manifest_type = pm_xstrdup(m.media_type);
		pm_manifest_free(&m);
	}
	free(rec.digest);
	rec.digest = pm_xstrdup(mdigest);
	rec.size = size + config_len + 2 * manifest_len;
	for (char *const *nm = names; nm && *nm; nm++) {
		r = steal_name(s, *nm, id, err);
		if (r < 0)
			goto out;
		add_name(&rec, *nm);
	}
	r = write_record(s, &rec, err);
	if (r >= 0 && ret_id)
		*ret_id = pm_xstrdup(id);
out:
	pm_image_record_free(&rec);
	pm_image_config_free(&cfg);
	return r;
}

int pm_image_tag(const struct pm_store *s, const char *id, const char *name, pm_error **err)
{
	_cleanup_close_ int lock = pm_store_lock(s, "images", LOCK_EX, err);
	if (lock < 0)
		return lock;
	struct pm_image_record rec = {0};
	int r = read_record(s, id, &rec, err);
	if (r < 0)
		return r;
	r = steal_name(s, name, id, err);
	if (r >= 0) {
		add_name(&rec, name);
		r = write_record(s, &rec, err);
	}
	pm_image_record_free(&rec);
	return r;
}

int pm_image_untag(const struct pm_store *s, const char *id, const char *name, pm_error **err)
{
	_cleanup_close_ int lock = pm_store_lock(s, "images", LOCK_EX, err);
	if (lock < 0)
		return lock;
	struct pm_image_record rec = {0};
	int r = read_record(s, id, &rec, err);
	if (r < 0)
		return r;
	if (name && !pm_strv_contains(rec.names, name)) {
		pm_image_record_free(&rec);
		return pm_error_set(err, ENOENT, "%s: tag not known", name);
	}
	char **kept = NULL;
	for (char **nm = rec.names; name && nm && *nm; nm++)
		if (strcmp(*nm, name) != 0)
			pm_strv_push(&kept, *nm);
	pm_strv_free(rec.names);
	rec.names = kept;
	r = write_record(s, &rec, err);
	pm_image_record_free(&rec);
	return r;
}

/* The image of the root in cdir/ctr (storage.json), and its layers when ret_layers. */
static char *container_image(const char *cdir, const char *ctr, char ***ret_layers)
{
	_cleanup_free_ char *p = pm_xasprintf("%s/%s/storage.json", cdir, ctr);
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	if (pm_read_file(p, RECORD_MAX, &data, &len, NULL) < 0)
		return NULL;
	_cleanup_json_ json_t *j = json_loadb(data, len, 0, NULL);
	const char *img = json_string_value(json_object_get(j, "image"));
	if (ret_layers)
		*ret_layers = jstrv(json_object_get(j, "layers"));
	return img ? pm_xstrdup(img) : NULL;
}

/* The directories container roots are in: <root>/containers, and the ephemeral one under
 * the runroot (store.h) */
static char **container_dirs(const struct pm_store *s)
{
	char **v = NULL;
	pm_strv_consume(&v, pm_store_path(s, "containers"));
	char *eph = pm_store_eph_path(s, "containers");
	if (eph)
		pm_strv_consume(&v, eph);
	return v;
}

char **pm_image_users(const struct pm_store *s, const char *id)
{
	_cleanup_strv_ char **dirs = container_dirs(s);
	char **v = NULL;
	for (char **dir = dirs; *dir; dir++) {
		_cleanup_closedir_ DIR *d = opendir(*dir);
		struct dirent *de;
		while (d && (de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			_cleanup_free_ char *img = container_image(*dir, de->d_name, NULL);
			if (img && strcmp(img, id) == 0)
				pm_strv_push(&v, de->d_name);
		}
	}
	return v;
}

/* Remove what a killed writer left in dir: its ".NAME.tmpXXXXXX" files
 * (pm_write_file_atomic), and with blobs (keep non-NULL) every blob no record names. */
static void collect_dir(const char *dir, char *const *keep)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		bool stale = de->d_name[0] == '.' && strstr(de->d_name, ".tmp");
		if (!stale && (!keep || !pm_digest_hex_valid(de->d_name) ||
			       pm_strv_contains(keep, de->d_name)))
			continue;
		pm_log_debug("collecting %s/%s", dir, de->d_name);
		unlinkat(dirfd(d), de->d_name, 0);
	}
}

int pm_image_collect_layers(const struct pm_store *s, pm_error **err)
{
	_cleanup_close_ int lock = pm_store_lock(s, "layers", LOCK_EX, err);
	if (lock < 0)
		return lock;
	/* nobody adds layers or blobs now: whatever a killed pm left in tmp/ can go */
	pm_store_clean_tmp(s);
	char **keep = NULL;
	char **blobs = NULL;
	struct pm_image_record *v = NULL;
	size_t n = 0;
	int r;
	{
		_cleanup_close_ int ilock = pm_store_lock(s, "images", LOCK_EX, err);
		if (ilock < 0)
			return ilock;
		r = pm_image_list(s, &v, &n, err);
		if (r < 0)
			return r;
		_cleanup_free_ char *idir = pm_store_path(s, "images");
		collect_dir(idir, NULL);
	}
	for (size_t i = 0; i < n; i++) {
		for (char **l = v[i].layers; l && *l; l++)
			if (!pm_strv_contains(keep, *l))
				pm_strv_push(&keep, *l);
		pm_strv_push(&blobs, v[i].id);
		if (pm_digest_hex(v[i].digest))
			pm_strv_push(&blobs, pm_digest_hex(v[i].digest));
	}
	pm_image_records_free(v, n);
	/* a config or manifest blob no record names: left by a killed create or rmi */
	_cleanup_free_ char *bdir = pm_store_path(s, "blobs/sha256");
	collect_dir(bdir, blobs ? blobs : (char *[]){NULL});
	pm_strv_free(blobs);
	_cleanup_strv_ char **dirs = container_dirs(s);
	for (char **dir = dirs; *dir; dir++) {
		_cleanup_closedir_ DIR *d = opendir(*dir);
		struct dirent *de;
		while (d && (de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			char **layers = NULL;
			free(container_image(*dir, de->d_name, &layers));
			for (char **l = layers; l && *l; l++)
				if (!pm_strv_contains(keep, *l))
					pm_strv_push(&keep, *l);
			pm_strv_free(layers);
		}
	}
	r = pm_layer_collect(s, keep, err);
	pm_strv_free(keep);
	return r;
}

/* Whether any record names manifest digest (caller holds images.lock). */
static bool manifest_in_use(const struct pm_store *s, const char *digest)
{
	struct pm_image_record *v = NULL;
	size_t n = 0;
	if (pm_image_list(s, &v, &n, NULL) < 0)
		return true;
	bool used = false;
	for (size_t i = 0; i < n && !used; i++)
		used = v[i].digest && strcmp(v[i].digest, digest) == 0;
	pm_image_records_free(v, n);
	return used;
}

int pm_image_remove(const struct pm_store *s, const char *id, bool force, pm_error **err)
{
	_cleanup_strv_ char **users = pm_image_users(s, id);
	if (users && !force)
		return pm_error_set(err, EBUSY,
				    "image used by %s: image is in use by a container: consider "
				    "listing external containers and force-removing image",
				    users[0]);
	{
		_cleanup_close_ int lock = pm_store_lock(s, "images", LOCK_EX, err);
		if (lock < 0)
			return lock;
		struct pm_image_record rec = {0};
		bool have = read_record(s, id, &rec, NULL) >= 0;
		_cleanup_free_ char *p = record_path(s, id);
		if (unlink(p) < 0) {
			int e = errno;
			pm_image_record_free(&rec);
			return pm_error_set_errno(err, e, "removing image '%s'", id);
		}
		pm_crash_point("mid-rmi");
		/* the config blob is this image's (its digest is the id); so is the manifest,
		 * which names the config, unless another record says otherwise */
		_cleanup_free_ char *cfg = pm_store_path(s, "blobs/sha256/%s", id);
		unlink(cfg);
		const char *mhex = have ? pm_digest_hex(rec.digest) : NULL;
		if (mhex && !manifest_in_use(s, rec.digest)) {
			_cleanup_free_ char *man = pm_store_path(s, "blobs/sha256/%s", mhex);
			unlink(man);
		}
		pm_image_record_free(&rec);
	}
	int r = pm_image_collect_layers(s, err);
	return r < 0 ? r : 0;
}

bool pm_image_is_list(const struct pm_image_record *r)
{
	return r->manifest_type && (strcmp(r->manifest_type, PM_MT_OCI_INDEX) == 0 ||
				    strcmp(r->manifest_type, PM_MT_DOCKER_LIST) == 0);
}

static int name_owner(const struct pm_store *s, const char *name, char **ret_id)
{
	struct pm_image_record *v = NULL;
	size_t n = 0;
	int r = pm_image_list(s, &v, &n, NULL);
	if (r < 0)
		return 0;
	for (size_t i = 0; i < n && !*ret_id; i++)
		if (pm_strv_contains(v[i].names, name))
			*ret_id = pm_xstrdup(v[i].id);
	pm_image_records_free(v, n);
	return 0;
}

int pm_image_list_save(const struct pm_store *s, const char *id, const char *name,
		       const char *index, size_t len, const char *media_type,
		       char *const *instances, char **ret_id, pm_error **err)
{
	_cleanup_close_ int lock = pm_store_lock(s, "images", LOCK_EX, err);
	if (lock < 0)
		return lock;
	_cleanup_free_ char *digest = NULL;
	int r = pm_blob_put(s, index, len, &digest, err);
	if (r < 0)
		return r;
	struct pm_image_record rec = {0};
	if (id) {
		r = read_record(s, id, &rec, err);
		if (r < 0)
			return r;
	} else {
		_cleanup_free_ char *owner = NULL;
		name_owner(s, name, &owner);
		if (owner)
			return pm_error_set(
				err, EEXIST,
				"creating image to hold manifest list: image name \"%s\" "
				"is already associated with image \"%s\": that name is "
				"already in use",
				name, owner);
		rec.id = pm_random_id();
		pm_strv_push(&rec.names, name);
		rec.created = pm_image_now_rfc3339();
	}
	_cleanup_free_ char *old_digest = rec.digest;
	rec.digest = TAKE_PTR(digest);
	free(rec.manifest_type);
	rec.manifest_type = pm_xstrdup(media_type);
	pm_strv_free(rec.instances);
	rec.instances = pm_strv_copy(instances);
	rec.size = len;
	r = write_record(s, &rec, err);
	if (r >= 0 && old_digest && strcmp(old_digest, rec.digest) != 0 &&
	    !manifest_in_use(s, old_digest)) {
		_cleanup_free_ char *p =
			pm_store_path(s, "blobs/sha256/%s", pm_digest_hex(old_digest));
		unlink(p);
	}
	if (r >= 0 && ret_id)
		*ret_id = pm_xstrdup(rec.id);
	pm_image_record_free(&rec);
	return r;
}

static char *host_arch(void)
{
	struct utsname u;
	uname(&u);
	if (strcmp(u.machine, "x86_64") == 0)
		return pm_xstrdup("amd64");
	if (strcmp(u.machine, "aarch64") == 0)
		return pm_xstrdup("arm64");
	return pm_xstrdup(u.machine);
}

int pm_image_import(const struct pm_store *s, pm_read_fn rd, void *rd_ctx, char *const *names,
		    char *const *changes, const char *message, char **ret_id, pm_error **err)
{
	return pm_image_import_at(s, rd, rd_ctx, names, changes, message, 0, ret_id, err);
}

int pm_image_import_at(const struct pm_store *s, pm_read_fn rd, void *rd_ctx, char *const *names,
		       char *const *changes, const char *message, int64_t created_ns, char **ret_id,
		       pm_error **err)
{
	struct pm_image_config cfg = {0};
	struct pm_layer_info li = {0};
	struct pm_manifest m = {0};
	_cleanup_free_ char *config = NULL, *manifest = NULL;
	int r = 0;
	_cleanup_close_ int lock = -1;
	for (char *const *c = changes; c && *c; c++) {
		r = pm_runconfig_apply_change(&cfg.config, *c, err);
		if (r < 0)
			goto out;
	}
	lock = pm_store_lock(s, "layers", LOCK_SH, err);
	if (lock < 0) {
		r = lock;
		goto out;
	}
	r = pm_layer_ingest(s, rd, rd_ctx, NULL, NULL, &li, err);
	if (r < 0)
		goto out;
	pm_crash_point("mid-import");
	if (created_ns > 0) {
		char buf[PM_TIME_BUF_LEN];
		pm_time_format_rfc3339_utc(created_ns, true, buf);
		cfg.created = pm_xstrdup(buf);
	} else {
		cfg.created = pm_image_now_rfc3339();
	}
	cfg.architecture = host_arch();
	cfg.os = pm_xstrdup("linux");
	cfg.diff_ids = pm_xcalloc(2, sizeof(char *));
	cfg.diff_ids[0] = pm_xstrdup(li.diff_id);
	cfg.n_diff_ids = 1;
	cfg.history = pm_xcalloc(1, sizeof(*cfg.history));
	cfg.n_history = 1;
	cfg.history[0].created = pm_xstrdup(cfg.created);
	cfg.history[0].created_by =
		pm_xasprintf("/bin/sh -c #(nop) ADD file:%s in /", pm_digest_hex(li.diff_id));
	cfg.history[0].comment =
		pm_xstrdup(message && *message ? message : "imported from tarball");
	config = pm_image_config_to_json(&cfg);
	char hex[PM_DIGEST_HEX_LEN + 1];
	pm_digest_buffer(config, strlen(config), hex);
	m.media_type = pm_xstrdup(PM_MT_OCI_MANIFEST);
	m.config.media_type = pm_xstrdup(PM_MT_OCI_CONFIG);
	m.config.digest = pm_xasprintf("sha256:%s", hex);
	m.config.size = (int64_t)strlen(config);
	m.layers = pm_xcalloc(1, sizeof(*m.layers));
	m.n_layers = 1;
	m.layers[0].media_type = pm_xstrdup(li.media_type);
	m.layers[0].digest = pm_xstrdup(li.digest);
	m.layers[0].size = (int64_t)li.blob_size;
	manifest = pm_manifest_to_json(&m);
	r = pm_image_create(s, config, strlen(config), manifest, strlen(manifest), names, ret_id,
			    err);
out:
	pm_manifest_free(&m);
	pm_layer_info_free(&li);
	pm_image_config_free(&cfg);
	return r;
}

/* A layer's media type in a Docker v2s2 manifest. */
static const char *docker_layer_type(const char *oci)
{
	if (oci && strstr(oci, "gzip"))
		return PM_MT_DOCKER_LAYER_GZIP;
	return PM_MT_DOCKER_LAYER;
}

int pm_image_create_from_config(const struct pm_store *s, const struct pm_image_config *cfg,
				char *const *names, char **ret_id, pm_error **err)
{
	return pm_image_create_from_config_fmt(s, cfg, false, NULL, names, ret_id, err);
}

int pm_image_create_from_config_fmt(const struct pm_store *s, const struct pm_image_config *cfg,
				    bool docker, char *const *annotations, char *const *names,
				    char **ret_id, pm_error **err)
{
	_cleanup_free_ char *config = pm_image_config_to_json(cfg);
	char hex[PM_DIGEST_HEX_LEN + 1];
	pm_digest_buffer(config, strlen(config), hex);
	struct pm_manifest m = {
		.media_type = pm_xstrdup(docker ? PM_MT_DOCKER_MANIFEST : PM_MT_OCI_MANIFEST),
		.config = {.media_type =
				   pm_xstrdup(docker ? PM_MT_DOCKER_CONFIG : PM_MT_OCI_CONFIG),
			   .digest = pm_xasprintf("sha256:%s", hex),
			   .size = (int64_t)strlen(config)},
		.layers = pm_xcalloc(cfg->n_diff_ids + 1, sizeof(struct pm_descriptor)),
	};
	int r = 0;
	_cleanup_free_ char *manifest = NULL;
	for (size_t i = 0; i < cfg->n_diff_ids; i++) {
		struct pm_layer_info l = {0};
		r = pm_layer_get(s, cfg->diff_ids[i], &l, err);
		if (r < 0)
			goto out;
		m.layers[i].media_type = docker ? pm_xstrdup(docker_layer_type(l.media_type))
						: TAKE_PTR(l.media_type);
		m.layers[i].digest = TAKE_PTR(l.digest);
		m.layers[i].size = (int64_t)l.blob_size;
		m.n_layers++;
		pm_layer_info_free(&l);
	}
	if (!docker)
		m.annotations = pm_strv_copy(annotations);
	manifest = pm_manifest_to_json(&m);
	r = pm_image_create(s, config, strlen(config), manifest, strlen(manifest), names, ret_id,
			    err);
out:
	pm_manifest_free(&m);
	return r;
}
