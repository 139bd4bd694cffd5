/* cmd-refuse.c: podman 4.3's commands that pm deliberately does not do, each with podman's
 * name, flags and --help, refused in one line (exit 125) that says why: `machine ...` (pm
 * runs on this host, there is no VM), `system connection ...` (pm has no remote service;
 * `list` prints podman's empty table), `system service` (pm is daemonless), `container
 * checkpoint|restore` (podman's rootless words; pm has no CRIU support), `image scp` (pm
 * has no connections: podman's
 * argument checks, then the refusal). One entry point reads the command path the dispatcher
 * set (cli->cmdpath) and finds its row in one table. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"

#define H                                                                                          \
	{                                                                                          \
		"help", no_argument, NULL, 'h'                                                     \
	}
#define END                                                                                        \
	{                                                                                          \
		NULL, 0, NULL, 0                                                                   \
	}
#define REQ(n, c)                                                                                  \
	{                                                                                          \
		n, required_argument, NULL, c                                                      \
	}
#define NOA(n, c)                                                                                  \
	{                                                                                          \
		n, no_argument, NULL, c                                                            \
	}

enum list_kind { NOT_LIST, MACHINE_LIST, CONNECTION_LIST };

struct refusal {
	const char *path;
	const char *usage;
	const char *shortopts;
	const struct option *opts;
	int min, max;	     /* positional arguments (max < 0: any) */
	enum list_kind list; /* a listing podman prints empty here */
	const char *why;     /* after "`PATH` is not supported: " */
};

static const char machine_why[] = "pm runs containers on this host, it has no virtual machine";
static const char conn_why[] = "pm has no remote API service to connect to";

static const struct option machine_info_opts[] = {H, REQ("format", 'f'), END};
static const struct option machine_init_opts[] = {
	H,
	REQ("cpus", 1),
	REQ("disk-size", 2),
	REQ("ignition-path", 3),
	REQ("image-path", 4),
	REQ("memory", 'm'),
	NOA("now", 5),
	NOA("rootful", 6),
	REQ("timezone", 7),
	REQ("username", 8),
	REQ("volume", 'v'),
	REQ("volume-driver", 9),
	END,
};
static const struct option machine_inspect_opts[] = {H, REQ("format", 1), END};
static const struct option machine_list_opts[] = {H, REQ("format", 1), NOA("noheading", 2),
						  NOA("quiet", 'q'), END};
static const struct option machine_rm_opts[] = {
	H,  NOA("force", 'f'), NOA("save-ignition", 1), NOA("save-image", 2), NOA("save-keys", 3),
	END};
static const struct option machine_set_opts[] = {
	H, REQ("cpus", 1), REQ("disk-size", 2), REQ("memory", 'm'), NOA("rootful", 3), END};
static const struct option machine_ssh_opts[] = {H, REQ("username", 1), END};
static const struct option help_only_opts[] = {H, END};
static const struct option conn_add_opts[] = {
	H, NOA("default", 'd'), REQ("identity", 1), REQ("port", 'p'), REQ("socket-path", 2), END};
static const struct option conn_list_opts[] = {H, REQ("format", 'f'), NOA("quiet", 'q'), END};
static const struct option conn_rm_opts[] = {H, NOA("all", 'a'), END};
static const struct option service_opts[] = {H, REQ("cors", 1), REQ("time", 't'), END};
static const struct option checkpoint_opts[] = {
	H,
	NOA("all", 'a'),
	REQ("compress", 'c'),
	REQ("create-image", 1),
	REQ("export", 'e'),
	NOA("file-locks", 2),
	NOA("ignore-rootfs", 3),
	NOA("ignore-volumes", 4),
	NOA("keep", 'k'),
	NOA("latest", 'l'),
	NOA("leave-running", 'R'),
	NOA("pre-checkpoint", 'P'),
	NOA("print-stats", 5),
	NOA("tcp-established", 6),
	NOA("with-previous", 7),
	END,
};
static const struct option restore_opts[] = {
	H,
	NOA("all", 'a'),
	NOA("file-locks", 1),
	NOA("ignore-rootfs", 2),
	NOA("ignore-static-ip", 3),
	NOA("ignore-static-mac", 4),
	NOA("ignore-volumes", 5),
	REQ("import", 'i'),
	REQ("import-previous", 6),
	NOA("keep", 'k'),
	NOA("latest", 'l'),
	REQ("name", 'n'),
	REQ("pod", 7),
	NOA("print-stats", 8),
	REQ("publish", 'p'),
	NOA("tcp-established", 9),
	END,
};
static const struct option scp_opts[] = {H, NOA("quiet", 'q'), END};

