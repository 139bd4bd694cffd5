/* cmd-load.c: `pm load [-i FILE|DIR]` (podman load): docker-archive, oci-archive or an OCI
 * layout directory, from a file or stdin. Prints "Loaded image: NAME" per name. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/image-util.h"
#include "cli/progress.h"
#include "lib/events.h"
#include "lib/strutil.h"
#include "storage/archive.h"
#include "storage/image.h"

static const char usage[] =
	"Load image(s) from a tar archive\n"
	"\n"
	"Usage:\n"
	"  pm load [options]\n"
	"\n"
	"Options:\n"
	"  -i, --input string   Read from specified archive file (default: stdin)\n"
	"  -q, --quiet          Suppress the output\n";

int cmd_load(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"input", required_argument, NULL, 'i'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 0},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	const char *input = NULL;
	bool quiet = false;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "i:q", opts, usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case 'i':
			input = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		default:
			break;
		}
	}
	if (argc - optind > 0)
		return pm_cli_errorf("`%s` takes no arguments", cli->cmdpath);
	if (!input) {
		if (isatty(STDIN_FILENO))
			return pm_cli_errorf("cannot read from terminal, use command-line "
					     "redirection or the --input flag");
		input = "-";
	}
	struct stat in_st;
	if (strcmp(input, "-") != 0 && stat(input, &in_st) < 0) /* podman's first check */
		return pm_cli_errorf("stat %s: %s", input,
				     errno == ENOENT ? "no such file or directory"
						     : strerror(errno));
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_store_ struct pm_store *s = NULL;
	if (pm_cli_open_store(cli, &s, &err) < 0)
		return pm_cli_error(err);
	_cleanup_strv_ char **loaded = NULL;
	struct pm_cli_progress progress;
	pm_cli_progress_start(&progress, s, quiet, true);
	int r = pm_archive_load(s, input, &loaded, &err);
	if (r == 0)
		pm_cli_progress_images(&progress, loaded);
	pm_cli_progress_end(&progress);
	if (r < 0) {
		pm_error_prefix(
			&err,
			"payload does not match any of the supported image formats: loading '%s'",
			strcmp(input, "-") == 0 ? "stdin" : input);
		return pm_cli_error(err);
	}
	pm_event_emit(cli->paths.runroot, "image", "loadfromarchive", NULL, input, NULL);
	for (char **l = loaded; l && *l; l++)
		printf("Loaded image: %s\n", *l);
	return 0;
}
