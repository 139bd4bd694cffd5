/* cmd-run.c: `pm run` flag parsing (podman's spellings) into a struct pm_container_config,
 * the foreground run (this process is the container's monitor: engine/monitor.h) and
 * run -d (a detached monitor). cmd_run_parse() and cmd_run_create() are shared with
 * `pm create` (cli/cmd-create.c). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd-run.h"
#include "cli/commands.h"
#include "engine/monitor.h"
#include "engine/net.h"
#include "engine/run.h"
#include "engine/spec.h"
#include "lib/fileutil.h"
#include "lib/log.h"
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
	"      --cidfile string           Write the container ID to the file\n"
	"      --cpus float               Number of CPUs (needs cgroup v2 delegation)\n"
	"  -d, --detach                   Run container in background and print container ID\n"
	"      --detach-keys string       Override the key sequence for detaching a container\n"
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
	"      --log-opt stringArray      Logging driver options (max-size=SIZE)\n"
	"  -m, --memory string            Memory limit (format: <number>[<unit>], where unit = b, "
	"k, m or g)\n"
	"      --mount stringArray        Attach a filesystem mount to the container\n"
	"      --name string              Assign a name to the container\n"
	"      --add-host strings         Add a custom host-to-IP mapping (host:ip)\n"
	"      --dns strings              Set custom DNS servers\n"
	"      --dns-option strings       Set custom DNS options\n"
	"      --dns-search strings       Set custom DNS search domains\n"
	"      --network string           Connect a container to a network (slirp4netns[:opts], "
	"pasta[:opts], none, host, container:NAME|ID)\n"
	"      --no-hosts                 Do not create /etc/hosts within the container\n"
	"  -p, --publish strings          Publish a container's port, or a range of ports, to the "
	"host\n"
	"  -P, --publish-all              Publish all exposed ports to random ports on the host "
	"interfaces\n"
	"      --pid string               PID namespace to use (host, private)\n"
	"      --pids-limit int           Tune container pids limit (set -1 for unlimited)\n"
	"      --privileged               Give extended privileges to container\n"
	"      --read-only                Make containers root filesystem read-only\n"
	"      --read-only-tmpfs          When running containers in read-only mode mount a "
	"read-write tmpfs on /run, /tmp and /var/tmp (default true)\n"
	"      --replace                  If a container with the same name exists, replace it\n"
	"      --restart string           Restart policy to apply when a container exits "
	"(no, on-failure[:max_retries], always, unless-stopped)\n"
	"      --rm                       Remove container (and pod if created) after exit\n"
	"      --rootfs                   The first argument is not an image but the rootfs to "
	"the exploded container\n"
	"      --security-opt stringArray Security Options (seccomp=PROFILE|unconfined, "
	"no-new-privileges, label=disable)\n"
	"      --stop-signal string       Signal to stop a container. Default is SIGTERM\n"
	"      --stop-timeout uint        Timeout (in seconds) to stop a container. Default is 10\n"
	"      --tmpfs stringArray        Mount a temporary filesystem (tmpfs) into a container\n"
	"  -t, --tty                      Allocate a pseudo-TTY for container\n"
	"  -u, --user string              Username or UID (format: <name|uid>[:<group|gid>])\n"
	"      --userns string            User namespace to use (host, keep-id)\n"
	"      --uts string               UTS namespace to use (host, private)\n"
	"  -v, --volume stringArray       Bind mount a volume into the container\n"
	"  -w, --workdir string           Working directory inside the container\n";

static const char create_usage[] =
	"Create but do not start a container\n"
	"\n"
	"Description:\n"
	"  Creates a new container from the given image or storage and prepares it for running "
	"the specified command.\n"
	"\n"
	"  The container ID is then printed to stdout. You can then start it at any time with "
	"the pm start <container_id> command. The container will be created with the initial "
	"state 'created'.\n"
	"\n"
	"Usage:\n"
	"  pm create [options] IMAGE [COMMAND [ARG...]]\n"
	"\n"
	"Options: those of pm run (see pm run --help), except --detach.\n";

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
	OPT_CIDFILE,
	OPT_REPLACE,
	OPT_RESTART,
	OPT_STOP_TIMEOUT,
	OPT_STOP_SIGNAL,
	OPT_LOG_OPT,
	OPT_DETACH_KEYS,
	OPT_DNS,
	OPT_DNS_SEARCH,
	OPT_DNS_OPTION,
	OPT_ADD_HOST,
	OPT_NO_HOSTS,
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
	{"publish", required_argument, NULL, 'p'},
	{"publish-all", optional_argument, NULL, 'P'},
	{"dns", required_argument, NULL, OPT_DNS},
	{"dns-search", required_argument, NULL, OPT_DNS_SEARCH},
	{"dns-option", required_argument, NULL, OPT_DNS_OPTION},
	{"dns-opt", required_argument, NULL, OPT_DNS_OPTION},
	{"add-host", required_argument, NULL, OPT_ADD_HOST},
	{"no-hosts", optional_argument, NULL, OPT_NO_HOSTS},
	{"memory", required_argument, NULL, 'm'},
	{"cpus", required_argument, NULL, OPT_CPUS},
	{"pids-limit", required_argument, NULL, OPT_PIDS_LIMIT},
	{"rootfs", optional_argument, NULL, OPT_ROOTFS},
	{"detach", optional_argument, NULL, 'd'},
	{"cidfile", required_argument, NULL, OPT_CIDFILE},
	{"replace", optional_argument, NULL, OPT_REPLACE},
	{"restart", required_argument, NULL, OPT_RESTART},
	{"stop-timeout", required_argument, NULL, OPT_STOP_TIMEOUT},
	{"stop-signal", required_argument, NULL, OPT_STOP_SIGNAL},
	{"log-opt", required_argument, NULL, OPT_LOG_OPT},
	{"detach-keys", required_argument, NULL, OPT_DETACH_KEYS},
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

static int log_opt(struct pm_container_config *c, const char *arg)
{
	if (pm_str_startswith(arg, "max-size=")) {
		const char *v = arg + strlen("max-size=");
		uint64_t n;
		if (pm_parse_size(v, &n) < 0)
			return pm_cli_errorf("invalid size: '%s'", v);
		c->log_max_size = n;
		return 0;
	}
	/* podman accepts and ignores other keys (tag=, path= ...) for k8s-file */
	if (!strchr(arg, '='))
		return pm_cli_errorf("invalid logging option '%s': use KEY=VALUE", arg);
	return 0;
}

