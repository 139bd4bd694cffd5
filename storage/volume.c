/* volume.c: named volumes on disk: <root>/volumes (or
 * --volumepath)/<name>/{volume.json,_data,users/,mounts/,lock}. Owns the volume document, atomic
 * name reservation (build in a temp dir, rename with RENAME_NOREPLACE), removal, the container
 * reference list and the tmpfs/bind mount of a volume with a filesystem. Must not print, must not
 * know about containers beyond their ids, uses lib/ only. Called by cli/cmd-volume.c and by the
 * engine/runtime for
 * `-v NAME:/path` (see volume.h). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/fileutil.h"
#include "lib/jscan.h"
#include "lib/json.h"
#include "lib/jwrite.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "lib/timeutil.h"
#include "storage/volume.h"

#define VOLUME_JSON_MAX (1024 * 1024)
#define NAME_MAX_LEN	255

/* ---- names, times ------------------------------------------------------------------ */

bool pm_volume_name_valid(const char *name)
{
	if (!name || !isalnum((unsigned char)name[0]) || !isascii((unsigned char)name[0]))
		return false;
	size_t n = 0;
	for (const char *p = name; *p; p++, n++) {
		unsigned char c = (unsigned char)*p;
		if (!isascii(c) || !(isalnum(c) || c == '_' || c == '.' || c == '-'))
			return false;
	}
	return n <= NAME_MAX_LEN;
}

static bool ctr_id_valid(const char *id)
{
	if (!id || !id[0] || strlen(id) > NAME_MAX_LEN)
		return false;
	if (!pm_volume_name_valid(id))
		return false;
	return true;
}

int pm_volume_parse_rfc3339(const char *s, int64_t *ret_sec, long *ret_nsec)
{
	int64_t ns;
	if (!s || pm_time_parse_rfc3339(s, strlen(s), &ns, NULL) < 0)
		return -EINVAL;
	*ret_sec = pm_time_sec_floor(ns, ret_nsec);
	return 0;
}

static int64_t created_ns(const struct pm_volume *v)
{
	return v->created_sec * PM_NSEC_PER_SEC + v->created_nsec;
}

char *pm_volume_created_go_string(const struct pm_volume *v)
{
	char buf[PM_TIME_BUF_LEN];
	pm_time_format_go_string(created_ns(v), buf);
	return pm_xstrdup(buf);
}

/* ---- key=value lists ------------------------------------------------------------------ */

static int kv_cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t lx = strcspn(x, "="), ly = strcspn(y, "=");
	int r = strncmp(x, y, lx < ly ? lx : ly);
	if (r)
		return r;
	return (lx > ly) - (lx < ly);
}

/* Set key (first n chars of kv) to kv in *v, replacing an existing entry. */
static void kv_set(char ***v, const char *kv)
{
	size_t kl = strcspn(kv, "=");
	for (size_t i = 0; *v && (*v)[i]; i++) {
		if (strcspn((*v)[i], "=") == kl && strncmp((*v)[i], kv, kl) == 0) {
			free((*v)[i]);
			(*v)[i] = strchr(kv, '=') ? pm_xstrdup(kv) : pm_xasprintf("%s=", kv);
			return;
		}
	}
	pm_strv_consume(v, strchr(kv, '=') ? pm_xstrdup(kv) : pm_xasprintf("%s=", kv));
}

static void kv_sort(char **v)
{
	size_t n = pm_strv_length(v);
	if (n > 1)
		qsort(v, n, sizeof(char *), kv_cmp);
}

/* ---- option parsing (the local driver) ---------------------------------------------- */

/* Flags of mount(8) accepted in o= for any volume, with their mount(2) effect. */
static const struct {
	const char *name;
	unsigned long set;
	unsigned long clear;
} mount_flags[] = {
	{"ro", MS_RDONLY, 0},
	{"rw", 0, MS_RDONLY},
	{"nodev", MS_NODEV, 0},
	{"dev", 0, MS_NODEV},
	{"noexec", MS_NOEXEC, 0},
	{"exec", 0, MS_NOEXEC},
	{"nosuid", MS_NOSUID, 0},
	{"suid", 0, MS_NOSUID},
	{"noatime", MS_NOATIME, 0},
	{"atime", 0, MS_NOATIME},
	{"nodiratime", MS_NODIRATIME, 0},
	{"diratime", 0, MS_NODIRATIME},
	{"relatime", MS_RELATIME, 0},
	{"norelatime", 0, MS_RELATIME},
	{"strictatime", MS_STRICTATIME, 0},
	{"sync", MS_SYNCHRONOUS, 0},
	{"async", 0, MS_SYNCHRONOUS},
	{"dirsync", MS_DIRSYNC, 0},
};

