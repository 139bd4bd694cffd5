/* cmd-init.c: `pm init` / `pm container init` (podman's): check that each container can be
 * started and record an "init" event. pm has no "initialized" state: it makes a container's
 * runtime resources (mounts, namespaces, the init process) when it starts it, so init
 * leaves the state "created" (see docs/pm-init.1.md). A running or paused container is
 * refused with podman's message. Calls engine/ only. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/ctr-util.h"
#include "engine/config-json.h"
#include "engine/events.h"
#include "engine/spec.h"
#include "lib/strutil.h"

static const char usage[] =
	"Initialize one or more containers\n"
	"\n"
	"Description:\n"
	"  Checks that one or more containers can be started (pm has no initialized state: the\n"
	"  container stays created until pm start).\n"
	"\n"
	"Usage:\n"
	"  pm init [options] CONTAINER [CONTAINER...]\n"
	"\n"
	"Options:\n"
	"  -a, --all      Initialize all containers\n"
	"  -l, --latest   Act on the latest container pm is aware of\n";

int cmd_init(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},
		{"latest", no_argument, NULL, 'l'},
		{"help", no_argument, NULL, 0},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	bool all = false, latest = false;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "al", opts, usage)) != -1) {
		switch (c) {
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
	int n = argc - optind;
	if (all && n > 0)
		return pm_cli_errorf("--all and containers cannot be used together");
	if (!all && !latest && n < 1)
		return pm_cli_errorf("you must provide at least one name or id");
	_cleanup_strv_ char **refs = NULL;
	int r = pm_cli_ctr_refs_latest(cli, argv + optind, n, all, latest, &refs);
	if (r != 0)
		return r;
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	struct pm_container **list = NULL;
	size_t nl = 0;
	int status = pm_cli_ctr_list(cli, all, refs, (int)pm_strv_length(refs), &list, &nl);
	if (status != 0)
		return status;
	for (size_t i = 0; i < nl; i++) {
		struct pm_container *ctr = list[i];
		if (pm_ctr_is_running(ctr)) {
			if (all) {
				printf("%s\n", ctr->id); /* podman's -a says nothing of it */
				continue;
			}
			status = pm_cli_errorf("container %s has already been created in runtime: "
					       "container state improper",
					       ctr->id);
			continue;
		}
		struct pm_container_config cfg = {0};
		_cleanup_error_ pm_error *err = NULL;
		if (ctr->broken || pm_config_from_json(ctr->config_json, &cfg, &err) < 0) {
			status = err ? pm_cli_error(err)
				     : pm_cli_errorf("container %s: %s", ctr->id, ctr->broken);
			continue;
		}
		pm_spec_config_clear(&cfg);
		pm_engine_event(&e, ctr, "init");
		printf("%s\n", all || latest ? ctr->id : refs[i]); /* podman: ids for -a, -l */
	}
	pm_container_list_free(list, nl);
	return status;
}
