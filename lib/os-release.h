/* os-release.h: the fields of /etc/os-release (os-release(5)) pm uses: `info`'s
 * distribution and doctor's package-manager advice. Never prints. */
#pragma once

#include <stdbool.h>

#include "lib/cleanup.h"

struct pm_os_release {
	char *id;		/* "debian"; NULL when not set */
	char *id_like;		/* "rhel fedora" (space-separated) */
	char *version_id;	/* "12" */
	char *version_codename; /* "bookworm" */
};

/* Parse os-release text: KEY=VALUE lines, values unquoted ("..." or '...', with \" \\ \$
 * \` escapes inside double quotes), comments and unknown keys skipped. */
void pm_os_release_parse(const char *text, struct pm_os_release *ret);

/* Read prefix + "/etc/os-release", else prefix + "/usr/lib/os-release" (prefix NULL or "":
 * the host). 0, or -errno when neither is readable (*ret is then empty). */
int pm_os_release_read(const char *prefix, struct pm_os_release *ret);

/* Is word the ID or one of ID_LIKE's words ("debian" on Ubuntu)? */
bool pm_os_release_is(const struct pm_os_release *os, const char *word);

void pm_os_release_clear(struct pm_os_release *os);
PM_DEFINE_CLEANUP_VALUE(struct pm_os_release, pm_os_release_clear)
