/* secret.c: secrets on disk with the file driver: <root>/db/secrets/<id>/{secret.json,data,
 * lock} and the names in <root>/db/secret-names (see secret.h), plus the pure parser of
 * run's --secret. Owns the record and the value file; must not print, must not know about
 * containers; uses lib/ only. Called by cli/cmd-secret.c, engine/ctr-secrets.c and kube. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fileutil.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "lib/timeutil.h"
#include "storage/secret.h"

#define SECRET_JSON_MAX (1024 * 1024)
#define NAME_MAX_LEN	64

static char *records_dir(const char *root)
{
	return pm_path_join(root, "db/secrets");
}

static char *names_dir(const char *root)
{
	return pm_path_join(root, "db/secret-names");
}

/* ---- names, checks ------------------------------------------------------------------- */

static bool name_char(unsigned char c, bool edge)
{
	if (!isascii(c))
		return false;
	return isalnum(c) || (!edge && (c == '_' || c == '.' || c == '-'));
}

bool pm_secret_name_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n < 1 || n > NAME_MAX_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!name_char((unsigned char)name[i], i == 0 || i == n - 1))
			return false;
	return true;
}

static bool id_valid(const char *id)
{
	if (!id || strlen(id) != PM_SECRET_ID_LEN)
		return false;
	for (const char *p = id; *p; p++)
		if (!isxdigit((unsigned char)*p) || isupper((unsigned char)*p))
			return false;
	return true;
}

int pm_secret_check(const struct pm_secret_create_opts *opts, size_t len, pm_error **err)
{
	if (!pm_secret_name_valid(opts->name))
		return pm_error_set(err, EINVAL,
				    "only 64 [a-zA-Z0-9-_.] characters allowed, and the start and "
				    "end character must be [a-zA-Z0-9]: %s: invalid secret name",
				    opts->name ? opts->name : "");
	if (opts->driver && opts->driver[0] && strcmp(opts->driver, "file") != 0)
		return pm_error_set(err, EINVAL, "invalid driver");
	if (len == 0 || len >= PM_SECRET_MAX_SIZE)
		return pm_error_set(err, EINVAL,
				    "secret data must be larger than 0 and less than %d bytes",
				    PM_SECRET_MAX_SIZE);
	return 0;
}

/* ---- key=value lists ------------------------------------------------------------------ */

static int kv_cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t lx = strcspn(x, "="), ly = strcspn(y, "=");
	int r = strncmp(x, y, lx < ly ? lx : ly);
	return r ? r : (lx > ly) - (lx < ly);
}

/* "k" -> "k=", later keys replace earlier ones, sorted by key. */
static char **kv_normalise(char *const *in)
{
	char **out = NULL;
	for (size_t i = 0; in && in[i]; i++) {
		_cleanup_free_ char *kv =
			strchr(in[i], '=') ? pm_xstrdup(in[i]) : pm_xasprintf("%s=", in[i]);
		pm_strv_set_kv(&out, kv);
	}
	size_t n = pm_strv_length(out);
	if (n > 1)
		qsort(out, n, sizeof(char *), kv_cmp);
	return out;
}

static json_t *kv_object(char *const *kv)
{
	json_t *o = json_object();
	for (size_t i = 0; kv && kv[i]; i++) {
		const char *eq = strchr(kv[i], '=');
		_cleanup_free_ char *k =
			pm_xstrndup(kv[i], eq ? (size_t)(eq - kv[i]) : strlen(kv[i]));
		json_object_set_new(o, k, json_string(eq ? eq + 1 : ""));
	}
	return o;
}

static char **kv_from_object(const json_t *o)
{
	char **out = NULL;
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)o, k, v) {
		pm_strv_consume(&out, pm_xasprintf("%s=%s", k,
						   json_is_string(v) ? json_string_value(v) : ""));
	}
	size_t n = pm_strv_length(out);
	if (n > 1)
		qsort(out, n, sizeof(char *), kv_cmp);
	return out;
}

/* ---- JSON ------------------------------------------------------------------------------- */

static json_t *secret_object(const struct pm_secret *s, bool go_times)
{
	char c[PM_TIME_BUF_LEN], u[PM_TIME_BUF_LEN];
	if (go_times) {
		pm_time_format_go_string(s->created_ns, c);
		pm_time_format_go_string(s->updated_ns, u);
	} else {
		pm_time_format_rfc3339nano_local(s->created_ns, c);
		pm_time_format_rfc3339nano_local(s->updated_ns, u);
	}
	return json_pack("{s:s, s:s, s:s, s:{s:s, s:{s:s, s:o}, s:o}}", "ID", s->id, "CreatedAt", c,
			 "UpdatedAt", u, "Spec", "Name", s->name, "Driver", "Name", s->driver,
			 "Options", kv_object(s->driver_opts), "Labels", kv_object(s->labels));
}

