/* cmd-kill.c: `pm kill [-s SIG] [-a] CONTAINER...` (or --cidfile, --latest, --filter):
 * send a signal to containers' PID 1. Prints each name (the id for -a, -l, --filter). */
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
	"      --cidfile stringArray   Read the container ID from the file\n"
	"  -f, --filter stringArray   Filter what containers are signalled (pm's own)\n"
	"  -l, --latest          Act on the latest container pm is aware of\n"
	"  -s, --signal string   Signal to send to the container (default \"KILL\")\n";

int cmd_kill(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},
		{"signal", required_argument, NULL, 's'},
		{"cidfile", required_argument, NULL, 'C'},
		{"filter", required_argument, NULL, 'f'},
		{"latest", no_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	_cleanup_strv_ char **cidfiles = NULL, **filters = NULL, **refs = NULL;
	bool all = false, latest = false;
	int sig = 9, opt;
	while ((opt = pm_cli_getopt(cli, &st, argc, argv, "af:ls:", opts, kill_usage)) != -1) {
		switch (opt) {
		case PM_OPT_EXIT:
			return st.status;
		case 'a':
			all = true;
			break;
		case 'C':
			pm_strv_push(&cidfiles, optarg);
			break;
		case 'f':
			pm_strv_push(&filters, optarg);
			break;
		case 'l':
			latest = true;
			break;
		case 's':
			if (pm_engine_parse_signal(optarg, &sig) < 0) {
				int n;
				/* podman's words for a number past the last signal */
				if (pm_parse_int(optarg, &n) == 0 && n > 64)
					return pm_cli_errorf("valid signals are 1 through 64");
				return pm_cli_errorf("invalid signal: %s", optarg);
			}
			break;
		default:
			return PM_EXIT_ERROR;
		}
	}
	if (all && optind < argc)
		return pm_cli_errorf("--all and containers cannot be used together");
	if (latest && optind < argc)
		return pm_cli_errorf("--latest and containers cannot be used together");
	if (filters && optind < argc)
		return pm_cli_errorf("--filter takes no arguments");
	if ((all + latest + !!cidfiles) > 1)
		return pm_cli_errorf("--all, --latest, and --cidfile cannot be used together");
	bool select = latest || filters;
	if (!all && !select && !cidfiles && argc - optind < 1) /* podman's words */
		return pm_cli_errorf("you must provide at least one name or id");
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	int status = pm_cli_read_cidfiles(cidfiles, false, &refs, NULL);
	if (status == 0 && select)
		status = pm_cli_ctr_select(cli, filters, latest, PM_EXIT_ERROR, &refs);
	if (status != 0)
		return status;
	if (all)
		refs = pm_cli_ctr_all_ids(&e);
	bool by_id = all || select; /* printed by id, as podman */
	for (int i = optind; i < argc; i++)
		pm_strv_push(&refs, argv[i]);
	int n = (int)pm_strv_length(refs);
	for (int i = 0; i < n; i++) {
		const char *ref = refs[i];
		_cleanup_container_ struct pm_container *c = NULL;
		_cleanup_error_ pm_error *err = NULL;
		if (pm_cli_ctr_lookup(&e, ref, &c) < 0) {
			status = PM_EXIT_ERROR;
			continue;
		}
		if ((all || filters) && c->state.status != PM_CTR_RUNNING)
			continue;
		if (pm_engine_kill(&e, c, sig, &err) < 0) {
			status = pm_cli_error(err);
			continue;
		}
		printf("%s\n", by_id ? c->id : ref);
		fflush(stdout);
	}
	return status;
}
