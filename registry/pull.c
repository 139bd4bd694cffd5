/* pull.c: an image from a registry into the store (see pull.h). The reference goes through
 * registries.conf (short names, aliases, mirrors); the manifest is fetched (an index is
 * resolved to the wanted platform: registry/platform.c), then the config, then the layers the
 * store lacks, in parallel threads each streaming one blob into pm_layer_ingest (digests
 * checked while the bytes stream); the image record is written last, with the manifest as
 * the registry sent it (so the stored digest is the registry's). locks/layers.lock is held
 * shared from before the first layer lookup until the record is written, as
 * storage/archive.c's load does. Never prints: events go to the caller's callback, layer
 * bytes to s->progress (serialised: one report at a time). Called by cli/cmd-pull.c and
 * cli/cmd-run.c (run/create --pull). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/strutil.h"
#include "registry/client-internal.h"
#include "registry/conf.h"
#include "registry/platform.h"
#include "registry/pull.h"
#include "storage/digest.h"
#include "storage/dl-z.h"
#include "storage/image.h"
#include "storage/layerstore.h"
#include "storage/manifest.h"
#include "storage/reference.h"

/* Layers fetched at once (containers/image's default for a pull is 6). */
#define PULL_THREADS 6

static void emit(const struct pm_pull_opts *o, enum pm_pull_event ev, const char *arg)
{
	if (o && o->event)
		o->event(o->event_ctx, ev, arg);
}

/* ---- the layers, in parallel ----------------------------------------------------------- */

struct job {
	const char *digest;  /* the blob's (descriptor) digest */
	const char *diff_id; /* the config's */
	uint64_t size;
	struct pm_layer_info info;
	int r;
	pm_error *err;
};

struct fetch {
	struct pm_store store; /* the caller's, with progress going through report() */
	const struct pm_progress *progress;
	struct pm_progress serial;
	struct pm_registry *reg;
	const char *repo;
	struct job *jobs;
	size_t n, next;
	bool failed; /* the first failure cancels the others: read under mu */
	pthread_mutex_t mu, progress_mu;
};

static void report(void *ctx, const char *digest, uint64_t done, uint64_t total, bool finished)
{
	struct fetch *f = ctx;
	pthread_mutex_lock(&f->progress_mu);
	pm_progress_report(f->progress, digest, done, total, finished);
	pthread_mutex_unlock(&f->progress_mu);
}

static bool cancelled(struct fetch *f)
{
	pthread_mutex_lock(&f->mu);
	bool c = f->failed;
	pthread_mutex_unlock(&f->mu);
	return c;
}

struct reader {
	struct fetch *f;
	struct pm_registry_blob *b;
};

static ssize_t job_read(void *ctx, void *buf, size_t n)
{
	struct reader *rd = ctx;
	if (cancelled(rd->f))
		return -ECANCELED;
	return pm_registry_blob_read(rd->b, buf, n);
}

static int fetch_layer(struct fetch *f, struct job *j, pm_error **err)
{
	struct reader rd = {.f = f};
	int r = pm_registry_blob_open(f->reg, f->repo, j->digest, j->size, &rd.b, err);
	if (r < 0)
		return r;
	_cleanup_error_ pm_error *ierr = NULL, *cerr = NULL;
	r = pm_layer_ingest_sized(&f->store, job_read, &rd, j->digest, j->diff_id, j->size,
				  &j->info, &ierr);
	int rc = pm_registry_blob_close(rd.b, &cerr);
	if (r == -ECANCELED && cancelled(f))
		return r; /* another layer's failure is the one reported */
	if (rc < 0) {
		/* the transfer's own failure (a truncated body, a reset) explains best */
		pm_error_propagate(err, TAKE_PTR(cerr));
		return rc;
	}
	if (r < 0) {
		pm_error_propagate(err, TAKE_PTR(ierr));
		return r;
	}
	return 0;
}

static void *worker(void *arg)
{
	struct fetch *f = arg;
	for (;;) {
		pthread_mutex_lock(&f->mu);
		size_t i = f->failed ? f->n : f->next;
		if (i < f->n)
			f->next++;
		pthread_mutex_unlock(&f->mu);
		if (i >= f->n)
			return NULL;
		struct job *j = &f->jobs[i];
		j->r = fetch_layer(f, j, &j->err);
		if (j->r < 0) {
			pthread_mutex_lock(&f->mu);
			f->failed = true;
			pthread_mutex_unlock(&f->mu);
		}
	}
}

