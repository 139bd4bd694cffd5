/* cmd-save.c: `pm save [-o FILE] [--format docker-archive|oci-archive|oci-dir] IMAGE...`
 * (podman save). Without -o the archive goes to stdout unless it is a terminal. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/image-util.h"
#include "cli/progress.h"
#include "lib/events.h"
#include "lib/strutil.h"
#include "storage/archive.h"
#include "storage/image.h"

static const char usage[] =
	"Save image(s) to an archive\n"
	"\n"
	"Usage:\n"
	"  pm save [options] IMAGE [IMAGE...]\n"
	"\n"
	"Options:\n"
	"      --compress        Compress tarball image layers when saving to a directory using "
	"the 'dir' transport. (default is same compression type as source)\n"
	"      --format string   Save image to oci-archive, oci-dir (directory with oci manifest "
	"type), docker-archive (default \"docker-archive\")\n"
	"  -m, --multi-image-archive   Interpret additional arguments as images not tags and "
	"create a multi-image-archive (only for docker-archive)\n"
	"  -o, --output string   Write to a specified file (default: stdout, which must be "
	"redirected)\n"
	"  -q, --quiet           Suppress the output\n"
	"      --uncompressed    Accept uncompressed layers when copying OCI images\n";

int cmd_save(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"compress", no_argument, NULL, 'C'},
		{"format", required_argument, NULL, 'F'},
		{"multi-image-archive", no_argument, NULL, 'm'},
		{"output", required_argument, NULL, 'o'},
		{"quiet", no_argument, NULL, 'q'},
		{"uncompressed", optional_argument, NULL, 'U'},
		{"help", no_argument, NULL, 0},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	const char *output = NULL, *format = "docker-archive";
	bool quiet = false;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "mo:q", opts, usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case 'F':
			format = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'U':
			/* podman's: layers as stored, not compressed for an OCI destination; pm
			 * never compresses on save, so only the value is checked */
			if (optarg && strcmp(optarg, "true") && strcmp(optarg, "false") &&
			    strcmp(optarg, "1") && strcmp(optarg, "0"))
				return pm_cli_errorf(
					"invalid argument \"%s\" for \"--uncompressed\" "
					"flag: strconv.ParseBool: parsing \"%s\": invalid "
					"syntax",
					optarg, optarg);
			break;
		default:
			break;
		}
	}
	_cleanup_error_ pm_error *err = NULL;
	enum pm_archive_format fmt;
	if (argc - optind < 1)
		return pm_cli_errorf("need at least 1 argument");
	if (strcmp(format, "docker-dir") == 0)
		return pm_cli_errorf("format 'docker-dir' is not supported by pm (use "
				     "docker-archive, oci-archive or oci-dir)");
	if (pm_archive_format_parse(format, &fmt, NULL) < 0) /* podman's words */
		return pm_cli_errorf("format value must be one of oci-dir oci-archive docker-dir "
				     "docker-archive");
	if (!output) {
		if (isatty(STDOUT_FILENO))
			return pm_cli_errorf(
				"refusing to save to terminal. Use -o flag or redirect");
		output = "-";
	}
	_cleanup_strv_ char **refs = NULL;
	for (int i = optind; i < argc; i++)
		pm_strv_push(&refs, argv[i]);
	_cleanup_store_ struct pm_store *s = NULL;
	if (pm_cli_open_store(cli, &s, &err) < 0)
		return pm_cli_error(err);
	/* podman reports nothing when the archive goes to stdout */
	struct pm_cli_progress progress;
	pm_cli_progress_start(&progress, s, quiet || strcmp(output, "-") == 0, false);
	int r = pm_archive_save(s, refs, fmt, output, &err);
	if (r == 0)
		pm_cli_progress_images(&progress, refs);
	pm_cli_progress_end(&progress);
	if (r < 0)
		return pm_cli_error(err);
	for (char **ref = refs; ref && *ref; ref++)
		pm_event_emit(cli->paths.runroot, "image", "save", NULL, *ref, NULL);
	return 0;
}
