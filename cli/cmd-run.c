/* cmd-run.c: `pm run` flag parsing (podman's spellings) into a struct pm_container_config,
 * and the foreground run of an exploded rootfs (--rootfs). Images and container records
 * are wired by the engine; cmd_run_parse() is shared with `pm create`. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd-run.h"
#include "engine/run.h"
#include "cli/commands.h"
#include "engine/spec.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "runtime/runtime.h"

static const char run_usage[] =
	"Run a command in a new container\n"
	"\n"
	"Description:\n"
	"  Runs a command in a new container from the given image (or, with --rootfs, from an\n"
	"  exploded root filesystem directory).\n"
	"\n"
	"Usage:\n"
	"  pm run [options] IMAGE [COMMAND [ARG...]]\n"
	"  pm run [options] --rootfs DIR [COMMAND [ARG...]]\n"
	"\n"
	"Options:\n"
	"      --cap-add strings          Add capabilities to the container\n"
	"      --cap-drop strings         Drop capabilities from the container\n"
	"      --cpus float               Number of CPUs (needs cgroup v2 delegation)\n"
	"      --entrypoint string        Overwrite the default ENTRYPOINT of the image\n"
	"  -e, --env stringArray          Set environment variables in container\n"
	"      --env-file stringArray     Read in a file of environment variables\n"
	"      --group-add strings        Add additional groups to the primary container process\n"
	"      --hostname string          Set container hostname\n"
	"      --init                     Run an init inside the container that forwards signals "
	"and reaps processes\n"
	"  -i, --interactive              Keep STDIN open even if not attached\n"
	"      --ipc string               IPC namespace to use (host, private)\n"
	"  -l, --label stringArray        Set metadata on container\n"
	"  -m, --memory string            Memory limit (format: <number>[<unit>], where unit = b, "
	"k, m or g)\n"
	"      --mount stringArray        Attach a filesystem mount to the container\n"
	"      --name string              Assign a name to the container\n"
	"      --network string           Connect a container to a network (none, host)\n"
	"      --pid string               PID namespace to use (host, private)\n"
	"      --pids-limit int           Tune container pids limit (set -1 for unlimited)\n"
	"      --privileged               Give extended privileges to container\n"
	"      --read-only                Make containers root filesystem read-only\n"
	"      --read-only-tmpfs          When running containers in read-only mode mount a "
	"read-write tmpfs on /run, /tmp and /var/tmp (default true)\n"
	"      --rm                       Remove container (and pod if created) after exit\n"
	"      --rootfs                   The first argument is not an image but the rootfs to "
	"the exploded container\n"
	"      --security-opt stringArray Security Options (seccomp=PROFILE|unconfined, "
	"no-new-privileges, label=disable)\n"
	"      --tmpfs stringArray        Mount a temporary filesystem (tmpfs) into a container\n"
	"  -t, --tty                      Allocate a pseudo-TTY for container\n"
	"  -u, --user string              Username or UID (format: <name|uid>[:<group|gid>])\n"
	"      --userns string            User namespace to use (host, keep-id)\n"
	"      --uts string               UTS namespace to use (host, private)\n"
	"  -v, --volume stringArray       Bind mount a volume into the container\n"
	"  -w, --workdir string           Working directory inside the container\n";

enum {
	OPT_NAME = 1000,
	OPT_RM,
	OPT_ENV_FILE,
	OPT_ENTRYPOINT,
	OPT_GROUP_ADD,
	OPT_HOSTNAME,
	OPT_MOUNT,
	OPT_TMPFS,
	OPT_READ_ONLY,
	OPT_READ_ONLY_TMPFS,
	OPT_INIT,
	OPT_USERNS,
	OPT_CAP_ADD,
	OPT_CAP_DROP,
	OPT_PRIVILEGED,
	OPT_SECURITY_OPT,
	OPT_PID,
	OPT_IPC,
	OPT_UTS,
	OPT_NETWORK,
	OPT_CPUS,
	OPT_PIDS_LIMIT,
	OPT_ROOTFS,
	OPT_DETACH,
	OPT_HELP,
};

static const struct option run_options[] = {
	{"name", required_argument, NULL, OPT_NAME},
	{"rm", optional_argument, NULL, OPT_RM},
	{"env", required_argument, NULL, 'e'},
	{"env-file", required_argument, NULL, OPT_ENV_FILE},
	{"entrypoint", required_argument, NULL, OPT_ENTRYPOINT},
	{"workdir", required_argument, NULL, 'w'},
	{"user", required_argument, NULL, 'u'},
	{"group-add", required_argument, NULL, OPT_GROUP_ADD},
	{"hostname", required_argument, NULL, OPT_HOSTNAME},
	{"label", required_argument, NULL, 'l'},
	{"volume", required_argument, NULL, 'v'},
	{"mount", required_argument, NULL, OPT_MOUNT},
	{"tmpfs", required_argument, NULL, OPT_TMPFS},
	{"read-only", optional_argument, NULL, OPT_READ_ONLY},
	{"read-only-tmpfs", optional_argument, NULL, OPT_READ_ONLY_TMPFS},
	{"interactive", optional_argument, NULL, 'i'},
	{"tty", optional_argument, NULL, 't'},
	{"init", optional_argument, NULL, OPT_INIT},
	{"userns", required_argument, NULL, OPT_USERNS},
	{"cap-add", required_argument, NULL, OPT_CAP_ADD},
	{"cap-drop", required_argument, NULL, OPT_CAP_DROP},
	{"privileged", optional_argument, NULL, OPT_PRIVILEGED},
	{"security-opt", required_argument, NULL, OPT_SECURITY_OPT},
	{"pid", required_argument, NULL, OPT_PID},
	{"ipc", required_argument, NULL, OPT_IPC},
	{"uts", required_argument, NULL, OPT_UTS},
	{"network", required_argument, NULL, OPT_NETWORK},
	{"net", required_argument, NULL, OPT_NETWORK},
	{"memory", required_argument, NULL, 'm'},
	{"cpus", required_argument, NULL, OPT_CPUS},
	{"pids-limit", required_argument, NULL, OPT_PIDS_LIMIT},
	{"rootfs", optional_argument, NULL, OPT_ROOTFS},
	{"detach", optional_argument, NULL, 'd'},
	{"help", no_argument, NULL, OPT_HELP},
	{NULL, 0, NULL, 0},
};

/* A boolean flag: "--x", "--x=true", "--x=false". */
static int bool_arg(const char *flag, const char *arg, bool *ret)
{
	if (!arg || !strcmp(arg, "true") || !strcmp(arg, "1")) {
		*ret = true;
		return 0;
	}
	if (!strcmp(arg, "false") || !strcmp(arg, "0")) {
		*ret = false;
		return 0;
	}
	return pm_cli_errorf("invalid argument \"%s\" for \"--%s\" flag: strconv.ParseBool: "
			     "parsing \"%s\": invalid syntax",
			     arg, flag, arg);
}

