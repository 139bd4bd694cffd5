/* platform.h: which image of an OCI index / Docker manifest list a pull takes, as
 * containers/image chooses it (WantedPlatforms + ChooseInstance): the wanted OS and
 * architecture must match exactly; variants are tried from the wanted one down its
 * compatibility list ("arm": v7, v6, v5; "arm64": v8), then an entry without a variant.
 * Pure functions (the host's platform aside); registry/pull.c uses them; unit tested. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "lib/error.h"
#include "storage/manifest.h"

struct pm_platform {
	char *os, *arch, *variant; /* variant may be NULL */
};
void pm_platform_free(struct pm_platform *p);

/* Go's GOARCH for a uname machine ("x86_64" -> "amd64", "aarch64" -> "arm64", "armv7l" ->
 * "arm" with variant "v7", ...); ret_variant (may be NULL) gets a static variant or NULL.
 * Unknown machines are returned as they are. */
const char *pm_platform_goarch(const char *machine, const char **ret_variant);

/* The platform a pull wants: the overrides (--os, --arch, --variant; NULL: not given) over
 * the host's. As containers/image: the host's variant is used only when the architecture
 * is the host's. */
void pm_platform_wanted(const char *os, const char *arch, const char *variant,
			struct pm_platform *ret);

/* --platform OS/ARCH[/VARIANT] -> the three parts (malloc'd); -EINVAL naming s. */
int pm_platform_parse(const char *s, struct pm_platform *ret, pm_error **err);

/* The index entry for want: its position in idx->manifests. -ENOENT with containers/image's
 * message ("no image found in manifest list for architecture ARCH, variant "V", OS OS";
 * "image index" for an OCI index) when none matches. */
int pm_platform_choose(const struct pm_index *idx, const struct pm_platform *want, size_t *ret_i,
		       pm_error **err);
