/* cmd-exec.c: `pm exec [options] CONTAINER COMMAND [ARG...]`: flag parsing (podman's
 * spellings) into a struct pm_exec_config and the exit status. The work is in
 * engine/exec.c (settings) and runtime/exec.c (namespaces, privileges, exec). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/container.h"
#include "engine/run.h"
#include "engine/exec.h"
#include "engine/validate.h"
#include "lib/strutil.h"

static const char exec_usage[] =
	"Run a process in a running container\n"
	"\n"
	"Description:\n"
	"  Execute the specified command inside a running container.\n"
	"\n"
	"\n"
	"Usage:\n"
	"  pm exec [options] CONTAINER [COMMAND [ARG...]]\n"
	"\n"
	"Examples:\n"
	"  pm exec -it ctrID ls\n"
	"  pm exec -it -w /tmp myCtr pwd\n"
	"  pm exec --user root ctrID ls\n"
	"\n"
	"Options:\n"
	"  -d, --detach               Run the exec session in detached mode (backgrounded)\n"
	"      --detach-keys string   Select the key sequence for detaching a container. Format is "
	"a single character [a-Z] or ctrl-<value> where <value> is one of: a-z, @, ^, [, , or _\n"
	"  -e, --env stringArray      Set environment variables\n"
	"      --env-file strings     Read in a file of environment variables\n"
	"  -i, --interactive          Keep STDIN open even if not attached\n"
	"  -l, --latest               Act on the latest container pm is aware of\n"
	"      --preserve-fds uint    Pass N additional file descriptors to the container\n"
	"      --privileged           Give the process extended Linux capabilities inside the "
	"container.  The default is false\n"
	"  -t, --tty                  Allocate a pseudo-TTY. The default is false\n"
	"  -u, --user string          Sets the username or UID used and optionally the groupname "
	"or GID for the specified command\n"
	"  -w, --workdir string       Working directory inside the container\n";

enum {
	OPT_ENV_FILE = 1000,
	OPT_PRIVILEGED,
	OPT_HELP,
	OPT_DETACH_KEYS,
	OPT_PRESERVE_FDS,
};

static const struct option exec_options[] = {
	{"detach", optional_argument, NULL, 'd'},
	{"env", required_argument, NULL, 'e'},
	{"env-file", required_argument, NULL, OPT_ENV_FILE},
	{"interactive", optional_argument, NULL, 'i'},
	{"latest", optional_argument, NULL, 'l'},
	{"privileged", optional_argument, NULL, OPT_PRIVILEGED},
	{"tty", optional_argument, NULL, 't'},
	{"user", required_argument, NULL, 'u'},
	{"workdir", required_argument, NULL, 'w'},
	{"help", no_argument, NULL, OPT_HELP},
	{"detach-keys", required_argument, NULL, OPT_DETACH_KEYS},
	{"preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS},
	{NULL, 0, NULL, 0},
};

static void set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = pm_xstrdup(v);
}

/* -l: the most recently created container. */
static int latest(struct pm_cli *cli, char **ret, pm_error **err)
{
	struct pm_container **list = NULL;
	size_t n = 0;
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	int r = pm_engine_ctr_list(&e, &list, &n, err); /* refreshed */
	if (r < 0)
		return r;
	if (n == 0)
		r = pm_error_set(err, ENOENT, "no containers to exec into: no such container");
	else
		*ret = pm_xstrdup(list[0]->id);
	pm_container_list_free(list, n);
	return r;
}

int cmd_exec(struct pm_cli *cli, int argc, char **argv)
{
	struct pm_exec_config x = {0};
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_free_ char *ref = NULL;
	_cleanup_free_ char *session = NULL;
	struct pm_opt_state st = {0};
	bool use_latest = false;
	unsigned preserve_fds = 0;
	int status = PM_EXIT_ERROR;
	int opt;

	while ((opt = pm_cli_getopt(cli, &st, argc, argv, "+de:iltu:w:", exec_options,
				    exec_usage)) != -1) {
		switch (opt) {
		case PM_OPT_EXIT:
			status = st.status;
			goto out;
		case OPT_HELP:
			pm_cli_usage(cli, exec_usage);
			status = 0;
			goto out;
		case 'd':
			if (pm_cli_bool_arg("detach", optarg, &x.detach) != 0)
				goto out;
			break;
		case 'e':
			pm_strv_push(&x.env, optarg);
			break;
		case OPT_ENV_FILE: {
			_cleanup_strv_ char **parts = pm_strv_split(optarg, ",");
			for (char **p = parts; p && *p; p++)
				pm_strv_push(&x.env_files, *p);
			break;
		}
		case 'i':
			if (pm_cli_bool_arg("interactive", optarg, &x.interactive) != 0)
				goto out;
			break;
		case 'l':
			if (pm_cli_bool_arg("latest", optarg, &use_latest) != 0)
				goto out;
			break;
		case OPT_PRIVILEGED:
			if (pm_cli_bool_arg("privileged", optarg, &x.privileged) != 0)
				goto out;
			break;
		case 't':
			if (pm_cli_bool_arg("tty", optarg, &x.tty) != 0)
				goto out;
			break;
		case 'u':
			set_str(&x.user, optarg);
			break;
		case OPT_DETACH_KEYS: {
			_cleanup_error_ pm_error *kerr = NULL;
			if (pm_config_check_detach_keys(optarg, &kerr) < 0) {
				status = pm_cli_error(kerr);
				goto out;
			}
			x.detach_keys = optarg;
			break;
		}
		case OPT_PRESERVE_FDS: {
			char *end;
			errno = 0;
			unsigned long v = optarg[0] >= '0' && optarg[0] <= '9'
						  ? strtoul(optarg, &end, 10)
						  : 0;
			if (!(optarg[0] >= '0' && optarg[0] <= '9') || *end || errno || v > 1024) {
				pm_cli_errorf(
					"invalid argument \"%s\" for \"--preserve-fds\" flag: "
					"strconv.ParseUint: parsing \"%s\": invalid syntax",
					optarg, optarg);
				goto out;
			}
			preserve_fds = (unsigned)v;
			break;
		}
		case 'w':
			set_str(&x.workdir, optarg);
			break;
		default:
			pm_cli_errorf("unhandled flag");
			goto out;
		}
	}
	if (use_latest) {
		if (latest(cli, &ref, &err) < 0) {
			status = pm_cli_error(err);
			goto out;
		}
	} else {
		if (optind >= argc) {
			status = pm_cli_errorf("exec requires the name or ID of a container or the "
					       "--latest flag");
			goto out;
		}
		ref = pm_xstrdup(argv[optind++]);
	}
	if (optind >= argc) {
		status = pm_cli_errorf("must provide a non-empty command to start an exec session: "
				       "invalid argument");
		goto out;
	}
	for (int i = optind; i < argc; i++)
		pm_strv_push(&x.args, argv[i]);

	struct pm_engine engine = {.paths = &cli->paths,
				   .storage_driver = cli->storage_driver,
				   .preserve_fds = preserve_fds};
	/* -it on a terminal: a session that the detach keys ("": none) leave running */
	x.detachable = !x.detach && x.tty && x.interactive && !(x.detach_keys && !*x.detach_keys) &&
		       isatty(STDIN_FILENO);
	int code = 0;
	if (pm_engine_exec(&engine, ref, &x, &code, &session, &err) < 0) {
		status = pm_cli_error(err);
		goto out;
	}
	if (x.detach && session)
		printf("%s\n", session); /* podman prints the exec session's id */
	status = code;
out:
	pm_exec_config_clear(&x);
	fflush(stdout);
	return status;
}
