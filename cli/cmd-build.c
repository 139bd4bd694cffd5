/* cmd-build.c: `pm build [options] [CONTEXT]` (also `pm image build`, `pm buildx build`):
 * reads the Containerfile (-f FILE, -f - for stdin, else CONTEXT/Containerfile or
 * CONTEXT/Dockerfile), hands it to builder/build.h and prints podman's progress lines, the
 * tags and the final id. Runs inside the rootless namespace (PM_CMD_USERNS). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builder/build.h"
#include "cli/commands.h"
#include "cli/image-util.h"
#include "cli/progress.h"
#include "cli/pull-flags.h"
#include "lib/log.h"
#include "registry/platform.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"

#define BUILD_FILE_MAX (1u << 20)

static const char usage[] =
	"Build an image using instructions from Containerfiles\n"
	"\n"
	"Description:\n"
	"  Builds an OCI image using instructions in one or more Containerfiles and a build "
	"context directory.\n"
	"\n"
	"Usage:\n"
	"  pm build [options] [CONTEXT]\n"
	"\n"
	"Options:\n"
	"      --arch string            the architecture: only the host's can be built\n"
	"      --authfile string        path of the authentication file\n"
	"      --build-arg stringArray  argument=value to supply to the builder\n"
	"      --build-context stringArray  name=path: an additional build context for "
	"COPY --from\n"
	"      --cert-dir string        path to certificates for the registry\n"
	"      --compress               this is a legacy option, which has no effect on the "
	"image\n"
	"      --creds string           credentials (USERNAME:PASSWORD) for the registry\n"
	"      --disable-content-trust  this is a Docker specific option and is a NOOP\n"
	"  -f, --file pathname          pathname or URL of a Dockerfile (- reads stdin)\n"
	"      --force-rm               remove the containers of failed steps (pm always "
	"does)\n"
	"      --format string          format of the built image's manifest and metadata: "
	"oci (pm builds no other)\n"
	"      --iidfile file           file to write the image ID to\n"
	"      --label stringArray      set metadata for an image (default [])\n"
	"      --layers                 use intermediate layers during build (default true)\n"
	"      --network string         network mode of RUN steps: host (default), none, "
	"private\n"
	"      --no-cache               do not use existing cached images for the container "
	"build\n"
	"      --os string              the operating system: only the host's can be built\n"
	"      --platform string        os/arch[/variant]: only the host's can be built\n"
	"      --pull string            pull policy of FROM images: missing (default), always, "
	"never, newer\n"
	"      --rm                     remove intermediate containers after a successful "
	"build (default true; pm always does)\n"
	"  -q, --quiet                  refrain from announcing build instructions and image "
	"read/write progress\n"
	"  -t, --tag name               tagged name to apply to the built image\n"
	"      --squash                 squash the new layers into one\n"
	"      --squash-all             squash all the layers into one\n"
	"      --secret stringArray     id=ID,src=FILE: a secret for RUN "
	"--mount=type=secret\n"
	"      --target string          set the target build stage to build\n"
	"      --tls-verify             require HTTPS and verify certificates when contacting "
	"registries (default true)\n"
	"      --variant string         the architecture variant: only the host's can be built\n";

static void warn(void *userdata, const char *line)
{
	fflush(stdout);
	pm_log_warn("%s", line);
}

/* --platform/--os/--arch/--variant: only the host's platform is built. */
static int check_platform(const struct pm_pull_opts *po, const struct pm_cli_pull_flags *f)
{
	struct pm_platform host = {0};
	pm_platform_wanted(NULL, NULL, NULL, &host);
	bool ok = (!po->os || !strcmp(po->os, host.os)) &&
		  (!po->arch || !strcmp(po->arch, host.arch)) &&
		  (!po->variant || (host.variant && !strcmp(po->variant, host.variant)));
	int r = 0;
	if (!ok) {
		const char *what = f->platform ? f->platform
				   : f->arch   ? f->arch
				   : f->os     ? f->os
					       : f->variant;
		r = pm_cli_errorf("'%s': only the host platform (%s/%s%s%s) can be built", what,
				  host.os, host.arch, host.variant ? "/" : "",
				  host.variant ? host.variant : "");
	}
	pm_platform_free(&host);
	return r;
}

