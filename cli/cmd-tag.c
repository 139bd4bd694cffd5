/* cmd-tag.c: `pm tag IMAGE NAME...` and `pm untag IMAGE [NAME...]` (podman tag/untag, also
 * reached as `pm image tag|untag`). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/image-util.h"
#include "lib/events.h"
#include "lib/strutil.h"

static const char tag_usage[] = "Add an additional name to a local image\n"
				"\n"
				"Usage:\n"
				"  pm tag IMAGE TARGET_NAME [TARGET_NAME...]\n"
				"\n"
				"Examples:\n"
				"  pm tag 0e3bbc2 fedora:latest\n";

static const char untag_usage[] = "Remove a name from a local image\n"
				  "\n"
				  "Usage:\n"
				  "  pm untag IMAGE [IMAGE...]\n";

static int tag_or_untag(struct pm_cli *cli, int argc, char **argv, bool untag)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 0}, {NULL, 0, NULL, 0}};
	struct pm_opt_state st = {0};
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "+", opts,
				  untag ? untag_usage : tag_usage)) != -1)
		if (c == PM_OPT_EXIT)
			return st.status;
	int nargs = argc - optind;
	if (!pm_cli_nargs(cli, nargs, untag ? 1 : 2, -1))
		return PM_EXIT_ERROR;
	_cleanup_error_ pm_error *err = NULL;
	/* validate every name before changing anything */
	char **names = NULL;
	for (int i = optind + 1; i < argc; i++) {
		char *n = NULL;
		int r = pm_cli_image_name(argv[i], &n, &err);
		if (r < 0) {
			pm_strv_free(names);
			if (r != -EINVAL || untag)
				return pm_cli_error(err);
			/* podman's words (its normalizing wraps twice) */
			return pm_cli_errorf("normalizing name \"%s\": normalizing name \"%s\": "
					     "invalid reference format",
					     argv[i], argv[i]);
		}
		pm_strv_consume(&names, n);
	}
	_cleanup_strv_ char **namesv = names;
	_cleanup_store_ struct pm_store *s = NULL;
	if (pm_cli_open_store(cli, &s, &err) < 0)
		return pm_cli_error(err);
	struct pm_image_record r = {0};
	if (pm_image_resolve(s, argv[optind], &r, &err) < 0)
		return pm_cli_error(err);
	int rc = 0;
	if (untag && !namesv) {
		rc = pm_image_untag(s, r.id, NULL, &err);
		for (char **n = r.names; n && *n && rc >= 0; n++)
			pm_event_emit(cli->paths.runroot, "image", "untag", r.id, *n, NULL);
	}
	for (char **n = namesv; n && *n && rc >= 0; n++) {
		rc = untag ? pm_image_untag(s, r.id, *n, &err) : pm_image_tag(s, r.id, *n, &err);
		if (rc >= 0)
			pm_event_emit(cli->paths.runroot, "image", untag ? "untag" : "tag", r.id,
				      *n, NULL);
	}
	pm_image_record_free(&r);
	if (rc < 0)
		return pm_cli_error(err);
	return 0;
}

int cmd_tag(struct pm_cli *cli, int argc, char **argv)
{
	return tag_or_untag(cli, argc, argv, false);
}

int cmd_untag(struct pm_cli *cli, int argc, char **argv)
{
	return tag_or_untag(cli, argc, argv, true);
}
