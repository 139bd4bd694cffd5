/* cmd-help.c: `pm help [COMMAND...]`: the same text as `pm COMMAND --help`. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"

int cmd_help(struct pm_cli *cli, int argc, char **argv)
{
	/* Re-dispatch "pm help a b" as "pm a b --help" by exec'ing ourselves: the command
	 * table owns the help texts. */
	char *args[16];
	int n = 0;
	args[n++] = "pm";
	for (int i = 1; i < argc && n < 13; i++)
		args[n++] = argv[i];
	args[n++] = "--help";
	args[n] = NULL;
	execv("/proc/self/exe", args);
	return pm_cli_errorf("help: cannot re-execute pm: %m");
}
