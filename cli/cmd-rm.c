/* cmd-rm.c: `pm rm [-f] [-a] [-v] [-i] [-t N] CONTAINER...`: remove containers (record,
 * rootfs, runtime files, volume references); a running one only with -f (stopped first).
 * Exit codes as podman's: 1 when a container does not exist, 2 when one is running. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/ctr-util.h"
#include "engine/config-json.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "pods/lifecycle.h"

static const char rm_usage[] =
	"Remove one or more containers\n"
	"\n"
	"Description:\n"
	"  pm rm will remove one or more stopped containers from the host.\n"
	"  The container name or ID can be used.\n"
	"\n"
	"Usage:\n"
	"  pm rm [options] CONTAINER [CONTAINER...]\n"
	"\n"
	"Options:\n"
	"  -a, --all           Remove all containers\n"
	"      --cidfile stringArray   Read the container ID from the file\n"
	"  -f, --force         Force removal of a running or unusable container\n"
	"  -i, --ignore        Ignore errors when a specified container is missing\n"
	"  -t, --time int      Seconds to wait for stop before killing the container (default "
	"10)\n"
	"  -v, --volumes       Remove anonymous volumes associated with the container\n";

int cmd_rm(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},     {"force", no_argument, NULL, 'f'},
		{"ignore", no_argument, NULL, 'i'},  {"time", required_argument, NULL, 't'},
		{"volumes", no_argument, NULL, 'v'}, {"cidfile", required_argument, NULL, 'C'},
		{"help", no_argument, NULL, 'h'},    {NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	bool all = false, force = false, ignore = false;
	int timeout = -1, opt;
	_cleanup_strv_ char **refs = NULL, **cidfiles = NULL, **ref_files = NULL;
	while ((opt = pm_cli_getopt(cli, &st, argc, argv, "afit:v", opts, rm_usage)) != -1) {
		switch (opt) {
		case PM_OPT_EXIT:
			return st.status;
		case 'a':
			all = true;
			break;
		case 'f':
			force = true;
			break;
		case 'i':
			ignore = true;
			break;
		case 't':
			if (!pm_cli_parse_seconds("--time", optarg, &timeout))
				return PM_EXIT_ERROR;
			break;
		case 'v':
			break; /* named volumes are unreferenced always; pm makes no anonymous ones
				*/
		case 'C':      /* read once -i is known */
			pm_strv_push(&cidfiles, optarg);
			break;
		default:
			return PM_EXIT_ERROR;
		}
	}
	if (all && optind < argc)
		return pm_cli_errorf("--all and containers cannot be used together");
	int r = pm_cli_read_cidfiles(cidfiles, ignore, &refs, &ref_files);
	if (r != 0)
		return r;
	if (!all && !cidfiles && !pm_cli_nargs(cli, argc - optind, 1, -1))
		return PM_EXIT_ERROR;
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	if (all) {
		pm_strv_free(refs);
		refs = pm_cli_ctr_all_ids(&e);
	} else {
		for (int i = optind; i < argc; i++)
			pm_strv_push(&refs, argv[i]);
	}
	int status = 0;
	size_t nfiles = pm_strv_length(ref_files);
	for (char **ref = refs; ref && *ref; ref++) {
		_cleanup_container_ struct pm_container *c = NULL;
		_cleanup_error_ pm_error *err = NULL;
		/* the id file a removed container came from goes with it (podman's rm) */
		const char *idfile =
			!all && (size_t)(ref - refs) < nfiles ? ref_files[ref - refs] : NULL;
		if (ignore || force) { /* podman: rm -f of a missing container is silent */
			if (pm_container_lookup(e.paths, *ref, &c, NULL) < 0) {
				if (idfile)
					unlink(idfile);
				continue;
			}
			pm_engine_refresh(&e, c);
		} else if (pm_cli_ctr_lookup(&e, *ref, &c) < 0) {
			if (!status)
				status = 1;
			continue;
		}
		/* a pod's infra goes with its pod: rm -af removes the pod, as podman's */
		_cleanup_pod_ struct pm_pod *pod = NULL;
		if (c->infra && pm_pod_lookup(e.paths, c->pod_id, &pod, NULL) == 0) {
			if (!(all && force)) {
				status = pm_cli_errorf(
					"container %s is the infra container of pod %s "
					"and cannot be removed without removing the "
					"pod",
					c->id, pod->id);
				continue;
			}
			if (pm_pod_remove(&e, pod, true, timeout, &err) < 0 &&
			    err->code != ENOENT) {
				status = pm_cli_error(err);
				continue;
			}
			printf("%s\n", c->id);
			fflush(stdout);
			continue;
		}
		bool running =
			c->state.status == PM_CTR_RUNNING || c->state.status == PM_CTR_PAUSED;
		if (running && !force) {
			fprintf(stderr,
				"Error: cannot remove container %s as it is running - running or "
				"paused containers cannot be removed without force: container "
				"state "
				"improper\n",
				c->id);
			status = 2;
			continue;
		}
		if (running && pm_engine_stop(&e, c, timeout, &err) < 0) {
			status = pm_cli_error(err);
			continue;
		}
		/* a --rm container's monitor removes it itself once stopped: gone is done */
		bool auto_rm = false;
		struct pm_container_config cfg = {0};
		if (running && pm_config_from_json(c->config_json, &cfg, NULL) == 0) {
			auto_rm = cfg.rm;
			pm_spec_config_clear(&cfg);
		}
		r = pm_engine_remove(&e, c, &err);
		if (idfile && (r == 0 || r == -ENOENT))
			unlink(idfile);
		if (r == -ENOENT && !auto_rm) {
			/* another rm removed it meanwhile: it said so, this one does not */
			if (!ignore && !force) {
				fprintf(stderr,
					"Error: no container with name or ID \"%s\" found: no such "
					"container\n",
					*ref);
				if (!status)
					status = 1;
			}
			continue;
		}
		if (r < 0 && r != -ENOENT) {
			status = pm_cli_error(err);
			continue;
		}
		printf("%s\n", all ? c->id : *ref);
		fflush(stdout);
	}
	return status;
}
