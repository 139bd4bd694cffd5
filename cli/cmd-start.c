/* cmd-start.c: `pm start [-a] [-i] CONTAINER...` (or --all, --filter, --latest: those not
 * running, printed by id, as podman's): start created or exited containers,
 * detached (a monitor each) or, with -a, attached: this process is the monitor, as for a
 * foreground `pm run`, and exits with the container's status. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/ctr-util.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "pods/lifecycle.h"

static const char start_usage[] =
	"Start one or more containers\n"
	"\n"
	"Description:\n"
	"  Starts one or more containers.  The container name or ID can be used.\n"
	"\n"
	"Usage:\n"
	"  pm start [options] CONTAINER [CONTAINER...]\n"
	"\n"
	"Options:\n"
	"      --all                  Start all containers regardless of their state or "
	"configuration\n"
	"  -a, --attach               Attach container's STDOUT and STDERR\n"
	"      --detach-keys string   Select the key sequence for detaching a container. Format "
	"is a single character [a-Z] or a comma separated sequence of `ctrl-<value>`, where "
	"`<value>` is one of: `a-z`, `@`, `^`, `[`, `\\`, `]` or `_` (default \"ctrl-p,ctrl-q\")\n"
	"  -f, --filter stringArray   Filter output based on conditions given\n"
	"  -i, --interactive          Keep STDIN open even if not attached\n"
	"  -l, --latest               Act on the latest container pm is aware of\n"
	"      --sig-proxy            Proxy received signals to the process (default true if "
	"attaching, false otherwise)\n";

int cmd_start(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"attach", no_argument, NULL, 'a'},
		{"interactive", no_argument, NULL, 'i'},
		{"detach-keys", required_argument, NULL, 'K'},
		{"all", no_argument, NULL, 'A'},
		{"filter", required_argument, NULL, 'f'},
		{"latest", no_argument, NULL, 'l'},
		{"sig-proxy", optional_argument, NULL, 'P'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	_cleanup_strv_ char **filters = NULL, **refs = NULL;
	bool attach = false, all = false, latest = false, sig_proxy = false;
	int opt;
	while ((opt = pm_cli_getopt(cli, &st, argc, argv, "af:il", opts, start_usage)) != -1) {
		switch (opt) {
		case PM_OPT_EXIT:
			return st.status;
		case 'a':
			attach = true;
			break;
		case 'A':
			all = true;
			break;
		case 'f':
			pm_strv_push(&filters, optarg);
			break;
		case 'l':
			latest = true;
			break;
		case 'P':
			sig_proxy = true;
			break;
		case 'i':
		case 'K':
			break;
		default:
			return PM_EXIT_ERROR;
		}
	}
	if (sig_proxy && !attach)
		return pm_cli_errorf("you cannot use sig-proxy without --attach: invalid argument");
	bool select = all || latest || filters;
	if (all && optind < argc)
		return pm_cli_errorf("either start all containers or the container(s) provided in "
				     "the arguments");
	if (latest && optind < argc)
		return pm_cli_errorf("--latest and containers cannot be used together");
	if (!select && !pm_cli_nargs(cli, argc - optind, 1, -1))
		return PM_EXIT_ERROR;
	if (attach && select)
		return pm_cli_errorf("--attach is not allowed with --all, --filter or --latest");
	if (attach && argc - optind > 1)
		return pm_cli_errorf("you cannot start and attach multiple containers at once");
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	int status = select ? pm_cli_ctr_select(cli, filters, latest, PM_EXIT_ERROR, &refs) : 0;
	if (status != 0)
		return status;
	/* --filter with names: the named ones that pass (podman's) */
	_cleanup_strv_ char **passed = filters && optind < argc ? TAKE_PTR(refs) : NULL;
	for (int i = optind; i < argc; i++)
		pm_strv_push(&refs, argv[i]);
	for (char **ref = refs; ref && *ref; ref++) {
		_cleanup_container_ struct pm_container *c = NULL;
		_cleanup_error_ pm_error *err = NULL;
		if (pm_cli_ctr_lookup(&e, *ref, &c) < 0) {
			status = PM_EXIT_ERROR;
			continue;
		}
		if (passed && !pm_strv_contains(passed, c->id))
			continue;
		if (select && pm_ctr_is_running(c))
			continue; /* podman's --all: the others */
		if (pm_pod_ctr_prepare_start(&e, c, &err) < 0) {
			status = pm_cli_error(err);
			continue;
		}
		if (attach) {
			int code = 0;
			bool rm = pm_engine_ctr_autoremove(c); /* create --rm: gone after its run */
			if ((rm ? pm_engine_start_foreground_then_remove(&e, c, &code, &err)
				: pm_engine_start_foreground(&e, c, &code, &err)) < 0) {
				pm_cli_error(err);
				return PM_EXIT_ERROR;
			}
			_cleanup_error_ pm_error *rmerr = NULL;
			if (rm && pm_engine_remove_detached(&e, c, true, &rmerr) < 0)
				pm_log_warn("%s", rmerr->msg);
			return code;
		}
		if (pm_engine_start(&e, c, &err) < 0) {
			pm_cli_error(err); /* podman: 125 whatever the cause */
			status = PM_EXIT_ERROR;
			continue;
		}
		printf("%s\n", select ? c->id : *ref);
		fflush(stdout);
	}
	return status;
}
