/* containers-conf.c: [engine] cgroup_manager and [containers] default_ulimits from
 * containers.conf(5) (see
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

const char *const pm_conf_ctr_keys[PM_CONF_N] = {
	[PM_CONF_CGROUPNS] = "cgroupns",     [PM_CONF_IPCNS] = "ipcns",
	[PM_CONF_PIDNS] = "pidns",	     [PM_CONF_UTSNS] = "utsns",
	[PM_CONF_USERNS] = "userns",	     [PM_CONF_TZ] = "tz",
	[PM_CONF_UMASK] = "umask",	     [PM_CONF_SHM_SIZE] = "shm_size",
	[PM_CONF_PIDS_LIMIT] = "pids_limit",
};

void pm_conf_parse_values(const char *text, const char *table, const char *const *keys, size_t n,
			  char **out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = NULL;
	_cleanup_strv_ char **lines = pm_strv_split(text ? text : "", "\n");
	bool in = false;
	for (char **l = lines; l && *l; l++) {
		char *s = trim(*l);
		if (*s == '#' || *s == '\0')
			continue;
		if (*s == '[') {
			char *end = strchr(s, ']');
			if (end) {
				*end = '\0';
				in = !strcmp(trim(s + 1), table);
			}
			continue;
		}
		char *eq = strchr(s, '=');
		if (!in || !eq)
			continue;
		*eq = '\0';
		const char *name = trim(s);
		size_t k = 0;
		while (k < n && strcmp(name, keys[k]) != 0)
			k++;
		if (k == n)
			continue;
		char *v = trim(eq + 1), *val;
		if (*v == '"' || *v == '\'') {
			char *close = strchr(v + 1, *v);
			if (!close)
				continue;
			val = pm_xstrndup(v + 1, (size_t)(close - v - 1));
		} else {
			size_t len = strcspn(v, " \t#");
			if (len == 0)
				continue;
			val = pm_xstrndup(v, len);
		}
		free(out[k]);
		out[k] = val;
	}
}

char *pm_conf_parse_value(const char *text, const char *table, const char *key)
{
	char *v;
	pm_conf_parse_values(text, table, &key, 1, &v);
	return v;
}

/* the name of a [table] line (s at '['), trimmed, malloc'd; NULL when unclosed */
static char *table_name(const char *s, const char *eol)
{
	const char *e = memchr(s, ']', (size_t)(eol - s));
	if (!e)
		return NULL;
	_cleanup_free_ char *t = pm_xstrndup(s + 1, (size_t)(e - s - 1));
	return pm_xstrdup(trim(t));
}

/* A TOML array of strings at v ('['), which may span lines and hold comments: the strings,
 * v moved past the ']'; -EINVAL (and no list) for anything else. */
static int parse_string_array(const char **pv, char ***ret)
{
	const char *v = *pv + 1;
	char **list = NULL;
	for (;;) {
		while (isspace((unsigned char)*v) || *v == ',')
			v++;
		if (*v == '#') {
			v = strchrnul(v, '\n');
			continue;
		}
		if (*v == ']')
			break;
		const char *close = (*v == '"' || *v == '\'') ? strchr(v + 1, *v) : NULL;
		if (!close || memchr(v, '\n', (size_t)(close - v))) {
			pm_strv_free(list);
			return -EINVAL;
		}
		pm_strv_consume(&list, pm_xstrndup(v + 1, (size_t)(close - v - 1)));
		v = close + 1;
	}
	*pv = v + 1;
	*ret = list;
	return 0;
}

