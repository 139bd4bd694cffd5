/* cmd-diff.c: `pm diff CONTAINER|IMAGE` / `pm container diff` / `pm image diff`: the files a
 * container added (A), changed (C) and deleted (D) relative to its image, from its upper dir,
 * or an image's top layer relative to the layers below (storage/container.h); --format json
 * as podman's {"changed","added","deleted"}. `diff` takes a container first, then an image,
 * as podman. Runs inside the rootless namespace (PM_CMD_USERNS). */
#include <errno.h>
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
#include "storage/image.h"

static const char image_usage[] =
	"Inspect changes to the image's file systems\n"
	"\n"
	"Description:\n"
	"  Displays changes to the image's filesystem.  The image will be "
	"compared to its parent layer.\n"
	"\n"
	"Usage:\n"
	"  pm image diff [options] IMAGE\n"
	"\n"
	"Options:\n"
	"      --format string   Change the output format (json)\n";

static const char usage[] = "Inspect changes to the container's file systems\n"
			    "\n"
			    "Description:\n"
			    "  Displays changes to the container filesystem's'.  The container "
			    "will be compared to its parent layer.\n"
			    "\n"
			    "Usage:\n"
			    "  pm diff [options] CONTAINER|IMAGE\n"
			    "\n"
			    "Options:\n"
			    "      --format string   Change the output format (json)\n"
			    "  -l, --latest          Act on the latest container pm is aware of\n";

enum diff_of { DIFF_ANY, DIFF_CTR, DIFF_IMAGE };

/* The paths podman leaves out of every diff (libpod's initInodes): the mount points and
 * files the runtime provides, exact paths only. */
static bool init_inode(const char *path)
{
	static const char *const paths[] = {
		"/dev",		"/etc/hostname", "/etc/hosts",	"/etc/resolv.conf",
		"/proc",	"/run",		 "/run/notify", "/run/.containerenv",
		"/run/secrets", "/sys",		 "/etc/mtab",
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (!strcmp(path, paths[i]))
			return true;
	return false;
}

static void print_changes(const struct pm_change *ch, size_t n, bool json)
{
	if (json) {
		_cleanup_json_ json_t *o = json_object();
		json_t *changed = json_array(), *added = json_array(), *deleted = json_array();
		for (size_t i = 0; i < n; i++)
			if (!init_inode(ch[i].path))
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
			if (!init_inode(ch[i].path))
				printf("%c %s\n", ch[i].kind, ch[i].path);
	}
}

/* An image's top layer against its parent layers (podman's diff of an image). */
static int image_diff(struct pm_cli *cli, const struct pm_image_record *img, bool json)
{
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_store_ struct pm_store *s = NULL;
	if (pm_cli_open_store(cli, &s, &err) < 0)
		return pm_cli_error(err);
	struct pm_change *ch = NULL;
	size_t n = 0;
	if (pm_storage_image_diff(s, img->layers, img->n_layers, &ch, &n, &err) < 0)
		return pm_cli_error(err);
	print_changes(ch, n, json);
	pm_changes_free(ch, n);
	return 0;
}

/* Is ref an image? 1 (ret filled), 0 not, or an exit status < 0 negated. */
static int find_image(struct pm_cli *cli, const char *ref, struct pm_image_record *ret)
{
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_store_ struct pm_store *s = NULL;
	if (pm_cli_open_store(cli, &s, &err) < 0)
		return -pm_cli_error(err);
	int r = pm_image_resolve(s, ref, ret, &err);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return -pm_cli_error(err);
	return 1;
}

static int diff_main(struct pm_cli *cli, enum diff_of of, int argc, char **argv)
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
	while ((c = pm_cli_getopt(cli, &st, argc, argv, of == DIFF_IMAGE ? "" : "l", opts,
				  of == DIFF_IMAGE ? image_usage : usage)) != -1) {
		if (c == PM_OPT_EXIT)
			return st.status;
		if (c == 'F')
			format = optarg;
		if (c == 'l') {
			if (of == DIFF_IMAGE)
				return pm_cli_errorf("unknown flag: --latest\nSee '%s --help'",
						     cli->cmdpath);
			latest = true;
		}
	}
	if (format && strcmp(format, "json") != 0)
		return pm_cli_errorf("only supported value for '--format' is 'json'");
	int nargs = argc - optind;
	if (of == DIFF_IMAGE && (nargs < 1 || nargs > 2))
		return pm_cli_errorf("accepts between 1 and 2 arg(s), received %d", nargs);
	if (of != DIFF_IMAGE && !latest && nargs == 0)
		return pm_cli_errorf("\"%s\" requires a name, id, or the \"--latest\" flag",
				     cli->cmdpath);
	if (!pm_cli_nargs(cli, nargs, latest ? 0 : 1, latest ? 0 : 2))
		return PM_EXIT_ERROR;
	if (nargs == 2)
		return pm_cli_errorf("comparing two objects ('%s' and '%s') is not supported by "
				     "pm: give one",
				     argv[optind], argv[optind + 1]);
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
	} else {
		const char *ref = argv[optind];
		int r = of == DIFF_IMAGE ? -ENOENT : pm_engine_ctr_lookup(&e, ref, &ctr, &err);
		if (r == -ENOENT && of != DIFF_CTR) {
			/* podman: a container first, then an image */
			struct pm_image_record img = {0};
			int found = find_image(cli, ref, &img);
			if (found == 1) {
				int status = image_diff(cli, &img, format != NULL);
				pm_image_record_free(&img);
				return status;
			}
			if (found < 0)
				return -found;
			if (of == DIFF_IMAGE)
				return pm_cli_errorf("%s not found: %s: image not known", ref, ref);
			return pm_cli_errorf("%s not found: layer not known", ref);
		}
		if (r == -ENOENT)
			return pm_cli_errorf("%s not found: container not known", ref);
		if (r < 0)
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
	print_changes(ch, n, format != NULL);
	pm_changes_free(ch, n);
	return 0;
}

int cmd_diff(struct pm_cli *cli, int argc, char **argv)
{
	return diff_main(cli, DIFF_ANY, argc, argv);
}

int cmd_container_diff(struct pm_cli *cli, int argc, char **argv)
{
	return diff_main(cli, DIFF_CTR, argc, argv);
}

int cmd_image_diff(struct pm_cli *cli, int argc, char **argv)
{
	return diff_main(cli, DIFF_IMAGE, argc, argv);
}
