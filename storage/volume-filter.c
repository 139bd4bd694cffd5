/* volume-filter.c: podman's volume filters (`volume ls --filter`, `volume prune --filter`):
 * parsing with podman's messages, matching (same key ORed, label/label! ANDed, different
 * keys ANDed), the filtered list and the prune candidates. Pure logic over struct pm_volume
 * plus the users/ lookup of storage/volume.c; never prints. Called by cli/cmd-volume.c and
 * (later) the API. */
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "lib/strutil.h"
#include "lib/timeutil.h"
#include "storage/volume.h"

struct filter {
	char *key;
	char *value;
	regex_t re; /* name */
	bool has_re;
	int64_t until; /* until, Unix ns */
};

struct pm_volume_filters {
	struct filter *f;
	size_t n;
};

struct pm_volume_filters *pm_volume_filters_free(struct pm_volume_filters *fs)
{
	if (!fs)
		return NULL;
	for (size_t i = 0; i < fs->n; i++) {
		free(fs->f[i].key);
		free(fs->f[i].value);
		if (fs->f[i].has_re)
			regfree(&fs->f[i].re);
	}
	free(fs->f);
	free(fs);
	return NULL;
}

int pm_volume_filters_parse(char *const *args, bool prune, struct pm_volume_filters **ret,
			    pm_error **err)
{
	struct pm_volume_filters *fs = pm_xcalloc(1, sizeof(*fs));
	_cleanup_(pm_volume_filters_freep) struct pm_volume_filters *owned = fs;
	for (size_t i = 0; args && args[i]; i++) {
		const char *a = args[i];
		const char *eq = strchr(a, '=');
		/* "label!=x" is key "label!" */
		if (!eq || eq == a)
			return pm_error_set(
				err, EINVAL,
				"filter input must be in the form of filter=value: %s is "
				"invalid",
				a);
		_cleanup_free_ char *key = pm_xstrndup(a, (size_t)(eq - a));
		const char *val = eq + 1;
		static const char *const ls_keys[] = {"name",	  "label", "label!",
						      "driver",	  "scope", "opt",
						      "dangling", "until", NULL};
		static const char *const prune_keys[] = {"label", "label!", "until", NULL};
		if (!pm_strv_contains((char *const *)(prune ? prune_keys : ls_keys), key))
			return pm_error_set(err, EINVAL, "\"%s\" is an invalid volume filter", key);
		fs->f = pm_xrealloc(fs->f, (fs->n + 1) * sizeof(*fs->f));
		struct filter *f = &fs->f[fs->n++];
		*f = (struct filter){.key = pm_xstrdup(key), .value = pm_xstrdup(val)};
		if (strcmp(key, "name") == 0) {
			if (regcomp(&f->re, val, REG_EXTENDED | REG_NOSUB) != 0)
				return pm_error_set(
					err, EINVAL,
					"invalid name filter '%s': not a regular expression", val);
			f->has_re = true;
		} else if (strcmp(key, "dangling") == 0) {
			if (strcmp(val, "true") != 0 && strcmp(val, "false") != 0 &&
			    strcmp(val, "1") != 0 && strcmp(val, "0") != 0)
				return pm_error_set(
					err, EINVAL,
					"\"%s\" is not a valid value for the \"dangling\" "
					"filter - must be true or false",
					val);
		} else if (strcmp(key, "until") == 0) {
			if (pm_time_parse_timestamp(val, pm_time_now_ns(), &f->until) < 0)
				return pm_error_set(
					err, EINVAL,
					"invalid until filter '%s': use a timestamp, a date "
					"or a duration like 10m",
					val);
		}
	}
	*ret = TAKE_PTR(owned);
	return 0;
}

static bool filter_one(const struct filter *f, const struct pm_volume *v, const char *root)
{
	const char *k = f->key;
	if (strcmp(k, "name") == 0)
		return regexec(&f->re, v->name, 0, NULL, 0) == 0;
	if (strcmp(k, "label") == 0)
		return pm_strv_kv_match(v->labels, f->value);
	if (strcmp(k, "label!") == 0)
		return !pm_strv_kv_match(v->labels, f->value);
	if (strcmp(k, "driver") == 0)
		return strcmp(v->driver, f->value) == 0;
	if (strcmp(k, "scope") == 0)
		return strcmp(v->scope, f->value) == 0;
	if (strcmp(k, "opt") == 0)
		return pm_strv_kv_match(v->options, f->value);
	if (strcmp(k, "until") == 0)
		return v->created_sec * PM_NSEC_PER_SEC + v->created_nsec < f->until;
	if (strcmp(k, "dangling") == 0) {
		bool want = strcmp(f->value, "true") == 0 || strcmp(f->value, "1") == 0;
		int used = pm_volume_in_use(root, v->name, NULL);
		return used >= 0 && (used == 0) == want;
	}
	return false;
}

bool pm_volume_filters_match(const struct pm_volume_filters *fs, const struct pm_volume *v,
			     const char *root)
{
	for (size_t i = 0; fs && i < fs->n; i++) {
		const char *k = fs->f[i].key;
		bool and_key = strcmp(k, "label") == 0 || strcmp(k, "label!") == 0;
		bool seen = false, any = false;
		for (size_t j = 0; j < i; j++)
			if (strcmp(fs->f[j].key, k) == 0)
				seen = true;
		if (seen)
			continue; /* key handled at its first filter */
		for (size_t j = i; j < fs->n; j++) {
			if (strcmp(fs->f[j].key, k) != 0)
				continue;
			bool m = filter_one(&fs->f[j], v, root);
			if (and_key && !m)
				return false;
			any = any || m;
		}
		if (!and_key && !any)
			return false;
	}
	return true;
}

int pm_volume_list_filtered(const char *root, const struct pm_volume_filters *fs,
			    struct pm_volume ***ret, pm_error **err)
{
	struct pm_volume **vols = NULL;
	size_t n = 0;
	int r = pm_volume_list(root, &vols, &n, err);
	if (r < 0)
		return r;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (pm_volume_filters_match(fs, vols[i], root))
			vols[k++] = vols[i];
		else
			pm_volume_free(vols[i]);
	}
	vols[k] = NULL;
	*ret = vols;
	return 0;
}

int pm_volume_prune_candidates(const char *root, const struct pm_volume_filters *fs,
			       char ***ret_names, pm_error **err)
{
	struct pm_volume **vols = NULL;
	int r = pm_volume_list_filtered(root, fs, &vols, err);
	if (r < 0)
		return r;
	char **names = pm_xcalloc(1, sizeof(char *));
	for (size_t i = 0; vols[i]; i++)
		if (pm_volume_in_use(root, vols[i]->name, NULL) == 0)
			pm_strv_push(&names, vols[i]->name);
	pm_volume_list_free(vols);
	*ret_names = names;
	return 0;
}

int pm_volume_prune_one(const char *root, const char *name, pm_error **err)
{
	_cleanup_error_ pm_error *e = NULL;
	int r = pm_volume_remove(root, name, false, &e);
	if (r == -ENOENT || r == -EBUSY)
		return 0; /* gone or taken meanwhile: not ours to prune */
	if (r < 0) {
		if (err && !*err)
			*err = TAKE_PTR(e);
		return r;
	}
	return 1;
}