/* Fetch jobs (layers the store lacks) with up to PULL_THREADS threads. The first failure
 * (in manifest order among those that failed first) is returned. */
static int fetch_layers(const struct pm_store *s, struct pm_registry *reg, const char *repo,
			struct job *jobs, size_t n, pm_error **err)
{
	if (n == 0)
		return 0;
	/* dlopen'd libraries are loaded once, before any thread needs them (the tar reader
	 * opens them itself when a layer needs them; libcurl maps both already) */
	pm_dl_zlib(NULL);
	pm_dl_zstd(NULL);
	pm_digester_free(pm_digester_new());

	struct fetch f = {.store = *s,
			  .progress = s->progress,
			  .reg = reg,
			  .repo = repo,
			  .jobs = jobs,
			  .n = n};
	f.serial = (struct pm_progress){.fn = report, .ctx = &f};
	f.store.progress = s->progress ? &f.serial : NULL;
	pthread_mutex_init(&f.mu, NULL);
	pthread_mutex_init(&f.progress_mu, NULL);
	size_t nt = n < PULL_THREADS ? n : PULL_THREADS;
	const char *env = getenv("PM_PULL_THREADS"); /* for measurements */
	int want;
	if (env && pm_parse_int(env, &want) == 0 && want > 0 && (size_t)want < nt)
		nt = (size_t)want;
	pthread_t th[PULL_THREADS];
	size_t started = 0;
	for (; started + 1 < nt; started++)
		if (pthread_create(&th[started], NULL, worker, &f) != 0)
			break;
	worker(&f); /* this thread works too */
	for (size_t i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&f.mu);
	pthread_mutex_destroy(&f.progress_mu);

	/* a cancelled job's -ECANCELED is not the cause: report the real failure */
	int r = 0;
	for (size_t i = 0; i < n && r == 0; i++)
		if (jobs[i].r < 0 && jobs[i].r != -ECANCELED) {
			r = jobs[i].r;
			pm_error_propagate(err, TAKE_PTR(jobs[i].err));
		}
	for (size_t i = 0; i < n && r == 0; i++)
		if (jobs[i].r < 0) {
			r = jobs[i].r;
			pm_error_propagate(err, TAKE_PTR(jobs[i].err));
		}
	if (r < 0 && err && !*err)
		pm_error_set(err, -r, "fetching layers: %s", strerror(-r));
	return r;
}

/* ---- one image from one source --------------------------------------------------------- */

/* What a pull of one name needs besides the store. */
struct target {
	const char *name;   /* "host/repo:tag" or "host/repo@digest", as the user sees it */
	const char *repo;   /* the repository on the source's host */
	const char *ref;    /* tag or digest */
	bool by_digest;	    /* no tag: the image gets no tag name (podman's) */
	const char *domain; /* of name: the names the image gets are under it */
	const char *path;
	const struct pm_platform *want;
};

static bool is_index(const struct pm_registry_doc *d)
{
	if (d->media_type && (strcmp(d->media_type, PM_MT_OCI_INDEX) == 0 ||
			      strcmp(d->media_type, PM_MT_DOCKER_LIST) == 0))
		return true;
	if (d->media_type && (strcmp(d->media_type, PM_MT_OCI_MANIFEST) == 0 ||
			      strcmp(d->media_type, PM_MT_DOCKER_MANIFEST) == 0))
		return false;
	return pm_manifest_kind(d->data, d->len) == PM_DOC_INDEX;
}

/* The image manifest for t: the document itself, or the index's entry for t->want. ret_index
 * gets the index's digest when there was one. */
static int get_image_manifest(struct pm_registry *reg, const struct target *t,
			      struct pm_registry_doc *ret, char **ret_index, pm_error **err)
{
	struct pm_registry_doc doc = {0};
	int r = pm_registry_get_manifest(reg, t->repo, t->ref, &doc, err);
	if (r < 0) {
		pm_error_prefix(err, "initializing source docker://%s", t->name);
		return r;
	}
	if (!is_index(&doc)) {
		*ret = doc;
		return 0;
	}
	struct pm_index idx = {0};
	size_t i = 0;
	r = pm_index_parse(doc.data, doc.len, &idx, err);
	if (r >= 0)
		r = pm_platform_choose(&idx, t->want, &i, err);
	if (r < 0) {
		pm_error_prefix(err, "choosing an image from manifest list docker://%s", t->name);
		goto out;
	}
	r = pm_registry_get_manifest(reg, t->repo, idx.manifests[i].digest, ret, err);
	if (r < 0) {
		pm_error_prefix(err, "reading manifest %s in %s", idx.manifests[i].digest, t->name);
		goto out;
	}
	if (is_index(ret)) {
		pm_registry_doc_free(ret);
		r = pm_error_set(err, ENOTSUP, "%s: an index inside an index is not supported",
				 t->name);
		goto out;
	}
	*ret_index = pm_xstrdup(doc.digest);
out:
	pm_index_free(&idx);
	pm_registry_doc_free(&doc);
	return r;
}

