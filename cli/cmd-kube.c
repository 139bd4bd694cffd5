/* cmd-kube.c: `play kube` (alias `kube play`), `kube down` (and `play kube --down`, both
 * with --force) and `generate kube` (alias `kube generate`): read the YAML file (or stdin for "-"),
 * call kube/play.h, print podman's report ("Volumes:", "Pod:", "Container(s):", "Pods stopped:",
 * "Pods removed:", "Volumes removed:") and every field pm did not apply as a warning on stderr. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/pull-flags.h"
#include "kube/generate.h"
#include "engine/auto-update.h"
#include "engine/spec.h"
#include "engine/validate.h"
#include "kube/play.h"
#include "lib/fileutil.h"
#include "lib/log.h"
#include "lib/strutil.h"

static const char play_usage[] =
	"Play a pod or volume based on Kubernetes YAML\n"
	"\n"
	"Usage:\n"
	"  pm play kube [options] KUBEFILE|-\n"
	"\n"
	"Aliases:\n"
	"  kube play\n"
	"\n"
	"Options:\n"
	"      --annotation strings  Add annotations to pods (key=value)\n"
	"      --authfile string     Path of the authentication file\n"
	"      --build               Build all images in a YAML (given Containerfiles exist)\n"
	"      --cert-dir string     Certificates (*.crt, *.cert, *.key) to reach the registry\n"
	"      --configmap strings   Pathname of a YAML file containing a kubernetes configmap\n"
	"      --context-dir string  Path to top level of context directory\n"
	"      --creds string        [username[:password]] for accessing the registry\n"
	"      --down                Stop pods defined in the YAML file\n"
	"      --force               With --down: remove the volumes of the\n"
	"                            PersistentVolumeClaims too\n"
	"      --ip ipSlice          Static IP addresses to assign to the pods (--network "
	"NAME only)\n"
	"      --log-driver string   Logging driver for the containers: k8s-file (default) or "
	"none\n"
	"      --log-opt strings     Logging driver options (max-size=SIZE)\n"
	"      --mac-address strings Static MAC addresses to assign to the pods (--network "
	"NAME only)\n"
	"      --network string      Connect pod to network(s) (none, host, slirp4netns, pasta, "
	"NAME)\n"
	"      --no-hosts            Do not create /etc/hosts within the pod's containers, "
	"instead use the version from the image\n"
	"      --publish strings     Define or override a port definition in the YAML file\n"
	"  -q, --quiet               Suppress output information when pulling images\n"
	"      --replace             Delete and recreate pods defined in the YAML file\n"
	"      --seccomp-profile-root string   Directory path for seccomp profiles (accepted: "
	"pm takes no seccomp profile from the YAML)\n"
	"      --start               Start the pod after creating it (default true)\n"
	"      --strict              Fail on any field pm does not apply (pm only)\n"
	"      --tls-verify          Require HTTPS and verify certificates when contacting "
	"registries (default true)\n"
	"      --userns string       User namespace to use\n";

static const char down_usage[] = "Remove pods based on Kubernetes YAML\n"
				 "\n"
				 "Usage:\n"
				 "  pm kube down [options] KUBEFILE|-\n"
				 "\n"
				 "Options:\n"
				 "      --force   remove volumes\n";

/* The whole file, or stdin for "-". */
static int read_input(const char *path, char **ret, size_t *ret_len)
{
	_cleanup_error_ pm_error *err = NULL;
	if (strcmp(path, "-") != 0) {
		if (pm_read_file(path, 64 << 20, ret, ret_len, &err) < 0)
			return pm_cli_errorf("open %s: %s", path, strerror(err->code));
		return 0;
	}
	size_t cap = 0, len = 0;
	char *buf = NULL;
	for (;;) {
		if (len + 4097 > cap) {
			cap = cap ? cap * 2 : 65536;
			if (cap > (64u << 20))
				return free(buf), pm_cli_errorf("reading stdin: more than 64 MiB");
			buf = pm_xrealloc(buf, cap);
		}
		ssize_t n = read(STDIN_FILENO, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			free(buf);
			return pm_cli_errorf("reading stdin: %s", strerror(e));
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf = buf ? buf : pm_xcalloc(1, 1);
	buf[len] = 0;
	*ret = buf;
	*ret_len = len;
	return 0;
}

static void print_warnings(char **warnings)
{
	for (char **w = warnings; w && *w; w++)
		pm_log_warn("%s", *w);
}

static void print_stopped(char **ids, char **volumes)
{
	if (ids) {
		printf("Pods stopped:\n");
		for (char **i = ids; *i; i++)
			printf("%s\n", *i);
		printf("Pods removed:\n");
		for (char **i = ids; *i; i++)
			printf("%s\n", *i);
	}
	if (volumes) {
		printf("Volumes removed:\n");
		for (char **v = volumes; *v; v++)
			printf("%s\n", *v);
	}
}

/* --build's progress lines, as pm build prints them */
static void say(void *userdata, const char *line)
{
	printf("%s\n", line);
	fflush(stdout);
}

static int down(struct pm_cli *cli, const char *path, bool force)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int status = read_input(path, &data, &len);
	if (status)
		return status;
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	struct pm_kube_report rep;
	_cleanup_error_ pm_error *err = NULL;
	int r = pm_kube_down(&e, data, len, force, &rep, &err);
	print_stopped(rep.stopped, rep.volumes);
	pm_kube_report_clear(&rep);
	return r < 0 ? pm_cli_error(err) : 0;
}

int cmd_play_kube(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"annotation", required_argument, NULL, 'A'},
		{"configmap", required_argument, NULL, 'c'},
		{"no-hosts", no_argument, NULL, 'H'},
		{"seccomp-profile-root", required_argument, NULL, 'P'},
		{"down", no_argument, NULL, 'D'},
		{"force", no_argument, NULL, 'F'},
		{"log-driver", required_argument, NULL, 'L'},
		{"network", required_argument, NULL, 'n'},
		{"publish", required_argument, NULL, 'p'},
		{"quiet", no_argument, NULL, 'q'},
		{"replace", no_argument, NULL, 'R'},
		{"start", optional_argument, NULL, 's'},
		{"strict", no_argument, NULL, 'S'},
		{"tls-verify", optional_argument, NULL, PM_PULL_OPT_TLS_VERIFY},
		{"cert-dir", required_argument, NULL, PM_PULL_OPT_CERT_DIR},
		{"creds", required_argument, NULL, PM_PULL_OPT_CREDS},
		{"authfile", required_argument, NULL, PM_PULL_OPT_AUTHFILE},
		{"build", optional_argument, NULL, 'b'},
		{"context-dir", required_argument, NULL, 'C'},
		{"ip", required_argument, NULL, 'I'},
		{"mac-address", required_argument, NULL, 'M'},
		{"log-opt", required_argument, NULL, 'o'},
		{"userns", required_argument, NULL, 'U'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	struct pm_kube_play_opts o = {.start = true, .build = -1, .say = say};
	_cleanup_strv_ char **ips = NULL, **macs = NULL, **log_opts = NULL;
	struct pm_cli_pull_flags pf;
	pm_cli_pull_flags_init(&pf);
	bool quiet = false;
	_cleanup_strv_ char **configmaps = NULL, **publish = NULL, **annotations = NULL;
	bool do_down = false, force = false;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "q", opts, play_usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case 'c': {
			/* podman's strings flag: comma-separated too */
			_cleanup_strv_ char **parts = pm_strv_split(optarg, ",");
			for (char **q = parts; q && *q; q++)
				pm_strv_push(&configmaps, *q);
			break;
		}
		case 'A': {
			/* podman's strings flag: comma-separated too; each KEY=VALUE */
			_cleanup_strv_ char **parts = pm_strv_split(optarg, ",");
			for (char **q = parts; q && *q; q++) {
				const char *eq = strchr(*q, '=');
				if (!eq || eq == *q)
					return pm_cli_errorf("annotation '%s': must be formatted "
							     "KEY=VALUE",
							     *q);
				pm_strv_push(&annotations, *q);
			}
			break;
		}
		case 'H':
			o.no_hosts = true;
			break;
		case 'b':
			if (!optarg || !strcmp(optarg, "true"))
				o.build = 1;
			else if (!strcmp(optarg, "false"))
				o.build = 0;
			else
				return pm_cli_errorf(
					"invalid argument \"%s\" for \"--build\" flag: "
					"strconv.ParseBool: parsing \"%s\": invalid syntax",
					optarg, optarg);
			break;
		case 'C':
			o.context_dir = optarg;
			break;
		case 'I': {
			/* podman's ipSlice: comma-separated, each parsed at once */
			_cleanup_strv_ char **parts = pm_strv_split(optarg, ",");
			for (char **q = parts; q && *q; q++) {
				unsigned char a[16];
				if (inet_pton(AF_INET, *q, a) != 1 &&
				    inet_pton(AF_INET6, *q, a) != 1)
					return pm_cli_errorf(
						"invalid argument \"%s\" for \"--ip\" flag: "
						"invalid "
						"string being converted to IP address: %s",
						optarg, *q);
				pm_strv_push(&ips, *q);
			}
			break;
		}
		case 'M': {
			_cleanup_strv_ char **parts = pm_strv_split(optarg, ",");
			for (char **q = parts; q && *q; q++)
				pm_strv_push(&macs, *q);
			break;
		}
		case 'o': {
			/* podman's strings flag: comma-separated too; each KEY=VALUE */
			_cleanup_strv_ char **parts = pm_strv_split(optarg, ",");
			for (char **q = parts; q && *q; q++) {
				struct pm_container_config lc = {0};
				_cleanup_error_ pm_error *lerr = NULL;
				int r = strchr(*q, '=') ? pm_config_set_log_opt(&lc, *q, &lerr) : 0;
				pm_spec_config_clear(&lc);
				if (!strchr(*q, '='))
					return pm_cli_errorf("invalid log option \"%s\"", *q);
				if (r < 0)
					return pm_cli_error(lerr);
				pm_strv_push(&log_opts, *q);
			}
			break;
		}
		case 'U':
			o.userns = optarg;
			break;
		case 'P':
			break;
		case 'D':
			do_down = true;
			break;
		case 'F':
			force = true;
			break;
		case 'L': {
			/* checked as run's, before anything is read */
			struct pm_container_config lc = {0};
			_cleanup_error_ pm_error *lerr = NULL;
			int r = pm_config_set_log_driver(&lc, optarg, &lerr);
			o.log_none = lc.log_driver != NULL;
			if (r >= 0 && pm_log_driver_is_passthrough(lc.log_driver))
				r = pm_error_set(
					&lerr, EINVAL,
					"--log-driver '%s': not supported by play kube: its "
					"containers log to a k8s-file or not at all (none)",
					optarg);
			pm_spec_config_clear(&lc);
			if (r < 0)
				return pm_cli_error(lerr);
			break;
		}
		case 'p': {
			/* podman's strings flag: comma-separated too */
			_cleanup_strv_ char **parts = pm_strv_split(optarg, ",");
			for (char **q = parts; q && *q; q++)
				pm_strv_push(&publish, *q);
			break;
		}
		case 'n':
			o.network = optarg;
			break;
		case 'q':
			/* quiets the pulls; the report is printed either way, as podman's */
			quiet = true;
			break;
		case 'R':
			o.replace = true;
			break;
		case 's':
			if (!optarg || !strcmp(optarg, "true"))
				o.start = true;
			else if (!strcmp(optarg, "false"))
				o.start = false;
			else
				return pm_cli_errorf(
					"invalid argument \"%s\" for \"--start\" flag: "
					"strconv.ParseBool: parsing \"%s\": invalid "
					"syntax",
					optarg, optarg);
			break;
		case 'S':
			o.strict = true;
			break;
		case PM_PULL_OPT_TLS_VERIFY:
		case PM_PULL_OPT_CERT_DIR:
		case PM_PULL_OPT_CREDS:
		case PM_PULL_OPT_AUTHFILE: {
			_cleanup_error_ pm_error *ferr = NULL;
			if (pm_cli_pull_flag(&pf, c, optarg, &ferr) < 0) {
				pm_cli_pull_flags_free(&pf);
				return pm_cli_error(ferr);
			}
			break;
		}
		default:
			return PM_EXIT_ERROR;
		}
	}
	if (!pm_cli_nargs(cli, argc - optind, 1, 1))
		return PM_EXIT_ERROR;
	if (force && !do_down)
		return pm_cli_errorf("--force needs --down");
	if (o.context_dir && o.build != 1)
		return pm_cli_errorf("--build must be specified when using --context-dir option");
	o.ips = ips;
	o.macs = macs;
	o.log_opts = log_opts;
	if (quiet)
		o.say = NULL;
	if (do_down)
		return down(cli, argv[optind], force);
	o.configmaps = configmaps;
	o.publish = publish;
	o.annotations = annotations;
	o.systemd_unit = getenv(PM_SYSTEMD_UNIT_LABEL);
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int status = read_input(argv[optind], &data, &len);
	if (status)
		return status;
	_cleanup_error_ pm_error *err = NULL;
	struct pm_pull_opts po;
	if (pm_cli_pull_flags_finish(&pf, &po, &err) < 0) {
		pm_cli_pull_flags_free(&pf);
		return pm_cli_error(err);
	}
	struct pm_cli_progress progress;
	pm_cli_progress_start(&progress, NULL, quiet, false);
	po.event = pm_cli_progress_pull_event;
	po.event_ctx = &progress;
	o.pull = &po;
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	struct pm_kube_report rep;
	int r = pm_kube_play(&e, data, len, &o, &rep, &err);
	pm_cli_progress_end(&progress);
	pm_cli_pull_flags_free(&pf);
	print_warnings(rep.warnings);
	if (r < 0) {
		pm_kube_report_clear(&rep);
		return pm_cli_error(err);
	}
	print_stopped(rep.stopped, NULL);
	if (rep.volumes) {
		printf("Volumes:\n");
		for (char **v = rep.volumes; *v; v++)
			printf("%s\n", *v);
	}
	for (size_t i = 0; rep.pods && rep.pods[i]; i++) {
		printf("Pod:\n%s\n", rep.pods[i]);
		size_t n = pm_strv_length(rep.containers[i]);
		printf("%s:\n", n == 1 ? "Container" : "Containers");
		for (char **id = rep.containers[i]; id && *id; id++)
			printf("%s\n", *id);
		printf("\n");
	}
	pm_kube_report_clear(&rep);
	return 0;
}

