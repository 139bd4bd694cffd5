/* cmd-container.c: `pm container ...`: the subcommand table (podman's names, pointing at
 * the command functions of every container command file) and the small ones that live
 * nowhere else: `container exists` (0 / 1) and `container prune` (-f, --filter). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/ctr-util.h"
#include "pods/lifecycle.h"
#include "engine/container.h"
#include "engine/exec-session.h"
#include "engine/inspect.h"
#include "engine/monitor.h"
#include "engine/ps.h"
#include "engine/run.h"
#include "lib/events.h"
#include "lib/timeutil.h"
#include "storage/image.h"
#include "storage/store.h"
#include "lib/strutil.h"

static const char exists_usage[] =
	"Check if a container exists in local storage\n"
	"\n"
	"Description:\n"
	"  If the named container exists in local storage, pm container "
	"exists exits with 0, otherwise the exit code will be 1.\n"
	"\n"
	"Usage:\n"
	"  pm container exists [options] CONTAINER\n"
	"\n"
	"Options:\n"
	"      --external   Consider external containers when determining "
	"if container exists in local storage (pm has none: accepted)\n";

int cmd_container_exists(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{"external", no_argument, NULL, 'x'},
					     {"help", no_argument, NULL, 0},
					     {NULL, 0, NULL, 0}};
	struct pm_opt_state st = {0};
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "", opts, exists_usage)) != -1)
		if (c == PM_OPT_EXIT)
			return st.status;
	if (!pm_cli_nargs(cli, argc - optind, 1, 1))
		return PM_EXIT_ERROR;
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_container_ struct pm_container *ctr = NULL;
	/* a --rm container whose pm was killed is removed now: it does not exist */
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	int r = pm_engine_ctr_lookup(&e, argv[optind], &ctr, &err);
	if (r == -ENOENT)
		return 1;
	if (r < 0)
		return pm_cli_error(err);
	return 0;
}

static const char prune_usage[] =
	"Remove all non running containers\n"
	"\n"
	"Description:\n"
	"  Removes all non running containers\n"
	"\n"
	"Usage:\n"
	"  pm container prune [options]\n"
	"\n"
	"Options:\n"
	"      --filter stringArray   Provide filter values (e.g. 'label=<key>=<value>', "
	"'until=<timestamp>')\n"
	"  -f, --force                Do not prompt for confirmation.  The default is false\n";

int cmd_container_prune(struct pm_cli *cli, int argc, char **argv)
{
	enum { OPT_FILTER = 1000 };
	static const struct option opts[] = {{"force", no_argument, NULL, 'f'},
					     {"filter", required_argument, NULL, OPT_FILTER},
					     {"help", no_argument, NULL, 0},
					     {NULL, 0, NULL, 0}};
	struct pm_opt_state st = {0};
	bool force = false;
	_cleanup_strv_ char **labels = NULL;
	bool has_until = false;
	int64_t until = 0;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "f", opts, prune_usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case 'f':
			force = true;
			break;
		case OPT_FILTER: {
			_cleanup_error_ pm_error *err = NULL;
			if (pm_str_startswith(optarg, "label=")) {
				pm_strv_push(&labels, optarg);
			} else if (pm_str_startswith(optarg, "until=")) {
				if (pm_time_parse_input("--filter until", optarg + 6, true,
							pm_time_now_ns(), &until, &err) < 0)
					return pm_cli_error(err);
				has_until = true;
			} else {
				return pm_cli_errorf("%.*s is an invalid filter",
						     (int)strcspn(optarg, "="), optarg);
			}
			break;
		}
		default:
			break;
		}
	}
	if (!pm_cli_nargs(cli, argc - optind, 0, 0))
		return PM_EXIT_ERROR;
	if (!force) {
		printf("WARNING! This will remove all non running containers.\n"
		       "Are you sure you want to continue? [y/N] ");
		int status;
		if (!pm_cli_confirm(&status))
			return status;
	}
	_cleanup_error_ pm_error *err = NULL;
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	struct pm_container **list = NULL;
	size_t n = 0;
	if (pm_engine_ctr_list(&e, &list, &n, &err) < 0) /* refreshed */
		return pm_cli_error(err);
	_cleanup_image_cache_ pm_image_cache *ic = pm_image_cache_new(&e);
	int status = 0;
	for (size_t i = n; i-- > 0;) {
		struct pm_container *ctr = list[i];
		if (ctr->state.status == PM_CTR_RUNNING || ctr->state.status == PM_CTR_PAUSED)
			continue;
		if (ctr->infra)
			continue; /* a pod's infra goes with its pod (pod prune), as podman */
		if (has_until && ctr->created_ns >= until)
			continue;
		if (labels) {
			struct pm_ctr_view v = {0};
			if (pm_ctr_view_get(ic, ctr, &v, NULL) < 0)
				continue;
			bool ok = pm_ps_filter_match(labels, ctr, v.labels, NULL);
			pm_ctr_view_clear(&v);
			if (!ok)
				continue;
		}
		_cleanup_error_ pm_error *rerr = NULL;
		if (pm_engine_remove(&e, ctr, &rerr) < 0) {
			status = pm_cli_error(rerr);
			continue;
		}
		printf("%s\n", ctr->id);
	}
	pm_container_list_free(list, n);
	return status;
}