static void jobs_free(struct job *jobs, size_t n)
{
	for (size_t i = 0; jobs && i < n; i++) {
		pm_layer_info_free(&jobs[i].info);
		pm_error_free(jobs[i].err);
	}
	free(jobs);
}

static int pull_from(const struct pm_store *s, struct pm_registry *reg, const struct target *t,
		     const struct pm_pull_opts *o, char **ret_id, pm_error **err)
{
	struct pm_registry_doc doc = {0};
	_cleanup_free_ char *index_digest = NULL, *config = NULL, *id = NULL;
	size_t clen = 0, nj = 0;
	struct pm_manifest m = {0};
	struct pm_image_config cfg = {0};
	struct job *jobs = NULL;
	_cleanup_strv_ char **names = NULL;
	_cleanup_close_ int lock = -1;

	int r = get_image_manifest(reg, t, &doc, &index_digest, err);
	if (r < 0)
		return r;
	r = pm_manifest_parse(doc.data, doc.len, &m, err);
	if (r < 0) {
		pm_error_prefix(err, "%s", t->name);
		goto out;
	}
	emit(o, PM_PULL_SIGNATURES, NULL);
	r = pm_registry_get_blob_mem(reg, t->repo, m.config.digest, PM_MANIFEST_MAX, &config, &clen,
				     err);
	if (r < 0)
		goto out;
	r = pm_image_config_parse(config, clen, &cfg, err);
	if (r < 0)
		goto out;
	if (cfg.n_diff_ids != m.n_layers) {
		r = pm_error_set(err, EINVAL,
				 "%s: the image config lists %zu layers, the manifest %zu", t->name,
				 cfg.n_diff_ids, m.n_layers);
		goto out;
	}

	/* from the first layer lookup until the record names them: no collect runs */
	lock = pm_store_lock(s, "layers", LOCK_SH, err);
	if (lock < 0) {
		r = lock;
		goto out;
	}
	jobs = pm_xcalloc(m.n_layers + 1, sizeof(*jobs));
	for (size_t i = 0; i < m.n_layers; i++) {
		const struct pm_descriptor *d = &m.layers[i];
		bool dup = false;
		for (size_t k = 0; k < nj; k++)
			dup = dup || strcmp(jobs[k].diff_id, cfg.diff_ids[i]) == 0;
		if (pm_layer_exists(s, cfg.diff_ids[i]) || dup) {
			emit(o, PM_PULL_BLOB_EXISTS, d->digest);
			continue;
		}
		emit(o, PM_PULL_BLOB, d->digest);
		jobs[nj++] = (struct job){.digest = d->digest,
					  .diff_id = cfg.diff_ids[i],
					  .size = d->size > 0 ? (uint64_t)d->size : 0};
	}
	r = fetch_layers(s, reg, t->repo, jobs, nj, err);
	if (r < 0)
		goto out;
	emit(o, PM_PULL_CONFIG, m.config.digest);
	emit(o, PM_PULL_MANIFEST, NULL);
	/* podman's names: NAME:TAG, or REPO@DIGEST for a pull by digest; and REPO@INDEX for
	 * the index it came through (image inspect's RepoDigests lists both digests) */
	if (t->by_digest)
		pm_strv_consume(&names, pm_xasprintf("%s/%s@%s", t->domain, t->path, t->ref));
	else
		pm_strv_push(&names, t->name);
	if (index_digest && !(t->by_digest && strcmp(index_digest, t->ref) == 0))
		pm_strv_consume(&names, pm_xasprintf("%s/%s@%s", t->domain, t->path, index_digest));
	r = pm_image_create(s, config, clen, doc.data, doc.len, names, &id, err);
	if (r < 0)
		goto out;
	emit(o, PM_PULL_DONE, NULL);
	*ret_id = TAKE_PTR(id);
out:
	jobs_free(jobs, nj);
	pm_image_config_free(&cfg);
	pm_manifest_free(&m);
	pm_registry_doc_free(&doc);
	return r;
}

