/* cmd-restart.c: `pm restart [-t N] [-a] CONTAINER...`: stop (as pm stop), then start
 * detached. Prints each container's id. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/ctr-util.h"
#include "engine/events.h"
#include "pods/lifecycle.h"
#include "lib/strutil.h"

static const char restart_usage[] =
	"Restart one or more containers\n"
	"\n"
	"Description:\n"
	"  Restarts one or more running containers. The container ID or name can be used.\n"
	"\n"
	"  A timeout before forcibly stopping can be set, but defaults to 10 seconds.\n"
	"\n"
	"Usage:\n"
	"  pm restart [options] CONTAINER [CONTAINER...]\n"
	"\n"
	"Options:\n"
	"  -a, --all          Restart all non-running containers\n"
	"      --running      Restart only running containers when --all is used\n"
	"  -t, --time int     Seconds to wait for stop before killing the container (default "
	"10)\n";

int cmd_restart(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},	{"running", no_argument, NULL, 'R'},
		{"time", required_argument, NULL, 't'}, {"timeout", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},	{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	bool all = false, running = false;
	int timeout = -1, opt;
	while ((opt = pm_cli_getopt(cli, &st, argc, argv, "at:", opts, restart_usage)) != -1) {
		switch (opt) {
		case PM_OPT_EXIT:
			return st.status;
		case 'a':
			all = true;
			break;
		case 'R':
			running = true;
			break;
		case 't':
			if (!pm_cli_parse_seconds("--time", optarg, &timeout))
				return PM_EXIT_ERROR;
			break;
		default:
			return PM_EXIT_ERROR;
		}
	}
	if (all && optind < argc)
		return pm_cli_errorf("--all and containers cannot be used together");
	if (!all && !pm_cli_nargs(cli, argc - optind, 1, -1))
		return PM_EXIT_ERROR;
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	_cleanup_strv_ char **refs = all ? pm_cli_ctr_all_ids(&e) : NULL;
	int status = 0;
	int n = all ? (int)pm_strv_length(refs) : argc - optind;
	for (int i = 0; i < n; i++) {
		const char *ref = all ? refs[i] : argv[optind + i];
		_cleanup_container_ struct pm_container *c = NULL;
		_cleanup_error_ pm_error *err = NULL;
		if (pm_cli_ctr_lookup(&e, ref, &c) < 0) {
			status = PM_EXIT_ERROR;
			continue;
		}
		if (all && running && c->state.status != PM_CTR_RUNNING)
			continue;
		if (pm_engine_stop(&e, c, timeout, &err) < 0 ||
		    pm_container_reload(e.paths, c, &err) < 0 ||
		    pm_pod_ctr_prepare_start(&e, c, &err) < 0 || pm_engine_start(&e, c, &err) < 0) {
			status = pm_cli_error(err);
			continue;
		}
		pm_engine_event(&e, c, "restart");
		printf("%s\n", c->id);
		fflush(stdout);
	}
	return status;
}
