/* health.h: container health checks (podman's --health-* and `healthcheck run`): running
 * one in the container through the exec path with its timeout, and its result: a small
 * state file beside the record (<root>/db/containers/<id>/healthcheck.json, written
 * atomically under its own lock) read by inspect (.State.Health) and ps (STATUS, --filter
 * health=). What a check is and the pure parts: engine/health-parse.h. The periodic checks
 * are the container's monitor's (monitor/health.h): it runs `pm healthcheck run ID`.
 * Never prints. */
#pragma once

#include <stdbool.h>

#include "engine/engine.h"
#include "engine/health-parse.h"
#include "lib/error.h"

struct pm_container;

/* The health of c as inspect and ps show it: "" without a health check; "starting" with
 * no result for its current start; else the file's. */
void pm_health_state_get(const struct pm_container *c, const struct pm_healthcheck *hc,
			 struct pm_health_state *ret);

/* `pm healthcheck run REF`: run the check of the running container in it (the exec path,
 * stdout and stderr captured, killed at the timeout), record the result. *ret_healthy:
 * the check passed. *ret_action: the --health-on-failure action due (the check failed and
 * the status is unhealthy), for the caller to apply as `pm kill`/`stop`/`restart` do.
 * Errors (125, podman's words): no such container, "container ID has no defined
 * healthcheck", "container ID is not running", "healthcheck command exceeded timeout of
 * 30s" (recorded first, exit code -1). */
int pm_engine_healthcheck_run(const struct pm_engine *e, const char *ref, bool *ret_healthy,
			      enum pm_health_action *ret_action, char **ret_id, pm_error **err);