int cmd_run_parse(struct pm_cli *cli, int argc, char **argv, struct pm_container_config *c,
		  struct cmd_run_opts *o, int *ret_status)
{
	struct pm_opt_state st = {0};
	bool b;
	int opt;
	o->detach = false;
	c->read_only_tmpfs = true;
	bool rootfs = false;
	while ((opt = pm_cli_getopt(cli, &st, argc, argv,
				    o->create ? "+e:w:u:l:v:m:itp:P" : "+e:w:u:l:v:m:itdp:P",
				    run_options, o->create ? create_usage : run_usage)) != -1) {
		/* Short bools take no value ("-it" is -i -t); the long forms take =BOOL. */
		switch (opt) {
		case PM_OPT_EXIT:
			*ret_status = st.status;
			return -1;
		case OPT_HELP:
			pm_cli_usage(cli, o->create ? create_usage : run_usage);
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
			if (o->create) {
				pm_cli_errorf("unknown flag: --detach");
				goto bad;
			}
			if (bool_arg("detach", optarg, &b) != 0)
				goto bad;
			o->detach = b;
			break;
		case OPT_CIDFILE:
			o->cidfile = optarg;
			break;
		case OPT_REPLACE:
			if (bool_arg("replace", optarg, &o->replace) != 0)
				goto bad;
			break;
		case OPT_RESTART: {
			struct pm_restart_policy pol;
			_cleanup_error_ pm_error *perr = NULL;
			if (pm_monitor_parse_restart(optarg, &pol, &perr) < 0) {
				pm_cli_error(perr);
				goto bad;
			}
			set_str(&c->restart, optarg);
			break;
		}
		case OPT_STOP_TIMEOUT: {
			uint64_t v;
			if (pm_parse_uint64(optarg, &v) < 0 || v > INT32_MAX) {
				pm_cli_errorf(
					"invalid argument \"%s\" for \"--stop-timeout\" flag: "
					"strconv.ParseUint: parsing \"%s\": invalid syntax",
					optarg, optarg);
				goto bad;
			}
			c->stop_timeout = (int64_t)v;
			c->stop_timeout_set = true;
			break;
		}
		case OPT_STOP_SIGNAL: {
			int sig;
			if (pm_engine_parse_signal(optarg, &sig) < 0) {
				pm_cli_errorf("invalid signal: %s", optarg);
				goto bad;
			}
			set_str(&c->stop_signal, optarg);
			break;
		}
		case OPT_LOG_OPT:
			if (log_opt(c, optarg) != 0)
				goto bad;
			break;
		case OPT_DETACH_KEYS:
			o->detach_keys = optarg; /* used by run -it on a terminal */
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
		case 'p':
			push_list(&c->publish, optarg);
			break;
		case 'P':
			if (bool_arg("publish-all", optarg, &c->publish_all) != 0)
				goto bad;
			break;
		case OPT_DNS:
			push_list(&c->dns, optarg);
			break;
		case OPT_DNS_SEARCH:
			push_list(&c->dns_search, optarg);
			break;
		case OPT_DNS_OPTION:
			pm_strv_push(&c->dns_options, optarg);
			break;
		case OPT_ADD_HOST:
			push_list(&c->add_hosts, optarg);
			break;
		case OPT_NO_HOSTS:
			if (bool_arg("no-hosts", optarg, &c->no_hosts) != 0)
				goto bad;
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

int cmd_run_create(struct pm_cli *cli, const struct pm_engine *e,
		   const struct pm_container_config *cfg, const struct cmd_run_opts *o,
		   struct pm_container **ret)
{
	_cleanup_error_ pm_error *err = NULL;
	if (cfg->rm && cfg->restart && *cfg->restart && strcmp(cfg->restart, "no") != 0)
		return pm_cli_errorf("the --rm option conflicts with --restart, when the "
				     "restartPolicy is not \"\" and \"no\"");
	if (o->replace && !cfg->name)
		return pm_cli_errorf("cannot replace container without --name being set");
	if (pm_spec_validate(cfg, &err) < 0)
		return pm_cli_error(err);
	struct pm_net_config net;
	if (pm_engine_net_config(cfg, NULL, &net, NULL) == 1)
		pm_log_warn("Port mappings have been discarded as one of the Host, Container, Pod, "
			    "and None network modes are in use");
	pm_net_config_clear(&net);
	_cleanup_close_ int cidfd = -1;
	if (o->cidfile) {
		cidfd = open(o->cidfile, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (cidfd < 0 && errno == EEXIST)
			return pm_cli_errorf(
				"container id file exists. Ensure another container is "
				"not using it or delete %s",
				o->cidfile);
		if (cidfd < 0)
			return pm_cli_errorf("opening cidfile '%s': %s", o->cidfile,
					     strerror(errno));
	}
	if (o->replace) {
		_cleanup_container_ struct pm_container *old = NULL;
		if (pm_container_lookup(e->paths, cfg->name, &old, NULL) == 0 &&
		    !strcmp(old->name, cfg->name)) {
			if (pm_engine_stop(e, old, 0, &err) < 0 ||
			    (pm_container_reload(e->paths, old, NULL) == 0 &&
			     pm_engine_remove(e, old, &err) < 0)) {
				if (o->cidfile)
					unlink(o->cidfile);
				return pm_cli_error(err);
			}
		}
	}
	int r = pm_engine_create(e, cfg, ret, &err);
	if (r < 0) {
		if (o->cidfile)
			unlink(o->cidfile);
		return pm_cli_error(err);
	}
	if (cidfd >= 0) {
		const char *id = (*ret)->id;
		if (write(cidfd, id, strlen(id)) != (ssize_t)strlen(id)) {
			int saved = errno;
			pm_engine_remove(e, *ret, NULL);
			*ret = pm_container_free(*ret);
			unlink(o->cidfile);
			return pm_cli_errorf("writing cidfile '%s': %s", o->cidfile,
					     strerror(saved));
		}
	}
	return 0;
}

int cmd_run(struct pm_cli *cli, int argc, char **argv)
{
	struct pm_container_config cfg = {0};
	struct cmd_run_opts o = {0};
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_container_ struct pm_container *c = NULL;
	int status = PM_EXIT_ERROR;

	if (cmd_run_parse(cli, argc, argv, &cfg, &o, &status) < 0)
		goto out;
	struct pm_engine engine = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	unsigned char keys[8];
	size_t nkeys;
	if (pm_attach_parse_keys(o.detach_keys, keys, &nkeys, &err) < 0) {
		status = pm_cli_error(err);
		goto out;
	}
	status = cmd_run_create(cli, &engine, &cfg, &o, &c);
	if (status != 0)
		goto out;
	int r;
	if (o.detach) {
		r = pm_engine_start(&engine, c, &err);
		if (r >= 0) {
			printf("%s\n", c->id);
			status = 0;
		}
	} else if (cfg.tty && cfg.interactive && nkeys && isatty(STDIN_FILENO)) {
		/* detachable: a monitor of its own, this process attached (engine/run.h) */
		int code = 0;
		r = pm_engine_start_detachable(&engine, c, o.detach_keys, &code, &err);
		status = r == 1 ? 0 : code;
	} else {
		int code = 0;
		r = pm_engine_start_foreground(&engine, c, &code, &err);
		status = code;
		if (r >= 0 && cfg.rm) {
			_cleanup_error_ pm_error *rmerr = NULL;
			if (pm_engine_remove(&engine, c, &rmerr) < 0)
				pm_log_warn("%s", rmerr->msg);
		}
	}
	if (r < 0) {
		/* a failed run leaves no container */
		status = pm_cli_error(err);
		pm_engine_remove(&engine, c, NULL);
		if (o.cidfile)
			unlink(o.cidfile);
	}
out:
	pm_spec_config_clear(&cfg);
	fflush(stdout);
	return status;
}
