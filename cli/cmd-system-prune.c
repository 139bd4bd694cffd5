/* cmd-system-prune.c: `pm system prune` and `pm system reset`, as podman 4.3.
 * prune runs the prunes of containers, pods, volumes (--volumes), images (-a: every
 * unused one) and networks, and prints podman's sections ("Deleted Containers", ...) with
 * what each removed, then "Total reclaimed space" (the storage root's disk usage before and
 * after). Without -f it asks first; end of input is podman's "Error: EOF", 125.
 * reset removes every container and pod, then the storage root and pm's runtime files
 * (keeping the rootless pause process's pid file and lock, so the namespace stays known).
 * Both run in the rootless user namespace. See docs/pm-system.1.md. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "lib/cleanup.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"

/* Run a command with its stdout caught (the prunes print one id a line). Returns its exit
 * status, *ret what it printed (malloc'd). */
static int run_caught(struct pm_cli *cli, int (*fn)(struct pm_cli *, int, char **), char **argv,
		      char **ret)
{
	int argc = 0;
	while (argv[argc])
		argc++;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	if (!mem)
		return fn(cli, argc, argv);
	fflush(stdout);
	FILE *saved = stdout;
	stdout = mem;
	int status = fn(cli, argc, argv);
	fflush(mem);
	stdout = saved;
	fclose(mem);
	*ret = buf;
	return status;
}

static void section(const char *title, const char *out)
{
	if (!out || !*out)
		return;
	printf("%s\n%s", title, out);
	if (out[strlen(out) - 1] != '\n')
		putchar('\n');
}

static const char prune_usage[] =
	"Remove unused data\n"
	"\n"
	"Description:\n"
	"  pm system prune\n"
	"\n"
	"  Remove unused data\n"
	"\n"
	"Usage:\n"
	"  pm system prune [options]\n"
	"\n"
	"Options:\n"
	"  -a, --all                  Remove all unused data\n"
	"      --filter stringArray   Provide filter values (e.g. 'label=<key>=<value>')\n"
	"  -f, --force                Do not prompt for confirmation.  The default is false\n"
	"      --volumes              Prune volumes\n";

int cmd_system_prune(struct pm_cli *cli, int argc, char **argv)
{
	enum { OPT_FILTER = 1000, OPT_VOLUMES };
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},
		{"filter", required_argument, NULL, OPT_FILTER},
		{"force", no_argument, NULL, 'f'},
		{"help", no_argument, NULL, 0},
		{"volumes", no_argument, NULL, OPT_VOLUMES},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	bool all = false, force = false, volumes = false;
	_cleanup_strv_ char **filters = NULL;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "af", opts, prune_usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case 'a':
			all = true;
			break;
		case 'f':
			force = true;
			break;
		case OPT_FILTER:
			if (pm_strv_length(filters) >= 64)
				return pm_cli_errorf("too many filters (at most 64)");
			pm_strv_push(&filters, optarg);
			break;
		case OPT_VOLUMES:
			volumes = true;
			break;
		default:
			return PM_EXIT_ERROR;
		}
	}
	if (!pm_cli_nargs(cli, argc - optind, 0, 0))
		return PM_EXIT_ERROR;
	if (!force) {
		printf("WARNING! This command removes:\n"
		       "\t- all stopped containers\n"
		       "\t- all networks not used by at least one container\n"
		       "%s"
		       "\t- %s\n"
		       "\t- all %sbuild cache\n"
		       "\n"
		       "Are you sure you want to continue? [y/N] ",
		       volumes ? "\t- all volumes not used by at least one container\n" : "",
		       all ? "all images without at least one container associated with them"
			   : "all dangling images",
		       all ? "" : "dangling ");
		int status;
		if (!pm_cli_confirm(&status))
			return status;
	}
	uint64_t before = pm_disk_usage(cli->paths.root);
	int r;

	/* containers (with the filters), then pods, volumes, images */
	_cleanup_strv_ char **cargv = NULL;
	pm_strv_push(&cargv, "prune");
	pm_strv_push(&cargv, "--force");
	for (char **f = filters; f && *f; f++) {
		pm_strv_push(&cargv, "--filter");
		pm_strv_push(&cargv, *f);
	}
	_cleanup_free_ char *ctrs = NULL, *pods = NULL, *vols = NULL, *imgs = NULL, *nets = NULL;
	/* podman stops at the first step that fails (a bad filter: the containers'), with
	 * no total */
	if ((r = run_caught(cli, cmd_container_prune, cargv, &ctrs)) != 0)
		return r;
	section("Deleted Containers", ctrs);
	char *pargv[] = {"prune", "--force", NULL};
	if (!filters && (r = run_caught(cli, cmd_pod_prune, pargv, &pods)) != 0)
		return r;
	section("Deleted Pods", pods);
	if (volumes) {
		if ((r = run_caught(cli, cmd_volume_prune, cargv, &vols)) != 0)
			return r;
		section("Deleted Volumes", vols);
	}
	/* the filters apply to the images too, as podman's */
	_cleanup_strv_ char **iargv = pm_strv_copy(cargv);
	if (all)
		pm_strv_push(&iargv, "--all");
	if ((r = run_caught(cli, cmd_image_prune, iargv, &imgs)) != 0)
		return r;
	section("Deleted Images", imgs);
	/* the networks last, once the containers that used them are gone (podman's order) */
	if ((r = run_caught(cli, cmd_network_prune, cargv, &nets)) != 0)
		return r;
	section("Deleted Networks", nets);
	uint64_t after = pm_disk_usage(cli->paths.root);
	_cleanup_free_ char *total = pm_format_size(before > after ? before - after : 0);
	printf("Total reclaimed space: %s\n", total);
	return 0;
}

