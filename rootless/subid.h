/* subid.h: the user's subordinate id ranges (libsubid) and the id mappings built from them. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/error.h"

struct pm_idmap {
	uint32_t container_id;
	uint32_t host_id;
	uint32_t size;
};

/* The size of the range pm asks users to configure (and below which it warns). */
#define PM_SUBID_RECOMMENDED 65536

/* The subordinate ranges of user (uid ranges when !gid). No entry -> -ENOENT with a message
 * naming /etc/subuid (or /etc/subgid) and the line to add. */
int pm_subid_ranges(const char *user, uid_t uid, bool gid, struct pm_idmap **ret, size_t *ret_n,
		    pm_error **err);

/* The ranges listed for name itself (no fallback to a uid), for --subuidname/--subgidname.
 * None -> -ENOENT with podman's message ("no subuid ranges found for user \"x\" in
 * /etc/subuid"). */
int pm_subid_ranges_named(const char *name, bool gid, struct pm_idmap **ret, size_t *ret_n,
			  pm_error **err);

/* The mapping pm uses: {0, getuid(), 1} then the ranges at container ids 1, 1+size0, ...
 * ret_n counts entries. */
int pm_subid_mapping(bool gid, struct pm_idmap **ret, size_t *ret_n, pm_error **err);

/* Pure: the mapping {0, id, 1} followed by ranges (host_id/size used, container_id ignored)
 * laid out consecutively from container id 1. Empty ranges are skipped; -ERANGE when the
 * container or host ids would pass 2^32 - 1. */
int pm_subid_build_mapping(uint32_t id, const struct pm_idmap *ranges, size_t n,
			   struct pm_idmap **ret, size_t *ret_n, pm_error **err);

/* Pure: the sum of the sizes of ranges (saturating at UINT64_MAX never happens for n < 2^32). */
uint64_t pm_subid_total(const struct pm_idmap *ranges, size_t n);

/* Pure: argv for newuidmap/newgidmap: { prog, "PID", "C0", "H0", "S0", "C1", ..., NULL }. */
char **pm_subid_map_argv(const char *prog, pid_t pid, const struct pm_idmap *map, size_t n);
