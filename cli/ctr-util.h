/* ctr-util.h: what the lifecycle commands (start, stop, kill, restart, wait, rm, attach)
 * share: container lookup with podman's messages, the list of all containers for -a. */
#pragma once

#include <stdbool.h>

#include "cli/cli.h"
#include "engine/container.h"
#include "engine/run.h"

/* Find ref; prints podman's "no container with name or ID" error and returns -ENOENT
 * (other errors printed as they come). The state is refreshed (engine/run.h). */
int pm_cli_ctr_lookup(const struct pm_engine *e, const char *ref, struct pm_container **ret);

/* Ids of every container, newest first (NULL-terminated; NULL when none). */
char **pm_cli_ctr_all_ids(const struct pm_engine *e);

/* Parse a seconds flag value (-t/--time). */
bool pm_cli_parse_seconds(const char *flag, const char *arg, int *ret);
