/* cmd-doctor.c: `pm doctor`: parses the flags and prints the host checks engine/doctor.c
 * makes, as a table (fixes under the lines that need them), JSON or a Go template.
 * Exit 0 when no check is an error (warnings allowed), 1 when one is, 125 for a bad flag.
 * Runs outside the rootless namespace on purpose: it must work (and say what is wrong)
 * when the namespace cannot be made. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "engine/doctor.h"
#include "lib/json.h"
#include "lib/strutil.h"

static const char usage[] =
	"Check that the host has what rootless pm needs, and say how to fix what it lacks\n"
	"\n"
	"Description:\n"
	"  Checks subordinate ids, newuidmap/newgidmap, user namespaces, overlay or\n"
	"  fuse-overlayfs, /dev/net/tun, slirp4netns and pasta, cgroup v2 delegation, the\n"
	"  systemd user session and linger, XDG_RUNTIME_DIR, unprivileged ports and free space.\n"
	"  Exits 0 when no check is an error, 1 when one is.\n"
	"\n"
	"Usage:\n"
	"  pm doctor [options]\n"
	"\n"
	"Options:\n"
	"  -f, --format string   Change the output format to JSON or a Go template\n";

static void print_table(const struct pm_doctor_check *c, size_t n)
{
	int w = (int)strlen("CHECK");
	for (size_t i = 0; i < n; i++)
		if ((int)strlen(c[i].name) > w)
			w = (int)strlen(c[i].name);
	int sw = (int)strlen("warning");
	printf("%-*s  %-*s  %s\n", w, "CHECK", sw, "STATUS", "DETAIL");
	size_t errors = 0, warnings = 0;
	for (size_t i = 0; i < n; i++) {
		printf("%-*s  %-*s  %s\n", w, c[i].name, sw, pm_doctor_status_name(c[i].status),
		       c[i].detail);
		if (c[i].fix)
			printf("%-*s  %-*s  fix: %s\n", w, "", sw, "", c[i].fix);
		errors += c[i].status == PM_DOCTOR_ERROR;
		warnings += c[i].status == PM_DOCTOR_WARNING;
	}
	if (errors)
		printf("\n%zu error%s, %zu warning%s: rootless pm will fail until the errors are "
		       "fixed\n",
		       errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
	else if (warnings)
		printf("\n%zu warning%s: pm works, with the limits above\n", warnings,
		       warnings == 1 ? "" : "s");
	else
		printf("\nno problems found\n");
}

int cmd_doctor(struct pm_cli *cli, int argc, char **argv)
{
	const char *format;
	int status;
	if (!pm_cli_parse_format_only(cli, argc, argv, usage, &format, &status))
		return status;

	struct pm_doctor_host host;
	pm_doctor_host_live(&host, cli->paths.root);
	struct pm_doctor_check *checks = NULL;
	size_t n = 0;
	pm_doctor_run(&host, &checks, &n);
	bool failed = false;
	for (size_t i = 0; i < n; i++)
		failed |= checks[i].status == PM_DOCTOR_ERROR;

	int r = 0;
	if (format && *format) {
		_cleanup_free_ char *text = pm_doctor_json(checks, n);
		_cleanup_json_ json_t *a = json_loads(text, 0, NULL);
		r = a ? pm_output_format_list(format, NULL, a, false, NULL)
		      : pm_cli_errorf("cannot encode the checks");
	} else {
		print_table(checks, n);
	}
	pm_doctor_checks_free(checks, n);
	if (r != 0)
		return r;
	return failed ? 1 : 0;
}
