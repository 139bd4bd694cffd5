/* archive.c: load and save docker-archive, oci-archive and oci-dir (see archive.h).
 * Owns the archive formats only: layers go through layerstore.c, records through image.c.
 * Never prints. Called by cli/cmd-load.c and cli/cmd-save.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/crashpoint.h"
#include "lib/fileutil.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "storage/archive.h"
#include "storage/digest.h"
#include "storage/dl-archive.h"
#include "storage/image.h"
#include "storage/layerstore.h"
#include "storage/manifest.h"
#include "storage/reference.h"

#define SMALL_MAX (8u << 20)

int pm_archive_format_parse(const char *s, enum pm_archive_format *ret, pm_error **err)
{
	if (strcmp(s, "docker-archive") == 0)
		*ret = PM_ARCHIVE_DOCKER;
	else if (strcmp(s, "oci-archive") == 0)
		*ret = PM_ARCHIVE_OCI;
	else if (strcmp(s, "oci-dir") == 0)
		*ret = PM_ARCHIVE_OCI_DIR;
	else
		return pm_error_set(
			err, EINVAL,
			"unsupported format '%s' (use docker-archive, oci-archive or oci-dir)", s);
	return 0;
}

/* ---- a source: a tar (read twice) or a directory -------------------------------------- */

struct file {
	char *name;
	char *data; /* small files only */
	size_t len;
};

struct source {
	const char *path; /* tar file or directory */
	bool dir;
	struct file *files;
	size_t n_files;
};

static void source_free(struct source *src)
{
	for (size_t i = 0; i < src->n_files; i++) {
		free(src->files[i].name);
		free(src->files[i].data);
	}
	free(src->files);
}

static const struct file *source_get(const struct source *src, const char *name)
{
	_cleanup_free_ char *clean = pm_layer_clean_path(name);
	for (size_t i = 0; clean && i < src->n_files; i++)
		if (strcmp(src->files[i].name, clean) == 0)
			return &src->files[i];
	return NULL;
}

static struct archive *open_tar(const char *path, pm_error **err)
{
	struct archive *a = sym_archive_read_new();
	if (!a)
		abort();
	sym_archive_read_support_filter_gzip(a);
	sym_archive_read_support_filter_zstd(a);
	sym_archive_read_support_filter_xz(a);
	sym_archive_read_support_format_tar(a);
	if (sym_archive_read_open_filename(a, path, 1 << 20) != ARCHIVE_OK) {
		pm_error_set(err, EINVAL, "'%s': %s", path, sym_archive_error_string(a));
		sym_archive_read_free(a);
		return NULL;
	}
	return a;
}

static bool wanted_small(const char *name, int64_t size)
{
	if (size < 0 || (uint64_t)size > SMALL_MAX)
		return false;
	return pm_str_endswith(name, ".json") || strcmp(name, "repositories") == 0 ||
	       strcmp(name, "oci-layout") == 0 || pm_str_startswith(name, "blobs/") ||
	       !strchr(name, '/');
}

