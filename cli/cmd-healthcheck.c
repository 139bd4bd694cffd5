/* cmd-healthcheck.c: `pm healthcheck run CONTAINER`: run the container's health check now
 * (engine/health.h) and apply its --health-on-failure action when it turned unhealthy, as
 * `pm kill`, `pm stop` and `pm restart` would. pm-monitor runs the same command for the
 * periodic checks. Prints "unhealthy" (exit 1) when the check failed, nothing when it
 * passed (exit 0). */
#include <signal.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/ctr-state.h"
#include "engine/health.h"
#include "engine/run.h"
#include "lib/log.h"
#include "pods/lifecycle.h"

static const char healthcheck_run_usage[] = "Run the health check of a container\n"
					    "\n"
					    "Description:\n"
					    "  Run a container healthcheck\n"
					    "\n"
					    "Usage:\n"
					    "  pm healthcheck run CONTAINER\n";

/* The action of --health-on-failure, on the container id names. */
static int on_failure(const struct pm_engine *e, const char *id, enum pm_health_action a,
		      pm_error **err)
{
	_cleanup_container_ struct pm_container *c = NULL;
	int r = pm_container_lookup(e->paths, id, &c, err);
	if (r < 0)
		return r;
	switch (a) {
	case PM_HEALTH_ACTION_KILL:
		return pm_engine_kill(e, c, SIGKILL, err);
	case PM_HEALTH_ACTION_STOP:
		return pm_engine_stop(e, c, -1, err);
	case PM_HEALTH_ACTION_RESTART:
		if ((r = pm_engine_stop(e, c, -1, err)) < 0 ||
		    (r = pm_container_reload(e->paths, c, err)) < 0 ||
		    (r = pm_pod_ctr_prepare_start(e, c, err)) < 0)
			return r;
		return pm_engine_start(e, c, err);
	case PM_HEALTH_ACTION_NONE:
		break;
	}
	return 0;
}

int cmd_healthcheck_run(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	int opt;
	while ((opt = pm_cli_getopt(cli, &st, argc, argv, "", opts, healthcheck_run_usage)) != -1) {
		if (opt == PM_OPT_EXIT)
			return st.status;
		return PM_EXIT_ERROR;
	}
	if (!pm_cli_nargs(cli, argc - optind, 1, 1))
		return PM_EXIT_ERROR;
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_free_ char *id = NULL;
	bool healthy = false;
	enum pm_health_action action;
	int r = pm_engine_healthcheck_run(&e, argv[optind], &healthy, &action, &id, &err);
	if (action != PM_HEALTH_ACTION_NONE) {
		_cleanup_error_ pm_error *aerr = NULL;
		if (on_failure(&e, id, action, &aerr) < 0)
			pm_log_warn("health check action on container %s: %s", id,
				    aerr && aerr->msg ? aerr->msg : "failed");
	}
	if (r < 0)
		return pm_cli_error(err);
	if (healthy)
		return 0;
	printf("unhealthy\n");
	return 1;
}
