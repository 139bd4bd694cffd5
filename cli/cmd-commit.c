/* cmd-commit.c: `pm commit CONTAINER [IMAGE]` / `pm container commit`: turn a container's
 * upper dir into a new layer on top of its image (deletions become whiteouts), with
 * --change (CMD, ENTRYPOINT, ENV, WORKDIR, USER, EXPOSE, LABEL, ...), --message, --author
 * (storage/container.h); --squash makes the image's layers and the changes one layer. The
 * container's anonymous volumes become image VOLUMEs, with --include-volumes all its -v,
 * --mount and --tmpfs paths (podman's). Prints the new image id. Runs inside the rootless namespace
 * (PM_CMD_USERNS). */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/image-util.h"
#include "cli/progress.h"
#include "engine/config-json.h"
#include "engine/container.h"
#include "engine/ctr-volumes.h"
#include "engine/events.h"
#include "engine/run.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "storage/container.h"

static const char usage[] =
	"Create new image based on the changed container\n"
	"\n"
	"Description:\n"
	"  Create an image from a container's changes. Optionally tag the image created, set "
	"the author with the --author flag, set the commit message with the --message flag, "
	"and make changes to the instructions with the --change flag.\n"
	"\n"
	"Usage:\n"
	"  pm commit [options] CONTAINER [IMAGE]\n"
	"\n"
	"Options:\n"
	"  -a, --author string       Set the author for the image committed\n"
	"  -c, --change stringArray  Apply the following possible instructions to the created "
	"image (default []): CMD | ENTRYPOINT | ENV | EXPOSE | LABEL | ONBUILD | STOPSIGNAL | "
	"USER | VOLUME | WORKDIR\n"
	"  -f, --format string       Format of the image manifest and metadata (default \"oci\")\n"
	"      --iidfile string      Write the image ID to the file\n"
	"      --include-volumes     Include container volumes as image volumes\n"
	"  -m, --message string      Set commit message for imported image\n"
	"  -p, --pause               Pause container during commit\n"
	"  -q, --quiet               Suppress output\n"
	"  -s, --squash              squash newly built layers into a single new layer\n";

int cmd_commit(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"author", required_argument, NULL, 'a'},
		{"change", required_argument, NULL, 'c'},
		{"format", required_argument, NULL, 'f'},
		{"message", required_argument, NULL, 'm'},
		{"pause", optional_argument, NULL, 'p'},
		{"quiet", no_argument, NULL, 'q'},
		{"iidfile", required_argument, NULL, 'I'},
		{"include-volumes", optional_argument, NULL, 'V'},
		{"squash", optional_argument, NULL, 's'},
		{"help", no_argument, NULL, 0},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	const char *author = NULL, *message = NULL, *iidfile = NULL;
	bool quiet = false, squash = false, include_volumes = false;
	_cleanup_strv_ char **changes = NULL;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "a:c:f:m:pqs", opts, usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case 'a':
			author = optarg;
			break;
		case 'c':
			pm_strv_push(&changes, optarg);
			break;
		case 'f':
			if (strcmp(optarg, "oci") != 0 && strcmp(optarg, "docker") != 0)
				return pm_cli_errorf("unrecognized image type \"%s\"", optarg);
			break;
		case 'm':
			message = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'I':
			iidfile = optarg;
			break;
		case 's':
			if (pm_cli_bool_arg("-s, --squash", optarg, &squash))
				return PM_EXIT_ERROR;
			break;
		case 'V':
			if (pm_cli_bool_arg("include-volumes", optarg, &include_volumes))
				return PM_EXIT_ERROR;
			break;
		default:
			break;
		}
	}
	int nargs = argc - optind;
	if (!pm_cli_nargs(cli, nargs, 1, 2))
		return PM_EXIT_ERROR;
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_free_ char *name = NULL;
	if (nargs == 2 && pm_cli_image_name(argv[optind + 1], &name, &err) < 0)
		return pm_cli_error(err);
	_cleanup_container_ struct pm_container *ctr = NULL;
	struct pm_engine ce = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	if (pm_engine_ctr_lookup(&ce, argv[optind], &ctr, &err) < 0) /* refreshed */
		return pm_cli_error(err);
	if (!ctr->image_id[0])
		return pm_cli_errorf("container %s runs from --rootfs: it has no image to commit "
				     "on",
				     ctr->id);
	/* the container's volumes as VOLUME changes, before the user's */
	struct pm_container_config cfg = {0};
	if (pm_config_from_json(ctr->config_json, &cfg, &err) < 0)
		return pm_cli_error(err);
	_cleanup_strv_ char **vols = pm_engine_commit_volumes(&cfg, include_volumes);
	pm_spec_config_clear(&cfg);
	_cleanup_strv_ char **all = NULL;
	for (char **v = vols; v && *v; v++)
		pm_strv_consume(&all, pm_xasprintf("VOLUME %s", *v));
	for (char **ch = changes; ch && *ch; ch++)
		pm_strv_push(&all, *ch);
	_cleanup_store_ struct pm_store *s = NULL;
	if (pm_cli_open_store(cli, &s, &err) < 0)
		return pm_cli_error(err);
	_cleanup_free_ char *id = NULL;
	struct pm_cli_progress progress;
	pm_cli_progress_start(&progress, s, quiet, true);
	int r = pm_storage_ctr_commit_flags(s, ctr->id, name, all, message, author,
					    squash ? PM_STORAGE_COMMIT_SQUASH : 0, &id, &err);
	if (r == 0)
		pm_cli_progress_image(&progress, id);
	pm_cli_progress_end(&progress);
	if (r < 0)
		return pm_cli_error(err);
	struct pm_engine e = {.paths = &cli->paths};
	pm_engine_event(&e, ctr, "commit");
	if (iidfile) { /* podman's: the bare id (build's has the sha256: prefix) */
		if (pm_write_file_atomic(iidfile, id, strlen(id), 0644, &err) < 0)
			return pm_cli_error(err);
	}
	printf("%s\n", id);
	return 0;
}
