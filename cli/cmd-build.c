/* cmd-build.c: `pm build [options] [CONTEXT]` (also `pm image build`, `pm buildx build`):
 * reads the Containerfile (-f FILE, -f - for stdin, else CONTEXT/Containerfile or
 * CONTEXT/Dockerfile; a FILE.in through cpp, builder/cpp.c), hands it to builder/build.h and
 * prints podman's progress lines, the tags and the final id. Runs inside the rootless namespace
 * (PM_CMD_USERNS). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builder/build.h"
#include "builder/ssh.h"
#include "cli/cmd-run.h"
#include "cli/commands.h"
#include "cli/image-util.h"
#include "cli/progress.h"
#include "cli/pull-flags.h"
#include "lib/log.h"
#include "registry/platform.h"
#include "storage/reference.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "lib/timeutil.h"
#include "engine/hooks.h"
#include "engine/limits.h"
#include "engine/validate.h"

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
	"      --add-host strings       add a custom host-to-IP mapping (host:ip) to RUN's "
	"/etc/hosts\n"
	"      --all-platforms          refused: only the host platform can be built\n"
	"      --annotation stringArray set an annotation in the image's manifest (KEY=VALUE)\n"
	"      --arch string            the architecture: only the host's can be built\n"
	"      --authfile string        path of the authentication file\n"
	"      --build-arg stringArray  argument=value to supply to the builder\n"
	"      --build-context stringArray  name=path: an additional build context for "
	"COPY --from\n"
	"      --cache-from string      remote repository to utilise as potential cache source\n"
	"      --cache-to string        remote repository to utilise as potential cache "
	"destination\n"
	"      --cache-ttl duration     use only cached step images younger than this\n"
	"      --cap-add strings        add capabilities to RUN's containers\n"
	"      --cap-drop strings       drop capabilities from RUN's containers\n"
	"      --cert-dir string        path to certificates for the registry\n"
	"      --cgroup-parent string   cgroup parent of RUN's containers (needs cgroup "
	"delegation)\n"
	"      --cgroupns string        cgroup namespace of RUN's containers: private, host\n"
	"      --compress               a legacy option, no effect\n"
	"      --cpp-flag stringArray   set additional flag to pass to C preprocessor (cpp) "
	"for a Containerfile.in\n"
	"  -c, --cpu-shares uint       CPU shares of RUN's containers (needs cgroup delegation)\n"
	"      --cpu-period uint        CPU CFS period of RUN's containers (needs cgroup "
	"delegation)\n"
	"      --cpu-quota int          CPU CFS quota of RUN's containers (needs cgroup "
	"delegation)\n"
	"      --cpuset-cpus string     CPUs RUN's containers may use (needs cgroup delegation)\n"
	"      --cpuset-mems string     memory nodes RUN's containers may use (needs cgroup "
	"delegation)\n"
	"      --creds string           credentials (USERNAME:PASSWORD) for the registry\n"
	"      --decryption-key stringArray  refused: pm has no encrypted-image support\n"
	"      --device stringArray     add a host device to RUN's containers\n"
	"  -D, --disable-compression    layers are stored uncompressed (default true)\n"
	"      --disable-content-trust  a Docker option, no effect\n"
	"      --dns strings            DNS servers of RUN's containers ('none': no resolv.conf)\n"
	"      --dns-option strings     DNS options of RUN's containers\n"
	"      --dns-search strings     DNS search domains of RUN's containers\n"
	"      --env stringArray        KEY=VALUE (or KEY: the value here) set in the image, "
	"RUN sees it\n"
	"  -f, --file pathname          pathname or URL of a Dockerfile (- reads stdin)\n"
	"      --force-rm               remove RUN's containers even after a failure (always "
	"done)\n"
	"      --format string          format of the built image: oci (default) or docker\n"
	"      --from string            image to use instead of the first FROM's\n"
	"      --hooks-dir stringArray  OCI hooks directory for RUN's containers (repeatable)\n"
	"      --http-proxy             pass the host's proxy variables to RUN (default true)\n"
	"      --identity-label         refused when true: pm adds no io.buildah.version label\n"
	"      --ignorefile string      an ignore file instead of the context's .containerignore\n"
	"      --iidfile file           file to write the image ID to\n"
	"      --ipc string             IPC namespace of RUN's containers: private, host, PATH\n"
	"      --isolation string       oci (default) or rootless: both pm's own runtime\n"
	"      --jobs int               stages run in parallel: accepted, pm builds them in turn\n"
	"      --label stringArray      set metadata for an image (default [])\n"
	"      --layers                 use intermediate layers during build (default true)\n"
	"      --logfile file           write the build's output to file instead of stdout/stderr\n"
	"      --logsplit               with --logfile: the log in file_OS_ARCH (the platform's)\n"
	"      --manifest string        add the image to the specified manifest list. Creates "
	"manifest list if it does not exist\n"
	"  -m, --memory string          memory limit of RUN's containers (needs cgroup "
	"delegation)\n"
	"      --memory-swap string     memory+swap limit of RUN's containers (needs cgroup "
	"delegation)\n"
	"      --network string         network mode of RUN steps: host (default), none, "
	"private\n"
	"      --no-cache               do not use existing cached images for the container "
	"build\n"
	"      --no-hosts               RUN's containers keep the image's /etc/hosts\n"
	"  -o, --output string          also write the image's files: DIR, - (a tar on stdout), "
	"type=local|tar,dest=PATH\n"
	"      --omit-history           the built image without history entries\n"
	"      --os string              the operating system: only the host's can be built\n"
	"      --os-feature stringArray  add a required OS feature to the image (FEATURE- "
	"removes one)\n"
	"      --os-version string      set the image's required OS version\n"
	"      --pid string             PID namespace of RUN's containers: private, host, PATH\n"
	"      --platform string        os/arch[/variant]: only the host's can be built\n"
	"      --pull string            pull policy of FROM images: missing (default), always, "
	"never, newer\n"
	"      --rm                     remove intermediate containers after a successful "
	"build (default true; pm always does)\n"
	"  -q, --quiet                  refrain from announcing build instructions and image "
	"read/write progress\n"
	"      --retry int              pull retries: accepted (pm's pull does not retry)\n"
	"      --retry-delay string     delay between pull retries: accepted\n"
	"      --rm                     remove RUN's containers after the build (always done)\n"
	"      --runtime string         accepted, ignored: RUN steps use pm's own runtime\n"
	"      --runtime-flag strings   accepted, ignored: RUN steps use pm's own runtime\n"
	"      --secret stringArray     id=ID,src=FILE: a secret for RUN "
	"--mount=type=secret\n"
	"      --security-opt stringArray security options of RUN's containers\n"
	"      --shm-size string        size of RUN's /dev/shm (default \"65536k\")\n"
	"      --sign-by string         refused: sign when pushing (push --sign-by)\n"
	"      --skip-unused-stages     skip stages the target does not need (default true)\n"
	"      --squash                 squash the new layers into one\n"
	"      --squash-all             squash all the layers into one\n"
	"      --ssh stringArray        SSH agent socket or keys to expose to the build "
	"(format: default|<id>[=<socket>|<key>[,<key>]])\n"
	"      --stdin                  pass stdin into RUN's containers\n"
	"  -t, --tag name               tagged name to apply to the built image\n"
	"      --target string          set the target build stage to build\n"
	"      --timestamp int          created dates of the new images and history: these "
	"epoch seconds\n"
	"      --tls-verify             require HTTPS and verify certificates when contacting "
	"registries (default true)\n"
	"      --ulimit strings         ulimits of RUN's containers (type=soft[:hard])\n"
	"      --unsetenv strings       leave this variable out of the image's environment\n"
	"      --userns string          user namespace of RUN's containers: container, host, PATH\n"
	"      --userns-gid-map string  containerGID:hostGID:length of RUN's user namespace\n"
	"      --userns-gid-map-group string /etc/subgid range of RUN's user namespace\n"
	"      --userns-uid-map string  containerUID:hostUID:length of RUN's user namespace\n"
	"      --userns-uid-map-user string /etc/subuid range of RUN's user namespace\n"
	"      --uts string             UTS namespace of RUN's containers: private, host, PATH\n"
	"      --variant string         the architecture variant: only the host's can be built\n"
	"  -v, --volume stringArray     bind mount a volume into RUN's containers\n";

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

/* ---- the flags RUN's containers share with pm run ---------------------------------------- */

