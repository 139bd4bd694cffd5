/* cmd-pod-clone.c: `pm pod clone [options] POD [NAME]` (podman 4.3): a new pod from POD's
 * stored configuration with pod create's flags that clone accepts applied over it (parsed
 * by pod create's own parser, cli/pod-create.h), its own infra container, and a copy of
 * each member container (as `container clone` makes one: the stored configuration, the
 * name CTR-clone, CTR-clone1, ..., the original's anonymous volumes left to it) joined to
 * the new pod the way run --pod joins one. The name: NAME, else --name, else POD-clone,
 * POD-clone1, ... --destroy removes POD afterwards (forced, as podman's), --start starts
 * the new pod. A failure removes what was made: nothing half-made. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/pod-create.h"
#include "engine/config-json.h"
#include "engine/container.h"
#include "engine/run.h"
#include "engine/spec.h"
#include "engine/validate.h"
#include "lib/strutil.h"
#include "pods/lifecycle.h"

static const char clone_usage[] =
	"Clone a pod\n"
	"\n"
	"Description:\n"
	"  Create an exact copy of a pod and the containers within it\n"
	"\n"
	"Usage:\n"
	"  pm pod clone [options] POD NAME\n"
	"\n"
	"Examples:\n"
	"  pm pod clone pod_name new_name\n"
	"\n"
	"Options:\n"
	"      --blkio-weight string      Block IO weight (where cgroups can enforce it)\n"
	"      --blkio-weight-device DEVICE_NAME:WEIGHT   Block IO weight of a device (where "
	"cgroups can enforce it)\n"
	"      --cgroup-parent string     Optional parent cgroup for the container\n"
	"  -c, --cpu-shares uint          CPU shares (relative weight)\n"
	"      --cpus float               Number of CPUs. The default is 0.000 which means no "
	"limit\n"
	"      --cpuset-cpus string       CPUs in which to allow execution (0-3, 0,1)\n"
	"      --cpuset-mems string       Memory nodes (MEMs) in which to allow execution (0-3, "
	"0,1). Only effective on NUMA systems.\n"
	"      --destroy                  destroy the original pod\n"
	"      --device strings           Add a host device to the container\n"
	"      --device-read-bps strings  Limit read rate (bytes per second) from a device\n"
	"      --device-write-bps strings Limit write rate (bytes per second) to a device\n"
	"      --gidmap strings           GID map to use for the user namespace\n"
	"      --help\n"
	"  -h, --hostname string          Set container hostname\n"
	"      --infra-command string     Overwrite the default ENTRYPOINT of the image\n"
	"      --infra-conmon-pidfile string   Path to the file that will receive the PID of "
	"conmon\n"
	"      --infra-name string        Assign a name to the container\n"
	"  -l, --label stringArray        Set metadata on container\n"
	"      --label-file strings       Read in a line delimited file of labels\n"
	"  -m, --memory <number>[<unit>]  Memory limit (format: <number>[<unit>], where unit = b "
	"(bytes), k (kibibytes), m (mebibytes), or g (gibibytes))\n"
	"      --memory-swap string       Swap limit equal to memory plus swap: '-1' to enable "
	"unlimited swap\n"
	"  -n, --name string              name the new pod\n"
	"      --pid string               PID namespace to use\n"
	"      --security-opt stringArray Security Options\n"
	"      --shm-size <number>[<unit>]   Size of /dev/shm (default \"65536k\")\n"
	"      --start                    start the new pod\n"
	"      --subgidname string        Name of range listed in /etc/subgid for use in user "
	"namespace\n"
	"      --subuidname string        Name of range listed in /etc/subuid for use in user "
	"namespace\n"
	"      --sysctl strings           Sysctl options\n"
	"      --uidmap strings           UID map to use for the user namespace\n"
	"      --userns string            User namespace to use\n"
	"      --uts string               UTS namespace to use\n"
	"  -v, --volume stringArray       Bind mount a volume into the container\n"
	"      --volumes-from stringArray Mount volumes from the specified container(s)\n";

/* pod create's flags that podman's pod clone takes */
static const char *const clone_flags[] = {
	"blkio-weight",
	"blkio-weight-device",
	"cgroup-parent",
	"cpu-shares",
	"cpus",
	"cpuset-cpus",
	"cpuset-mems",
	"device",
	"device-read-bps",
	"device-write-bps",
	"gidmap",
	"hostname",
	"infra-command",
	"infra-conmon-pidfile",
	"infra-name",
	"label",
	"label-file",
	"memory",
	"memory-swap",
	"name",
	"pid",
	"security-opt",
	"shm-size",
	"subgidname",
	"subuidname",
	"sysctl",
	"uidmap",
	"userns",
	"uts",
	"volume",
	"volumes-from",
};
#define N_CLONE_FLAGS (sizeof(clone_flags) / sizeof(*clone_flags))

enum { OPT_DESTROY = 3000, OPT_START, OPT_HELP };

/* the name not taken: base-clone, base-clone1, ... where base is the name without a
 * "-clone", "-cloneN" ending (a clone of x-clone is x-clone1, as podman's) */