static const char cleanup_usage[] =
	"Clean up network and mountpoints of one or more containers\n"
	"\n"
	"Description:\n"
	"  Cleans up mount points and network stacks on one or more containers from the host. "
	"The container name or ID can be used. This command is used internally when running "
	"containers, but can also be used if container cleanup has failed when a container "
	"exits.\n"
	"\n"
	"Usage:\n"
	"  pm container cleanup [options] CONTAINER [CONTAINER...]\n"
	"\n"
	"Options:\n"
	"  -a, --all           Cleans up all containers\n"
	"      --exec string   Clean up the given exec session instead of the container\n"
	"  -l, --latest        Act on the latest container pm is aware of\n"
	"      --rm            After cleanup, remove the container entirely\n"
	"      --rmi           After cleanup, remove the image entirely\n";

enum { OPT_RM = 0x100, OPT_EXITED, OPT_RMI, OPT_EXEC };

/* --rmi: the container's image removed (not forced: podman's "image used by" when another
 * container uses it) */
static int cleanup_rmi(struct pm_cli *cli, const char *image_id, pm_error **err)
{
	_cleanup_store_ struct pm_store *s = NULL;
	int r = pm_store_open(&cli->paths, cli->storage_driver, &s, err);
	if (r < 0)
		return r;
	r = pm_image_remove(s, image_id, false, err);
	if (r == -ENOENT) /* gone already */
		return 0;
	if (r >= 0)
		pm_event_emit(cli->paths.runroot, "image", "remove", image_id, NULL, NULL);
	return r;
}

static int cleanup_checks(int nargs, bool all, bool latest, const char *exec, bool rmi)
{
	if (exec && all)
		return pm_cli_errorf("exec and all options conflict");
	if (exec && nargs > 1)
		return pm_cli_errorf(
			"cannot use exec option when more than one container is given");
	if (exec && rmi)
		return pm_cli_errorf("exec and rmi options conflict");
	if (all && latest)
		return pm_cli_errorf("--all and --latest cannot be used together");
	if (all && nargs > 0)
		return pm_cli_errorf("--all and containers cannot be used together");
	if (latest && nargs > 0)
		return pm_cli_errorf("--latest and containers cannot be used together");
	if (!all && !latest && nargs < 1)
		return pm_cli_errorf("you must provide at least one name or id");
	return 0;
}

int cmd_container_cleanup(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{"all", no_argument, NULL, 'a'},
					     {"latest", no_argument, NULL, 'l'},
					     {"rm", no_argument, NULL, OPT_RM},
					     {"rmi", no_argument, NULL, OPT_RMI},
					     {"exec", required_argument, NULL, OPT_EXEC},
					     /* internal: run by pm-monitor when its container
					      * exited; applies the restart policy */
					     {"exited", no_argument, NULL, OPT_EXITED},
					     {"help", no_argument, NULL, 0},
					     {NULL, 0, NULL, 0}};
	struct pm_opt_state st = {0};
	bool all = false, latest = false, rm = false, rmi = false, exited = false;
	const char *exec = NULL;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "al", opts, cleanup_usage)) != -1) {
		if (c == PM_OPT_EXIT)
			return st.status;
		if (c == 'a')
			all = true;
		else if (c == 'l')
			latest = true;
		else if (c == OPT_RM)
			rm = true;
		else if (c == OPT_RMI)
			rmi = true;
		else if (c == OPT_EXEC)
			exec = optarg;
		else if (c == OPT_EXITED)
			exited = true;
	}
	int status = cleanup_checks(argc - optind, all, latest, exec, rmi);
	if (status)
		return status;
	_cleanup_strv_ char **refs = NULL;
	if (latest && (status = pm_cli_ctr_select(cli, NULL, true, PM_EXIT_ERROR, &refs)))
		return status;
	for (int i = optind; i < argc; i++)
		pm_strv_push(&refs, argv[i]);
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	struct pm_container **list = NULL;
	size_t n = 0;
	status = pm_cli_ctr_list(cli, all, refs, (int)pm_strv_length(refs), &list, &n);
	if (status)
		return status;
	for (size_t i = 0; i < n; i++) {
		struct pm_container *ctr = list[i];
		_cleanup_error_ pm_error *ce = NULL;
		if (exec) { /* the session only: podman prints nothing */
			if (pm_exec_session_cleanup(&e, ctr, exec, &ce) < 0)
				status = pm_cli_error(ce);
			continue;
		}
		if (all && !exited) { /* refreshed by pm_cli_ctr_list */
			if (ctr->state.status == PM_CTR_RUNNING ||
			    ctr->state.status == PM_CTR_PAUSED)
				continue;
		}
		_cleanup_free_ char *image_id = pm_xstrdup(ctr->image_id ? ctr->image_id : "");
		if (pm_engine_cleanup(&e, ctr, exited, &ce) < 0 ||
		    (rm && pm_container_reload(&cli->paths, ctr, NULL) == 0 &&
		     pm_engine_remove(&e, ctr, &ce) < 0)) {
			if (!exited)
				pm_error_prefix(&ce, "failed to clean up container %s", ctr->id);
			status = pm_cli_error(ce);
			continue;
		}
		if (rmi && *image_id && cleanup_rmi(cli, image_id, &ce) < 0) {
			status = pm_cli_error(ce);
			continue;
		}
		if (exited)
			pm_pod_ctr_exited(&e, ctr); /* --exit-policy stop */
		else /* podman prints the name as given, the id for --all/--latest */
			printf("%s\n", all || latest ? ctr->id : refs[i]);
	}
	pm_container_list_free(list, n);
	return status;
}