/* Build flags that set RUN's containers: the name run knows the flag by (parsed by run's
 * own parser, cli/cmd-run.h) and whether it is a namespace mode (buildah's "container" is
 * run's "private", a path is run's "ns:PATH"). */
struct run_alias {
	const char *name, *run_name;
	bool ns;
};
static const struct run_alias run_aliases[] = {
	{"add-host", "add-host", false},
	{"cap-add", "cap-add", false},
	{"cap-drop", "cap-drop", false},
	{"cgroup-parent", "cgroup-parent", false},
	{"cgroupns", "cgroupns", true},
	{"cpu-period", "cpu-period", false},
	{"cpu-quota", "cpu-quota", false},
	{"cpu-shares", "cpu-shares", false},
	{"cpuset-cpus", "cpuset-cpus", false},
	{"cpuset-mems", "cpuset-mems", false},
	{"device", "device", false},
	{"dns", "dns", false},
	{"dns-option", "dns-option", false},
	{"dns-search", "dns-search", false},
	{"ipc", "ipc", true},
	{"memory", "memory", false},
	{"memory-swap", "memory-swap", false},
	{"no-hosts", "no-hosts", false},
	{"pid", "pid", true},
	{"security-opt", "security-opt", false},
	{"shm-size", "shm-size", false},
	{"ulimit", "ulimit", false},
	{"userns", "userns", true},
	{"uts", "uts", true},
	{"volume", "volume", false},
	{"userns-uid-map", "uidmap", false},
	{"userns-gid-map", "gidmap", false},
	{"userns-uid-map-user", "subuidname", false},
	{"userns-gid-map-group", "subgidname", false},
};