static char *clone_name(const struct pm_paths *p, const char *name, bool pod)
{
	_cleanup_free_ char *base = pm_xstrdup(name);
	for (char *t = strstr(base, "-clone"); t; t = strstr(t + 1, "-clone")) {
		if (t > base && t[6 + strspn(t + 6, "0123456789")] == 0) {
			*t = 0;
			break;
		}
	}
	for (unsigned i = 0;; i++) {
		char *n = i ? pm_xasprintf("%s-clone%u", base, i) : pm_xasprintf("%s-clone", base);
		bool taken;
		if (pod) {
			_cleanup_pod_ struct pm_pod *o = NULL;
			taken = pm_pod_lookup(p, n, &o, NULL) == 0 && !strcmp(o->name, n);
		} else {
			_cleanup_container_ struct pm_container *c = NULL;
			taken = pm_container_lookup(p, n, &c, NULL) == 0 && !strcmp(c->name, n);
		}
		if (!taken)
			return n;
		free(n);
	}
}

/* take each of drop's entries (once) out of *v */
static void strv_remove_each(char ***v, char *const *drop)
{
	for (char *const *d = drop; d && *d; d++) {
		for (size_t i = 0; *v && (*v)[i]; i++) {
			if (strcmp((*v)[i], *d))
				continue;
			free((*v)[i]);
			memmove(*v + i, *v + i + 1,
				(pm_strv_length(*v + i + 1) + 1) * sizeof(char *));
			break;
		}
	}
	if (*v && !(*v)[0]) {
		free(*v);
		*v = NULL;
	}
}

static void unset_if(char **mode, const char *value)
{
	if (*mode && value && !strcmp(*mode, value)) {
		free(*mode);
		*mode = NULL;
	}
}

/* undo what joining pod added to a member's stored configuration (pm_pod_member_prepare:
 * the infra's namespaces, the pod's hostname, slice and run flags), so that joining the new
 * pod adds them again */
static void leave_pod(struct pm_container_config *c, const struct pm_pod *pod)
{
	const struct pm_pod_config *pc = &pod->cfg;
	_cleanup_free_ char *join = pm_xasprintf("container:%s", pod->infra_id);
	unset_if(&c->network, join);
	unset_if(&c->ipc, join);
	unset_if(&c->pid, join);
	unset_if(&c->uts, join);
	unset_if(&c->userns, join);
	if (pm_strv_contains(pc->share, "net") && pc->network && !strcmp(pc->network, "host"))
		unset_if(&c->network, "host");
	if (pm_strv_contains(pc->share, "pid") && pc->pid && !strcmp(pc->pid, "host"))
		unset_if(&c->pid, "host");
	if (pm_strv_contains(pc->share, "uts")) {
		if (pc->uts && !strcmp(pc->uts, "host"))
			unset_if(&c->uts, "host");
		free(c->hostname);
		c->hostname = NULL;
	}
	_cleanup_free_ char *slice = pm_pod_slice(pod);
	unset_if(&c->cgroup_parent, pc->cgroup_parent ? pc->cgroup_parent : slice);
	strv_remove_each(&c->volumes, pc->volumes);
	strv_remove_each(&c->volumes_from, pc->volumes_from);
	strv_remove_each(&c->devices, pc->devices);
	strv_remove_each(&c->sysctls, pc->sysctls);
	if (c->shm_size == pc->shm_size)
		c->shm_size = 0;
	free(c->pod);
	c->pod = NULL;
}

/* a stored list read back empty is "not given" to pod create's checks */
static void empty_to_null(char ***v)
{
	if (*v && !(*v)[0]) {
		free(*v);
		*v = NULL;
	}
}

static void stored_as_given(struct pm_pod_config *c)
{
	char ***lists[] = {
		&c->labels,	  &c->share,	   &c->publish,	      &c->dns,
		&c->dns_search,	  &c->dns_options, &c->add_hosts,     &c->volumes,
		&c->volumes_from, &c->devices,	   &c->security_opts, &c->sysctls,
		&c->limits,	  &c->uidmap,	   &c->gidmap,	      &c->create_command};
	for (size_t i = 0; i < sizeof(lists) / sizeof(*lists); i++)
		empty_to_null(lists[i]);
}

/* a copy of member c of orig in the new pod */
static int clone_member(const struct pm_engine *e, const struct pm_pod *orig,
			const struct pm_pod *made, const struct pm_container *c, pm_error **err)
{
	struct pm_container_config cfg = {0};
	int lock = -1, r;
	_cleanup_free_ char *made_pod = NULL;
	_cleanup_container_ struct pm_container *copy = NULL;
	if ((r = pm_config_from_json(c->config_json, &cfg, err)) < 0)
		goto out;
	leave_pod(&cfg, orig);
	cfg.pod = pm_xstrdup(made->id);
	free(cfg.name);
	cfg.name = clone_name(e->paths, c->name, false);
	pm_strv_free(cfg.anon_volumes); /* the original's stay its own */
	cfg.anon_volumes = NULL;
	if ((r = pm_pod_member_prepare(e, &cfg, &lock, &made_pod, err)) < 0 ||
	    (r = pm_container_config_validate(&cfg, err)) < 0)
		goto out;
	r = pm_engine_create(e, &cfg, &copy, err);
out:
	if (lock >= 0)
		close(lock);
	pm_spec_config_clear(&cfg);
	return r;
}

