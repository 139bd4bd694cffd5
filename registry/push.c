/* push.c: pm push (push.h). Owns the order of a push (layers, config, manifest), the choice
 * of what each layer goes out as, and the manifest built for the registry; the HTTP is
 * registry/client.c's, the re-encoding registry/compress.c's. Reads the store; writes only
 * the blob-info cache (zstd re-encodings are unnamed files in tmp/). Called by cli/cmd-push.c.
 * Never prints. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "registry/conf.h"
#include "registry/push.h"
#include "storage/digest.h"
#include "storage/image.h"
#include "storage/layerstore.h"

struct mem_reader {
	const char *p;
	size_t left;
};

static ssize_t mem_read(void *ctx, void *buf, size_t n)
{
	struct mem_reader *m = ctx;
	if (n > m->left)
		n = m->left;
	memcpy(buf, m->p, n);
	m->p += n;
	m->left -= n;
	return (ssize_t)n;
}

static void emit(const struct pm_push_opts *o, enum pm_push_event ev, const char *arg)
{
	if (o->event)
		o->event(o->event_ctx, ev, arg);
}

/* One layer as it goes out. */
struct out_layer {
	char *src_digest; /* the stored blob's */
	char *blob_path;
	enum pm_compress_algo stored, algo;
	struct pm_descriptor d; /* what the manifest names */
	bool reused;		/* the registry has the cached re-encoding: nothing to do */
	bool ours;		/* d is what this pm's gzip encoder makes of the layer */
	bool compress;		/* to be re-encoded before it is sent */
	/* set by the pool under its mutex once the layer is in the registry (or failed) */
	bool done;
	bool skipped; /* HEAD found it there */
	int r;
	pm_error *err;
};

static void out_layers_free(struct out_layer *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		pm_error_free(v[i].err);
		free(v[i].src_digest);
		free(v[i].blob_path);
		pm_descriptor_free(&v[i].d);
	}
	free(v);
}

/* HEAD the blob; upload it from fd (size bytes) unless the registry has it (*skipped). */
static int send_blob(struct pm_registry *reg, const char *repo, const struct out_layer *l,
		     uint64_t size, int fd, bool *skipped, pm_error **err)
{
	const char *digest = l->d.digest;
	int r = pm_registry_blob_exists(reg, repo, digest, err);
	if (r < 0) /* podman names the stored blob */
		return pm_error_prefix(err, "trying to reuse blob %s at destination",
				       l->src_digest);
	*skipped = r > 0;
	if (r > 0)
		return 0;
	r = pm_registry_put_blob(reg, repo, digest, size, pm_layer_read_fd, &fd, err);
	if (r < 0)
		return pm_error_prefix(err, "writing blob %s", digest);
	return 0;
}

/* The blob-info cache (podman's, in small files): what a stored blob became when it went
 * out with an algorithm, and where it was pushed, so that a registry that has it is neither
 * sent it nor, for a re-encoded layer, made to wait for a compression: HEAD finds it in the
 * repository, or a cross-repository mount from one it was pushed to before brings it in.
 * <root>/blob-info-cache/<stored hex>.<gzip|zstd>: "sha256:<hex> <size>[ <encoder>]" then up
 * to CACHE_LOCS lines "HOST/REPO", the latest first. <encoder>: pm_compress_gzip_encoder()
 * when this digest is what that encoder makes of the layer (deterministic), so that a push
 * to a registry that has neither it nor a repository to mount it from knows the digest and
 * size before it compresses: one PUT with a length, no sha256 here (the registry checks the
 * digest). A hint only: the registry is asked before the entry is believed, an upload it
 * refuses is made again the usual way; a bad entry is ignored, a failed write is not an
 * error. */
#define CACHE_LOCS 8

static char *cache_path(const struct pm_store *s, const struct out_layer *l)
{
	const char *hex = pm_digest_hex(l->src_digest);
	if (!hex)
		return NULL;
	return pm_store_path(s, "blob-info-cache/%s.%s", hex,
			     l->algo == PM_COMPRESS_ZSTD ? "zstd" : "gzip");
}

