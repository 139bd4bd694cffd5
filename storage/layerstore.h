/* layerstore.h: layers in the store: ingest a layer stream once (unpack into a temp dir,
 * verify digests, rename into layers/<diffid-hex>), look layers up, collect unused ones.
 * Callers hold locks/layers.lock LOCK_SH from ingest until the image record that uses the
 * layer is written (so a concurrent collect cannot remove it). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "storage/layer.h"
#include "storage/store.h"

struct pm_layer_info {
	char *diff_id;	  /* sha256:... of the uncompressed tar */
	char *digest;	  /* sha256:... of the blob as stored (compressed or not) */
	char *media_type; /* PM_MT_OCI_LAYER[_GZIP|_ZSTD] */
	uint64_t blob_size;
	uint64_t size; /* uncompressed tar size */
};

/* Ingest. expect_digest / expect_diff_id (may be NULL) are checked: a mismatch is -EINVAL
 * "digest mismatch" and nothing is kept. When expect_diff_id names a layer already stored,
 * the stream is not read and the stored layer is returned. */
int pm_layer_ingest(const struct pm_store *s, pm_read_fn rd, void *rd_ctx,
		    const char *expect_digest, const char *expect_diff_id,
		    struct pm_layer_info *ret, pm_error **err);
/* The same with the blob's size when the caller knows it (0: unknown), for the byte
 * progress reported to s->progress. */
int pm_layer_ingest_sized(const struct pm_store *s, pm_read_fn rd, void *rd_ctx,
			  const char *expect_digest, const char *expect_diff_id, uint64_t size,
			  struct pm_layer_info *ret, pm_error **err);

/* Read layers/<hex>/layer.json. -ENOENT when the layer is not stored. */
int pm_layer_get(const struct pm_store *s, const char *diff_id, struct pm_layer_info *ret,
		 pm_error **err);
bool pm_layer_exists(const struct pm_store *s, const char *diff_id);

/* Paths: layers/<hex>/diff and layers/<hex>/layer.tar */
char *pm_layer_diff_path(const struct pm_store *s, const char *diff_id);
char *pm_layer_blob_path(const struct pm_store *s, const char *diff_id);

/* Remove every stored layer whose diff_id is not in keep (NULL-terminated). The caller
 * holds layers.lock LOCK_EX. Returns the number removed. */
int pm_layer_collect(const struct pm_store *s, char *const *keep, pm_error **err);

void pm_layer_info_free(struct pm_layer_info *l);
