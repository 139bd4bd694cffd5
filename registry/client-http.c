/* client-http.c: the session's transport. Owns struct pm_registry's life, TLS material
 * (certs.d), the ping that picks https or (tls_verify 0) http, the auth challenge and the
 * per-scope token cache, and the one-request helper with its 401 retry. Never prints.
 * Called by client-ops.c (the API operations) and, through client.h, by pull/push/login. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include "lib/fileutil.h"
#include "lib/json.h"
#include "lib/strutil.h"
#include "registry/auth.h"
#include "registry/client-internal.h"

#define CONNECT_TIMEOUT_S 5L
#define TOKEN_MAX	  (1u << 20)
#define ERROR_BODY_MAX	  (64u << 10)
#define SYSTEM_CA_BUNDLE  "/etc/ssl/certs/ca-certificates.crt"

void pm_http_resp_done(struct pm_http_resp *h)
{
	free(h->body);
	free(h->content_type);
	free(h->digest);
	free(h->location);
	free(h->www_auth);
	free(h->content_length);
	*h = (struct pm_http_resp){0};
}

/* ---- TLS material ------------------------------------------------------------------ */

static void append_file(char **buf, size_t *len, const char *path)
{
	_cleanup_free_ char *data = NULL;
	size_t n = 0;
	if (pm_read_file(path, 16u << 20, &data, &n, NULL) < 0)
		return;
	*buf = pm_xrealloc(*buf, *len + n + 2);
	memcpy(*buf + *len, data, n);
	*len += n;
	(*buf)[(*len)++] = '\n';
	(*buf)[*len] = 0;
}

/* certs.d: *.crt are CAs, NAME.cert + NAME.key a client pair (podman's
 * SetupCertificates). */
static int load_cert_dir(struct pm_registry *r, const char *dir, bool *any_ca, pm_error **err)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		const char *name = de->d_name;
		_cleanup_free_ char *path = pm_path_join(dir, name);
		if (pm_str_endswith(name, ".crt")) {
			if (!*any_ca) {
				append_file(&r->ca_blob, &r->ca_len, SYSTEM_CA_BUNDLE);
				*any_ca = true;
			}
			append_file(&r->ca_blob, &r->ca_len, path);
		} else if (pm_str_endswith(name, ".cert") && !r->client_cert) {
			_cleanup_free_ char *key =
				pm_xasprintf("%.*s.key", (int)(strlen(path) - 5), path);
			if (!pm_path_exists(key))
				return pm_error_set(err, ENOENT,
						    "missing key %s for client certificate %s", key,
						    path);
			r->client_cert = TAKE_PTR(path);
			r->client_key = TAKE_PTR(key);
		}
	}
	return 0;
}

static int load_certs(struct pm_registry *r, pm_error **err)
{
	bool any_ca = false;
	int k;
	if (r->o.cert_dir)
		return load_cert_dir(r, r->o.cert_dir, &any_ca, err);

	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	_cleanup_free_ char *user = NULL;
	if (xdg && *xdg)
		user = pm_xasprintf("%s/containers/certs.d/%s", xdg, r->host);
	else if (home && *home)
		user = pm_xasprintf("%s/.config/containers/certs.d/%s", home, r->host);
	_cleanup_free_ char *etc = pm_xasprintf("/etc/containers/certs.d/%s", r->host);
	_cleanup_free_ char *docker = pm_xasprintf("/etc/docker/certs.d/%s", r->host);
	const char *dirs[] = {user, etc, docker};
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (dirs[i] && (k = load_cert_dir(r, dirs[i], &any_ca, err)) < 0)
			return k;
	return 0;
}

/* ---- the session ------------------------------------------------------------------- */

static void share_lock(CURL *h, curl_lock_data data, curl_lock_access a, void *u)
{
	struct pm_registry *r = u;
	pthread_mutex_lock(&r->share_lock[data]);
}

static void share_unlock(CURL *h, curl_lock_data data, void *u)
{
	struct pm_registry *r = u;
	pthread_mutex_unlock(&r->share_lock[data]);
}

