/* cmd-top.c: `pm top CONTAINER [DESCRIPTOR...]` / `pm container top`: options, the
 * descriptors (words or comma lists; podman's default "user pid ppid pcpu etime tty time
 * args") and the table; the processes and their fields come from engine/top.h (which
 * reads /proc): no rootless namespace, no subprocess. Descriptors it does not know are ps(1)
 * options ("aux", "-ef"): as podman does, they run as `ps ARGS` in the container. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli/commands.h"
#include "engine/container.h"
#include "engine/ctr-state.h"
#include "engine/exec.h"
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

/* podman's fallback for descriptors psgo does not know: `ps ARGS` in the container, its
 * output as is, less the lines of the ps process itself (those holding the joined ARGS). */
static int top_ps(struct pm_cli *cli, const struct pm_engine *e, struct pm_container *ctr,
		  char *const *args, int n)
{
	_cleanup_error_ pm_error *err = NULL;
	pm_engine_refresh(e, ctr);
	if (!pm_ctr_is_running(ctr))
		return pm_cli_errorf("top can only be used on running containers");
	if (pm_cli_enter_userns(cli, &err) < 0) /* as exec does: only for this path */
		return pm_cli_error(err);
	_cleanup_close_ int fd = memfd_create("pm-top", MFD_CLOEXEC);
	if (fd < 0)
		return pm_cli_errorf("executing ps(1) in the container: %m");
	struct pm_exec_config x = {.output_fd = fd};
	pm_strv_push(&x.args, "ps");
	for (int i = 0; i < n; i++)
		pm_strv_push(&x.args, args[i]);
	int code = 0;
	int r = pm_engine_exec(e, ctr->id, &x, &code, NULL, &err);
	pm_exec_config_clear(&x);
	if (r < 0)
		return pm_cli_errorf("executing ps(1) in the container: %s", err->msg);
	_cleanup_free_ char *out = NULL;
	size_t len = 0;
	_cleanup_fclose_ FILE *f = fdopen(dup(fd), "r");
	if (f) {
		rewind(f);
		ssize_t k;
		_cleanup_free_ char *line = NULL;
		size_t cap = 0;
		_cleanup_free_ char *cmd = pm_strv_join((char **)args, " ");
		while ((k = getline(&line, &cap, f)) > 0) {
			if (code == 0 && strstr(line, cmd))
				continue; /* the ps itself */
			out = pm_xrealloc(out, len + k + 1);
			memcpy(out + len, line, k + 1);
			len += k;
		}
	}
	if (code != 0) {
		/* podman: the output joined on one line */
		while (len && out[len - 1] == '\n')
			out[--len] = '\0';
		for (size_t i = 0; i < len; i++)
			if (out[i] == '\n')
				out[i] = ' ';
		return pm_cli_errorf("executing ps(1) in the container: runtime failed with exit "
				     "status: %d and output: %s",
				     code, out ? out : "");
	}
	if (out)
		fputs(out, stdout);
	return 0;
}

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
		return pm_cli_errorf("you must provide the name or id of a running container");
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
	if (pm_top_descs_parse(argv + first_desc, argc - first_desc, &ds, &err) < 0) {
		if (err->code != EINVAL)
			return pm_cli_error(err);
		return top_ps(cli, &e, ctr, argv + first_desc, argc - first_desc);
	}
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