/* Split a comma-separated list flag (--cap-add a,b) into v. */
static void push_list(char ***v, const char *arg)
{
	_cleanup_strv_ char **parts = pm_strv_split(arg, ",");
	for (char **p = parts; p && *p; p++)
		pm_strv_push(v, *p);
}

static void set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = pm_xstrdup(v);
}

static int security_opt(struct pm_container_config *c, const char *arg)
{
	if (pm_str_startswith(arg, "seccomp=") || pm_str_startswith(arg, "seccomp:")) {
		set_str(&c->seccomp, arg + 8);
		return 0;
	}
	if (!strcmp(arg, "no-new-privileges") || !strcmp(arg, "no-new-privileges=true") ||
	    !strcmp(arg, "no-new-privileges:true")) {
		c->no_new_privs = true;
		return 0;
	}
	if (!strcmp(arg, "no-new-privileges=false") || !strcmp(arg, "no-new-privileges:false")) {
		c->no_new_privs = false;
		return 0;
	}
	if (pm_str_startswith(arg, "label=") || pm_str_startswith(arg, "label:") ||
	    pm_str_startswith(arg, "apparmor=") || pm_str_startswith(arg, "mask=") ||
	    pm_str_startswith(arg, "unmask="))
		return 0; /* accepted, no effect on this host (no SELinux/AppArmor) */
	return pm_cli_errorf("invalid --security-opt '%s'", arg);
}

