/* client-ops.c: the OCI distribution API's operations on a session: manifests (get, head, put),
 * blobs (into memory, as a stream, exists, upload, mount) and tags. The transport, TLS and
 * auth are client-http.c's. Never prints. Called by registry/pull.c, push.c and cli login. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <strings.h>

#include "lib/json.h"
#include "lib/sha256.h"
#include "lib/strutil.h"
#include "registry/client-internal.h"
#include "storage/manifest.h"

#define MANIFEST_ACCEPT                                                                            \
	"application/vnd.oci.image.manifest.v1+json, "                                             \
	"application/vnd.oci.image.index.v1+json, "                                                \
	"application/vnd.docker.distribution.manifest.v2+json, "                                   \
	"application/vnd.docker.distribution.manifest.list.v2+json"
#define TAGS_MAX       (8u << 20)
#define BLOB_BUF_SIZE  (64u << 10)
#define BLOB_ERROR_MAX (64u << 10)

void pm_registry_doc_free(struct pm_registry_doc *d)
{
	if (!d)
		return;
	free(d->data);
	free(d->media_type);
	free(d->digest);
	*d = (struct pm_registry_doc){0};
}

static char *sha256_digest(const void *data, size_t n)
{
	char hex[2 * PM_SHA256_SIZE + 1];
	pm_sha256_hex(data, n, hex);
	return pm_xasprintf("sha256:%s", hex);
}

static bool is_digest(const char *ref)
{
	return strchr(ref, ':') != NULL;
}

/* Content-Type without parameters; generic ones give way to the document's mediaType. */
static char *doc_media_type(const struct pm_http_resp *h)
{
	if (h->content_type) {
		size_t n = strcspn(h->content_type, "; ");
		if (n && strncmp(h->content_type, "application/json", n) &&
		    strncmp(h->content_type, "text/plain", n))
			return pm_xstrndup(h->content_type, n);
	}
	_cleanup_json_ json_t *j = json_loadb(h->body ? h->body : "", h->len, 0, NULL);
	const char *mt = j ? pm_json_string(j, "mediaType") : NULL;
	return pm_xstrdup(mt ? mt : "application/vnd.oci.image.manifest.v1+json");
}

