/* ctr-pods.h: the containers that belong to a pod, without reading every record.
 *
 * `pod ps` (and the pod verbs) need only the members of pods, but a pod id lives in each
 * container's record. A cache, <root>/db/ctr-pods.cache, remembers for each container
 * record directory (its id and inode) which pod it belongs to: a fact that never changes
 * for the life of the record (the pod is set at create; rename rewrites the same id). The
 * records stay the truth: every listing reads the containers directory, records whose
 * directory is not in the cache (new ones, or an id whose directory inode changed) are read
 * and added, cache entries without a directory are dropped, and only records in a pod are
 * read in full. So no create or rm path writes the cache, and a crash anywhere (in a
 * create, an rm, or in the cache's own write: temp file + rename) leaves a listing that is
 * still exact. A cache that does not parse is ignored and rewritten.
 *
 * Called by pods/ (pod ps, the pod lifecycle). Never prints. */
#pragma once

#include <stddef.h>

#include "engine/container.h"
#include "lib/error.h"
#include "lib/paths.h"

/* Every container whose record names a pod (pod_id not ""), newest first, as
 * pm_container_list would list them. The cache is rewritten (best effort: a read-only
 * store lists all the same) when it changed. */
int pm_container_list_pod_members(const struct pm_paths *p, struct pm_container ***ret,
				  size_t *ret_n, pm_error **err);

/* The cache's text format, for tests: parse text (modified in place) into sorted entries;
 * 0 entries when it does not parse. */
struct pm_ctr_pod_entry {
	char id[65];
	unsigned long long ino;
	char pod[65]; /* "" outside a pod */
};
size_t pm_ctr_pods_parse(char *text, size_t len, struct pm_ctr_pod_entry **ret);
char *pm_ctr_pods_format(struct pm_ctr_pod_entry *e, size_t n, size_t *ret_len);
