/* cmd-run.h: the flag parser of `pm run`, shared with `pm create`. */
#pragma once

#include <stdbool.h>

#include "cli/cli.h"
#include "engine/spec.h"

/* Parse argv (argv[0] is the command name) into c. Returns 0, or -1 with *ret_status set
 * (0 after --help, 125 after a printed error). */
int cmd_run_parse(struct pm_cli *cli, int argc, char **argv, struct pm_container_config *c,
		  bool *ret_detach, int *ret_status);
