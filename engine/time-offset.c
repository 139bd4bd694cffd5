/* time-offset.c: the --time-offset parser (see time-offset.h). Pure: no I/O. Called by
 * engine/validate.c (create), engine/spec.c (the runtime spec) and engine/inspect.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/time-offset.h"
#include "lib/cleanup.h"
#include "lib/strutil.h"

static int bad(const char *s, const char *why, pm_error **err)
{
	return pm_error_set(err, EINVAL, "invalid --time-offset '%s': %s", s, why);
}

int pm_time_offset_parse(const char *s, struct pm_time_offsets *ret, pm_error **err)
{
	*ret = (struct pm_time_offsets){0};
	if (!s || !*s)
		return 0;
	if (strlen(s) > 256)
		return bad(s, "too long", err);
	_cleanup_strv_ char **parts = pm_strv_split(s, ",");
	bool mono = false, boot = false;
	for (char **p = parts; p && *p; p++) {
		const char *eq = strchr(*p, '=');
		if (!eq)
			return bad(s, "want monotonic=SECONDS,boottime=SECONDS", err);
		size_t kl = (size_t)(eq - *p);
		bool is_mono = kl == 9 && !strncmp(*p, "monotonic", 9);
		bool is_boot = kl == 8 && !strncmp(*p, "boottime", 8);
		if (!is_mono && !is_boot)
			return bad(s, "clocks are monotonic and boottime", err);
		if ((is_mono && mono) || (is_boot && boot))
			return bad(s, "a clock given twice", err);
		const char *v = eq + 1;
		const char *digits = v + (*v == '-' || *v == '+');
		if (!*digits || strspn(digits, "0123456789") != strlen(digits) ||
		    strlen(digits) > 18)
			return bad(s, "offsets are whole seconds", err);
		long long n = strtoll(v, NULL, 10);
		if (n > PM_TIME_OFFSET_MAX || n < -PM_TIME_OFFSET_MAX)
			return bad(s, "an offset is at most 100 years", err);
		if (is_mono) {
			mono = true;
			ret->monotonic = n;
		} else {
			boot = true;
			ret->boottime = n;
		}
	}
	if (!mono && !boot)
		return bad(s, "want monotonic=SECONDS,boottime=SECONDS", err);
	ret->set = true;
	return 0;
}
