/* image-mount.c: --mount type=image (podman's image volumes): the parse, with podman's keys
 * and words, and at start the image's layer dirs as the overlay's lower dirs. The runtime's
 * child mounts the overlay (as -v's O), so nothing stays mounted outside the container.
 * Called by spec.c (the parse) and run.c (create and start). Never prints. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "engine/image-mount.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "storage/container.h"

/* The value of --mount's "type" key (the last one given), or NULL. */
static char *mount_type(char *const *kvs)
{
	const char *t = NULL;
	for (char *const *kv = kvs; kv && *kv; kv++)
		if (pm_str_startswith(*kv, "type="))
			t = *kv + 5;
	return t ? pm_xstrdup(t) : NULL;
}

/* --mount type=image with podman's keys and words (pkg/specgen getImageVolume): the image's
 * layers as a read-only overlay (rw=true: with a throwaway upper), filled in at start by
 * pm_image_mounts_fill; the parse gives an overlay mount with no data yet. */
int pm_image_mount_parse(char *const *kvs, struct pm_runtime_mount *ret, pm_error **err)
{
	_cleanup_free_ char *src = NULL, *dst = NULL;
	bool rw = false;
	for (char *const *kv = kvs; kv && *kv; kv++) {
		char *eq = strchr(*kv, '=');
		_cleanup_free_ char *k =
			eq ? pm_xstrndup(*kv, (size_t)(eq - *kv)) : pm_xstrdup(*kv);
		const char *v = eq ? eq + 1 : NULL;
		bool is_src = !strcmp(k, "src") || !strcmp(k, "source");
		bool is_dst =
			!strcmp(k, "target") || !strcmp(k, "dst") || !strcmp(k, "destination");
		if (!strcmp(k, "type") || !strcmp(k, "consistency"))
			continue;
		if ((is_src || is_dst) && !v)
			return pm_error_set(err, EINVAL, "%s: must provide an argument for option",
					    k);
		if (is_src) {
			free(src);
			src = pm_xstrdup(v);
		} else if (is_dst) {
			if (v[0] != '/')
				return pm_error_set(
					err, EINVAL,
					"--mount: invalid container path '%s', must be an "
					"absolute path",
					v);
			free(dst);
			dst = pm_xstrdup(v);
		} else if (!strcmp(k, "rw") || !strcmp(k, "readwrite")) {
			if (v && !strcmp(v, "true"))
				rw = true;
			else if (v && !strcmp(v, "false"))
				rw = false;
			else
				return pm_error_set(err, EINVAL,
						    "invalid rw value \"%s\": invalid mount option",
						    v ? v : "");
		} else {
			return pm_error_set(err, EINVAL, "%s: invalid mount option", k);
		}
	}
	if (!src || !src[0] || !dst || !dst[0])
		return pm_error_set(err, EINVAL,
				    "must set source and destination for image volume");
	ret->type = PM_RUNTIME_MOUNT_OVERLAY;
	ret->destination = TAKE_PTR(dst);
	ret->flags = rw ? 0 : MS_RDONLY;
	return 0;
}

bool pm_image_mount_is(char *const *kvs)
{
	_cleanup_free_ char *type = mount_type(kvs);
	return type && !strcmp(type, "image");
}

char *pm_image_mount_source(const char *spec)
{
	_cleanup_strv_ char **kvs = pm_strv_split_csv(spec);
	_cleanup_free_ char *type = mount_type(kvs);
	if (!type || strcmp(type, "image"))
		return NULL;
	char *src = NULL;
	for (char **kv = kvs; kv && *kv; kv++)
		if (pm_str_startswith(*kv, "src=") || pm_str_startswith(*kv, "source=")) {
			free(src);
			src = pm_xstrdup(strchr(*kv, '=') + 1);
		}
	return src;
}

int pm_image_mounts_fill(char *const *mounts, const struct pm_store *st, const char *userdata,
			 struct pm_runtime_spec *s, pm_error **err)
{
	size_t next = 0; /* the next of s's mounts to look at */
	for (char *const *v = mounts; v && *v; v++) {
		_cleanup_free_ char *ref = pm_image_mount_source(*v);
		if (!ref)
			continue;
		_cleanup_strv_ char **lowers = NULL;
		struct pm_runtime_mount m = {0};
		_cleanup_strv_ char **kvs = pm_strv_split_csv(*v);
		int r = pm_image_mount_parse(kvs, &m, NULL);
		const char *dst = r >= 0 ? m.destination : "";
		if (r >= 0)
			r = pm_storage_image_lowers(st, ref, NULL, &lowers, err);
		if (r < 0) {
			pm_error_prefix(err, "creating image volume \"%s\":\"%s\"", ref, dst);
			pm_runtime_mount_clear(&m);
			return r;
		}
		pm_runtime_mount_clear(&m);
		if (!s)
			continue;
		while (next < s->nmounts &&
		       (s->mounts[next].type != PM_RUNTIME_MOUNT_OVERLAY || s->mounts[next].data))
			next++;
		if (next == s->nmounts)
			return pm_error_set(err, EINVAL, "--mount '%s': not in the spec", *v);
		struct pm_runtime_mount *t = &s->mounts[next++];
		_cleanup_free_ char *dir =
			pm_xasprintf("%s/image-mounts/%td", userdata, v - mounts);
		_cleanup_free_ char *upper = pm_path_join(dir, "upper");
		_cleanup_free_ char *work = pm_path_join(dir, "work");
		bool rw = !(t->flags & MS_RDONLY);
		r = pm_rm_rf(dir, err);
		if (r >= 0)
			r = pm_mkdir_p(rw ? upper : dir, 0755, err);
		if (r >= 0 && rw)
			r = pm_mkdir_p(work, 0700, err);
		/* read-only: overlay wants two lower dirs at least when there is no upper */
		for (int i = 0; r >= 0 && pm_strv_length(lowers) < (rw ? 1u : 2u); i++) {
			_cleanup_free_ char *empty = pm_xasprintf("%s/empty%d", dir, i);
			r = pm_mkdir_p(empty, 0755, err);
			pm_strv_push(&lowers, empty);
		}
		if (r < 0)
			return pm_error_prefix(err, "--mount '%s'", *v);
		_cleanup_free_ char *l = pm_strv_join(lowers, ":");
		t->data = rw ? pm_xasprintf("lowerdir=%s,upperdir=%s,workdir=%s,userxattr", l,
					    upper, work)
			     : pm_xasprintf("lowerdir=%s,userxattr", l);
	}
	return 0;
}
