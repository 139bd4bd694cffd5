/* image-util.c: helpers shared by the image command files (see image-util.h). Prints
 * nothing itself. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cli/image-util.h"
#include "lib/json.h"
#include "lib/strutil.h"
#include "storage/image-view.h"
#include "storage/layerstore.h"
#include "storage/reference.h"

int pm_cli_open_store(struct pm_cli *cli, struct pm_store **ret, pm_error **err)
{
	return pm_store_open(&cli->paths, cli->storage_driver, ret, err);
}

int pm_cli_image_name(const char *user, char **ret, pm_error **err)
{
	struct pm_reference r = {0};
	int rc = pm_reference_parse(user, PM_REF_LOCAL, &r, err);
	if (rc == -ENAMETOOLONG) /* podman's words */
		return pm_error_prefix(err, "normalizing name \"%s\"", user);
	if (rc < 0)
		return rc;
	if (r.digest) {
		pm_reference_free(&r);
		return pm_error_set(err, EINVAL, "'%s': a tag cannot contain a digest", user);
	}
	/* the stored name (localhost/ added) must parse again for rmi, save and load */
	if (strlen(r.domain) + 1 + strlen(r.path) > PM_REFERENCE_NAME_MAX) {
		pm_reference_free(&r);
		goto too_long;
	}
	*ret = pm_reference_string(&r);
	pm_reference_free(&r);
	return 0;
too_long:
	return pm_error_set(err, ENAMETOOLONG,
			    "normalizing name \"%s\": repository name must not be more than %d "
			    "characters",
			    user, PM_REFERENCE_NAME_MAX);
}

char *pm_cli_image_size(uint64_t bytes)
{
	_cleanup_free_ char *s = pm_format_size(bytes);
	size_t i = 0;
	while (s[i] && (s[i] == '.' || (s[i] >= '0' && s[i] <= '9')))
		i++;
	return pm_xasprintf("%.*s %s", (int)i, s, s + i);
}

ssize_t pm_cli_read_fd(void *ctx, void *buf, size_t n)
{
	return pm_layer_read_fd(ctx, buf, n);
}

json_t *pm_cli_image_inspect_json(const struct pm_store *s, const struct pm_image_record *r,
				  pm_error **err)
{
	_cleanup_free_ char *text = pm_image_inspect_json(s, r, err);
	return text ? json_loads(text, 0, NULL) : NULL;
}

int pm_cli_image_all_ids(const struct pm_store *s, char ***ids, pm_error **err)
{
	struct pm_image_record *v = NULL;
	size_t n = 0;
	int r = pm_image_list(s, &v, &n, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		pm_strv_push(ids, v[i].id);
	pm_image_records_free(v, n);
	return 0;
}
