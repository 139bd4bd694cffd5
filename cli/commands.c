/* commands.c: the command table. One line per command; the code lives in cli/cmd-*.c.
 * Keep the table sorted by name, as podman's help lists them. */
#include "cli/cli.h"
#include "cli/commands.h"

static const struct pm_command system_commands[] = {
	{ "info", cmd_info, 0, "Display pm related system information", NULL },
	{ "migrate", cmd_system_migrate, 0, "Migrate containers (ends the pause process so changed subordinate ids apply)", NULL },
	{ NULL, NULL, 0, NULL, NULL },
};

const struct pm_command pm_commands[] = {
	{ "help", cmd_help, 0, "Help about any command", NULL },
	{ "info", cmd_info, 0, "Display pm related system information", NULL },
	{ "system", NULL, 0, "Manage pm", system_commands },
	{ "unshare", cmd_unshare, 0, "Run a command in a modified user namespace", NULL },
	{ "version", cmd_version, 0, "Display the pm version information", NULL },
	{ NULL, NULL, 0, NULL, NULL },
};
