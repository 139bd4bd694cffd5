/* push.h: an image from the store to a registry (podman push): each layer HEADed first and
 * skipped when the registry has it, else uploaded; a layer goes out as stored when its
 * compression is the one wanted (gzip or zstd), else it is re-encoded first
 * (registry/compress.h, into an unnamed temp file: its digest is only known at the end);
 * the config; the manifest last (OCI or Docker schema 2). Layers.lock is held LOCK_SH
 * throughout, so a concurrent rmi cannot collect a layer being sent. The only thing written
 * locally is the blob-info cache (<root>/blob-info-cache/: what a layer went out as and to
 * which repositories, so a registry that has it gets a HEAD or a cross-repository mount and
 * nothing else, and one that has not gets a gzip layer in one PUT of known digest and
 * length). Never prints: events go to the
 * caller's callback. */
#pragma once

#include <stdbool.h>

#include "registry/client.h"
#include "registry/compress.h"
#include "registry/sign.h"
#include "storage/manifest.h"
#include "storage/reference.h"
#include "storage/store.h"

enum pm_push_format { PM_PUSH_DEFAULT = 0, PM_PUSH_OCI, PM_PUSH_V2S2 };
enum pm_push_compression { PM_COMP_DEFAULT = 0, PM_COMP_GZIP, PM_COMP_ZSTD };

/* podman 4.3 without a terminal prints "Copying blob sha256:<stored digest>" for every
 * layer, sent or skipped; on a terminal "Copying blob <12 hex of the sent digest> skipped:
 * already exists" / "... done". */
enum pm_push_event {
	PM_PUSH_SIGNATURES, /* "Getting image source signatures" */
	PM_PUSH_BLOB,	    /* arg: the stored blob's digest, before the layer is looked at */
	PM_PUSH_BLOB_SKIP,  /* arg: the digest the registry has ("skipped: already exists") */
	PM_PUSH_CONFIG,	    /* arg: config digest */
	PM_PUSH_MANIFEST,   /* "Writing manifest to image destination" */
	PM_PUSH_DONE,	    /* "Storing signatures" */
	PM_PUSH_BLOB_DONE,  /* arg: the digest sent, after its upload */
	PM_PUSH_SIGNING,    /* "Signing manifest using simple signing" (--sign-by) */
};

struct pm_push_opts {
	struct pm_registry_opts reg;
	enum pm_push_format format;
	enum pm_push_compression compression;
	void (*event)(void *ctx, enum pm_push_event ev, const char *arg);
	void *event_ctx;
	bool by_digest; /* manifest push: the manifest goes under its digest, not dest's tag */
	const struct pm_sign_opts *sign; /* --sign-by: the pushed manifest's digest is signed
					    as dest's (registry/sign.h), NULL: not */
	const char *ret_media_type;	 /* set by pm_push: the pushed manifest's type (static) */
	int64_t ret_size;		 /* set by pm_push: its length */
};

/* Push the local image src (a reference or id) to dest ("[docker://]host/repo[:tag]";
 * NULL: src's own name). ret_digest (may be NULL) gets the pushed manifest's digest
 * (--digestfile). */
int pm_push(const struct pm_store *s, const char *src, const char *dest, struct pm_push_opts *o,
	    char **ret_digest, pm_error **err);

/* ---- pure parts (unit tested: tests/unit/test-push.c) ---- */

/* --format: "oci", "v2s2" (and "docker", as podman's manifest-type alias); podman's "unknown
 * format" message naming s otherwise (-EINVAL); "v2s1" is refused as not supported. */
int pm_push_format_parse(const char *s, enum pm_push_format *ret, pm_error **err);
/* --compression-format: "gzip", "zstd"; -EINVAL 'cannot find compressor for "S"'. */
int pm_push_compression_parse(const char *s, enum pm_push_compression *ret, pm_error **err);

/* The destination: "docker://" stripped, other transports (oci:, dir:, ...) refused;
 * docker.io rules for a name without a domain; a missing tag is "latest". */
int pm_push_parse_dest(const char *dest, struct pm_reference *ret, pm_error **err);

/* The compression a stored blob (of compression stored) goes out with: c when given (v2s2
 * has no zstd: -EINVAL), else the stored one when it is gzip or zstd, else gzip (a v2s2
 * manifest cannot name zstd: gzip). */
int pm_push_layer_algo(enum pm_push_format f, enum pm_push_compression c,
		       enum pm_compress_algo stored, enum pm_compress_algo *ret, pm_error **err);

/* The manifest format: f when given; DEFAULT: v2s2 when the stored manifest is Docker's
 * and no layer is zstd (podman keeps the source's type), else OCI. */
enum pm_push_format pm_push_format_resolve(enum pm_push_format f, const char *stored_manifest_type,
					   bool any_zstd);

/* A layer's media type in format f (OCI or V2S2) for compression a. */
const char *pm_push_layer_media_type(enum pm_push_format f, enum pm_compress_algo a);

/* The manifest document (f OCI or V2S2): config and layers' digests and sizes as given,
 * media types set here. ret_media_type: the manifest's media type (static). malloc'd. */
char *pm_push_manifest_json(enum pm_push_format f, const char *config_digest, int64_t config_size,
			    const struct pm_descriptor *layers, size_t n_layers,
			    const char **ret_media_type);
