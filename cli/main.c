/* main.c: pm's entry point. Owns global options (--log-level, --root, --runroot,
 * --storage-driver, --storage-opt, --events-backend, --network-cmd-path, --noout, --help,
 * --hooks-dir, --version; --conmon accepted) and dispatch to the command
 * table. Each command lives in its own cli/cmd-*.c file. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "engine/hooks.h"
#include "lib/containers-conf.h"
#include "lib/crashpoint.h"
#include "lib/events.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "lib/timeutil.h"
#include "netslirp/net.h"
#include "storage/network.h"
#include "storage/store.h"
#include "storage/volume.h"

static void print_commands(FILE *f, const char *cmdpath, const struct pm_command *table)
{
	fprintf(f, "Available Commands:\n");
	for (const struct pm_command *c = table; c->name; c++)
		if (!(c->flags & PM_CMD_HIDDEN))
			fprintf(f, "  %-12s %s\n", c->name, c->summary ? c->summary : "");
	fprintf(f, "\nRun '%s COMMAND --help' for more information on a command.\n", cmdpath);
}

static void print_main_help(FILE *f)
{
	fprintf(f, "Manage pods, containers and images, rootless and daemonless\n"
		   "\n"
		   "Usage:\n"
		   "  pm [options] [command]\n"
		   "\n");
	print_commands(f, "pm", pm_commands);
	fprintf(f,
		"\nOptions:\n"
		"      --cgroup-manager string    Cgroup manager to use "
		"(\"cgroupfs\"|\"systemd\")\n"
		"      --conmon string            Path of the conmon binary (accepted: pm has its "
		"own monitor)\n"
		"  -c, --connection string        Connection to use for remote Podman service "
		"(refused: pm has no remote mode)\n"
		"      --events-backend string    Events backend to use (\"file\"|\"none\") "
		"(default \"file\")\n"
		"  -h, --help                     help for pm\n"
		"      --hooks-dir strings        Set the OCI hooks directory path (may be set "
		"multiple times)\n"
		"      --identity string          path to SSH identity file (refused: pm has no "
		"remote mode)\n"
		"      --log-level string         Log messages above specified level (trace, "
		"debug, info, warn, warning, error, fatal, panic) (default \"warn\")\n"
		"      --namespace string         Set the libpod namespace (refused: pm has no "
		"libpod namespaces)\n"
		"      --network-cmd-path string  Path to the command for configuring the network "
		"(slirp4netns)\n"
		"      --network-config-dir string  Path of the configuration directory for "
		"networks\n"
		"      --noout                    do not output to stdout\n"
		"  -r, --remote                   Access remote Podman service (refused: pm is "
		"daemonless, it has no remote mode)\n"
		"      --root string              Path to the root directory in which data, "
		"including images, is stored\n"
		"      --runroot string           Path to the 'run directory' where all state "
		"information is stored\n"
		"      --runtime string           Path to the OCI runtime (accepted: pm runs "
		"containers itself)\n"
		"      --runtime-flag stringArray add global flags for the container runtime "
		"(accepted: pm runs containers itself)\n"
		"      --ssh string               define the ssh mode (refused: pm has no remote "
		"mode)\n"
		"      --storage-driver string    Select which storage driver is used to manage "
		"storage of images and containers (overlay, vfs)\n"
		"      --storage-opt stringArray  Used to pass an option to the storage driver\n"
		"      --syslog                   Output logging information to syslog as well as "
		"the console (accepted, no syslog)\n"
		"      --tmpdir string            Path to the tmp directory for pm's runtime "
		"content (its events log)\n"
		"      --url string               URL to access Podman service (refused: pm has "
		"no remote mode)\n"
		"  -v, --version                  Version of pm\n"
		"      --volumepath string        Path to the volume directory in which volume "
		"data is stored\n");
}

static const struct pm_command *find_command(const struct pm_command *table, const char *name)
{
	for (const struct pm_command *c = table; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static int dispatch(struct pm_cli *cli, const struct pm_command *table, const char *parent,
		    int argc, char **argv)
{
	const struct pm_command *c = find_command(table, argv[0]);
	if (!c) {
		pm_cli_errorf("unrecognized command `%s %s`", parent, argv[0]);
		fprintf(stderr, "Try '%s --help' for more information\n", parent);
		return PM_EXIT_ERROR;
	}
	_cleanup_free_ char *path = NULL;
	if (asprintf(&path, "%s %s", parent, c->name) < 0)
		return PM_EXIT_ERROR;
	cli->cmdpath = path;

	if (c->subcommands && !c->run) {
		if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
		    strcmp(argv[1], "help") == 0) {
			FILE *f = argc < 2 ? stderr : stdout;
			fprintf(f, "%s\n\nUsage:\n  %s [command]\n\n", c->summary, path);
			print_commands(f, path, c->subcommands);
			if (argc < 2) {
				fprintf(stderr, "Error: missing command '%s COMMAND'\n", path);
				return PM_EXIT_ERROR;
			}
			return 0;
		}
		if (argv[1][0] == '-') {
			pm_cli_errorf("unknown flag: %s", argv[1]);
			fprintf(stderr, "See '%s --help'\n", path);
			return PM_EXIT_ERROR;
		}
		return dispatch(cli, c->subcommands, path, argc - 1, argv + 1);
	}
	if (c->subcommands && argc >= 2 && argv[1][0] != '-' &&
	    find_command(c->subcommands, argv[1]))
		return dispatch(cli, c->subcommands, path, argc - 1, argv + 1);

	pm_output_set_command(c->name);
	if (c->flags & PM_CMD_USERNS) {
		/* --help must work without subordinate ids, but "-h" may just as well be an
		 * argument of the container's command (pm run IMG httpd -h /www): enter the
		 * namespace in any case, and let only a real failure without a help flag stop us.
		 */
		bool help = false;
		for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
			if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
				help = true;
		_cleanup_error_ pm_error *err = NULL;
		if (pm_cli_enter_userns(cli, &err) < 0 && !help)
			return pm_cli_error(err);
	}
	return c->run(cli, argc, argv);
}