/* The given RUN flags, in order: run's name and the value (NULL for a bare boolean). */
struct run_given {
	char **names, **values; /* values: "" stands for NULL */
	bool http_proxy;	/* --http-proxy (default true) */
	bool stdin_;		/* --stdin */
};

static void run_given_clear(struct run_given *g)
{
	pm_strv_free(g->names);
	pm_strv_free(g->values);
}

static int run_given_apply(void *data, struct pm_container_config *c, pm_error **err)
{
	const struct run_given *g = data;
	for (size_t i = 0; g->names && g->names[i]; i++) {
		const char *v =
			g->values[i][0] || strcmp(g->names[i], "no-hosts") ? g->values[i] : NULL;
		int r = cmd_run_flag_apply(g->names[i], v, c, err);
		if (r < 0)
			return r;
	}
	static const char *const proxy[] = {"http_proxy",  "HTTP_PROXY", "https_proxy",
					    "HTTPS_PROXY", "ftp_proxy",	 "FTP_PROXY",
					    "no_proxy",	   "NO_PROXY"};
	for (size_t i = 0; g->http_proxy && i < sizeof(proxy) / sizeof(proxy[0]); i++)
		if (getenv(proxy[i]))
			pm_strv_consume(&c->env, pm_xasprintf("%s=%s", proxy[i], getenv(proxy[i])));
	if (g->stdin_)
		c->interactive = true;
	return 0;
}

/* A RUN flag's value: checked by run's parser now (on check), kept for every RUN. */
static int run_given_add(struct run_given *g, const struct run_alias *a, const char *v,
			 struct pm_container_config *check)
{
	_cleanup_free_ char *mapped = NULL;
	if (a->ns && v && !strcmp(v, "container"))
		v = strcmp(a->name, "userns") ? "private" : NULL;
	else if (a->ns && v && v[0] == '/')
		v = mapped = pm_xasprintf("ns:%s", v);
	if (a->ns && !v)
		return 0; /* --userns=container: the default */
	_cleanup_error_ pm_error *err = NULL;
	if (cmd_run_flag_apply(a->run_name, v, check, &err) < 0)
		return pm_cli_error(err);
	pm_strv_push(&g->names, a->run_name);
	pm_strv_push(&g->values, v ? v : "");
	return 0;
}

/* -o/--output: PATH (a directory), "-" (a tar on stdout), or type=local|tar,dest=PATH;
 * *owned keeps dest= alive. */
static int parse_output(const char *v, struct pm_build_opts *o, char **owned)
{
	if (!strchr(v, '=')) {
		o->output_dest = v;
		o->output_tar = !strcmp(v, "-");
		return v[0] ? 0 : pm_cli_errorf("invalid build output option \"\": empty path");
	}
	_cleanup_strv_ char **parts = pm_strv_split(v, ",");
	const char *type = NULL;
	free(*owned);
	*owned = NULL;
	for (char **p = parts; p && *p; p++) {
		if (pm_str_startswith(*p, "type="))
			type = *p + 5;
		else if (pm_str_startswith(*p, "dest=") && !*owned)
			*owned = pm_xstrdup(*p + 5);
		else
			return pm_cli_errorf("invalid build output option \"%s\": unrecognized "
					     "key '%.*s'",
					     v, (int)strcspn(*p, "="), *p);
	}
	if (!type || (strcmp(type, "local") && strcmp(type, "tar")))
		return pm_cli_errorf("failed to parse build output: invalid type \"%s\" selected "
				     "for build output options \"%s\"",
				     type ? type : "", v);
	if (!*owned || !**owned)
		return pm_cli_errorf("invalid build output option \"%s\": dest= is required", v);
	o->output_dest = *owned;
	o->output_tar = !strcmp(type, "tar");
	return 0;
}

