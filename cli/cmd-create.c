/* cmd-create.c: `pm create`: the flags of `pm run` (cmd_run_parse, without -d), create the
 * container (record, name, rootfs) and print its id (not with --log-driver passthrough);
 * `pm start` runs it later. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/cmd-run.h"
#include "cli/commands.h"
#include "engine/run.h"
#include "engine/validate.h"

int cmd_create(struct pm_cli *cli, int argc, char **argv)
{
	struct pm_container_config cfg = {0};
	struct cmd_run_opts o = {.create = true, .pod_lock = -1};
	_cleanup_container_ struct pm_container *c = NULL;
	int status = PM_EXIT_ERROR;
	if (cmd_run_parse(cli, argc, argv, &cfg, &o, &status) < 0)
		goto out;
	struct pm_engine engine = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	status = cmd_run_create(cli, &engine, &cfg, &o, &c);
	cmd_run_pod_done(&engine, &o, status != 0);
	/* passthrough: stdout is the container's, no id mixed into it (as podman) */
	if (status == 0 && !pm_log_driver_is_passthrough(cfg.log_driver))
		printf("%s\n", c->id);
out:
	pm_spec_config_clear(&cfg);
	return status;
}
