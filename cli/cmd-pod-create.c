/* cmd-pod-create.c: `pm pod create` with podman 4.3's flags: the pod's own, and run's that a
 * pod takes (-v, --volumes-from, --device, --security-opt, --sysctl, --shm-size, the
 * pod-level limits and static network flags), kept as given and checked by pods/ with
 * run's parsers. Parses and prints; the pod is made by pods/lifecycle.c. Called from the
 * command table (cli/commands.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/pod-create.h"
#include "engine/run-process.h"
#include "engine/validate.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "pods/lifecycle.h"

static void set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = pm_xstrdup(v);
}

static void push_split(char ***v, const char *arg)
{
	_cleanup_strv_ char **parts = pm_strv_split(arg, ",");
	for (size_t i = 0; parts && parts[i]; i++)
		pm_strv_push(v, parts[i]);
}
/* ---- create ------------------------------------------------------------------------------ */

static const char create_usage[] =
	"Create a new empty pod\n"
	"\n"
	"Description:\n"
	"  After creating the pod, the pod ID is printed to stdout.\n"
	"\n"
	"  You can then start it at any time with the pm pod start <pod_id> command. The pod "
	"will be created with the initial state 'created'.\n"
	"\n"
	"Usage:\n"
	"  pm pod create [options] [NAME]\n"
	"\n"
	"Options:\n"
	"      --add-host host:ip         Add a custom host-to-IP mapping (host:ip) (default "
	"[])\n"
	"      --blkio-weight string      Block IO weight of the pod (where cgroups can enforce "
	"it)\n"
	"      --blkio-weight-device DEVICE_NAME:WEIGHT  Block IO weight of a device (where "
	"cgroups can enforce it)\n"
	"      --cgroup-parent string     The pod's cgroup parent (a systemd slice; default: "
	"the pod's own slice)\n"
	"  -c, --cpu-shares uint          CPU shares of the pod (where cgroups can enforce it)\n"
	"      --cpus float               Limit the CPUs of the pod (where cgroups can enforce "
	"it)\n"
	"      --cpuset-cpus string       CPUs in which to allow execution (where cgroups can "
	"enforce it)\n"
	"      --cpuset-mems string       Memory nodes in which to allow execution (where "
	"cgroups can enforce it)\n"
	"      --device strings           Add a host device to the pod's containers\n"
	"      --device-read-bps strings  Limit read rate from a device (where cgroups can "
	"enforce it)\n"
	"      --device-write-bps strings Limit write rate to a device (where cgroups can "
	"enforce it)\n"
	"      --dns ip                   Set custom DNS servers\n"
	"      --dns-option option        Set custom DNS options\n"
	"      --dns-search domain        Set custom DNS search domains\n"
	"      --exit-policy string       Behaviour when the last container exits "
	"(continue, stop) (default \"continue\")\n"
	"      --gidmap strings           GID map of the pod's user namespace (held by the "
	"infra)\n"
	"      --help                     Help for this command\n"
	"      --hostname string          Set container hostname\n"
	"      --infra                    Create an infra container associated with the pod to "
	"share namespaces with (default true)\n"
	"      --infra-command string     The command of the infra container\n"
	"      --infra-conmon-pidfile string  Path to the file that will receive the PID of "
	"the infra's monitor (pm's conmon)\n"
	"      --infra-image string       Image to use for the infra container instead of pm's "
	"pause program\n"
	"      --infra-name string        The name used as infra container name\n"
	"      --ip string                Specify a static IPv4 address (--network NAME "
	"only)\n"
	"      --ip6 string               Specify a static IPv6 address (--network NAME "
	"only)\n"
	"  -l, --label stringArray        Set metadata on pod (default [])\n"
	"      --label-file stringArray   Read in a line delimited file of labels\n"
	"      --mac-address string       Container MAC address (--network NAME only)\n"
	"  -m, --memory string            Memory limit of the pod (where cgroups can enforce "
	"it)\n"
	"      --memory-swap string       Swap limit equal to memory plus swap (where cgroups "
	"can enforce it)\n"
	"  -n, --name string              Assign a name to the pod\n"
	"      --network string           Connect a container to a network (slirp4netns, "
	"pasta, none, host, NAME)\n"
	"      --network-alias strings    Add network-scoped alias (--network NAME only)\n"
	"      --no-hosts                 Do not create /etc/hosts within the pod's "
	"containers, instead use the version from the image\n"
	"      --pid string               PID namespace of the infra container\n"
	"      --pod-id-file string       Write the pod ID to the file\n"
	"  -p, --publish strings          Publish a container's port, or a range of ports, to "
	"the host (default [])\n"
	"      --replace                  If a pod with the same name exists, replace it\n"
	"      --security-opt stringArray Security Options of the pod's containers\n"
	"      --share string             A comma delimited list of kernel namespaces the pod "
	"will share (default \"ipc,net,uts\")\n"
	"      --share-parent             Set the pod's cgroup as the cgroup parent of its "
	"containers (default true)\n"
	"      --shm-size string          Size of /dev/shm of the pod's containers (default "
	"\"65536k\")\n"
	"      --subgidname string        Name of range listed in /etc/subgid for the pod's user "
	"namespace\n"
	"      --subuidname string        Name of range listed in /etc/subuid for the pod's user "
	"namespace\n"
	"      --sysctl strings           Sysctl options of the pod's containers\n"
	"      --uidmap strings           UID map of the pod's user namespace (held by the "
	"infra)\n"
	"      --userns string            User namespace to use\n"
	"      --uts string               UTS namespace of the infra container\n"
	"  -v, --volume stringArray       Bind mount a volume into the pod's containers\n"
	"      --volumes-from stringArray Mount volumes from the specified container(s)\n";

