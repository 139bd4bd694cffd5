/* image-util.c: helpers shared by the image command files (see image-util.h). Prints
 * nothing itself. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cli/image-util.h"
#include "lib/json.h"
#include "lib/strutil.h"
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
	if (rc < 0)
		return rc;
	if (r.digest) {
		pm_reference_free(&r);
		return pm_error_set(err, EINVAL, "'%s': a tag cannot contain a digest", user);
	}
	*ret = pm_reference_string(&r);
	pm_reference_free(&r);
	return 0;
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

/* podman prints "Labels": null for an image without labels */
static json_t *labels_json(char *const *v)
{
	if (!v || !*v)
		return json_null();
	json_t *o = json_object();
	for (; *v; v++) {
		const char *eq = strchr(*v, '=');
		_cleanup_free_ char *k = eq ? pm_xstrndup(*v, (size_t)(eq - *v)) : pm_xstrdup(*v);
		json_object_set_new(o, k, json_string(eq ? eq + 1 : ""));
	}
	return o;
}

json_t *pm_cli_image_inspect_json(const struct pm_store *s, const struct pm_image_record *r,
				  pm_error **err)
{
	struct pm_image_config c = {0};
	if (pm_image_read_config(s, r, &c, NULL, err) < 0)
		return NULL;
	json_t *o = json_object();
	json_object_set_new(o, "Id", json_string(r->id));
	json_object_set_new(o, "Digest", json_string(r->digest ? r->digest : ""));
	json_object_set_new(o, "RepoTags", pm_json_from_strv(r->names));
	json_t *rd = json_array();
	for (char **n = r->names; n && *n; n++) {
		_cleanup_free_ char *repo = NULL, *tag = NULL;
		pm_reference_split_name(*n, &repo, &tag);
		_cleanup_free_ char *d = pm_xasprintf("%s@%s", repo, r->digest);
		bool dup = false;
		size_t i;
		json_t *e;
		json_array_foreach(rd, i, e)
			if (strcmp(json_string_value(e), d) == 0)
				dup = true;
		if (!dup)
			json_array_append_new(rd, json_string(d));
	}
	json_object_set_new(o, "RepoDigests", rd);
	json_object_set_new(o, "Parent", json_string(""));
	const char *comment = c.n_history ? c.history[c.n_history - 1].comment : NULL;
	json_object_set_new(o, "Comment", json_string(comment ? comment : ""));
	json_object_set_new(o, "Created", json_string(c.created ? c.created : ""));
	const struct pm_image_runconfig *rc = &c.config;
	json_object_set_new(o, "Config", pm_image_runconfig_json(rc));
	json_object_set_new(o, "Version", json_string(""));
	json_object_set_new(o, "Author", json_string(c.author ? c.author : ""));
	json_object_set_new(o, "Architecture", json_string(c.architecture ? c.architecture : ""));
	json_object_set_new(o, "Os", json_string(c.os ? c.os : ""));
	json_object_set_new(o, "Size", json_integer((json_int_t)r->size));
	json_object_set_new(o, "VirtualSize", json_integer((json_int_t)r->size));
	json_t *gd = json_object();
	json_object_set_new(gd, "Name", json_string("overlay"));
	json_t *gdd = json_object();
	if (r->n_layers) {
		_cleanup_free_ char *up = pm_layer_diff_path(s, r->layers[r->n_layers - 1]);
		json_object_set_new(gdd, "UpperDir", json_string(up));
		if (r->n_layers > 1) {
			char **lower = NULL;
			for (size_t i = r->n_layers - 1; i-- > 0;)
				pm_strv_consume(&lower, pm_layer_diff_path(s, r->layers[i]));
			_cleanup_free_ char *ld = pm_strv_join(lower, ":");
			json_object_set_new(gdd, "LowerDir", json_string(ld));
			pm_strv_free(lower);
		}
	}
	json_object_set_new(gd, "Data", gdd);
	json_object_set_new(o, "GraphDriver", gd);
	json_t *rootfs = json_object();
	json_object_set_new(rootfs, "Type", json_string("layers"));
	json_object_set_new(rootfs, "Layers", pm_json_from_strv(r->layers));
	json_object_set_new(o, "RootFS", rootfs);
	json_object_set_new(o, "Labels", labels_json(rc->labels));
	json_object_set_new(o, "Annotations", json_object());
	json_object_set_new(o, "ManifestType", json_string(r->manifest_type));
	json_object_set_new(o, "User", json_string(rc->user ? rc->user : ""));
	json_t *hist = json_array();
	for (size_t i = 0; i < c.n_history; i++) {
		const struct pm_history *h = &c.history[i];
		json_t *e = json_object();
		if (h->created)
			json_object_set_new(e, "created", json_string(h->created));
		if (h->created_by)
			json_object_set_new(e, "created_by", json_string(h->created_by));
		if (h->author)
			json_object_set_new(e, "author", json_string(h->author));
		if (h->comment)
			json_object_set_new(e, "comment", json_string(h->comment));
		if (h->empty_layer)
			json_object_set_new(e, "empty_layer", json_true());
		json_array_append_new(hist, e);
	}
	json_object_set_new(o, "History", hist);
	json_object_set_new(o, "NamesHistory", pm_json_from_strv(r->names_history));
	pm_image_config_free(&c);
	return o;
}
