/* STUB: replaced by the rootless helper. */
#include "cli/commands.h"
int cmd_unshare(struct pm_cli *cli, int argc, char **argv)
{
	return pm_cli_errorf("not implemented");
}
