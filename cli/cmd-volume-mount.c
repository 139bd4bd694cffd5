/* cmd-volume-mount.c: `pm volume mount NAME` and `pm volume unmount NAME` (podman
 * 4.3): mount prints the volume's mountpoint, first mounting its filesystem (a volume made
 * with -o type=/device=) for the user (storage's mount count, as a pseudo container
 * "user-mount", so a container using the volume keeps it mounted); unmount releases that
 * and prints the name. Rootless, `volume mount` must run inside `pm unshare` (podman's
 * refusal otherwise: the mount lives in the rootless mount namespace); `volume unmount`
 * joins the namespace itself (its table entry asks for it). */
#include <stdio.h>

#include "cli/commands.h"
#include "rootless/userns.h"
#include "storage/volume.h"

#define USER_MOUNT_ID "user-mount"

static const char mount_usage[] = "Mount volume\n"
				  "\n"
				  "Description:\n"
				  "  Mount a volume and return the mountpoint\n"
				  "\n"
				  "Usage:\n"
				  "  pm volume mount NAME\n"
				  "\n"
				  "Examples:\n"
				  "  pm volume mount myvol\n";

static const char unmount_usage[] = "Unmount volume\n"
				    "\n"
				    "Description:\n"
				    "  Unmount a volume\n"
				    "\n"
				    "Usage:\n"
				    "  pm volume unmount NAME\n"
				    "\n"
				    "Examples:\n"
				    "  pm volume unmount myvol\n";

static int parse(struct pm_cli *cli, int argc, char **argv, const char *usage, int *ret_status)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	struct pm_opt_state st = {0};
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "", opts, usage)) != -1)
		if (c == PM_OPT_EXIT) {
			*ret_status = st.status;
			return -1;
		}
	if (argc - optind != 1) {
		*ret_status = pm_cli_errorf("accepts 1 arg(s), received %d", argc - optind);
		return -1;
	}
	return 0;
}

/* podman's words for a volume that does not exist */
static bool known(struct pm_cli *cli, const char *name)
{
	if (pm_volume_exists(cli->paths.root, name))
		return true;
	pm_cli_errorf("no volume with name \"%s\" found: no such volume", name);
	return false;
}

int cmd_volume_mount(struct pm_cli *cli, int argc, char **argv)
{
	int status;
	if (parse(cli, argc, argv, mount_usage, &status) < 0)
		return status;
	if (pm_rootless_is_rootless() && !pm_rootless_in_userns())
		return pm_cli_errorf("cannot run command \"%s\" in rootless mode, must execute `pm "
				     "unshare` first",
				     cli->cmdpath);
	if (!known(cli, argv[optind]))
		return PM_EXIT_ERROR;
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_free_ char *mp = NULL;
	if (pm_volume_mount(cli->paths.root, argv[optind], USER_MOUNT_ID, &mp, &err) < 0)
		return pm_cli_error(err);
	printf("%s\n", mp);
	return 0;
}

int cmd_volume_unmount(struct pm_cli *cli, int argc, char **argv)
{
	int status;
	if (parse(cli, argc, argv, unmount_usage, &status) < 0)
		return status;
	if (!known(cli, argv[optind]))
		return PM_EXIT_ERROR;
	_cleanup_error_ pm_error *err = NULL;
	if (pm_volume_unmount(cli->paths.root, argv[optind], USER_MOUNT_ID, &err) < 0)
		return pm_cli_error(err);
	printf("%s\n", argv[optind]);
	return 0;
}
