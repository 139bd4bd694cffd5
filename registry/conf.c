/* conf.c: containers-registries.conf(5) v2 (registry/conf.h): which files are read, what
 * their keys mean, and the three questions pull and push ask of them (where to fetch a
 * repository from, is a host insecure, what does a short name stand for). The TOML syntax is
 * lib/toml.c's. c/image's sysregistriesv2 and pkg/shortnames are the model; their messages
 * are kept where podman shows them. Never prints; never touches the network. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/cleanup.h"
#include "lib/fileutil.h"
#include "lib/json.h"
#include "lib/strutil.h"
#include "lib/toml.h"
#include "registry/conf.h"

#define SYSTEM_DIR "/etc/containers"

struct mirror {
	char *location;
	bool insecure;
};

struct reg {
	char *prefix, *location; /* location "" only for a "*.example.com" prefix */
	bool insecure, blocked;
	struct mirror *mirrors;
	size_t n_mirrors;
};

struct alias {
	char *name, *value, *origin;
};

struct pm_registries_conf {
	struct reg *regs;
	size_t n_regs;
	char **search; /* NULL: never set */
	char *search_origin;
	char *mode; /* NULL: never set */
	struct alias *aliases;
	size_t n_aliases;
	char *config_path, *config_dir_path; /* for messages, as podman names them */
};

static void reg_done(struct reg *r)
{
	free(r->prefix);
	free(r->location);
	for (size_t i = 0; i < r->n_mirrors; i++)
		free(r->mirrors[i].location);
	free(r->mirrors);
}

struct pm_registries_conf *pm_registries_conf_new(void)
{
	struct pm_registries_conf *c = calloc(1, sizeof(*c));
	if (!c)
		abort();
	return c;
}

struct pm_registries_conf *pm_registries_conf_free(struct pm_registries_conf *c)
{
	if (!c)
		return NULL;
	for (size_t i = 0; i < c->n_regs; i++)
		reg_done(&c->regs[i]);
	free(c->regs);
	pm_strv_free(c->search);
	free(c->search_origin);
	free(c->mode);
	for (size_t i = 0; i < c->n_aliases; i++) {
		free(c->aliases[i].name);
		free(c->aliases[i].value);
		free(c->aliases[i].origin);
	}
	free(c->aliases);
	free(c->config_path);
	free(c->config_dir_path);
	free(c);
	return NULL;
}

void pm_registry_sources_free(struct pm_registry_source *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].host);
		free(v[i].repo);
	}
	free(v);
}

bool pm_registries_is_short_name(const char *name)
{
	const char *slash = strchr(name, '/');
	if (!slash)
		return true;
	size_t n = (size_t)(slash - name);
	if (memchr(name, '.', n) || memchr(name, ':', n))
		return false;
	return !(n == 9 && memcmp(name, "localhost", 9) == 0);
}

/* Where the tag or digest of a name begins (its end when it has neither). */
static size_t name_repo_len(const char *name)
{
	const char *at = strchr(name, '@');
	size_t n = at ? (size_t)(at - name) : strlen(name);
	const char *slash = memrchr(name, '/', n);
	const char *colon = memrchr(name, ':', n);
	if (colon && (!slash || colon > slash))
		n = (size_t)(colon - name);
	return n;
}

/* c/image's parseLocation: trailing slashes dropped, URI schemes refused. */
static int parse_location(const char *path, const char *what, const char *in, char **ret,
			  pm_error **err)
{
	if (pm_str_startswith(in, "http://") || pm_str_startswith(in, "https://"))
		return pm_error_set(err, EINVAL,
				    "invalid location '%s': URI schemes are not supported", in);
	size_t n = strlen(in);
	while (n > 0 && in[n - 1] == '/')
		n--;
	*ret = pm_xstrndup(in, n);
	return 0;
}

static int get_string(const char *path, const char *what, json_t *o, const char *key,
		      const char **ret, pm_error **err)
{
	json_t *v = json_object_get(o, key);
	*ret = NULL;
	if (!v)
		return 0;
	if (!json_is_string(v))
		return pm_error_set(err, EINVAL, "%s: '%s' must be a string", what, key);
	*ret = json_string_value(v);
	return 0;
}