/* A refused flag: one line naming it and why. */
static int refuse(const char *flag, const char *v, const char *why)
{
	if (v)
		return pm_cli_errorf("--%s '%s': %s", flag, v, why);
	return pm_cli_errorf("--%s: %s", flag, why);
}

/* --cache-from, --cache-to: a repository ("host/path"; a name without a domain is
 * docker.io's, as buildah's), neither tag nor digest; the last one given wins (podman 4.3's
 * flags are strings). *owned gets the normalised name. */
static int parse_cache_repo(const char *flag, const char *v, char **owned)
{
	_cleanup_reference_ struct pm_reference ref = {0};
	_cleanup_error_ pm_error *err = NULL;
	if (pm_reference_parse(v, PM_REF_DOCKER, &ref, &err) < 0)
		return pm_cli_errorf("unable to parse value provided `%s` to --%s: invalid repo "
				     "\"%s\": must contain registry and repository: %s",
				     v, flag, v, err && err->msg ? err->msg : "invalid reference");
	const char *last = strrchr(v, '/');
	if (ref.digest || strchr(last ? last : v, ':'))
		return pm_cli_errorf("unable to parse value provided `%s` to --%s: repository "
				     "must contain neither a tag nor digest: %s",
				     v, flag, v);
	free(*owned);
	*owned = pm_reference_repo(&ref);
	return 0;
}

static int parse_int_flag(const char *flag, const char *v, long long min, long long *ret)
{
	char *end = NULL;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (!v[0] || *end || errno || n < min)
		return pm_cli_errorf("invalid argument \"%s\" for \"--%s\" flag: strconv.ParseInt: "
				     "parsing \"%s\": invalid syntax",
				     v, flag, v);
	*ret = n;
	return 0;
}

/* The Containerfile's bytes, its name and its path (NULL for stdin). */
static int read_file(const char *file, const char *context, char **ret, size_t *ret_len,
		     char **ret_name, char **ret_path)
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
	*ret_path = TAKE_PTR(path);
	return 0;
}

/* A Containerfile whose name ends in .in goes through cpp first (builder/cpp.c), as
 * podman's: #include "x" finds x beside the file or in the context. */
