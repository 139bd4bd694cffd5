/* overlay-probe.h: can this kernel mount overlayfs inside an unprivileged user namespace
 * (5.11+)? Probed once per storage root in a throw-away user namespace that maps only the
 * caller's uid (no subordinate ids needed), and remembered in <root>/overlay-probe.json. */
#pragma once

#include <stdbool.h>

struct pm_overlay_support {
	bool probed;  /* false when the probe could not run at all */
	bool native;  /* native overlay works in a user namespace */
	char *detail; /* why not, when !native */
};

/* Read the remembered answer, or probe now and remember it (best effort: never fails). */
void pm_overlay_probe_cached(const char *root, struct pm_overlay_support *ret);

/* Probe now, without the cache. */
void pm_overlay_probe(struct pm_overlay_support *ret);

void pm_overlay_support_free(struct pm_overlay_support *s);