static bool cache_get(const struct pm_store *s, const struct out_layer *l, char **ret_digest,
		      uint64_t *ret_size, bool *ret_ours, char ***ret_locs)
{
	_cleanup_free_ char *p = cache_path(s, l);
	_cleanup_free_ char *data = NULL;
	if (!p || pm_read_file(p, 4096, &data, NULL, NULL) < 0)
		return false;
	_cleanup_strv_ char **lines = pm_strv_split(data, "\n");
	char d[80], enc[128] = "";
	unsigned long long size;
	if (!lines || !lines[0] || sscanf(lines[0], "%79s %llu %127s", d, &size, enc) < 2 ||
	    !pm_digest_valid(d))
		return false;
	*ret_digest = pm_xstrdup(d);
	*ret_size = size;
	*ret_ours = l->algo == PM_COMPRESS_GZIP && strcmp(enc, pm_compress_gzip_encoder()) == 0;
	*ret_locs = NULL;
	for (char **x = lines + 1; *x; x++)
		if (**x && strchr(*x, '/'))
			pm_strv_push(ret_locs, *x);
	return true;
}

/* Record that l (as l->d) is in host/repo. */
static void cache_put(const struct pm_store *s, const struct out_layer *l, const char *host,
		      const char *repo)
{
	_cleanup_free_ char *p = cache_path(s, l);
	_cleanup_free_ char *dir = pm_store_path(s, "blob-info-cache");
	if (!p || (mkdir(dir, 0700) < 0 && errno != EEXIST))
		return;
	_cleanup_free_ char *old_digest = NULL;
	_cleanup_strv_ char **old = NULL;
	uint64_t old_size = 0;
	bool ours = l->ours, old_ours = false;
	if (!cache_get(s, l, &old_digest, &old_size, &old_ours, &old) ||
	    strcmp(old_digest, l->d.digest) != 0)
		pm_strv_free(TAKE_PTR(old));
	else
		ours |= old_ours;
	_cleanup_strv_ char **locs = NULL;
	pm_strv_consume(&locs, pm_xasprintf("%s/%s", host, repo));
	for (char **x = old; x && *x && pm_strv_length(locs) < CACHE_LOCS; x++)
		if (!pm_strv_contains(locs, *x))
			pm_strv_push(&locs, *x);
	_cleanup_free_ char *body = pm_strv_join(locs, "\n");
	_cleanup_free_ char *text =
		pm_xasprintf("%s %llu%s%s\n%s\n", l->d.digest, (unsigned long long)l->d.size,
			     ours ? " " : "", ours ? pm_compress_gzip_encoder() : "", body);
	(void)pm_write_file_atomic_flags(p, text, strlen(text), 0600, PM_WRITE_NOSYNC, NULL);
}

/* A layer the registry has as the cache says: in repo already (HEAD), or mounted from a
 * repository of the same registry it was pushed to before. 1 reused (l->d set), 0 not;
 * then *ret_digest and *ret_size are what the cache says this pm's gzip encoder makes of
 * it (NULL: no entry, or one another encoder wrote). */
static int reuse_cached(const struct pm_store *s, struct pm_registry *reg, const char *host,
			const char *repo, struct out_layer *l, char **ret_digest,
			uint64_t *ret_size, pm_error **err)
{
	_cleanup_free_ char *digest = NULL;
	_cleanup_strv_ char **locs = NULL;
	uint64_t size = 0;
	bool ours = false;
	*ret_digest = NULL;
	if (!cache_get(s, l, &digest, &size, &ours, &locs))
		return 0;
	int r = pm_registry_blob_exists(reg, repo, digest, err);
	if (r < 0)
		return pm_error_prefix(err, "trying to reuse blob %s at destination",
				       l->src_digest);
	size_t hl = strlen(host);
	for (char **x = locs; r == 0 && x && *x; x++) {
		const char *from = *x + hl + 1;
		if (strncmp(*x, host, hl) != 0 || (*x)[hl] != '/' || strcmp(from, repo) == 0)
			continue;
		_cleanup_error_ pm_error *e = NULL; /* a refused mount: upload as usual */
		r = pm_registry_mount_blob(reg, repo, digest, from, &e) > 0;
	}
	if (r == 0) {
		if (ours) {
			*ret_digest = TAKE_PTR(digest);
			*ret_size = size;
		}
		return 0;
	}
	l->d.digest = TAKE_PTR(digest);
	l->d.size = (int64_t)size;
	l->reused = true;
	return 1;
}

