/* cmd-system-df.c: `pm system df` (podman's): what images, containers and volumes take on
 * disk, with podman's columns TYPE TOTAL ACTIVE SIZE RECLAIMABLE, --format (a Go template
 * over Type, Total, Active, Size, Reclaimable, RawSize, RawReclaimable; "json" prints the
 * array). Images: their stored size, active when a container uses them; containers: the
 * disk usage of their storage directory, active when running; volumes: the disk usage of
 * their data, active when a container uses them. Runs in the rootless namespace (reads
 * files of the mapped users). See docs/pm-system-df.1.md. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli/commands.h"
#include "cli/image-util.h"
#include "cli/output.h"
#include "engine/container.h"
#include "engine/run.h"
#include "lib/cleanup.h"
#include "lib/fileutil.h"
#include "lib/json.h"
#include "lib/strutil.h"
#include "storage/image.h"
#include "storage/store.h"
#include "storage/volume.h"

static const char usage[] = "Show pm disk usage\n"
			    "\n"
			    "Usage:\n"
			    "  pm system df [options]\n"
			    "\n"
			    "Options:\n"
			    "      --format string   Pretty-print images using a Go template\n";

struct row {
	const char *type;
	long total, active;
	uint64_t size, reclaimable;
};

static json_t *row_json(const struct row *r)
{
	_cleanup_free_ char *size = pm_format_size_prec(r->size, 4);
	_cleanup_free_ char *rec = pm_format_size_prec(r->reclaimable, 4);
	int pct = r->size ? (int)((200 * r->reclaimable / r->size + 1) / 2) : 0;
	_cleanup_free_ char *recs = pm_xasprintf("%s (%d%%)", rec, pct);
	json_t *o = json_object();
	json_object_set_new(o, "Type", json_string(r->type));
	json_object_set_new(o, "Total", json_integer(r->total));
	json_object_set_new(o, "Active", json_integer(r->active));
	json_object_set_new(o, "Size", json_string(size));
	json_object_set_new(o, "Reclaimable", json_string(recs));
	json_object_set_new(o, "RawSize", json_integer((json_int_t)r->size));
	json_object_set_new(o, "RawReclaimable", json_integer((json_int_t)r->reclaimable));
	return o;
}

int cmd_system_df(struct pm_cli *cli, int argc, char **argv)
{
	const char *format = NULL;
	int status;
	if (!pm_cli_parse_format_only(cli, argc, argv, usage, &format, &status))
		return status;
	_cleanup_error_ pm_error *err = NULL;
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	struct row img = {.type = "Images"}, ctr = {.type = "Containers"},
		   vol = {.type = "Local Volumes"};

	_cleanup_store_ struct pm_store *s = NULL;
	if (pm_cli_open_store(cli, &s, &err) < 0)
		return pm_cli_error(err);
	struct pm_image_record *v = NULL;
	size_t n = 0;
	if (pm_image_list(s, &v, &n, &err) < 0)
		return pm_cli_error(err);
	for (size_t i = 0; i < n; i++) {
		_cleanup_strv_ char **users = pm_image_users(s, v[i].id);
		img.total++;
		img.size += v[i].size;
		if (users)
			img.active++;
		else
			img.reclaimable += v[i].size;
	}
	pm_image_records_free(v, n);

	struct pm_container **list = NULL;
	size_t nc = 0;
	if (pm_container_list(&cli->paths, &list, &nc, &err) < 0)
		return pm_cli_error(err);
	for (size_t i = 0; i < nc; i++) {
		pm_engine_refresh(&e, list[i]);
		_cleanup_free_ char *dir = pm_store_path(s, "containers/%s", list[i]->id);
		uint64_t sz = pm_disk_usage(dir);
		ctr.total++;
		ctr.size += sz;
		if (pm_ctr_is_running(list[i]))
			ctr.active++;
		else
			ctr.reclaimable += sz;
	}
	pm_container_list_free(list, nc);

	struct pm_volume **vols = NULL;
	if (pm_volume_list(cli->paths.root, &vols, NULL, &err) < 0)
		return pm_cli_error(err);
	for (struct pm_volume **p = vols; p && *p; p++) {
		_cleanup_free_ char *vdir = pm_volumes_dir(cli->paths.root);
		_cleanup_free_ char *data = pm_xasprintf("%s/%s/_data", vdir, (*p)->name);
		uint64_t sz = pm_disk_usage(data);
		vol.total++;
		vol.size += sz;
		if (pm_volume_in_use(cli->paths.root, (*p)->name, NULL) > 0)
			vol.active++;
		else
			vol.reclaimable += sz;
	}
	pm_volume_list_free(vols);

	_cleanup_json_ json_t *arr = json_array();
	json_array_append_new(arr, row_json(&img));
	json_array_append_new(arr, row_json(&ctr));
	json_array_append_new(arr, row_json(&vol));
	return pm_output_format_list(
		format, "table {{.Type}}\t{{.Total}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}",
		arr, false, NULL);
}
