/* STUB: replaced by the lead. */
#include "cli/commands.h"
int cmd_info(struct pm_cli *cli, int argc, char **argv)
{
	return pm_cli_errorf("not implemented");
}
