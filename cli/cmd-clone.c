/* cmd-clone.c: `pm container clone [options] CONTAINER [NAME] [IMAGE]` (podman 4.3): a new
 * created container from CONTAINER's stored configuration (engine/config-json.h) made by
 * the engine's create, as `pm create` does: a new id, the name NAME (else --name, else
 * CONTAINER-clone, CONTAINER-clone1, ...), IMAGE for its image; the resource flags as
 * run's (the same parsers and checks: refused where run refuses them). --destroy removes
 * CONTAINER afterwards (a running one only with --force: refused first, nothing made);
 * --run starts the clone. --pod is refused (not implemented). */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "engine/cgroup-flags.h"
#include "engine/config-json.h"
#include "engine/container.h"
#include "engine/run.h"
#include "engine/spec.h"
#include "engine/validate.h"
#include "lib/strutil.h"

static const char usage[] =
	"Creates a copy of an existing container.\n"
	"\n"
	"Description:\n"
	"  Creates a copy of an existing container.\n"
	"\n"
	"Usage:\n"
	"  pm container clone [options] CONTAINER NAME IMAGE\n"
	"\n"
	"Examples:\n"
	"  pm container clone container_name new_name image_name\n"
	"\n"
	"Options:\n"
	"      --blkio-weight string      Block IO weight (relative weight) accepts a weight "
	"value between 10 and 1000.\n"
	"      --blkio-weight-device DEVICE_NAME:WEIGHT   Block IO weight (relative device "
	"weight, format: DEVICE_NAME:WEIGHT)\n"
	"      --cpu-period uint          Limit the CPU CFS (Completely Fair Scheduler) period\n"
	"      --cpu-quota int            Limit the CPU CFS (Completely Fair Scheduler) quota\n"
	"      --cpu-rt-period uint       Limit the CPU real-time period in microseconds\n"
	"      --cpu-rt-runtime int       Limit the CPU real-time runtime in microseconds\n"
	"  -c, --cpu-shares uint          CPU shares (relative weight)\n"
	"      --cpus float               Number of CPUs. The default is 0.000 which means no "
	"limit\n"
	"      --cpuset-cpus string       CPUs in which to allow execution (0-3, 0,1)\n"
	"      --cpuset-mems string       Memory nodes (MEMs) in which to allow execution (0-3, "
	"0,1). Only effective on NUMA systems.\n"
	"      --destroy                  destroy the original container\n"
	"      --device-read-bps strings  Limit read rate (bytes per second) from a device (e.g. "
	"--device-read-bps=/dev/sda:1mb)\n"
	"      --device-write-bps strings Limit write rate (bytes per second) to a device (e.g. "
	"--device-write-bps=/dev/sda:1mb)\n"
	"  -f, --force                    force the existing container to be destroyed\n"
	"  -m, --memory <number>[<unit>]  Memory limit (format: <number>[<unit>], where unit = b "
	"(bytes), k (kibibytes), m (mebibytes), or g (gibibytes))\n"
	"      --memory-reservation <number>[<unit>]   Memory soft limit\n"
	"      --memory-swap string       Swap limit equal to memory plus swap: '-1' to enable "
	"unlimited swap\n"
	"      --memory-swappiness int    Tune container memory swappiness (0 to 100, or -1 for "
	"system default) (default -1)\n"
	"      --name string              Assign a name to the container\n"
	"      --pod string               Run container in an existing pod (not supported by "
	"pm)\n"
	"      --run                      run the new container\n";

enum { OPT_DESTROY = 256, OPT_NAME, OPT_POD, OPT_RUN, OPT_LIMIT = 1000 };

/* the resource flags: option value OPT_LIMIT + index */
static const char *const limit_flags[] = {
	"blkio-weight",	 "blkio-weight-device", "cpu-period",	   "cpu-quota",
	"cpu-rt-period", "cpu-rt-runtime",	"cpu-shares",	   "cpus",
	"cpuset-cpus",	 "cpuset-mems",		"device-read-bps", "device-write-bps",
	"memory",	 "memory-reservation",	"memory-swap",	   "memory-swappiness",
};
#define N_LIMITS (sizeof(limit_flags) / sizeof(*limit_flags))

/* one resource flag over cfg, with run's parser for it */
static int apply_limit(struct pm_container_config *cfg, const char *f, const char *v,
		       pm_error **err)
{
	if (!strcmp(f, "cpus"))
		return pm_config_parse_cpus(v, &cfg->cpus, err);
	if (!strcmp(f, "memory"))
		return pm_config_parse_memory(v, &cfg->memory, err);
	if (!strcmp(f, "blkio-weight-device") || !strncmp(f, "device-", 7) ||
	    !strncmp(f, "cpu-rt-", 7) || !strcmp(f, "memory-swappiness"))
		return pm_config_set_cgroup_flag(cfg, f, v, err);
	return pm_config_set_resource(cfg, f, v, err);
}

