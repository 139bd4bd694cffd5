/* cmd-system.c: `pm system migrate`: end the rootless pause process (and remove its pid file)
 * so that changed /etc/subuid and /etc/subgid ranges apply to the next pm command. Prints
 * nothing on success, as podman. `pm system renumber`: nothing to do (no lock numbers). Calls
 * rootless/ only; runs outside the user namespace. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "rootless/userns.h"

static const char migrate_usage[] =
	"Migrate containers\n"
	"\n"
	"Description:\n"
	"  Migrate existing containers to a new version of pm: ends the pause process that\n"
	"  holds the rootless user namespace, so changed subordinate id ranges apply.\n"
	"\n"
	"Usage:\n"
	"  pm system migrate [options]\n"
	"\n"
	"Options:\n"
	"  -h, --help                 help for migrate\n"
	"      --new-runtime string   Specify a new runtime for all containers (pm has no OCI "
	"runtime to switch: accepted)\n";

int cmd_system_migrate(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"help", no_argument, NULL, 0},
		{"new-runtime", required_argument, NULL, 'R'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "", opts, migrate_usage)) != -1)
		if (c == PM_OPT_EXIT)
			return st.status;
	if (!pm_cli_nargs(cli, argc - optind, 0, 0))
		return PM_EXIT_ERROR;

	_cleanup_error_ pm_error *err = NULL;
	if (pm_rootless_migrate(&cli->paths, &err) < 0)
		return pm_cli_error(err);
	return 0;
}

static const char renumber_usage[] =
	"Migrate lock numbers\n"
	"\n"
	"Description:\n"
	"  Migrate lock numbers to handle a change in maximum number of locks: pm has no lock\n"
	"  numbers (each object has its own lock file), so there is nothing to renumber.\n"
	"\n"
	"Usage:\n"
	"  pm system renumber\n"
	"\n"
	"Options:\n"
	"  -h, --help   help for renumber\n";

int cmd_system_renumber(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 0}, {NULL, 0, NULL, 0}};
	struct pm_opt_state st = {0};
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "", opts, renumber_usage)) != -1)
		if (c == PM_OPT_EXIT)
			return st.status;
	return pm_cli_nargs(cli, argc - optind, 0, 0) ? 0 : PM_EXIT_ERROR;
}