/* ---- the upload pool: up to POOL_MAX threads, each one layer at a time from its
 * re-encoding to the registry's 201 (gzip streamed into the upload as it is compressed),
 * while the main thread reports the layers in order as each is done. Threads run
 * registry/compress.c (their own archive objects, compressors and digesters) and the
 * session's requests (thread-safe: an easy handle each, the session's lock and share);
 * nothing else is shared but the pool's slots. ---- */

#define POOL_MAX 6

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct out_layer *layers;
	size_t n, next;
	bool cancel;
	char *tmpdir;
	const struct pm_store *s;
	struct pm_registry *reg;
	const char *host, *repo;
	pthread_t threads[POOL_MAX];
	size_t n_threads;
};

static const char *stream_digest(void *ctx)
{
	return pm_compress_stream_digest(ctx);
}

struct known_reader {
	struct pm_compress_stream *z;
	uint64_t left;
};

/* The stream, which must be exactly left bytes long: -EBADMSG when it is not. */
static ssize_t known_read(void *ctx, void *buf, size_t n)
{
	struct known_reader *k = ctx;
	ssize_t m = pm_compress_stream_read(k->z, buf, n);
	if (m < 0)
		return m;
	if ((uint64_t)m > k->left || (m == 0 && k->left > 0))
		return -EBADMSG;
	k->left -= (uint64_t)m;
	return m;
}

/* Upload z as the blob digest of size bytes (the blob-info cache's word for what it
 * gives): 0 sent (l->d set), -errno not (any failure: a registry that refuses the digest, a
 * stream of another length, or the network; the caller sends it the usual way, which
 * reports a failure that lasts). */
static int send_known(struct pool *p, struct out_layer *l, struct pm_compress_stream *z,
		      const char *digest, uint64_t size)
{
	pm_compress_stream_skip_digest(z);
	struct known_reader k = {.z = z, .left = size};
	_cleanup_error_ pm_error *e = NULL;
	int r = pm_registry_put_blob(p->reg, p->repo, digest, size, known_read, &k, &e);
	if (r < 0)
		return r;
	if (k.left > 0 || pm_compress_stream_read(z, &(char){0}, 1) != 0)
		return -EBADMSG; /* cannot be: the registry checked the digest */
	l->d.digest = pm_xstrdup(digest);
	l->d.size = (int64_t)size;
	l->ours = true;
	return 0;
}

/* The layer into the registry: reused as the blob-info cache says (l->reused), else
 * re-encoded when it must be, HEADed and uploaded: l->d.digest, d.size, skipped. */
static int layer_send(struct pool *p, struct out_layer *l, pm_error **err)
{
	_cleanup_close_ int fd = -EBADF;
	uint64_t size;
	_cleanup_(pm_compress_stream_freep) struct pm_compress_stream *z = NULL;
	/* layers to re-encode: those whose last re-encoding the registry has are not */
	_cleanup_free_ char *known = NULL;
	uint64_t known_size = 0;
	int r = reuse_cached(p->s, p->reg, p->host, p->repo, l, &known, &known_size, err);
	if (r != 0)
		return r < 0 ? r : 0;
	l->compress = l->algo != l->stored;
	r = l->compress ? pm_compress_stream_open(l->blob_path, l->algo, &z, err) : 0;
	if (r < 0 && r != -EOPNOTSUPP)
		return r;
	if (z && known) {
		/* the re-encoding is deterministic and the cache knows its digest and size:
		 * one PUT with a length, no sha256 here (the registry checks the digest) */
		r = send_known(p, l, z, known, known_size);
		if (r == 0)
			return 0;
		/* another re-encoding than the cache's (another libdeflate): as if unknown */
		pm_compress_stream_free(TAKE_PTR(z));
		r = pm_compress_stream_open(l->blob_path, l->algo, &z, err);
		if (r < 0)
			return r;
	}
	if (z) {
		/* gzip: sent while it is compressed, its digest known at the end (so no HEAD:
		 * the blob-info cache finds it next time) */
		r = pm_registry_put_blob_stream(p->reg, p->repo, l->src_digest,
						pm_compress_stream_read, stream_digest, z, err);
		if (r < 0) {
			/* the compression's failure explains best */
			_cleanup_error_ pm_error *ze = NULL;
			if (pm_compress_stream_error(z, &ze) < 0 && ze && err) {
				pm_error_free(TAKE_PTR(*err));
				r = pm_error_set(err, ze->code, "%s", ze->msg);
			}
			return pm_error_prefix(err, "writing blob %s", l->src_digest);
		}
		r = pm_compress_stream_finish(z, &l->d.digest, &size, err);
		if (r < 0)
			return pm_error_prefix(err, "writing blob %s", l->src_digest);
		l->d.size = (int64_t)size;
		l->ours = true;
		return 0;
	}
	if (l->compress) {
		r = pm_compress_file(l->blob_path, l->algo, p->tmpdir, &fd, &l->d.digest, &size,
				     err);
		if (r < 0)
			return r;
	} else {
		fd = open(l->blob_path, O_RDONLY | O_CLOEXEC);
		struct stat st;
		if (fd < 0 || fstat(fd, &st) < 0)
			return pm_error_set_errno(err, errno, "reading layer blob '%s'",
						  l->blob_path);
		size = (uint64_t)st.st_size;
		l->d.digest = pm_xstrdup(l->src_digest);
	}
	l->d.size = (int64_t)size;
	return send_blob(p->reg, p->repo, l, size, fd, &l->skipped, err);
}

