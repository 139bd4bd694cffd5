/* cmd-kill.c: `pm kill [-s SIG] [-a] CONTAINER...`: send a signal to containers' PID 1.
 * Prints each name. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/ctr-util.h"
#include "engine/monitor.h"
#include "lib/strutil.h"

static const char kill_usage[] =
	"Kill one or more running containers with a specific signal\n"
	"\n"
	"Description:\n"
	"  The main process inside each container specified will be sent SIGKILL, or any signal "
	"specified with option --signal.\n"
	"\n"
	"Usage:\n"
	"  pm kill [options] CONTAINER [CONTAINER...]\n"
	"\n"
	"Options:\n"
	"  -a, --all             Signal all running containers\n"
	"  -s, --signal string   Signal to send to the container (default \"KILL\")\n";

int cmd_kill(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},
		{"signal", required_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	bool all = false;
	int sig = 9, opt;
	while ((opt = pm_cli_getopt(cli, &st, argc, argv, "as:", opts, kill_usage)) != -1) {
		switch (opt) {
		case PM_OPT_EXIT:
			return st.status;
		case 'a':
			all = true;
			break;
		case 's':
			if (pm_engine_parse_signal(optarg, &sig) < 0)
				return pm_cli_errorf("invalid signal: %s", optarg);
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
		if (all && c->state.status != PM_CTR_RUNNING)
			continue;
		if (pm_engine_kill(&e, c, sig, &err) < 0) {
			status = pm_cli_error(err);
			continue;
		}
		printf("%s\n", all ? c->id : ref);
		fflush(stdout);
	}
	return status;
}
