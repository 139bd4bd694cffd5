/* ctr-util.c: helpers shared by the lifecycle commands (see ctr-util.h). Prints errors the
 * podman way. Called by cli/cmd-{start,stop,kill,restart,wait,rm,attach,ps}.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/ctr-util.h"
#include "lib/fileutil.h"
#include "engine/ps.h"
#include "engine/run.h"
#include "lib/strutil.h"
#include "pods/pod.h"

int pm_cli_ctr_lookup(const struct pm_engine *e, const char *ref, struct pm_container **ret)
{
	_cleanup_error_ pm_error *err = NULL;
	int r = pm_engine_ctr_lookup(e, ref, ret, &err); /* refreshed */
	if (r == -ENOENT) {
		pm_cli_errorf("no container with name or ID \"%s\" found: no such container", ref);
		return r;
	}
	if (r < 0) {
		pm_cli_error(err);
		return r;
	}
	return 0;
}

char **pm_cli_ctr_all_ids(const struct pm_engine *e)
{
	struct pm_container **list = NULL;
	size_t n = 0;
	char **ids = NULL;
	if (pm_engine_ctr_list(e, &list, &n, NULL) < 0) /* refreshed */
		return NULL;
	for (size_t i = 0; i < n; i++)
		pm_strv_push(&ids, list[i]->id);
	pm_container_list_free(list, n);
	return ids;
}

int pm_cli_ctr_list(struct pm_cli *cli, bool all, char **refs, int n, struct pm_container ***ret,
		    size_t *ret_n)
{
	*ret = NULL;
	*ret_n = 0;
	_cleanup_error_ pm_error *err = NULL;
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	if (all) /* refreshed: a --rm container whose run is gone is removed, not listed */
		return pm_engine_ctr_list(&e, ret, ret_n, &err) < 0 ? pm_cli_error(err) : 0;
	struct pm_container **list = pm_xcalloc(n > 0 ? (size_t)n : 1, sizeof(*list));
	for (int i = 0; i < n; i++) {
		if (pm_engine_ctr_lookup(&e, refs[i], &list[i], &err) < 0) {
			pm_container_list_free(list, (size_t)i);
			return pm_cli_error(err);
		}
	}
	*ret = list;
	*ret_n = (size_t)n;
	return 0;
}

bool pm_cli_parse_seconds(const char *flag, const char *arg, int *ret)
{
	int v;
	if (pm_parse_int(arg, &v) < 0 || v < -1) {
		pm_cli_errorf("invalid argument \"%s\" for \"%s\" flag: strconv.ParseUint: parsing "
			      "\"%s\": invalid syntax",
			      arg, flag, arg);
		return false;
	}
	*ret = v;
	return true;
}

int pm_cli_read_cidfiles(char **files, bool ignore, char ***refs, char ***ret_files)
{
	for (char **f = files; f && *f; f++) {
		_cleanup_free_ char *id = NULL;
		_cleanup_error_ pm_error *err = NULL;
		if (pm_read_line_file(*f, &id, &err) < 0) {
			if (ignore && err->code == ENOENT)
				continue;
			if (err->code == ENOENT) /* Go's words, as podman's */
				return pm_cli_errorf("reading CIDFile: open %s: no such file or "
						     "directory",
						     *f);
			return pm_cli_errorf("reading CIDFile: %s", err->msg);
		}
		if (!id[0])
			return pm_cli_errorf("name or ID cannot be empty");
		pm_strv_push(refs, id);
		if (ret_files)
			pm_strv_push(ret_files, *f);
	}
	return 0;
}

void pm_cli_ctr_filters_resolve(struct pm_cli *cli, char **filters)
{
	for (char **f = filters; f && *f; f++) {
		_cleanup_pod_ struct pm_pod *p = NULL;
		if (pm_str_startswith(*f, "pod=") &&
		    pm_pod_lookup(&cli->paths, *f + 4, &p, NULL) == 0) {
			free(*f);
			*f = pm_xasprintf("pod=%s", p->id);
		}
	}
}

int pm_cli_ctr_select(struct pm_cli *cli, char **filters, bool latest, int none_status,
		      char ***refs)
{
	_cleanup_error_ pm_error *err = NULL;
	if (pm_ps_filters_check(filters, &err) < 0)
		return pm_cli_error(err);
	pm_cli_ctr_filters_resolve(cli, filters);
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	struct pm_ps_opts o = {
		.all = true, .latest = latest, .last = -1, .filters = filters, .ids_only = true};
	struct pm_ps_row *rows = NULL;
	size_t n = 0;
	if (pm_engine_ps_rows(&e, &o, &rows, &n, &err) < 0)
		return pm_cli_error(err);
	if (latest && n == 0) {
		pm_ps_rows_free(rows, n);
		pm_cli_errorf("no such container");
		return none_status;
	}
	for (size_t i = n; i-- > 0;) /* the rows are oldest first */
		pm_strv_push(refs, rows[i].c->id);
	pm_ps_rows_free(rows, n);
	return 0;
}

int pm_cli_ctr_refs_latest(struct pm_cli *cli, char *const *args, int nargs, bool all, bool latest,
			   char ***refs)
{
	if (latest && (nargs > 0 || all))
		return pm_cli_errorf("--all, --latest and containers cannot be used together");
	for (int i = 0; i < nargs; i++)
		pm_strv_push(refs, args[i]);
	return latest ? pm_cli_ctr_select(cli, NULL, true, PM_EXIT_ERROR, refs) : 0;
}

int pm_cli_ctr_select_args(struct pm_cli *cli, int nargs, bool all, bool latest, char **cidfiles,
			   char **filters)
{
	if (all && nargs > 0)
		return pm_cli_errorf("--all and containers cannot be used together");
	if (latest && nargs > 0)
		return pm_cli_errorf("--latest and containers cannot be used together");
	if (filters && nargs > 0)
		return pm_cli_errorf("--filter takes no arguments");
	if ((all + latest + !!cidfiles) > 1)
		return pm_cli_errorf("--all, --latest, and --cidfile cannot be used together");
	if (!all && !latest && !filters && !cidfiles && nargs < 1)
		return pm_cli_errorf("you must provide at least one name or id");
	return 0;
}