static void *pool_worker(void *arg)
{
	struct pool *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->mu);
		if (p->cancel || p->next >= p->n) {
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		struct out_layer *l = &p->layers[p->next++];
		pthread_mutex_unlock(&p->mu);

		pm_error *e = NULL;
		int r = layer_send(p, l, &e);

		pthread_mutex_lock(&p->mu);
		l->r = r;
		l->err = e;
		l->done = true;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
}

static void pool_start(struct pool *p, const struct pm_store *s, struct pm_registry *reg,
		       const char *host, const char *repo, struct out_layer *layers, size_t n)
{
	size_t todo = n;
	/* a thread per layer, up to POOL_MAX, from its HEAD on (the checks' round trips at
	 * once): most of a layer's time is the registry's (its hashing and writing), not this
	 * process's CPU (as podman, up to 6 at once) */
	size_t want = POOL_MAX;
	const char *env = getenv("PM_PUSH_THREADS"); /* for measurements */
	int n_env;
	if (env && pm_parse_int(env, &n_env) == 0 && n_env > 0)
		want = (size_t)n_env;
	if (want > todo)
		want = todo;
	if (want > POOL_MAX)
		want = POOL_MAX;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->layers = layers;
	p->n = n;
	p->tmpdir = pm_store_path(s, "tmp");
	p->s = s;
	p->reg = reg;
	p->host = host;
	p->repo = repo;
	for (size_t i = 0; i < want; i++)
		if (pthread_create(&p->threads[p->n_threads], NULL, pool_worker, p) == 0)
			p->n_threads++;
}

