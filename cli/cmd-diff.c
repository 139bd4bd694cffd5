/* cmd-diff.c: `pm diff CONTAINER` / `pm container diff`: the files a container added (A),
 * changed (C) and deleted (D) relative to its image, from its upper dir
 * (storage/container.h); --format json as podman's {"changed","added","deleted"}. Runs
 * inside the rootless namespace (PM_CMD_USERNS). */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli/commands.h"
#include "cli/image-util.h"
#include "cli/output.h"
#include "engine/container.h"
#include "engine/run.h"
#include "lib/json.h"
#include "storage/container.h"

static const char usage[] = "Inspect changes to the container's file systems\n"
			    "\n"
			    "Description:\n"
			    "  Displays changes to the container filesystem's'.  The container "
			    "will be compared to its parent layer.\n"
			    "\n"
			    "Usage:\n"
			    "  pm diff [options] CONTAINER\n"
			    "\n"
			    "Options:\n"
			    "      --format string   Change the output format (json)\n"
			    "  -l, --latest          Act on the latest container pm is aware of\n";

int cmd_diff(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'F'},
		{"latest", no_argument, NULL, 'l'},
		{"help", no_argument, NULL, 0},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	const char *format = NULL;
	bool latest = false;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "l", opts, usage)) != -1) {
		if (c == PM_OPT_EXIT)
			return st.status;
		if (c == 'F')
			format = optarg;
		if (c == 'l')
			latest = true;
	}
	if (format && strcmp(format, "json") != 0)
		return pm_cli_errorf("only json is supported as --format: '%s'", format);
	if (!pm_cli_nargs(cli, argc - optind, latest ? 0 : 1, latest ? 0 : 1))
		return PM_EXIT_ERROR;
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_container_ struct pm_container *ctr = NULL;
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	if (latest) {
		struct pm_container **list = NULL;
		size_t n = 0;
		if (pm_engine_ctr_list(&e, &list, &n, &err) < 0) /* refreshed */
			return pm_cli_error(err);
		if (n) {
			ctr = list[0];
			list[0] = NULL;
		}
		pm_container_list_free(list, n);
		if (!ctr)
			return pm_cli_errorf("no containers: no such container");
	} else if (pm_engine_ctr_lookup(&e, argv[optind], &ctr, &err) < 0) {
		return pm_cli_error(err);
	}
	if (!ctr->image_id[0])
		return pm_cli_errorf("container %s runs from --rootfs: it has no image to compare "
				     "with",
				     ctr->id);
	_cleanup_store_ struct pm_store *s = NULL;
	if (pm_cli_open_store(cli, &s, &err) < 0)
		return pm_cli_error(err);
	struct pm_change *ch = NULL;
	size_t n = 0;
	if (pm_storage_ctr_diff(s, ctr->id, &ch, &n, &err) < 0)
		return pm_cli_error(err);
	if (format) {
		_cleanup_json_ json_t *o = json_object();
		json_t *changed = json_array(), *added = json_array(), *deleted = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(ch[i].kind == 'A'	  ? added
					      : ch[i].kind == 'D' ? deleted
								  : changed,
					      json_string(ch[i].path));
		if (json_array_size(changed))
			json_object_set(o, "changed", changed);
		if (json_array_size(added))
			json_object_set(o, "added", added);
		if (json_array_size(deleted))
			json_object_set(o, "deleted", deleted);
		json_decref(changed);
		json_decref(added);
		json_decref(deleted);
		pm_json_print(stdout, o);
	} else {
		for (size_t i = 0; i < n; i++)
			printf("%c %s\n", ch[i].kind, ch[i].path);
	}
	pm_changes_free(ch, n);
	return 0;
}