int main(int argc, char **argv)
{
	struct pm_cli cli = {.cmdpath = "pm", .argv = argv};
	pm_crash_point_init();
	/* jansson seeds its hash tables at the first object by reading /dev/urandom (an open,
	 * a read and a close per command, issue #20): a seed of our own, never 0 (0 asks
	 * jansson for its own) */
	json_object_seed(
		((size_t)pm_time_now_ns() ^ ((size_t)getpid() << 40) ^ (size_t)(uintptr_t)&cli) |
		1);
	const char *env_level = getenv("PM_LOG_LEVEL");
	if (env_level && pm_log_parse_level(env_level) >= 0)
		pm_log_level = pm_log_parse_level(env_level);

	opterr = 0;
	bool noout = false;
	_cleanup_strv_ char **storage_opts = NULL, **hooks_dirs = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "+c:hrv", pm_global_options, NULL)) != -1) {
		switch (c) {
		case 'L': {
			int l = pm_log_parse_level(optarg);
			if (l < 0) {
				/* podman's words (Go's %q) and exit code, before its error path */
				_cleanup_free_ char *safe = pm_str_escape_controls(optarg);
				fprintf(stderr,
					"Log Level \"%s\" is not supported, choose from: trace, "
					"debug, info, warn, warning, error, fatal, panic\n",
					safe);
				return 1;
			}
			pm_log_level = l;
			break;
		}
		case 'R':
			cli.root_opt = optarg;
			break;
		case 'W':
			cli.runroot_opt = optarg;
			break;
		case 's':
			if (strcmp(optarg, "overlay") != 0 && strcmp(optarg, "vfs") != 0)
				return pm_cli_errorf(
					"unknown storage driver '%s' (use overlay or vfs)", optarg);
			cli.storage_driver = optarg;
			break;
		case 'C':
			if (!pm_conf_cgroup_manager_valid(optarg))
				return pm_cli_errorf("cgroup manager must be one of cgroupfs and "
						     "systemd: '%s': invalid argument",
						     optarg);
			pm_conf_set_cgroup_manager(optarg);
			break;
		case 'E':
			if (strcmp(optarg, "file") && strcmp(optarg, "none") &&
			    strcmp(optarg, "journald"))
				return pm_cli_errorf("configuring runtime: \"%s\" is not a valid "
						     "events backend: invalid argument",
						     optarg);
			if (!strcmp(optarg, "journald"))
				return pm_cli_errorf("--events-backend 'journald': pm writes its "
						     "events to a file only (use file or none)");
			/* the environment carries it to the monitor and the rootless re-exec */
			setenv(PM_EVENTS_BACKEND_ENV, optarg, 1);
			break;
		case 'N':
			noout = true;
			break;
		case 'U': /* podman's --runtime crun|runc|PATH: pm is its own runtime */
			pm_log_debug("--runtime %s: pm runs containers itself; ignored", optarg);
			break;
		case 'F': /* --runtime-flag: flags podman passes to runc or crun */
			pm_log_debug("--runtime-flag %s: pm runs containers itself; ignored",
				     optarg);
			break;
		case 'r':
		case 'e': {
			/* --remote[=BOOL]: false is the local mode pm always has */
			bool on = true;
			if (c == 'e' && pm_cli_bool_arg("-r, --remote", optarg, &on))
				return PM_EXIT_ERROR;
			if (on)
				return pm_cli_errorf("--remote: pm is daemonless: it has no remote "
						     "mode and no service to connect to");
			break;
		}
		case 'c':
		case 'I':
		case 'S':
		case 'u':
			return pm_cli_errorf(
				"--%s %s: pm is daemonless: it has no remote mode and no "
				"service to connect to",
				c == 'c'   ? "connection"
				: c == 'I' ? "identity"
				: c == 'S' ? "ssh"
					   : "url",
				optarg);
		case 'n':
			return pm_cli_errorf("--namespace %s: pm has no libpod namespaces: use "
					     "another --root and --runroot for a separate view",
					     optarg);
		case 'G': {
			/* --network-config-dir: the networks' configuration files (storage/
			 * network.c), carried to the re-exec and the monitor as --volumepath */
			_cleanup_free_ char *abs = NULL;
			_cleanup_error_ pm_error *perr = NULL;
			if (pm_paths_absolute(optarg, "--network-config-dir", &abs, &perr) < 0)
				return pm_cli_error(perr);
			setenv(PM_NETWORK_CONFIG_DIR_ENV, abs, 1);
			break;
		}
		case 'Y': /* podman's --syslog: pm logs to stderr only */
			break;
		case 'M': /* podman's --conmon: pm's monitor is its own (pm-monitor) */
			break;
		case 'H': /* --hooks-dir: engine/hooks.h, run by the monitor */
			if (*optarg)
				pm_strv_push(&hooks_dirs, optarg);
			break;
		case 'O':
			/* --storage-opt KEY=VALUE (checked against the driver when the store is
			 * opened, storage/store-opts.c); "" drops storage.conf's options */
			if (!*optarg) {
				storage_opts = pm_strv_free(storage_opts);
				pm_strv_push(&storage_opts, "=");
			} else if (!strchr(optarg, '=') || strchr(optarg, '\n')) {
				return pm_cli_errorf("unable to parse key/value option: %s",
						     optarg);
			} else {
				pm_strv_push(&storage_opts, optarg);
			}
			break;
		case 'P': {
			/* --network-cmd-path: the slirp4netns binary (netslirp/slirp.c), carried
			 * to the monitor that starts it by the environment */
			_cleanup_free_ char *abs = NULL;
			_cleanup_error_ pm_error *perr = NULL;
			if (*optarg &&
			    pm_paths_absolute(optarg, "--network-cmd-path", &abs, &perr) < 0)
				return pm_cli_error(perr);
			if (abs)
				setenv(PM_NET_CMD_PATH_ENV, abs, 1);
			break;
		}
		case 'T':
		case 'V': {
			/* --tmpdir (the events log's directory) and --volumepath (the named
			 * volumes' one): the environment carries them to the rootless re-exec and
			 * the monitor, as --events-backend */
			_cleanup_free_ char *abs = NULL;
			_cleanup_error_ pm_error *perr = NULL;
			if (pm_paths_absolute(optarg, c == 'T' ? "--tmpdir" : "--volumepath", &abs,
					      &perr) < 0)
				return pm_cli_error(perr);
			setenv(c == 'T' ? PM_TMPDIR_ENV : PM_VOLUME_PATH_ENV, abs, 1);
			break;
		}
		case 'h':
			print_main_help(stdout);
			return 0;
		case 'v':
			printf("pm version %s\n", PM_VERSION);
			return 0;
		case ':':
			return pm_cli_errorf("flag needs an argument: %s", argv[optind - 1]);
		default:
			pm_cli_errorf("unknown flag: %s", argv[optind - 1]);
			fputs("See 'pm --help'\n", stderr);
			return PM_EXIT_ERROR;
		}
	}
	if (hooks_dirs) {
		_cleanup_free_ char *joined = pm_strv_join(hooks_dirs, "\n");
		setenv(PM_HOOKS_DIR_ENV, joined, 1);
	}
	if (storage_opts) {
		_cleanup_free_ char *joined = pm_strv_join(storage_opts, "\n");
		setenv(PM_STORAGE_OPT_ENV, joined, 1);
	}
	if (noout) {
		/* --noout: stdout goes nowhere (the containers' too, as podman's) */
		int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
			return pm_cli_errorf("--noout: /dev/null: %s", strerror(errno));
		close(fd);
	}
	if (optind >= argc) {
		print_main_help(stderr);
		fprintf(stderr, "Error: missing command 'pm COMMAND'\n");
		return PM_EXIT_ERROR;
	}

	_cleanup_error_ pm_error *err = NULL;
	if (pm_paths_init(&cli.paths, cli.root_opt, cli.runroot_opt, &err) < 0)
		return pm_cli_error(err);

	if (strcmp(argv[optind], "help") == 0 && optind + 1 == argc) {
		print_main_help(stdout);
		pm_paths_free(&cli.paths);
		return 0;
	}
	int r = dispatch(&cli, pm_commands, "pm", argc - optind, argv + optind);
	pm_paths_free(&cli.paths);
	fflush(stdout);
	return r;
}
