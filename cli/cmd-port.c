/* cmd-port.c: `pm port [-a] CONTAINER [PORT]`: the published ports of a container as
 * podman prints them ("80/tcp -> 0.0.0.0:8080", or only "0.0.0.0:8080" for one PORT).
 * The ports come from the container's state (engine/net.h); nothing is computed here. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/ctr-util.h"
#include "engine/net.h"

static const char port_usage[] =
	"List port mappings or a specific mapping for the container\n"
	"\n"
	"Description:\n"
	"  List port mappings for the CONTAINER, or look up the public-facing port that is "
	"NAT-ed to the PRIVATE_PORT\n"
	"\n"
	"Usage:\n"
	"  pm port [options] CONTAINER [PORT]\n"
	"\n"
	"Options:\n"
	"  -a, --all      Display port information for all containers\n"
	"  -l, --latest   Act on the latest container pm is aware of\n";

static int print_ports(const struct pm_engine *e, const char *ref, const char *filter, bool all)
{
	_cleanup_container_ struct pm_container *c = NULL;
	if (pm_cli_ctr_lookup(e, ref, &c) < 0)
		return PM_EXIT_ERROR;
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_free_ char *out = NULL;
	int r = pm_engine_port_lines(c, filter, &out, &err);
	if (r < 0 && filter) /* podman 4.3's words: the port as given */
		return pm_cli_errorf("failed to find published port \"%s\"", filter);
	if (r < 0)
		return pm_cli_error(err);
	if (out && *out) {
		if (all) {
			/* podman --all: "ID\tPORT -> HOST" per mapping (short id) */
			char *line_save = NULL;
			for (char *line = strtok_r(out, "\n", &line_save); line;
			     line = strtok_r(NULL, "\n", &line_save))
				printf("%.12s\t%s\n", c->id, line);
		} else {
			fputs(out, stdout);
		}
	}
	return 0;
}

int cmd_port(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},
		{"latest", no_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	bool all = false, latest = false;
	int opt;
	while ((opt = pm_cli_getopt(cli, &st, argc, argv, "al", opts, port_usage)) != -1) {
		switch (opt) {
		case PM_OPT_EXIT:
			return st.status;
		case 'a':
			all = true;
			break;
		case 'l':
			latest = true;
			break;
		default:
			return PM_EXIT_ERROR;
		}
	}
	int nargs = argc - optind;
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	if (all || latest) {
		if (all && nargs > 0)
			return pm_cli_errorf("the given arguments are not allowed with --all");
		if (latest && nargs > 1)
			return pm_cli_errorf("`port` accepts at most 1 argument with --latest");
		_cleanup_strv_ char **ids = pm_cli_ctr_all_ids(&e);
		if (!ids || !ids[0])
			return latest ? pm_cli_errorf("no containers to get the latest from") : 0;
		if (latest)
			return print_ports(&e, ids[0], nargs ? argv[optind] : NULL, false);
		int status = 0;
		for (char **id = ids; *id; id++) {
			_cleanup_container_ struct pm_container *c = NULL;
			if (pm_cli_ctr_lookup(&e, *id, &c) < 0)
				continue;
			if (c->state.status != PM_CTR_RUNNING)
				continue;
			if (print_ports(&e, *id, NULL, true) != 0)
				status = PM_EXIT_ERROR;
		}
		return status;
	}
	if (nargs < 1)
		return pm_cli_errorf("you must supply a running container name or id");
	if (nargs > 2)
		return pm_cli_errorf("`port` accepts at most 2 arguments");
	return print_ports(&e, argv[optind], nargs == 2 ? argv[optind + 1] : NULL, false);
}