/* Pass 1: list entries, keep small metadata files in memory. */
static int source_scan(struct source *src, pm_error **err)
{
	if (src->dir) {
		static const char *const names[] = {"index.json", "oci-layout", "manifest.json"};
		for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
			_cleanup_free_ char *p = pm_path_join(src->path, names[i]);
			struct file f = {0};
			if (pm_read_file(p, SMALL_MAX, &f.data, &f.len, NULL) < 0)
				continue;
			f.name = pm_xstrdup(names[i]);
			src->files =
				pm_xrealloc(src->files, (src->n_files + 1) * sizeof(*src->files));
			src->files[src->n_files++] = f;
		}
		return 0;
	}
	struct archive *a = open_tar(src->path, err);
	if (!a)
		return -EINVAL;
	int r = 0;
	for (;;) {
		struct archive_entry *e;
		int ar = sym_archive_read_next_header(a, &e);
		if (ar == ARCHIVE_EOF)
			break;
		if (ar != ARCHIVE_OK && ar != ARCHIVE_WARN) {
			r = pm_error_set(err, EINVAL, "reading archive '%s': %s", src->path,
					 sym_archive_error_string(a));
			break;
		}
		if (sym_archive_entry_filetype(e) != AE_IFREG)
			continue;
		_cleanup_free_ char *name = pm_layer_clean_path(sym_archive_entry_pathname(e));
		if (!name)
			continue;
		struct file f = {.name = TAKE_PTR(name)};
		int64_t size = sym_archive_entry_size(e);
		/* small blobs may be configs or manifests: keep those that look like JSON */
		if (wanted_small(f.name, size) &&
		    (size < 4096 || !pm_str_startswith(f.name, "blobs/") || size < (1 << 20))) {
			f.data = pm_xmalloc((size_t)size + 1);
			la_ssize_t n = sym_archive_read_data(a, f.data, (size_t)size);
			if (n != size) {
				free(f.name);
				free(f.data);
				r = pm_error_set(err, EINVAL, "reading archive '%s': %s", src->path,
						 n < 0 ? sym_archive_error_string(a)
						       : "truncated archive");
				break;
			}
			f.data[size] = 0;
			f.len = (size_t)size;
		} else if (sym_archive_read_data_skip(a) != ARCHIVE_OK) {
			free(f.name);
			r = pm_error_set(err, EINVAL, "reading archive '%s': %s", src->path,
					 sym_archive_error_string(a));
			break;
		}
		src->files = pm_xrealloc(src->files, (src->n_files + 1) * sizeof(*src->files));
		src->files[src->n_files++] = f;
	}
	sym_archive_read_free(a);
	return r;
}

/* A layer to ingest: its path in the source and what it must hash to. */
struct want {
	char *path;
	char *digest;  /* compressed digest (OCI) or NULL */
	char *diff_id; /* from the config */
	bool done;
	struct pm_layer_info info;
};

static ssize_t read_entry(void *ctx, void *buf, size_t n)
{
	la_ssize_t r = sym_archive_read_data(ctx, buf, n);
	if (r < 0)
		return -EIO;
	return r;
}

/* Pass 2: ingest the wanted layers. */
static int ingest_layers(const struct pm_store *s, const struct source *src, struct want *w,
			 size_t nw, pm_error **err)
{
	for (size_t i = 0; i < nw; i++)
		if (pm_layer_exists(s, w[i].diff_id)) {
			if (pm_layer_get(s, w[i].diff_id, &w[i].info, err) < 0)
				return -EIO;
			w[i].done = true;
		}
	if (src->dir) {
		for (size_t i = 0; i < nw; i++) {
			if (w[i].done)
				continue;
			_cleanup_free_ char *p = pm_path_join(src->path, w[i].path);
			_cleanup_close_ int fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
			if (fd < 0)
				return pm_error_set_errno(err, errno, "opening layer '%s'", p);
			struct stat st;
			uint64_t size = fstat(fd, &st) == 0 ? (uint64_t)st.st_size : 0;
			int r = pm_layer_ingest_sized(s, pm_layer_read_fd, &fd, w[i].digest,
						      w[i].diff_id, size, &w[i].info, err);
			if (r < 0)
				return r;
			w[i].done = true;
		}
	} else {
		bool need = false;
		for (size_t i = 0; i < nw; i++)
			need = need || !w[i].done;
		if (!need)
			return 0;
		struct archive *a = open_tar(src->path, err);
		if (!a)
			return -EINVAL;
		int r = 0;
		for (;;) {
			struct archive_entry *e;
			int ar = sym_archive_read_next_header(a, &e);
			if (ar == ARCHIVE_EOF)
				break;
			if (ar != ARCHIVE_OK && ar != ARCHIVE_WARN) {
				r = pm_error_set(err, EINVAL, "reading archive '%s': %s", src->path,
						 sym_archive_error_string(a));
				break;
			}
			_cleanup_free_ char *name =
				pm_layer_clean_path(sym_archive_entry_pathname(e));
			struct want *hit = NULL;
			for (size_t i = 0; name && i < nw; i++) {
				_cleanup_free_ char *wp = pm_layer_clean_path(w[i].path);
				if (!w[i].done && wp && strcmp(wp, name) == 0)
					hit = &w[i];
			}
			if (!hit)
				continue;
			la_int64_t esize = sym_archive_entry_size(e);
			r = pm_layer_ingest_sized(s, read_entry, a, hit->digest, hit->diff_id,
						  esize > 0 ? (uint64_t)esize : 0, &hit->info, err);
			if (r < 0)
				break;
			hit->done = true;
			/* the same blob may serve several wanted entries */
			for (size_t i = 0; i < nw; i++)
				if (!w[i].done && strcmp(w[i].diff_id, hit->diff_id) == 0) {
					pm_layer_get(s, w[i].diff_id, &w[i].info, NULL);
					w[i].done = true;
				}
		}
		sym_archive_read_free(a);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < nw; i++)
		if (!w[i].done)
			return pm_error_set(err, EINVAL, "archive '%s' lacks layer '%s'", src->path,
					    w[i].path);
	return 0;
}

