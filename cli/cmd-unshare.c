/* cmd-unshare.c: `pm unshare [options] [COMMAND [ARG...]]`: run COMMAND (default $SHELL, else
 * /bin/sh) inside pm's rootless user + mount namespace, as podman unshare does. The command
 * replaces pm (execvp), so its exit status is pm's. Calls rootless/ only. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/ctr-networks.h"
#include "engine/engine.h"
#include "lib/fileutil.h"
#include "rootless/userns.h"

static const char usage[] = "Run a command in a modified user namespace\n"
			    "\n"
			    "Description:\n"
			    "  Runs a command in a modified user namespace.\n"
			    "\n"
			    "Usage:\n"
			    "  pm unshare [options] [COMMAND [ARG...]]\n"
			    "\n"
			    "Examples:\n"
			    "  pm unshare id\n"
			    "  pm unshare cat /proc/self/uid_map\n"
			    "  pm unshare pm-script.sh\n"
			    "\n"
			    "Options:\n"
			    "  -h, --help   help for unshare\n"
			    "      --rootless-netns   Join the rootless network namespace used "
			    "for CNI and netavark networking\n";

int cmd_unshare(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"rootless-netns", no_argument, NULL, 'N'},
		{"help", no_argument, NULL, 0},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	int c;
	bool netns = false;
	/* '+': options end at COMMAND, so `pm unshare ls -l` passes -l to ls. */
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "+", opts, usage)) != -1) {
		if (c == PM_OPT_EXIT)
			return st.status;
		if (c == 'N') /* the shared netns of the user-defined networks */
			netns = true;
	}

	if (!pm_rootless_is_rootless())
		return pm_cli_errorf("please use unshare with rootless");

	_cleanup_error_ pm_error *err = NULL;
	if (pm_rootless_enter(&cli->paths, &err) < 0)
		return pm_cli_error(err);

	/* podman's names, so scripts carry over, and pm's own. */
	if (cli->paths.root) {
		setenv("CONTAINERS_GRAPHROOT", cli->paths.root, 1);
		setenv("PM_ROOT", cli->paths.root, 1);
	}
	if (cli->paths.runroot) {
		setenv("CONTAINERS_RUNROOT", cli->paths.runroot, 1);
		setenv("PM_RUNROOT", cli->paths.runroot, 1);
	}

	char *shell_argv[2] = {NULL, NULL};
	char **cmd = argv + optind;
	if (optind >= argc) {
		const char *shell = getenv("SHELL");
		shell_argv[0] = (char *)(shell && shell[0] ? shell : "/bin/sh");
		cmd = shell_argv;
	}

	/* --rootless-netns: the shared namespace of the user-defined networks; made for the
	 * command when missing, and gone after it unless a container uses it meanwhile */
	bool made = false;
	struct pm_engine eng = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	if (netns) {
		_cleanup_close_ int nsfd = -1;
		if (pm_engine_rootless_netns(&eng, &nsfd, &made, &err) < 0)
			return pm_cli_error(err);
		if (setns(nsfd, CLONE_NEWNET) < 0)
			return pm_cli_errorf("joining the rootless network namespace: %s",
					     strerror(errno));
	}

	/* Search $PATH ourselves: execvp reports EACCES when any $PATH entry is unreadable,
	 * where "not found" (127) is the truth. */
	_cleanup_free_ char *path = NULL;
	if (!strchr(cmd[0], '/')) {
		path = pm_find_executable(cmd[0]);
		if (!path) {
			pm_cli_errorf("exec '%s': executable file not found in $PATH", cmd[0]);
			return PM_EXIT_NOT_FOUND;
		}
	}
	fflush(stdout);
	fflush(stderr);
	if (made) {
		pid_t pid = fork();
		if (pid < 0)
			return pm_cli_errorf("fork: %s", strerror(errno));
		if (pid == 0) {
			execv(path ? path : cmd[0], cmd);
			_exit(errno == ENOENT || errno == ENOTDIR ? PM_EXIT_NOT_FOUND
								  : PM_EXIT_CANNOT_INVOKE);
		}
		int status = 0;
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		pm_engine_network_release(&eng, NULL);
		return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
	execv(path ? path : cmd[0], cmd);
	int e = errno;
	pm_cli_errorf("exec '%s': %s", path ? path : cmd[0], strerror(e));
	if (e == ENOENT || e == ENOTDIR)
		return PM_EXIT_NOT_FOUND;
	return PM_EXIT_CANNOT_INVOKE;
}