char *pm_secret_json(const struct pm_secret *s, bool go_times)
{
	_cleanup_json_ json_t *j = secret_object(s, go_times);
	return json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
}

char *pm_secret_list_json(struct pm_secret *const *v, bool go_times)
{
	_cleanup_json_ json_t *arr = json_array();
	for (size_t i = 0; v && v[i]; i++)
		json_array_append_new(arr, secret_object(v[i], go_times));
	return json_dumps(arr, JSON_COMPACT | JSON_PRESERVE_ORDER);
}

char *pm_secret_ls_json(struct pm_secret *const *v, int64_t now_ns)
{
	_cleanup_json_ json_t *arr = json_array();
	for (size_t i = 0; v && v[i]; i++) {
		_cleanup_free_ char *c =
			pm_format_ago((now_ns - v[i]->created_ns) / PM_NSEC_PER_SEC);
		_cleanup_free_ char *u =
			pm_format_ago((now_ns - v[i]->updated_ns) / PM_NSEC_PER_SEC);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s}", "ID", v[i]->id,
						     "Name", v[i]->name, "Driver", v[i]->driver,
						     "CreatedAt", c, "UpdatedAt", u));
	}
	return json_dumps(arr, JSON_COMPACT | JSON_PRESERVE_ORDER);
}

static int secret_from_json(const json_t *j, const char *path, struct pm_secret **ret,
			    pm_error **err)
{
	const json_t *spec = json_object_get(j, "Spec");
	const json_t *drv = json_object_get(spec, "Driver");
	const char *id = pm_json_string(j, "ID"), *name = pm_json_string(spec, "Name");
	const char *c = pm_json_string(j, "CreatedAt"), *u = pm_json_string(j, "UpdatedAt");
	int64_t cns, uns;
	if (!id_valid(id) || !name || !c || !u ||
	    pm_time_parse_rfc3339(c, strlen(c), &cns, NULL) < 0 ||
	    pm_time_parse_rfc3339(u, strlen(u), &uns, NULL) < 0)
		return pm_error_set(err, EINVAL, "secret record '%s' is damaged", path);
	_cleanup_secret_ struct pm_secret *s = pm_xcalloc(1, sizeof(*s));
	s->id = pm_xstrdup(id);
	s->name = pm_xstrdup(name);
	const char *dn = pm_json_string(drv, "Name");
	s->driver = pm_xstrdup(dn ? dn : "file");
	s->driver_opts = kv_from_object(json_object_get(drv, "Options"));
	s->labels = kv_from_object(json_object_get(spec, "Labels"));
	s->created_ns = cns;
	s->updated_ns = uns;
	*ret = TAKE_PTR(s);
	return 0;
}

struct pm_secret *pm_secret_free(struct pm_secret *s)
{
	if (!s)
		return NULL;
	free(s->id);
	free(s->name);
	free(s->driver);
	pm_strv_free(s->driver_opts);
	pm_strv_free(s->labels);
	free(s);
	return NULL;
}

struct pm_secret **pm_secret_list_free(struct pm_secret **v)
{
	for (size_t i = 0; v && v[i]; i++)
		pm_secret_free(v[i]);
	free(v);
	return NULL;
}

/* ---- records ---------------------------------------------------------------------------- */

static char *random_id(void)
{
	char *full = pm_random_id();
	full[PM_SECRET_ID_LEN] = 0;
	return full;
}

/* Load the record of id; only a secret whose name points at it exists. */
static int load_id(const char *root, const char *id, struct pm_secret **ret, pm_error **err)
{
	_cleanup_free_ char *rdir = records_dir(root);
	_cleanup_free_ char *dir = pm_path_join(rdir, id);
	_cleanup_free_ char *path = pm_path_join(dir, "secret.json");
	_cleanup_json_ json_t *j = NULL;
	int r = pm_json_load_file(path, SECRET_JSON_MAX, &j, err);
	if (r < 0)
		return r;
	_cleanup_secret_ struct pm_secret *s = NULL;
	r = secret_from_json(j, path, &s, err);
	if (r < 0 || !s)
		return r < 0 ? r : -EINVAL;
	_cleanup_free_ char *ndir = names_dir(root);
	_cleanup_free_ char *link = pm_path_join(ndir, s->name);
	_cleanup_free_ char *target = pm_read_link(link);
	if (!target || strcmp(target, id) != 0)
		return pm_error_set(err, ENOENT, "secret %s is not (or no longer) named", id);
	*ret = TAKE_PTR(s);
	return 0;
}