int pm_registry_open(const char *host, const struct pm_registry_opts *o, struct pm_registry **ret,
		     pm_error **err)
{
	int k;
	if ((k = pm_dl_curl(err)) < 0)
		return k;
	if (!host || !*host || strpbrk(host, "/ \t\r\n\"@?#"))
		return pm_error_set(err, EINVAL, "invalid registry '%s'", host ? host : "");

	struct pm_registry *r = pm_xcalloc(1, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
	for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_init(&r->share_lock[i], NULL);
	r->host = pm_xstrdup(host);
	r->endpoint = pm_xstrdup(strcmp(host, "docker.io") ? host : "registry-1.docker.io");
	r->scheme = "https";
	if (o)
		r->o = *o;
	r->tls_verify = r->o.tls_verify == 0 ? 0 : 1;
	r->o.cert_dir = r->o.cert_dir ? pm_xstrdup(r->o.cert_dir) : NULL;
	r->o.authfile = r->o.authfile ? pm_xstrdup(r->o.authfile) : NULL;
	r->o.username = r->o.username ? pm_xstrdup(r->o.username) : NULL;
	r->o.password = r->o.password ? pm_xstrdup(r->o.password) : NULL;
	r->o.creds = NULL;
	if (o && o->creds &&
	    (k = pm_creds_parse(o->creds, &r->creds_user, &r->creds_pass, err)) < 0)
		goto fail;
	if (r->tls_verify && (k = load_certs(r, err)) < 0)
		goto fail;

	r->share = sym_curl_share_init();
	if (r->share) {
		sym_curl_share_setopt(r->share, CURLSHOPT_LOCKFUNC, share_lock);
		sym_curl_share_setopt(r->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
		sym_curl_share_setopt(r->share, CURLSHOPT_USERDATA, r);
		sym_curl_share_setopt(r->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
		sym_curl_share_setopt(r->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
		sym_curl_share_setopt(r->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
	}
	*ret = r;
	return 0;
fail:
	pm_registry_free(r);
	return k;
}

struct pm_registry *pm_registry_free(struct pm_registry *r)
{
	if (!r)
		return NULL;
	if (r->share)
		sym_curl_share_cleanup(r->share);
	for (size_t i = 0; i < r->n_tokens; i++) {
		free(r->tokens[i].scope);
		free(r->tokens[i].header);
	}
	free(r->tokens);
	pm_auth_challenge_done(&r->challenge);
	free(r->ping_msg);
	free(r->host);
	free(r->endpoint);
	free((char *)r->o.cert_dir);
	free((char *)r->o.authfile);
	free((char *)r->o.username);
	free((char *)r->o.password);
	free(r->creds_user);
	free(r->creds_pass);
	free(r->ca_blob);
	free(r->client_cert);
	free(r->client_key);
	pthread_mutex_destroy(&r->lock);
	for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_destroy(&r->share_lock[i]);
	free(r);
	return NULL;
}

const char *pm_registry_host(const struct pm_registry *r)
{
	return r->host;
}

char *pm_registry_url(struct pm_registry *r, const char *fmt, ...)
{
	/* the scheme is the ping's choice: ping first (a failure is kept and reported by the
	 * request that follows) */
	pm_registry_ensure_ping(r, NULL);
	va_list ap;
	_cleanup_free_ char *path = NULL;
	va_start(ap, fmt);
	if (vasprintf(&path, fmt, ap) < 0)
		abort();
	va_end(ap);
	return pm_xasprintf("%s://%s/v2/%s", r->scheme, r->endpoint, path);
}

/* ---- easy handles ------------------------------------------------------------------ */

void pm_registry_setup_easy(struct pm_registry *r, CURL *e, const char *url, char *errbuf)
{
	sym_curl_easy_setopt(e, CURLOPT_URL, url);
	sym_curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
	errbuf[0] = 0;
	sym_curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	sym_curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
	sym_curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	sym_curl_easy_setopt(e, CURLOPT_MAXREDIRS, 10L);
	sym_curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	sym_curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	sym_curl_easy_setopt(e, CURLOPT_USERAGENT, "pm/" PM_VERSION);
	if (r->share)
		sym_curl_easy_setopt(e, CURLOPT_SHARE, r->share);
	if (!r->tls_verify) {
		sym_curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		sym_curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	} else if (r->ca_blob) {
		struct curl_blob b = {
			.data = r->ca_blob, .len = r->ca_len, .flags = CURL_BLOB_NOCOPY};
		sym_curl_easy_setopt(e, CURLOPT_CAINFO_BLOB, &b);
	}
	if (r->client_cert) {
		sym_curl_easy_setopt(e, CURLOPT_SSLCERT, r->client_cert);
		sym_curl_easy_setopt(e, CURLOPT_SSLKEY, r->client_key);
	}
}

static char *header_value(const char *buf, size_t n, const char *name)
{
	size_t l = strlen(name);
	if (n <= l + 1 || strncasecmp(buf, name, l) || buf[l] != ':')
		return NULL;
	const char *v = buf + l + 1, *end = buf + n;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	return pm_xstrndup(v, end - v);
}

size_t pm_registry_header_cb(char *buf, size_t size, size_t n, void *userdata)
{
	struct pm_http_resp *h = userdata;
	size_t len = size * n;
	char *v;
	if (len >= 5 && !strncmp(buf, "HTTP/", 5)) {
		/* a new response (after a redirect or 100-continue): forget the last one's */
		char *body = h->body;
		size_t blen = h->len;
		h->body = NULL;
		pm_http_resp_done(h);
		h->body = body;
		h->len = blen;
		const char *sp = memchr(buf, ' ', len);
		if (sp)
			h->status = strtol(sp + 1, NULL, 10);
		return len;
	}
#define HDR(name, field)                                                                           \
	if ((v = header_value(buf, len, name))) {                                                  \
		free(h->field);                                                                    \
		h->field = v;                                                                      \
		return len;                                                                        \
	}
	HDR("Content-Type", content_type);
	HDR("Docker-Content-Digest", digest);
	HDR("Location", location);
	HDR("WWW-Authenticate", www_auth);
	HDR("Content-Length", content_length);
#undef HDR
	return len;
}

struct body_ctx {
	CURL *e;
	struct pm_http_resp *h;
	size_t max;
};

static size_t body_cb(char *buf, size_t size, size_t n, void *userdata)
{
	struct body_ctx *c = userdata;
	size_t len = size * n;
	long status = 0;
	sym_curl_easy_getinfo(c->e, CURLINFO_RESPONSE_CODE, &status);
	size_t max = status >= 300 ? ERROR_BODY_MAX : c->max;
	if (c->h->len + len > max) {
		c->h->truncated = true;
		if (status < 300)
			return 0; /* abort: the caller refuses the document */
		len = max - c->h->len;
		if (!len)
			return size * n;
	}
	c->h->body = pm_xrealloc(c->h->body, c->h->len + len + 1);
	memcpy(c->h->body + c->h->len, buf, len);
	c->h->len += len;
	c->h->body[c->h->len] = 0;
	return size * n;
}

struct upload_ctx {
	const struct pm_http_req *req;
	int error; /* -errno of the reader */
};

static size_t upload_cb(char *buf, size_t size, size_t n, void *userdata)
{
	struct upload_ctx *u = userdata;
	ssize_t k = u->req->rd(u->req->rd_ctx, buf, size * n);
	if (k < 0) {
		u->error = (int)k;
		return CURL_READFUNC_ABORT;
	}
	return (size_t)k;
}

static const char *go_method(const char *m)
{
	static const char *const names[][2] = {
		{"GET", "Get"},	  {"HEAD", "Head"},   {"PUT", "Put"},
		{"POST", "Post"}, {"PATCH", "Patch"}, {"DELETE", "Delete"},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(m, names[i][0]))
			return names[i][1];
	return m;
}

int pm_registry_curl_error(struct pm_registry *r, CURL *e, CURLcode c, const char *method,
			   const char *url, const char *errbuf, pm_error **err)
{
	long os_errno = 0;
	const char *hp = r->endpoint;
	_cleanup_free_ char *dial =
		(hp[0] == '[' ? strstr(hp, "]:") != NULL : strchr(hp, ':') != NULL)
			? pm_xstrdup(hp)
			: pm_xasprintf("%s:%s", hp, !strcmp(r->scheme, "https") ? "443" : "80");
	const char *msg = errbuf && *errbuf ? errbuf : sym_curl_easy_strerror(c);
	const char *m = go_method(method);
	if (e)
		sym_curl_easy_getinfo(e, CURLINFO_OS_ERRNO, &os_errno);

	switch (c) {
	case CURLE_COULDNT_CONNECT:
		if (os_errno == ECONNREFUSED || os_errno == EHOSTUNREACH || os_errno == ENETUNREACH)
			return pm_error_set(err, (int)os_errno,
					    "%s \"%s\": dial tcp %s: connect: %s", m, url, dial,
					    os_errno == ECONNREFUSED   ? "connection refused"
					    : os_errno == EHOSTUNREACH ? "no route to host"
								       : "network is unreachable");
		if (strstr(msg, "imed out") || os_errno == ETIMEDOUT)
			return pm_error_set(err, ETIMEDOUT, "%s \"%s\": dial tcp %s: i/o timeout",
					    m, url, dial);
		return pm_error_set(err, ECONNREFUSED, "%s \"%s\": dial tcp %s: %s", m, url, dial,
				    msg);
	case CURLE_OPERATION_TIMEDOUT:
		return pm_error_set(err, ETIMEDOUT, "%s \"%s\": dial tcp %s: i/o timeout (%s)", m,
				    url, dial, msg);
	case CURLE_COULDNT_RESOLVE_HOST:
		return pm_error_set(err, EHOSTUNREACH,
				    "%s \"%s\": dial tcp: lookup %s: no such host", m, url,
				    r->endpoint);
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE: {
		const char *why = msg;
		if (strstr(msg, "issuer") || strstr(msg, "self-signed") ||
		    strstr(msg, "self signed"))
			why = "x509: certificate signed by unknown authority";
		else if (strstr(msg, "expired"))
			why = "x509: certificate has expired or is not yet valid";
		else if (strstr(msg, "subject name") || strstr(msg, "does not match"))
			why = "x509: certificate is not valid for this host";
		return pm_error_set(err, EPROTO,
				    "%s \"%s\": %s (trust its CA with --cert-dir or "
				    "certs.d/%s, or use --tls-verify=false)",
				    m, url, why, r->host);
	}
	case CURLE_SSL_CONNECT_ERROR:
		if (strstr(msg, "wrong version number") || strstr(msg, "packet length too long"))
			return pm_error_set(err, EPROTO,
					    "%s \"%s\": http: server gave HTTP response to HTTPS "
					    "client",
					    m, url);
		return pm_error_set(err, EPROTO, "%s \"%s\": tls: %s", m, url, msg);
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
		return pm_error_set(err, EPROTO, "%s \"%s\": tls: %s", m, url, msg);
	case CURLE_TOO_MANY_REDIRECTS:
		return pm_error_set(err, ELOOP, "%s \"%s\": %s", m, url, msg);
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
		return pm_error_set(err, ECONNRESET, "%s \"%s\": %s", m, url, msg);
	default:
		return pm_error_set(err, EIO, "%s \"%s\": %s", m, url, msg);
	}
}

/* ---- the registry's answers -------------------------------------------------------- */

int pm_registry_status_errno(long status)
{
	switch (status) {
	case 400:
		return EINVAL;
	case 401:
	case 403:
		return EACCES;
	case 404:
		return ENOENT;
	case 405:
		return EOPNOTSUPP;
	case 413:
		return EFBIG;
	case 429:
		return EAGAIN;
	default:
		return EIO;
	}
}

static const char *status_text(long s)
{
	switch (s) {
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 429:
		return "Too Many Requests";
	case 500:
		return "Internal Server Error";
	case 502:
		return "Bad Gateway";
	case 501:
		return "Not Implemented";
	case 503:
		return "Service Unavailable";
	default:
		return "";
	}
}

/* "MANIFEST_UNKNOWN" as docker's errcode words it: "manifest unknown". */
static char *code_words(const char *code)
{
	char *s = pm_xstrdup(code);
	for (char *p = s; *p; p++)
		*p = *p == '_' ? ' ' : (char)tolower((unsigned char)*p);
	return s;
}

char *pm_registry_error_text(const struct pm_http_resp *h)
{
	_cleanup_json_ json_t *j = h->body && h->len ? json_loadb(h->body, h->len, 0, NULL) : NULL;
	json_t *errs = j ? json_object_get(j, "errors") : NULL;
	char *out = NULL;
	size_t i;
	json_t *e;

	json_array_foreach(errs, i, e) {
		const char *code = pm_json_string(e, "code"), *msg = pm_json_string(e, "message");
		_cleanup_free_ char *words = code ? code_words(code) : NULL;
		_cleanup_free_ char *one = NULL;
		/* docker's errcode wording, as podman prints it: "manifest unknown: manifest
		 * unknown" */
		if (words && msg && *msg)
			one = pm_xasprintf("%s: %s", words, msg);
		else
			one = pm_xstrdup(msg && *msg ? msg : words ? words : "unknown error");
		char *joined = out ? pm_xasprintf("%s; %s", out, one) : TAKE_PTR(one);
		free(out);
		out = joined;
	}
	if (out)
		return out;
	/* token servers answer {"details": "..."} or {"error": "..."} */
	const char *d = j ? pm_json_string(j, "details") : NULL;
	if (!d && j)
		d = pm_json_string(j, "error");
	if (h->status == 401)
		return pm_xasprintf("unauthorized: %s", d ? d : "authentication required");
	if (h->status == 403)
		return pm_xasprintf("denied: %s",
				    d ? d : "requested access to the resource is denied");
	if (d)
		return pm_xstrdup(d);
	const char *st = status_text(h->status);
	return *st ? pm_xasprintf("invalid status code from registry %ld (%s)", h->status, st)
		   : pm_xasprintf("invalid status code from registry %ld", h->status);
}

/* ---- auth -------------------------------------------------------------------------- */

static int credentials(struct pm_registry *r, const char *repo, char **ret_user, char **ret_pass,
		       pm_error **err)
{
	if (r->o.username) {
		*ret_user = pm_xstrdup(r->o.username);
		*ret_pass = pm_xstrdup(r->o.password ? r->o.password : "");
		return 1;
	}
	if (r->creds_user) {
		*ret_user = pm_xstrdup(r->creds_user);
		*ret_pass = pm_xstrdup(r->creds_pass ? r->creds_pass : "");
		return 1;
	}
	_cleanup_free_ char *key =
		repo ? pm_xasprintf("%s/%s", r->host, repo) : pm_xstrdup(r->host);
	return pm_auth_lookup(r->o.authfile, key, ret_user, ret_pass, err);
}

static char *url_escape(const char *s)
{
	char *out = pm_xmalloc(strlen(s) * 3 + 1), *o = out;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || strchr("-._~:/", c))
			*o++ = (char)c;
		else
			o += sprintf(o, "%%%02X", c);
	}
	*o = 0;
	return out;
}

/* GET realm?service=&scope= (Basic credentials when we have them): the bearer token. */
static int fetch_token(struct pm_registry *r, const char *scope, const char *user, const char *pass,
		       char **ret, pm_error **err)
{
	const struct pm_auth_challenge *c = &r->challenge;
	/* realm?service=S&scope=A&scope=B (scope holds the scopes blank-separated) */
	_cleanup_free_ char *url = pm_xstrdup(c->realm);
	char sep = strchr(c->realm, '?') ? '&' : '?';
	if (c->service) {
		_cleanup_free_ char *svc = url_escape(c->service);
		char *u = pm_xasprintf("%s%cservice=%s", url, sep, svc);
		free(url);
		url = u;
		sep = '&';
	}
	_cleanup_strv_ char **scopes = pm_strv_split(scope, " ");
	for (char **sc = scopes; sc && *sc; sc++) {
		if (!**sc)
			continue;
		_cleanup_free_ char *esc = url_escape(*sc);
		char *u = pm_xasprintf("%s%cscope=%s", url, sep, esc);
		free(url);
		url = u;
		sep = '&';
	}
	char errbuf[CURL_ERROR_SIZE];
	struct pm_http_resp h = {0};
	struct body_ctx bc = {.h = &h, .max = TOKEN_MAX};
	_cleanup_json_ json_t *j = NULL;
	CURL *e = sym_curl_easy_init();
	if (!e)
		return pm_error_set(err, ENOMEM, "initialising libcurl failed");
	bc.e = e;
	pm_registry_setup_easy(r, e, url, errbuf);
	sym_curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, pm_registry_header_cb);
	sym_curl_easy_setopt(e, CURLOPT_HEADERDATA, &h);
	sym_curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, body_cb);
	sym_curl_easy_setopt(e, CURLOPT_WRITEDATA, &bc);
	sym_curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	sym_curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, 60L);
	if (user) {
		sym_curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		sym_curl_easy_setopt(e, CURLOPT_USERNAME, user);
		sym_curl_easy_setopt(e, CURLOPT_PASSWORD, pass ? pass : "");
	}
	CURLcode cc = sym_curl_easy_perform(e);
	int k = 0;
	if (cc != CURLE_OK)
		k = pm_registry_curl_error(r, e, cc, "GET", url, errbuf, err);
	sym_curl_easy_cleanup(e);
	if (k < 0)
		goto out;
	if (h.status != 200) {
		_cleanup_free_ char *t = pm_registry_error_text(&h);
		if (h.status == 401 && !pm_str_startswith(t, "unauthorized")) {
			char *u = pm_xasprintf("unauthorized: %s", t);
			free(t);
			t = u;
		}
		k = pm_error_set(err, pm_registry_status_errno(h.status), "%s", t);
		goto out;
	}
	j = json_loadb(h.body ? h.body : "", h.len, 0, NULL);
	const char *tok = j ? pm_json_string(j, "token") : NULL;
	if (!tok || !*tok)
		tok = j ? pm_json_string(j, "access_token") : NULL;
	if (!tok || !*tok) {
		k = pm_error_set(err, EBADMSG,
				 "authenticating with %s: the token server %s sent no token",
				 r->host, c->realm);
		goto out;
	}
	*ret = pm_xasprintf("Authorization: Bearer %s", tok);
out:
	pm_http_resp_done(&h);
	return k;
}