static int get_bool(const char *path, const char *what, json_t *o, const char *key, bool *ret,
		    pm_error **err)
{
	json_t *v = json_object_get(o, key);
	*ret = false;
	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return pm_error_set(err, EINVAL, "%s: '%s' must be true or false", what, key);
	*ret = json_is_true(v);
	return 0;
}

static int parse_mirrors(const char *path, const char *what, json_t *arr, struct reg *r,
			 pm_error **err)
{
	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return pm_error_set(err, EINVAL, "%s: 'mirror' must be [[registry.mirror]] tables",
				    what);
	size_t i;
	json_t *m;
	r->mirrors = calloc(json_array_size(arr) + 1, sizeof(*r->mirrors));
	if (!r->mirrors)
		abort();
	json_array_foreach(arr, i, m) {
		_cleanup_free_ char *mwhat = pm_xasprintf("%s mirror #%zu", what, i + 1);
		const char *loc = NULL;
		if (!json_is_object(m))
			return pm_error_set(err, EINVAL, "%s is not a table", mwhat);
		int rr = get_string(path, mwhat, m, "location", &loc, err);
		if (rr < 0)
			return rr;
		if (!loc || !*loc)
			return pm_error_set(err, EINVAL,
					    "invalid condition: mirror location is unset");
		struct mirror *mm = &r->mirrors[r->n_mirrors];
		rr = parse_location(path, mwhat, loc, &mm->location, err);
		if (rr < 0)
			return rr;
		r->n_mirrors++;
		rr = get_bool(path, mwhat, m, "insecure", &mm->insecure, err);
		if (rr < 0)
			return rr;
	}
	return 0;
}

/* One [[registry]] table, checked as c/image's postProcessRegistries checks it. */
static int parse_registry(const char *path, size_t idx, json_t *o, struct reg *r, pm_error **err)
{
	_cleanup_free_ char *what = pm_xasprintf("[[registry]] #%zu", idx + 1);
	const char *prefix = NULL, *loc = NULL;
	if (!json_is_object(o))
		return pm_error_set(err, EINVAL, "%s is not a table", what);
	int rr = get_string(path, what, o, "prefix", &prefix, err);
	if (rr >= 0)
		rr = get_string(path, what, o, "location", &loc, err);
	if (rr >= 0)
		rr = get_bool(path, what, o, "insecure", &r->insecure, err);
	if (rr >= 0)
		rr = get_bool(path, what, o, "blocked", &r->blocked, err);
	if (rr < 0)
		return rr;
	rr = parse_location(path, what, loc ? loc : "", &r->location, err);
	if (rr < 0)
		return rr;
	if (!prefix || !*prefix) {
		if (!*r->location)
			return pm_error_set(
				err, EINVAL,
				"invalid condition: both location and prefix are unset");
		r->prefix = pm_xstrdup(r->location);
	} else {
		rr = parse_location(path, what, prefix, &r->prefix, err);
		if (rr < 0)
			return rr;
		bool wild = pm_str_startswith(r->prefix, "*.");
		if (wild && strpbrk(r->prefix, "/@:"))
			return pm_error_set(err, EINVAL,
					    "Wildcarded prefix should be in the format: "
					    "*.example.com. Current prefix \"%s\" is incorrectly "
					    "formatted",
					    r->prefix);
		if (!wild && !*r->location)
			return pm_error_set(err, EINVAL,
					    "invalid condition: location is unset and prefix is "
					    "not in the format: *.example.com");
	}
	return parse_mirrors(path, what, json_object_get(o, "mirror"), r, err);
}

static int cmp_reg(const void *a, const void *b)
{
	return strcmp(((const struct reg *)a)->prefix, ((const struct reg *)b)->prefix);
}