static void wants_free(struct want *w, size_t n)
{
	for (size_t i = 0; w && i < n; i++) {
		free(w[i].path);
		free(w[i].digest);
		free(w[i].diff_id);
		pm_layer_info_free(&w[i].info);
	}
	free(w);
}

/* Read a file of the source: small ones from memory, others from the directory. */
static int source_read(const struct source *src, const char *name, char **ret, size_t *ret_len,
		       pm_error **err)
{
	const struct file *f = source_get(src, name);
	if (f && f->data) {
		*ret = pm_xmalloc(f->len + 1);
		memcpy(*ret, f->data, f->len + 1);
		*ret_len = f->len;
		return 0;
	}
	if (src->dir) {
		_cleanup_free_ char *clean = pm_layer_clean_path(name);
		if (clean) {
			_cleanup_free_ char *p = pm_path_join(src->path, clean);
			if (pm_read_file(p, SMALL_MAX, ret, ret_len, NULL) == 0)
				return 0;
		}
	}
	return pm_error_set(err, EINVAL, "archive '%s' lacks '%s'", src->path, name);
}

static void add_loaded(char ***loaded, char *const *names, const char *id)
{
	if (names && *names)
		for (char *const *n = names; *n; n++)
			pm_strv_push(loaded, *n);
	else
		pm_strv_consume(loaded, pm_xasprintf("sha256:%s", id));
}

/* Build an OCI manifest for config + ingested layers. */
static char *make_manifest(const char *config, size_t config_len, struct want *w, size_t nw)
{
	struct pm_manifest m = {0};
	char hex[PM_DIGEST_HEX_LEN + 1];
	pm_digest_buffer(config, config_len, hex);
	m.media_type = pm_xstrdup(PM_MT_OCI_MANIFEST);
	m.config.media_type = pm_xstrdup(PM_MT_OCI_CONFIG);
	m.config.digest = pm_xasprintf("sha256:%s", hex);
	m.config.size = (int64_t)config_len;
	m.layers = pm_xcalloc(nw + 1, sizeof(*m.layers));
	for (size_t i = 0; i < nw; i++) {
		m.layers[i].media_type = pm_xstrdup(w[i].info.media_type);
		m.layers[i].digest = pm_xstrdup(w[i].info.digest);
		m.layers[i].size = (int64_t)w[i].info.blob_size;
		m.n_layers++;
	}
	char *s = pm_manifest_to_json(&m);
	pm_manifest_free(&m);
	return s;
}

static int load_docker(const struct pm_store *s, const struct source *src, char ***loaded,
		       pm_error **err)
{
	_cleanup_free_ char *mj = NULL;
	size_t mlen = 0;
	int r = source_read(src, "manifest.json", &mj, &mlen, err);
	if (r < 0)
		return r;
	struct pm_docker_archive_entry *ents = NULL;
	size_t n = 0;
	r = pm_docker_archive_manifest_parse(mj, mlen, &ents, &n, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n && r >= 0; i++) {
		_cleanup_free_ char *config = NULL;
		size_t clen = 0;
		struct pm_image_config cfg = {0};
		struct want *w = NULL;
		size_t nw = 0;
		_cleanup_strv_ char **names = NULL;
		_cleanup_free_ char *manifest = NULL, *id = NULL;
		r = source_read(src, ents[i].config, &config, &clen, err);
		if (r < 0)
			goto next;
		r = pm_image_config_parse(config, clen, &cfg, err);
		if (r < 0)
			goto next;
		if (cfg.n_diff_ids != ents[i].n_layers) {
			r = pm_error_set(err, EINVAL,
					 "archive '%s': config lists %zu layers, manifest.json %zu",
					 src->path, cfg.n_diff_ids, ents[i].n_layers);
			goto next;
		}
		w = pm_xcalloc(nw = ents[i].n_layers, sizeof(*w));
		for (size_t k = 0; k < nw; k++) {
			w[k].path = pm_xstrdup(ents[i].layers[k]);
			w[k].diff_id = pm_xstrdup(cfg.diff_ids[k]);
		}
		for (char **t = ents[i].repo_tags; t && *t; t++) {
			struct pm_reference ref = {0};
			r = pm_reference_parse(*t, PM_REF_DOCKER, &ref, err);
			if (r < 0)
				goto next;
			pm_strv_consume(&names, pm_reference_string(&ref));
			pm_reference_free(&ref);
		}
		r = ingest_layers(s, src, w, nw, err);
		if (r < 0)
			goto next;
		pm_crash_point("mid-load");
		manifest = make_manifest(config, clen, w, nw);
		r = pm_image_create(s, config, clen, manifest, strlen(manifest), names, &id, err);
		if (r >= 0)
			add_loaded(loaded, names, id);
	next:
		wants_free(w, nw);
		pm_image_config_free(&cfg);
	}
	pm_docker_archive_free(ents, n);
	return r;
}