int pm_registry_auth_header(struct pm_registry *r, const char *repo, bool push,
			    const char *also_pull, bool force, char **ret, pm_error **err)
{
	_cleanup_free_ char *scope =
		!repo	    ? pm_xstrdup("")
		: also_pull ? pm_xasprintf("repository:%s:%s repository:%s:pull", repo,
					   push ? "pull,push" : "pull", also_pull)
			    : pm_xasprintf("repository:%s:%s", repo, push ? "pull,push" : "pull");
	_cleanup_free_ char *user = NULL, *pass = NULL;
	_cleanup_free_ char *hdr = NULL;
	int k = 0;

	*ret = NULL;
	pthread_mutex_lock(&r->lock);
	if (r->challenge.scheme == PM_AUTH_NONE)
		goto out;
	for (size_t i = 0; i < r->n_tokens; i++)
		if (!strcmp(r->tokens[i].scope, scope)) {
			if (!force) {
				*ret = pm_xstrdup(r->tokens[i].header);
				goto out;
			}
			free(r->tokens[i].scope);
			free(r->tokens[i].header);
			r->tokens[i] = r->tokens[--r->n_tokens];
			break;
		}
	if ((k = credentials(r, repo, &user, &pass, err)) < 0)
		goto out;
	if (r->challenge.scheme == PM_AUTH_BASIC) {
		if (!k) {
			k = 0; /* no credentials: the request gets its 401 */
			goto out;
		}
		_cleanup_free_ char *b = pm_auth_basic_encode(user, pass);
		hdr = pm_xasprintf("Authorization: Basic %s", b);
	} else if ((k = fetch_token(r, scope, k ? user : NULL, pass, &hdr, err)) < 0)
		goto out;
	k = 0;
	r->tokens = pm_xrealloc(r->tokens, (r->n_tokens + 1) * sizeof(*r->tokens));
	r->tokens[r->n_tokens++] = (struct pm_token){pm_xstrdup(scope), pm_xstrdup(hdr)};
	*ret = TAKE_PTR(hdr);
out:
	pthread_mutex_unlock(&r->lock);
	return k;
}

