/* idmap.c: uid_map extents and a container map split at their edges (engine/idmap.h). Pure:
 * the callers read the map file. Called by engine/run-flags.c and engine/spec.c. */
#include <stdio.h>

#include "engine/idmap.h"
#include "lib/strutil.h"

size_t pm_idmap_extents_parse(const char *map_text, struct pm_idmap_extent *ret, size_t max)
{
	size_t n = 0;
	_cleanup_strv_ char **lines = pm_strv_split(map_text ? map_text : "", "\n");
	for (char **l = lines; l && *l && n < max; l++) {
		unsigned long a, b, c;
		if (sscanf(*l, "%lu %lu %lu", &a, &b, &c) == 3 && c > 0)
			ret[n++] = (struct pm_idmap_extent){.first = a, .count = c};
	}
	return n;
}

size_t pm_idmap_split(const struct pm_runtime_idmap *m, size_t n, const struct pm_idmap_extent *pe,
		      size_t npe, struct pm_runtime_idmap **ret, size_t *ret_n)
{
	struct pm_runtime_idmap *out = NULL;
	size_t nout = 0, gap = n;
	for (size_t i = 0; i < n; i++) {
		uint64_t lo = m[i].host, hi = lo + m[i].size, covered = 0;
		for (size_t j = 0; j < npe; j++) {
			uint64_t a = lo > pe[j].first ? lo : pe[j].first;
			uint64_t b =
				hi < pe[j].first + pe[j].count ? hi : pe[j].first + pe[j].count;
			if (a >= b)
				continue;
			out = pm_xrealloc(out, sizeof(*out) * (nout + 1));
			out[nout++] =
				(struct pm_runtime_idmap){.ctr = (uint32_t)(m[i].ctr + (a - lo)),
							  .host = (uint32_t)a,
							  .size = (uint32_t)(b - a)};
			covered += b - a;
		}
		if (covered < m[i].size && gap == n)
			gap = i;
	}
	*ret = out;
	*ret_n = nout;
	return gap;
}
