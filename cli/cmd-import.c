/* cmd-import.c: `pm import FILE|- [REFERENCE]` (podman import): a root filesystem tarball
 * becomes a single-layer image. Prints the new image id ("sha256:..."). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/image-util.h"
#include "cli/progress.h"
#include "lib/events.h"
#include "lib/strutil.h"

static const char usage[] =
	"Import a tarball to create a filesystem image\n"
	"\n"
	"Description:\n"
	"  Create a container image from the contents of the specified tarball (.tar, .tar.gz, "
	".tgz, .tar.zst).\n"
	"  Use '-' to read the tarball from stdin.\n"
	"\n"
	"Usage:\n"
	"  pm import [options] PATH [REFERENCE]\n"
	"\n"
	"Options:\n"
	"      --arch string         Set the architecture of the imported image\n"
	"  -c, --change stringArray  Apply the following possible instructions to the created "
	"image (default []): CMD | ENTRYPOINT | ENV | EXPOSE | LABEL | STOPSIGNAL | USER | VOLUME "
	"| WORKDIR\n"
	"  -m, --message string      Set commit message for imported image\n"
	"      --os string           Set the OS of the imported image\n"
	"  -q, --quiet               Suppress output\n"
	"      --variant string      Set the variant of the imported image\n";

int cmd_import(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"change", required_argument, NULL, 'c'}, {"message", required_argument, NULL, 'm'},
		{"quiet", no_argument, NULL, 'q'},	  {"arch", required_argument, NULL, 'A'},
		{"os", required_argument, NULL, 'O'},	  {"variant", required_argument, NULL, 'V'},
		{"help", no_argument, NULL, 0},		  {NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	_cleanup_strv_ char **changes = NULL;
	const char *message = NULL;
	bool quiet = false;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "+c:m:q", opts, usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case 'c':
			pm_strv_push(&changes, optarg);
			break;
		case 'm':
			message = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		default:
			break;
		}
	}
	int nargs = argc - optind;
	if (!pm_cli_nargs(cli, nargs, 1, 2))
		return PM_EXIT_ERROR;
	const char *path = argv[optind];
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_strv_ char **names = NULL;
	if (nargs == 2) {
		char *n = NULL;
		if (pm_cli_image_name(argv[optind + 1], &n, &err) < 0)
			return pm_cli_error(err);
		pm_strv_consume(&names, n);
	}
	_cleanup_close_ int fd = -1;
	if (strcmp(path, "-") == 0)
		fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
	else
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pm_cli_errorf("open %s: %s", path, strerror(errno));
	_cleanup_store_ struct pm_store *s = NULL;
	if (pm_cli_open_store(cli, &s, &err) < 0)
		return pm_cli_error(err);
	_cleanup_free_ char *id = NULL;
	struct pm_cli_progress progress;
	pm_cli_progress_start(&progress, s, quiet, true);
	/* podman's: a file's mtime is the image's created time (stdin's: now) */
	int64_t created_ns = 0;
	struct stat sb;
	if (strcmp(path, "-") != 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode))
		created_ns = (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec;
	int r = pm_image_import_at(s, pm_cli_read_fd, &fd, names, changes, message, created_ns, &id,
				   &err);
	if (r == 0)
		pm_cli_progress_image(&progress, id);
	pm_cli_progress_end(&progress);
	if (r < 0) {
		pm_error_prefix(&err, "importing '%s'", path);
		return pm_cli_error(err);
	}
	pm_event_emit(cli->paths.runroot, "image", "import", id, path, NULL);
	printf("sha256:%s\n", id);
	return 0;
}