/* clang-format off */
static const struct refusal refusals[] = {
	{"pm machine info",
	 "Display machine host info\n\nUsage:\n  pm machine info [options]\n\nOptions:\n"
	 "  -f, --format string   Change the output format to JSON or a Go template\n",
	 "f:", machine_info_opts, 0, 0, NOT_LIST, machine_why},
	{"pm machine init",
	 "Initialize a virtual machine\n\nUsage:\n  pm machine init [options] [NAME]\n\nOptions:\n"
	 "      --cpus uint              Number of CPUs (default 1)\n"
	 "      --disk-size uint         Disk size in GB (default 100)\n"
	 "      --ignition-path string   Path to ignition file\n"
	 "      --image-path string      Path to qcow image (default \"testing\")\n"
	 "  -m, --memory uint            Memory in MB (default 2048)\n"
	 "      --now                    Start machine now\n"
	 "      --rootful                Whether this machine should prefer rootful container execution\n"
	 "      --timezone string        Set timezone (default \"local\")\n"
	 "      --username string        Username used in qcow image (default \"core\")\n"
	 "  -v, --volume stringArray     Volumes to mount, source:target\n"
	 "      --volume-driver string   Optional volume driver\n",
	 "m:v:", machine_init_opts, 0, 1, NOT_LIST, machine_why},
	{"pm machine inspect",
	 "Inspect an existing machine\n\nUsage:\n  pm machine inspect [options] [MACHINE...]\n\nOptions:\n"
	 "      --format string   Format volume output using JSON or a Go template\n",
	 "", machine_inspect_opts, 0, -1, NOT_LIST, machine_why},
	{"pm machine list",
	 "List machines\n\nUsage:\n  pm machine list [options]\n\nAliases:\n  list, ls\n\nOptions:\n"
	 "      --format string   Format volume output using JSON or a Go template\n"
	 "      --noheading       Do not print headers\n"
	 "  -q, --quiet           Show only machine names\n",
	 "q", machine_list_opts, 0, 0, MACHINE_LIST, NULL},
	{"pm machine ls", NULL, "q", machine_list_opts, 0, 0, MACHINE_LIST, NULL},
	{"pm machine rm",
	 "Remove an existing machine\n\nUsage:\n  pm machine rm [options] [MACHINE]\n\nOptions:\n"
	 "  -f, --force           Stop and do not prompt before rming\n"
	 "      --save-ignition   Do not delete ignition file\n"
	 "      --save-image      Do not delete the image file\n"
	 "      --save-keys       Do not delete SSH keys\n",
	 "f", machine_rm_opts, 0, 1, NOT_LIST, machine_why},
	{"pm machine set",
	 "Sets a virtual machine setting\n\nUsage:\n  pm machine set [options] [NAME]\n\nOptions:\n"
	 "      --cpus uint        Number of CPUs\n"
	 "      --disk-size uint   Disk size in GB\n"
	 "  -m, --memory uint      Memory in MB\n"
	 "      --rootful          Whether this machine should prefer rootful container execution\n",
	 "m:", machine_set_opts, 0, 1, NOT_LIST, machine_why},
	{"pm machine ssh",
	 "SSH into an existing machine\n\nUsage:\n  pm machine ssh [options] [NAME] [COMMAND [ARG ...]]\n\n"
	 "Options:\n      --username string   Username to use when ssh-ing into the VM.\n",
	 "+", machine_ssh_opts, 0, -1, NOT_LIST, machine_why},
	{"pm machine start",
	 "Start an existing machine\n\nUsage:\n  pm machine start [MACHINE]\n",
	 "", help_only_opts, 0, 1, NOT_LIST, machine_why},
	{"pm machine stop",
	 "Stop an existing machine\n\nUsage:\n  pm machine stop [MACHINE]\n",
	 "", help_only_opts, 0, 1, NOT_LIST, machine_why},
	{"pm system connection add",
	 "Record destination for the Podman service\n\nUsage:\n"
	 "  pm system connection add [options] NAME DESTINATION\n\nOptions:\n"
	 "  -d, --default              Set connection to be default\n"
	 "      --identity string      path to SSH identity file\n"
	 "  -p, --port int             SSH port number for destination (default 22)\n"
	 "      --socket-path string   path to podman socket on remote host.\n",
	 "dp:", conn_add_opts, 2, 2, NOT_LIST, conn_why},
	{"pm system connection default",
	 "Set named destination as default\n\nUsage:\n  pm system connection default NAME\n",
	 "", help_only_opts, 1, 1, NOT_LIST, conn_why},
	{"pm system connection list",
	 "List destination for the Podman service(s)\n\nUsage:\n  pm system connection list [options]\n\n"
	 "Aliases:\n  list, ls\n\nOptions:\n"
	 "  -f, --format string   Custom Go template for printing connections\n"
	 "  -q, --quiet           Custom Go template for printing connections\n",
	 "f:q", conn_list_opts, 0, 0, CONNECTION_LIST, NULL},
	{"pm system connection ls", NULL, "f:q", conn_list_opts, 0, 0, CONNECTION_LIST, NULL},
	{"pm system connection remove",
	 "Delete named destination\n\nUsage:\n  pm system connection remove [options] NAME\n\n"
	 "Aliases:\n  remove, rm\n\nOptions:\n  -a, --all   Remove all connections\n",
	 "a", conn_rm_opts, 0, 1, NOT_LIST, conn_why},
	{"pm system connection rm", NULL, "a", conn_rm_opts, 0, 1, NOT_LIST, conn_why},
	{"pm system connection rename",
	 "Rename \"old\" to \"new\"\n\nUsage:\n  pm system connection rename OLD NEW\n\n"
	 "Aliases:\n  rename, mv\n",
	 "", help_only_opts, 2, 2, NOT_LIST, conn_why},
	{"pm system connection mv", NULL, "", help_only_opts, 2, 2, NOT_LIST, conn_why},
	{"pm system service",
	 "Run API service\n\nUsage:\n  pm system service [options] [URI]\n\nOptions:\n"
	 "      --cors string   Set CORS Headers\n"
	 "  -t, --time uint     Time until the service session expires in seconds.  Use 0 to "
	 "disable the timeout (default 5)\n",
	 "t:", service_opts, 0, 1, NOT_LIST, "pm is daemonless, it has no API service"},
	{"pm container checkpoint",
	 "Checkpoints one or more containers\n\nUsage:\n"
	 "  pm container checkpoint [options] CONTAINER [CONTAINER...]\n\nOptions:\n"
	 "  -a, --all                   Checkpoint all running containers\n"
	 "  -c, --compress string       Select compression algorithm (gzip, none, zstd) for "
	 "checkpoint archive. (default \"zstd\")\n"
	 "      --create-image string   Create checkpoint image with specified name\n"
	 "  -e, --export string         Export the checkpoint image to a tar.gz\n"
	 "      --file-locks            Checkpoint a container with file locks\n"
	 "      --ignore-rootfs         Do not include root file-system changes when exporting\n"
	 "      --ignore-volumes        Do not export volumes associated with container\n"
	 "  -k, --keep                  Keep all temporary checkpoint files\n"
	 "  -l, --latest                Act on the latest container pm is aware of\n"
	 "  -R, --leave-running         Leave the container running after writing checkpoint to disk\n"
	 "  -P, --pre-checkpoint        Dump container's memory information only, leave the "
	 "container running\n"
	 "      --print-stats           Display checkpoint statistics\n"
	 "      --tcp-established       Checkpoint a container with established TCP connections\n"
	 "      --with-previous         Checkpoint container with pre-checkpoint images\n",
	 "ac:e:klRP", checkpoint_opts, 0, -1, NOT_LIST, NULL},
	{"pm container restore",
	 "Restores one or more containers from a checkpoint\n\nUsage:\n"
	 "  pm container restore [options] CONTAINER|IMAGE [CONTAINER|IMAGE...]\n\nOptions:\n"
	 "  -a, --all                      Restore all checkpointed containers\n"
	 "      --file-locks               Restore a container with file locks\n"
	 "      --ignore-rootfs            Do not apply root file-system changes when importing "
	 "from exported checkpoint\n"
	 "      --ignore-static-ip         Ignore IP address set via --static-ip\n"
	 "      --ignore-static-mac        Ignore MAC address set via --mac-address\n"
	 "      --ignore-volumes           Do not export volumes associated with container\n"
	 "  -i, --import string            Restore from exported checkpoint archive (tar.gz)\n"
	 "      --import-previous string   Restore from exported pre-checkpoint archive (tar.gz)\n"
	 "  -k, --keep                     Keep all temporary checkpoint files\n"
	 "  -l, --latest                   Act on the latest container pm is aware of\n"
	 "  -n, --name string              Specify new name for container restored from exported "
	 "checkpoint (only works with image or --import)\n"
	 "      --pod string               Restore container into existing Pod (only works with "
	 "image or --import)\n"
	 "      --print-stats              Display restore statistics\n"
	 "  -p, --publish strings          Publish a container's port, or a range of ports, to "
	 "the host (default [])\n"
	 "      --tcp-established          Restore a container with established TCP connections\n",
	 "ai:kln:p:", restore_opts, 0, -1, NOT_LIST, NULL},
	{"pm image scp",
	 "securely copy images\n\nDescription:\n"
	 "  Securely copy an image from one host to another.\n\nUsage:\n"
	 "  pm image scp [options] IMAGE [HOST::]\n\nOptions:\n"
	 "  -q, --quiet   Suppress the output\n",
	 "q", scp_opts, 1, 2, NOT_LIST, NULL},
};
/* clang-format on */