int cmd_kube_down(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"force", no_argument, NULL, 'F'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	bool force = false;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "", opts, down_usage)) != -1) {
		if (c == PM_OPT_EXIT)
			return st.status;
		if (c != 'F')
			return PM_EXIT_ERROR;
		force = true;
	}
	if (!pm_cli_nargs(cli, argc - optind, 1, 1))
		return PM_EXIT_ERROR;
	return down(cli, argv[optind], force);
}

static const char generate_usage[] =
	"Generate Kubernetes YAML based on containers, pods or volumes\n"
	"\n"
	"Usage:\n"
	"  pm generate kube [options] CONTAINER...|POD...|VOLUME...\n"
	"\n"
	"Aliases:\n"
	"  kube generate\n"
	"\n"
	"Options:\n"
	"  -f, --filename string   Write output to the specified path\n"
	"  -s, --service           Generate YAML for a Kubernetes service object\n";

int cmd_generate_kube(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"filename", required_argument, NULL, 'f'},
		{"service", no_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	const char *file = NULL;
	bool service = false;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "f:s", opts, generate_usage)) != -1) {
		if (c == PM_OPT_EXIT)
			return st.status;
		if (c == 'f')
			file = optarg;
		else if (c == 's')
			service = true;
		else
			return PM_EXIT_ERROR;
	}
	if (!pm_cli_nargs(cli, argc - optind, 1, -1))
		return PM_EXIT_ERROR;
	if (file && access(file, F_OK) == 0)
		return pm_cli_errorf("cannot write to \"%s\": file exists", file);
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	_cleanup_strv_ char **refs = NULL;
	for (int i = optind; i < argc; i++)
		pm_strv_push(&refs, argv[i]);
	_cleanup_free_ char *yaml = NULL;
	_cleanup_error_ pm_error *err = NULL;
	if (pm_kube_generate(&e, refs, service, &yaml, &err) < 0)
		return pm_cli_error(err);
	_cleanup_free_ char *text =
		pm_xasprintf("# Save the output of this file and use kubectl create -f to import\n"
			     "# it into Kubernetes.\n#\n# Created with pm-%s\n%s%s",
			     PM_VERSION, yaml, *yaml && yaml[strlen(yaml) - 1] != '\n' ? "\n" : "");
	if (file) {
		if (pm_write_file_atomic(file, text, strlen(text), 0644, &err) < 0)
			return pm_cli_error(err);
		return 0;
	}
	fputs(text, stdout);
	return 0;
}
