/* client.h: one registry endpoint spoken to over the OCI distribution API with libcurl
 * (opened with dlopen on first use: registry/dl-curl.h, as storage/dl-archive.h does for
 * libarchive). A session (struct pm_registry) answers the registry's auth challenge once
 * per scope and keeps the answer: Basic with the user's credentials, or Bearer with a token
 * fetched from the challenge's realm (anonymous or with the credentials; "scope" per
 * repository and action, "pull" or "pull,push"). TLS as podman's: certificates from
 * --cert-dir (*.crt are CAs, NAME.cert + NAME.key a client pair) or the default certs.d
 * directories; tls_verify 0 lets an https failure fall back to plain http (podman's
 * --tls-verify=false). Thread-safe: blobs of one session may be read from several threads
 * at once (pull's parallel layers). Never prints.
 *
 * Errors name the registry (host[:port]) and the cause in one line, as podman does:
 *   -ECONNREFUSED / -EHOSTUNREACH / -ETIMEDOUT
 *     'pinging container registry HOST: Get "https://HOST/v2/": dial tcp HOST: connect:
 *     connection refused'
 *   -EACCES   'reading manifest TAG in HOST/REPO: unauthorized: authentication required' (401
 *             after the credentials were tried, or no credentials)
 *   -ENOENT   'reading manifest TAG in HOST/REPO: manifest unknown: manifest unknown' (the
 *             registry's JSON error, worded as docker's errcode does) / '... blob unknown'
 *   -EBADMSG  '... digest mismatch: expected X, got Y' (a manifest fetched by digest, a blob)
 *   -EPROTO   https trouble: 'x509: certificate signed by unknown authority (trust its CA with
 *             --cert-dir or certs.d/HOST, or use --tls-verify=false)', 'http: server gave HTTP
 *             response to HTTPS client'
 * tls_verify -1 is taken as 1: the caller (pull, push) resolves registries.conf's insecure. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/error.h"

struct pm_registry_opts {
	int tls_verify;	      /* 1: verify (the default), 0: do not, and allow http; -1: not
				 given (registries.conf's insecure decides; as 1 when not set) */
	const char *cert_dir; /* --cert-dir; NULL: /etc/containers/certs.d/HOST[:PORT] then
				 $XDG_CONFIG_HOME/containers/certs.d/HOST[:PORT] */
	const char *creds;    /* --creds "USER[:PASSWORD]"; NULL: the auth file's entry */
	const char *authfile; /* --authfile; NULL: registry/auth.h's default lookup */
	const char *username, *password; /* login: credentials to try instead of any stored */
};

struct pm_registry;

/* A session with host ("docker.io" is spoken to at registry-1.docker.io). Does no I/O. */
int pm_registry_open(const char *host, const struct pm_registry_opts *o, struct pm_registry **ret,
		     pm_error **err);
struct pm_registry *pm_registry_free(struct pm_registry *r);
PM_DEFINE_CLEANUP_FUNC(struct pm_registry *, pm_registry_free)
#define _cleanup_registry_ _cleanup_(pm_registry_freep)

/* The host the session was opened for, as the user named it. */
const char *pm_registry_host(const struct pm_registry *r);

/* GET /v2/ with the auth challenge answered (login's check of credentials). */
int pm_registry_ping(struct pm_registry *r, pm_error **err);

/* A manifest or index as the registry sent it. */
struct pm_registry_doc {
	char *data;
	size_t len;
	char *media_type; /* Content-Type (or the document's mediaType) */
	char *digest;	  /* "sha256:..." of data */
};
void pm_registry_doc_free(struct pm_registry_doc *d);

/* GET /v2/REPO/manifests/REF (REF a tag or "sha256:..."), accepting OCI manifests and
 * indexes and Docker schema 2 manifests and lists. A REF that is a digest is checked
 * against the bytes (-EBADMSG). Documents over PM_MANIFEST_MAX are refused. */
int pm_registry_get_manifest(struct pm_registry *r, const char *repo, const char *ref,
			     struct pm_registry_doc *ret, pm_error **err);
/* HEAD of the same: the digest only (pull --pull=newer); -ENOENT when unknown. */
int pm_registry_head_manifest(struct pm_registry *r, const char *repo, const char *ref,
			      char **ret_digest, pm_error **err);
/* PUT /v2/REPO/manifests/REF with media_type as Content-Type. */
int pm_registry_put_manifest(struct pm_registry *r, const char *repo, const char *ref,
			     const char *media_type, const void *data, size_t len, pm_error **err);

/* A small blob (a config) into memory, digest checked; max bounds its size. */
int pm_registry_get_blob_mem(struct pm_registry *r, const char *repo, const char *digest,
			     size_t max, char **ret, size_t *ret_len, pm_error **err);

/* A blob as a pull-style stream, for pm_layer_ingest (storage/layerstore.h): open sends the
 * request and waits for the response's headers (-ENOENT for an unknown blob); read has
 * pm_read_fn's shape (bytes, 0 at the end, -errno); close ends the transfer and returns its
 * outcome, with the error set: a truncated body is -EPIPE, a body longer than size
 * -EBADMSG. The caller checks the digest (pm_layer_ingest does). size: the descriptor's
 * size (0: unknown). One multi handle per blob, so blobs stream in parallel from threads. */
struct pm_registry_blob;
int pm_registry_blob_open(struct pm_registry *r, const char *repo, const char *digest,
			  uint64_t size, struct pm_registry_blob **ret, pm_error **err);
ssize_t pm_registry_blob_read(void *blob, void *buf, size_t n);
int pm_registry_blob_close(struct pm_registry_blob *b, pm_error **err);

/* HEAD /v2/REPO/blobs/DIGEST: 1 present, 0 absent. */
int pm_registry_blob_exists(struct pm_registry *r, const char *repo, const char *digest,
			    pm_error **err);
/* Upload a blob (POST /v2/REPO/blobs/uploads/, then one PUT ...&digest=DIGEST, or
 * a PATCH stream then the PUT when size is 0/unknown) from a pm_read_fn; when mount_from
 * names another repository of the same registry, a cross-repository mount is tried first. */
int pm_registry_put_blob(struct pm_registry *r, const char *repo, const char *digest, uint64_t size,
			 ssize_t (*rd)(void *ctx, void *buf, size_t n), void *rd_ctx,
			 pm_error **err);

/* Upload a blob whose digest is known only at its end: a PATCH stream from rd, then the
 * PUT ...&digest= with digest_of(ctx) (NULL: an error). name: the blob in messages. */
int pm_registry_put_blob_stream(struct pm_registry *r, const char *repo, const char *name,
				ssize_t (*rd)(void *ctx, void *buf, size_t n),
				const char *(*digest_of)(void *ctx), void *ctx, pm_error **err);

/* Try a cross-repository mount of digest from repository from (same registry): 1 mounted,
 * 0 not (upload it with pm_registry_put_blob). */
int pm_registry_mount_blob(struct pm_registry *r, const char *repo, const char *digest,
			   const char *from, pm_error **err);

/* GET /v2/REPO/tags/list (pull --all-tags): NULL-terminated strv. */
int pm_registry_list_tags(struct pm_registry *r, const char *repo, char ***ret, pm_error **err);

/* GET /v2/_catalog (search on a registry without the v1 search API): the repositories, a
 * NULL-terminated strv. */
int pm_registry_catalog(struct pm_registry *r, char ***ret, pm_error **err);