int cmd_run_parse(struct pm_cli *cli, int argc, char **argv, struct pm_container_config *c,
		  bool *ret_detach, int *ret_status)
{
	struct pm_opt_state st = {0};
	bool b;
	int opt;
	*ret_detach = false;
	c->read_only_tmpfs = true;
	bool rootfs = false;
	while ((opt = pm_cli_getopt(cli, &st, argc, argv, "+e:w:u:l:v:m:itd", run_options,
				    run_usage)) != -1) {
		/* Short bools take no value ("-it" is -i -t); the long forms take =BOOL. */
		switch (opt) {
		case PM_OPT_EXIT:
			*ret_status = st.status;
			return -1;
		case OPT_HELP:
			pm_cli_usage(cli, run_usage);
			*ret_status = 0;
			return -1;
		case OPT_NAME:
			set_str(&c->name, optarg);
			break;
		case OPT_RM:
			if (bool_arg("rm", optarg, &c->rm) != 0)
				goto bad;
			break;
		case 'e':
			pm_strv_push(&c->env, optarg);
			break;
		case OPT_ENV_FILE:
			pm_strv_push(&c->env_files, optarg);
			break;
		case OPT_ENTRYPOINT:
			set_str(&c->entrypoint, optarg);
			c->entrypoint_set = true;
			break;
		case 'w':
			set_str(&c->workdir, optarg);
			break;
		case 'u':
			set_str(&c->user, optarg);
			break;
		case OPT_GROUP_ADD:
			push_list(&c->group_add, optarg);
			break;
		case OPT_HOSTNAME:
			set_str(&c->hostname, optarg);
			break;
		case 'l':
			pm_strv_push(&c->labels, optarg);
			break;
		case 'v':
			pm_strv_push(&c->volumes, optarg);
			break;
		case OPT_MOUNT:
			pm_strv_push(&c->mounts, optarg);
			break;
		case OPT_TMPFS:
			pm_strv_push(&c->tmpfs, optarg);
			break;
		case OPT_READ_ONLY:
			if (bool_arg("read-only", optarg, &c->read_only) != 0)
				goto bad;
			break;
		case OPT_READ_ONLY_TMPFS:
			if (bool_arg("read-only-tmpfs", optarg, &c->read_only_tmpfs) != 0)
				goto bad;
			break;
		case 'i':
			if (bool_arg("interactive", optarg, &c->interactive) != 0)
				goto bad;
			break;
		case 't':
			if (bool_arg("tty", optarg, &c->tty) != 0)
				goto bad;
			break;
		case 'd':
			if (bool_arg("detach", optarg, &b) != 0)
				goto bad;
			*ret_detach = b;
			break;
		case OPT_INIT:
			if (bool_arg("init", optarg, &c->init) != 0)
				goto bad;
			break;
		case OPT_USERNS:
			set_str(&c->userns, optarg);
			break;
		case OPT_CAP_ADD:
			push_list(&c->cap_add, optarg);
			break;
		case OPT_CAP_DROP:
			push_list(&c->cap_drop, optarg);
			break;
		case OPT_PRIVILEGED:
			if (bool_arg("privileged", optarg, &c->privileged) != 0)
				goto bad;
			break;
		case OPT_SECURITY_OPT:
			if (security_opt(c, optarg) != 0)
				goto bad;
			break;
		case OPT_PID:
			set_str(&c->pid, optarg);
			break;
		case OPT_IPC:
			set_str(&c->ipc, optarg);
			break;
		case OPT_UTS:
			set_str(&c->uts, optarg);
			break;
		case OPT_NETWORK:
			set_str(&c->network, optarg);
			break;
		case 'm':
			if (pm_parse_size(optarg, &c->memory) < 0 || c->memory == 0) {
				pm_cli_errorf("invalid --memory '%s': use <number>[<unit>], where "
					      "unit = b, k, m or g",
					      optarg);
				goto bad;
			}
			break;
		case OPT_CPUS: {
			char *end = NULL;
			errno = 0;
			double v = strtod(optarg, &end);
			if (errno || !end || *end || !(v > 0) || !isfinite(v)) {
				pm_cli_errorf("invalid --cpus '%s': must be a positive number",
					      optarg);
				goto bad;
			}
			c->cpus = v;
			break;
		}
		case OPT_PIDS_LIMIT: {
			int v;
			if (pm_parse_int(optarg, &v) < 0 || v < -1) {
				pm_cli_errorf("invalid --pids-limit '%s': must be a number (-1 for "
					      "unlimited)",
					      optarg);
				goto bad;
			}
			c->pids_limit = v;
			c->pids_limit_set = true;
			break;
		}
		case OPT_ROOTFS:
			if (bool_arg("rootfs", optarg, &rootfs) != 0)
				goto bad;
			break;
		default:
			pm_cli_errorf("unhandled flag");
			goto bad;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "Error: %s requires at least 1 argument\n", cli->cmdpath);
		goto bad;
	}
	if (rootfs)
		set_str(&c->rootfs, argv[optind]);
	else
		set_str(&c->image, argv[optind]);
	for (int i = optind + 1; i < argc; i++)
		pm_strv_push(&c->command, argv[i]);
	return 0;
bad:
	*ret_status = PM_EXIT_ERROR;
	return -1;
}

int cmd_run(struct pm_cli *cli, int argc, char **argv)
{
	struct pm_container_config cfg = {0};
	_cleanup_error_ pm_error *err = NULL;
	bool detach;
	int status = PM_EXIT_ERROR;

	if (cmd_run_parse(cli, argc, argv, &cfg, &detach, &status) < 0)
		goto out;
	if (pm_spec_validate(&cfg, &err) < 0) {
		status = pm_cli_error(err);
		goto out;
	}
	if (detach) {
		status = pm_cli_errorf("--detach: detached containers are not supported yet");
		goto out;
	}
	struct pm_engine engine = { .paths = &cli->paths, .storage_driver = cli->storage_driver };
	int code = 0;
	if (pm_engine_run(&engine, &cfg, &code, &err) < 0)
		status = pm_cli_error(err);
	else
		status = code;
out:
	pm_spec_config_clear(&cfg);
	fflush(stdout);
	return status;
}