static int find_mount_flag(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(mount_flags); i++)
		if (strcmp(mount_flags[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Filesystem options that only make sense for a tmpfs (passed as mount data). */
static bool is_tmpfs_option(const char *key)
{
	return strcmp(key, "size") == 0 || strcmp(key, "nr_inodes") == 0 ||
	       strcmp(key, "nr_blocks") == 0 || strcmp(key, "mode") == 0 ||
	       strcmp(key, "mpol") == 0 || strcmp(key, "huge") == 0 || strcmp(key, "inodes") == 0;
}

struct parsed_opts {
	const char *type;
	const char *device;
	int64_t uid, gid;
	bool bind, nocopy;
	char *fs_options; /* o= without uid/gid/timeout/noquota/bind */
};

static int parse_options(char *const *options, struct parsed_opts *po, pm_error **err)
{
	*po = (struct parsed_opts){.uid = -1, .gid = -1};
	const char *o = NULL;
	for (size_t i = 0; options && options[i]; i++) {
		const char *kv = options[i];
		size_t kl = strcspn(kv, "=");
		const char *val = kv[kl] ? kv + kl + 1 : NULL;
		_cleanup_free_ char *key = pm_xstrndup(kv, kl);
		if (strcasecmp(key, "type") == 0) {
			if (!val || !*val)
				return pm_error_set(err, EINVAL,
						    "volume option 'type' needs a value");
			po->type = val;
		} else if (strcasecmp(key, "device") == 0) {
			if (!val || !*val)
				return pm_error_set(err, EINVAL,
						    "volume option 'device' needs a value");
			po->device = val;
		} else if (strcasecmp(key, "o") == 0) {
			if (!val)
				return pm_error_set(err, EINVAL, "volume option 'o' needs a value");
			o = val;
		} else if (strcasecmp(key, "nocopy") == 0 && (!val || !*val)) {
			po->nocopy = true;
		} else if (strcasecmp(key, "copy") == 0 && (!val || !*val)) {
			po->nocopy = false;
		} else {
			return pm_error_set(
				err, EINVAL,
				"invalid mount option %s for driver 'local': invalid argument",
				key);
		}
	}
	if (po->type && strcmp(po->type, "tmpfs") != 0)
		return pm_error_set(
			err, ENOTSUP,
			"volume option 'type=%s' is not supported: pm mounts volumes rootless, "
			"use type=tmpfs, or o=bind with device=DIR",
			po->type);

	_cleanup_strv_ char **pieces = pm_strv_split(o ? o : "", ",");
	_cleanup_strv_ char **fs = NULL;
	for (size_t i = 0; pieces && pieces[i]; i++) {
		const char *p = pieces[i];
		size_t kl = strcspn(p, "=");
		const char *val = p[kl] ? p + kl + 1 : NULL;
		_cleanup_free_ char *key = pm_xstrndup(p, kl);
		if (strcmp(key, "uid") == 0 || strcmp(key, "gid") == 0) {
			uint32_t id;
			if (!val || pm_parse_uint32(val, &id) < 0 || id == UINT32_MAX)
				return pm_error_set(err, EINVAL,
						    "invalid volume option '%s': not a %s", p, key);
			if (key[0] == 'u')
				po->uid = id;
			else
				po->gid = id;
			if (po->type)
				pm_strv_push(&fs, p);
		} else if (strcmp(key, "timeout") == 0) {
			uint32_t t;
			if (!val || pm_parse_uint32(val, &t) < 0)
				return pm_error_set(err, EINVAL, "invalid volume option '%s'", p);
		} else if (strcmp(key, "noquota") == 0 && !val) {
			/* pm never sets quotas: nothing to disable */
		} else if ((strcmp(key, "bind") == 0 || strcmp(key, "rbind") == 0) && !val) {
			po->bind = true;
		} else if (!val && find_mount_flag(key) >= 0) {
			pm_strv_push(&fs, p);
		} else if (is_tmpfs_option(key)) {
			if (!po->type)
				return pm_error_set(
					err, ENOTSUP,
					"volume option '%s' needs type=tmpfs: pm has no "
					"project quota support for plain volumes",
					p);
			if (!val || !*val)
				return pm_error_set(err, EINVAL, "volume option '%s' needs a value",
						    key);
			if (strcmp(key, "inodes") == 0)
				pm_strv_consume(&fs, pm_xasprintf("nr_inodes=%s", val));
			else
				pm_strv_push(&fs, p);
		} else {
			return pm_error_set(err, EINVAL,
					    "invalid mount option '%s' in o=%s for driver 'local'",
					    p, o);
		}
	}
	if (po->bind && po->type)
		return pm_error_set(err, EINVAL,
				    "volume options type=%s and o=bind exclude each other",
				    po->type);
	if (po->bind && (!po->device || po->device[0] != '/'))
		return pm_error_set(err, EINVAL,
				    "volume option o=bind needs device=ABSOLUTE-DIR, got '%s'",
				    po->device ? po->device : "");
	if (po->device && !po->type && !po->bind)
		return pm_error_set(err, EINVAL,
				    "volume option device=%s needs type=tmpfs or o=bind",
				    po->device);
	po->fs_options = fs ? pm_strv_join(fs, ",") : NULL;
	if (po->fs_options && !po->fs_options[0])
		po->fs_options = (free(po->fs_options), NULL);
	return 0;
}

int pm_volume_check_opts(const struct pm_volume_create_opts *opts, pm_error **err)
{
	if (opts->name && opts->name[0] && !pm_volume_name_valid(opts->name))
		return pm_error_set(err, EINVAL,
				    "invalid volume name '%s': names must match "
				    "[a-zA-Z0-9][a-zA-Z0-9_.-]*",
				    opts->name);
	if (opts->driver && opts->driver[0] && strcmp(opts->driver, "local") != 0)
		return pm_error_set(
			err, ENOTSUP,
			"volume driver '%s' is not supported: pm has only the 'local' driver",
			opts->driver);
	for (size_t i = 0; opts->labels && opts->labels[i]; i++) {
		const char *l = opts->labels[i];
		if (!l[0] || l[0] == '=')
			return pm_error_set(err, EINVAL, "invalid label '%s': empty key", l);
	}
	struct parsed_opts po;
	int r = parse_options(opts->options, &po, err);
	free(po.fs_options);
	return r;
}

/* ---- paths, documents ------------------------------------------------------------------- */

char *pm_volumes_dir(const char *root)
{
	const char *env = getenv(PM_VOLUME_PATH_ENV);
	if (env && *env)
		return pm_xstrdup(env);
	return pm_path_join(root, "volumes");
}

/* <volumes>/<name>/<file> */
static char *vol_file(const char *root, const char *name, const char *file)
{
	_cleanup_free_ char *d = pm_volumes_dir(root);
	return pm_xasprintf("%s/%s/%s", d, name, file);
}

static char *vol_file2(const char *root, const char *name, const char *sub, const char *file)
{
	_cleanup_free_ char *d = pm_volumes_dir(root);
	return pm_xasprintf("%s/%s/%s/%s", d, name, sub, file);
}

static char *volumes_dir(const char *root)
{
	return pm_volumes_dir(root);
}

static char *volume_dir(const char *root, const char *name)
{
	_cleanup_free_ char *d = pm_volumes_dir(root);
	return pm_xasprintf("%s/%s", d, name);
}

static int no_such_volume(pm_error **err, const char *name)
{
	return pm_error_set(err, ENOENT, "no such volume %s", name);
}

struct pm_volume *pm_volume_free(struct pm_volume *v)
{
	if (!v)
		return NULL;
	free(v->name);
	free(v->driver);
	free(v->mountpoint);
	free(v->created_at);
	pm_strv_free(v->labels);
	pm_strv_free(v->options);
	free(v->scope);
	free(v->fs_type);
	free(v->fs_device);
	free(v->fs_options);
	free(v);
	return NULL;
}

struct pm_volume **pm_volume_list_free(struct pm_volume **v)
{
	for (size_t i = 0; v && v[i]; i++)
		pm_volume_free(v[i]);
	free(v);
	return NULL;
}

static char **object_to_kv(const json_t *o)
{
	char **v = pm_xcalloc(1, sizeof(char *));
	const char *k;
	json_t *val;
	if (!json_is_object(o))
		return v;
	json_object_foreach((json_t *)o, k, val) {
		if (json_is_string(val))
			pm_strv_consume(&v, pm_xasprintf("%s=%s", k, json_string_value(val)));
	}
	kv_sort(v);
	return v;
}

/* The document (doc) or the inspect object (NeedsChown only when true, NeedsCopyUp too in
 * inspect's JSON; go_time: CreatedAt
 * as Go prints a time.Time in a template). podman's field order. */
/* A volume's JSON, written straight out (no jansson tree: volume ls of many volumes). */
static void volume_write(struct pm_jw *w, const struct pm_volume *v, enum pm_volume_json_kind kind)
{
	pm_jw_begin_object(w);
	pm_jw_kstr(w, "Name", v->name);
	pm_jw_kstr(w, "Driver", v->driver);
	pm_jw_kstr(w, "Mountpoint", v->mountpoint);
	pm_jw_key(w, "CreatedAt");
	if (kind == PM_VOLUME_JSON_TEMPLATE) {
		_cleanup_free_ char *s = pm_volume_created_go_string(v);
		pm_jw_string(w, s);
	} else {
		pm_jw_string(w, v->created_at);
	}
	pm_jw_key(w, "Labels");
	pm_jw_kv_object(w, v->labels, false);
	pm_jw_kstr(w, "Scope", v->scope);
	pm_jw_key(w, "Options");
	pm_jw_kv_object(w, v->options, false);
	if (v->uid >= 0)
		pm_jw_kint(w, "UID", v->uid);
	if (v->gid >= 0)
		pm_jw_kint(w, "GID", v->gid);
	pm_jw_kint(w, "MountCount", v->mount_count);
	/* podman's omitempty: inspect leaves out a false NeedsCopyUp (a template's
	 * {{.NeedsCopyUp}} still prints false, as Go's field does) */
	if (kind != PM_VOLUME_JSON_INSPECT || v->needs_copy_up)
		pm_jw_kbool(w, "NeedsCopyUp", v->needs_copy_up);
	if (kind == PM_VOLUME_JSON_DOC || v->needs_chown)
		pm_jw_kbool(w, "NeedsChown", v->needs_chown);
	pm_jw_end_object(w);
}

char *pm_volume_json(const struct pm_volume *v, enum pm_volume_json_kind kind)
{
	struct pm_jw w;
	pm_jw_init(&w, 0);
	volume_write(&w, v, kind);
	return pm_jw_take(&w);
}

char *pm_volume_list_json(struct pm_volume *const *vols, enum pm_volume_json_kind kind,
			  unsigned indent)
{
	struct pm_jw w;
	pm_jw_init(&w, indent);
	pm_jw_begin_array(&w);
	for (size_t i = 0; vols && vols[i]; i++)
		volume_write(&w, vols[i], kind);
	pm_jw_end_array(&w);
	return pm_jw_take(&w);
}

/* Fill the fs_* fields from the options. */
static int derive_fs(struct pm_volume *v, pm_error **err)
{
	_cleanup_strv_ char **given = NULL;
	for (size_t i = 0; v->options && v->options[i]; i++)
		if (!pm_str_startswith(v->options[i], "UID=") &&
		    !pm_str_startswith(v->options[i], "GID="))
			pm_strv_push(&given, v->options[i]);
	/* Stored options carry "nocopy=" for a bare key: give parse_options the bare key. */
	for (size_t i = 0; given && given[i]; i++)
		if (strcmp(given[i], "nocopy=") == 0 || strcmp(given[i], "copy=") == 0)
			given[i][strlen(given[i]) - 1] = '\0';
	struct parsed_opts po;
	int r = parse_options(given, &po, err);
	if (r < 0)
		return r;
	v->fs_type = po.type ? pm_xstrdup(po.type) : NULL;
	v->fs_device = po.device ? pm_xstrdup(po.device) : NULL;
	v->fs_options = po.fs_options;
	v->fs_bind = po.bind;
	return 0;
}

static int volume_from_json(const json_t *j, const char *path, struct pm_volume **ret,
			    pm_error **err)
{
	const char *name = pm_json_string(j, "Name");
	const char *mp = pm_json_string(j, "Mountpoint");
	const char *created = pm_json_string(j, "CreatedAt");
	if (!name || !mp || !created)
		return pm_error_set(err, EBADMSG,
				    "reading '%s': Name, Mountpoint or CreatedAt missing", path);
	struct pm_volume *v = pm_xcalloc(1, sizeof(*v));
	_cleanup_volume_ struct pm_volume *owned = v;
	v->name = pm_xstrdup(name);
	v->mountpoint = pm_xstrdup(mp);
	v->created_at = pm_xstrdup(created);
	if (pm_volume_parse_rfc3339(created, &v->created_sec, &v->created_nsec) < 0)
		return pm_error_set(err, EBADMSG, "reading '%s': bad CreatedAt '%s'", path,
				    created);
	const char *s = pm_json_string(j, "Driver");
	v->driver = pm_xstrdup(s ? s : "local");
	s = pm_json_string(j, "Scope");
	v->scope = pm_xstrdup(s ? s : "local");
	v->labels = object_to_kv(json_object_get(j, "Labels"));
	v->options = object_to_kv(json_object_get(j, "Options"));
	v->uid = pm_json_int(j, "UID", -1);
	v->gid = pm_json_int(j, "GID", -1);
	v->mount_count = (int)pm_json_int(j, "MountCount", 0);
	v->needs_copy_up = pm_json_bool(j, "NeedsCopyUp", false);
	v->needs_chown = pm_json_bool(j, "NeedsChown", false);
	int r = derive_fs(v, err);
	if (r < 0)
		return pm_error_prefix(err, "reading '%s'", path);
	*ret = TAKE_PTR(owned);
	return 0;
}

/* Labels / Options read with lib/jscan as object_to_kv reads them from jansson's tree
 * (string members only, sorted). -EBADMSG (the caller falls back to jansson) for a key
 * jansson would see differently: escaped, or twice. */
static int scan_kv(const struct pm_jscan_val *v, char ***ret)
{
	_cleanup_strv_ char **kv = pm_xcalloc(1, sizeof(char *));
	if (v->type == PM_JSCAN_OBJECT) {
		struct pm_jscan s;
		struct pm_jscan_val k, x;
		int r = pm_jscan_object(&s, v->p, v->len);
		while (r >= 0 && (r = pm_jscan_member(&s, &k, &x)) > 0) {
			if (k.escaped)
				return -EBADMSG;
			if (x.type != PM_JSCAN_STRING)
				continue;
			_cleanup_free_ char *val = NULL;
			if (pm_jscan_string(&x, &val) < 0 || memchr(k.p, '\0', k.len))
				return -EBADMSG;
			pm_strv_consume(&kv, pm_xasprintf("%.*s=%s", (int)k.len, k.p, val));
		}
		if (r < 0)
			return r;
	}
	kv_sort(kv);
	for (size_t i = 0; kv[i] && kv[i + 1]; i++)
		if (kv_cmp(&kv[i], &kv[i + 1]) == 0)
			return -EBADMSG;
	*ret = TAKE_PTR(kv);
	return 0;
}

/* A member of the document: a string, an int or a bool of the right type, else -EBADMSG. */
static int scan_doc_str(const struct pm_jscan_val *v, char **dst)
{
	if (*dst)
		return -EBADMSG; /* twice: jansson keeps the last */
	return pm_jscan_string(v, dst);
}

/* The document read with lib/jscan into the same volume volume_from_json makes (volume ls of
 * many volumes). -EBADMSG for anything it does not read as jansson does (an escaped or
 * repeated key, a member of an unexpected type): the caller takes the jansson path. */
static int volume_from_text(const char *text, size_t len, struct pm_volume **ret)
{
	struct pm_volume *v = pm_xcalloc(1, sizeof(*v));
	_cleanup_volume_ struct pm_volume *owned = v;
	v->uid = v->gid = -1;
	bool seen_int[5] = {false};
	struct pm_jscan s;
	struct pm_jscan_val k, x;
	int r = pm_jscan_object(&s, text, len);
	while (r >= 0 && (r = pm_jscan_member(&s, &k, &x)) > 0) {
		int64_t n;
		if (k.escaped)
			return -EBADMSG;
		if (pm_jscan_key_is(&k, "Name"))
			r = scan_doc_str(&x, &v->name);
		else if (pm_jscan_key_is(&k, "Driver"))
			r = scan_doc_str(&x, &v->driver);
		else if (pm_jscan_key_is(&k, "Mountpoint"))
			r = scan_doc_str(&x, &v->mountpoint);
		else if (pm_jscan_key_is(&k, "CreatedAt"))
			r = scan_doc_str(&x, &v->created_at);
		else if (pm_jscan_key_is(&k, "Scope"))
			r = scan_doc_str(&x, &v->scope);
		else if (pm_jscan_key_is(&k, "Labels"))
			r = v->labels ? -EBADMSG : scan_kv(&x, &v->labels);
		else if (pm_jscan_key_is(&k, "Options"))
			r = v->options ? -EBADMSG : scan_kv(&x, &v->options);
		else if (pm_jscan_key_is(&k, "UID") || pm_jscan_key_is(&k, "GID") ||
			 pm_jscan_key_is(&k, "MountCount")) {
			size_t i = k.p[0] == 'U' ? 0 : k.p[0] == 'G' ? 1 : 2;
			if (seen_int[i] || (r = pm_jscan_int(&x, &n)) < 0)
				return -EBADMSG;
			seen_int[i] = true;
			if (i == 0)
				v->uid = n;
			else if (i == 1)
				v->gid = n;
			else
				v->mount_count = (int)n;
		} else if (pm_jscan_key_is(&k, "NeedsCopyUp") ||
			   pm_jscan_key_is(&k, "NeedsChown")) {
			size_t i = k.len == 11 ? 3 : 4;
			if (seen_int[i])
				return -EBADMSG;
			seen_int[i] = true;
			r = pm_jscan_bool(&x, i == 3 ? &v->needs_copy_up : &v->needs_chown);
		}
	}
	if (r < 0 || !v->name || !v->mountpoint || !v->created_at ||
	    pm_volume_parse_rfc3339(v->created_at, &v->created_sec, &v->created_nsec) < 0)
		return -EBADMSG; /* jansson's path words the error */
	if (!v->driver)
		v->driver = pm_xstrdup("local");
	if (!v->scope)
		v->scope = pm_xstrdup("local");
	if (!v->labels)
		v->labels = pm_xcalloc(1, sizeof(char *));
	if (!v->options)
		v->options = pm_xcalloc(1, sizeof(char *));
	if (derive_fs(v, NULL) < 0)
		return -EBADMSG; /* jansson's path words the error */
	*ret = TAKE_PTR(owned);
	return 0;
}

static int load_doc(const char *root, const char *name, struct pm_volume **ret, pm_error **err)
{
	if (!pm_volume_name_valid(name))
		return no_such_volume(err, name);
	_cleanup_free_ char *dir = volume_dir(root, name);
	_cleanup_free_ char *path = pm_path_join(dir, "volume.json");
	_cleanup_json_ json_t *j = NULL;
	_cleanup_error_ pm_error *e = NULL;
	int r = pm_json_load_file(path, VOLUME_JSON_MAX, &j, &e);
	if (r == -ENOENT || r == -ENOTDIR)
		return no_such_volume(err, name);
	if (r < 0) {
		if (err && !*err)
			*err = TAKE_PTR(e);
		return r;
	}
	return volume_from_json(j, path, ret, err);
}

/* load_doc for a name read from the volumes directory (open as vdfd): volume.json read with
 * one openat + read and lib/jscan; load_doc when that does not read it (too big, an error,
 * anything jscan leaves to jansson). */
static int load_doc_at(int vdfd, const char *root, const char *name, struct pm_volume **ret,
		       pm_error **err)
{
	char buf[16384];
	char rel[NAME_MAX_LEN + sizeof("/volume.json")];
	if (snprintf(rel, sizeof(rel), "%s/volume.json", name) < (int)sizeof(rel)) {
		ssize_t n = pm_read_small_at(vdfd, rel, buf, sizeof(buf));
		if (n >= 0 && volume_from_text(buf, (size_t)n, ret) == 0)
			return 0;
	}
	return load_doc(root, name, ret, err);
}

static int write_doc(const char *dir, const struct pm_volume *v, pm_error **err)
{
	_cleanup_free_ char *path = pm_path_join(dir, "volume.json");
	struct pm_jw w;
	pm_jw_init(&w, 0);
	volume_write(&w, v, PM_VOLUME_JSON_DOC);
	_cleanup_free_ char *doc = pm_jw_take(&w);
	_cleanup_free_ char *text = pm_xasprintf("%s\n", doc); /* as pm_json_write_file_atomic */
	return pm_write_file_atomic(path, text, strlen(text), 0600, err);
}

/* Lock a volume: flock <dir>/lock, then make sure the file locked is still the one at that
 * path (a remove renames the directory away while we wait). */
static int lock_volume(const char *root, const char *name, pm_error **err)
{
	if (!pm_volume_name_valid(name))
		return no_such_volume(err, name);
	_cleanup_free_ char *dir = volume_dir(root, name);
	_cleanup_free_ char *path = pm_path_join(dir, "lock");
	for (int attempt = 0; attempt < 100; attempt++) {
		struct stat st;
		if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
			return no_such_volume(err, name);
		_cleanup_error_ pm_error *e = NULL;
		_cleanup_close_ int fd = pm_lock_path(path, LOCK_EX, &e);
		if (fd == -ENOENT)
			return no_such_volume(err, name);
		if (fd < 0) {
			if (err && !*err)
				*err = TAKE_PTR(e);
			return fd;
		}
		struct stat a, b;
		if (fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino &&
		    a.st_dev == b.st_dev)
			return TAKE_FD(fd);
	}
	return pm_error_set(err, EAGAIN, "locking volume %s: it keeps changing", name);
}

/* ---- create, load, list --------------------------------------------------------------- */

static int rename_noreplace(const char *from, const char *to)
{
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -errno;
	/* No RENAME_NOREPLACE on this filesystem: rename(2) still refuses a non-empty target,
	 * and every volume directory holds at least volume.json. */
	if (rename(from, to) == 0)
		return 0;
	return errno == ENOTEMPTY ? -EEXIST : -errno;
}

int pm_volume_create(const char *root, const struct pm_volume_create_opts *opts,
		     struct pm_volume **ret, pm_error **err)
{
	int r = pm_volume_check_opts(opts, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *vdir = volumes_dir(root);
	r = pm_mkdir_p(vdir, 0700, err);
	if (r < 0)
		return r;

	struct pm_volume *v = pm_xcalloc(1, sizeof(*v));
	_cleanup_volume_ struct pm_volume *owned = v;
	v->name = opts->name && opts->name[0] ? pm_xstrdup(opts->name) : pm_random_id();
	_cleanup_free_ char *dir = volume_dir(root, v->name);
	if (opts->ignore_exists && pm_path_exists(dir))
		return ret ? load_doc(root, v->name, ret, err) : 0;

	v->driver = pm_xstrdup("local");
	v->scope = pm_xstrdup("local");
	v->mountpoint = pm_path_join(dir, "_data");
	int64_t now = pm_time_now_ns();
	v->created_sec = pm_time_sec_floor(now, &v->created_nsec);
	char created[PM_TIME_BUF_LEN];
	pm_time_format_rfc3339nano_local(now, created);
	v->created_at = pm_xstrdup(created);
	v->labels = pm_xcalloc(1, sizeof(char *));
	for (size_t i = 0; opts->labels && opts->labels[i]; i++)
		kv_set(&v->labels, opts->labels[i]);
	kv_sort(v->labels);
	v->options = pm_xcalloc(1, sizeof(char *));
	for (size_t i = 0; opts->options && opts->options[i]; i++)
		kv_set(&v->options, opts->options[i]);
	struct parsed_opts po;
	r = parse_options(opts->options, &po, err);
	if (r < 0)
		return r;
	free(po.fs_options);
	v->uid = po.uid;
	v->gid = po.gid;
	if (po.uid >= 0) {
		_cleanup_free_ char *x = pm_xasprintf("UID=%" PRId64, po.uid);
		kv_set(&v->options, x);
	}
	if (po.gid >= 0) {
		_cleanup_free_ char *x = pm_xasprintf("GID=%" PRId64, po.gid);
		kv_set(&v->options, x);
	}
	kv_sort(v->options);
	v->needs_copy_up = !po.nocopy;
	v->needs_chown = po.uid < 0 && po.gid < 0;
	r = derive_fs(v, err);
	if (r < 0)
		return r;

	/* Build everything in a temporary directory, then rename it into place. */
	_cleanup_free_ char *tmp = pm_xasprintf("%s/.tmp-%s-XXXXXX", vdir, v->name);
	if (!mkdtemp(tmp))
		return pm_error_set_errno(err, errno, "creating volume %s: '%s'", v->name, vdir);
	_cleanup_free_ char *data = pm_path_join(tmp, "_data");
	_cleanup_free_ char *users = pm_path_join(tmp, "users");
	_cleanup_free_ char *lock = pm_path_join(tmp, "lock");
	_cleanup_close_ int lfd = -1;
	if (mkdir(data, 0755) < 0 || chmod(data, 0755) < 0 || mkdir(users, 0700) < 0 ||
	    (lfd = open(lock, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		r = pm_error_set_errno(err, errno, "creating volume %s: '%s'", v->name, tmp);
		goto remove_tmp;
	}
	if ((v->uid >= 0 || v->gid >= 0) && lchown(data, v->uid >= 0 ? (uid_t)v->uid : (uid_t)-1,
						   v->gid >= 0 ? (gid_t)v->gid : (gid_t)-1) < 0) {
		r = pm_error_set_errno(err, errno,
				       "creating volume %s: changing the owner of '%s' to %" PRId64
				       ":%" PRId64 " (is the id mapped in the user namespace?)",
				       v->name, data, v->uid, v->gid);
		goto remove_tmp;
	}
	r = write_doc(tmp, v, err);
	if (r < 0)
		goto remove_tmp;
	r = rename_noreplace(tmp, dir);
	if (r == -EEXIST) {
		pm_rm_rf(tmp, NULL);
		if (opts->ignore_exists)
			return ret ? load_doc(root, v->name, ret, err) : 0;
		return pm_error_set(err, EEXIST,
				    "volume with name %s already exists: volume already exists",
				    v->name);
	}
	if (r < 0) {
		r = pm_error_set_errno(err, -r, "creating volume %s: renaming '%s'", v->name, tmp);
		goto remove_tmp;
	}
	pm_log_debug("created volume %s at %s", v->name, dir);
	if (ret)
		*ret = TAKE_PTR(owned);
	return 0;

remove_tmp:
	pm_rm_rf(tmp, NULL);
	return r;
}

int pm_volume_load(const char *root, const char *name, struct pm_volume **ret, pm_error **err)
{
	return load_doc(root, name, ret, err);
}

bool pm_volume_exists(const char *root, const char *name)
{
	if (!pm_volume_name_valid(name))
		return false;
	_cleanup_free_ char *path = vol_file(root, name, "volume.json");
	return pm_path_exists(path);
}

/* A crash can leave a half-built .tmp-* directory or a renamed-away .rm-* one behind:
 * remove .rm-* at once and .tmp-* once it is an hour old (a create may be using it).
 * Best effort (without the user namespace, files of container uids stay). */
static void sweep_leftover(const char *vdir, const char *entry)
{
	_cleanup_free_ char *path = pm_path_join(vdir, entry);
	struct stat st;
	if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return;
	if (entry[1] == 't' && time(NULL) - st.st_mtime < 3600)
		return;
	_cleanup_error_ pm_error *e = NULL;
	if (pm_rm_rf(path, &e) < 0)
		pm_log_debug("leftover '%s' not removed: %s", path, e ? e->msg : "");
}

static int volume_name_cmp(const void *a, const void *b)
{
	const struct pm_volume *x = *(struct pm_volume *const *)a;
	const struct pm_volume *y = *(struct pm_volume *const *)b;
	return strcmp(x->name, y->name);
}

int pm_volume_list(const char *root, struct pm_volume ***ret, size_t *ret_n, pm_error **err)
{
	_cleanup_free_ char *vdir = volumes_dir(root);
	size_t n = 0;
	struct pm_volume **list = pm_xcalloc(1, sizeof(*list));
	_cleanup_closedir_ DIR *d = opendir(vdir);
	if (!d && errno != ENOENT) {
		pm_volume_list_free(list);
		return pm_error_set_errno(err, errno, "listing volumes in '%s'", vdir);
	}
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (pm_str_startswith(de->d_name, ".rm-") ||
		    pm_str_startswith(de->d_name, ".tmp-")) {
			sweep_leftover(vdir, de->d_name);
			continue;
		}
		if (!pm_volume_name_valid(de->d_name))
			continue; /* ".", ".." and foreign files */
		struct pm_volume *v = NULL;
		_cleanup_error_ pm_error *e = NULL;
		int r = load_doc_at(dirfd(d), root, de->d_name, &v, &e);
		if (r < 0) {
			pm_log_debug("skipping volume %s: %s", de->d_name, e ? e->msg : "");
			continue;
		}
		list = pm_xrealloc(list, (n + 2) * sizeof(*list));
		list[n++] = v;
		list[n] = NULL;
	}
	qsort(list, n, sizeof(*list), volume_name_cmp);
	*ret = list;
	if (ret_n)
		*ret_n = n;
	return 0;
}

/* ---- users (containers) ------------------------------------------------------------------- */

static int read_users(const char *root, const char *name, char ***ret, pm_error **err)
{
	_cleanup_free_ char *udir = vol_file(root, name, "users");
	_cleanup_strv_ char **ids = pm_xcalloc(1, sizeof(char *));
	_cleanup_closedir_ DIR *d = opendir(udir);
	if (!d) {
		if (errno == ENOENT && pm_volume_exists(root, name)) {
			*ret = TAKE_PTR(ids);
			return 0;
		}
		if (errno == ENOENT)
			return no_such_volume(err, name);
		return pm_error_set_errno(err, errno, "reading the users of volume %s", name);
	}
	struct dirent *de;
	while ((de = readdir(d)))
		if (ctr_id_valid(de->d_name))
			pm_strv_push(&ids, de->d_name);
	size_t n = pm_strv_length(ids);
	if (n > 1)
		qsort(ids, n, sizeof(char *), kv_cmp);
	*ret = TAKE_PTR(ids);
	return 0;
}

int pm_volume_users(const char *root, const char *name, char ***ret_ids, pm_error **err)
{
	if (!pm_volume_exists(root, name))
		return no_such_volume(err, name);
	return read_users(root, name, ret_ids, err);
}

int pm_volume_in_use(const char *root, const char *name, pm_error **err)
{
	_cleanup_strv_ char **ids = NULL;
	int r = pm_volume_users(root, name, &ids, err);
	if (r < 0)
		return r;
	return ids[0] ? 1 : 0;
}

int pm_volume_ref(const char *root, const char *name, const char *ctr_id, pm_error **err)
{
	if (!ctr_id_valid(ctr_id))
		return pm_error_set(err, EINVAL, "invalid container id '%s'", ctr_id ? ctr_id : "");
	_cleanup_close_ int lfd = lock_volume(root, name, err);
	if (lfd < 0)
		return lfd;
	_cleanup_free_ char *udir = vol_file(root, name, "users");
	if (mkdir(udir, 0700) < 0 && errno != EEXIST)
		return pm_error_set_errno(err, errno, "volume %s: creating '%s'", name, udir);
	_cleanup_free_ char *path = pm_path_join(udir, ctr_id);
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return pm_error_set_errno(err, errno, "volume %s: recording user '%s'", name,
					  ctr_id);
	return 0;
}

int pm_volume_unref(const char *root, const char *name, const char *ctr_id, pm_error **err)
{
	if (!ctr_id_valid(ctr_id))
		return pm_error_set(err, EINVAL, "invalid container id '%s'", ctr_id ? ctr_id : "");
	_cleanup_close_ int lfd = lock_volume(root, name, err);
	if (lfd < 0)
		return lfd;
	_cleanup_free_ char *path = vol_file2(root, name, "users", ctr_id);
	if (unlink(path) < 0 && errno != ENOENT)
		return pm_error_set_errno(err, errno, "volume %s: releasing user '%s'", name,
					  ctr_id);
	return 0;
}

/* ---- remove ------------------------------------------------------------------------------ */

static bool is_mount_root(const char *path)
{
	return pm_path_is_mount_point(path) > 0;
}

int pm_volume_remove(const char *root, const char *name, bool force, pm_error **err)
{
	_cleanup_error_ pm_error *e = NULL;
	_cleanup_close_ int lfd = lock_volume(root, name, &e);
	if (lfd == -ENOENT) /* podman's words for volume rm */
		return pm_error_set(err, ENOENT, "no volume with name \"%s\" found: no such volume",
				    name);
	if (lfd < 0) {
		if (err && !*err)
			*err = TAKE_PTR(e);
		return lfd;
	}
	_cleanup_strv_ char **ids = NULL;
	int r = read_users(root, name, &ids, err);
	if (r < 0)
		return r;
	if (ids[0] && !force) {
		_cleanup_free_ char *list = pm_strv_join(ids, ", ");
		return pm_error_set(err, EBUSY,
				    "volume %s is being used by the following container(s): %s: "
				    "volume is being used",
				    name, list);
	}
	_cleanup_free_ char *dir = volume_dir(root, name);
	_cleanup_free_ char *data = pm_path_join(dir, "_data");
	if (is_mount_root(data) && umount2(data, MNT_DETACH) < 0)
		return pm_error_set_errno(err, errno, "removing volume %s: unmounting '%s'", name,
					  data);
	_cleanup_free_ char *rnd = pm_random_id();
	_cleanup_free_ char *vdir = pm_volumes_dir(root);
	_cleanup_free_ char *gone = pm_xasprintf("%s/.rm-%.16s", vdir, rnd);
	if (rename(dir, gone) < 0)
		return pm_error_set_errno(err, errno, "removing volume %s: renaming '%s'", name,
					  dir);
	/* The name is free from here on; the data goes without holding the lock. */
	int l = TAKE_FD(lfd);
	close(l);
	_cleanup_error_ pm_error *rm_err = NULL;
	r = pm_rm_rf(gone, &rm_err);
	if (r < 0)
		pm_log_warn("removing the data of volume %s: %s", name, rm_err ? rm_err->msg : "");
	return 0;
}

int pm_volume_lookup_or_create(const char *root, const char *name, char **ret_mountpoint,
			       pm_error **err)
{
	if (!pm_volume_name_valid(name))
		return pm_error_set(err, EINVAL,
				    "invalid volume name '%s': names must match "
				    "[a-zA-Z0-9][a-zA-Z0-9_.-]*",
				    name ? name : "");
	_cleanup_volume_ struct pm_volume *v = NULL;
	_cleanup_error_ pm_error *e = NULL;
	int r = load_doc(root, name, &v, &e);
	if (r == -ENOENT) {
		struct pm_volume_create_opts o = {.name = name, .ignore_exists = true};
		r = pm_volume_create(root, &o, &v, err);
	} else if (r < 0 && err && !*err) {
		*err = TAKE_PTR(e);
	}
	if (r < 0)
		return r;
	if (ret_mountpoint)
		*ret_mountpoint = TAKE_PTR(v->mountpoint);
	return 0;
}

/* ---- mount (tmpfs / bind volumes) and flags ------------------------------------------------ */

static int do_mount(const struct pm_volume *v, pm_error **err)
{
	unsigned long flags = 0;
	_cleanup_strv_ char **data = NULL;
	_cleanup_strv_ char **opts = pm_strv_split(v->fs_options ? v->fs_options : "", ",");
	for (size_t i = 0; opts && opts[i]; i++) {
		int f = find_mount_flag(opts[i]);
		if (f >= 0) {
			flags |= mount_flags[f].set;
			flags &= ~mount_flags[f].clear;
		} else {
			pm_strv_push(&data, opts[i]);
		}
	}
	_cleanup_free_ char *d = data ? pm_strv_join(data, ",") : NULL;
	if (v->fs_bind) {
		if (mount(v->fs_device, v->mountpoint, NULL, MS_BIND | MS_REC, NULL) < 0)
			return pm_error_set_errno(err, errno, "mounting volume %s: bind '%s'",
						  v->name, v->fs_device);
		if (flags &&
		    mount(NULL, v->mountpoint, NULL, MS_BIND | MS_REMOUNT | flags, NULL) < 0) {
			int e = errno;
			umount2(v->mountpoint, MNT_DETACH);
			return pm_error_set_errno(err, e, "mounting volume %s: remount '%s'",
						  v->name, v->fs_options);
		}
		return 0;
	}
	if (mount(v->fs_device ? v->fs_device : "tmpfs", v->mountpoint, v->fs_type, flags, d) < 0)
		return pm_error_set_errno(err, errno, "mounting volume %s: %s with options '%s'",
					  v->name, v->fs_type, d ? d : "");
	return 0;
}

/* Read-modify-write the document under the volume's lock. fn returns 1 when it changed
 * nothing: the document is not rewritten (a plain volume used by a run costs no write). */
static int update_doc(const char *root, const char *name,
		      int (*fn)(struct pm_volume *v, void *arg, pm_error **err), void *arg,
		      pm_error **err)
{
	_cleanup_close_ int lfd = lock_volume(root, name, err);
	if (lfd < 0)
		return lfd;
	_cleanup_volume_ struct pm_volume *v = NULL;
	int r = load_doc(root, name, &v, err);
	if (r < 0)
		return r;
	r = fn(v, arg, err);
	if (r != 0)
		return r < 0 ? r : 0;
	_cleanup_free_ char *dir = volume_dir(root, name);
	return write_doc(dir, v, err);
}

/* <root>/volumes/<name>/mounts/<ctr_id>: one empty file per container that has the
 * volume's filesystem mounted (MountCount is their number). */
static char *mounts_dir(const char *root, const char *name)
{
	return vol_file(root, name, "mounts");
}

static int count_mounts(const char *root, const char *name)
{
	_cleanup_free_ char *dir = mounts_dir(root, name);
	_cleanup_closedir_ DIR *d = opendir(dir);
	int n = 0;
	struct dirent *de;
	while (d && (de = readdir(d)))
		if (ctr_id_valid(de->d_name))
			n++;
	return n;
}

struct mount_arg {
	const char *root;
	const char *ctr_id;
	char *mountpoint;
};

static int mount_fn(struct pm_volume *v, void *arg, pm_error **err)
{
	struct mount_arg *a = arg;
	a->mountpoint = pm_xstrdup(v->mountpoint);
	if (!v->fs_type && !v->fs_bind)
		return 1; /* a plain directory: nothing to mount (podman: MountCount stays 0) */
	_cleanup_free_ char *dir = mounts_dir(a->root, v->name);
	/* mounted with no user recorded: left by an exit recorded outside the rootless mount
	 * namespace (which cannot unmount it); a tmpfs volume starts empty, as podman's */
	if (is_mount_root(v->mountpoint) && count_mounts(a->root, v->name) == 0)
		umount2(v->mountpoint, MNT_DETACH);
	if (!is_mount_root(v->mountpoint)) {
		/* users from a lost mount namespace (reboot, pause process gone) are stale */
		pm_rm_rf(dir, NULL);
		int r = do_mount(v, err);
		if (r < 0)
			return r;
	}
	_cleanup_free_ char *path = pm_path_join(dir, a->ctr_id);
	_cleanup_close_ int fd = -1;
	if ((mkdir(dir, 0700) < 0 && errno != EEXIST) ||
	    (fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) < 0) {
		int e = errno;
		if (count_mounts(a->root, v->name) == 0)
			umount2(v->mountpoint, MNT_DETACH);
		return pm_error_set_errno(err, e, "volume %s: recording mount by '%s'", v->name,
					  a->ctr_id);
	}
	v->mount_count = count_mounts(a->root, v->name);
	return 0;
}

int pm_volume_mount(const char *root, const char *name, const char *ctr_id, char **ret_mountpoint,
		    pm_error **err)
{
	if (!ctr_id_valid(ctr_id))
		return pm_error_set(err, EINVAL, "invalid container id '%s'", ctr_id ? ctr_id : "");
	struct mount_arg a = {.root = root, .ctr_id = ctr_id};
	int r = update_doc(root, name, mount_fn, &a, err);
	if (r >= 0 && ret_mountpoint)
		*ret_mountpoint = TAKE_PTR(a.mountpoint);
	free(a.mountpoint);
	return r;
}

static int unmount_fn(struct pm_volume *v, void *arg, pm_error **err)
{
	struct mount_arg *a = arg;
	if (!v->fs_type && !v->fs_bind)
		return 1;
	_cleanup_free_ char *path = vol_file2(a->root, v->name, "mounts", a->ctr_id);
	if (unlink(path) < 0 && errno != ENOENT)
		return pm_error_set_errno(err, errno, "volume %s: releasing mount by '%s'", v->name,
					  a->ctr_id);
	v->mount_count = count_mounts(a->root, v->name);
	if (v->mount_count == 0 && is_mount_root(v->mountpoint) &&
	    umount2(v->mountpoint, MNT_DETACH) < 0)
		return pm_error_set_errno(err, errno, "unmounting volume %s at '%s'", v->name,
					  v->mountpoint);
	return 0;
}

int pm_volume_unmount(const char *root, const char *name, const char *ctr_id, pm_error **err)
{
	if (!ctr_id_valid(ctr_id))
		return pm_error_set(err, EINVAL, "invalid container id '%s'", ctr_id ? ctr_id : "");
	struct mount_arg a = {.root = root, .ctr_id = ctr_id};
	return update_doc(root, name, unmount_fn, &a, err);
}

struct needs_arg {
	bool copy_up, chown;
};

static int needs_fn(struct pm_volume *v, void *arg, pm_error **err)
{
	const struct needs_arg *a = arg;
	if (a->copy_up)
		v->needs_copy_up = false;
	if (a->chown)
		v->needs_chown = false;
	return 0;
}

int pm_volume_clear_needs(const char *root, const char *name, bool copy_up, bool chown,
			  pm_error **err)
{
	struct needs_arg a = {copy_up, chown};
	return update_doc(root, name, needs_fn, &a, err);
}
