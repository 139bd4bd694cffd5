/* cmd-image.c: the `pm image` subcommand table and the subcommands that have no top-level
 * twin: inspect, exists, prune. The others reuse the top-level commands (images, rmi, tag,
 * untag, save, load, import, history, push). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli/commands.h"
#include "cli/image-util.h"
#include "cli/output.h"
#include "lib/json.h"
#include "lib/strutil.h"
#include "storage/image-view.h"

static const char inspect_usage[] =
	"Display the configuration of an image\n"
	"\n"
	"Usage:\n"
	"  pm image inspect [options] IMAGE [IMAGE...]\n"
	"\n"
	"Options:\n"
	"  -f, --format string   Format the output to a Go template or json (default \"json\")\n";

int cmd_image_inspect(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
					     {"help", no_argument, NULL, 0},
					     {NULL, 0, NULL, 0}};
	struct pm_opt_state st = {0};
	const char *format = NULL;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "f:", opts, inspect_usage)) != -1) {
		if (c == PM_OPT_EXIT)
			return st.status;
		if (c == 'f')
			format = optarg;
	}
	if (argc - optind < 1) /* podman's words */
		return pm_cli_errorf("no names or ids specified");
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_store_ struct pm_store *s = NULL;
	if (pm_cli_open_store(cli, &s, &err) < 0)
		return pm_cli_error(err);
	_cleanup_json_ json_t *arr = json_array();
	int status = 0;
	for (int i = optind; i < argc; i++) {
		_cleanup_error_ pm_error *e = NULL;
		struct pm_image_record r = {0};
		if (pm_image_resolve(s, argv[i], &r, &e) < 0) {
			if (!status)
				pm_error_prefix(&e, "inspecting object");
			pm_cli_error(e);
			status = PM_EXIT_ERROR;
			continue;
		}
		json_t *o = pm_cli_image_inspect_json(s, &r, &e);
		pm_image_record_free(&r);
		if (!o) {
			pm_cli_error(e);
			status = PM_EXIT_ERROR;
			continue;
		}
		json_array_append_new(arr, o);
	}
	if (!format || strcmp(format, "json") == 0 || strcmp(format, "{{json .}}") == 0) {
		pm_json_print(stdout, arr);
	} else {
		int rc = pm_output_format_each(format, arr);
		if (rc)
			return rc;
	}
	return status;
}

static const char exists_usage[] = "Check if an image exists in local storage\n"
				   "\n"
				   "Usage:\n"
				   "  pm image exists IMAGE\n";

int cmd_image_exists(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 0}, {NULL, 0, NULL, 0}};
	struct pm_opt_state st = {0};
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "", opts, exists_usage)) != -1)
		if (c == PM_OPT_EXIT)
			return st.status;
	if (!pm_cli_nargs(cli, argc - optind, 1, 1))
		return PM_EXIT_ERROR;
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_store_ struct pm_store *s = NULL;
	if (pm_cli_open_store(cli, &s, &err) < 0)
		return pm_cli_error(err);
	struct pm_image_record r = {0};
	int rc = pm_image_resolve(s, argv[optind], &r, &err);
	pm_image_record_free(&r);
	if (rc == -ENOENT)
		return 1;
	if (rc < 0)
		return pm_cli_error(err);
	return 0;
}

static const char prune_usage[] =
	"Remove unused images\n"
	"\n"
	"Usage:\n"
	"  pm image prune [options]\n"
	"\n"
	"Options:\n"
	"  -a, --all                 Remove all images not in use by containers, not just dangling "
	"ones\n"
	"      --external            Remove images even when they are used by external containers "
	"(e.g., by build containers)\n"
	"      --filter stringArray  Provide filter values (e.g. 'label=<key>=<value>')\n"
	"  -f, --force               Do not prompt for confirmation\n";

