/* cache.c: the layer cache's index (builder/cache.h). Never prints; called by
 * builder/build.c. */
#include <errno.h>
#include <string.h>

#include "builder/cache.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "storage/digest.h"
#include "storage/image.h"

int pm_build_cache_get(const struct pm_store *s, const char *key, char **ret_id)
{
	if (!pm_digest_hex_valid(key))
		return 0;
	_cleanup_free_ char *path = pm_store_path(s, "build-cache/%s", key);
	_cleanup_free_ char *id = NULL;
	if (pm_read_line_file(path, &id, NULL) < 0 || !pm_digest_hex_valid(id))
		return 0;
	struct pm_image_record rec = {0};
	if (pm_image_resolve(s, id, &rec, NULL) < 0)
		return 0;
	bool same = strcmp(rec.id, id) == 0;
	pm_image_record_free(&rec);
	if (!same)
		return 0;
	*ret_id = TAKE_PTR(id);
	return 1;
}

int pm_build_cache_put(const struct pm_store *s, const char *key, const char *id, pm_error **err)
{
	_cleanup_free_ char *dir = pm_store_path(s, "build-cache");
	int r = pm_mkdir_p(dir, 0700, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *path = pm_path_join(dir, key);
	_cleanup_free_ char *line = pm_xasprintf("%s\n", id);
	return pm_write_file_atomic_flags(path, line, strlen(line), 0600, PM_WRITE_NOSYNC, err);
}
