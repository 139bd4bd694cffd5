/* cmd-restart.c: `pm restart [-t N] [-a] CONTAINER...`: stop (as pm stop), then start
 * detached. Prints each container as given (an id with --all, --latest, --filter). */
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
	"      --cidfile stringArray   Read the container ID from the file\n"
	"  -f, --filter stringArray   Filter output based on conditions given\n"
	"  -l, --latest       Act on the latest container pm is aware of\n"
	"      --running      Restart only running containers when --all is used\n"
	"  -t, --time int     Seconds to wait for stop before killing the container (default "
	"10)\n";

int cmd_restart(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},
		{"running", no_argument, NULL, 'R'},
		{"time", required_argument, NULL, 't'},
		{"timeout", required_argument, NULL, 't'},
		{"cidfile", required_argument, NULL, 'C'},
		{"filter", required_argument, NULL, 'f'},
		{"latest", no_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	bool all = false, running = false, latest = false;
	_cleanup_strv_ char **cidfiles = NULL, **filters = NULL, **refs = NULL;
	int timeout = -1, opt;
	while ((opt = pm_cli_getopt(cli, &st, argc, argv, "af:lt:", opts, restart_usage)) != -1) {
		switch (opt) {
		case PM_OPT_EXIT:
			return st.status;
		case 'a':
			all = true;
			break;
		case 'R':
			running = true;
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
		case 't':
			if (!pm_cli_parse_seconds("--time", optarg, &timeout))
				return PM_EXIT_ERROR;
			break;
		default:
			return PM_EXIT_ERROR;
		}
	}
	int status = pm_cli_ctr_select_args(cli, argc - optind, all, latest, cidfiles, filters);
	if (status != 0)
		return status;
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	status = pm_cli_read_cidfiles(cidfiles, false, &refs, NULL);
	if (status == 0 && (latest || filters))
		status = pm_cli_ctr_select(cli, filters, latest, PM_EXIT_ERROR, &refs);
	if (status != 0)
		return status;
	if (all)
		refs = pm_cli_ctr_all_ids(&e);
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
		if (all && running && c->state.status != PM_CTR_RUNNING)
			continue;
		if (pm_engine_stop(&e, c, timeout, &err) < 0 ||
		    pm_container_reload(e.paths, c, &err) < 0 ||
		    pm_pod_ctr_prepare_start(&e, c, &err) < 0 || pm_engine_start(&e, c, &err) < 0) {
			status = pm_cli_error(err);
			continue;
		}
		pm_engine_event(&e, c, "restart");
		printf("%s\n", ref); /* podman 4.3: the name or id as given */
		fflush(stdout);
	}
	return status;
}