static const char reset_usage[] =
	"Reset pm storage\n"
	"\n"
	"Description:\n"
	"  Reset pm storage back to default state\n"
	"\n"
	"  All containers will be stopped and removed, and all images, volumes, pods and\n"
	"  container content will be removed.\n"
	"\n"
	"Usage:\n"
	"  pm system reset [options]\n"
	"\n"
	"Options:\n"
	"  -f, --force   Do not prompt for confirmation\n";

/* Empty runroot, except the rootless pause process's pid file and lock. */
static void clear_runroot(const char *runroot)
{
	_cleanup_(closedirp) DIR *d = opendir(runroot);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    !strcmp(de->d_name, "pause.pid") || !strcmp(de->d_name, "pause.lock"))
			continue;
		_cleanup_free_ char *p = pm_path_join(runroot, de->d_name);
		pm_rm_rf(p, NULL);
	}
}

int cmd_system_reset(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"force", no_argument, NULL, 'f'},
		{"help", no_argument, NULL, 0},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	bool force = false;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "f", opts, reset_usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case 'f':
			force = true;
			break;
		default:
			return PM_EXIT_ERROR;
		}
	}
	if (!pm_cli_nargs(cli, argc - optind, 0, 0))
		return PM_EXIT_ERROR;
	if (!force) {
		printf("WARNING! This will remove:\n"
		       "        - all containers\n"
		       "        - all pods\n"
		       "        - all images\n"
		       "        - all networks\n"
		       "        - all build cache\n"
		       "        - all volumes\n"
		       "        - the graphRoot directory: \"%s\"\n"
		       "        - the runRoot directory: \"%s\"\n"
		       "Are you sure you want to continue? [y/N] ",
		       cli->paths.root, cli->paths.runroot);
		/* podman 4.3 exits 1 at end of input here, not 125 */
		int status;
		if (!pm_cli_confirm(&status))
			return status ? 1 : 0;
	}
	/* every container stopped and removed first: nothing mounted stays in the root */
	_cleanup_free_ char *out = NULL, *pout = NULL;
	char *rargv[] = {"rm", "--all", "--force", "--time", "0", NULL};
	int status = run_caught(cli, cmd_rm, rargv, &out);
	char *pargv[] = {"rm", "--all", "--force", "--time", "0", NULL};
	int r = run_caught(cli, cmd_pod_rm, pargv, &pout);
	if (status == 0)
		status = r;
	_cleanup_error_ pm_error *err = NULL;
	if (pm_rm_rf(cli->paths.root, &err) < 0)
		return pm_cli_error(err);
	clear_runroot(cli->paths.runroot);
	return status;
}