static int load_oci_manifest(const struct pm_store *s, const struct source *src,
			     const struct pm_descriptor *d, char ***loaded, pm_error **err)
{
	_cleanup_free_ char *mpath = pm_xasprintf("blobs/sha256/%s", pm_digest_hex(d->digest));
	_cleanup_free_ char *mdata = NULL, *config = NULL, *cpath = NULL, *id = NULL;
	size_t mlen = 0, clen = 0;
	struct pm_manifest m = {0};
	struct pm_image_config cfg = {0};
	struct want *w = NULL;
	size_t nw = 0;
	_cleanup_strv_ char **names = NULL;
	char hex[PM_DIGEST_HEX_LEN + 1];
	int r = source_read(src, mpath, &mdata, &mlen, err);
	if (r < 0)
		goto out;
	pm_digest_buffer(mdata, mlen, hex);
	if (strcmp(hex, pm_digest_hex(d->digest)) != 0) {
		r = pm_error_set(err, EINVAL,
				 "manifest digest mismatch: expected '%s', got 'sha256:%s'",
				 d->digest, hex);
		goto out;
	}
	if (pm_manifest_kind(mdata, mlen) == PM_DOC_INDEX) {
		r = pm_error_set(err, ENOTSUP,
				 "archive '%s': nested image indexes are not supported", src->path);
		goto out;
	}
	r = pm_manifest_parse(mdata, mlen, &m, err);
	if (r < 0)
		goto out;
	cpath = pm_xasprintf("blobs/sha256/%s", pm_digest_hex(m.config.digest));
	r = source_read(src, cpath, &config, &clen, err);
	if (r < 0)
		goto out;
	pm_digest_buffer(config, clen, hex);
	if (strcmp(hex, pm_digest_hex(m.config.digest)) != 0) {
		r = pm_error_set(err, EINVAL,
				 "config digest mismatch: expected '%s', got 'sha256:%s'",
				 m.config.digest, hex);
		goto out;
	}
	r = pm_image_config_parse(config, clen, &cfg, err);
	if (r < 0)
		goto out;
	if (cfg.n_diff_ids != m.n_layers) {
		r = pm_error_set(err, EINVAL, "archive '%s': config lists %zu layers, manifest %zu",
				 src->path, cfg.n_diff_ids, m.n_layers);
		goto out;
	}
	w = pm_xcalloc(nw = m.n_layers, sizeof(*w));
	for (size_t k = 0; k < nw; k++) {
		w[k].path = pm_xasprintf("blobs/sha256/%s", pm_digest_hex(m.layers[k].digest));
		w[k].digest = pm_xstrdup(m.layers[k].digest);
		w[k].diff_id = pm_xstrdup(cfg.diff_ids[k]);
	}
	if (d->ref_name) {
		struct pm_reference ref = {0};
		if (strchr(d->ref_name, '/') &&
		    pm_reference_parse(d->ref_name, PM_REF_LOCAL, &ref, NULL) == 0) {
			pm_strv_consume(&names, pm_reference_string(&ref));
			pm_reference_free(&ref);
		}
	}
	r = ingest_layers(s, src, w, nw, err);
	if (r < 0)
		goto out;
	pm_crash_point("mid-load");
	r = pm_image_create(s, config, clen, mdata, mlen, names, &id, err);
	if (r >= 0)
		add_loaded(loaded, names, id);
out:
	wants_free(w, nw);
	pm_image_config_free(&cfg);
	pm_manifest_free(&m);
	return r;
}

