/* cmd-pull.c: `pm pull [options] IMAGE` (podman pull): the flags into struct pm_pull_opts,
 * podman's progress lines on stderr (cli/progress.c), the pulled image's id on stdout.
 * The work is registry/pull.c's. Also `pm image pull`. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/image-util.h"
#include "cli/progress.h"
#include "cli/pull-flags.h"
#include "lib/events.h"
#include "lib/strutil.h"
#include "registry/pull.h"

static const char usage[] =
	"Pull an image from a registry\n"
	"\n"
	"Description:\n"
	"  Pulls an image from a registry and stores it locally.\n"
	"\n"
	"  An image can be pulled by tag or digest. If a tag is not specified, the image with "
	"the 'latest' tag is pulled.\n"
	"\n"
	"Usage:\n"
	"  pm pull [options] IMAGE [IMAGE...]\n"
	"\n"
	"Options:\n"
	"  -a, --all-tags            All tagged images in the repository will be pulled\n"
	"      --arch ARCH           Use ARCH instead of the architecture of the machine for "
	"choosing images\n"
	"      --authfile string     Path of the authentication file\n"
	"      --cert-dir Pathname   Pathname of a directory containing TLS certificates and "
	"keys\n"
	"      --creds [username[:password]]   Credentials (USERNAME:PASSWORD) to use for "
	"authenticating to a registry\n"
	"      --disable-content-trust   This is a Docker specific option and is a NOOP\n"
	"      --os OS               Use OS instead of the running OS for choosing images\n"
	"      --platform string     Specify the platform for selecting the image. (Conflicts "
	"with --arch and --os)\n"
	"  -q, --quiet               Suppress output information when pulling images\n"
	"      --tls-verify          Require HTTPS and verify certificates when contacting "
	"registries (default true)\n"
	"      --variant string      Use VARIANT instead of the running architecture variant "
	"for choosing images\n";

int cmd_pull(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"all-tags", no_argument, NULL, 'a'},
		{"quiet", no_argument, NULL, 'q'},
		{"disable-content-trust", no_argument, NULL, 'D'},
		PM_PULL_LONG_OPTIONS,
		{"help", no_argument, NULL, 0},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	struct pm_cli_pull_flags pf;
	pm_cli_pull_flags_init(&pf);
	bool quiet = false, all_tags = false;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "aq", opts, usage)) != -1) {
		_cleanup_error_ pm_error *ferr = NULL;
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case 'a':
			all_tags = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'D': /* podman's no-op (docker's content trust) */
			break;
		default:
			if (pm_cli_pull_flag(&pf, c, optarg, &ferr) < 0)
				return pm_cli_error(ferr);
			break;
		}
	}
	if (!pm_cli_nargs(cli, argc - optind, 1, -1)) /* podman pulls each in turn */
		return PM_EXIT_ERROR;
	_cleanup_error_ pm_error *err = NULL;
	struct pm_pull_opts o;
	if (pm_cli_pull_flags_finish(&pf, &o, &err) < 0)
		return pm_cli_error(err);
	o.all_tags = all_tags;
	_cleanup_store_ struct pm_store *s = NULL;
	if (pm_cli_open_store(cli, &s, &err) < 0)
		return pm_cli_error(err);
	for (int i = optind; i < argc; i++) {
		struct pm_cli_progress progress;
		pm_cli_progress_start(&progress, s, quiet, false);
		o.event = pm_cli_progress_pull_event;
		o.event_ctx = &progress;
		_cleanup_strv_ char **ids = NULL;
		int r = pm_pull(s, argv[i], &o, &ids, &err);
		pm_cli_progress_end(&progress);
		if (r < 0) {
			pm_cli_pull_flags_free(&pf);
			return pm_cli_error(err);
		}
		for (char **id = ids; id && *id; id++)
			pm_event_emit(cli->paths.runroot, "image", "pull", *id, argv[i], NULL);
		for (char **id = ids; id && *id; id++)
			printf("%s\n", *id);
		fflush(stdout);
	}
	pm_cli_pull_flags_free(&pf);
	return 0;
}