static int parse_registries(struct pm_registries_conf *c, json_t *arr, const char *path,
			    pm_error **err)
{
	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return pm_error_set(err, EINVAL,
				    "'registry' must be [[registry]] tables (an array of tables)");
	size_t n = json_array_size(arr);
	struct reg *regs = calloc(n + 1, sizeof(*regs));
	if (!regs)
		abort();
	int r = 0;
	size_t i, j;
	json_t *o;
	json_array_foreach(arr, i, o) {
		r = parse_registry(path, i, o, &regs[i], err);
		if (r < 0)
			goto out;
		for (j = 0; j < i; j++) {
			if (!*regs[i].location || strcmp(regs[j].location, regs[i].location))
				continue;
			const char *what = regs[j].insecure != regs[i].insecure ? "insecure"
					   : regs[j].blocked != regs[i].blocked ? "blocked"
										: NULL;
			if (what) {
				r = pm_error_set(err, EINVAL,
						 "registry '%s' is defined multiple times with "
						 "conflicting '%s' setting",
						 regs[i].location, what);
				goto out;
			}
		}
	}
	/* merge: a prefix replaces an earlier one's whole (of an earlier file, or of this
	 * one: podman takes the last too) */
	for (i = 0; i < n; i++) {
		for (j = 0; j < c->n_regs; j++)
			if (strcmp(c->regs[j].prefix, regs[i].prefix) == 0)
				break;
		if (j == c->n_regs) {
			c->regs = realloc(c->regs, (c->n_regs + 1) * sizeof(*c->regs));
			if (!c->regs)
				abort();
			c->n_regs++;
		} else {
			reg_done(&c->regs[j]);
		}
		c->regs[j] = regs[i];
		memset(&regs[i], 0, sizeof(regs[i]));
	}
	if (c->n_regs > 1)
		qsort(c->regs, c->n_regs, sizeof(*c->regs), cmp_reg);
out:
	for (i = 0; i < n; i++)
		reg_done(&regs[i]);
	free(regs);
	return r;
}

static int parse_aliases(struct pm_registries_conf *c, json_t *obj, const char *path,
			 pm_error **err)
{
	if (!obj)
		return 0;
	if (!json_is_object(obj))
		return pm_error_set(err, EINVAL, "'aliases' must be a table");
	const char *k;
	json_t *v;
	json_object_foreach(obj, k, v) {
		if (!json_is_string(v))
			return pm_error_set(err, EINVAL,
					    "[aliases] \"%s\": the value must be a string", k);
		const char *val = json_string_value(v);
		/* c/image's validateShortName and parseShortNameValue, their words */
		if (!*k || !pm_registries_is_short_name(k))
			return pm_error_set(err, EINVAL,
					    "validating short-name aliases: invalid short name "
					    "\"%s\": must not contain registry",
					    k);
		if (name_repo_len(k) != strlen(k))
			return pm_error_set(err, EINVAL,
					    "validating short-name aliases: invalid short name "
					    "\"%s\": must not contain %s",
					    k, strchr(k, '@') ? "digest" : "tag");
		_cleanup_free_ char *value = NULL;
		if (*val) {
			const char *slash = strchr(val, '/');
			if (pm_registries_is_short_name(val) || !slash[1])
				return pm_error_set(err, EINVAL,
						    "validating short-name aliases: invalid alias "
						    "\"%s\": must contain registry and repository",
						    val);
			if (name_repo_len(val) != strlen(val))
				return pm_error_set(err, EINVAL,
						    "validating short-name aliases: invalid alias "
						    "\"%s\": must not contain %s",
						    val, strchr(val, '@') ? "digest" : "tag");
			/* docker.io/NAME is docker.io/library/NAME */
			if (strncmp(val, "docker.io/", 10) == 0 && !strchr(slash + 1, '/'))
				value = pm_xasprintf("docker.io/library/%s", slash + 1);
			else
				value = pm_xstrdup(val);
		}
		size_t i;
		for (i = 0; i < c->n_aliases; i++)
			if (strcmp(c->aliases[i].name, k) == 0)
				break;
		if (i == c->n_aliases) {
			if (!value)
				continue;
			c->aliases = realloc(c->aliases, (c->n_aliases + 1) * sizeof(*c->aliases));
			if (!c->aliases)
				abort();
			c->aliases[c->n_aliases++] = (struct alias){.name = pm_xstrdup(k)};
		} else {
			free(c->aliases[i].value);
			free(c->aliases[i].origin);
			c->aliases[i].value = c->aliases[i].origin = NULL;
		}
		if (!value) { /* "" erases */
			free(c->aliases[i].name);
			c->aliases[i] = c->aliases[--c->n_aliases];
			continue;
		}
		c->aliases[i].value = TAKE_PTR(value);
		c->aliases[i].origin = pm_xstrdup(path);
	}
	return 0;
}

