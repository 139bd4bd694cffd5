/* commands.h: one entry point per command, int cmd_NAME(struct pm_cli *, int argc, char **argv)
 * returning the exit status. argv[0] is the command name. */
#pragma once

#include "cli/cli.h"

int cmd_help(struct pm_cli *cli, int argc, char **argv);
int cmd_info(struct pm_cli *cli, int argc, char **argv);
int cmd_system_migrate(struct pm_cli *cli, int argc, char **argv);
int cmd_unshare(struct pm_cli *cli, int argc, char **argv);
int cmd_version(struct pm_cli *cli, int argc, char **argv);
