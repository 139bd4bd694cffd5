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
#include "lib/strutil.h"

static const char pause_usage[] =
	"Pause all the processes in one or more containers\n"
	"\n"
	"Usage:\n"
	"  pm pause [options] CONTAINER [CONTAINER...]\n"
	"\n"
	"Options:\n"
	"  -a, --all                    Pause all running containers\n"
	"      --cidfile stringArray    Read the container ID from the file\n"
	"  -f, --filter stringArray     Filter output based on conditions given\n"
	"  -l, --latest                 Act on the latest container pm is aware of\n";

static const char unpause_usage[] =
	"Unpause the processes in one or more containers\n"
	"\n"
	"Usage:\n"
	"  pm unpause [options] CONTAINER [CONTAINER...]\n"
	"\n"
	"Options:\n"
	"  -a, --all                    Unpause all paused containers\n"
	"      --cidfile stringArray    Read the container ID from the file\n"
	"  -f, --filter stringArray     Filter output based on conditions given\n"
	"  -l, --latest                 Act on the latest container pm is aware of\n";

static int pause_main(struct pm_cli *cli, int argc, char **argv, bool pause)
{
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},	  {"cidfile", required_argument, NULL, 'C'},
		{"filter", required_argument, NULL, 'f'}, {"latest", no_argument, NULL, 'l'},
		{"help", no_argument, NULL, 0},		  {NULL, 0, NULL, 0}};
	struct pm_opt_state st = {0};
	bool all = false, latest = false;
	_cleanup_strv_ char **cidfiles = NULL, **filters = NULL, **refs = NULL;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "af:l", opts,
				  pause ? pause_usage : unpause_usage)) != -1) {
		if (c == PM_OPT_EXIT)
			return st.status;
		if (c == 'a')
			all = true;
		else if (c == 'C')
			pm_strv_push(&cidfiles, optarg);
		else if (c == 'f')
			pm_strv_push(&filters, optarg);
		else if (c == 'l')
			latest = true;
		else
			return PM_EXIT_ERROR;
	}
	bool select = latest || filters || cidfiles;
	if (!all && !select && argc - optind < 1)
		return pm_cli_errorf("you must provide at least one name or id");
	int status = pm_cli_ctr_select_args(cli, argc - optind, all, latest, cidfiles, filters);
	if (status != 0)
		return status;
	status = pm_cli_read_cidfiles(cidfiles, false, &refs, NULL);
	if (status == 0 && (latest || filters))
		status = pm_cli_ctr_select(cli, filters, latest, PM_EXIT_ERROR, &refs);
	if (status != 0)
		return status;
	for (int i = optind; i < argc; i++)
		pm_strv_push(&refs, argv[i]);
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	struct pm_container **list = NULL;
	size_t n = 0;
	status = pm_cli_ctr_list(cli, all, refs, (int)pm_strv_length(refs), &list, &n);
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
