/* cmd-push.c: `pm push [options] IMAGE [DESTINATION]` (podman push): parses the flags, prints
 * podman's progress lines on stderr from registry/push.h's events, writes --digestfile once
 * the manifest is in the registry. The push itself is registry/push.c's. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/image-util.h"
#include "lib/events.h"
#include "lib/fileutil.h"
#include "registry/push.h"
#include "storage/image.h"

static const char usage[] =
	"Push an image to a specified destination\n"
	"\n"
	"Description:\n"
	"  Pushes a source image to a specified destination.\n"
	"\n"
	"  The Image \"DESTINATION\" uses a \"transport\":\"details\" format. See podman-push(1) "
	"section \"DESTINATION\" for the expected format.\n"
	"\n"
	"Usage:\n"
	"  pm push [options] IMAGE [DESTINATION]\n"
	"\n"
	"Examples:\n"
	"  pm push imageID docker://registry.example.com/repository:tag\n"
	"  pm push --format v2s2 --compression-format gzip imageID quay.io/ns/repo:tag\n"
	"\n"
	"Options:\n"
	"      --authfile string             path of the authentication file\n"
	"      --cert-dir Pathname           path to certificates (*.crt, *.cert, *.key) to use "
	"with the registry\n"
	"      --compress                    Compress tarball image layers when pushing to a "
	"directory using the 'dir' transport (pm pushes to registries only: no effect)\n"
	"      --compression-format string   compression format to use (gzip, zstd)\n"
	"      --creds [username[:password]] use [username[:password]] for accessing the "
	"registry\n"
	"      --digestfile string           write the digest of the pushed image to the "
	"specified file\n"
	"      --disable-content-trust       This is a Docker specific option and is a NOOP\n"
	"  -f, --format string               manifest type (oci, v2s2) to use in the "
	"destination (default is manifest type of source, with fallbacks)\n"
	"  -q, --quiet                       don't output progress information when pushing "
	"images\n"
	"      --remove-signatures           Discard any pre-existing signatures in the image "
	"(pm keeps none)\n"
	"      --sign-by string              Add a signature at the destination using the "
	"specified key\n"
	"      --sign-by-sigstore-private-key PATH   Sign the image using a sigstore private key "
	"at PATH (refused: pm signs with gpg only)\n"
	"      --sign-passphrase-file PATH   Read a passphrase for signing an image from PATH\n"
	"      --tls-verify                  require HTTPS and verify certificates when "
	"contacting registries (default true)\n";

enum {
	OPT_AUTHFILE = 1000,
	OPT_CERT_DIR,
	OPT_COMPRESSION,
	OPT_CREDS,
	OPT_DIGESTFILE,
	OPT_TLS_VERIFY,
	OPT_NOOP,
	OPT_SIGN_BY,
	OPT_SIGN_SIGSTORE,
	OPT_SIGN_PASSPHRASE,
};

void pm_cli_push_event(void *ctx, enum pm_push_event ev, const char *arg)
{
	const struct pm_cli_push_printer *p = ctx;
	if (p->quiet)
		return;
	switch (ev) {
	case PM_PUSH_SIGNATURES:
		fputs("Getting image source signatures\n", stderr);
		break;
	case PM_PUSH_BLOB:
		/* podman without a terminal: one line per layer, sent or skipped, naming the
		 * stored blob */
		if (!p->tty)
			fprintf(stderr, "Copying blob %s\n", arg);
		break;
	case PM_PUSH_BLOB_SKIP:
		if (p->tty)
			fprintf(stderr, "Copying blob %.12s skipped: already exists\n",
				arg + strlen("sha256:"));
		break;
	case PM_PUSH_BLOB_DONE:
		if (p->tty)
			fprintf(stderr, "Copying blob %.12s done\n", arg + strlen("sha256:"));
		break;
	case PM_PUSH_CONFIG:
		if (p->tty)
			fprintf(stderr, "Copying config %.10s done\n", arg + strlen("sha256:"));
		else
			fprintf(stderr, "Copying config %s\n", arg);
		break;
	case PM_PUSH_MANIFEST:
		fputs("Writing manifest to image destination\n", stderr);
		break;
	case PM_PUSH_SIGNING:
		fputs("Signing manifest using simple signing\n", stderr);
		break;
	case PM_PUSH_DONE:
		fputs("Storing signatures\n", stderr);
		break;
	}
	fflush(stderr);
}