static int not_found(const char *ref, pm_error **err)
{
	return pm_error_set(err, ENOENT, "no secret with name or id \"%s\": no such secret", ref);
}

/* The id of ref: a name, a full id, or a unique id prefix. */
static int resolve(const char *root, const char *ref, char **ret_id, pm_error **err)
{
	if (!ref || !ref[0] || strchr(ref, '/') || !strcmp(ref, ".") || !strcmp(ref, ".."))
		return not_found(ref ? ref : "", err);
	_cleanup_free_ char *ndir = names_dir(root);
	_cleanup_free_ char *link = pm_path_join(ndir, ref);
	char *target = pm_read_link(link);
	if (target) {
		*ret_id = target;
		return 0;
	}
	_cleanup_free_ char *rdir = records_dir(root);
	_cleanup_closedir_ DIR *d = opendir(rdir);
	_cleanup_free_ char *found = NULL;
	size_t n = strlen(ref);
	for (struct dirent *de; d && (de = readdir(d));) {
		if (!id_valid(de->d_name) || strncmp(de->d_name, ref, n) != 0)
			continue;
		if (found)
			return pm_error_set(err, EINVAL,
					    "more than one result secret with prefix %s", ref);
		found = pm_xstrdup(de->d_name);
	}
	if (!found)
		return not_found(ref, err);
	*ret_id = TAKE_PTR(found);
	return 0;
}

int pm_secret_lookup(const char *root, const char *ref, struct pm_secret **ret, pm_error **err)
{
	_cleanup_free_ char *id = NULL;
	int r = resolve(root, ref, &id, err);
	if (r < 0)
		return r;
	_cleanup_error_ pm_error *e = NULL;
	r = load_id(root, id, ret, &e);
	if (r == -ENOENT)
		return not_found(ref, err);
	if (r < 0)
		return pm_error_set(err, -r, "%s", e->msg);
	return 0;
}