/* --label-file FILE: KEY=VALUE lines as podman 4.3 reads them (leading blanks trimmed,
 * '#' comments, blank lines and lines without '=' skipped), appended to *labels. */
static int read_label_file(const char *path, char ***labels)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	if (pm_read_file(path, 1 << 20, &data, &len, NULL) < 0)
		return pm_cli_errorf("unable to process labels: open %s: no such file or directory",
				     path);
	_cleanup_strv_ char **lines = pm_strv_split(data, "\n");
	for (char **l = lines; l && *l; l++) {
		const char *t = *l + strspn(*l, " \t");
		if (*t && t[0] != '#' && strchr(t, '='))
			pm_strv_push(labels, t);
	}
	return 0;
}

/* The --label-file labels, then --label's, which win over a file's with the same key. */
static char **merge_labels(char **from_files, char **flags)
{
	char **out = NULL;
	for (char **l = from_files; l && *l; l++) {
		size_t k = strcspn(*l, "=");
		bool overridden = false;
		for (char **f = flags; f && *f && !overridden; f++)
			overridden = strcspn(*f, "=") == k && !strncmp(*f, *l, k);
		if (!overridden)
			pm_strv_push(&out, *l);
	}
	for (char **f = flags; f && *f; f++)
		pm_strv_push(&out, *f);
	return out;
}

/* pod create's flags that are run's too, without a letter of their own */
enum {
	OPT_VOLUMES_FROM = 1000,
	OPT_DEVICE,
	OPT_SECURITY_OPT,
	OPT_SYSCTL,
	OPT_SHM_SIZE,
	OPT_INFRA_IMAGE,
	OPT_INFRA_COMMAND,
	OPT_INFRA_CONMON_PIDFILE,
	OPT_PID,
	OPT_UTS,
	OPT_SHARE_PARENT,
	OPT_CGROUP_PARENT,
	OPT_UIDMAP,
	OPT_GIDMAP,
	OPT_SUBUIDNAME,
	OPT_SUBGIDNAME,
	OPT_LIMIT, /* + i: limit_flags[i], "flag=value" into cfg.limits */
};

/* the pod-level limits and static network flags, in OPT_LIMIT's order */
static const char *const limit_flags[] = {
	"cpuset-cpus",	      "cpuset-mems", "memory-swap", "blkio-weight", "device-read-bps",
	"device-write-bps",   "ip",	     "ip6",	    "mac-address",  "network-alias",
	"blkio-weight-device"};

void pm_cli_pod_create_flags_clear(struct pm_cli_pod_create_flags *f)
{
	f->file_labels = pm_strv_free(f->file_labels);
}