/* clang-format off */
const struct pm_command pm_container_commands[] = {
	{ "attach", cmd_attach, PM_CMD_USERNS, "Attach to a running container", NULL },
	{ "checkpoint", cmd_refused, 0, "Checkpoints one or more containers", NULL },
	{ "clone", cmd_container_clone, PM_CMD_USERNS, "Creates a copy of an existing container", NULL },
	{ "cleanup", cmd_container_cleanup, PM_CMD_USERNS, "Clean up network and mountpoints of one or more containers", NULL },
	{ "commit", cmd_commit, PM_CMD_USERNS, "Create new image based on the changed container", NULL },
	{ "create", cmd_create, PM_CMD_USERNS, "Create but do not start a container", NULL },
	{ "cp", cmd_cp, PM_CMD_USERNS, "Copy files/folders between a container and the local filesystem", NULL },
	{ "diff", cmd_container_diff, PM_CMD_USERNS, "Inspect changes to the container's file systems", NULL },
	{ "exec", cmd_exec, PM_CMD_USERNS, "Run a process in a running container", NULL },
	{ "exists", cmd_container_exists, 0, "Check if a container exists in local storage", NULL },
	{ "export", cmd_export, PM_CMD_USERNS, "Export a container's filesystem contents as a tar archive", NULL },
	{ "init", cmd_init, PM_CMD_USERNS, "Initialize one or more containers", NULL },
	{ "inspect", cmd_container_inspect, 0, "Display the configuration of a container", NULL },
	{ "kill", cmd_kill, PM_CMD_USERNS, "Kill one or more running containers with a specific signal", NULL },
	{ "list", cmd_ps, PM_CMD_HIDDEN, "List containers", NULL },
	{ "logs", cmd_logs, 0, "Fetch the logs of one or more containers", NULL },
	{ "ls", cmd_ps, 0, "List containers", NULL },
	{ "mount", cmd_mount, PM_CMD_USERNS, "Mount a working container's root filesystem", NULL },
	{ "pause", cmd_pause, 0, "Pause all the processes in one or more containers", NULL },
	{ "prune", cmd_container_prune, PM_CMD_USERNS, "Remove all non running containers", NULL },
	{ "port", cmd_port, 0, "List port mappings or a specific mapping for the container", NULL },
	{ "ps", cmd_ps, PM_CMD_HIDDEN, "List containers", NULL },
	{ "rename", cmd_rename, 0, "Rename an existing container", NULL },
	{ "restart", cmd_restart, PM_CMD_USERNS, "Restart one or more containers", NULL },
	{ "restore", cmd_refused, 0, "Restores one or more containers from a checkpoint", NULL },
	{ "rm", cmd_rm, PM_CMD_USERNS, "Remove one or more containers", NULL },
	{ "run", cmd_run, PM_CMD_USERNS, "Run a command in a new container", NULL },
	{ "runlabel", cmd_container_runlabel, 0, "Execute the command described by an image label", NULL },
	{ "start", cmd_start, PM_CMD_USERNS, "Start one or more containers", NULL },
	{ "stats", cmd_stats, 0, "Display a live stream of container resource usage statistics", NULL },
	{ "stop", cmd_stop, PM_CMD_USERNS, "Stop one or more containers", NULL },
	{ "top", cmd_top, 0, "Display the running processes of a container", NULL },
	{ "umount", cmd_unmount, PM_CMD_USERNS | PM_CMD_HIDDEN, "Unmount working container's root filesystem", NULL },
	{ "unmount", cmd_unmount, PM_CMD_USERNS, "Unmount working container's root filesystem", NULL },
	{ "unpause", cmd_unpause, 0, "Unpause the processes in one or more containers", NULL },
	{ "update", cmd_update, 0, "Update an existing container", NULL },
	{ "wait", cmd_wait, PM_CMD_USERNS, "Block on one or more containers", NULL },
	{ NULL, NULL, 0, NULL, NULL },
};
/* clang-format on */
