/* store-opts.c: the global --storage-opt (podman's driver options) applied to an opened
 * store over storage.conf's values (see store.h). The cli checks each value's KEY=VALUE
 * form and hands the list on in PM_STORAGE_OPT_ENV (the rootless re-exec and the monitor
 * open the store too). Never prints. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/cleanup.h"
#include "lib/strutil.h"
#include "storage/store.h"

static int parse_bool(const char *v, pm_error **err)
{
	static const char *const t[] = {"1", "t", "T", "TRUE", "true", "True"};
	static const char *const f[] = {"0", "f", "F", "FALSE", "false", "False"};
	for (size_t i = 0; i < 6; i++)
		if (!strcmp(v, t[i]) || !strcmp(v, f[i]))
			return 0;
	return pm_error_set(err, EINVAL, "strconv.ParseBool: parsing \"%s\": invalid syntax", v);
}

static int apply_one(struct pm_store *s, const char *opt, pm_error **err)
{
	const char *driver = s->driver ? s->driver : "overlay";
	const char *eq = strchr(opt, '=');
	if (!eq)
		return pm_error_set(err, EINVAL, "unable to parse key/value option: %s", opt);
	_cleanup_free_ char *key = pm_xstrndup(opt, (size_t)(eq - opt));
	const char *val = eq + 1, *name = key, *dot = strchr(key, '.');
	if (dot) {
		size_t n = (size_t)(dot - key);
		if (strlen(driver) != n || strncmp(key, driver, n))
			return pm_error_set(err, EINVAL, "%s driver does not support %s options",
					    driver, key);
		name = dot + 1;
	}
	if (!strcmp(name, "ignore_chown_errors"))
		return parse_bool(val, err); /* accepted: pm always maps the whole range */
	if (!strcmp(driver, "overlay") && !strcmp(name, "mount_program")) {
		struct stat st;
		if (stat(val, &st) < 0)
			return pm_error_set_errno(err, errno,
						  "overlay: can't stat program \"%s\": stat %s",
						  val, val);
		free(s->mount_program);
		s->mount_program = pm_xstrdup(val);
		return 0;
	}
	if (!strcmp(driver, "overlay"))
		return pm_error_set(err, EINVAL, "overlay: Unknown option %s", key);
	return pm_error_set(err, EINVAL, "vfs driver does not support %s options", key);
}

int pm_store_apply_opts(struct pm_store *s, const char *opts, pm_error **err)
{
	if (!opts)
		return 0;
	_cleanup_strv_ char **v = pm_strv_split(opts, "\n");
	for (char **o = v; o && *o; o++) {
		if (!strcmp(*o, "=")) {
			/* --storage-opt "": storage.conf's options are dropped */
			free(s->mount_program);
			s->mount_program = NULL;
			continue;
		}
		int r = apply_one(s, *o, err);
		if (r < 0)
			return r;
	}
	return 0;
}