static void say(void *userdata, const char *line)
{
	printf("%s\n", line);
	fflush(stdout);
}

static int parse_bool(const char *flag, const char *v, bool *ret)
{
	if (!v || !strcmp(v, "true"))
		*ret = true;
	else if (!strcmp(v, "false"))
		*ret = false;
	else
		return pm_cli_errorf(
			"invalid argument \"%s\" for \"--%s\" flag: strconv.ParseBool: "
			"parsing \"%s\": invalid syntax",
			v, flag, v);
	return 0;
}

/* The Containerfile's bytes and its name. */
static int read_file(const char *file, const char *context, char **ret, size_t *ret_len,
		     char **ret_name)
{
	_cleanup_error_ pm_error *err = NULL;
	if (file && !strcmp(file, "-")) {
		char *buf = pm_xmalloc(BUILD_FILE_MAX + 1);
		size_t n = 0;
		ssize_t k;
		while ((k = read(STDIN_FILENO, buf + n, BUILD_FILE_MAX + 1 - n)) > 0)
			n += (size_t)k;
		if (k < 0 || n > BUILD_FILE_MAX) {
			free(buf);
			return pm_cli_errorf("reading the Containerfile from stdin: %s",
					     k < 0 ? strerror(errno) : "larger than 1 MiB");
		}
		buf[n] = '\0';
		*ret = buf;
		*ret_len = n;
		*ret_name = pm_xstrdup("Containerfile");
		return 0;
	}
	_cleanup_free_ char *path = NULL;
	struct stat st;
	if (file) {
		path = pm_xstrdup(file);
		if (stat(path, &st) < 0 && file[0] != '/') {
			free(path);
			path = pm_path_join(context, file);
		}
	} else {
		path = pm_path_join(context, "Containerfile");
		if (stat(path, &st) < 0) {
			free(path);
			path = pm_path_join(context, "Dockerfile");
			if (stat(path, &st) < 0)
				return pm_cli_errorf("no Containerfile or Dockerfile specified or "
						     "found in context directory, %s: no such file "
						     "or directory",
						     context);
		}
	}
	if (stat(path, &st) < 0)
		return pm_cli_errorf("stat %s: %s", path, "no such file or directory");
	if (pm_read_file(path, BUILD_FILE_MAX, ret, ret_len, &err) < 0)
		return pm_cli_error(err);
	const char *base = strrchr(path, '/');
	*ret_name = pm_xstrdup(base ? base + 1 : path);
	return 0;
}