/* A session with host, pinged first as podman does (the ping picks https, or http under
 * --tls-verify=false, before any URL is built). */
static int session_open(const char *host, const struct pm_registry_opts *ro,
			struct pm_registry **ret, pm_error **err)
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

/* The session options for a source: --tls-verify when given, else registries.conf's. */
static struct pm_registry_opts source_opts(const struct pm_pull_opts *o,
					   const struct pm_registry_source *src)
{
	struct pm_registry_opts ro = o->reg;
	if (ro.tls_verify < 0)
		ro.tls_verify = src->insecure ? 0 : 1;
	return ro;
}

/* Pull the fully qualified reference ref from its sources (mirrors first). */
static int pull_name(const struct pm_store *s, const struct pm_registries_conf *conf,
		     const struct pm_reference *ref, const struct pm_pull_opts *o,
		     const struct pm_platform *want, char **ret_id, pm_error **err)
{
	_cleanup_free_ char *name = pm_reference_string(ref);
	struct pm_registry_source *srcs = NULL;
	size_t n = 0;
	emit(o, PM_PULL_TRYING, name);
	int r = pm_registries_sources(conf, ref->domain, ref->path, &srcs, &n, err);
	if (r < 0)
		return r;
	r = -ENOENT;
	for (size_t i = 0; i < n; i++) {
		_cleanup_error_ pm_error *e = NULL;
		_cleanup_registry_ struct pm_registry *reg = NULL;
		struct pm_registry_opts ro = source_opts(o, &srcs[i]);
		struct target t = {.name = name,
				   .repo = srcs[i].repo,
				   .ref = ref->digest ? ref->digest : ref->tag,
				   .by_digest = ref->digest != NULL,
				   .domain = ref->domain,
				   .path = ref->path,
				   .want = want};
		r = session_open(srcs[i].host, &ro, &reg, &e);
		if (r < 0)
			pm_error_prefix(&e, "initializing source docker://%s", name);
		else
			r = pull_from(s, reg, &t, o, ret_id, &e);
		if (r >= 0)
			break;
		pm_log_debug("pulling %s from %s/%s: %s", name, srcs[i].host, srcs[i].repo,
			     e ? e->msg : "");
		/* a mirror's failure is not the answer while the location remains */
		if (i + 1 == n)
			pm_error_propagate(err, TAKE_PTR(e));
	}
	pm_registry_sources_free(srcs, n);
	return r;
}

/* ---- names ----------------------------------------------------------------------------- */

/* Whether the reference as typed carries a tag (a short name has no domain: any ':' is). */
static bool typed_tag(const char *s)
{
	const char *at = strchr(s, '@');
	size_t end = at ? (size_t)(at - s) : strlen(s);
	const char *slash = memrchr(s, '/', end);
	const char *start = slash ? slash : s;
	return memchr(start, ':', end - (size_t)(start - s)) != NULL;
}