/* The version 1 tables ([registries.search], [registries.insecure], [registries.block]), as
 * c/image converts them: search registries, and a [[registry]] per location. */
static int convert_v1(json_t *root, pm_error **err)
{
	json_t *v1 = json_object_get(root, "registries");
	if (!v1)
		return 0;
	static const char *const kinds[] = {"search", "insecure", "block"};
	json_t *lists[3] = {NULL};
	size_t n = 0;
	for (size_t i = 0; i < 3; i++) {
		json_t *t = json_object_get(v1, kinds[i]);
		lists[i] = t ? json_object_get(t, "registries") : NULL;
		if (lists[i] && !json_is_array(lists[i]))
			return pm_error_set(
				err, EINVAL,
				"[registries.%s] registries must be an array of strings", kinds[i]);
		n += lists[i] ? json_array_size(lists[i]) : 0;
	}
	if (!n)
		return 0;
	if (json_array_size(json_object_get(root, "registry")) ||
	    json_array_size(json_object_get(root, "unqualified-search-registries")))
		return pm_error_set(err, EINVAL, "mixing sysregistry v1/v2 is not supported");
	if (lists[0])
		json_object_set(root, "unqualified-search-registries", lists[0]);
	json_t *regs = json_array();
	json_object_set_new(root, "registry", regs);
	for (size_t i = 1; i < 3; i++) {
		size_t j;
		json_t *e;
		json_array_foreach(lists[i], j, e) {
			if (!json_is_string(e))
				return pm_error_set(
					err, EINVAL,
					"[registries.%s] registries must be an array of "
					"strings",
					kinds[i]);
			json_t *reg = NULL;
			size_t k;
			json_t *o;
			json_array_foreach(regs, k, o)
				if (json_equal(json_object_get(o, "location"), e))
					reg = o;
			if (!reg) {
				reg = json_object();
				json_object_set(reg, "location", e);
				json_array_append_new(regs, reg);
			}
			json_object_set_new(reg, i == 1 ? "insecure" : "blocked", json_true());
		}
	}
	return 0;
}

static int parse_tree(struct pm_registries_conf *c, json_t *root, const char *path, pm_error **err)
{
	int r = convert_v1(root, err);
	if (r < 0)
		return r;
	json_t *s = json_object_get(root, "unqualified-search-registries");
	_cleanup_strv_ char **search = NULL;
	if (s) {
		if (!json_is_array(s))
			return pm_error_set(err, EINVAL,
					    "'unqualified-search-registries' must be an array of "
					    "strings");
		search = calloc(json_array_size(s) + 1, sizeof(*search));
		if (!search)
			abort();
		size_t i;
		json_t *e;
		json_array_foreach(s, i, e) {
			const char *v = json_is_string(e) ? json_string_value(e) : NULL;
			if (!v || !*v || strchr(v, '/') || strpbrk(v, " \t\"'"))
				return pm_error_set(err, EINVAL,
						    "Invalid unqualified-search-registries entry "
						    "\"%s\"",
						    v ? v : "(not a string)");
			search[i] = pm_xstrdup(v);
		}
	}
	const char *mode = NULL;
	r = get_string(path, "short-name-mode", root, "short-name-mode", &mode, err);
	if (r < 0)
		return r;
	if (mode && *mode && strcmp(mode, "enforcing") && strcmp(mode, "permissive") &&
	    strcmp(mode, "disabled"))
		return pm_error_set(err, EINVAL, "invalid short-name mode: \"%s\"", mode);
	r = parse_registries(c, json_object_get(root, "registry"), path, err);
	if (r < 0)
		return r;
	r = parse_aliases(c, json_object_get(root, "aliases"), path, err);
	if (r < 0)
		return r;
	if (s) {
		pm_strv_free(c->search);
		c->search = TAKE_PTR(search);
		free(c->search_origin);
		c->search_origin = pm_xstrdup(path);
	}
	if (mode && *mode) {
		free(c->mode);
		c->mode = pm_xstrdup(mode);
	}
	return 0;
}