int cmd_build(struct pm_cli *cli, int argc, char **argv)
{
	enum {
		O_BUILD_ARG = 1000,
		O_BUILD_CONTEXT,
		O_IIDFILE,
		O_LABEL,
		O_LAYERS,
		O_NETWORK,
		O_NO_CACHE,
		O_PULL,
		O_SECRET,
		O_SQUASH,
		O_SQUASH_ALL,
		O_TARGET,
		O_NOOP,
		O_BOOL_NOOP,
		O_RM,
		O_FORMAT
	};
	static const struct option opts[] = {
		{"build-arg", required_argument, NULL, O_BUILD_ARG},
		{"build-context", required_argument, NULL, O_BUILD_CONTEXT},
		{"pull", optional_argument, NULL, O_PULL},
		{"secret", required_argument, NULL, O_SECRET},
		{"squash", no_argument, NULL, O_SQUASH},
		{"squash-all", no_argument, NULL, O_SQUASH_ALL},
		PM_PULL_LONG_OPTIONS,
		{"file", required_argument, NULL, 'f'},
		{"iidfile", required_argument, NULL, O_IIDFILE},
		{"label", required_argument, NULL, O_LABEL},
		{"layers", optional_argument, NULL, O_LAYERS},
		{"network", required_argument, NULL, O_NETWORK},
		{"no-cache", no_argument, NULL, O_NO_CACHE},
		{"quiet", no_argument, NULL, 'q'},
		{"tag", required_argument, NULL, 't'},
		{"target", required_argument, NULL, O_TARGET},
		{"compress", no_argument, NULL, O_NOOP},
		{"disable-content-trust", no_argument, NULL, O_NOOP},
		{"force-rm", optional_argument, NULL, O_BOOL_NOOP},
		{"rm", optional_argument, NULL, O_RM},
		{"format", required_argument, NULL, O_FORMAT},
		{"help", no_argument, NULL, 0},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	struct pm_build_opts o = {.layers = true};
	_cleanup_strv_ char **build_args = NULL, **labels = NULL, **tags = NULL, **shown = NULL;
	_cleanup_strv_ char **contexts = NULL, **secrets = NULL;
	struct pm_cli_pull_flags pullf;
	pm_cli_pull_flags_init(&pullf);
	const char *file = NULL, *iidfile = NULL;
	bool quiet = false;
	_cleanup_error_ pm_error *err = NULL;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "f:qt:", opts, usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			pm_cli_pull_flags_free(&pullf);
			return st.status;
		case O_NOOP: /* --compress, --disable-content-trust: no-ops in podman too */
			break;
		case O_BOOL_NOOP:
		case O_RM: {
			/* --force-rm: pm removes a failed step's container either way; --rm=false
			 * (keep the intermediate containers) is refused: pm keeps none */
			bool v;
			int pr = parse_bool(c == O_RM ? "rm" : "force-rm", optarg, &v);
			if (pr) {
				pm_cli_pull_flags_free(&pullf);
				return pr;
			}
			if (c == O_RM && !v) {
				pm_cli_pull_flags_free(&pullf);
				return pm_cli_errorf("--rm=false: pm does not keep intermediate "
						     "containers: drop it");
			}
			break;
		}
		case O_FORMAT:
			/* podman's: oci (default) or docker; pm writes OCI images only */
			if (!strcmp(optarg, "oci"))
				break;
			pm_cli_pull_flags_free(&pullf);
			if (!strcmp(optarg, "docker"))
				return pm_cli_errorf(
					"--format docker: pm builds OCI images only: use "
					"--format oci");
			return pm_cli_errorf("unrecognized image type \"%s\"", optarg);
		case O_BUILD_CONTEXT: {
			const char *eq = strchr(optarg, '=');
			if (!eq || eq == optarg || !eq[1]) {
				pm_cli_pull_flags_free(&pullf);
				return pm_cli_errorf("--build-context: '%s': expected name=path",
						     optarg);
			}
			pm_strv_push(&contexts, optarg);
			break;
		}
		case O_SECRET: {
			/* id=ID,src=PATH (or source=): the file RUN --mount=type=secret reads */
			_cleanup_strv_ char **parts = pm_strv_split(optarg, ",");
			const char *id = NULL, *src = NULL;
			for (char **p = parts; p && *p; p++) {
				if (pm_str_startswith(*p, "id="))
					id = *p + 3;
				else if (pm_str_startswith(*p, "src="))
					src = *p + 4;
				else if (pm_str_startswith(*p, "source="))
					src = *p + 7;
			}
			_cleanup_free_ char *abs = src ? realpath(src, NULL) : NULL;
			if (!id || !id[0] || !src || !abs || strchr(abs, ',')) {
				pm_cli_pull_flags_free(&pullf);
				return pm_cli_errorf("--secret: '%s': expected id=ID,src=FILE (an "
						     "existing file)",
						     optarg);
			}
			_cleanup_free_ char *kv = pm_xasprintf("%s=%s", id, abs);
			pm_strv_set_kv(&secrets, kv);
			break;
		}
		case O_SQUASH:
			o.squash = true;
			break;
		case O_SQUASH_ALL:
			o.squash_all = true;
			break;
		case O_PULL:
			if (pm_pull_policy_parse(optarg ? optarg : "always", &o.pull, &err) < 0) {
				pm_cli_pull_flags_free(&pullf);
				return pm_cli_error(err);
			}
			break;
		case O_BUILD_ARG:
			if (strchr(optarg, '='))
				pm_strv_set_kv(&build_args, optarg);
			else if (getenv(optarg)) {
				_cleanup_free_ char *kv =
					pm_xasprintf("%s=%s", optarg, getenv(optarg));
				pm_strv_set_kv(&build_args, kv);
			}
			break;
		case 'f':
			file = optarg;
			break;
		case O_IIDFILE:
			iidfile = optarg;
			break;
		case O_LABEL:
			pm_strv_push(&labels, optarg);
			break;
		case O_LAYERS:
			if (parse_bool("layers", optarg, &o.layers) < 0)
				return PM_EXIT_ERROR;
			break;
		case O_NETWORK:
			if (strcmp(optarg, "host") && strcmp(optarg, "none") &&
			    strcmp(optarg, "private"))
				return pm_cli_errorf("--network: '%s': host, none or private",
						     optarg);
			o.network = optarg;
			break;
		case O_NO_CACHE:
			o.no_cache = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 't': {
			char *name = NULL;
			if (pm_cli_image_name(optarg, &name, &err) < 0)
				return pm_cli_error(err);
			pm_strv_consume(&tags, name);
			pm_strv_push(&shown, optarg);
			break;
		}
		case O_TARGET:
			o.target = optarg;
			break;
		default:
			if (pm_cli_pull_flag(&pullf, c, optarg, &err) == -EINVAL) {
				pm_cli_pull_flags_free(&pullf);
				return pm_cli_error(err);
			}
			break;
		}
	}
	struct pm_pull_opts po = {0};
	int pr = pm_cli_pull_flags_finish(&pullf, &po, &err) < 0 ? pm_cli_error(err) : 0;
	if (!pr)
		pr = check_platform(&po, &pullf);
	if (!pr && !pm_cli_nargs(cli, argc - optind, 0, 1))
		pr = PM_EXIT_ERROR;
	if (pr) {
		pm_cli_pull_flags_free(&pullf);
		return pr;
	}
	const char *context = optind < argc ? argv[optind] : ".";
	struct stat cst;
	if (stat(context, &cst) < 0 || !S_ISDIR(cst.st_mode))
		return pm_cli_errorf("context directory '%s': %s", context,
				     stat(context, &cst) < 0 ? "no such file or directory"
							     : "not a directory");
	_cleanup_free_ char *data = NULL, *fname = NULL;
	size_t len = 0;
	int r = read_file(file, context, &data, &len, &fname);
	if (r)
		return r;
	o.context = context;
	o.file_name = fname;
	o.file_data = data;
	o.file_len = len;
	o.tags = tags;
	o.tags_shown = shown;
	o.build_args = build_args;
	o.labels = labels;
	o.say = quiet ? NULL : say;
	o.warn = warn;
	o.contexts = contexts;
	if (o.squash || o.squash_all)
		o.layers = false; /* as podman: no intermediate images */
	o.secrets = secrets;
	struct pm_cli_progress progress;
	pm_cli_progress_start(&progress, NULL, quiet, false);
	po.event = pm_cli_progress_pull_event;
	po.event_ctx = &progress;
	o.pull_opts = &po;
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	_cleanup_free_ char *id = NULL;
	fflush(stdout);
	r = pm_build(&e, &o, &id, &err);
	pm_cli_progress_end(&progress);
	pm_cli_pull_flags_free(&pullf);
	if (r < 0) {
		fflush(stdout);
		return pm_cli_error(err);
	}
	if (iidfile) {
		_cleanup_free_ char *text = pm_xasprintf("sha256:%s", id);
		if (pm_write_file_atomic(iidfile, text, strlen(text), 0644, &err) < 0)
			return pm_cli_error(err);
	}
	printf("%s\n", id);
	return 0;
}