/* The full references to try for s, in order (a short name through registries.conf). */
static int resolve(const struct pm_registries_conf *conf, const char *s,
		   const struct pm_pull_opts *o, struct pm_reference **ret, size_t *ret_n,
		   pm_error **err)
{
	struct pm_reference pr = {0};
	int r = pm_reference_parse(s, PM_REF_DOCKER, &pr, err);
	if (r < 0)
		return r;
	if (!pr.short_name) {
		*ret = pm_xcalloc(1, sizeof(**ret));
		(*ret)[0] = pr;
		*ret_n = 1;
		return 0;
	}
	_cleanup_strv_ char **cands = NULL;
	bool alias = false;
	r = pm_registries_short_name(conf, s, &cands, &alias, err);
	if (r >= 0 && !alias && pm_strv_length(cands) > 1 &&
	    strcmp(pm_registries_short_name_mode(conf), "enforcing") == 0 &&
	    !(isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)))
		r = pm_error_set(err, EINVAL,
				 "short-name resolution enforced but cannot prompt without a TTY");
	if (r < 0) {
		pm_reference_free(&pr);
		return r;
	}
	const char *origin = alias ? pm_registries_alias_origin(conf, s) : NULL;
	if (origin) {
		size_t nl = strcspn(s, ":@");
		_cleanup_free_ char *line =
			pm_xasprintf("Resolved \"%.*s\" as an alias (%s)", (int)nl, s, origin);
		emit(o, PM_PULL_RESOLVED, line);
	}
	size_t n = pm_strv_length(cands), k = 0;
	struct pm_reference *v = pm_xcalloc(n + 1, sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		struct pm_reference c = {0};
		if (pm_reference_parse(cands[i], PM_REF_DOCKER, &c, NULL) < 0)
			continue;
		/* an alias names a repository: the typed tag or digest goes with it */
		if (pr.digest && !c.digest) {
			c.digest = pm_xstrdup(pr.digest);
			free(c.tag);
			c.tag = pr.tag ? pm_xstrdup(pr.tag) : NULL;
		} else if (!c.digest && typed_tag(s) && !typed_tag(cands[i])) {
			free(c.tag);
			c.tag = pm_xstrdup(pr.tag);
		}
		v[k++] = c;
	}
	pm_reference_free(&pr);
	if (k == 0) {
		free(v);
		return pm_error_set(err, ENOENT, "short-name \"%s\" did not resolve", s);
	}
	*ret = v;
	*ret_n = k;
	return 0;
}

static void refs_free(struct pm_reference *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		pm_reference_free(&v[i]);
	free(v);
}

/* Pull s (one name as typed) trying each resolved candidate; ret_ref (may be NULL) gets the
 * candidate that worked. */
