/* cmd-system-df.c: `pm system df` (podman's): what images, containers and volumes take on
 * disk, with podman's columns TYPE TOTAL ACTIVE SIZE RECLAIMABLE, --format (a Go template
 * over Type, Total, Active, Size, Reclaimable, RawSize, RawReclaimable; "json" prints the
 * array), -v (podman's three tables: images, containers, volumes). Images: their stored size,
 * active when a container uses them; containers: the disk usage of their storage directory, active
 * when running; volumes: the disk usage of their data, active when a container uses them. Runs in
 * the rootless namespace (reads files of the mapped users). See docs/pm-system-df.1.md. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli/commands.h"
#include "cli/image-util.h"
#include "cli/output.h"
#include "engine/container.h"
#include "engine/ps.h"
#include "engine/run.h"
#include "lib/cleanup.h"
#include "lib/fileutil.h"
#include "lib/json.h"
#include "lib/strutil.h"
#include "lib/template.h"
#include "lib/timeutil.h"
#include "storage/image-view.h"
#include "storage/image.h"
#include "storage/store.h"
#include "storage/volume.h"

static const char usage[] = "Show pm disk usage\n"
			    "\n"
			    "Usage:\n"
			    "  pm system df [options]\n"
			    "\n"
			    "Options:\n"
			    "      --format string   Pretty-print images using a Go template\n"
			    "  -v, --verbose         Show detailed information on disk usage\n";

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

/* podman's units.HumanDuration: pm_format_ago without " ago" */
static char *human_duration(int64_t seconds)
{
	char *s = pm_format_ago(seconds);
	size_t n = strlen(s);
	if (n > 4 && !strcmp(s + n - 4, " ago"))
		s[n - 4] = '\0';
	return s;
}

/* -v: podman's three tables (images, containers, volumes), each with its header. */
static int df_verbose(struct pm_cli *cli, struct pm_store *s)
{
	_cleanup_error_ pm_error *err = NULL;
	int64_t now = pm_time_now_ns();
	struct pm_image_record *v = NULL;
	size_t n = 0;
	if (pm_image_list(s, &v, &n, &err) < 0)
		return pm_cli_error(err);
	struct pm_image_row *rows = NULL;
	size_t nr = 0;
	pm_image_rows(s, v, n, NULL, false, &rows, &nr);
	printf("Images space usage:\n\n");
	{
		_cleanup_table_ pm_table *t = pm_table_new();
		pm_table_add_row(t, "REPOSITORY\tTAG\tIMAGE ID\tCREATED\tSIZE\tSHARED SIZE\t"
				    "UNIQUE SIZE\tCONTAINERS");
		for (size_t i = 0; i < nr; i++) {
			const struct pm_image_record *r = rows[i].record;
			_cleanup_strv_ char **users = pm_image_users(s, r->id);
			_cleanup_free_ char *created =
				human_duration((now / PM_NSEC_PER_SEC) - r->created_unix);
			_cleanup_free_ char *size = pm_format_size_prec(r->size, 4);
			_cleanup_free_ char *line = pm_xasprintf(
				"%s\t%s\t%.12s\t%s\t%s\t0B\t%s\t%zu", rows[i].repository,
				rows[i].tag, r->id, created, size, size, pm_strv_length(users));
			pm_table_add_row(t, line);
		}
		pm_table_print(t, stdout);
	}
	pm_image_rows_free(rows, nr);
	pm_image_records_free(v, n);

	struct pm_volume **vols = NULL;
	if (pm_volume_list(cli->paths.root, &vols, NULL, &err) < 0)
		return pm_cli_error(err);
	_cleanup_free_ char *vdir = pm_volumes_dir(cli->paths.root);

	printf("\nContainers space usage:\n\n");
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	struct pm_ps_opts o = {.all = true, .size = true, .last = -1};
	struct pm_ps_row *prow = NULL;
	size_t nrows = 0;
	if (pm_engine_ps_rows(&e, &o, &prow, &nrows, &err) < 0) {
		pm_volume_list_free(vols);
		return pm_cli_error(err);
	}
	{
		_cleanup_table_ pm_table *t = pm_table_new();
		pm_table_add_row(t, "CONTAINER ID\tIMAGE\tCOMMAND\tLOCAL VOLUMES\tSIZE\tCREATED\t"
				    "STATUS\tNAMES");
		for (size_t k = 0; k < nrows; k++) {
			const struct pm_container *c = prow[k].c;
			size_t nvol = 0; /* the named volumes it uses */
			for (struct pm_volume **p = vols; p && *p; p++) {
				_cleanup_strv_ char **ids = NULL;
				if (pm_volume_users(cli->paths.root, (*p)->name, &ids, NULL) >= 0 &&
				    pm_strv_contains(ids, c->id))
					nvol++;
			}
			_cleanup_free_ char *cmd =
				prow[k].args ? pm_strv_join(prow[k].args, " ") : pm_xstrdup("");
			_cleanup_free_ char *size = pm_format_size_prec(prow[k].rw_size, 4);
			_cleanup_free_ char *created =
				human_duration((now - c->created_ns) / PM_NSEC_PER_SEC);
			_cleanup_free_ char *line = pm_xasprintf(
				"%.12s\t%.12s\t%s\t%zu\t%s\t%s\t%s\t%s", c->id,
				c->image_id ? c->image_id : "", cmd, nvol, size, created,
				pm_ctr_status_string(c->state.status), c->name);
			pm_table_add_row(t, line);
		}
		pm_table_print(t, stdout);
	}
	pm_ps_rows_free(prow, nrows);

	printf("\nLocal Volumes space usage:\n\n");
	{
		_cleanup_table_ pm_table *t = pm_table_new();
		pm_table_add_row(t, "VOLUME NAME\tLINKS\tSIZE");
		for (struct pm_volume **p = vols; p && *p; p++) {
			_cleanup_strv_ char **ids = NULL;
			pm_volume_users(cli->paths.root, (*p)->name, &ids, NULL);
			_cleanup_free_ char *data = pm_xasprintf("%s/%s/_data", vdir, (*p)->name);
			_cleanup_free_ char *size = pm_format_size_prec(pm_disk_usage(data), 4);
			_cleanup_free_ char *line =
				pm_xasprintf("%s\t%zu\t%s", (*p)->name, pm_strv_length(ids), size);
			pm_table_add_row(t, line);
		}
		pm_table_print(t, stdout);
	}
	pm_volume_list_free(vols);
	return 0;
}

int cmd_system_df(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 0},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	const char *format = NULL;
	bool verbose = false;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "v", opts, usage)) != -1) {
		if (c == PM_OPT_EXIT)
			return st.status;
		if (c == 'f')
			format = optarg;
		else if (c == 'v')
			verbose = true;
	}
	if (!pm_cli_nargs(cli, argc - optind, 0, 0))
		return PM_EXIT_ERROR;
	_cleanup_error_ pm_error *err = NULL;
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	struct row img = {.type = "Images"}, ctr = {.type = "Containers"},
		   vol = {.type = "Local Volumes"};

	_cleanup_store_ struct pm_store *s = NULL;
	if (pm_cli_open_store(cli, &s, &err) < 0)
		return pm_cli_error(err);
	/* -v prints its tables (podman 4.3 ignores --format then) */
	if (verbose)
		return df_verbose(cli, s);
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
	if (pm_engine_ctr_list(&e, &list, &nc, &err) < 0) /* refreshed */
		return pm_cli_error(err);
	for (size_t i = 0; i < nc; i++) {
		_cleanup_free_ char *dir = pm_store_ctr_dir(s, list[i]->id);
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