/* ---- one request ------------------------------------------------------------------- */

#define UPLOAD_BUFFER (512L << 10)

static int perform(struct pm_registry *r, const struct pm_http_req *req, const char *auth,
		   struct pm_http_resp *h, pm_error **err)
{
	char errbuf[CURL_ERROR_SIZE];
	struct body_ctx bc = {.h = h, .max = req->max ? req->max : ERROR_BODY_MAX};
	struct upload_ctx uc = {.req = req};
	struct curl_slist *hl = NULL;
	_cleanup_free_ char *ct = NULL, *acc = NULL;
	int k = 0;

	*h = (struct pm_http_resp){0};
	CURL *e = sym_curl_easy_init();
	if (!e)
		return pm_error_set(err, ENOMEM, "initialising libcurl failed");
	bc.e = e;
	pm_registry_setup_easy(r, e, req->url, errbuf);
	sym_curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, pm_registry_header_cb);
	sym_curl_easy_setopt(e, CURLOPT_HEADERDATA, h);
	sym_curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, body_cb);
	sym_curl_easy_setopt(e, CURLOPT_WRITEDATA, &bc);
	sym_curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	sym_curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, 120L);
	if (auth)
		hl = sym_curl_slist_append(hl, auth);
	if (req->accept) {
		acc = pm_xasprintf("Accept: %s", req->accept);
		hl = sym_curl_slist_append(hl, acc);
	}
	if (req->content_type) {
		ct = pm_xasprintf("Content-Type: %s", req->content_type);
		hl = sym_curl_slist_append(hl, ct);
	}
	hl = sym_curl_slist_append(hl, "Expect:");

	if (!strcmp(req->method, "HEAD"))
		sym_curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	else if (!strcmp(req->method, "GET"))
		;
	else if (req->rd) {
		sym_curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
		sym_curl_easy_setopt(e, CURLOPT_READFUNCTION, upload_cb);
		sym_curl_easy_setopt(e, CURLOPT_READDATA, &uc);
		/* a layer in pieces of UPLOAD_BUFFER, not libcurl's 64 KiB: an eighth of the
		 * callbacks, sends and chunk headers */
		sym_curl_easy_setopt(e, CURLOPT_UPLOAD_BUFFERSIZE, (long)UPLOAD_BUFFER);
		if (req->rd_size)
			sym_curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)req->rd_size);
		sym_curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, req->method);
	} else {
		sym_curl_easy_setopt(e, CURLOPT_POST, 1L);
		sym_curl_easy_setopt(e, CURLOPT_POSTFIELDS, req->body ? req->body : "");
		sym_curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
		if (strcmp(req->method, "POST"))
			sym_curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, req->method);
	}
	sym_curl_easy_setopt(e, CURLOPT_HTTPHEADER, hl);

	CURLcode cc = sym_curl_easy_perform(e);
	if (cc == CURLE_ABORTED_BY_CALLBACK || (cc == CURLE_READ_ERROR && uc.error))
		k = pm_error_set(err, uc.error ? -uc.error : EIO, "reading the data to upload: %s",
				 strerror(uc.error ? -uc.error : EIO));
	else if (cc == CURLE_WRITE_ERROR && h->truncated)
		k = 0;
	else if (cc != CURLE_OK)
		k = pm_registry_curl_error(r, e, cc, req->method, req->url, errbuf, err);
	sym_curl_slist_free_all(hl);
	sym_curl_easy_cleanup(e);
	if (k < 0)
		pm_http_resp_done(h);
	return k;
}

