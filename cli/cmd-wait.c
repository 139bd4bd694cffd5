/* cmd-wait.c: `pm wait [--condition C]... CONTAINER...`: block until each container reaches
 * one of the conditions (default: stopped/exited, which a created container meets too, as
 * podman's) and print its exit code (-1 for a state condition: created, running, ...). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/ctr-util.h"
#include "lib/strutil.h"
#include "engine/run.h"

static const char wait_usage[] =
	"Block on one or more containers\n"
	"\n"
	"Description:\n"
	"  Block until one or more containers stop and then print their exit codes.\n"
	"\n"
	"Usage:\n"
	"  pm wait [options] CONTAINER [CONTAINER...]\n"
	"\n"
	"Options:\n"
	"      --condition stringArray   Condition to wait on (default [stopped])\n"
	"      --ignore                  Ignore if a container does not exist\n"
	"  -i, --interval string         Time interval to wait before polling for completion "
	"(accepted: pm does not poll)\n"
	"  -l, --latest                  Act on the latest container pm is aware of\n";

static int condition_bit(const char *s, unsigned *mask)
{
	static const struct {
		const char *name;
		enum pm_ctr_status st;
	} map[] = {
		{"configured", PM_CTR_CONFIGURED}, {"created", PM_CTR_CONFIGURED},
		{"running", PM_CTR_RUNNING},	   {"paused", PM_CTR_PAUSED},
		{"stopped", PM_CTR_STOPPED},	   {"exited", PM_CTR_STOPPED},
		{"removing", PM_CTR_REMOVING},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(s, map[i].name)) {
			*mask |= 1u << map[i].st;
			return 0;
		}
	return -1;
}

int cmd_wait(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"condition", required_argument, NULL, 'c'},
		{"ignore", no_argument, NULL, 'g'},
		{"interval", required_argument, NULL, 'i'},
		{"latest", no_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	unsigned mask = 0;
	bool ignore = false, latest = false;
	int opt;
	/* -i is podman's --interval (4.3 and later); --ignore has no short form */
	while ((opt = pm_cli_getopt(cli, &st, argc, argv, "i:l", opts, wait_usage)) != -1) {
		switch (opt) {
		case PM_OPT_EXIT:
			return st.status;
		case 'c':
			if (condition_bit(optarg, &mask) < 0)
				return pm_cli_errorf(
					"unknown container state: %s: invalid argument", optarg);
			break;
		case 'g':
			ignore = true;
			break;
		case 'l':
			latest = true;
			break;
		case 'i':
			break; /* podman's polling interval: pm does not poll */
		default:
			return PM_EXIT_ERROR;
		}
	}
	_cleanup_strv_ char **refs = NULL;
	for (int i = optind; i < argc; i++)
		pm_strv_push(&refs, argv[i]);
	if (latest && refs)
		return pm_cli_errorf("--latest and containers cannot be used together");
	if (latest) {
		int r = pm_cli_ctr_select(cli, NULL, true, PM_EXIT_ERROR, &refs);
		if (r != 0)
			return r;
	} else if (argc - optind < 1) {
		return pm_cli_errorf("\"%s\" requires a name, id, or the \"--latest\" flag",
				     cli->cmdpath);
	}
	if (!mask)
		mask = 1u << PM_CTR_STOPPED;
	/* podman's: an exit condition (stopped, exited) is met by a container that is not
	 * running, a created one too, and prints its exit code; a state condition prints -1 */
	bool want_exit = mask & (1u << PM_CTR_STOPPED);
	if (want_exit)
		mask |= 1u << PM_CTR_CONFIGURED;
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	int status = 0;
	for (char **ref = refs; ref && *ref; ref++) {
		_cleanup_container_ struct pm_container *c = NULL;
		_cleanup_error_ pm_error *err = NULL;
		if (ignore && pm_engine_ctr_lookup(&e, *ref, &c, NULL) < 0) { /* refreshed */
			printf("-1\n");
			continue;
		}
		if (!c && pm_cli_ctr_lookup(&e, *ref, &c) < 0) {
			status = PM_EXIT_ERROR;
			continue;
		}
		int code = 0;
		if (pm_engine_wait(&e, c, mask, &code, &err) < 0) {
			status = pm_cli_error(err);
			continue;
		}
		bool exited =
			c->state.status == PM_CTR_STOPPED || c->state.status == PM_CTR_CONFIGURED;
		printf("%d\n", want_exit && exited ? code : -1);
		fflush(stdout);
	}
	return status;
}