static int pull_candidates(const struct pm_store *s, const struct pm_registries_conf *conf,
			   const char *ref, const struct pm_pull_opts *o,
			   const struct pm_platform *want, char **ret_id, pm_error **err)
{
	struct pm_reference *cands = NULL;
	size_t n = 0;
	int r = resolve(conf, ref, o, &cands, &n, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *msgs = NULL;
	for (size_t i = 0; i < n; i++) {
		_cleanup_error_ pm_error *e = NULL;
		r = pull_name(s, conf, &cands[i], o, want, ret_id, &e);
		if (r >= 0)
			break;
		if (n == 1) {
			pm_error_propagate(err, TAKE_PTR(e));
			break;
		}
		/* podman lists every candidate's failure: here on one line */
		char *m = pm_xasprintf("%s * %s", msgs ? msgs : "", e ? e->msg : strerror(-r));
		free(msgs);
		msgs = m;
		if (i + 1 == n)
			pm_error_set(err, -r, "%zu errors occurred while pulling:%s", n, msgs);
	}
	refs_free(cands, n);
	return r;
}

/* The wanted platform from o. */
static void wanted(const struct pm_pull_opts *o, struct pm_platform *ret)
{
	pm_platform_wanted(o ? o->os : NULL, o ? o->arch : NULL, o ? o->variant : NULL, ret);
}

static int pull_all_tags(const struct pm_store *s, const struct pm_registries_conf *conf,
			 const char *ref, const struct pm_pull_opts *o,
			 const struct pm_platform *want, char ***ret_ids, pm_error **err)
{
	if (typed_tag(ref) || strchr(ref, '@'))
		return pm_error_set(err, EINVAL, "tag or digest can't be used with all-tags flag");
	struct pm_reference *cands = NULL;
	size_t n = 0;
	int r = resolve(conf, ref, o, &cands, &n, err);
	if (r < 0)
		return r;
	struct pm_reference *c = &cands[0];
	_cleanup_strv_ char **tags = NULL, **ids = NULL;
	struct pm_registry_source *srcs = NULL;
	size_t ns = 0;
	r = pm_registries_sources(conf, c->domain, c->path, &srcs, &ns, err);
	if (r >= 0) {
		struct pm_registry_source *src = &srcs[ns - 1];
		struct pm_registry_opts ro = source_opts(o, src);
		_cleanup_registry_ struct pm_registry *reg = NULL;
		r = session_open(src->host, &ro, &reg, err);
		if (r >= 0)
			r = pm_registry_list_tags(reg, src->repo, &tags, err);
		pm_registry_sources_free(srcs, ns);
	}
	for (char **t = tags; r >= 0 && t && *t; t++) {
		free(c->tag);
		c->tag = pm_xstrdup(*t);
		char *id = NULL;
		r = pull_name(s, conf, c, o, want, &id, err);
		if (r >= 0 && !pm_strv_contains(ids, id))
			pm_strv_push(&ids, id);
		free(id);
	}
	refs_free(cands, n);
	if (r < 0)
		return r;
	*ret_ids = TAKE_PTR(ids);
	return 0;
}

int pm_pull(const struct pm_store *s, const char *ref, const struct pm_pull_opts *o,
	    char ***ret_ids, pm_error **err)
{
	_cleanup_registries_conf_ struct pm_registries_conf *conf = NULL;
	int r = pm_registries_conf_load(&conf, err);
	if (r < 0)
		return r;
	struct pm_platform want;
	wanted(o, &want);
	if (o && o->all_tags) {
		r = pull_all_tags(s, conf, ref, o, &want, ret_ids, err);
	} else {
		char *id = NULL;
		r = pull_candidates(s, conf, ref, o, &want, &id, err);
		if (r >= 0) {
			*ret_ids = NULL;
			pm_strv_consume(ret_ids, id);
		}
	}
	pm_platform_free(&want);
	return r;
}

int pm_pull_check_newer(const char *ref, const struct pm_image_record *rec,
			const struct pm_pull_opts *o, bool *ret_newer, pm_error **err)
{
	_cleanup_registries_conf_ struct pm_registries_conf *conf = NULL;
	int r = pm_registries_conf_load(&conf, err);
	if (r < 0)
		return r;
	struct pm_reference *cands = NULL;
	size_t n = 0;
	r = resolve(conf, ref, NULL, &cands, &n, err);
	if (r < 0)
		return r;
	struct pm_registry_source *srcs = NULL;
	size_t ns = 0;
	r = pm_registries_sources(conf, cands[0].domain, cands[0].path, &srcs, &ns, err);
	if (r >= 0) {
		struct pm_registry_source *src = &srcs[ns - 1];
		struct pm_registry_opts ro = source_opts(o, src);
		_cleanup_registry_ struct pm_registry *reg = NULL;
		_cleanup_free_ char *digest = NULL;
		const char *tag = cands[0].digest ? cands[0].digest : cands[0].tag;
		r = session_open(src->host, &ro, &reg, err);
		if (r >= 0)
			r = pm_registry_head_manifest(reg, src->repo, tag, &digest, err);
		if (r >= 0) {
			_cleanup_free_ char *repo = pm_reference_repo(&cands[0]);
			_cleanup_free_ char *dname = pm_xasprintf("%s@%s", repo, digest);
			*ret_newer = !(rec->digest && strcmp(rec->digest, digest) == 0) &&
				     !pm_strv_contains(rec->names, dname);
		}
		pm_registry_sources_free(srcs, ns);
	}
	refs_free(cands, n);
	return r;
}

/* --pull=newer: any failure to ask counts as "not newer" (podman then uses the local
 * image). */
static bool newer_exists(const char *ref, const struct pm_image_record *rec,
			 const struct pm_pull_opts *o)
{
	bool newer = false;
	return pm_pull_check_newer(ref, rec, o, &newer, NULL) >= 0 && newer;
}

int pm_pull_for_container(const struct pm_store *s, const char *ref, enum pm_pull_policy policy,
			  const struct pm_pull_opts *o, char **ret_id, pm_error **err)
{
	struct pm_image_record rec = {0};
	_cleanup_error_ pm_error *lerr = NULL;
	int r = policy == PM_PULL_ALWAYS ? -ENOENT : pm_image_resolve(s, ref, &rec, &lerr);
	if (r < 0 && r != -ENOENT) {
		pm_error_propagate(err, TAKE_PTR(lerr));
		return r;
	}
	if (r >= 0 && policy == PM_PULL_NEWER) {
		if (newer_exists(ref, &rec, o)) {
			pm_image_record_free(&rec);
			r = -ENOENT;
		}
	}
	if (r >= 0) {
		*ret_id = TAKE_PTR(rec.id);
		pm_image_record_free(&rec);
		return 0;
	}
	if (policy == PM_PULL_NEVER) {
		pm_error_propagate(err, TAKE_PTR(lerr));
		return r;
	}
	struct pm_pull_opts po = *o;
	po.all_tags = false;
	_cleanup_strv_ char **ids = NULL;
	r = pm_pull(s, ref, &po, &ids, err);
	if (r < 0)
		return r;
	*ret_id = pm_xstrdup(ids[0]);
	return 0;
}
