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

/* The subordinate ranges of user (uid ranges when !gid). No entry -> -ENOENT with a message
 * naming /etc/subuid (or /etc/subgid) and the line to add. */
int pm_subid_ranges(const char *user, uid_t uid, bool gid, struct pm_idmap **ret, size_t *ret_n,
		    pm_error **err);

/* The mapping pm uses: {0, getuid(), 1} then the ranges at container ids 1, 1+size0, ...
 * ret_n counts entries. */
int pm_subid_mapping(bool gid, struct pm_idmap **ret, size_t *ret_n, pm_error **err);
