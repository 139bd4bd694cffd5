/* cmd-rmi.c: `pm rmi [-f] [-a] IMAGE...` / `pm image rm` (podman rmi): by name (untags
 * when the image has other names), id, id prefix or digest; -f first removes the containers
 * that use the image (stopped first), as podman's. Exit 1 when an image is not known, 2 when
 * one is in use (podman's codes), 125 for other errors. A mounted image (`image mount`) is
 * unmounted once it is deleted, as podman's. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/image-util.h"
#include "engine/container.h"
#include "engine/run.h"
#include "lib/events.h"
#include "lib/strutil.h"
#include "storage/reference.h"

static const char usage[] =
	"Remove one or more images from local storage\n"
	"\n"
	"Usage:\n"
	"  pm rmi [options] IMAGE [IMAGE...]\n"
	"\n"
	"Options:\n"
	"  -a, --all       Remove all images\n"
	"  -f, --force     Force Removal of the image\n"
	"  -i, --ignore    Ignore errors if a specified image does not exist\n"
	"      --no-prune  Do not remove dangling parent images (pm never does)\n";

/* rmi -f: the containers using image id go first (stopped with their stop timeout). */
static int remove_users(const struct pm_engine *e, const struct pm_store *s, const char *id,
			pm_error **err)
{
	_cleanup_strv_ char **users = pm_image_users(s, id);
	for (char **u = users; u && *u; u++) {
		_cleanup_container_ struct pm_container *c = NULL;
		if (pm_engine_ctr_lookup(e, *u, &c, NULL) < 0) /* refreshed */
			continue; /* not pm's (a build's), gone meanwhile, or a dead run's --rm */
		if (c->infra)
			continue; /* goes with its pod */
		int r = pm_ctr_is_running(c) ? pm_engine_stop(e, c, -1, err) : 0;
		if (r >= 0)
			r = pm_engine_remove(e, c, err);
		if (r < 0 && r != -ENOENT)
			return r;
	}
	return 0;
}

static int remove_one(const struct pm_engine *e, const struct pm_store *s, const char *runroot,
		      const char *ref, bool force, bool by_all, pm_error **err)
{
	struct pm_image_record r = {0};
	int rc = pm_image_resolve(s, ref, &r, err);
	if (rc < 0)
		return rc;
	/* by name, with other names left: untag only */
	_cleanup_strv_ char **cands = by_all ? NULL : pm_reference_candidates(ref);
	const char *named = NULL;
	for (char **c = cands; c && *c && !named; c++)
		for (char **n = r.names; n && *n && !named; n++)
			if (strcmp(*n, *c) == 0)
				named = *n;
	if (!named && !by_all &&
	    !pm_str_startswith(r.id, ref + (pm_str_startswith(ref, "sha256:") ? 7 : 0)))
		for (char **n = r.names; n && *n && !named; n++)
			if (pm_str_endswith(*n, ref) || strstr(*n, ref))
				named = *n;
	if (named && pm_strv_length(r.names) > 1) {
		_cleanup_free_ char *nm = pm_xstrdup(named);
		rc = pm_image_untag(s, r.id, nm, err);
		if (rc >= 0) {
			pm_event_emit(runroot, "image", "untag", r.id, nm, NULL);
			printf("Untagged: %s\n", nm);
		}
		pm_image_record_free(&r);
		return rc;
	}
	if (!named && !force && !by_all && pm_strv_length(r.names) > 1) {
		_cleanup_free_ char *list = pm_strv_join(r.names, " ");
		rc = pm_error_set(err, EINVAL,
				  "unable to delete image \"%s\" by ID with more than one tag "
				  "([%s]): please force removal",
				  r.id, list);
		pm_image_record_free(&r);
		return rc;
	}
	rc = force ? remove_users(e, s, r.id, err) : 0;
	if (rc >= 0)
		rc = pm_image_remove(s, r.id, force, err);
	if (rc >= 0) /* podman's storage unmounts an `image mount`ed image it deletes */
		rc = pm_cli_image_unmount_gone(s, r.id, err);
	if (rc >= 0) {
		for (char **n = r.names; n && *n; n++)
			pm_event_emit(runroot, "image", "untag", r.id, *n, NULL);
		pm_event_emit(runroot, "image", "remove", r.id, NULL, NULL);
		for (char **n = r.names; n && *n; n++)
			printf("Untagged: %s\n", *n);
		printf("Deleted: %s\n", r.id);
	}
	pm_image_record_free(&r);
	return rc;
}

int cmd_rmi(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},    {"force", no_argument, NULL, 'f'},
		{"ignore", no_argument, NULL, 'i'}, {"no-prune", no_argument, NULL, 'N'},
		{"help", no_argument, NULL, 0},	    {NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	bool all = false, force = false, ignore = false;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "afi", opts, usage)) != -1) {
		switch (c) {
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
		case 'N':
			break; /* podman's: keep untagged parents; pm's rmi never removes parents */
		default:
			break;
		}
	}
	int nargs = argc - optind;
	if (all && nargs > 0)
		return pm_cli_errorf(
			"when using the --all switch, you may not pass any images names or IDs");
	if (!all && nargs < 1)
		return pm_cli_errorf("image name or ID must be specified");
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_store_ struct pm_store *s = NULL;
	if (pm_cli_open_store(cli, &s, &err) < 0)
		return pm_cli_error(err);
	_cleanup_strv_ char **refs = NULL;
	if (all) {
		if (pm_cli_image_all_ids(s, &refs, &err) < 0)
			return pm_cli_error(err);
	} else {
		for (int i = optind; i < argc; i++)
			pm_strv_push(&refs, argv[i]);
	}
	struct pm_engine eng = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	int status = 0;
	for (char **r = refs; r && *r; r++) {
		_cleanup_error_ pm_error *e = NULL;
		if (remove_one(&eng, s, cli->paths.runroot, *r, force, all, &e) < 0) {
			if (e->code == ENOENT && (ignore || force))
				continue; /* podman: rmi -f of a missing image is silent */
			int st2 = e->code == ENOENT ? 1 : e->code == EBUSY ? 2 : PM_EXIT_ERROR;
			pm_cli_error(e);
			if (!status || st2 == PM_EXIT_ERROR)
				status = st2;
		}
	}
	/* --all also collects what a killed pm left: layers and blobs no image names */
	if (all && pm_image_collect_layers(s, &err) < 0 && !status) {
		pm_cli_error(err);
		status = PM_EXIT_ERROR;
	}
	return status;
}
