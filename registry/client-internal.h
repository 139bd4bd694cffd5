/* client-internal.h: the session and its one-request helper, shared by client-http.c (the
 * transport: TLS, the ping, the auth challenge and tokens) and client-ops.c (the distribution
 * API's operations). Internal to the registry module. */
#pragma once

#include <pthread.h>
#include <stdbool.h>

#include "registry/challenge.h"
#include "registry/client.h"
#include "registry/dl-curl.h"

struct pm_token {
	char *scope;  /* "repository:REPO:pull" ... ("" for the ping's) */
	char *header; /* "Authorization: Bearer ..." or "Authorization: Basic ..." */
};

struct pm_registry {
	char *host;	    /* as the user named it */
	char *endpoint;	    /* host[:port] connected to (docker.io: registry-1.docker.io) */
	const char *scheme; /* "https", or "http" after a tls_verify 0 fallback */
	int tls_verify;
	struct pm_registry_opts o; /* strings below are copies */
	char *creds_user, *creds_pass;

	/* TLS material from the certs.d directories */
	char *ca_blob; /* system bundle + the *.crt found; NULL: libcurl's default */
	size_t ca_len;
	char *client_cert, *client_key;

	pthread_mutex_t lock; /* everything below */
	bool pinged;
	int ping_code; /* a failed ping: its errno and message, given again (0: none) */
	char *ping_msg;
	struct pm_auth_challenge challenge; /* from the ping's 401 (scheme NONE: open) */
	struct pm_token *tokens;
	size_t n_tokens;

	CURLSH *share; /* connections, DNS and TLS sessions shared by the session's handles */
	pthread_mutex_t share_lock[CURL_LOCK_DATA_LAST];
};

/* A request's answer. */
struct pm_http_resp {
	long status;
	char *body;
	size_t len;
	bool truncated; /* more than the request's max */
	char *content_type, *digest, *location, *www_auth, *content_length;
};
void pm_http_resp_done(struct pm_http_resp *h);

struct pm_http_req {
	const char *method;    /* GET HEAD PUT POST PATCH DELETE */
	const char *url;       /* absolute URL */
	const char *repo;      /* the scope's repository (NULL: the ping's) */
	bool push;	       /* scope pull,push */
	const char *also_pull; /* a second repository the token must allow pulling (a mount) */
	const char *content_type;
	const char *accept;
	const void *body; /* in memory ... */
	size_t body_len;
	ssize_t (*rd)(void *ctx, void *buf, size_t n); /* ... or streamed */
	void *rd_ctx;
	uint64_t rd_size; /* 0: unknown (chunked) */
	size_t max;	  /* response body cap */
};

/* Ping once per session (decides http/https, learns the challenge). */
int pm_registry_ensure_ping(struct pm_registry *r, pm_error **err);
/* Take a 401's challenge when the ping met none (an open /v2/, a closed repository): true
 * when it is new and a retry may succeed. */
bool pm_registry_learn_challenge(struct pm_registry *r, const char *www_auth);
/* Perform req with the session's auth, answering one 401 with a fresh token. Transport
 * errors are set in err as 'METHOD "URL": cause'; an HTTP status is not an error. */
int pm_registry_request(struct pm_registry *r, const struct pm_http_req *req,
			struct pm_http_resp *ret, pm_error **err);
/* The Authorization header for the scope (NULL: none needed/possible); force: fetch anew. */
int pm_registry_auth_header(struct pm_registry *r, const char *repo, bool push,
			    const char *also_pull, bool force, char **ret, pm_error **err);
/* Set the session's common options on a new easy handle (TLS, timeouts, redirects). */
void pm_registry_setup_easy(struct pm_registry *r, CURL *e, const char *url, char *errbuf);
/* A transport error as podman words it: -errno, err = 'Get "URL": cause'. */
int pm_registry_curl_error(struct pm_registry *r, CURL *e, CURLcode c, const char *method,
			   const char *url, const char *errbuf, pm_error **err);
/* The registry's JSON error body as one line ("manifest unknown", "unauthorized: ..."),
 * or the HTTP status when there is none. malloc'd. */
char *pm_registry_error_text(const struct pm_http_resp *h);
/* errno for an HTTP error status. */
int pm_registry_status_errno(long status);
/* "https://ENDPOINT/v2/" + path (printf). */
char *pm_registry_url(struct pm_registry *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A header callback collecting Content-Type, Docker-Content-Digest, Location,
 * WWW-Authenticate and Content-Length of the final response into a pm_http_resp. */
size_t pm_registry_header_cb(char *buf, size_t size, size_t n, void *userdata);