char **pm_cli_pod_merge_labels(char **from_files, char **flags)
{
	return merge_labels(from_files, flags);
}

const struct option pm_cli_pod_create_opts[] = {
	{"add-host", required_argument, NULL, 'A'},
	{"cpus", required_argument, NULL, 'C'},
	{"memory", required_argument, NULL, 'm'},
	{"dns", required_argument, NULL, 'D'},
	{"dns-option", required_argument, NULL, 'O'},
	{"dns-opt", required_argument, NULL, 'O'},
	{"dns-search", required_argument, NULL, 'S'},
	{"exit-policy", required_argument, NULL, 'E'},
	{"hostname", required_argument, NULL, 'H'},
	{"infra", optional_argument, NULL, 'I'},
	{"infra-name", required_argument, NULL, 'i'},
	{"label", required_argument, NULL, 'l'},
	{"label-file", required_argument, NULL, 'L'},
	{"name", required_argument, NULL, 'n'},
	{"network", required_argument, NULL, 'N'},
	{"net", required_argument, NULL, 'N'},
	{"no-hosts", no_argument, NULL, 'X'},
	{"pod-id-file", required_argument, NULL, 'F'},
	{"publish", required_argument, NULL, 'p'},
	{"replace", optional_argument, NULL, 'R'},
	{"share", required_argument, NULL, 's'},
	{"userns", required_argument, NULL, 'U'},
	{"volume", required_argument, NULL, 'v'},
	{"infra-image", required_argument, NULL, OPT_INFRA_IMAGE},
	{"infra-command", required_argument, NULL, OPT_INFRA_COMMAND},
	{"infra-conmon-pidfile", required_argument, NULL, OPT_INFRA_CONMON_PIDFILE},
	{"pid", required_argument, NULL, OPT_PID},
	{"uts", required_argument, NULL, OPT_UTS},
	{"share-parent", optional_argument, NULL, OPT_SHARE_PARENT},
	{"cgroup-parent", required_argument, NULL, OPT_CGROUP_PARENT},
	{"uidmap", required_argument, NULL, OPT_UIDMAP},
	{"gidmap", required_argument, NULL, OPT_GIDMAP},
	{"subuidname", required_argument, NULL, OPT_SUBUIDNAME},
	{"subgidname", required_argument, NULL, OPT_SUBGIDNAME},
	{"volumes-from", required_argument, NULL, OPT_VOLUMES_FROM},
	{"device", required_argument, NULL, OPT_DEVICE},
	{"security-opt", required_argument, NULL, OPT_SECURITY_OPT},
	{"sysctl", required_argument, NULL, OPT_SYSCTL},
	{"shm-size", required_argument, NULL, OPT_SHM_SIZE},
	{"cpu-shares", required_argument, NULL, 'c'},
	{"cpuset-cpus", required_argument, NULL, OPT_LIMIT + 0},
	{"cpuset-mems", required_argument, NULL, OPT_LIMIT + 1},
	{"memory-swap", required_argument, NULL, OPT_LIMIT + 2},
	{"blkio-weight", required_argument, NULL, OPT_LIMIT + 3},
	{"device-read-bps", required_argument, NULL, OPT_LIMIT + 4},
	{"device-write-bps", required_argument, NULL, OPT_LIMIT + 5},
	{"ip", required_argument, NULL, OPT_LIMIT + 6},
	{"ip6", required_argument, NULL, OPT_LIMIT + 7},
	{"mac-address", required_argument, NULL, OPT_LIMIT + 8},
	{"network-alias", required_argument, NULL, OPT_LIMIT + 9},
	{"blkio-weight-device", required_argument, NULL, OPT_LIMIT + 10},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* One of pod create's flags (opt: its value in pm_cli_pod_create_opts, arg: optarg) into
 * cfg, or into f (--replace, --pod-id-file, --label-file, --share given). Returns 0, or the
 * exit status after printing the error. */
int pm_cli_pod_create_flag(struct pm_pod_config *cfg, struct pm_cli_pod_create_flags *f, int opt,
			   const char *arg)
{
	switch (opt) {
	case 'A':
		push_split(&cfg->add_hosts, arg);
		break;
	case 'C': {
		_cleanup_error_ pm_error *e1 = NULL;
		if (pm_config_parse_cpus(arg, &cfg->cpus, &e1) < 0) {
			return pm_cli_error(e1);
		}
		break;
	}
	case 'm': {
		_cleanup_error_ pm_error *e1 = NULL;
		if (pm_config_parse_memory(arg, &cfg->memory, &e1) < 0) {
			return pm_cli_error(e1);
		}
		break;
	}
	case 'D':
		push_split(&cfg->dns, arg);
		break;
	case 'O':
		pm_strv_push(&cfg->dns_options, arg);
		break;
	case 'S':
		push_split(&cfg->dns_search, arg);
		break;
	case 'E':
		free(cfg->exit_policy);
		cfg->exit_policy = pm_xstrdup(arg);
		break;
	case 'H':
		free(cfg->hostname);
		cfg->hostname = pm_xstrdup(arg);
		break;
	case 'I':
		if (pm_cli_bool_arg("infra", arg, &cfg->infra) != 0)
			return PM_EXIT_ERROR;
		break;
	case 'i':
		free(cfg->infra_name);
		cfg->infra_name = pm_xstrdup(arg);
		break;
	case 'l':
		pm_strv_push(&cfg->labels, arg);
		break;
	case 'L':
		return read_label_file(arg, &f->file_labels);
	case 'n':
		free(cfg->name);
		cfg->name = pm_xstrdup(arg);
		break;
	case 'N':
		free(cfg->network);
		cfg->network = pm_xstrdup(arg);
		break;
	case 'X':
		cfg->no_hosts = true;
		break;
	case 'U':
		free(cfg->userns);
		cfg->userns = pm_xstrdup(arg);
		break;
	case 'F':
		f->id_file = arg;
		break;
	case 'v':
		pm_strv_push(&cfg->volumes, arg);
		break;
	case OPT_VOLUMES_FROM:
		pm_strv_push(&cfg->volumes_from, arg);
		break;
	case OPT_DEVICE:
		push_split(&cfg->devices, arg);
		break;
	case OPT_SECURITY_OPT:
		pm_strv_push(&cfg->security_opts, arg);
		break;
	case OPT_SYSCTL:
		push_split(&cfg->sysctls, arg);
		break;
	case OPT_SHM_SIZE:
		if (pm_parse_size(arg, &cfg->shm_size) < 0)
			return pm_cli_errorf("unable to translate --shm-size: invalid size: '%s'",
					     arg);
		break;
	case OPT_INFRA_IMAGE:
		set_str(&cfg->infra_image, arg);
		break;
	case OPT_INFRA_COMMAND:
		set_str(&cfg->infra_command, arg);
		break;
	case OPT_INFRA_CONMON_PIDFILE: {
		_cleanup_error_ pm_error *e1 = NULL;
		free(cfg->infra_conmon_pidfile);
		cfg->infra_conmon_pidfile = NULL;
		if (pm_config_pidfile_path(arg, &cfg->infra_conmon_pidfile, &e1) < 0) {
			return pm_cli_error(e1);
		}
		break;
	}
	case OPT_PID:
		set_str(&cfg->pid, arg);
		break;
	case OPT_UTS:
		set_str(&cfg->uts, arg);
		break;
	case OPT_SHARE_PARENT: {
		bool share_parent = true;
		if (pm_cli_bool_arg("share-parent", arg, &share_parent) != 0)
			return PM_EXIT_ERROR;
		cfg->no_share_parent = !share_parent;
		break;
	}
	case OPT_CGROUP_PARENT:
		set_str(&cfg->cgroup_parent, arg);
		break;
	case OPT_UIDMAP:
		pm_strv_push(&cfg->uidmap, arg);
		break;
	case OPT_GIDMAP:
		pm_strv_push(&cfg->gidmap, arg);
		break;
	case OPT_SUBUIDNAME:
		set_str(&cfg->subuidname, arg);
		break;
	case OPT_SUBGIDNAME:
		set_str(&cfg->subgidname, arg);
		break;
	case 'c':
		pm_strv_consume(&cfg->limits, pm_xasprintf("cpu-shares=%s", arg));
		break;
	default:
		if (opt < OPT_LIMIT || opt >= OPT_LIMIT + (int)ARRAY_SIZE(limit_flags))
			return PM_EXIT_ERROR;
		pm_strv_consume(&cfg->limits,
				pm_xasprintf("%s=%s", limit_flags[opt - OPT_LIMIT], arg));
		break;
	case 'p':
		push_split(&cfg->publish, arg);
		break;
	case 'R':
		if (pm_cli_bool_arg("replace", arg, &f->replace) != 0)
			return PM_EXIT_ERROR;
		break;
	case 's':
		pm_strv_free(cfg->share);
		cfg->share = NULL;
		f->share_set = true;
		push_split(&cfg->share, arg);
		if (!cfg->share)
			pm_strv_push(&cfg->share, "none");
		break;
	}
	return 0;
}

int cmd_pod_create(struct pm_cli *cli, int argc, char **argv)
{
	struct pm_opt_state st = {0};
	struct pm_pod_config cfg = {.infra = true};
	_cleanup_close_ int idfd = -1;
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_pod_ struct pm_pod *pod = NULL;
	_cleanup_(pm_cli_pod_create_flags_clear) struct pm_cli_pod_create_flags f = {0};
	int status = PM_EXIT_ERROR, opt;
	while ((opt = pm_cli_getopt(cli, &st, argc, argv, "c:l:m:n:p:v:", pm_cli_pod_create_opts,
				    create_usage)) != -1) {
		if (opt == PM_OPT_EXIT) {
			status = st.status;
			goto out;
		}
		if ((status = pm_cli_pod_create_flag(&cfg, &f, opt, optarg)) != 0)
			goto out;
		status = PM_EXIT_ERROR;
	}
	if (!pm_cli_nargs(cli, argc - optind, 0, 1))
		goto out;
	if (optind < argc) {
		if (cfg.name) {
			status = pm_cli_errorf("cannot specify --name and NAME at the same time");
			goto out;
		}
		cfg.name = pm_xstrdup(argv[optind]);
	}
	if (f.file_labels) {
		char **all = merge_labels(f.file_labels, cfg.labels);
		pm_strv_free(cfg.labels);
		cfg.labels = all;
	}
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	if (pm_pod_config_validate(&cfg, &err) < 0) {
		status = pm_cli_error(err);
		goto out;
	}
	if (f.replace && !cfg.name) {
		status = pm_cli_errorf("cannot replace pod without --name being set");
		goto out;
	}
	if (f.id_file) {
		idfd = open(f.id_file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (idfd < 0) {
			status = errno == EEXIST
					 ? pm_cli_errorf("pod id file exists. Ensure another pod "
							 "is not using it or delete %s",
							 f.id_file)
					 : pm_cli_errorf("opening pod id file '%s': %s", f.id_file,
							 strerror(errno));
			goto out;
		}
	}
	if (f.replace) {
		_cleanup_pod_ struct pm_pod *old = NULL;
		if (pm_pod_lookup(e.paths, cfg.name, &old, NULL) == 0 &&
		    !strcmp(old->name, cfg.name) && pm_pod_remove(&e, old, true, 0, &err) < 0) {
			status = pm_cli_error(err);
			goto fail_idfile;
		}
	}
	pm_strv_free(cfg.create_command);
	cfg.create_command = pm_strv_copy(cli->argv);
	if (pm_pod_create(&e, &cfg, &pod, &err) < 0) {
		status = pm_cli_error(err);
		goto fail_idfile;
	}
	if (idfd >= 0 && write(idfd, pod->id, strlen(pod->id)) != (ssize_t)strlen(pod->id)) {
		status = pm_cli_errorf("writing pod id file '%s': %s", f.id_file, strerror(errno));
		pm_pod_remove(&e, pod, true, 0, NULL);
		goto fail_idfile;
	}
	printf("%s\n", pod->id);
	status = 0;
	goto out;
fail_idfile:
	if (idfd >= 0)
		unlink(f.id_file);
out:
	pm_pod_config_clear(&cfg);
	return status;
}
