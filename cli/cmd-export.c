/* cmd-export.c: `pm export [-o FILE] CONTAINER` / `pm container export`: a tar of the
 * container's merged root filesystem (storage/container.h) to FILE or to stdout (never to
 * a terminal). Mounts the rootfs for the export and releases it after when it was not
 * mounted before. Runs inside the rootless namespace (PM_CMD_USERNS). */
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/image-util.h"
#include "engine/container.h"
#include "engine/run.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "storage/container.h"

static const char usage[] =
	"Export a container's filesystem contents as a tar archive\n"
	"\n"
	"Description:\n"
	"  Exports container's filesystem contents as a tar archive and saves it "
	"on the local machine.\n"
	"\n"
	"Usage:\n"
	"  pm export [options] CONTAINER\n"
	"\n"
	"Options:\n"
	"  -o, --output string   Write to a specified file (default: stdout, "
	"which must be redirected)\n";

int cmd_export(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 0},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	const char *output = NULL;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "o:", opts, usage)) != -1) {
		if (c == PM_OPT_EXIT)
			return st.status;
		if (c == 'o')
			output = optarg;
	}
	if (!pm_cli_nargs(cli, argc - optind, 1, 1))
		return PM_EXIT_ERROR;
	_cleanup_cli_output_ struct pm_cli_output out = {.fd = -1};
	int status = pm_cli_output_open(
		&out, output, "refusing to export to terminal. Use -o flag or redirect", false);
	if (status)
		return status;
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_container_ struct pm_container *ctr = NULL;
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	if (pm_engine_ctr_lookup(&e, argv[optind], &ctr, &err) < 0) /* refreshed */
		return pm_cli_error(err);
	if (!ctr->image_id[0])
		return pm_cli_errorf("container %s runs from --rootfs: export its directory with "
				     "tar",
				     ctr->id);
	_cleanup_store_ struct pm_store *s = NULL;
	if (pm_cli_open_store(cli, &s, &err) < 0)
		return pm_cli_error(err);
	bool was_mounted = pm_storage_ctr_mounted(s, ctr->id, NULL) > 0;
	_cleanup_free_ char *mp = NULL;
	if (pm_storage_ctr_mount(s, ctr->id, &mp, &err) < 0)
		return pm_cli_error(err);
	if (pm_storage_ctr_export(s, ctr->id, out.fd, &err) < 0)
		status = pm_cli_error(err);
	else
		status = pm_cli_output_done(&out);
	if (!was_mounted) {
		pm_engine_refresh(&e, ctr);
		if (ctr->state.status != PM_CTR_RUNNING && ctr->state.status != PM_CTR_PAUSED)
			pm_storage_ctr_unmount(s, ctr->id, NULL);
	}
	return status;
}