bool pm_registry_learn_challenge(struct pm_registry *r, const char *www_auth)
{
	struct pm_auth_challenge c;
	bool learnt = false;
	if (!www_auth || pm_auth_challenge_parse(www_auth, &c) < 0)
		return false;
	pthread_mutex_lock(&r->lock);
	if (r->challenge.scheme == PM_AUTH_NONE) {
		r->challenge = c;
		learnt = true;
	} else
		pm_auth_challenge_done(&c);
	pthread_mutex_unlock(&r->lock);
	return learnt;
}

int pm_registry_request(struct pm_registry *r, const struct pm_http_req *req,
			struct pm_http_resp *ret, pm_error **err)
{
	int k;
	if ((k = pm_registry_ensure_ping(r, err)) < 0)
		return k;
	for (int attempt = 0;; attempt++) {
		_cleanup_free_ char *auth = NULL;
		if ((k = pm_registry_auth_header(r, req->repo, req->push, req->also_pull,
						 attempt > 0, &auth, err)) < 0)
			return k;
		if ((k = perform(r, req, auth, ret, err)) < 0)
			return k;
		/* a 401 with a token we had (it may have expired), or the first challenge of a
		 * registry whose /v2/ was open: once more; a streamed body cannot be sent twice */
		if (ret->status != 401 || attempt > 0 || req->rd)
			return 0;
		if (!auth && !pm_registry_learn_challenge(r, ret->www_auth))
			return 0;
		pm_http_resp_done(ret);
	}
}

