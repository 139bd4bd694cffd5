/* userns-auto.h: --userns=auto, a range of the user's subordinate ids (ids 1.. of pm's
 * rootless namespace) for each container that no other container's maps use. Called by
 * engine/run.c at create; the ranges are kept as the container's --uidmap/--gidmap, so they
 * are freed with its record. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "engine/idmap.h"
#include "engine/spec.h"
#include "lib/error.h"
#include "runtime/runtime.h"

struct pm_engine;
struct pm_store;

/* Pure: container ids [0, size) mapped to namespace ids of avail (this namespace's extents,
 * id 0, the caller, never given) that no range of used (namespace ids) touches, lowest
 * first, possibly in pieces; the container ids extra covers are left to extra, which is
 * appended as given. *ret (caller frees), *ret_n. -ENOSPC when the free ids are too few. */
int pm_userns_auto_pick(const struct pm_idmap_extent *avail, size_t navail,
			const struct pm_idmap_extent *used, size_t nused, uint32_t size,
			const struct pm_runtime_idmap *extra, size_t nextra,
			struct pm_runtime_idmap **ret, size_t *ret_n);

/* The maps of a new auto container (un from pm_spec_parse_userns of its --userns) as
 * --uidmap/--gidmap strings "CTR:NS:LEN", clear of every other container's maps (auto,
 * --uidmap/--gidmap; keep-id and nomap hold all the ids). Default size (no size=, or 0), as
 * containers-storage: min_size (storage.conf auto-userns-min-size), or more when the image
 * needs it: the highest owner uid/gid of its files (lowers: its layer dirs, top first) or
 * of its /etc/passwd and /etc/group (nobody left out) + 1; -EINVAL when that is above
 * max_size ("the container needs a user namespace with size N that is bigger than the
 * maximum value allowed with userns=auto M"); size= is not held to max_size. Takes the
 * allocation lock and returns its fd in *ret_lock: hold it until the container's record is
 * written (the ranges are read from the other records). -ENOSPC "could not find enough
 * available IDs" naming the size. */
int pm_userns_auto_alloc(const struct pm_engine *e, const struct pm_spec_userns *un,
			 char *const *lowers, uint32_t min_size, uint32_t max_size, int *ret_lock,
			 char ***ret_uidmap, char ***ret_gidmap, pm_error **err);

/* The allocation lock alone (its fd), for a create whose record will hold fixed maps
 * (--uidmap/--gidmap, keep-id, nomap): taken until the record is written, so that an auto
 * create racing it sees the record or runs first. */
int pm_userns_auto_lock(const struct pm_engine *e, pm_error **err);
