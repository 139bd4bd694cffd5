/* remote-cache.c: the build's remote layer cache (build --cache-from, --cache-to, as buildah
 * 1.28's): a step's image lives in a registry repository under a tag that is the step's
 * cache key (the local cache's key, builder/build.c's hex_key: the sha256 of the parent
 * image's id, which names its whole history and layers, and the step's instruction after
 * expansion), so the same step on the same parent names the same tag on every store.
 * --cache-to pushes every step image the build made or found in its local cache;
 * --cache-from, after a local miss, pulls REPO:KEY and uses it as the step's result. A tag
 * the repository lacks is a miss, said nothing of; any other failure of a pull (the
 * registry unreachable, refused credentials) is one warning, after which the build runs
 * its steps without asking that registry again (buildah retries every step's pull). A
 * failing push fails the build, as buildah's. Never prints (warnings through the build's
 * warn); called by builder/build.c. */
#include <errno.h>
#include <string.h>

#include "builder/build-internal.h"
#include "lib/strutil.h"
#include "registry/pull.h"
#include "registry/push.h"
#include "storage/digest.h"

/* REPO:KEY, the tag a step's image has in a cache repository. */
static char *cache_ref(const char *repo, const char *key)
{
	return pm_xasprintf("%s:%s", repo, key);
}

int pm_bld_remote_get(struct build *b, const char *key, char **ret_id)
{
	const struct pm_build_opts *o = b->o;
	if (!o->cache_from || b->remote_off || !pm_digest_hex_valid(key))
		return 0;
	struct pm_pull_opts po = {0};
	if (o->pull_opts)
		po.reg = o->pull_opts->reg; /* --tls-verify, --creds, --authfile, --cert-dir */
	_cleanup_free_ char *ref = cache_ref(o->cache_from, key);
	_cleanup_strv_ char **ids = NULL;
	pm_error *err = NULL;
	int r = pm_pull(b->s, ref, &po, &ids, &err);
	if (r < 0) {
		if (r != -ENOENT && o->warn) {
			/* said once: the registry is not asked again in this build */
			_cleanup_free_ char *l = pm_xasprintf(
				"pulling cache from %s: %s (the build goes on without it)", ref,
				err && err->msg ? err->msg : strerror(-r));
			o->warn(o->userdata, l);
		}
		if (r != -ENOENT)
			b->remote_off = true;
		pm_error_free(err);
		return 0;
	}
	if (!ids || !ids[0])
		return 0;
	*ret_id = pm_xstrdup(ids[0]);
	return 1;
}

int pm_bld_remote_put(struct build *b, const char *key, const char *id, pm_error **err)
{
	const struct pm_build_opts *o = b->o;
	if (!o->cache_to || !pm_digest_hex_valid(key))
		return 0;
	struct pm_push_opts po = {0};
	if (o->pull_opts)
		po.reg = o->pull_opts->reg;
	_cleanup_free_ char *ref = cache_ref(o->cache_to, key);
	int r = pm_push(b->s, id, ref, &po, NULL, err);
	if (r < 0)
		return pm_error_prefix(err, "failed pushing cache to \"%s\"", ref);
	return 0;
}
