/* cmd-cp.c: `pm cp [options] [CTR:]SRC [CTR:]DST` / `pm container cp`: parse the flags and
 * the two ends ("-" streams a tar from stdin or to stdout), call pm_engine_cp (engine/cp.h:
 * the containers, their mounts, the copy rules; storage's safe extractor writes) and print
 * the error or the warnings. Runs inside the rootless namespace (PM_CMD_USERNS). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "engine/cp.h"
#include "lib/strutil.h"

static const char usage[] =
	"Copy files/folders between a container and the local filesystem\n"
	"\n"
	"Description:\n"
	"  Copy the contents of SRC_PATH to the DEST_PATH.\n"
	"\n"
	"  You can copy from the container's file system to the local machine or the reverse, "
	"from the local filesystem to the container. If \"-\" is specified for either the "
	"SRC_PATH or DEST_PATH, you can also stream a tar archive from STDIN or to STDOUT. "
	"The CONTAINER can be a running or stopped container. The SRC_PATH or DEST_PATH can "
	"be a file or a directory.\n"
	"\n"
	"Usage:\n"
	"  pm cp [options] [CONTAINER:]SRC_PATH [CONTAINER:]DEST_PATH\n"
	"\n"
	"Options:\n"
	"  -a, --archive     Chown copied files to the primary uid/gid of the destination "
	"container. (default true)\n"
	"      --overwrite   Allow to overwrite directories with non-directories and vice "
	"versa\n";

/* "[CTR:]PATH" or "-": a relative container path is the engine's to resolve (against the
 * container's working directory), an empty one is "/"; *ret_path NULL for "-". */
static void parse_arg(const char *arg, char **ret_ctr, char **ret_path)
{
	const char *colon = strchr(arg, ':');
	*ret_ctr = NULL;
	if (strcmp(arg, "-") && colon && arg[0] != '/' && arg[0] != '.' && colon != arg) {
		*ret_ctr = pm_xstrndup(arg, (size_t)(colon - arg));
		const char *p = colon + 1;
		*ret_path = pm_xstrdup(p[0] ? p : "/");
	} else {
		*ret_path = strcmp(arg, "-") ? pm_xstrdup(arg) : NULL;
	}
}

int cmd_cp(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"archive", optional_argument, NULL, 'a'},
		{"overwrite", no_argument, NULL, 'O'},
		{"help", no_argument, NULL, 0},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	struct pm_cp_opts o = {.archive = true};
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "a", opts, usage)) != -1) {
		if (c == PM_OPT_EXIT)
			return st.status;
		if (c == 'a') {
			if (!optarg || !strcmp(optarg, "true"))
				o.archive = true;
			else if (!strcmp(optarg, "false"))
				o.archive = false;
			else
				return pm_cli_errorf("invalid argument \"%s\" for \"--archive\" "
						     "flag: strconv.ParseBool: parsing \"%s\": "
						     "invalid syntax",
						     optarg, optarg);
		}
		if (c == 'O')
			o.overwrite = true;
	}
	if (!pm_cli_nargs(cli, argc - optind, 2, 2))
		return PM_EXIT_ERROR;
	_cleanup_free_ char *sctr = NULL, *spath = NULL, *dctr = NULL, *dpath = NULL;
	parse_arg(argv[optind], &sctr, &spath);
	parse_arg(argv[optind + 1], &dctr, &dpath);
	if (!spath && !dpath)
		return pm_cli_errorf("invalid arguments %s, %s you must specify paths",
				     argv[optind], argv[optind + 1]);
	if (!sctr && !dctr)
		return pm_cli_errorf("invalid arguments %s, %s you must use just one container",
				     argv[optind], argv[optind + 1]);
	if ((!spath && !dctr) || (!dpath && !sctr))
		return pm_cli_errorf("invalid arguments %s, %s: \"-\" streams to or from a "
				     "container",
				     argv[optind], argv[optind + 1]);
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	struct pm_cp_end src = {.ctr = sctr, .path = spath}, dst = {.ctr = dctr, .path = dpath};
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_strv_ char **skipped = NULL;
	int r = pm_engine_cp(&e, &src, &dst, &o, STDIN_FILENO, STDOUT_FILENO, &skipped, &err);
	for (char **n = skipped; n && *n; n++)
		fprintf(stderr, "Warning: skipping '%s': device files cannot be created\n", *n);
	if (r < 0)
		return pm_cli_error(err);
	return 0;
}