int cmd_image_prune(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},
		{"external", optional_argument, NULL, 'E'},
		{"filter", required_argument, NULL, 'F'},
		{"force", no_argument, NULL, 'f'},
		{"help", no_argument, NULL, 0},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	bool all = false, force = false;
	_cleanup_image_filters_ struct pm_image_filters *f = pm_image_filters_new();
	_cleanup_error_ pm_error *err = NULL;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "af", opts, prune_usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case 'a':
			all = true;
			break;
		case 'f':
			force = true;
			break;
		case 'E':
			/* podman's: also images only external (buildah) containers use; pm keeps
			 * no external containers (its build containers are removed with their
			 * build), so this prunes what the plain prune does */
			if (optarg && strcmp(optarg, "true") && strcmp(optarg, "false") &&
			    strcmp(optarg, "1") && strcmp(optarg, "0"))
				return pm_cli_errorf(
					"invalid argument \"%s\" for \"--external\" "
					"flag: strconv.ParseBool: parsing \"%s\": invalid "
					"syntax",
					optarg, optarg);
			break;
		case 'F':
			/* podman's prune checks the form first, then images' filters */
			if (!strchr(optarg, '='))
				return pm_cli_errorf("filter input must be in the form of "
						     "filter=value: %s is invalid",
						     optarg);
			if (pm_image_filters_add(f, optarg, &err) < 0)
				return pm_cli_error(err);
			break;
		default:
			break;
		}
	}
	if (!pm_cli_nargs(cli, argc - optind, 0, 0))
		return PM_EXIT_ERROR;
	if (!force) {
		printf("WARNING! This command removes all %s images.\nAre you sure you want to "
		       "continue? [y/N] ",
		       all ? "unused" : "dangling");
		int status;
		if (!pm_cli_confirm(&status))
			return status;
	}
	_cleanup_store_ struct pm_store *s = NULL;
	if (pm_cli_open_store(cli, &s, &err) < 0 || pm_image_filters_resolve(s, f, &err) < 0)
		return pm_cli_error(err);
	struct pm_image_record *v = NULL;
	size_t n = 0;
	if (pm_image_list(s, &v, &n, &err) < 0)
		return pm_cli_error(err);
	int status = 0;
	for (size_t i = 0; i < n; i++) {
		if (!all && v[i].names && *v[i].names)
			continue;
		if (!pm_image_filters_match(s, f, &v[i]))
			continue;
		_cleanup_strv_ char **users = pm_image_users(s, v[i].id);
		if (users)
			continue;
		_cleanup_error_ pm_error *e = NULL;
		if (pm_image_remove(s, v[i].id, false, &e) < 0) {
			pm_cli_error(e);
			status = PM_EXIT_ERROR;
			continue;
		}
		printf("%s\n", v[i].id);
	}
	pm_image_records_free(v, n);
	return status;
}

const struct pm_command pm_image_commands[] = {
	{"build", cmd_build, PM_CMD_USERNS, "Build an image using instructions from Containerfiles",
	 NULL},
	{"diff", cmd_image_diff, PM_CMD_USERNS, "Inspect changes to the image's file systems",
	 NULL},
	{"exists", cmd_image_exists, PM_CMD_USERNS, "Check if an image exists in local storage",
	 NULL},
	{"history", cmd_history, PM_CMD_USERNS, "Show history of a specified image", NULL},
	{"import", cmd_import, PM_CMD_USERNS, "Import a tarball to create a filesystem image",
	 NULL},
	{"inspect", cmd_image_inspect, PM_CMD_USERNS, "Display the configuration of an image",
	 NULL},
	{"list", cmd_images, PM_CMD_USERNS | PM_CMD_HIDDEN, "List images in local storage", NULL},
	{"load", cmd_load, PM_CMD_USERNS, "Load image(s) from a tar archive", NULL},
	{"mount", cmd_image_mount, 0, "Mount an image's root filesystem", NULL},
	{"pull", cmd_pull, PM_CMD_USERNS, "Pull an image from a registry", NULL},
	{"ls", cmd_images, PM_CMD_USERNS, "List images in local storage", NULL},
	{"prune", cmd_image_prune, PM_CMD_USERNS, "Remove unused images", NULL},
	{"push", cmd_push, PM_CMD_USERNS, "Push an image to a specified destination", NULL},
	{"rm", cmd_rmi, PM_CMD_USERNS, "Remove one or more images from local storage", NULL},
	{"save", cmd_save, PM_CMD_USERNS, "Save image(s) to an archive", NULL},
	{"scp", cmd_refused, 0, "securely copy images (pm: refused)", NULL},
	{"search", cmd_search, 0, "Search registry for image", NULL},
	{"sign", cmd_image_sign, 0, "Sign an image", NULL},
	{"tag", cmd_tag, PM_CMD_USERNS, "Add an additional name to a local image", NULL},
	{"umount", cmd_image_unmount, PM_CMD_USERNS | PM_CMD_HIDDEN,
	 "Unmount an image's root filesystem", NULL},
	{"unmount", cmd_image_unmount, PM_CMD_USERNS, "Unmount an image's root filesystem", NULL},
	{"tree", cmd_image_tree, PM_CMD_USERNS,
	 "Prints layer hierarchy of an image in a tree format", NULL},
	{"trust", NULL, 0, "Manage container image trust policy", pm_image_trust_commands},
	{"untag", cmd_untag, PM_CMD_USERNS, "Remove a name from a local image", NULL},
	{NULL, NULL, 0, NULL, NULL},
};