static int http_error(const struct pm_http_resp *h, pm_error **err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int http_error(const struct pm_http_resp *h, pm_error **err, const char *fmt, ...)
{
	va_list ap;
	_cleanup_free_ char *ctx = NULL, *t = pm_registry_error_text(h);
	va_start(ap, fmt);
	if (vasprintf(&ctx, fmt, ap) < 0)
		abort();
	va_end(ap);
	return pm_error_set(err, pm_registry_status_errno(h->status), "%s: %s", ctx, t);
}

int pm_registry_get_manifest(struct pm_registry *r, const char *repo, const char *ref,
			     struct pm_registry_doc *ret, pm_error **err)
{
	_cleanup_free_ char *url = pm_registry_url(r, "%s/manifests/%s", repo, ref);
	struct pm_http_req req = {
		.method = "GET",
		.url = url,
		.repo = repo,
		.accept = MANIFEST_ACCEPT,
		.max = PM_MANIFEST_MAX,
	};
	struct pm_http_resp h = {0};
	_cleanup_free_ char *digest = NULL;
	int k;

	*ret = (struct pm_registry_doc){0};
	if ((k = pm_registry_request(r, &req, &h, err)) < 0)
		return pm_error_prefix(err, "reading manifest %s in %s/%s", ref, r->host, repo);
	if (h.status != 200) {
		if (h.status == 404 && !h.len)
			k = pm_error_set(err, ENOENT,
					 "reading manifest %s in %s/%s: manifest unknown", ref,
					 r->host, repo);
		else
			k = http_error(&h, err, "reading manifest %s in %s/%s", ref, r->host, repo);
		goto out;
	}
	if (h.truncated) {
		k = pm_error_set(err, EFBIG, "reading manifest %s in %s/%s: larger than %u bytes",
				 ref, r->host, repo, PM_MANIFEST_MAX);
		goto out;
	}
	digest = sha256_digest(h.body ? h.body : "", h.len);
	if (is_digest(ref) && strcmp(ref, digest)) {
		k = pm_error_set(
			err, EBADMSG,
			"reading manifest %s in %s/%s: digest mismatch: expected %s, got %s", ref,
			r->host, repo, ref, digest);
		goto out;
	}
	ret->media_type = doc_media_type(&h);
	ret->data = h.body ? TAKE_PTR(h.body) : pm_xstrdup("");
	ret->len = h.len;
	ret->digest = TAKE_PTR(digest);
out:
	pm_http_resp_done(&h);
	return k;
}

int pm_registry_head_manifest(struct pm_registry *r, const char *repo, const char *ref,
			      char **ret_digest, pm_error **err)
{
	_cleanup_free_ char *url = pm_registry_url(r, "%s/manifests/%s", repo, ref);
	struct pm_http_req req = {
		.method = "HEAD",
		.url = url,
		.repo = repo,
		.accept = MANIFEST_ACCEPT,
	};
	struct pm_http_resp h = {0};
	int k;

	*ret_digest = NULL;
	if ((k = pm_registry_request(r, &req, &h, err)) < 0)
		return pm_error_prefix(err, "reading manifest %s in %s/%s", ref, r->host, repo);
	if (h.status == 404)
		k = pm_error_set(err, ENOENT, "reading manifest %s in %s/%s: manifest unknown", ref,
				 r->host, repo);
	else if (h.status != 200)
		k = http_error(&h, err, "reading manifest %s in %s/%s", ref, r->host, repo);
	else if (h.digest && *h.digest)
		*ret_digest = TAKE_PTR(h.digest);
	else {
		/* no Docker-Content-Digest: hash the document itself */
		struct pm_registry_doc d;
		pm_http_resp_done(&h);
		if ((k = pm_registry_get_manifest(r, repo, ref, &d, err)) < 0)
			return k;
		*ret_digest = TAKE_PTR(d.digest);
		pm_registry_doc_free(&d);
	}
	pm_http_resp_done(&h);
	return k;
}

int pm_registry_put_manifest(struct pm_registry *r, const char *repo, const char *ref,
			     const char *media_type, const void *data, size_t len, pm_error **err)
{
	_cleanup_free_ char *url = pm_registry_url(r, "%s/manifests/%s", repo, ref);
	struct pm_http_req req = {
		.method = "PUT",
		.url = url,
		.repo = repo,
		.push = true,
		.content_type = media_type,
		.body = data,
		.body_len = len,
	};
	struct pm_http_resp h = {0};
	int k;
	if ((k = pm_registry_request(r, &req, &h, err)) < 0)
		return pm_error_prefix(err, "uploading manifest %s to %s/%s", ref, r->host, repo);
	if (h.status < 200 || h.status >= 300)
		k = http_error(&h, err, "uploading manifest %s to %s/%s", ref, r->host, repo);
	pm_http_resp_done(&h);
	return k;
}

int pm_registry_get_blob_mem(struct pm_registry *r, const char *repo, const char *digest,
			     size_t max, char **ret, size_t *ret_len, pm_error **err)
{
	_cleanup_free_ char *url = pm_registry_url(r, "%s/blobs/%s", repo, digest);
	struct pm_http_req req = {.method = "GET", .url = url, .repo = repo, .max = max};
	struct pm_http_resp h = {0};
	_cleanup_free_ char *got = NULL;
	int k;

	*ret = NULL;
	*ret_len = 0;
	if ((k = pm_registry_request(r, &req, &h, err)) < 0)
		return pm_error_prefix(err, "reading blob %s in %s/%s", digest, r->host, repo);
	if (h.status != 200) {
		if (h.status == 404 && !h.len)
			k = pm_error_set(err, ENOENT,
					 "reading blob %s in %s/%s: blob unknown to registry",
					 digest, r->host, repo);
		else
			k = http_error(&h, err, "reading blob %s in %s/%s", digest, r->host, repo);
		goto out;
	}
	if (h.truncated) {
		k = pm_error_set(err, EFBIG, "reading blob %s in %s/%s: larger than %zu bytes",
				 digest, r->host, repo, max);
		goto out;
	}
	got = sha256_digest(h.body ? h.body : "", h.len);
	if (strcmp(got, digest)) {
		k = pm_error_set(err, EBADMSG,
				 "reading blob %s in %s/%s: digest mismatch: expected %s, got %s",
				 digest, r->host, repo, digest, got);
		goto out;
	}
	*ret = h.body ? TAKE_PTR(h.body) : pm_xstrdup("");
	*ret_len = h.len;
out:
	pm_http_resp_done(&h);
	return k;
}

int pm_registry_blob_exists(struct pm_registry *r, const char *repo, const char *digest,
			    pm_error **err)
{
	_cleanup_free_ char *url = pm_registry_url(r, "%s/blobs/%s", repo, digest);
	struct pm_http_req req = {.method = "HEAD", .url = url, .repo = repo};
	struct pm_http_resp h = {0};
	int k;
	if ((k = pm_registry_request(r, &req, &h, err)) < 0)
		return pm_error_prefix(err, "checking whether blob %s exists in %s/%s", digest,
				       r->host, repo);
	if (h.status == 200)
		k = 1;
	else if (h.status == 404)
		k = 0;
	else
		k = http_error(&h, err, "checking whether blob %s exists in %s/%s", digest, r->host,
			       repo);
	pm_http_resp_done(&h);
	return k;
}

/* The upload URL a registry's Location names (absolute, or a path on the endpoint). */
static char *location_url(struct pm_registry *r, const char *loc)
{
	if (pm_str_startswith(loc, "http://") || pm_str_startswith(loc, "https://"))
		return pm_xstrdup(loc);
	return pm_xasprintf("%s://%s%s%s", r->scheme, r->endpoint, loc[0] == '/' ? "" : "/", loc);
}

static int start_upload(struct pm_registry *r, const char *repo, const char *query,
			const char *from, struct pm_http_resp *h, pm_error **err)
{
	_cleanup_free_ char *url = pm_registry_url(r, "%s/blobs/uploads/%s", repo, query);
	struct pm_http_req req = {
		.method = "POST", .url = url, .repo = repo, .push = true, .also_pull = from};
	return pm_registry_request(r, &req, h, err);
}

int pm_registry_mount_blob(struct pm_registry *r, const char *repo, const char *digest,
			   const char *from, pm_error **err)
{
	_cleanup_free_ char *q = pm_xasprintf("?mount=%s&from=%s", digest, from);
	struct pm_http_resp h = {0};
	int k;
	if ((k = start_upload(r, repo, q, from, &h, err)) < 0)
		return pm_error_prefix(err, "mounting blob %s from %s/%s into %s/%s", digest,
				       r->host, from, r->host, repo);
	if (h.status == 201)
		k = 1;
	else if (h.status == 202)
		k = 0; /* the registry started an upload instead: left to expire */
	else
		k = http_error(&h, err, "mounting blob %s from %s/%s into %s/%s", digest, r->host,
			       from, r->host, repo);
	pm_http_resp_done(&h);
	return k;
}

/* The upload of put_blob or put_blob_stream: digest, or (NULL) digest_of(rd_ctx) once the
 * body was read; name: what the messages call the blob. */
static int put_blob(struct pm_registry *r, const char *repo, const char *digest,
		    const char *(*digest_of)(void *ctx), const char *name, uint64_t size,
		    ssize_t (*rd)(void *ctx, void *buf, size_t n), void *rd_ctx, pm_error **err)
{
	struct pm_http_resp h = {0};
	_cleanup_free_ char *loc = NULL, *url = NULL;
	int k;

	if ((k = start_upload(r, repo, "", NULL, &h, err)) < 0)
		goto fail;
	if (h.status != 202 || !h.location) {
		k = http_error(&h, err, "uploading blob %s to %s/%s", name, r->host, repo);
		goto out;
	}
	loc = location_url(r, h.location);
	pm_http_resp_done(&h);

	if (!size) {
		/* unknown length: one PATCH stream, then the closing PUT */
		struct pm_http_req patch = {
			.method = "PATCH",
			.url = loc,
			.repo = repo,
			.push = true,
			.content_type = "application/octet-stream",
			.rd = rd,
			.rd_ctx = rd_ctx,
		};
		if ((k = pm_registry_request(r, &patch, &h, err)) < 0)
			goto fail;
		if (h.status != 202) {
			k = http_error(&h, err, "uploading blob %s to %s/%s", name, r->host, repo);
			goto out;
		}
		if (h.location) {
			free(loc);
			loc = location_url(r, h.location);
		}
		pm_http_resp_done(&h);
		if (!digest)
			digest = digest_of(rd_ctx);
		if (!digest) {
			k = pm_error_set(err, EIO,
					 "uploading blob %s to %s/%s: no digest at the end", name,
					 r->host, repo);
			goto out;
		}
		name = digest;
		url = pm_xasprintf("%s%sdigest=%s", loc, strchr(loc, '?') ? "&" : "?", digest);
		struct pm_http_req put = {
			.method = "PUT",
			.url = url,
			.repo = repo,
			.push = true,
			.content_type = "application/octet-stream",
		};
		if ((k = pm_registry_request(r, &put, &h, err)) < 0)
			goto fail;
	} else {
		url = pm_xasprintf("%s%sdigest=%s", loc, strchr(loc, '?') ? "&" : "?", digest);
		struct pm_http_req put = {
			.method = "PUT",
			.url = url,
			.repo = repo,
			.push = true,
			.content_type = "application/octet-stream",
			.rd = rd,
			.rd_ctx = rd_ctx,
			.rd_size = size,
		};
		if ((k = pm_registry_request(r, &put, &h, err)) < 0)
			goto fail;
	}
	if (h.status != 201)
		k = http_error(&h, err, "uploading blob %s to %s/%s", name, r->host, repo);
	goto out;
fail:
	pm_error_prefix(err, "uploading blob %s to %s/%s", name, r->host, repo);
out:
	pm_http_resp_done(&h);
	return k;
}

int pm_registry_put_blob(struct pm_registry *r, const char *repo, const char *digest, uint64_t size,
			 ssize_t (*rd)(void *ctx, void *buf, size_t n), void *rd_ctx,
			 pm_error **err)
{
	return put_blob(r, repo, digest, NULL, digest, size, rd, rd_ctx, err);
}

int pm_registry_put_blob_stream(struct pm_registry *r, const char *repo, const char *name,
				ssize_t (*rd)(void *ctx, void *buf, size_t n),
				const char *(*digest_of)(void *ctx), void *ctx, pm_error **err)
{
	return put_blob(r, repo, NULL, digest_of, name, 0, rd, ctx, err);
}

int pm_registry_list_tags(struct pm_registry *r, const char *repo, char ***ret, pm_error **err)
{
	_cleanup_free_ char *url = pm_registry_url(r, "%s/tags/list", repo);
	struct pm_http_req req = {.method = "GET", .url = url, .repo = repo, .max = TAGS_MAX};
	struct pm_http_resp h = {0};
	_cleanup_json_ json_t *j = NULL;
	int k;

	*ret = NULL;
	if ((k = pm_registry_request(r, &req, &h, err)) < 0)
		return pm_error_prefix(err, "listing tags of %s/%s", r->host, repo);
	if (h.status != 200) {
		k = http_error(&h, err, "listing tags of %s/%s", r->host, repo);
		goto out;
	}
	j = h.truncated ? NULL : json_loadb(h.body ? h.body : "", h.len, 0, NULL);
	json_t *tags = j ? json_object_get(j, "tags") : NULL;
	if (!j || (tags && !json_is_array(tags) && !json_is_null(tags))) {
		k = pm_error_set(err, EBADMSG,
				 "listing tags of %s/%s: the registry's answer does not parse",
				 r->host, repo);
		goto out;
	}
	char **v = pm_xcalloc(1, sizeof(char *));
	size_t i;
	json_t *t;
	json_array_foreach(tags, i, t)
		if (json_is_string(t))
			pm_strv_push(&v, json_string_value(t));
	*ret = v;
out:
	pm_http_resp_done(&h);
	return k;
}

int pm_registry_catalog(struct pm_registry *r, char ***ret, pm_error **err)
{
	_cleanup_free_ char *url = pm_registry_url(r, "_catalog");
	struct pm_http_req req = {.method = "GET", .url = url, .max = TAGS_MAX};
	struct pm_http_resp h = {0};
	_cleanup_json_ json_t *j = NULL;
	int k;

	*ret = NULL;
	if ((k = pm_registry_request(r, &req, &h, err)) < 0)
		return k;
	if (h.status != 200) {
		k = http_error(&h, err, "fetching catalog of %s", r->host);
		goto out;
	}
	j = h.truncated ? NULL : json_loadb(h.body ? h.body : "", h.len, 0, NULL);
	json_t *repos = j ? json_object_get(j, "repositories") : NULL;
	if (!j || (repos && !json_is_array(repos) && !json_is_null(repos))) {
		k = pm_error_set(err, EBADMSG,
				 "fetching catalog of %s: the registry's answer does not parse",
				 r->host);
		goto out;
	}
	char **v = pm_xcalloc(1, sizeof(char *));
	size_t i;
	json_t *t;
	json_array_foreach(repos, i, t)
		if (json_is_string(t))
			pm_strv_push(&v, json_string_value(t));
	*ret = v;
out:
	pm_http_resp_done(&h);
	return k;
}

/* ---- a blob as a stream ------------------------------------------------------------ */

struct pm_registry_blob {
	struct pm_registry *r;
	char *repo, *digest, *url;
	CURLM *multi;
	CURL *easy;
	struct curl_slist *headers;
	char errbuf[CURL_ERROR_SIZE];
	struct pm_http_resp h; /* headers; body: a non-2xx answer's */
	bool headers_done, done, paused, overflow, had_auth;
	CURLcode result;
	uint64_t size, received;
	char *buf;
	size_t cap, start, end; /* buffered bytes: buf[start..end) */
	pm_error *error;	/* the transfer's failure, given at close */
	uint64_t events;	/* callbacks run: blob_drive's progress check */
	int error_code;
};

static size_t blob_header_cb(char *buf, size_t size, size_t n, void *userdata)
{
	struct pm_registry_blob *b = userdata;
	size_t len = size * n;
	b->events++;
	if (len >= 5 && !strncmp(buf, "HTTP/", 5))
		b->headers_done = false;
	else if ((len == 2 && buf[0] == '\r') || (len == 1 && buf[0] == '\n')) {
		/* the end of one response's headers: the last unless it redirects */
		if (!(b->h.status >= 300 && b->h.status < 400 && b->h.location) &&
		    b->h.status != 100)
			b->headers_done = true;
		return len;
	}
	return pm_registry_header_cb(buf, size, n, &b->h);
}

static size_t blob_write_cb(char *data, size_t size, size_t n, void *userdata)
{
	struct pm_registry_blob *b = userdata;
	size_t len = size * n;
	b->events++;
	b->headers_done = true;
	if (b->h.status < 200 || b->h.status >= 300) {
		size_t keep = b->h.len + len > BLOB_ERROR_MAX ? BLOB_ERROR_MAX - b->h.len : len;
		if (keep) {
			b->h.body = pm_xrealloc(b->h.body, b->h.len + keep + 1);
			memcpy(b->h.body + b->h.len, data, keep);
			b->h.len += keep;
			b->h.body[b->h.len] = 0;
		}
		return len;
	}
	if (b->size && b->received + len > b->size) {
		b->overflow = true;
		return 0;
	}
	if (b->start == b->end)
		b->start = b->end = 0;
	if (b->cap - b->end < len) {
		if (b->start > 0) {
			memmove(b->buf, b->buf + b->start, b->end - b->start);
			b->end -= b->start;
			b->start = 0;
		}
		if (b->cap - b->end < len) {
			if (b->end > 0) {
				b->paused = true;
				return CURL_WRITEFUNC_PAUSE;
			}
			b->cap = len; /* empty and still too small: take this chunk whole */
			b->buf = pm_xrealloc(b->buf, b->cap);
		}
	}
	memcpy(b->buf + b->end, data, len);
	b->end += len;
	b->received += len;
	return len;
}

/* One round of the multi handle: perform, wait for the socket if nothing is buffered. */
static void blob_drive(struct pm_registry_blob *b, bool wait)
{
	int running = 0;
	CURLMsg *m;
	int left;
	uint64_t before = b->events;
	sym_curl_multi_perform(b->multi, &running);
	while ((m = sym_curl_multi_info_read(b->multi, &left)))
		if (m->msg == CURLMSG_DONE) {
			b->done = true;
			b->result = m->data.result;
		}
	/* wait for the socket only when this round brought nothing: after an unpause the
	 * data is in curl's buffers, not on the socket */
	if (!b->done && wait && b->events == before)
		sym_curl_multi_poll(b->multi, NULL, 0, 1000, NULL);
}

static void blob_cleanup_transfer(struct pm_registry_blob *b)
{
	if (b->multi && b->easy)
		sym_curl_multi_remove_handle(b->multi, b->easy);
	if (b->easy)
		sym_curl_easy_cleanup(b->easy);
	if (b->multi)
		sym_curl_multi_cleanup(b->multi);
	sym_curl_slist_free_all(b->headers);
	b->easy = NULL;
	b->multi = NULL;
	b->headers = NULL;
	pm_http_resp_done(&b->h);
	b->headers_done = b->done = b->paused = b->overflow = false;
	b->start = b->end = 0;
	b->received = 0;
}

static int blob_start(struct pm_registry_blob *b, bool force_auth, pm_error **err)
{
	_cleanup_free_ char *auth = NULL;
	int k;
	if ((k = pm_registry_auth_header(b->r, b->repo, false, NULL, force_auth, &auth, err)) < 0)
		return k;
	b->multi = sym_curl_multi_init();
	b->easy = sym_curl_easy_init();
	if (!b->multi || !b->easy)
		return pm_error_set(err, ENOMEM, "initialising libcurl failed");
	pm_registry_setup_easy(b->r, b->easy, b->url, b->errbuf);
	sym_curl_easy_setopt(b->easy, CURLOPT_HEADERFUNCTION, blob_header_cb);
	sym_curl_easy_setopt(b->easy, CURLOPT_HEADERDATA, b);
	sym_curl_easy_setopt(b->easy, CURLOPT_WRITEFUNCTION, blob_write_cb);
	sym_curl_easy_setopt(b->easy, CURLOPT_WRITEDATA, b);
	/* a stalled transfer fails (curl does not count the time it is paused by us) */
	sym_curl_easy_setopt(b->easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
	sym_curl_easy_setopt(b->easy, CURLOPT_LOW_SPEED_TIME, 120L);
	b->had_auth = auth != NULL;
	if (auth)
		b->headers = sym_curl_slist_append(b->headers, auth);
	sym_curl_easy_setopt(b->easy, CURLOPT_HTTPHEADER, b->headers);
	sym_curl_multi_add_handle(b->multi, b->easy);
	/* until the final response's headers (or the end) */
	while (!b->headers_done && !b->done)
		blob_drive(b, true);
	if (b->h.status >= 200 && b->h.status < 300)
		return 0;
	while (!b->done)
		blob_drive(b, true);
	return 0;
}

/* The transfer's failure as an error (also sets b->error for close). */
static int blob_fail(struct pm_registry_blob *b, pm_error **err)
{
	int k;
	pm_error *e = NULL;
	if (b->overflow)
		k = pm_error_set(&e, EBADMSG,
				 "reading blob %s in %s/%s: more than the %llu bytes expected",
				 b->digest, b->r->host, b->repo, (unsigned long long)b->size);
	else if (b->done && b->result != CURLE_OK) {
		pm_registry_curl_error(b->r, b->easy, b->result, "GET", b->url, b->errbuf, &e);
		k = pm_error_prefix(&e, "reading blob %s in %s/%s", b->digest, b->r->host, b->repo);
		if (b->result == CURLE_PARTIAL_FILE || b->result == CURLE_RECV_ERROR) {
			e->code = EPIPE;
			k = -EPIPE;
		}
	} else if (b->h.status < 200 || b->h.status >= 300) {
		if (b->h.status == 404 && !b->h.len)
			k = pm_error_set(&e, ENOENT,
					 "reading blob %s in %s/%s: blob unknown to registry",
					 b->digest, b->r->host, b->repo);
		else
			k = http_error(&b->h, &e, "reading blob %s in %s/%s", b->digest, b->r->host,
				       b->repo);
	} else
		k = pm_error_set(&e, EPIPE,
				 "reading blob %s in %s/%s: unexpected EOF: the connection closed "
				 "after %llu of %llu bytes",
				 b->digest, b->r->host, b->repo, (unsigned long long)b->received,
				 (unsigned long long)b->size);
	if (e)
		pm_error_set(err, e->code, "%s", e->msg);
	if (!b->error)
		b->error = e;
	else
		pm_error_free(e);
	b->error_code = k;
	return k;
}

int pm_registry_blob_open(struct pm_registry *r, const char *repo, const char *digest,
			  uint64_t size, struct pm_registry_blob **ret, pm_error **err)
{
	int k;
	*ret = NULL;
	if ((k = pm_registry_ensure_ping(r, err)) < 0)
		return pm_error_prefix(err, "reading blob %s in %s/%s", digest, r->host, repo);
	struct pm_registry_blob *b = pm_xcalloc(1, sizeof(*b));
	b->r = r;
	b->repo = pm_xstrdup(repo);
	b->digest = pm_xstrdup(digest);
	b->url = pm_registry_url(r, "%s/blobs/%s", repo, digest);
	b->size = size;
	b->cap = BLOB_BUF_SIZE;
	b->buf = pm_xmalloc(b->cap);

	for (int attempt = 0;; attempt++) {
		if ((k = blob_start(b, attempt > 0, err)) < 0) {
			pm_error_prefix(err, "reading blob %s in %s/%s", digest, r->host, repo);
			goto fail;
		}
		if (b->h.status == 401 && attempt == 0 &&
		    (b->had_auth || pm_registry_learn_challenge(r, b->h.www_auth))) {
			blob_cleanup_transfer(b);
			continue;
		}
		break;
	}
	if ((b->done && b->result != CURLE_OK) || b->h.status < 200 || b->h.status >= 300) {
		k = blob_fail(b, err);
		goto fail;
	}
	*ret = b;
	return 0;
fail:
	pm_registry_blob_close(b, NULL);
	return k;
}

ssize_t pm_registry_blob_read(void *blob, void *buf, size_t n)
{
	struct pm_registry_blob *b = blob;
	if (b->error)
		return b->error_code;
	for (;;) {
		if (b->end > b->start) {
			size_t c = b->end - b->start < n ? b->end - b->start : n;
			memcpy(buf, b->buf + b->start, c);
			b->start += c;
			if (b->paused && b->start == b->end) {
				b->paused = false;
				sym_curl_easy_pause(b->easy, CURLPAUSE_CONT);
			}
			return (ssize_t)c;
		}
		if (b->paused) {
			b->paused = false;
			sym_curl_easy_pause(b->easy, CURLPAUSE_CONT);
		}
		if (b->done) {
			if (b->result != CURLE_OK || b->overflow ||
			    (b->size && b->received < b->size))
				return blob_fail(b, NULL);
			return 0;
		}
		blob_drive(b, b->end == b->start);
	}
}

int pm_registry_blob_close(struct pm_registry_blob *b, pm_error **err)
{
	int k = 0;
	if (!b)
		return 0;
	if (b->error) {
		k = b->error_code;
		pm_error_propagate(err, TAKE_PTR(b->error));
	}
	blob_cleanup_transfer(b);
	pm_error_free(b->error);
	free(b->buf);
	free(b->repo);
	free(b->digest);
	free(b->url);
	free(b);
	return k;
}