/* Wait for layer l; with no thread running (none could be started), do it here. */
static void pool_wait(struct pool *p, struct out_layer *l)
{
	if (p->n_threads == 0) {
		l->r = layer_send(p, l, &l->err);
		l->done = true;
		return;
	}
	pthread_mutex_lock(&p->mu);
	while (!l->done)
		pthread_cond_wait(&p->cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

/* Stop taking layers; the ones being sent are finished (their threads joined). */
static void pool_stop(struct pool *p)
{
	if (!p->tmpdir)
		return;
	pthread_mutex_lock(&p->mu);
	p->cancel = true;
	pthread_mutex_unlock(&p->mu);
	for (size_t i = 0; i < p->n_threads; i++)
		pthread_join(p->threads[i], NULL);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p->tmpdir);
	p->tmpdir = NULL;
}

static int push_layer(const struct pm_store *s, const char *host, const char *repo,
		      struct pool *pool, struct out_layer *l, const struct pm_push_opts *o,
		      pm_error **err)
{
	emit(o, PM_PUSH_BLOB, l->src_digest);
	pool_wait(pool, l);
	if (l->r < 0) {
		pm_error_propagate(err, TAKE_PTR(l->err));
		return l->r;
	}
	emit(o, l->reused || l->skipped ? PM_PUSH_BLOB_SKIP : PM_PUSH_BLOB_DONE, l->d.digest);
	cache_put(s, l, host, repo);
	return 0;
}

/* The config: from memory through a pipe-less reader. */
static int push_config(struct pm_registry *reg, const char *repo, const char *digest,
		       const char *data, size_t len, pm_error **err)
{
	int r = pm_registry_blob_exists(reg, repo, digest, err);
	if (r < 0)
		return pm_error_prefix(err, "trying to reuse blob %s at destination", digest);
	if (r > 0)
		return 0;
	struct mem_reader m = {.p = data, .left = len};
	r = pm_registry_put_blob(reg, repo, digest, len, mem_read, &m, err);
	if (r < 0)
		return pm_error_prefix(err, "writing blob %s", digest);
	return 0;
}

/* The stored layers with the compression each goes out with. */
static int plan_layers(const struct pm_store *s, const struct pm_image_record *rec,
		       const struct pm_push_opts *o, enum pm_push_format f, struct out_layer **ret,
		       bool *ret_any_zstd, pm_error **err)
{
	struct out_layer *v = pm_xcalloc(rec->n_layers + 1, sizeof(*v));
	bool any_zstd = false;
	int r = 0;
	for (size_t i = 0; i < rec->n_layers; i++) {
		struct out_layer *l = &v[i];
		struct pm_layer_info info = {0};
		r = pm_layer_get(s, rec->layers[i], &info, err);
		if (r < 0)
			goto fail;
		l->src_digest = TAKE_PTR(info.digest);
		pm_layer_info_free(&info);
		l->blob_path = pm_layer_blob_path(s, rec->layers[i]);
		r = pm_compress_algo_of_file(l->blob_path, &l->stored);
		if (r < 0) {
			r = pm_error_set_errno(err, -r, "layer %s: reading its blob '%s'",
					       rec->layers[i], l->blob_path);
			goto fail;
		}
		/* A DEFAULT format may still become v2s2: plan as OCI, fixed below. */
		r = pm_push_layer_algo(f, o->compression, l->stored, &l->algo, err);
		if (r < 0)
			goto fail;
		any_zstd |= l->algo == PM_COMPRESS_ZSTD;
	}
	*ret = v;
	*ret_any_zstd = any_zstd;
	return 0;
fail:
	out_layers_free(v, rec->n_layers);
	return r;
}

/* registries.conf for host/repo: insecure = true of its [[registry]] entry (the longest
 * prefix); a blocked entry refuses the push. As podman, a push goes to the destination as
 * named: a location rewrite is not applied and mirrors are never pushed to. */
static int conf_insecure(const char *host, const char *repo, bool *ret, pm_error **err)
{
	_cleanup_registries_conf_ struct pm_registries_conf *c = NULL;
	int r = pm_registries_conf_load(&c, err);
	if (r < 0)
		return r;
	struct pm_registry_source *v = NULL;
	size_t n = 0;
	r = pm_registries_sources(c, host, repo, &v, &n, err);
	if (r < 0)
		return r;
	*ret = n > 0 && v[n - 1].insecure;
	pm_registry_sources_free(v, n);
	return 0;
}

int pm_push(const struct pm_store *s, const char *src, const char *dest, struct pm_push_opts *o,
	    char **ret_digest, pm_error **err)
{
	_cleanup_(pm_reference_freep) struct pm_reference ref = {0};
	int r = pm_push_parse_dest(dest ? dest : src, &ref, err);
	if (r < 0)
		return r;

	_cleanup_close_ int lock = pm_store_lock(s, "layers", LOCK_SH, err);
	if (lock < 0)
		return lock;
	struct pm_image_record rec = {0};
	r = pm_image_resolve(s, src, &rec, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *config = NULL;
	_cleanup_free_ char *manifest_json = NULL, *mdigest = NULL;
	struct out_layer *layers = NULL;
	struct pm_descriptor *descs = NULL;
	struct pool pool = {0};
	_cleanup_error_ pm_error *config_err = NULL;
	int config_r;
	_cleanup_registry_ struct pm_registry *reg = NULL;
	_cleanup_free_ char *config_digest = pm_xasprintf("sha256:%s", rec.id);
	size_t config_len = 0;
	r = pm_blob_get(s, config_digest, PM_MANIFEST_MAX, &config, &config_len, err);
	if (r < 0)
		goto out;

	bool any_zstd = false;
	enum pm_push_format f = o->format;
	r = plan_layers(s, &rec, o, f, &layers, &any_zstd, err);
	if (r < 0)
		goto out;
	f = pm_push_format_resolve(f, rec.manifest_type, any_zstd);
	descs = pm_xcalloc(rec.n_layers + 1, sizeof(*descs));
	for (size_t i = 0; i < rec.n_layers; i++)
		layers[i].d.media_type = pm_xstrdup(pm_push_layer_media_type(f, layers[i].algo));

	struct pm_registry_opts ro = o->reg;
	if (ro.tls_verify < 0) {
		bool insecure = false;
		r = conf_insecure(ref.domain, ref.path, &insecure, err);
		if (r < 0)
			goto out;
		ro.tls_verify = insecure ? 0 : 1;
	}
	r = pm_registry_open(ref.domain, &ro, &reg, err);
	if (r < 0)
		goto out;
	/* first, as podman does: an unreachable registry fails before any work, and the session
	 * knows https or http (--tls-verify=false) before the first URL is made */
	r = pm_registry_ping(reg, err);
	if (r < 0)
		goto out;
	emit(o, PM_PUSH_SIGNATURES, NULL);
	/* the threads' libraries opened here, once */
	for (size_t i = 0; i < rec.n_layers; i++)
		if (layers[i].algo != layers[i].stored && (r = pm_compress_load(err)) < 0)
			goto out;
	pool_start(&pool, s, reg, ref.domain, ref.path, layers, rec.n_layers);
	/* the config goes while the pool's threads send the layers (its round trips off the
	 * critical path); its result is reported where podman reports it, after the layers */
	config_r = pool.n_threads > 0 ? push_config(reg, ref.path, config_digest, config,
						    config_len, &config_err)
				      : 1;
	for (size_t i = 0; i < rec.n_layers; i++) {
		r = push_layer(s, ref.domain, ref.path, &pool, &layers[i], o, err);
		if (r < 0)
			goto out;
		descs[i] = layers[i].d;
	}
	pool_stop(&pool);

	emit(o, PM_PUSH_CONFIG, config_digest);
	if (config_r > 0) /* no thread: not sent yet */
		config_r =
			push_config(reg, ref.path, config_digest, config, config_len, &config_err);
	if (config_r < 0) {
		pm_error_propagate(err, TAKE_PTR(config_err));
		r = config_r;
		goto out;
	}

	const char *mt = NULL;
	manifest_json = pm_push_manifest_json(f, config_digest, (int64_t)config_len, descs,
					      rec.n_layers, &mt);
	emit(o, PM_PUSH_MANIFEST, NULL);
	char hex[PM_DIGEST_HEX_LEN + 1];
	pm_digest_buffer(manifest_json, strlen(manifest_json), hex);
	mdigest = pm_xasprintf("sha256:%s", hex);
	r = pm_registry_put_manifest(reg, ref.path, o->by_digest ? mdigest : ref.tag, mt,
				     manifest_json, strlen(manifest_json), err);
	if (r < 0) {
		pm_error_prefix(err, "writing manifest");
		goto out;
	}
	if (o->sign) {
		/* as podman: after the manifest is in (it is the digest signed); the key was
		 * checked by the caller before anything was sent */
		emit(o, PM_PUSH_SIGNING, NULL);
		r = pm_sign_digest(&ref, mdigest, o->sign, err);
		if (r < 0) {
			pm_error_prefix(err, "creating signature");
			goto out;
		}
	}
	emit(o, PM_PUSH_DONE, NULL);
	o->ret_media_type = mt;
	o->ret_size = (int64_t)strlen(manifest_json);
	if (ret_digest)
		*ret_digest = TAKE_PTR(mdigest);
	r = 0;
out:
	pool_stop(&pool); /* before the layers it writes to are freed */
	free(descs);	  /* the descriptors' strings are the out_layers' */
	out_layers_free(layers, rec.n_layers);
	pm_image_record_free(&rec);
	return r;
}
