/* cmd-pause.c: `pm pause` / `pm unpause` (and the `container` spellings): parse, call
 * pm_engine_pause (engine/pause.h: the cgroup v2 freezer and the state) for each container,
 * print the ids or the errors (exit 125). */
#include <errno.h>
#include <stdio.h>

#include "cli/commands.h"
#include "cli/ctr-util.h"
#include "engine/container.h"
#include "engine/pause.h"
#include "engine/run.h"

static const char pause_usage[] = "Pause all the processes in one or more containers\n"
				  "\n"
				  "Usage:\n"
				  "  pm pause [options] CONTAINER [CONTAINER...]\n"
				  "\n"
				  "Options:\n"
				  "  -a, --all   Pause all running containers\n";

static const char unpause_usage[] = "Unpause the processes in one or more containers\n"
				    "\n"
				    "Usage:\n"
				    "  pm unpause [options] CONTAINER [CONTAINER...]\n"
				    "\n"
				    "Options:\n"
				    "  -a, --all   Unpause all paused containers\n";

static int pause_main(struct pm_cli *cli, int argc, char **argv, bool pause)
{
	static const struct option opts[] = {{"all", no_argument, NULL, 'a'},
					     {"help", no_argument, NULL, 0},
					     {NULL, 0, NULL, 0}};
	struct pm_opt_state st = {0};
	bool all = false;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "a", opts,
				  pause ? pause_usage : unpause_usage)) != -1) {
		if (c == PM_OPT_EXIT)
			return st.status;
		if (c == 'a')
			all = true;
	}
	if (!all && argc - optind < 1)
		return pm_cli_errorf("you must provide at least one container name or id");
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	struct pm_container **list = NULL;
	size_t n = 0;
	int status = pm_cli_ctr_list(cli, all, argv + optind, argc - optind, &list, &n);
	if (status)
		goto out;
	for (size_t i = 0; i < n; i++) {
		_cleanup_error_ pm_error *err = NULL;
		int r = pm_engine_pause(&e, list[i], pause, &err);
		if (r == -EINVAL && all)
			continue; /* -a: only those in the state to (un)pause */
		if (r < 0)
			status = pm_cli_error(err);
		else
			printf("%s\n", list[i]->id);
	}
out:
	pm_container_list_free(list, n);
	return status;
}

int cmd_pause(struct pm_cli *cli, int argc, char **argv)
{
	return pause_main(cli, argc, argv, true);
}

int cmd_unpause(struct pm_cli *cli, int argc, char **argv)
{
	return pause_main(cli, argc, argv, false);
}
