/* cmd-image-sign.c: `pm image sign [options] IMAGE...` (podman image sign): parses the
 * flags, checks them in podman's order (an identity, then --directory), and signs each
 * docker:// image with registry/sign.h, stopping at the first failure. Prints nothing on
 * success, as podman. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/commands.h"
#include "registry/sign.h"

static const char usage[] =
	"Sign an image\n\nDescription:\n"
	"  Create a signature file that can be used later to verify the image.\n\nUsage:\n"
	"  pm image sign [options] IMAGE [IMAGE...]\n\nExamples:\n"
	"  pm image sign --sign-by mykey imageID\n"
	"  pm image sign --sign-by mykey --directory ./mykeydir imageID\n\nOptions:\n"
	"  -a, --all                 Sign all the manifests of the multi-architecture image\n"
	"      --authfile string     Path of the authentication file. Use REGISTRY_AUTH_FILE "
	"environment variable to override\n"
	"      --cert-dir Pathname   Pathname of a directory containing TLS certificates and keys\n"
	"  -d, --directory string    Define an alternate directory to store signatures\n"
	"      --sign-by string      Name of the signing key\n";

enum { OPT_AUTHFILE = 1000, OPT_CERT_DIR, OPT_SIGN_BY };

int cmd_image_sign(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},
		{"authfile", required_argument, NULL, OPT_AUTHFILE},
		{"cert-dir", required_argument, NULL, OPT_CERT_DIR},
		{"directory", required_argument, NULL, 'd'},
		{"sign-by", required_argument, NULL, OPT_SIGN_BY},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	struct pm_sign_opts o = {.reg = {.tls_verify = -1}};
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "ad:", opts, usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case 'a':
			o.all = true;
			break;
		case OPT_AUTHFILE:
			o.reg.authfile = optarg;
			break;
		case OPT_CERT_DIR:
			o.reg.cert_dir = optarg;
			break;
		case 'd':
			o.directory = optarg;
			break;
		case OPT_SIGN_BY:
			o.sign_by = optarg;
			break;
		default:
			break;
		}
	}
	int nargs = argc - optind;
	if (!pm_cli_nargs(cli, nargs, 1, -1))
		return PM_EXIT_ERROR;
	if (!o.sign_by || !*o.sign_by)
		return pm_cli_errorf("please provide an identity");
	if (o.directory) {
		struct stat sb;
		if (stat(o.directory, &sb) < 0) {
			char why[128];
			pm_go_strerror(errno, why, sizeof(why));
			return pm_cli_errorf("stat %s: %s", o.directory, why);
		}
	}
	for (int i = optind; i < argc; i++) {
		_cleanup_error_ pm_error *err = NULL;
		if (pm_image_sign(argv[i], &o, &err) < 0)
			return pm_cli_error(err);
	}
	return 0;
}
