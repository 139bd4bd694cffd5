/* cmd-rename.c: `pm rename` / `pm container rename CONTAINER NAME`: the new name is reserved
 * atomically before the old one is released (engine/container.h), under the container's
 * lock. Records only: no rootless namespace. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "engine/container.h"
#include "engine/events.h"
#include "engine/run.h"

static const char usage[] = "Rename an existing container\n"
			    "\n"
			    "Description:\n"
			    "  The pm rename command allows you to rename an existing container\n"
			    "\n"
			    "Usage:\n"
			    "  pm rename CONTAINER NAME\n";

int cmd_rename(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 0}, {NULL, 0, NULL, 0}};
	struct pm_opt_state st = {0};
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "", opts, usage)) != -1)
		if (c == PM_OPT_EXIT)
			return st.status;
	if (argc - optind != 2) {
		fprintf(stderr, "Error: accepts 2 arg(s), received %d\n", argc - optind);
		return PM_EXIT_ERROR;
	}
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_container_ struct pm_container *ctr = NULL;
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	if (pm_engine_ctr_lookup(&e, argv[optind], &ctr, &err) < 0) /* refreshed */
		return pm_cli_error(err);
	const char *newname = argv[optind + 1];
	if (!pm_container_name_valid(newname))
		return pm_cli_errorf("names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid "
				     "argument");
	if (strcmp(ctr->name, newname) == 0)
		return 0;
	_cleanup_close_ int lock = pm_container_lock(&cli->paths, ctr->id, &err);
	if (lock < 0)
		return pm_cli_error(err);
	if (pm_container_rename(&cli->paths, ctr, newname, &err) < 0)
		return pm_cli_error(err);
	pm_engine_event(&e, ctr, "rename");
	return 0;
}
