/* cmd-logout.c: `pm logout [-a] [--authfile F] [REGISTRY]` (podman logout): removes a
 * registry's entry (or all) from the auth file (registry/auth.h). Credentials only docker's
 * files hold are left to docker logout, as podman says. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "lib/strutil.h"
#include "registry/auth.h"
#include "registry/client.h"

static const char usage[] =
	"Log out of a container registry\n"
	"\n"
	"Usage:\n"
	"  pm logout [options] REGISTRY\n"
	"\n"
	"Options:\n"
	"  -a, --all               Remove the cached credentials for all registries in the auth "
	"file\n"
	"      --authfile string   path of the authentication file (default "
	"${XDG_RUNTIME_DIR}/containers/auth.json)\n";

enum { OPT_AUTHFILE = 1000 };

int cmd_logout(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},
		{"authfile", required_argument, NULL, OPT_AUTHFILE},
		{"help", no_argument, NULL, 0},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	const char *authfile = NULL;
	bool all = false;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "a", opts, usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case 'a':
			all = true;
			break;
		case OPT_AUTHFILE:
			authfile = optarg;
			break;
		default:
			break;
		}
	}
	int nargs = argc - optind;
	_cleanup_error_ pm_error *err = NULL;
	if (all) {
		if (nargs > 0)
			return pm_cli_errorf("--all takes no arguments");
		if (pm_auth_remove_all(authfile, &err) < 0)
			return pm_cli_error(err);
		printf("Removed login credentials for all registries\n");
		return 0;
	}
	if (nargs == 0)
		return pm_cli_errorf("no registries found in registries.conf, a registry must be "
				     "provided");
	if (nargs > 1)
		return pm_cli_errorf("accepts at most 1 arg(s), received %d", nargs);

	_cleanup_free_ char *key = pm_auth_key_normalize(argv[optind]);
	int k = pm_auth_remove(authfile, key, &err);
	if (k >= 0) {
		printf("Removed login credentials for %s\n", key);
		return 0;
	}
	if (k != -ENOENT)
		return pm_cli_error(err);

	/* not in our file: credentials from docker login that still work are docker's to drop */
	_cleanup_free_ char *user = NULL, *pass = NULL;
	if (pm_auth_lookup(authfile, key, &user, &pass, NULL) > 0 && *user && *pass) {
		_cleanup_free_ char *host = pm_xstrndup(key, strcspn(key, "/"));
		struct pm_registry_opts o = {
			.tls_verify = -1, .authfile = authfile, .username = user, .password = pass};
		_cleanup_registry_ struct pm_registry *r = NULL;
		if (pm_registry_open(host, &o, &r, NULL) >= 0 && pm_registry_ping(r, NULL) >= 0) {
			printf("Not logged into %s with current tool. Existing credentials were "
			       "established via docker login. Please use docker logout instead.\n",
			       key);
			return 0;
		}
	}
	return pm_cli_error(err);
}