int pm_secret_read_data(const char *root, const char *ref, char **ret_data, size_t *ret_len,
			pm_error **err)
{
	_cleanup_secret_ struct pm_secret *s = NULL;
	int r = pm_secret_lookup(root, ref, &s, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *rdir = records_dir(root);
	_cleanup_free_ char *path = pm_xasprintf("%s/%s/data", rdir, s->id);
	r = pm_read_file(path, PM_SECRET_MAX_SIZE, ret_data, ret_len, err);
	if (r < 0)
		return pm_error_prefix(err, "reading secret %s", s->name);
	return 0;
}

int pm_secret_create(const char *root, const struct pm_secret_create_opts *opts, const void *data,
		     size_t len, char **ret_id, pm_error **err)
{
	int r = pm_secret_check(opts, len, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *rdir = records_dir(root);
	_cleanup_free_ char *ndir = names_dir(root);
	if (pm_mkdir_p(rdir, 0700, err) < 0)
		return -EIO;
	_cleanup_secret_ struct pm_secret *s = pm_xcalloc(1, sizeof(*s));
	s->id = random_id();
	s->name = pm_xstrdup(opts->name);
	s->driver = pm_xstrdup("file");
	_cleanup_strv_ char **dopts = pm_strv_copy(opts->driver_opts);
	_cleanup_free_ char *pathopt = pm_xasprintf("path=%s", rdir);
	pm_strv_set_kv(&dopts, pathopt);
	s->driver_opts = kv_normalise(dopts);
	s->labels = kv_normalise(opts->labels);
	s->created_ns = s->updated_ns = pm_time_now_ns();

	_cleanup_free_ char *tmp = pm_xasprintf("%s/.tmp-%s", rdir, s->id);
	_cleanup_free_ char *dir = pm_path_join(rdir, s->id);
	if (mkdir(tmp, 0700) < 0)
		return pm_error_set_errno(err, errno, "creating '%s'", tmp);
	_cleanup_free_ char *dpath = pm_path_join(tmp, "data");
	_cleanup_free_ char *jpath = pm_path_join(tmp, "secret.json");
	_cleanup_json_ json_t *j = secret_object(s, false);
	r = pm_write_file_atomic(dpath, data, len, 0600, err);
	if (r >= 0)
		r = pm_json_write_file_atomic(jpath, j, 0600, err);
	if (r >= 0 && rename(tmp, dir) < 0)
		r = pm_error_set_errno(err, errno, "creating secret '%s'", s->name);
	if (r < 0) {
		pm_rm_rf(tmp, NULL);
		return r;
	}
	_cleanup_error_ pm_error *e = NULL;
	r = pm_name_reserve(ndir, rdir, s->name, s->id, "secret", NULL, &e);
	if (r < 0) {
		pm_rm_rf(dir, NULL);
		if (r == -EEXIST)
			return pm_error_set(err, EEXIST, "%s: secret name in use", s->name);
		return pm_error_set(err, -r, "%s", e->msg);
	}
	if (ret_id)
		*ret_id = TAKE_PTR(s->id);
	return 0;
}

int pm_secret_remove(const char *root, const char *ref, char **ret_id, pm_error **err)
{
	_cleanup_secret_ struct pm_secret *s = NULL;
	int r = pm_secret_lookup(root, ref, &s, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *rdir = records_dir(root);
	_cleanup_free_ char *ndir = names_dir(root);
	_cleanup_free_ char *dir = pm_path_join(rdir, s->id);
	_cleanup_free_ char *lockpath = pm_path_join(dir, "lock");
	_cleanup_error_ pm_error *lerr = NULL;
	_cleanup_close_ int lock = pm_lock_path(lockpath, LOCK_EX, &lerr);
	if (lock == -ENOENT) /* a racing remover renamed it away */
		return not_found(ref, err);
	if (lock < 0)
		return pm_error_set(err, -lock, "%s", lerr->msg);
	/* a racing remover got here first */
	if (!pm_path_exists(dir))
		return not_found(ref, err);
	_cleanup_free_ char *gone = pm_xasprintf("%s/.rm-%s", rdir, s->id);
	if (rename(dir, gone) < 0)
		return pm_error_set_errno(err, errno, "removing secret %s", s->name);
	pm_name_release(ndir, s->name, s->id);
	pm_rm_rf(gone, NULL);
	if (ret_id)
		*ret_id = TAKE_PTR(s->id);
	return 0;
}

static int cmp_created(const void *a, const void *b)
{
	const struct pm_secret *x = *(struct pm_secret *const *)a,
			       *y = *(struct pm_secret *const *)b;
	return (x->created_ns > y->created_ns) - (x->created_ns < y->created_ns);
}

int pm_secret_list(const char *root, struct pm_secret ***ret, pm_error **err)
{
	_cleanup_free_ char *rdir = records_dir(root);
	_cleanup_secret_list_ struct pm_secret **v = pm_xcalloc(1, sizeof(*v));
	size_t n = 0;
	_cleanup_closedir_ DIR *d = opendir(rdir);
	if (!d && errno != ENOENT)
		return pm_error_set_errno(err, errno, "listing '%s'", rdir);
	for (struct dirent *de; d && (de = readdir(d));) {
		if (!id_valid(de->d_name))
			continue;
		struct pm_secret *s = NULL;
		_cleanup_error_ pm_error *e = NULL;
		if (load_id(root, de->d_name, &s, &e) < 0) {
			pm_log_debug("skipping secret %s: %s", de->d_name, e->msg);
			continue;
		}
		v = pm_xrealloc(v, (n + 2) * sizeof(*v));
		v[n++] = s;
		v[n] = NULL;
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_created);
	*ret = TAKE_PTR(v);
	return 0;
}

/* ---- filters ------------------------------------------------------------------------------ */

int pm_secret_filters_check(char *const *filters, pm_error **err)
{
	for (size_t i = 0; filters && filters[i]; i++) {
		const char *f = filters[i];
		const char *eq = strchr(f, '=');
		size_t kl = eq ? (size_t)(eq - f) : strlen(f);
		if (!eq ||
		    !((kl == 4 && !strncmp(f, "name", 4)) || (kl == 2 && !strncmp(f, "id", 2))))
			return pm_error_set(err, EINVAL, "invalid filter \"%.*s\"", (int)kl, f);
		if (kl == 4) {
			regex_t re;
			if (regcomp(&re, eq + 1, REG_EXTENDED | REG_NOSUB) != 0)
				return pm_error_set(err, EINVAL, "invalid filter \"%s\"", f);
			regfree(&re);
		}
	}
	return 0;
}

static bool match_one(const char *key, const char *val, const struct pm_secret *s)
{
	if (!strcmp(key, "id"))
		return pm_str_startswith(s->id, val);
	regex_t re;
	if (regcomp(&re, val, REG_EXTENDED | REG_NOSUB) != 0)
		return false;
	bool m = regexec(&re, s->name, 0, NULL, 0) == 0;
	regfree(&re);
	return m;
}

bool pm_secret_filters_match(char *const *filters, const struct pm_secret *s)
{
	static const char *const keys[] = {"name", "id"};
	for (size_t k = 0; k < 2; k++) {
		bool seen = false, hit = false;
		size_t kl = strlen(keys[k]);
		for (size_t i = 0; filters && filters[i]; i++) {
			if (strncmp(filters[i], keys[k], kl) != 0 || filters[i][kl] != '=')
				continue;
			seen = true;
			hit = hit || match_one(keys[k], filters[i] + kl + 1, s);
		}
		if (seen && !hit)
			return false;
	}
	return true;
}

/* ---- --secret ----------------------------------------------------------------------------- */

void pm_secret_use_clear(struct pm_secret_use *u)
{
	free(u->source);
	free(u->target);
	*u = (struct pm_secret_use){0};
}

static int parse_u32(const char *s, int base, uint32_t *ret)
{
	if (!s || !*s || *s == '-' || *s == '+')
		return -EINVAL;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, base);
	if (errno || *end || v > UINT32_MAX)
		return -EINVAL;
	*ret = (uint32_t)v;
	return 0;
}

int pm_secret_use_parse(const char *spec, struct pm_secret_use *ret, pm_error **err)
{
	*ret = (struct pm_secret_use){.mode = 0444};
	_cleanup_strv_ char **parts = pm_strv_split(spec, ",");
	_cleanup_free_ char *source = NULL, *target = NULL, *type = NULL;
	bool mount_only = false;
	size_t i = 0;
	if (parts && parts[0] && !strchr(parts[0], '=')) {
		source = pm_xstrdup(parts[0]);
		i = 1;
	}
	for (; parts && parts[i]; i++) {
		const char *kv = parts[i];
		const char *eq = strchr(kv, '=');
		if (!eq)
			return pm_error_set(
				err, EINVAL,
				"option %s must be in form option=value: parsing secret", kv);
		size_t kl = (size_t)(eq - kv);
		const char *v = eq + 1;
#define KEY(s) (kl == strlen(s) && !strncmp(kv, s, kl))
		if (KEY("source")) {
			free(source);
			source = pm_xstrdup(v);
		} else if (KEY("type")) {
			if (type)
				return pm_error_set(err, EINVAL,
						    "cannot set more than one secret type: parsing "
						    "secret");
			if (strcmp(v, "mount") && strcmp(v, "env"))
				return pm_error_set(err, EINVAL,
						    "type %s is invalid: parsing secret", v);
			type = pm_xstrdup(v);
		} else if (KEY("target")) {
			free(target);
			target = pm_xstrdup(v);
		} else if (KEY("mode")) {
			mount_only = true;
			if (parse_u32(v, 8, &ret->mode) < 0)
				return pm_error_set(err, EINVAL, "mode %s invalid: parsing secret",
						    v);
		} else if (KEY("uid") || KEY("UID")) {
			mount_only = true;
			if (parse_u32(v, 10, &ret->uid) < 0)
				return pm_error_set(err, EINVAL, "UID %s invalid: parsing secret",
						    v);
		} else if (KEY("gid") || KEY("GID")) {
			mount_only = true;
			if (parse_u32(v, 10, &ret->gid) < 0)
				return pm_error_set(err, EINVAL, "GID %s invalid: parsing secret",
						    v);
		} else {
			return pm_error_set(err, EINVAL, "option %s invalid: parsing secret", kv);
		}
#undef KEY
	}
	if (!source || !source[0])
		return pm_error_set(err, EINVAL, "no source found %s: parsing secret", spec);
	ret->type = type && !strcmp(type, "env") ? PM_SECRET_ENV : PM_SECRET_MOUNT;
	if (ret->type == PM_SECRET_ENV) {
		if (mount_only)
			return pm_error_set(err, EINVAL,
					    "UID, GID, Mode options cannot be set with secret type "
					    "env: parsing secret");
		ret->target = pm_xstrdup(target && target[0] ? target : source);
	} else if (target && target[0] == '/') {
		ret->target = TAKE_PTR(target);
	} else {
		ret->target =
			pm_xasprintf("/run/secrets/%s", target && target[0] ? target : source);
	}
	ret->source = TAKE_PTR(source);
	return 0;
}