char **pm_conf_parse_default_ulimits(const char *text, bool *ret_set)
{
	*ret_set = false;
	char **found = NULL;
	bool containers = false;
	for (const char *p = text ? text : ""; *p;) {
		const char *eol = strchrnul(p, '\n'), *s = p;
		p = *eol ? eol + 1 : eol;
		while (s < eol && isspace((unsigned char)*s))
			s++;
		if (s == eol || *s == '#')
			continue;
		if (*s == '[') {
			_cleanup_free_ char *t = table_name(s, eol);
			if (t)
				containers = !strcmp(t, "containers");
			continue;
		}
		const char *eq = memchr(s, '=', (size_t)(eol - s));
		if (!containers || !eq)
			continue;
		_cleanup_free_ char *key = pm_xstrndup(s, (size_t)(eq - s));
		if (strcmp(trim(key), "default_ulimits") != 0)
			continue;
		const char *v = eq + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		char **list = NULL;
		if (*v != '[' || parse_string_array(&v, &list) < 0)
			continue;
		pm_strv_free(found);
		found = list;
		*ret_set = true;
		eol = strchrnul(v, '\n'); /* the rest of the array's last line */
		p = *eol ? eol + 1 : eol;
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

/* What the files say, a later file's key winning. */
struct conf_vals {
	bool skip_mgr; /* the --cgroup-manager flag: the files' value does not matter */
	char *mgr, *mgr_path;
	bool ulimits_set;
	char **ulimits;
	char *ctr[PM_CONF_N];
};

static void conf_vals_clear(struct conf_vals *v)
{
	free(v->mgr);
	free(v->mgr_path);
	pm_strv_free(v->ulimits);
	for (size_t i = 0; i < PM_CONF_N; i++)
		free(v->ctr[i]);
}

/* Fold one file's values into *v; missing files are skipped. */
static int read_one(const char *path, struct conf_vals *cv, pm_error **err)
{
	_cleanup_free_ char *data = NULL;
	if (pm_read_file(path, 1 << 20, &data, NULL, NULL) < 0)
		return 0;
	bool set;
	char **ul = pm_conf_parse_default_ulimits(data, &set);
	if (set) {
		pm_strv_free(cv->ulimits);
		cv->ulimits = ul;
		cv->ulimits_set = true;
	}
	char *vals[PM_CONF_N];
	pm_conf_parse_values(data, "containers", pm_conf_ctr_keys, PM_CONF_N, vals);
	for (size_t i = 0; i < PM_CONF_N; i++)
		if (vals[i]) {
			free(cv->ctr[i]);
			cv->ctr[i] = vals[i];
		}
	char *v = cv->skip_mgr ? NULL : pm_conf_parse_cgroup_manager(data);
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
	free(cv->mgr);
	cv->mgr = v;
	free(cv->mgr_path);
	cv->mgr_path = pm_xstrdup(path);
	return 0;
}

static int read_all(struct conf_vals *v, pm_error **err)
{
	int r;
	const char *env = getenv("CONTAINERS_CONF");
	if (env && *env)
		return read_one(env, v, err);
	if ((r = read_one("/usr/share/containers/containers.conf", v, err)) < 0 ||
	    (r = read_one("/etc/containers/containers.conf", v, err)) < 0)
		return r;
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	_cleanup_free_ char *user =
		xdg && *xdg == '/'     ? pm_xasprintf("%s/containers/containers.conf", xdg)
		: home && *home == '/' ? pm_xasprintf("%s/.config/containers/containers.conf", home)
				       : NULL;
	return user ? read_one(user, v, err) : 0;
}

/* a static string for the caller: no lifetime to manage */
static const char *manager_of(const char *v)
{
	return !v ? default_manager() : !strcmp(v, "systemd") ? "systemd" : "cgroupfs";
}

int pm_conf_run_defaults(const char **ret_mgr, char ***ret_ulimits, bool *ret_ulimits_set,
			 char *ret_ctr[PM_CONF_N], pm_error **err)
{
	struct conf_vals v = {.skip_mgr = flag_value != NULL};
	int r = read_all(&v, err);
	if (r >= 0) {
		*ret_mgr = flag_value ? flag_value : manager_of(v.mgr);
		*ret_ulimits = TAKE_PTR(v.ulimits);
		*ret_ulimits_set = v.ulimits_set;
		for (size_t i = 0; i < PM_CONF_N; i++)
			ret_ctr[i] = TAKE_PTR(v.ctr[i]);
	}
	conf_vals_clear(&v);
	return r;
}

int pm_conf_cgroup_manager(const char **ret, pm_error **err)
{
	if (flag_value) {
		*ret = flag_value;
		return 0;
	}
	struct conf_vals v = {0};
	int r = read_all(&v, err);
	if (r >= 0)
		*ret = manager_of(v.mgr);
	conf_vals_clear(&v);
	return r;
}
