/* cmd-attach.c: `pm attach [--detach-keys K] [--no-stdin] {-l | CONTAINER}`: connect to the
 * running container's monitor (its attach socket) and relay output, input and window size
 * until it exits (its exit code) or the user detaches (ctrl-p,ctrl-q: exit 0). */
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/ctr-util.h"
#include "engine/config-json.h"
#include "engine/ctr-paths.h"
#include "engine/monitor.h"

static const char attach_usage[] =
	"Attach to a running container\n"
	"\n"
	"Description:\n"
	"  The pm attach command allows you to attach to a running container using the "
	"container's ID or name, either to view its ongoing output or to control it "
	"interactively.\n"
	"\n"
	"Usage:\n"
	"  pm attach [options] CONTAINER\n"
	"\n"
	"Options:\n"
	"      --detach-keys string   Select the key sequence for detaching a container. "
	"(default \"ctrl-p,ctrl-q\")\n"
	"  -l, --latest               Act on the latest container pm is aware of\n"
	"      --no-stdin             Do not attach STDIN. The default is false\n"
	"      --sig-proxy            Proxy received signals to the process (default true)\n";

int cmd_attach(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"detach-keys", required_argument, NULL, 'K'},
		{"no-stdin", no_argument, NULL, 'N'},
		{"sig-proxy", optional_argument, NULL, 'S'},
		{"latest", no_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	struct pm_attach_opts o = {.stdin = true};
	bool latest = false;
	int opt;
	while ((opt = pm_cli_getopt(cli, &st, argc, argv, "l", opts, attach_usage)) != -1) {
		switch (opt) {
		case PM_OPT_EXIT:
			return st.status;
		case 'K':
			o.detach_keys = optarg;
			break;
		case 'N':
			o.stdin = false;
			break;
		case 'S':
			break;
		case 'l':
			latest = true;
			break;
		default:
			return PM_EXIT_ERROR;
		}
	}
	int nargs = argc - optind;
	/* podman's checks and words */
	if (latest && nargs > 0)
		return pm_cli_errorf("--latest and containers cannot be used together");
	if (!latest && nargs == 0)
		return pm_cli_errorf("\"%s\" requires a name, id, or the \"--latest\" flag",
				     cli->cmdpath);
	if (!pm_cli_nargs(cli, nargs, latest ? 0 : 1, latest ? 0 : 1))
		return PM_EXIT_ERROR;
	_cleanup_strv_ char **refs = NULL;
	if (latest) {
		int r = pm_cli_ctr_select(cli, NULL, true, PM_EXIT_ERROR, &refs);
		if (r != 0)
			return r;
	}
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	_cleanup_container_ struct pm_container *c = NULL;
	_cleanup_error_ pm_error *err = NULL;
	if (pm_cli_ctr_lookup(&e, latest ? refs[0] : argv[optind], &c) < 0)
		return PM_EXIT_ERROR;
	if (c->state.status != PM_CTR_RUNNING)
		return pm_cli_errorf("you can only attach to running containers");
	/* its streams are those of the pm that started it: nothing to attach to */
	const char *driver = pm_engine_log_driver(c);
	if (driver && pm_log_driver_is_passthrough(driver))
		return pm_cli_errorf("attaching to container %s: this container is using the '%s' "
				     "log driver, cannot attach: this container is not logging "
				     "output",
				     c->id, driver);
	/* the container's own -t and -i decide what is relayed */
	struct pm_container_config cfg = {0};
	if (pm_config_from_json(c->config_json, &cfg, NULL) == 0) {
		o.tty = cfg.tty;
		o.stdin = o.stdin && cfg.interactive;
	}
	pm_spec_config_clear(&cfg);
	int code = 0;
	int r = pm_engine_attach(&e, c, &o, &code, &err);
	if (r < 0)
		return pm_cli_error(err);
	return r == 1 ? 0 : code;
}