static const struct refusal *find_refusal(const char *path)
{
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++)
		if (strcmp(refusals[i].path, path) == 0)
			return &refusals[i];
	return NULL;
}

/* An alias row (usage NULL) shows the help of the row before it. */
static const char *usage_of(const struct refusal *r)
{
	while (!r->usage)
		r--;
	return r->usage;
}

static int print_empty_list(enum list_kind kind, const char *format, bool quiet, bool noheading)
{
	if (format && (strcmp(format, "json") == 0 || strstr(format, "json ."))) {
		printf("[]\n");
		return 0;
	}
	if (quiet || noheading || format)
		return 0;
	if (kind == MACHINE_LIST)
		printf("NAME        VM TYPE     CREATED     LAST UP     CPUS        MEMORY      "
		       "DISK "
		       "SIZE\n");
	else
		printf("Name        URI         Identity    Default\n");
	return 0;
}

int cmd_refused(struct pm_cli *cli, int argc, char **argv)
{
	const struct refusal *r = find_refusal(cli->cmdpath);
	if (!r)
		return pm_cli_errorf("`%s` is not supported", cli->cmdpath);
	struct pm_opt_state st = {0};
	const char *format = NULL;
	bool quiet = false, noheading = false;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, r->shortopts, r->opts, usage_of(r))) !=
	       -1) {
		if (c == PM_OPT_EXIT)
			return st.status;
		if (c == 'q')
			quiet = true;
		else if (r->list && (c == 'f' || (c == 1 && r->list == MACHINE_LIST)))
			format = optarg;
		else if (r->list == MACHINE_LIST && c == 2)
			noheading = true;
	}
	int nargs = argc - optind;
	if (r->opts == scp_opts && (nargs < 1 || nargs > 2))
		return pm_cli_errorf("accepts between 1 and 2 arg(s), received %d", nargs);
	if (!pm_cli_nargs(cli, nargs, r->min, r->max))
		return PM_EXIT_ERROR;
	if (r->list)
		return print_empty_list(r->list, format, quiet, noheading);
	if (r->opts == checkpoint_opts || r->opts == restore_opts) {
		const char *verb = r->opts == checkpoint_opts ? "checkpointing" : "restoring";
		if (geteuid() != 0)
			return pm_cli_errorf("%s a container requires root", verb);
		return pm_cli_errorf("%s a container is not supported: pm has no CRIU support",
				     verb);
	}
	if (r->opts == scp_opts) {
		if (nargs < 2)
			return pm_cli_errorf("must specify a destination: invalid argument");
		return pm_cli_errorf("`pm image scp` is not supported: pm has no connections to "
				     "copy '%s' to '%s' (use pm save and pm load)",
				     argv[optind], argv[optind + 1]);
	}
	return pm_cli_errorf("`%s` is not supported: %s", r->path, r->why);
}
