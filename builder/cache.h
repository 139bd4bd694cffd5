/* cache.h: the build's layer cache: a step's key (the sha256 of its parent image id, its
 * instruction after expansion, the build args it sees and, for COPY/ADD, the digest of the
 * copied content) -> the image the step made. One small file per key,
 * <root>/build-cache/<key>, holding the image id, written atomically (temp + rename: two
 * concurrent builds of the same step both write a valid answer, the last one stays). An
 * entry whose image is gone is a miss. builder/ only; never prints. */
#pragma once

#include "lib/error.h"
#include "storage/store.h"

/* 1 and *ret_id (malloc'd) when key names an image that still exists, else 0. */
int pm_build_cache_get(const struct pm_store *s, const char *key, char **ret_id);
/* Record key -> id; a failure only loses the cache entry. */
int pm_build_cache_put(const struct pm_store *s, const char *key, const char *id, pm_error **err);
