/* pull-util.c: the pure parts of a pull: the --pull policy's words and the names a pulled
 * image is given (see pull.h). No I/O. Called by registry/pull.c and cli/. */
#include <errno.h>
#include <string.h>

#include "lib/strutil.h"
#include "registry/pull.h"

int pm_pull_policy_parse(const char *s, enum pm_pull_policy *ret, pm_error **err)
{
	static const struct {
		const char *word;
		enum pm_pull_policy policy;
	} words[] = {
		{"always", PM_PULL_ALWAYS},
		{"Always", PM_PULL_ALWAYS},
		{"missing", PM_PULL_MISSING},
		{"Missing", PM_PULL_MISSING},
		{"ifnotpresent", PM_PULL_MISSING},
		{"IfNotPresent", PM_PULL_MISSING},
		{"", PM_PULL_MISSING},
		{"newer", PM_PULL_NEWER},
		{"Newer", PM_PULL_NEWER},
		{"ifnewer", PM_PULL_NEWER},
		{"IfNewer", PM_PULL_NEWER},
		{"never", PM_PULL_NEVER},
		{"Never", PM_PULL_NEVER},
	};
	for (size_t i = 0; s && i < ARRAY_SIZE(words); i++)
		if (strcmp(s, words[i].word) == 0) {
			*ret = words[i].policy;
			return 0;
		}
	/* podman 4.3's words only: "true"/"false" are build's, run refuses them too */
	return pm_error_set(err, EINVAL, "unsupported pull policy \"%s\"", s ? s : "");
}
