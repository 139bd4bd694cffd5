/* idmap.h: the extents of a uid_map/gid_map text and a container's id map laid onto them:
 * one reader for engine/run-flags.c (--uidmap/--gidmap) and engine/spec.c (keep-id). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "runtime/runtime.h"

/* One line of /proc/PID/uid_map as the namespace sees it: its ids [first, first+count). */
struct pm_idmap_extent {
	uint64_t first, count;
};

/* The extents of map_text (NULL: none), lines that are not three numbers or have a zero
 * count skipped, at most max; returns how many. */
size_t pm_idmap_extents_parse(const char *map_text, struct pm_idmap_extent *ret, size_t max);

/* m's extents (container ids -> namespace ids) split at the edges of the namespace's own
 * extents pe, the parts outside them dropped: *ret (caller frees), *ret_n. Returns the index
 * of the first extent of m not wholly inside pe, or n when all are. */
size_t pm_idmap_split(const struct pm_runtime_idmap *m, size_t n, const struct pm_idmap_extent *pe,
		      size_t npe, struct pm_runtime_idmap **ret, size_t *ret_n);