/* ---- the ping ---------------------------------------------------------------------- */

static int ping_once(struct pm_registry *r, struct pm_http_resp *h, pm_error **err)
{
	_cleanup_free_ char *url = pm_xasprintf("%s://%s/v2/", r->scheme, r->endpoint);
	struct pm_http_req req = {.method = "GET", .url = url};
	return perform(r, &req, NULL, h, err);
}

int pm_registry_ensure_ping(struct pm_registry *r, pm_error **err)
{
	struct pm_http_resp h = {0};
	_cleanup_error_ pm_error *first = NULL;
	int k = 0;

	pthread_mutex_lock(&r->lock);
	if (r->pinged)
		goto out;
	if (r->ping_code) {
		/* a registry that could not be reached is not tried again by the same session */
		k = pm_error_set(err, r->ping_code, "%s", r->ping_msg);
		goto out;
	}
	k = ping_once(r, &h, &first);
	if (k < 0 && !r->tls_verify) {
		/* --tls-verify=false: a registry that does not speak TLS gets plain http */
		r->scheme = "http";
		first = pm_error_free(first);
		k = ping_once(r, &h, &first);
	}
	if (k < 0) {
		pm_error_propagate(err, TAKE_PTR(first));
		goto fail;
	}
	if (h.status == 401) {
		struct pm_auth_challenge c;
		if (h.www_auth && pm_auth_challenge_parse(h.www_auth, &c) >= 0)
			r->challenge = c;
		else
			r->challenge.scheme = PM_AUTH_BASIC;
	} else if (h.status < 200 || h.status >= 300) {
		_cleanup_free_ char *t = pm_registry_error_text(&h);
		k = pm_error_set(err, pm_registry_status_errno(h.status),
				 "pinging container registry %s: %s", r->host, t);
		r->ping_code = -k;
		r->ping_msg = pm_xasprintf("pinging container registry %s: %s", r->host, t);
		goto out;
	}
	r->pinged = true;
	goto out;
fail:
	pm_error_prefix(err, "pinging container registry %s", r->host);
	r->ping_code = -k;
	r->ping_msg = err && *err ? pm_xstrdup((*err)->msg)
				  : pm_xasprintf("pinging container registry %s: %s", r->host,
						 strerror(-k));
out:
	pthread_mutex_unlock(&r->lock);
	pm_http_resp_done(&h);
	return k;
}

int pm_registry_ping(struct pm_registry *r, pm_error **err)
{
	_cleanup_free_ char *auth = NULL;
	struct pm_http_resp h = {0};
	int k;
	if ((k = pm_registry_ensure_ping(r, err)) < 0)
		return k;
	if (r->challenge.scheme == PM_AUTH_NONE)
		return 0;
	/* answer the challenge with the credentials: login's check */
	_cleanup_free_ char *url = pm_registry_url(r, "%s", "");
	struct pm_http_req req = {.method = "GET", .url = url};
	if ((k = pm_registry_auth_header(r, NULL, false, NULL, true, &auth, err)) < 0)
		return pm_error_prefix(err, "authenticating with %s", r->host);
	if ((k = perform(r, &req, auth, &h, err)) < 0)
		return k;
	if (h.status < 200 || h.status >= 300) {
		_cleanup_free_ char *t = pm_registry_error_text(&h);
		k = pm_error_set(err, pm_registry_status_errno(h.status),
				 "authenticating with %s: %s", r->host, t);
	}
	pm_http_resp_done(&h);
	return k;
}