int pm_cli_push_sign_check(struct pm_sign_opts *so, const char *sigstore_key,
			   const struct pm_sign_opts **ret)
{
	_cleanup_error_ pm_error *err = NULL;
	*ret = NULL;
	/* podman reads the passphrase first (its "open PATH: ..." when it cannot) */
	if (so->passphrase_file) {
		_cleanup_free_ char *pw = NULL;
		if (pm_read_file(so->passphrase_file, 64 * 1024, &pw, NULL, &err) < 0) {
			char why[128];
			pm_go_strerror(err->code, why, sizeof(why));
			return pm_cli_errorf("open %s: %s", so->passphrase_file, why);
		}
	}
	/* refused before anything is sent: a push that cannot add the signature asked for
	 * must not leave an unsigned image behind */
	if (sigstore_key)
		return pm_cli_errorf("--sign-by-sigstore-private-key: pm does not make sigstore "
				     "signatures: sign with --sign-by (gpg) or with cosign");
	if (!so->sign_by)
		return 0;
	if (pm_sign_check_key(so->sign_by, &err) < 0) {
		pm_error_prefix(&err, "creating signature");
		return pm_cli_error(err);
	}
	so->replace = true; /* as podman's copy: the pushed image's one signature */
	*ret = so;
	return 0;
}

int cmd_push(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"authfile", required_argument, NULL, OPT_AUTHFILE},
		{"cert-dir", required_argument, NULL, OPT_CERT_DIR},
		{"compression-format", required_argument, NULL, OPT_COMPRESSION},
		{"creds", required_argument, NULL, OPT_CREDS},
		{"digestfile", required_argument, NULL, OPT_DIGESTFILE},
		{"format", required_argument, NULL, 'f'},
		{"quiet", no_argument, NULL, 'q'},
		{"tls-verify", optional_argument, NULL, OPT_TLS_VERIFY},
		{"compress", no_argument, NULL, OPT_NOOP},
		{"disable-content-trust", no_argument, NULL, OPT_NOOP},
		{"remove-signatures", no_argument, NULL, OPT_NOOP},
		{"sign-by", required_argument, NULL, OPT_SIGN_BY},
		{"sign-by-sigstore-private-key", required_argument, NULL, OPT_SIGN_SIGSTORE},
		{"sign-passphrase-file", required_argument, NULL, OPT_SIGN_PASSPHRASE},
		{"help", no_argument, NULL, 0},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	struct pm_push_opts o = {.reg = {.tls_verify = -1}};
	const char *digestfile = NULL, *sigstore_key = NULL;
	struct pm_sign_opts so = {0};
	struct pm_cli_push_printer pr = {.tty = isatty(STDERR_FILENO) == 1};
	_cleanup_error_ pm_error *err = NULL;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "f:q", opts, usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case OPT_AUTHFILE:
			o.reg.authfile = optarg;
			break;
		case OPT_CERT_DIR:
			o.reg.cert_dir = optarg;
			break;
		case OPT_COMPRESSION:
			if (pm_push_compression_parse(optarg, &o.compression, &err) < 0)
				return pm_cli_error(err);
			break;
		case OPT_CREDS:
			o.reg.creds = optarg;
			break;
		case OPT_DIGESTFILE:
			digestfile = optarg;
			break;
		case OPT_NOOP:
			/* --compress: the dir transport's, which pm does not push to;
			 * --disable-content-trust: podman's no-op; --remove-signatures: pm
			 * stores no signatures, so none are copied either way */
			break;
		case OPT_SIGN_BY:
			so.sign_by = optarg;
			break;
		case OPT_SIGN_SIGSTORE:
			sigstore_key = optarg;
			break;
		case OPT_SIGN_PASSPHRASE:
			so.passphrase_file = optarg;
			break;
		case 'f':
			if (pm_push_format_parse(optarg, &o.format, &err) < 0)
				return pm_cli_error(err);
			break;
		case 'q':
			pr.quiet = true;
			break;
		case OPT_TLS_VERIFY:
			if (!optarg || strcmp(optarg, "true") == 0)
				o.reg.tls_verify = 1;
			else if (strcmp(optarg, "false") == 0)
				o.reg.tls_verify = 0;
			else
				return pm_cli_errorf("invalid argument \"%s\" for \"--tls-verify\" "
						     "flag: strconv.ParseBool: parsing \"%s\": "
						     "invalid syntax",
						     optarg, optarg);
			break;
		default:
			break;
		}
	}
	int nargs = argc - optind;
	if (nargs < 1 || nargs > 2)
		return pm_cli_errorf("accepts between 1 and 2 arg(s), received %d", nargs);
	const char *src = argv[optind];
	const char *dest = nargs == 2 ? argv[optind + 1] : NULL;
	int r = pm_cli_push_sign_check(&so, sigstore_key, &o.sign);
	if (r)
		return r;

	_cleanup_store_ struct pm_store *s = NULL;
	if (pm_cli_open_store(cli, &s, &err) < 0)
		return pm_cli_error(err);
	o.event = pm_cli_push_event;
	o.event_ctx = &pr;
	_cleanup_free_ char *digest = NULL;
	if (pm_push(s, src, dest, &o, &digest, &err) < 0)
		return pm_cli_error(err);
	pm_event_emit(cli->paths.runroot, "image", "push", NULL, dest ? dest : src, NULL);
	/* podman writes the digest alone, no newline; only once the push succeeded */
	if (digestfile && pm_write_file_atomic(digestfile, digest, strlen(digest), 0644, &err) < 0)
		return pm_cli_error(err);
	return 0;
}