/* What the keys say is wrong, in podman's words: 'loading registries configuration "FILE":
 * ...' (a syntax error is lib/toml's "FILE:LINE: ...") */
static int parse_checked(struct pm_registries_conf *c, json_t *root, const char *path,
			 pm_error **err)
{
	int r = parse_tree(c, root, path, err);
	if (r < 0 && err && *err)
		pm_error_prefix(err, "loading registries configuration \"%s\"", path);
	return r;
}

int pm_registries_conf_parse(struct pm_registries_conf *c, const char *text, const char *path,
			     pm_error **err)
{
	_cleanup_json_ json_t *root = NULL;
	int r = pm_toml_parse(text, strlen(text), path, &root, err);
	if (r < 0)
		return r;
	return parse_checked(c, root, path, err);
}

static int load_file(struct pm_registries_conf *c, const char *path, bool must_exist,
		     pm_error **err)
{
	_cleanup_json_ json_t *root = NULL;
	pm_error *e = NULL;
	int r = pm_toml_load_file(path, &root, &e);
	if (r == -ENOENT && !must_exist) {
		pm_error_free(e);
		return 0;
	}
	if (r < 0) {
		pm_error_propagate(err, e);
		if (r == -ENOENT || r == -EACCES || r == -EFBIG || r == -EISDIR)
			return pm_error_prefix(err, "loading registries configuration \"%s\"",
					       path);
		return r;
	}
	return parse_checked(c, root, path, err);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.conf files of dir, in name order (none when it does not exist). */
static int load_dropins(struct pm_registries_conf *c, const char *dir, pm_error **err)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	if (!d) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return pm_error_set_errno(err, errno, "reading registries.conf.d '%s'", dir);
	}
	_cleanup_strv_ char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !pm_str_endswith(e->d_name, ".conf"))
			continue;
		_cleanup_free_ char *p = pm_path_join(dir, e->d_name);
		struct stat st;
		if (stat(p, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		names = realloc(names, (n + 2) * sizeof(*names));
		if (!names)
			abort();
		names[n++] = TAKE_PTR(p);
		names[n] = NULL;
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		int r = load_file(c, names[i], false, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int pm_registries_conf_load_from(struct pm_registries_conf **ret, const char *file,
				 const char *sysdir, const char *confhome, pm_error **err)
{
	_cleanup_registries_conf_ struct pm_registries_conf *c = pm_registries_conf_new();
	_cleanup_free_ char *sys_file = pm_xasprintf("%s/registries.conf", sysdir);
	_cleanup_free_ char *sys_dir = pm_xasprintf("%s/registries.conf.d", sysdir);
	_cleanup_free_ char *user_file =
		confhome ? pm_xasprintf("%s/containers/registries.conf", confhome) : NULL;
	_cleanup_free_ char *user_dir =
		confhome ? pm_xasprintf("%s/containers/registries.conf.d", confhome) : NULL;
	bool user_only = false;
	if (file && *file)
		c->config_path = pm_xstrdup(file);
	else if (user_file && pm_path_exists(user_file)) {
		c->config_path = pm_xstrdup(user_file);
		user_only = true; /* podman then reads the user's drop-ins only */
	} else
		c->config_path = pm_xstrdup(sys_file);
	c->config_dir_path = pm_xstrdup(user_dir ? user_dir : sys_dir);
	int r = load_file(c, c->config_path, file && *file, err);
	if (r >= 0 && !user_only)
		r = load_dropins(c, sys_dir, err);
	if (r >= 0 && user_dir)
		r = load_dropins(c, user_dir, err);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(c);
	return 0;
}

int pm_registries_conf_load(struct pm_registries_conf **ret, pm_error **err)
{
	/* podman 4.3 (c/image 5.23) takes the user's files from $HOME/.config, whatever
	 * $XDG_CONFIG_HOME says */
	const char *home = getenv("HOME");
	_cleanup_free_ char *confhome = home && *home ? pm_xasprintf("%s/.config", home) : NULL;
	return pm_registries_conf_load_from(ret, getenv("CONTAINERS_REGISTRIES_CONF"), SYSTEM_DIR,
					    confhome, err);
}

/* c/image's refMatchingPrefix: the length of ref the prefix covers, or -1. */
static long ref_matching_prefix(const char *ref, const char *prefix)
{
	size_t lr = strlen(ref), lp = strlen(prefix);
	if (pm_str_startswith(prefix, "*.")) {
		const char *m = strstr(ref, prefix + 1);
		if (!m || memchr(ref, '/', (size_t)(m - ref)))
			return -1;
		size_t i = (size_t)(m - ref) + lp - 1;
		if (i == lr || ref[i] == ':' || ref[i] == '/' || ref[i] == '@')
			return (long)i;
		return -1;
	}
	if (lr < lp || strncmp(ref, prefix, lp) != 0)
		return -1;
	if (lr == lp || ref[lp] == ':' || ref[lp] == '/' || ref[lp] == '@')
		return (long)lp;
	return -1;
}

/* The [[registry]] whose prefix is the longest to match ref (c/image's FindRegistry). */
static const struct reg *find_registry(const struct pm_registries_conf *c, const char *ref)
{
	const struct reg *best = NULL;
	size_t best_len = 0;
	for (size_t i = 0; c && i < c->n_regs; i++)
		if (ref_matching_prefix(ref, c->regs[i].prefix) >= 0 &&
		    strlen(c->regs[i].prefix) > best_len) {
			best = &c->regs[i];
			best_len = strlen(best->prefix);
		}
	return best;
}

/* location + what follows the prefix in ref, split into host and repository. */
static int add_source(struct pm_registry_source *v, size_t *n, const char *ref, long matched,
		      const char *location, bool insecure, bool mirror, pm_error **err)
{
	_cleanup_free_ char *name =
		*location ? pm_xasprintf("%s%s", location, ref + matched) : pm_xstrdup(ref);
	char *slash = strchr(name, '/');
	if (!slash || slash == name || !slash[1])
		return pm_error_set(err, EINVAL,
				    "registries.conf rewrites '%s' to '%s', which names no "
				    "repository",
				    ref, name);
	*slash = 0;
	struct pm_registry_source *s = &v[(*n)++];
	s->host = pm_xstrdup(name);
	s->repo = strcmp(name, "docker.io") == 0 && !strchr(slash + 1, '/')
			  ? pm_xasprintf("library/%s", slash + 1)
			  : pm_xstrdup(slash + 1);
	s->insecure = insecure;
	s->is_mirror = mirror;
	return 0;
}

int pm_registries_sources(const struct pm_registries_conf *c, const char *host, const char *repo,
			  struct pm_registry_source **ret, size_t *ret_n, pm_error **err)
{
	_cleanup_free_ char *ref = pm_xasprintf("%s/%s", host, repo);
	const struct reg *r = find_registry(c, ref);
	size_t n = 0;
	struct pm_registry_source *v = calloc((r ? r->n_mirrors : 0) + 1, sizeof(*v));
	if (!v)
		abort();
	int rr = 0;
	if (!r) {
		rr = add_source(v, &n, ref, 0, "", false, false, err);
	} else if (r->blocked) {
		rr = pm_error_set(err, EPERM, "registry %s is blocked in %s or %s", r->prefix,
				  c->config_path ? c->config_path : "registries.conf",
				  c->config_dir_path ? c->config_dir_path : "registries.conf.d");
	} else {
		long m = ref_matching_prefix(ref, r->prefix);
		for (size_t i = 0; i < r->n_mirrors && rr >= 0; i++)
			rr = add_source(v, &n, ref, m, r->mirrors[i].location,
					r->mirrors[i].insecure, true, err);
		if (rr >= 0)
			rr = add_source(v, &n, ref, m, r->location, r->insecure, false, err);
	}
	if (rr < 0) {
		pm_registry_sources_free(v, n);
		return rr;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

/* The host part of a location ("host[:port]/path"): does it equal host? */
static bool location_host_is(const char *location, const char *host)
{
	size_t n = strcspn(location, "/");
	return strlen(host) == n && strncmp(location, host, n) == 0;
}

bool pm_registries_insecure(const struct pm_registries_conf *c, const char *host)
{
	if (!c)
		return false;
	const struct reg *r = find_registry(c, host);
	if (r && r->insecure)
		return true;
	for (size_t i = 0; i < c->n_regs; i++) {
		if (c->regs[i].insecure && location_host_is(c->regs[i].location, host))
			return true;
		for (size_t j = 0; j < c->regs[i].n_mirrors; j++)
			if (c->regs[i].mirrors[j].insecure &&
			    location_host_is(c->regs[i].mirrors[j].location, host))
				return true;
	}
	return false;
}

static const struct alias *find_alias(const struct pm_registries_conf *c, const char *name)
{
	size_t n = name_repo_len(name);
	for (size_t i = 0; c && i < c->n_aliases; i++)
		if (strlen(c->aliases[i].name) == n && strncmp(c->aliases[i].name, name, n) == 0)
			return &c->aliases[i];
	return NULL;
}

const char *pm_registries_alias_origin(const struct pm_registries_conf *c, const char *name)
{
	const struct alias *a = find_alias(c, name);
	return a ? a->origin : NULL;
}

int pm_registries_short_name(const struct pm_registries_conf *c, const char *name,
			     char ***ret_candidates, bool *ret_alias, pm_error **err)
{
	const struct alias *a = find_alias(c, name);
	_cleanup_strv_ char **v = NULL;
	if (ret_alias)
		*ret_alias = a != NULL;
	if (a) {
		v = calloc(2, sizeof(*v));
		if (!v)
			abort();
		v[0] = pm_xasprintf("%s%s", a->value, name + name_repo_len(name));
		*ret_candidates = TAKE_PTR(v);
		return 0;
	}
	size_t n = c && c->search ? pm_strv_length(c->search) : 0;
	if (n == 0)
		return pm_error_set(err, ENOENT,
				    "short-name \"%s\" did not resolve to an alias and no "
				    "unqualified-search registries are defined in \"%s\"",
				    name,
				    c && c->search_origin ? c->search_origin
				    : c && c->config_path ? c->config_path
							  : SYSTEM_DIR "/registries.conf");
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		abort();
	for (size_t i = 0; i < n; i++) {
		bool lib = strcmp(c->search[i], "docker.io") == 0 &&
			   !memchr(name, '/', name_repo_len(name));
		v[i] = pm_xasprintf("%s/%s%s", c->search[i], lib ? "library/" : "", name);
	}
	*ret_candidates = TAKE_PTR(v);
	return 0;
}

const char *pm_registries_short_name_mode(const struct pm_registries_conf *c)
{
	return c && c->mode ? c->mode : "permissive";
}

int pm_registries_short_name_check(const struct pm_registries_conf *c, size_t n, bool terminal,
				   pm_error **err)
{
	if (n <= 1 || terminal || strcmp(pm_registries_short_name_mode(c), "enforcing") != 0)
		return 0;
	return pm_error_set(err, EINVAL,
			    "short-name resolution enforced but cannot prompt without a TTY");
}