/* the name not taken: base-clone, base-clone1, ... (podman's) */
static char *clone_name(const struct pm_paths *p, const char *base)
{
	for (unsigned i = 0;; i++) {
		char *n = i ? pm_xasprintf("%s-clone%u", base, i) : pm_xasprintf("%s-clone", base);
		_cleanup_container_ struct pm_container *c = NULL;
		if (pm_container_lookup(p, n, &c, NULL) < 0 || strcmp(c->name, n))
			return n;
		free(n);
	}
}

int cmd_container_clone(struct pm_cli *cli, int argc, char **argv)
{
	struct option opts[N_LIMITS + 8];
	size_t k = 0;
	for (; k < N_LIMITS; k++)
		opts[k] = (struct option){limit_flags[k], required_argument, NULL,
					  OPT_LIMIT + (int)k};
	opts[k++] = (struct option){"destroy", no_argument, NULL, OPT_DESTROY};
	opts[k++] = (struct option){"force", no_argument, NULL, 'f'};
	opts[k++] = (struct option){"name", required_argument, NULL, OPT_NAME};
	opts[k++] = (struct option){"pod", required_argument, NULL, OPT_POD};
	opts[k++] = (struct option){"run", no_argument, NULL, OPT_RUN};
	opts[k++] = (struct option){"help", no_argument, NULL, 0};
	opts[k] = (struct option){NULL, 0, NULL, 0};
	struct pm_opt_state st = {0};
	bool destroy = false, force = false, run = false;
	const char *name = NULL;
	/* the resource flags, applied in order over the stored configuration once it is read */
	_cleanup_strv_ char **flags = NULL, **values = NULL;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "c:fm:", opts, usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case OPT_DESTROY:
			destroy = true;
			break;
		case 'f':
			force = true;
			break;
		case OPT_RUN:
			run = true;
			break;
		case OPT_NAME:
			name = optarg;
			break;
		case OPT_POD:
			return pm_cli_errorf("--pod %s: not supported by pm container clone",
					     optarg);
		case 'c':
			c = OPT_LIMIT + 6;
			/* fall through */
		case 'm':
			if (c == 'm')
				c = OPT_LIMIT + 12;
			/* fall through */
		default:
			if (c < OPT_LIMIT || c >= OPT_LIMIT + (int)N_LIMITS)
				return PM_EXIT_ERROR;
			pm_strv_push(&flags, limit_flags[c - OPT_LIMIT]);
			pm_strv_push(&values, optarg);
		}
	}
	int n = argc - optind;
	if (n < 1 || n > 3) {
		fprintf(stderr, "Error: accepts between 1 and 3 arg(s), received %d\n", n);
		return PM_EXIT_ERROR;
	}
	if (n >= 2)
		name = argv[optind + 1]; /* podman: the argument wins over --name */
	if (name && !pm_container_name_valid(name))
		return pm_cli_errorf("names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid "
				     "argument");
	_cleanup_error_ pm_error *err = NULL;
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	_cleanup_container_ struct pm_container *orig = NULL;
	if (pm_engine_ctr_lookup(&e, argv[optind], &orig, &err) < 0)
		return pm_cli_error(err);
	if (destroy && !force &&
	    (orig->state.status == PM_CTR_RUNNING || orig->state.status == PM_CTR_PAUSED))
		return pm_cli_errorf("cannot remove container %s as it is running - running or "
				     "paused containers cannot be removed without force: container "
				     "state improper",
				     orig->id);
	struct pm_container_config cfg = {0};
	int status = PM_EXIT_ERROR;
	_cleanup_container_ struct pm_container *made = NULL;
	_cleanup_free_ char *newname = NULL;
	if (pm_config_from_json(orig->config_json, &cfg, &err) < 0)
		goto out;
	for (size_t i = 0; flags && flags[i]; i++)
		if (apply_limit(&cfg, flags[i], values[i], &err) < 0)
			goto out;
	if (pm_config_check_resources(&cfg, &err) < 0)
		goto out;
	newname = name ? pm_xstrdup(name) : clone_name(&cli->paths, orig->name);
	free(cfg.name);
	cfg.name = pm_xstrdup(newname);
	if (n == 3) {
		free(cfg.image);
		cfg.image = pm_xstrdup(argv[optind + 2]);
	}
	/* the original's anonymous volumes stay its own (rm -v of the clone keeps them) */
	pm_strv_free(cfg.anon_volumes);
	cfg.anon_volumes = NULL;
	if (pm_engine_create(&e, &cfg, &made, &err) < 0)
		goto out;
	if (destroy) {
		if ((orig->state.status == PM_CTR_RUNNING || orig->state.status == PM_CTR_PAUSED) &&
		    pm_engine_stop(&e, orig, 0, &err) < 0)
			goto out;
		if (pm_container_reload(&cli->paths, orig, NULL) == 0 &&
		    pm_engine_remove(&e, orig, &err) < 0)
			goto out;
	}
	if (run && pm_engine_start(&e, made, &err) < 0)
		goto out;
	printf("%s\n", made->id);
	status = 0;
out:
	if (err)
		status = pm_cli_error(err);
	pm_spec_config_clear(&cfg);
	return status;
}