static int preprocess(const char *path, const char *context, char *const *cpp_flags, char **data,
		      size_t *len)
{
	_cleanup_free_ char *dir = pm_xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	_cleanup_free_ char *out = NULL, *warning = NULL;
	size_t n = 0;
	_cleanup_error_ pm_error *err = NULL;
	if (pm_build_preprocess(path, *data, *len, slash ? (dir[0] ? dir : "/") : ".", context,
				cpp_flags, &out, &n, &warning, &err) < 0)
		return pm_cli_error(err);
	if (warning)
		warn(NULL, warning);
	free(*data);
	*data = TAKE_PTR(out);
	*len = n;
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
		O_ENV,
		O_UNSETENV,
		O_ANNOTATION,
		O_OMIT_HISTORY,
		O_TIMESTAMP,
		O_FROM,
		O_IGNOREFILE,
		O_FORMAT,
		O_IDENTITY_LABEL,
		O_ISOLATION,
		O_JOBS,
		O_LOGFILE,
		O_RM,
		O_FORCE_RM,
		O_RETRY,
		O_RETRY_DELAY,
		O_RUNTIME_FLAG,
		O_SKIP_UNUSED,
		O_SSH,
		O_STDIN,
		O_COMPRESS,
		O_CONTENT_TRUST,
		O_HTTP_PROXY,
		O_CACHE_FROM,
		O_CACHE_TO,
		O_MANIFEST,
		O_ALL_PLATFORMS,
		O_SIGN_BY,
		O_OUTPUT,
		O_CACHE_TTL,
		O_HOOKS_DIR,
		O_OS_VERSION,
		O_OS_FEATURE,
		O_RUNTIME,
		O_LOGSPLIT,
		O_DECRYPTION_KEY,
		O_CPP_FLAG,
		O_RUN_BASE = 3000, /* + index in run_aliases (pull-flags.h has 2000 on) */
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
		{"env", required_argument, NULL, O_ENV},
		{"unsetenv", required_argument, NULL, O_UNSETENV},
		{"annotation", required_argument, NULL, O_ANNOTATION},
		{"omit-history", optional_argument, NULL, O_OMIT_HISTORY},
		{"timestamp", required_argument, NULL, O_TIMESTAMP},
		{"from", required_argument, NULL, O_FROM},
		{"ignorefile", required_argument, NULL, O_IGNOREFILE},
		{"format", required_argument, NULL, O_FORMAT},
		{"identity-label", optional_argument, NULL, O_IDENTITY_LABEL},
		{"isolation", required_argument, NULL, O_ISOLATION},
		{"jobs", required_argument, NULL, O_JOBS},
		{"logfile", required_argument, NULL, O_LOGFILE},
		{"rm", optional_argument, NULL, O_RM},
		{"force-rm", optional_argument, NULL, O_FORCE_RM},
		{"retry", required_argument, NULL, O_RETRY},
		{"retry-delay", required_argument, NULL, O_RETRY_DELAY},
		{"runtime-flag", required_argument, NULL, O_RUNTIME_FLAG},
		{"skip-unused-stages", optional_argument, NULL, O_SKIP_UNUSED},
		{"ssh", required_argument, NULL, O_SSH},
		{"stdin", optional_argument, NULL, O_STDIN},
		{"disable-compression", optional_argument, NULL, 'D'},
		{"compress", optional_argument, NULL, O_COMPRESS},
		{"disable-content-trust", optional_argument, NULL, O_CONTENT_TRUST},
		{"http-proxy", optional_argument, NULL, O_HTTP_PROXY},
		{"cache-from", required_argument, NULL, O_CACHE_FROM},
		{"cache-to", required_argument, NULL, O_CACHE_TO},
		{"manifest", required_argument, NULL, O_MANIFEST},
		{"all-platforms", optional_argument, NULL, O_ALL_PLATFORMS},
		{"sign-by", required_argument, NULL, O_SIGN_BY},
		{"output", required_argument, NULL, 'o'},
		{"cache-ttl", required_argument, NULL, O_CACHE_TTL},
		{"hooks-dir", required_argument, NULL, O_HOOKS_DIR},
		{"os-version", required_argument, NULL, O_OS_VERSION},
		{"os-feature", required_argument, NULL, O_OS_FEATURE},
		{"runtime", required_argument, NULL, O_RUNTIME},
		{"logsplit", optional_argument, NULL, O_LOGSPLIT},
		{"decryption-key", required_argument, NULL, O_DECRYPTION_KEY},
		{"cpp-flag", required_argument, NULL, O_CPP_FLAG},
		{"add-host", required_argument, NULL, O_RUN_BASE + 0},
		{"cap-add", required_argument, NULL, O_RUN_BASE + 1},
		{"cap-drop", required_argument, NULL, O_RUN_BASE + 2},
		{"cgroup-parent", required_argument, NULL, O_RUN_BASE + 3},
		{"cgroupns", required_argument, NULL, O_RUN_BASE + 4},
		{"cpu-period", required_argument, NULL, O_RUN_BASE + 5},
		{"cpu-quota", required_argument, NULL, O_RUN_BASE + 6},
		{"cpu-shares", required_argument, NULL, 'c'},
		{"cpuset-cpus", required_argument, NULL, O_RUN_BASE + 8},
		{"cpuset-mems", required_argument, NULL, O_RUN_BASE + 9},
		{"device", required_argument, NULL, O_RUN_BASE + 10},
		{"dns", required_argument, NULL, O_RUN_BASE + 11},
		{"dns-option", required_argument, NULL, O_RUN_BASE + 12},
		{"dns-search", required_argument, NULL, O_RUN_BASE + 13},
		{"ipc", required_argument, NULL, O_RUN_BASE + 14},
		{"memory", required_argument, NULL, 'm'},
		{"memory-swap", required_argument, NULL, O_RUN_BASE + 16},
		{"no-hosts", optional_argument, NULL, O_RUN_BASE + 17},
		{"pid", required_argument, NULL, O_RUN_BASE + 18},
		{"security-opt", required_argument, NULL, O_RUN_BASE + 19},
		{"shm-size", required_argument, NULL, O_RUN_BASE + 20},
		{"ulimit", required_argument, NULL, O_RUN_BASE + 21},
		{"userns", required_argument, NULL, O_RUN_BASE + 22},
		{"uts", required_argument, NULL, O_RUN_BASE + 23},
		{"volume", required_argument, NULL, 'v'},
		{"userns-uid-map", required_argument, NULL, O_RUN_BASE + 25},
		{"userns-gid-map", required_argument, NULL, O_RUN_BASE + 26},
		{"userns-uid-map-user", required_argument, NULL, O_RUN_BASE + 27},
		{"userns-gid-map-group", required_argument, NULL, O_RUN_BASE + 28},
		{"help", no_argument, NULL, 0},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	struct pm_build_opts o = {.layers = true};
	_cleanup_strv_ char **build_args = NULL, **labels = NULL, **tags = NULL, **shown = NULL;
	_cleanup_strv_ char **contexts = NULL, **secrets = NULL, **ssh = NULL;
	struct pm_cli_pull_flags pullf;
	pm_cli_pull_flags_init(&pullf);
	const char *file = NULL, *iidfile = NULL, *logfile = NULL, *manifest = NULL;
	bool quiet = false, logsplit = false, b;
	long long n;
	_cleanup_strv_ char **env = NULL, **unsetenv = NULL, **annotations = NULL;
	_cleanup_free_ char *output_dest = NULL, *cache_from = NULL, *cache_to = NULL;
	_cleanup_strv_ char **hooks_dirs = NULL, **os_features = NULL, **cpp_flags = NULL;
	_cleanup_(run_given_clear) struct run_given g = {.http_proxy = true};
	/* RUN flags are checked on a container config like a RUN's */
	_cleanup_(pm_spec_config_clear) struct pm_container_config check = {
		.entrypoint_set = true, .read_only_tmpfs = true};
	_cleanup_error_ pm_error *err = NULL;
	int c;
	int pr = 0;
	while (!pr &&
	       (c = pm_cli_getopt(cli, &st, argc, argv, "f:qt:c:m:v:Do:", opts, usage)) != -1) {
		const struct run_alias *ra =
			c >= O_RUN_BASE && c < O_RUN_BASE + (int)ARRAY_SIZE(run_aliases)
				? &run_aliases[c - O_RUN_BASE]
			: c == 'c' ? &run_aliases[7]
			: c == 'm' ? &run_aliases[15]
			: c == 'v' ? &run_aliases[24]
				   : NULL;
		if (ra) {
			pr = run_given_add(&g, ra, optarg, &check);
			continue;
		}
		switch (c) {
		case O_ENV:
			if (strchr(optarg, '='))
				pm_strv_set_kv(&env, optarg);
			else if (getenv(optarg))
				pm_strv_consume(&env,
						pm_xasprintf("%s=%s", optarg, getenv(optarg)));
			break;
		case O_UNSETENV:
			pm_strv_push(&unsetenv, optarg);
			break;
		case O_ANNOTATION:
			/* as buildah: KEY alone is KEY="" */
			if (optarg[0] == '=')
				pr = pm_cli_errorf("annotation '%s': must be formatted KEY=VALUE",
						   optarg);
			else if (strchr(optarg, '='))
				pm_strv_set_kv(&annotations, optarg);
			else
				pm_strv_consume(&annotations, pm_xasprintf("%s=", optarg));
			break;
		case O_OMIT_HISTORY:
			pr = pm_cli_bool_arg("omit-history", optarg, &o.omit_history);
			break;
		case O_TIMESTAMP:
			pr = parse_int_flag("timestamp", optarg, 0, &o.timestamp);
			o.timestamp_set = true;
			break;
		case O_FROM:
			o.from = optarg;
			break;
		case O_IGNOREFILE:
			if (access(optarg, R_OK) < 0)
				pr = pm_cli_errorf("--ignorefile: open %s: %s", optarg,
						   errno == ENOENT ? "no such file or directory"
								   : strerror(errno));
			o.ignorefile = optarg;
			break;
		case O_FORMAT:
			if (strcmp(optarg, "oci") && strcmp(optarg, "docker"))
				pr = pm_cli_errorf("unrecognized image type \"%s\"", optarg);
			else
				o.docker_format = !strcmp(optarg, "docker");
			break;
		case O_IDENTITY_LABEL:
			pr = pm_cli_bool_arg("identity-label", optarg, &b);
			if (!pr && b)
				pr = refuse("identity-label", optarg ? optarg : "true",
					    "not supported: pm adds no io.buildah.version label "
					    "(use --identity-label=false)");
			break;
		case O_ISOLATION:
			if (!strcmp(optarg, "chroot"))
				pr = refuse("isolation", optarg,
					    "not supported: RUN steps run in pm's own rootless "
					    "containers (oci, rootless)");
			else if (strcmp(optarg, "oci") && strcmp(optarg, "rootless") &&
				 strcmp(optarg, "default"))
				pr = pm_cli_errorf("unrecognized isolation type \"%s\"", optarg);
			break;
		case O_JOBS:
			pr = parse_int_flag("jobs", optarg, 0, &n);
			break;
		case O_LOGFILE:
			logfile = optarg;
			break;
		case O_CPP_FLAG:
			pm_strv_push(&cpp_flags, optarg);
			break;
		case O_LOGSPLIT:
			pr = pm_cli_bool_arg("logsplit", optarg, &logsplit);
			break;
		case O_RUNTIME:
			/* podman: the OCI runtime of RUN steps. pm's RUN steps run in its own
			 * runtime, which does what runc or crun would: a script's --runtime runc
			 * (or crun) builds the same image here, so the flag is accepted, not
			 * refused; --runtime-flag too, as the global one. */
			pm_log_debug(
				"build: --runtime '%s' ignored: RUN steps use pm's own runtime",
				optarg);
			break;
		case O_DECRYPTION_KEY:
			/* the value is not echoed: it may carry a passphrase */
			pr = refuse("decryption-key", NULL,
				    "not supported: pm has no encrypted-image support");
			break;
		case O_RM:
		case O_FORCE_RM:
			pr = pm_cli_bool_arg(c == O_RM ? "rm" : "force-rm", optarg, &b);
			if (!pr && !b)
				pr = refuse(c == O_RM ? "rm" : "force-rm", "false",
					    "not supported: pm always removes RUN's containers");
			break;
		case O_RETRY:
			pr = parse_int_flag("retry", optarg, 0, &n);
			break;
		case O_RETRY_DELAY: {
			int64_t ns;
			if (pm_time_parse_duration(optarg, &ns) < 0 || ns < 0)
				pr = pm_cli_errorf(
					"invalid argument \"%s\" for \"--retry-delay\" flag: "
					"time: invalid duration \"%s\"",
					optarg, optarg);
			break;
		}
		case O_CACHE_TTL: {
			int64_t ns;
			if (pm_time_parse_duration(optarg, &ns) < 0 || ns < 0)
				pr = pm_cli_errorf(
					"unable to parse value provided \"%s\" as --cache-ttl: "
					"time: invalid duration \"%s\"",
					optarg, optarg);
			else
				o.cache_ttl_ns = ns; /* 0: no limit, as podman 4.3 */
			break;
		}
		case O_HOOKS_DIR:
			pm_strv_push(&hooks_dirs, optarg);
			break;
		case O_OS_VERSION:
			o.os_version = optarg; /* "": the base's, as buildah */
			break;
		case O_OS_FEATURE:
			/* buildah adds "" and removes nothing for "-": both refused here */
			if (!optarg[0] || !strcmp(optarg, "-"))
				pr = pm_cli_errorf("--os-feature '%s': an empty feature name",
						   optarg);
			pm_strv_push(&os_features, optarg);
			break;
		case O_RUNTIME_FLAG:
			pm_log_debug("build: --runtime-flag '%s' ignored: RUN steps use pm's own "
				     "runtime",
				     optarg);
			break;
		case O_SKIP_UNUSED:
			pr = pm_cli_bool_arg("skip-unused-stages", optarg, &b);
			o.keep_unused = !b;
			break;
		case 'D':
		case O_COMPRESS:
		case O_CONTENT_TRUST:
			pr = pm_cli_bool_arg(c == 'D'	       ? "disable-compression"
					     : c == O_COMPRESS ? "compress"
							       : "disable-content-trust",
					     optarg, &b);
			break;
		case O_STDIN:
			pr = pm_cli_bool_arg("stdin", optarg, &g.stdin_);
			break;
		case O_HTTP_PROXY:
			pr = pm_cli_bool_arg("http-proxy", optarg, &g.http_proxy);
			break;
		case O_SSH:
			pm_strv_push(&ssh, optarg);
			break;
		case O_CACHE_FROM:
			pr = parse_cache_repo("cache-from", optarg, &cache_from);
			break;
		case O_CACHE_TO:
			pr = parse_cache_repo("cache-to", optarg, &cache_to);
			break;
		case O_MANIFEST:
			manifest = optarg;
			break;
		case O_ALL_PLATFORMS:
			pr = pm_cli_bool_arg("all-platforms", optarg, &b);
			if (!pr && b)
				pr = refuse("all-platforms", NULL,
					    "not supported: only the host platform can be built");
			break;
		case 'o':
			pr = parse_output(optarg, &o, &output_dest);
			break;
		case O_SIGN_BY:
			pr = refuse("sign-by", optarg,
				    "not supported: pm signs images in a registry only, with push "
				    "--sign-by or image sign");
			break;
		case PM_OPT_EXIT:
			pm_cli_pull_flags_free(&pullf);
			return st.status;
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
			pr = pm_cli_bool_arg("layers", optarg, &o.layers);
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
	if (!pr && pm_cli_pull_flags_finish(&pullf, &po, &err) < 0)
		pr = pm_cli_error(err);
	if (!pr)
		pr = check_platform(&po, &pullf);
	if (!pr && g.names) {
		/* what RUN's containers cannot have here (a limit without cgroups, ...) */
		check.image = pm_xstrdup("build");
		check.network = pm_xstrdup(o.network ? o.network : "host");
		if (pm_container_config_validate(&check, &err) < 0 ||
		    (check.cgroup_parent &&
		     pm_engine_limit_require("--cgroup-parent", "pids", &err) < 0))
			pr = pm_cli_error(err);
	}
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
	_cleanup_free_ char *data = NULL, *fname = NULL, *fpath = NULL;
	size_t len = 0;
	int r = read_file(file, context, &data, &len, &fname, &fpath);
	if (!r && fpath && pm_str_endswith(fname, ".in"))
		r = preprocess(fpath, context, cpp_flags, &data, &len);
	if (r) {
		pm_cli_pull_flags_free(&pullf);
		return r;
	}
	o.context = context;
	o.cache_from = cache_from;
	o.cache_to = cache_to;
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
	o.env = env;
	o.unsetenv = unsetenv;
	o.annotations = annotations;
	o.os_features = os_features;
	o.run_config = run_given_apply;
	o.run_config_data = &g;
	if (hooks_dirs) {
		/* --hooks-dir: RUN's hooks, as the global flag's (engine/hooks.h) */
		_cleanup_free_ char *joined = pm_strv_join(hooks_dirs, "\n");
		setenv(PM_HOOKS_DIR_ENV, joined, 1);
	}
	_cleanup_close_ int out_fd = -1;
	if (o.output_dest && o.output_tar && !strcmp(o.output_dest, "-")) {
		/* -o -: the tar alone on stdout, the build's own output on stderr */
		fflush(stdout);
		out_fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
		dup2(STDERR_FILENO, STDOUT_FILENO);
		o.output_fd = out_fd;
	}
	_cleanup_free_ char *split_log = NULL;
	if (logfile && logsplit) {
		/* --logsplit: the one platform's log in LOGFILE_OS_ARCH (podman still makes
		 * LOGFILE, empty); podman 4.3 names it LOGFILE__ without --platform */
		struct pm_platform host = {0};
		pm_platform_wanted(NULL, NULL, NULL, &host);
		split_log = pm_xasprintf("%s_%s_%s", logfile, host.os, host.arch);
		pm_platform_free(&host);
		int fd = open(logfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0) {
			pm_cli_pull_flags_free(&pullf);
			return pm_cli_errorf("--logfile: open %s: %s", logfile, strerror(errno));
		}
		close(fd);
		logfile = split_log;
	}
	if (logfile) {
		/* --logfile: the build's output (and its RUN steps') goes there */
		int fd = open(logfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0) {
			pm_cli_pull_flags_free(&pullf);
			return pm_cli_errorf("--logfile: open %s: %s", logfile, strerror(errno));
		}
		fflush(stdout);
		fflush(stderr);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	_cleanup_store_ struct pm_store *ms = NULL;
	_cleanup_free_ char *manifest_name = NULL;
	if (manifest) {
		/* --manifest: its name checked before the build, the image added after it */
		if (pm_cli_open_store(cli, &ms, &err) < 0)
			r = pm_cli_error(err);
		else
			r = pm_cli_manifest_check(ms, manifest, &manifest_name);
		if (r) {
			pm_cli_pull_flags_free(&pullf);
			return r;
		}
	}
	/* --ssh: checked, and agents started for keys, before anything is built */
	struct pm_build_ssh *agents = NULL;
	if (pm_build_ssh_start(ssh, &agents, &err) < 0) {
		pm_cli_pull_flags_free(&pullf);
		return pm_cli_error(err);
	}
	o.ssh = pm_build_ssh_sockets(agents);
	struct pm_cli_progress progress;
	pm_cli_progress_start(&progress, NULL, quiet, false);
	po.event = pm_cli_progress_pull_event;
	po.event_ctx = &progress;
	o.pull_opts = &po;
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	_cleanup_free_ char *id = NULL;
	fflush(stdout);
	r = pm_build(&e, &o, &id, &err);
	pm_build_ssh_stop(agents);
	pm_cli_progress_end(&progress);
	pm_cli_pull_flags_free(&pullf);
	if (r < 0) {
		fflush(stdout);
		return pm_cli_error(err);
	}
	if (manifest_name && (r = pm_cli_manifest_add_image(ms, manifest_name, id)))
		return r;
	if (iidfile) {
		_cleanup_free_ char *text = pm_xasprintf("sha256:%s", id);
		if (pm_write_file_atomic(iidfile, text, strlen(text), 0644, &err) < 0)
			return pm_cli_error(err);
	}
	printf("%s\n", id);
	return 0;
}
