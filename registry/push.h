/* push.h: an image from the store to a registry (podman push): each layer HEADed first and
 * skipped when the registry has it, else uploaded, compressed while it streams when the
 * format asks for another compression than the stored blob's; the config; the manifest
 * last (OCI or Docker schema 2). Never prints: events go to the caller's callback. */
#pragma once

#include <stdbool.h>

#include "registry/client.h"
#include "storage/store.h"

enum pm_push_format { PM_PUSH_DEFAULT = 0, PM_PUSH_OCI, PM_PUSH_V2S2 };
enum pm_push_compression { PM_COMP_DEFAULT = 0, PM_COMP_GZIP, PM_COMP_ZSTD };

enum pm_push_event {
	PM_PUSH_SIGNATURES, /* "Getting image source signatures" */
	PM_PUSH_BLOB,	    /* arg: digest, "Copying blob X" */
	PM_PUSH_BLOB_SKIP,  /* arg: digest, "Copying blob X skipped: already exists" */
	PM_PUSH_CONFIG,	    /* arg: config digest */
	PM_PUSH_MANIFEST,   /* "Writing manifest to image destination" */
	PM_PUSH_DONE,	    /* "Storing signatures" */
};

struct pm_push_opts {
	struct pm_registry_opts reg;
	enum pm_push_format format;
	enum pm_push_compression compression;
	void (*event)(void *ctx, enum pm_push_event ev, const char *arg);
	void *event_ctx;
};

/* Push the local image src (a reference or id) to dest ("host/repo[:tag]"; NULL: src's
 * own name). ret_digest (may be NULL) gets the pushed manifest's digest (--digestfile). */
int pm_push(const struct pm_store *s, const char *src, const char *dest,
	    const struct pm_push_opts *o, char **ret_digest, pm_error **err);
