/* containers-conf.c: [engine] cgroup_manager from containers.conf(5) (see
 * containers-conf.h). Reads files only; never prints. Called by cli/ (the global flag) and
 * engine/ (the manager a container is made with). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/containers-conf.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"

static const char *flag_value;

bool pm_conf_cgroup_manager_valid(const char *v)
{
	return v && (!strcmp(v, "systemd") || !strcmp(v, "cgroupfs"));
}

void pm_conf_set_cgroup_manager(const char *v)
{
	flag_value = v;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

char *pm_conf_parse_cgroup_manager(const char *text)
{
	_cleanup_strv_ char **lines = pm_strv_split(text ? text : "", "\n");
	bool engine = false;
	char *found = NULL;
	for (char **l = lines; l && *l; l++) {
		char *s = trim(*l);
		if (*s == '#' || *s == '\0')
			continue;
		if (*s == '[') {
			char *end = strchr(s, ']');
			if (end) {
				*end = '\0';
				engine = !strcmp(trim(s + 1), "engine");
			}
			continue;
		}
		char *eq = strchr(s, '=');
		if (!engine || !eq)
			continue;
		*eq = '\0';
		if (strcmp(trim(s), "cgroup_manager") != 0)
			continue;
		char *v = trim(eq + 1);
		char q = *v;
		if (q != '"' && q != '\'')
			continue;
		char *close = strchr(v + 1, q);
		if (!close)
			continue;
		free(found);
		found = pm_xstrndup(v + 1, (size_t)(close - v - 1));
	}
	return found;
}

static bool is_socket(const char *path)
{
	struct stat st;
	return path && stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

/* The default: systemd when there is a systemd bus to ask. */
static const char *default_manager(void)
{
	if (geteuid() == 0 && !getenv("XDG_RUNTIME_DIR"))
		return is_socket("/run/dbus/system_bus_socket") ? "systemd" : "cgroupfs";
	const char *a = getenv("DBUS_SESSION_BUS_ADDRESS");
	if (a && *a)
		return "systemd";
	const char *rt = getenv("XDG_RUNTIME_DIR");
	if (!rt || !*rt)
		return "cgroupfs";
	_cleanup_free_ char *p = pm_path_join(rt, "bus");
	return is_socket(p) ? "systemd" : "cgroupfs";
}

/* Fold one file's value into *cur (freeing the old); missing files are skipped. */
static int read_one(const char *path, char **cur, char **cur_path, pm_error **err)
{
	_cleanup_free_ char *data = NULL;
	if (pm_read_file(path, 1 << 20, &data, NULL, NULL) < 0)
		return 0;
	char *v = pm_conf_parse_cgroup_manager(data);
	if (!v)
		return 0;
	if (!pm_conf_cgroup_manager_valid(v)) {
		int r = pm_error_set(err, EINVAL,
				     "%s: cgroup_manager '%s': cgroup manager must be one of "
				     "cgroupfs and systemd",
				     path, v);
		free(v);
		return r;
	}
	free(*cur);
	*cur = v;
	free(*cur_path);
	*cur_path = pm_xstrdup(path);
	return 0;
}

int pm_conf_cgroup_manager(const char **ret, pm_error **err)
{
	if (flag_value) {
		*ret = flag_value;
		return 0;
	}
	_cleanup_free_ char *v = NULL, *from = NULL;
	int r;
	const char *env = getenv("CONTAINERS_CONF");
	if (env && *env) {
		if ((r = read_one(env, &v, &from, err)) < 0)
			return r;
	} else {
		if ((r = read_one("/usr/share/containers/containers.conf", &v, &from, err)) < 0 ||
		    (r = read_one("/etc/containers/containers.conf", &v, &from, err)) < 0)
			return r;
		const char *xdg = getenv("XDG_CONFIG_HOME");
		const char *home = getenv("HOME");
		_cleanup_free_ char *user =
			xdg && *xdg == '/' ? pm_xasprintf("%s/containers/containers.conf", xdg)
			: home && *home == '/'
				? pm_xasprintf("%s/.config/containers/containers.conf", home)
				: NULL;
		if (user && (r = read_one(user, &v, &from, err)) < 0)
			return r;
	}
	/* a static string for the caller: no lifetime to manage */
	*ret = !v ? default_manager() : !strcmp(v, "systemd") ? "systemd" : "cgroupfs";
	return 0;
}
