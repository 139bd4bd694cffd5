/* cmd-stop.c: `pm stop [-t N] [-a] [-i] CONTAINER...`: the stop signal, SIGKILL after the
 * timeout (at once when PID 1 has no handler for it: engine/run.h). Prints each name. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/ctr-util.h"
#include "engine/run.h"
#include "lib/strutil.h"
#include "pods/lifecycle.h"

static const char stop_usage[] =
	"Stop one or more containers\n"
	"\n"
	"Description:\n"
	"  Stops one or more running containers.  The container name or ID can be used.\n"
	"\n"
	"  A timeout to forcibly stop the container can also be set but defaults to 10 seconds "
	"otherwise.\n"
	"\n"
	"Usage:\n"
	"  pm stop [options] CONTAINER [CONTAINER...]\n"
	"\n"
	"Options:\n"
	"  -a, --all          Stop all running containers\n"
	"      --cidfile stringArray   Read the container ID from the file\n"
	"  -f, --filter stringArray   Filter what containers are going to be stopped\n"
	"  -i, --ignore       Ignore errors when a specified container is missing\n"
	"  -l, --latest       Act on the latest container pm is aware of\n"
	"  -t, --time int     Seconds to wait for stop before killing the container (default "
	"10)\n";

int cmd_stop(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},
		{"ignore", no_argument, NULL, 'i'},
		{"time", required_argument, NULL, 't'},
		{"timeout", required_argument, NULL, 't'},
		{"cidfile", required_argument, NULL, 'C'},
		{"filter", required_argument, NULL, 'f'},
		{"latest", no_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	_cleanup_strv_ char **cidfiles = NULL, **refs = NULL, **filters = NULL;
	struct pm_opt_state st = {0};
	bool all = false, ignore = false, latest = false;
	int timeout = -1, opt;
	while ((opt = pm_cli_getopt(cli, &st, argc, argv, "af:ilt:", opts, stop_usage)) != -1) {
		switch (opt) {
		case PM_OPT_EXIT:
			return st.status;
		case 'a':
			all = true;
			break;
		case 'i':
			ignore = true;
			break;
		case 'f':
			pm_strv_push(&filters, optarg);
			break;
		case 'l':
			latest = true;
			break;
		case 't':
			if (!pm_cli_parse_seconds("--time", optarg, &timeout))
				return PM_EXIT_ERROR;
			break;
		case 'C': /* read once -i is known */
			pm_strv_push(&cidfiles, optarg);
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
	int status = pm_cli_read_cidfiles(cidfiles, ignore, &refs, NULL);
	if (status != 0)
		return status;
	if (select)
		status = pm_cli_ctr_select(cli, filters, latest, PM_EXIT_ERROR, &refs);
	else if (all)
		refs = pm_cli_ctr_all_ids(&e);
	if (status != 0)
		return status;
	bool by_id = all || select; /* printed by id, as podman */
	for (int i = optind; !by_id && i < argc; i++)
		pm_strv_push(&refs, argv[i]);
	int n = (int)pm_strv_length(refs);
	for (int i = 0; i < n; i++) {
		const char *ref = refs[i];
		_cleanup_container_ struct pm_container *c = NULL;
		_cleanup_error_ pm_error *err = NULL;
		if (ignore) {
			if (pm_engine_ctr_lookup(&e, ref, &c, NULL) < 0) /* refreshed */
				continue;
		} else if (pm_cli_ctr_lookup(&e, ref, &c) < 0) {
			status = PM_EXIT_ERROR;
			continue;
		}
		if (all && c->state.status != PM_CTR_RUNNING && c->state.status != PM_CTR_PAUSED)
			continue;
		if (pm_engine_stop(&e, c, timeout, &err) < 0) {
			status = pm_cli_error(err);
			continue;
		}
		pm_pod_ctr_exited(&e, c); /* a pod's --exit-policy stop */
		printf("%s\n", by_id ? c->id : ref);
		fflush(stdout);
	}
	return status;
}
