/* cmd-auto-update.c: `pm auto-update [options]` (podman auto-update): the flags, the table
 * (UNIT CONTAINER IMAGE POLICY UPDATED), json or a template of the reports, and the errors
 * as podman joins them ("N errors occurred:" then one "\t* " line each), exit 125 when any.
 * The work is engine/auto-update.c's. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/image-util.h"
#include "cli/output.h"
#include "cli/pull-flags.h"
#include "engine/auto-update.h"
#include "lib/events.h"
#include "lib/json.h"
#include "lib/strutil.h"

static const char usage[] =
	"Auto update containers according to their auto-update policy\n"
	"\n"
	"Description:\n"
	"  Auto update containers according to their auto-update policy.\n"
	"\n"
	"  Auto-update policies are specified with the \"io.containers.autoupdate\" label.\n"
	"  Containers are expected to run in systemd units created with \"pm-generate-systemd "
	"--new\",\n"
	"  or similar units that create new containers in order to run the updated images.\n"
	"  Please refer to the pm-auto-update(1) man page for details.\n"
	"\n"
	"Usage:\n"
	"  pm auto-update [options]\n"
	"\n"
	"Examples:\n"
	"  pm auto-update\n"
	"  pm auto-update --authfile ~/authfile.json\n"
	"\n"
	"Options:\n"
	"      --authfile string   Path to the authentication file. Use REGISTRY_AUTH_FILE "
	"environment variable to override\n"
	"      --dry-run           Check for pending updates\n"
	"      --format string     Change the output format to JSON or a Go template\n"
	"      --rollback          Rollback to previous image if update fails (default true)\n"
	"      --tls-verify        Require HTTPS and verify certificates when contacting "
	"registries "
	"(default true)\n";

enum { OPT_DRY_RUN = 3000, OPT_FORMAT, OPT_ROLLBACK };

static json_t *reports_json(const struct pm_autoupdate_report *v, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *ctr = pm_xasprintf("%.12s (%s)", v[i].ctr_id, v[i].ctr_name);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "Unit",
						     v[i].unit, "Container", ctr, "ContainerName",
						     v[i].ctr_name, "ContainerID", v[i].ctr_id,
						     "Image", v[i].image, "Policy", v[i].policy,
						     "Updated", v[i].updated));
	}
	return arr;
}

/* podman's errorhandling.JoinErrors: one error as it is, several as a list */
static int print_errors(char **errors)
{
	size_t n = pm_strv_length(errors);
	if (n == 1)
		return pm_cli_errorf("%s", errors[0]);
	/* (pm_cli_errorf keeps a message on one line: the list is podman's own lines) */
	fprintf(stderr, "Error: %zu errors occurred:\n", n);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *e = pm_str_escape_controls(errors[i]);
		fprintf(stderr, "\t* %s\n", e);
	}
	return PM_EXIT_ERROR;
}

int cmd_auto_update(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"authfile", required_argument, NULL, PM_PULL_OPT_AUTHFILE},
		{"dry-run", no_argument, NULL, OPT_DRY_RUN},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"rollback", optional_argument, NULL, OPT_ROLLBACK},
		{"tls-verify", optional_argument, NULL, PM_PULL_OPT_TLS_VERIFY},
		{"help", no_argument, NULL, 0},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	struct pm_cli_pull_flags pf;
	pm_cli_pull_flags_init(&pf);
	struct pm_autoupdate_opts o = {.rollback = true};
	const char *format = NULL;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "", opts, usage)) != -1) {
		_cleanup_error_ pm_error *ferr = NULL;
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case OPT_DRY_RUN:
			o.dry_run = true;
			break;
		case OPT_FORMAT:
			format = optarg;
			break;
		case OPT_ROLLBACK:
			if (pm_cli_bool_arg("rollback", optarg, &o.rollback))
				return PM_EXIT_ERROR;
			break;
		default:
			if (pm_cli_pull_flag(&pf, c, optarg, &ferr) < 0)
				return pm_cli_error(ferr);
			break;
		}
	}
	if (optind < argc) /* podman's words */
		return pm_cli_errorf("`%s` takes no arguments", cli->cmdpath);
	_cleanup_error_ pm_error *err = NULL;
	struct pm_pull_opts po;
	if (pm_cli_pull_flags_finish(&pf, &po, &err) < 0)
		return pm_cli_error(err);
	_cleanup_store_ struct pm_store *s = NULL;
	if (pm_cli_open_store(cli, &s, &err) < 0) {
		pm_cli_pull_flags_free(&pf);
		return pm_cli_error(err);
	}
	o.pull = &po;
	o.store = s;
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	struct pm_autoupdate_report *reps = NULL;
	size_t n = 0;
	_cleanup_strv_ char **errors = NULL;
	int r = pm_engine_auto_update(&e, &o, &reps, &n, &errors, &err);
	pm_cli_pull_flags_free(&pf);
	if (r < 0)
		return pm_cli_error(err);
	int status = 0;
	if (n) {
		pm_event_emit(cli->paths.runroot, "system", "auto-update", NULL, NULL, NULL);
		_cleanup_json_ json_t *arr = reports_json(reps, n);
		/* a format that is not json nor "table ..." is one template per row */
		status = pm_output_format_list(format,
					       "table {{.Unit}}\t{{.Container}}\t{{.Image}}"
					       "\t{{.Policy}}\t{{.Updated}}",
					       arr, false, NULL);
	}
	pm_autoupdate_reports_free(reps, n);
	fflush(stdout);
	if (errors)
		return print_errors(errors);
	return status;
}
