/* run-mount.c: RUN --mount's value (builder/run-mount.h): comma-separated key[=value]
 * options, as BuildKit's parseMount. Pure; called by builder/build.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "builder/run-mount.h"
#include "lib/strutil.h"

void pm_run_mount_clear(struct pm_run_mount *m)
{
	free(m->target);
	free(m->source);
	free(m->from);
	free(m->id);
	*m = (struct pm_run_mount){0};
}

static int parse_bool_word(const char *v, bool *ret)
{
	if (!v || !strcasecmp(v, "true") || !strcmp(v, "1")) {
		*ret = true;
		return 0;
	}
	if (!strcasecmp(v, "false") || !strcmp(v, "0")) {
		*ret = false;
		return 0;
	}
	return -EINVAL;
}

static int set_str(char **dst, const char *v)
{
	if (!v || !v[0])
		return -EINVAL;
	free(*dst);
	*dst = pm_xstrdup(v);
	return 0;
}

int pm_run_mount_parse(const char *value, struct pm_run_mount *ret, pm_error **err)
{
	struct pm_run_mount m = {.ro = true, .mode = 0755};
	bool ro_set = false;
	_cleanup_strv_ char **opts = pm_strv_split(value, ",");
	int r = 0;
	/* the type first: it decides the defaults */
	for (char **o = opts; o && *o; o++) {
		if (strncmp(*o, "type=", 5))
			continue;
		const char *t = *o + 5;
		if (!strcmp(t, "bind"))
			m.type = PM_RUN_MOUNT_BIND;
		else if (!strcmp(t, "cache"))
			m.type = PM_RUN_MOUNT_CACHE;
		else if (!strcmp(t, "tmpfs"))
			m.type = PM_RUN_MOUNT_TMPFS;
		else if (!strcmp(t, "secret"))
			m.type = PM_RUN_MOUNT_SECRET;
		else if (!strcmp(t, "ssh"))
			m.type = PM_RUN_MOUNT_SSH;
		else
			return pm_error_set(err, EINVAL, "--mount=%s: unsupported mount type '%s'",
					    value, t);
	}
	if (m.type == PM_RUN_MOUNT_SECRET)
		m.mode = 0400;
	if (m.type == PM_RUN_MOUNT_SSH)
		m.mode = 0600;
	for (char **o = opts; r >= 0 && o && *o; o++) {
		char *eq = strchr(*o, '=');
		_cleanup_free_ char *k = eq ? pm_xstrndup(*o, (size_t)(eq - *o)) : pm_xstrdup(*o);
		const char *v = eq ? eq + 1 : NULL;
		uint32_t n = 0;
		if (!strcmp(k, "type")) {
			continue;
		} else if (!strcmp(k, "target") || !strcmp(k, "dst") || !strcmp(k, "destination")) {
			r = set_str(&m.target, v);
		} else if (!strcmp(k, "source") || !strcmp(k, "src")) {
			r = set_str(&m.source, v);
		} else if (!strcmp(k, "from")) {
			r = set_str(&m.from, v);
		} else if (!strcmp(k, "id")) {
			r = set_str(&m.id, v);
		} else if (!strcmp(k, "ro") || !strcmp(k, "readonly")) {
			r = parse_bool_word(v, &m.ro);
			ro_set = true;
		} else if (!strcmp(k, "rw") || !strcmp(k, "readwrite")) {
			bool rw = false;
			r = parse_bool_word(v, &rw);
			m.ro = !rw;
			ro_set = true;
		} else if (!strcmp(k, "required")) {
			r = parse_bool_word(v, &m.required);
		} else if (!strcmp(k, "sharing")) {
			if (!v ||
			    (strcmp(v, "shared") && strcmp(v, "private") && strcmp(v, "locked")))
				r = -EINVAL;
		} else if (!strcmp(k, "mode")) {
			char *end = NULL;
			unsigned long md = v ? strtoul(v, &end, 8) : 0;
			if (!v || !v[0] || *end || md > 07777)
				r = -EINVAL;
			m.mode = (mode_t)md;
			m.mode_set = true;
		} else if (!strcmp(k, "uid")) {
			r = v && pm_parse_uint32(v, &n) == 0 ? 0 : -EINVAL;
			m.uid = n;
		} else if (!strcmp(k, "gid")) {
			r = v && pm_parse_uint32(v, &n) == 0 ? 0 : -EINVAL;
			m.gid = n;
		} else if (!strcmp(k, "size") && m.type == PM_RUN_MOUNT_TMPFS) {
			char *end = NULL;
			m.size = v ? strtoull(v, &end, 10) : 0;
			r = v && v[0] && !*end ? 0 : -EINVAL;
		} else {
			pm_run_mount_clear(&m);
			return pm_error_set(err, EINVAL, "--mount=%s: unknown option '%s'", value,
					    k);
		}
		if (r < 0) {
			pm_run_mount_clear(&m);
			return pm_error_set(err, EINVAL, "--mount=%s: invalid value for '%s'",
					    value, k);
		}
	}
	if (m.type == PM_RUN_MOUNT_CACHE && !ro_set)
		m.ro = false;
	if (m.type == PM_RUN_MOUNT_SECRET && !m.id && m.target) {
		const char *base = strrchr(m.target, '/');
		m.id = pm_xstrdup(base ? base + 1 : m.target);
	}
	if (m.type == PM_RUN_MOUNT_SECRET && !m.id) {
		pm_run_mount_clear(&m);
		return pm_error_set(err, EINVAL, "--mount=%s: a secret needs an id or a target",
				    value);
	}
	if (m.type == PM_RUN_MOUNT_SECRET && !m.target)
		m.target = pm_xasprintf("/run/secrets/%s", m.id);
	if (m.type == PM_RUN_MOUNT_SSH && !m.id)
		m.id = pm_xstrdup("default");
	if (!m.target && m.type != PM_RUN_MOUNT_SSH) {
		pm_run_mount_clear(&m);
		return pm_error_set(err, EINVAL, "--mount=%s: a target is required", value);
	}
	if (m.type == PM_RUN_MOUNT_CACHE && !m.id)
		m.id = pm_xstrdup(m.target);
	*ret = m;
	return 0;
}
