/* cmd-rm.c: `pm rm [-f] [-a] [-v] [-i] [-t N] [--depend] CONTAINER...`, or the containers of
 * --filter / --latest: remove containers (record, rootfs, runtime files, volume references);
 * a running one only with -f (stopped first); one another joins (container:X) only after
 * it: --depend removes those first. Exit codes as podman's: 1 when a container does not
 * exist, 2 when one is running. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/ctr-util.h"
#include "engine/config-json.h"
#include "engine/net.h"
#include "engine/run.h"
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
	"      --depend        Remove container and all containers that depend on it\n"
	"      --filter stringArray   Filter output based on conditions given\n"
	"  -f, --force         Force removal of a running or unusable container\n"
	"  -i, --ignore        Ignore errors when a specified container is missing\n"
	"  -l, --latest        Act on the latest container pm is aware of\n"
	"  -t, --time int      Seconds to wait for stop before killing the container (default "
	"10)\n"
	"  -v, --volumes       Remove anonymous volumes associated with the container\n";

struct rm_ctx {
	struct pm_engine e;
	bool all, force, ignore, depend, by_id, volumes;
	int timeout;
	int depth; /* of --depend's recursion */
};

/* Remove c (looked up and refreshed); ref: as the user named it (printed unless by_id),
 * idfile: the --cidfile that named it. Returns 0 or the exit status of a printed error. */
static int rm_one(struct rm_ctx *x, struct pm_container *c, const char *ref, const char *idfile)
{
	_cleanup_error_ pm_error *err = NULL;
	struct pm_engine *e = &x->e;
	/* a pod's infra goes with its pod: rm -af removes the pod, as podman's */
	_cleanup_pod_ struct pm_pod *pod = NULL;
	if (c->infra && pm_pod_lookup(e->paths, c->pod_id, &pod, NULL) == 0) {
		if (!(x->all && x->force))
			return pm_cli_errorf("container %s is the infra container of pod %s "
					     "and cannot be removed without removing the "
					     "pod",
					     c->id, pod->id);
		if (pm_pod_remove(e, pod, true, x->timeout, &err) < 0 && err->code != ENOENT)
			return pm_cli_error(err);
		printf("%s\n", c->id);
		fflush(stdout);
		return 0;
	}
	bool running = c->state.status == PM_CTR_RUNNING || c->state.status == PM_CTR_PAUSED;
	if (running && !x->force) {
		fprintf(stderr,
			"Error: cannot remove container %s as it is running - running or "
			"paused containers cannot be removed without force: container state "
			"improper\n",
			c->id);
		return 2;
	}
	/* the containers that join its namespaces: refused, or removed first with --depend */
	_cleanup_strv_ char **deps = pm_engine_ctr_dependents(e, c);
	if (deps && !x->depend) {
		_cleanup_free_ char *list = pm_strv_join(deps, ",");
		return pm_cli_errorf("container %s has dependent containers which must be "
				     "removed before it: %s: container already exists",
				     c->id, list);
	}
	if (deps && x->depth >= 64)
		return pm_cli_errorf("container %s: dependency chain too deep", c->id);
	for (char **d = deps; d && *d; d++) {
		_cleanup_container_ struct pm_container *dc = NULL;
		if (pm_engine_ctr_lookup(e, *d, &dc, NULL) < 0) /* refreshed */
			continue;				/* removed meanwhile */
		x->depth++;
		bool by_id = x->by_id;
		x->by_id = true;
		int st = rm_one(x, dc, *d, NULL);
		x->by_id = by_id;
		x->depth--;
		if (st != 0)
			return st;
	}
	if (running && pm_engine_stop(e, c, x->timeout, &err) < 0)
		return pm_cli_error(err);
	/* a --rm container's monitor removes it itself once stopped: gone is done */
	bool auto_rm = false;
	struct pm_container_config cfg = {0};
	if (running && pm_config_from_json(c->config_json, &cfg, NULL) == 0) {
		auto_rm = cfg.rm;
		pm_spec_config_clear(&cfg);
	}
	/* gone for every later command when this returns; the deletes go on detached */
	int r = pm_engine_remove_detached(e, c, x->volumes, &err);
	if (idfile && (r == 0 || r == -ENOENT))
		unlink(idfile);
	if (r == -ENOENT && !auto_rm) {
		/* another rm removed it meanwhile: it said so, this one does not */
		if (x->ignore || x->force)
			return 0;
		fprintf(stderr,
			"Error: no container with name or ID \"%s\" found: no such container\n",
			ref);
		return 1;
	}
	if (r < 0 && r != -ENOENT)
		return pm_cli_error(err);
	printf("%s\n", x->by_id ? c->id : ref);
	fflush(stdout);
	return 0;
}

