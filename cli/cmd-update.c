/* cmd-update.c: `pm update` / `pm container update [options] CONTAINER`: change the
 * resource limits of a container, running or not (engine/limits.h does the work: the
 * scope's properties or the cgroupfs files, and the recorded config). Prints the
 * container's ID as podman does. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "engine/cgroup-flags.h"
#include "engine/container.h"
#include "engine/engine.h"
#include "engine/run.h"
#include "engine/update.h"
#include "engine/spec.h"
#include "engine/validate.h"
#include "lib/strutil.h"

static const char usage[] =
	"Update an existing container\n"
	"\n"
	"Description:\n"
	"  Updates the resource limits of a container (running or not).\n"
	"\n"
	"Usage:\n"
	"  pm update [options] CONTAINER\n"
	"\n"
	"Options:\n"
	"      --blkio-weight uint        Block IO weight (relative weight) accepts a weight value "
	"between 10 and 1000\n"
	"      --blkio-weight-device DEVICE_NAME:WEIGHT   Block IO weight (relative device "
	"weight, format: DEVICE_NAME:WEIGHT)\n"
	"      --cpu-period uint          Limit the CPU CFS (Completely Fair Scheduler) period\n"
	"      --cpu-quota int            Limit the CPU CFS (Completely Fair Scheduler) quota\n"
	"      --cpu-rt-period uint       Limit the CPU real-time period in microseconds "
	"(refused: cgroup v2 has none)\n"
	"      --cpu-rt-runtime int       Limit the CPU real-time runtime in microseconds "
	"(refused: cgroup v2 has none)\n"
	"  -c, --cpu-shares uint          CPU shares (relative weight)\n"
	"      --cpus float               Number of CPUs\n"
	"      --cpuset-cpus string       CPUs in which to allow execution (0-3, 0,1)\n"
	"      --cpuset-mems string       Memory nodes (MEMs) in which to allow execution (0-3, "
	"0,1)\n"
	"      --device-read-bps strings  Limit read rate (bytes per second) from a device (e.g. "
	"--device-read-bps=/dev/sda:1mb)\n"
	"      --device-read-iops strings Limit read rate (IO per second) from a device (e.g. "
	"--device-read-iops=/dev/sda:1000)\n"
	"      --device-write-bps strings Limit write rate (bytes per second) to a device (e.g. "
	"--device-write-bps=/dev/sda:1mb)\n"
	"      --device-write-iops strings Limit write rate (IO per second) to a device (e.g. "
	"--device-write-iops=/dev/sda:1000)\n"
	"  -m, --memory string            Memory limit (format: <number>[<unit>], where unit = b, "
	"k, m or g)\n"
	"      --memory-reservation string Memory soft limit (format: <number>[<unit>])\n"
	"      --memory-swap string       Swap limit equal to memory plus swap: '-1' to enable "
	"unlimited swap\n"
	"      --memory-swappiness int    Tune container memory swappiness (0 to 100, or -1 for "
	"system default) (refused: cgroup v2 has none)\n"
	"      --pids-limit int           Tune container pids limit (set -1 for unlimited)\n";

static const struct {
	const char *name;
	unsigned bit;
} flag_bits[] = {
	{"memory", PM_UPD_MEMORY},
	{"memory-swap", PM_UPD_MEMORY_SWAP},
	{"memory-reservation", PM_UPD_MEMORY_RESERVATION},
	{"cpus", PM_UPD_CPUS},
	{"cpu-quota", PM_UPD_CPU_QUOTA},
	{"cpu-period", PM_UPD_CPU_PERIOD},
	{"cpu-shares", PM_UPD_CPU_SHARES},
	{"cpuset-cpus", PM_UPD_CPUSET_CPUS},
	{"cpuset-mems", PM_UPD_CPUSET_MEMS},
	{"pids-limit", PM_UPD_PIDS},
	{"blkio-weight", PM_UPD_BLKIO},
	{"memory-swappiness", PM_UPD_SWAPPINESS},
	{"device-read-bps", PM_UPD_DEV_READ_BPS},
	{"device-write-bps", PM_UPD_DEV_WRITE_BPS},
	{"device-read-iops", PM_UPD_DEV_READ_IOPS},
	{"device-write-iops", PM_UPD_DEV_WRITE_IOPS},
	{"blkio-weight-device", PM_UPD_BLKIO_DEVICE},
	{"cpu-rt-period", 0},
	{"cpu-rt-runtime", 0},
};

/* One flag's value into u. */
static int apply(struct pm_container_config *u, const char *name, const char *v, pm_error **err)
{
	if (!strcmp(name, "memory"))
		return pm_config_parse_memory(v, &u->memory, err);
	if (!strcmp(name, "cpus"))
		return pm_config_parse_cpus(v, &u->cpus, err);
	if (!strcmp(name, "pids-limit"))
		return pm_config_parse_pids_limit(v, &u->pids_limit, err);
	if (pm_str_startswith(name, "cpu-rt-"))
		return pm_config_refuse_cpu_rt(name, v, err);
	if (!strcmp(name, "memory-swappiness"))
		return pm_config_set_cgroup_flag(u, name, v, err);
	if (pm_str_startswith(name, "device-") || !strcmp(name, "blkio-weight-device")) {
		/* podman's strings flags: comma-separated too */
		_cleanup_strv_ char **parts = pm_strv_split(v, ",");
		for (char **q = parts; q && *q; q++) {
			int r = pm_config_set_cgroup_flag(u, name, *q, err);
			if (r < 0)
				return r;
		}
		return 0;
	}
	return pm_config_set_resource(u, name, v, err);
}

int cmd_update(struct pm_cli *cli, int argc, char **argv)
{
	struct option opts[ARRAY_SIZE(flag_bits) + 2];
	for (size_t i = 0; i < ARRAY_SIZE(flag_bits); i++)
		opts[i] =
			(struct option){flag_bits[i].name, required_argument, NULL, 1000 + (int)i};
	opts[ARRAY_SIZE(flag_bits)] = (struct option){"help", no_argument, NULL, 'h'};
	opts[ARRAY_SIZE(flag_bits) + 1] = (struct option){NULL, 0, NULL, 0};
	struct pm_opt_state st = {0};
	struct pm_container_config u = {0};
	unsigned given = 0;
	int c, status = 0;
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_container_ struct pm_container *ctr = NULL; /* before the first goto */
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "m:c:", opts, usage)) != -1) {
		if (c == PM_OPT_EXIT) {
			status = st.status;
			goto out;
		}
		size_t i = c == 'm' ? 0 : c == 'c' ? 6 : (size_t)(c - 1000);
		if (i >= ARRAY_SIZE(flag_bits)) {
			status = pm_cli_errorf("unknown flag");
			goto out;
		}
		if (apply(&u, flag_bits[i].name, optarg, &err) < 0) {
			status = pm_cli_error(err);
			goto out;
		}
		given |= flag_bits[i].bit;
	}
	if (argc - optind != 1) {
		fprintf(stderr, "Error: accepts 1 arg(s), received %d\n", argc - optind);
		status = PM_EXIT_ERROR;
		goto out;
	}
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	if (pm_engine_ctr_lookup(&e, argv[optind], &ctr, &err) < 0 ||
	    pm_engine_update(&e, ctr, &u, given, &err) < 0) {
		status = pm_cli_error(err);
		goto out;
	}
	printf("%s\n", ctr->id);
out:
	pm_spec_config_clear(&u);
	return status;
}
