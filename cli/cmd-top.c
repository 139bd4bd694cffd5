/* cmd-top.c: `pm top CONTAINER [DESCRIPTOR...]` / `pm container top`: options, the
 * descriptors (words or comma lists; podman's default "user pid ppid pcpu etime tty time
 * args") and the table; the processes and their fields come from engine/top.h (which
 * reads /proc): no rootless namespace, no subprocess. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "engine/container.h"
#include "engine/run.h"
#include "engine/top.h"
#include "lib/strutil.h"
#include "lib/template.h"

static const char usage[] =
	"Display the running processes of a container\n"
	"\n"
	"Description:\n"
	"  Display the running processes of the container. The descriptors select what is "
	"shown: args, comm, etime, group, hgroup, hpid, huser, nice, pcpu, pgid, pid, ppid, "
	"rss, state, time, tty, user, vsz.\n"
	"\n"
	"Usage:\n"
	"  pm top [options] CONTAINER [FORMAT-DESCRIPTORS...]\n"
	"\n"
	"Options:\n"
	"  -l, --latest   Act on the latest container pm is aware of\n";

int cmd_top(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{"latest", no_argument, NULL, 'l'},
					     {"help", no_argument, NULL, 0},
					     {NULL, 0, NULL, 0}};
	struct pm_opt_state st = {0};
	bool latest = false;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "+l", opts, usage)) != -1) {
		if (c == PM_OPT_EXIT)
			return st.status;
		if (c == 'l')
			latest = true;
	}
	if (!latest && argc - optind < 1)
		return pm_cli_errorf("you must provide the name or ID of a running container");
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_container_ struct pm_container *ctr = NULL;
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	int first_desc = optind;
	if (latest) {
		struct pm_container **list = NULL;
		size_t n = 0;
		if (pm_engine_ctr_list(&e, &list, &n, &err) < 0) /* refreshed */
			return pm_cli_error(err);
		if (n) {
			ctr = list[0];
			list[0] = NULL;
		}
		pm_container_list_free(list, n);
		if (!ctr)
			return pm_cli_errorf("no containers: no such container");
	} else {
		if (pm_engine_ctr_lookup(&e, argv[optind], &ctr, &err) < 0)
			return pm_cli_error(err);
		first_desc = optind + 1;
	}
	_cleanup_strv_ char **ds = NULL;
	if (pm_top_descs_parse(argv + first_desc, argc - first_desc, &ds, &err) < 0)
		return pm_cli_error(err);
	_cleanup_top_table_ struct pm_top_table top = {0};
	if (pm_engine_top(&e, ctr, ds, &top, &err) < 0)
		return pm_cli_error(err);

	_cleanup_table_ pm_table *t = pm_table_new();
	_cleanup_free_ char *hrow = pm_strv_join(top.headers, "\t");
	pm_table_add_row(t, hrow);
	for (size_t i = 0; i < top.n_rows; i++) {
		_cleanup_free_ char *row = pm_strv_join(top.rows[i], "\t");
		pm_table_add_row(t, row);
	}
	pm_table_print(t, stdout);
	return 0;
}