int cmd_rm(struct pm_cli *cli, int argc, char **argv)
{
	enum { OPT_DEPEND = 1000, OPT_FILTER };
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},
		{"force", no_argument, NULL, 'f'},
		{"ignore", no_argument, NULL, 'i'},
		{"time", required_argument, NULL, 't'},
		{"volumes", no_argument, NULL, 'v'},
		{"cidfile", required_argument, NULL, 'C'},
		{"depend", no_argument, NULL, OPT_DEPEND},
		{"filter", required_argument, NULL, OPT_FILTER},
		{"latest", no_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	/* what rm stops it removes next: its root is not synced at the unmount */
	struct rm_ctx x = {.e = {.paths = &cli->paths,
				 .storage_driver = cli->storage_driver,
				 .removing = true},
			   .timeout = -1};
	bool latest = false;
	int opt;
	_cleanup_strv_ char **refs = NULL, **cidfiles = NULL, **ref_files = NULL, **filters = NULL;
	while ((opt = pm_cli_getopt(cli, &st, argc, argv, "afilt:v", opts, rm_usage)) != -1) {
		switch (opt) {
		case PM_OPT_EXIT:
			return st.status;
		case 'a':
			x.all = true;
			break;
		case 'f':
			x.force = true;
			break;
		case 'i':
			x.ignore = true;
			break;
		case 'l':
			latest = true;
			break;
		case 't':
			if (!pm_cli_parse_seconds("--time", optarg, &x.timeout))
				return PM_EXIT_ERROR;
			break;
		case 'v':
			x.volumes = true; /* named volumes are unreferenced always */
			break;
		case 'C': /* read once -i is known */
			pm_strv_push(&cidfiles, optarg);
			break;
		case OPT_DEPEND:
			x.depend = true;
			break;
		case OPT_FILTER:
			pm_strv_push(&filters, optarg);
			break;
		default:
			return PM_EXIT_ERROR;
		}
	}
	if (x.all && optind < argc)
		return pm_cli_errorf("--all and containers cannot be used together");
	if (latest && optind < argc)
		return pm_cli_errorf("--latest and containers cannot be used together");
	if (filters && optind < argc)
		return pm_cli_errorf("--filter takes no arguments");
	int r = pm_cli_read_cidfiles(cidfiles, x.ignore, &refs, &ref_files);
	if (r != 0)
		return r;
	bool select = latest || filters;
	if (!x.all && !select && !cidfiles && argc - optind < 1) /* podman's words */
		return pm_cli_errorf("you must provide at least one name or id");
	x.by_id = x.all || select || x.depend; /* printed by id, as podman */
	x.depend |= x.all;		       /* everything goes: in the order it must */
	if (select) {
		pm_strv_free(refs);
		refs = NULL;
		r = pm_cli_ctr_select(cli, filters, latest, 1, &refs);
		if (r != 0)
			return r;
	} else if (x.all) {
		pm_strv_free(refs);
		refs = pm_cli_ctr_all_ids(&x.e);
	} else {
		for (int i = optind; i < argc; i++)
			pm_strv_push(&refs, argv[i]);
	}
	int status = 0;
	size_t nfiles = pm_strv_length(ref_files);
	for (char **ref = refs; ref && *ref; ref++) {
		_cleanup_container_ struct pm_container *c = NULL;
		/* the id file a removed container came from goes with it (podman's rm) */
		const char *idfile =
			!x.by_id && (size_t)(ref - refs) < nfiles ? ref_files[ref - refs] : NULL;
		if (x.ignore || x.force || x.by_id) {
			/* podman: rm -f of a missing container is silent; one of the list may
			 * have gone with another's --depend */
			if (pm_engine_ctr_lookup(&x.e, *ref, &c, NULL) < 0) { /* refreshed */
				if (idfile)
					unlink(idfile);
				continue;
			}
		} else if (pm_cli_ctr_lookup(&x.e, *ref, &c) < 0) {
			if (!status)
				status = 1;
			continue;
		}
		int rc = rm_one(&x, c, *ref, idfile);
		if (rc != 0 && (!status || rc == PM_EXIT_ERROR))
			status = rc;
	}
	return status;
}