static int load_oci(const struct pm_store *s, const struct source *src, char ***loaded,
		    pm_error **err)
{
	_cleanup_free_ char *ij = NULL;
	size_t ilen = 0;
	int r = source_read(src, "index.json", &ij, &ilen, err);
	if (r < 0)
		return r;
	struct pm_index idx = {0};
	r = pm_index_parse(ij, ilen, &idx, err);
	if (r < 0)
		return r;
	if (idx.n_manifests == 0)
		r = pm_error_set(err, EINVAL, "archive '%s': index.json lists no images",
				 src->path);
	for (size_t i = 0; i < idx.n_manifests && r >= 0; i++)
		r = load_oci_manifest(s, src, &idx.manifests[i], loaded, err);
	pm_index_free(&idx);
	return r;
}

int pm_archive_load(const struct pm_store *s, const char *path, char ***ret_loaded, pm_error **err)
{
	int dl = pm_dl_archive(err);
	if (dl < 0)
		return dl;
	_cleanup_free_ char *spool = NULL;
	_cleanup_free_ char *spool_file = NULL;
	struct source src = {.path = path};
	char **loaded = NULL;
	int r;
	_cleanup_close_ int lock = -1;
	if (strcmp(path, "-") == 0) {
		/* stdin: spool to the store's tmp (the archive is read twice) */
		r = pm_store_mkdtemp(s, "load", &spool, err);
		if (r < 0)
			return r;
		spool_file = pm_path_join(spool, "archive.tar");
		_cleanup_close_ int fd =
			open(spool_file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0) {
			r = pm_error_set_errno(err, errno, "creating '%s'", spool_file);
			goto out;
		}
		char buf[1 << 16];
		for (;;) {
			ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				r = pm_error_set_errno(err, errno, "reading stdin");
				goto out;
			}
			if (n == 0)
				break;
			if (write(fd, buf, (size_t)n) != n) {
				r = pm_error_set_errno(err, errno, "writing '%s'", spool_file);
				goto out;
			}
		}
		src.path = spool_file;
	} else {
		struct stat st;
		if (stat(path, &st) < 0) {
			r = pm_error_set_errno(err, errno, "opening '%s'", path);
			goto out;
		}
		src.dir = S_ISDIR(st.st_mode);
	}
	r = source_scan(&src, err);
	if (r < 0)
		goto out;
	lock = pm_store_lock(s, "layers", LOCK_SH, err);
	if (lock < 0) {
		r = lock;
		goto out;
	}
	if (source_get(&src, "manifest.json"))
		r = load_docker(s, &src, &loaded, err);
	else if (source_get(&src, "index.json"))
		r = load_oci(s, &src, &loaded, err);
	else
		r = pm_error_set(err, EINVAL,
				 "'%s' is not a docker-archive, oci-archive or oci-dir (no "
				 "manifest.json or index.json)",
				 path);
out:
	source_free(&src);
	if (spool)
		pm_rm_rf(spool, NULL);
	if (r < 0) {
		pm_strv_free(loaded);
		return r;
	}
	*ret_loaded = loaded;
	return 0;
}

/* ---- save ------------------------------------------------------------------------------ */

struct sink {
	struct archive *a; /* tar output, or NULL for a directory */
	const char *dir;
};

static int sink_add(struct sink *k, const char *name, const void *data, size_t len, pm_error **err)
{
	if (!k->a) {
		_cleanup_free_ char *p = pm_path_join(k->dir, name);
		return pm_write_file_atomic(p, data, len, 0644, err);
	}
	struct archive_entry *e = sym_archive_entry_new();
	sym_archive_entry_set_pathname(e, name);
	sym_archive_entry_set_filetype(e, AE_IFREG);
	sym_archive_entry_set_perm(e, 0644);
	sym_archive_entry_set_size(e, (la_int64_t)len);
	sym_archive_entry_set_mtime(e, time(NULL), 0);
	int r = 0;
	if (sym_archive_write_header(k->a, e) != ARCHIVE_OK ||
	    (len && sym_archive_write_data(k->a, data, len) != (la_ssize_t)len))
		r = pm_error_set(err, EIO, "writing archive: %s", sym_archive_error_string(k->a));
	sym_archive_entry_free(e);
	return r;
}