int cmd_pod_clone(struct pm_cli *cli, int argc, char **argv)
{
	struct option opts[N_CLONE_FLAGS + 4];
	size_t k = 0;
	for (const struct option *o = pm_cli_pod_create_opts; o->name; o++)
		for (size_t i = 0; i < N_CLONE_FLAGS; i++)
			if (!strcmp(o->name, clone_flags[i]))
				opts[k++] = *o;
	opts[k++] = (struct option){"destroy", no_argument, NULL, OPT_DESTROY};
	opts[k++] = (struct option){"start", no_argument, NULL, OPT_START};
	opts[k++] = (struct option){"help", no_argument, NULL, 0};
	opts[k] = (struct option){NULL, 0, NULL, 0};
	/* podman's -h is --hostname here (--help has no letter) */
	_cleanup_strv_ char **args = NULL;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			for (; i < argc; i++)
				pm_strv_push(&args, argv[i]);
		else if (i > 0 && !strncmp(argv[i], "-h", 2))
			pm_strv_consume(&args, argv[i][2]
						       ? pm_xasprintf("--hostname=%s", argv[i] + 2)
						       : pm_xstrdup("--hostname"));
		else
			pm_strv_push(&args, argv[i]);
	}
	argv = args;
	struct pm_opt_state st = {0};
	bool destroy = false, start = false;
	/* the flags, applied in order over the stored configuration once it is read */
	_cleanup_free_ int *fopt = pm_xcalloc((size_t)argc + 1, sizeof(int));
	_cleanup_strv_ char **farg = NULL;
	size_t nf = 0;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "c:l:m:n:v:", opts, clone_usage)) != -1) {
		if (c == PM_OPT_EXIT)
			return st.status;
		if (c == OPT_DESTROY)
			destroy = true;
		else if (c == OPT_START)
			start = true;
		else {
			fopt[nf++] = c;
			pm_strv_push(&farg, optarg ? optarg : "");
		}
	}
	int n = argc - optind;
	if (n < 1 || n > 2)
		return pm_cli_errorf("accepts between 1 and 2 arg(s), received %d", n);

	_cleanup_error_ pm_error *err = NULL;
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	_cleanup_pod_ struct pm_pod *orig = NULL, *src = NULL, *made = NULL;
	if (pm_pod_lookup(&cli->paths, argv[optind], &orig, &err) < 0 ||
	    pm_pod_lookup(&cli->paths, orig->id, &src, &err) < 0)
		return pm_cli_error(err);
	/* the stored configuration, taken from a second copy of the record */
	struct pm_pod_config cfg = src->cfg;
	memset(&src->cfg, 0, sizeof(src->cfg));
	stored_as_given(&cfg);
	_cleanup_(pm_cli_pod_create_flags_clear) struct pm_cli_pod_create_flags f = {0};
	int status = PM_EXIT_ERROR;
	struct pm_container **ctrs = NULL;
	size_t nctrs = 0;
	free(cfg.name);
	cfg.name = NULL;
	free(cfg.infra_name);
	cfg.infra_name = NULL;
	for (size_t i = 0; i < nf; i++)
		if ((status = pm_cli_pod_create_flag(&cfg, &f, fopt[i], farg[i])) != 0)
			goto out;
	status = PM_EXIT_ERROR;
	if (f.file_labels) {
		char **all = pm_cli_pod_merge_labels(f.file_labels, cfg.labels);
		pm_strv_free(cfg.labels);
		cfg.labels = all;
	}
	if (n == 2) { /* podman: the argument wins over --name */
		free(cfg.name);
		cfg.name = pm_xstrdup(argv[optind + 1]);
	} else if (!cfg.name) {
		cfg.name = clone_name(&cli->paths, orig->name, true);
	}
	pm_strv_free(cfg.create_command);
	cfg.create_command = pm_strv_copy(cli->argv);
	if (pm_pod_config_validate(&cfg, &err) < 0 ||
	    pm_pod_containers(&e, orig, &ctrs, &nctrs, &err) < 0 ||
	    pm_pod_create(&e, &cfg, &made, &err) < 0)
		goto out;
	for (size_t i = 0; i < nctrs; i++) {
		if (orig->infra_id && !strcmp(ctrs[i]->id, orig->infra_id))
			continue;
		if (clone_member(&e, orig, made, ctrs[i], &err) < 0) {
			pm_pod_remove(&e, made, true, 0, NULL); /* nothing half-made */
			goto out;
		}
	}
	if (destroy && pm_pod_remove(&e, orig, true, -1, &err) < 0)
		goto out;
	if (start && pm_pod_start(&e, made, &err) < 0)
		goto out;
	printf("%s\n", made->id);
	status = 0;
out:
	if (err)
		status = pm_cli_error(err);
	pm_container_list_free(ctrs, nctrs);
	pm_pod_config_clear(&cfg);
	return status;
}