static int sink_dir(struct sink *k, const char *name, pm_error **err)
{
	if (!k->a) {
		_cleanup_free_ char *p = pm_path_join(k->dir, name);
		return pm_mkdir_p(p, 0755, err);
	}
	struct archive_entry *e = sym_archive_entry_new();
	sym_archive_entry_set_pathname(e, name);
	sym_archive_entry_set_filetype(e, AE_IFDIR);
	sym_archive_entry_set_perm(e, 0755);
	sym_archive_entry_set_mtime(e, time(NULL), 0);
	int r = sym_archive_write_header(k->a, e) == ARCHIVE_OK
			? 0
			: pm_error_set(err, EIO, "writing archive: %s",
				       sym_archive_error_string(k->a));
	sym_archive_entry_free(e);
	return r;
}

/* Copy a stored layer blob (or its decompressed tar when uncompress) into the sink. */
static int sink_layer(struct sink *k, const char *name, const struct pm_store *s,
		      const struct pm_layer_info *li, bool uncompress, pm_error **err)
{
	_cleanup_free_ char *blob = pm_layer_blob_path(s, li->diff_id);
	struct archive *in = NULL;
	_cleanup_close_ int fd = -1, out = -1;
	int r = 0;
	_cleanup_free_ char *buf = pm_xmalloc(1 << 20);
	uint64_t size = uncompress ? li->size : li->blob_size, done = 0;
	bool raw = !uncompress || li->size == li->blob_size;
	if (raw) {
		fd = open(blob, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return pm_error_set_errno(err, errno, "opening layer '%s'", li->diff_id);
	} else {
		in = sym_archive_read_new();
		sym_archive_read_support_filter_all(in);
		sym_archive_read_support_format_raw(in);
		struct archive_entry *ie;
		if (sym_archive_read_open_filename(in, blob, 1 << 20) != ARCHIVE_OK ||
		    sym_archive_read_next_header(in, &ie) != ARCHIVE_OK) {
			r = pm_error_set(err, EIO, "reading layer '%s': %s", li->diff_id,
					 sym_archive_error_string(in));
			goto out;
		}
	}
	if (k->a) {
		struct archive_entry *e = sym_archive_entry_new();
		sym_archive_entry_set_pathname(e, name);
		sym_archive_entry_set_filetype(e, AE_IFREG);
		sym_archive_entry_set_perm(e, 0644);
		sym_archive_entry_set_size(e, (la_int64_t)size);
		sym_archive_entry_set_mtime(e, time(NULL), 0);
		int hr = sym_archive_write_header(k->a, e);
		sym_archive_entry_free(e);
		if (hr != ARCHIVE_OK) {
			r = pm_error_set(err, EIO, "writing archive: %s",
					 sym_archive_error_string(k->a));
			goto out;
		}
	} else {
		_cleanup_free_ char *p = pm_path_join(k->dir, name);
		out = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (out < 0) {
			r = pm_error_set_errno(err, errno, "creating '%s'", p);
			goto out;
		}
	}
	for (;;) {
		ssize_t n = raw ? read(fd, buf, 1 << 20) : sym_archive_read_data(in, buf, 1 << 20);
		if (n < 0) {
			r = pm_error_set(err, EIO, "reading layer '%s'", li->diff_id);
			goto out;
		}
		if (n == 0)
			break;
		done += (uint64_t)n;
		pm_progress_report(s->progress, li->digest, done, size, false);
		if (k->a ? sym_archive_write_data(k->a, buf, (size_t)n) != n
			 : write(out, buf, (size_t)n) != n) {
			r = pm_error_set(err, EIO, "writing layer '%s'", li->diff_id);
			goto out;
		}
	}
	pm_progress_report(s->progress, li->digest, done, size, true);
out:
	if (in)
		sym_archive_read_free(in);
	return r;
}

struct saved {
	struct pm_image_record rec;
	char **tags; /* names to record in the archive */
};

static int save_docker(const struct pm_store *s, struct sink *k, struct saved *v, size_t n,
		       pm_error **err)
{
	struct pm_docker_archive_entry *ents = pm_xcalloc(n, sizeof(*ents));
	char **written = NULL;
	int r = 0;
	for (size_t i = 0; i < n && r >= 0; i++) {
		_cleanup_free_ char *config = NULL;
		r = pm_image_read_config(s, &v[i].rec, NULL, &config, err);
		if (r < 0)
			break;
		ents[i].config = pm_xasprintf("%s.json", v[i].rec.id);
		if (!pm_strv_contains(written, ents[i].config)) {
			r = sink_add(k, ents[i].config, config, strlen(config), err);
			pm_strv_push(&written, ents[i].config);
		}
		ents[i].repo_tags = pm_strv_copy(v[i].tags);
		ents[i].layers = pm_xcalloc(v[i].rec.n_layers + 1, sizeof(char *));
		for (size_t l = 0; l < v[i].rec.n_layers && r >= 0; l++) {
			struct pm_layer_info li = {0};
			r = pm_layer_get(s, v[i].rec.layers[l], &li, err);
			if (r < 0)
				break;
			char *name = pm_xasprintf("%s.tar", pm_digest_hex(li.diff_id));
			ents[i].layers[ents[i].n_layers++] = name;
			if (!pm_strv_contains(written, name)) {
				r = sink_layer(k, name, s, &li, true, err);
				pm_strv_push(&written, name);
			}
			pm_layer_info_free(&li);
		}
	}
	if (r >= 0) {
		_cleanup_free_ char *mj = pm_docker_archive_manifest_to_json(ents, n);
		r = sink_add(k, "manifest.json", mj, strlen(mj), err);
	}
	pm_docker_archive_free(ents, n);
	pm_strv_free(written);
	return r;
}

static int save_oci(const struct pm_store *s, struct sink *k, struct saved *v, size_t n,
		    pm_error **err)
{
	struct pm_index idx = {0};
	char **written = NULL;
	int r = sink_dir(k, "blobs", err);
	if (r >= 0)
		r = sink_dir(k, "blobs/sha256", err);
	idx.manifests = pm_xcalloc(n * 4 + 1, sizeof(*idx.manifests));
	for (size_t i = 0; i < n && r >= 0; i++) {
		_cleanup_free_ char *config = NULL;
		r = pm_image_read_config(s, &v[i].rec, NULL, &config, err);
		if (r < 0)
			break;
		struct want *w = pm_xcalloc(v[i].rec.n_layers + 1, sizeof(*w));
		size_t nw = 0;
		for (size_t l = 0; l < v[i].rec.n_layers && r >= 0; l++) {
			r = pm_layer_get(s, v[i].rec.layers[l], &w[nw].info, err);
			if (r < 0)
				break;
			w[nw].diff_id = pm_xstrdup(v[i].rec.layers[l]);
			nw++;
			_cleanup_free_ char *name = pm_xasprintf(
				"blobs/sha256/%s", pm_digest_hex(w[nw - 1].info.digest));
			if (!pm_strv_contains(written, name)) {
				r = sink_layer(k, name, s, &w[nw - 1].info, false, err);
				pm_strv_push(&written, name);
			}
		}
		if (r >= 0) {
			char hex[PM_DIGEST_HEX_LEN + 1];
			_cleanup_free_ char *cname = pm_xasprintf("blobs/sha256/%s", v[i].rec.id);
			if (!pm_strv_contains(written, cname)) {
				r = sink_add(k, cname, config, strlen(config), err);
				pm_strv_push(&written, cname);
			}
			_cleanup_free_ char *man = make_manifest(config, strlen(config), w, nw);
			pm_digest_buffer(man, strlen(man), hex);
			_cleanup_free_ char *mname = pm_xasprintf("blobs/sha256/%s", hex);
			if (r >= 0 && !pm_strv_contains(written, mname)) {
				r = sink_add(k, mname, man, strlen(man), err);
				pm_strv_push(&written, mname);
			}
			size_t nt = pm_strv_length(v[i].tags);
			for (size_t t = 0; t < (nt ? nt : 1); t++) {
				if (idx.n_manifests >= n * 4)
					break;
				struct pm_descriptor *d = &idx.manifests[idx.n_manifests++];
				d->media_type = pm_xstrdup(PM_MT_OCI_MANIFEST);
				d->digest = pm_xasprintf("sha256:%s", hex);
				d->size = (int64_t)strlen(man);
				d->ref_name = nt ? pm_xstrdup(v[i].tags[t]) : NULL;
			}
		}
		wants_free(w, nw);
	}
	if (r >= 0) {
		_cleanup_free_ char *ij = pm_index_to_json(&idx);
		r = sink_add(k, "index.json", ij, strlen(ij), err);
	}
	if (r >= 0) {
		static const char layout[] = "{\"imageLayoutVersion\": \"1.0.0\"}";
		r = sink_add(k, "oci-layout", layout, strlen(layout), err);
	}
	pm_index_free(&idx);
	pm_strv_free(written);
	return r;
}

int pm_archive_save(const struct pm_store *s, char *const *refs, enum pm_archive_format fmt,
		    const char *output, pm_error **err)
{
	int dl = pm_dl_archive(err);
	if (dl < 0)
		return dl;
	size_t n = pm_strv_length(refs);
	struct saved *v = pm_xcalloc(n + 1, sizeof(*v));
	int r = 0;
	_cleanup_free_ char *tmp = NULL;
	struct sink k = {0};
	bool to_stdout = strcmp(output, "-") == 0;
	for (size_t i = 0; i < n && r >= 0; i++) {
		r = pm_image_resolve(s, refs[i], &v[i].rec, err);
		if (r < 0)
			break;
		_cleanup_strv_ char **cands = pm_reference_candidates(refs[i]);
		for (char **c = cands; c && *c; c++)
			if (pm_strv_contains(v[i].rec.names, *c)) {
				pm_strv_push(&v[i].tags, *c);
				break;
			}
		if (!v[i].tags && !pm_str_startswith(v[i].rec.id, refs[i]) &&
		    !pm_str_startswith(refs[i], "sha256:"))
			v[i].tags = pm_strv_copy(v[i].rec.names);
	}
	if (r < 0)
		goto out;
	if (fmt == PM_ARCHIVE_OCI_DIR) {
		if (to_stdout) {
			r = pm_error_set(err, EINVAL, "oci-dir needs an output directory (-o DIR)");
			goto out;
		}
		tmp = pm_xasprintf("%s.pm-tmp-%d", output, (int)getpid());
		if (mkdir(tmp, 0755) < 0) {
			r = pm_error_set_errno(err, errno, "creating '%s'", tmp);
			tmp = (free(tmp), NULL);
			goto out;
		}
		k.dir = tmp;
	} else {
		k.a = sym_archive_write_new();
		sym_archive_write_set_format_pax_restricted(k.a);
		if (to_stdout) {
			if (sym_archive_write_open_fd(k.a, STDOUT_FILENO) != ARCHIVE_OK)
				r = pm_error_set(err, EIO, "writing archive: %s",
						 sym_archive_error_string(k.a));
		} else {
			tmp = pm_xasprintf("%s.pm-tmp-%d", output, (int)getpid());
			if (sym_archive_write_open_filename(k.a, tmp) != ARCHIVE_OK)
				r = pm_error_set(err, EIO, "creating '%s': %s", tmp,
						 sym_archive_error_string(k.a));
		}
		if (r < 0)
			goto out;
	}
	r = fmt == PM_ARCHIVE_DOCKER ? save_docker(s, &k, v, n, err) : save_oci(s, &k, v, n, err);
	if (k.a) {
		if (sym_archive_write_close(k.a) != ARCHIVE_OK && r >= 0)
			r = pm_error_set(err, EIO, "writing archive: %s",
					 sym_archive_error_string(k.a));
	}
	if (r >= 0 && tmp) {
		if (fmt == PM_ARCHIVE_OCI_DIR)
			pm_rm_rf(output, NULL);
		if (rename(tmp, output) < 0)
			r = pm_error_set_errno(err, errno, "writing '%s'", output);
	}
out:
	if (k.a)
		sym_archive_write_free(k.a);
	if (r < 0 && tmp)
		pm_rm_rf(tmp, NULL);
	for (size_t i = 0; i < n; i++) {
		pm_image_record_free(&v[i].rec);
		pm_strv_free(v[i].tags);
	}
	free(v);
	return r;
}
