/* cmd-volume.c: `pm volume create|ls|inspect|rm|prune|exists|export|import`, podman's flags, output
 * and exit codes (podman 4.3, with the later fixes: --ignore on create, volume filters with
 * different keys ANDed). Parses flags, validates before touching state, renders output;
 * the volumes themselves live in storage/volume.c. Must not touch volume files directly.
 * Called from the command table (cli/commands.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "lib/events.h"
#include "lib/json.h"
#include "lib/strutil.h"
#include "storage/volume.h"

/* Flags of type "strings" (podman's StringSlice) split on commas. */
static void push_split(char ***v, const char *arg)
{
	_cleanup_strv_ char **parts = pm_strv_split(arg, ",");
	for (size_t i = 0; parts && parts[i]; i++)
		pm_strv_push(v, parts[i]);
}

/* The volumes as a json_t array in the given shape (storage/volume.c builds the JSON). */
static json_t *volumes_json(struct pm_volume *const *vols, enum pm_volume_json_kind kind)
{
	_cleanup_free_ char *text = pm_volume_list_json(vols, kind, 0);
	json_t *arr = text ? json_loads(text, 0, NULL) : NULL;
	return arr ? arr : json_array();
}

/* A key=value list as volume_write's object (sorted unique keys already, as loaded). NULL
 * when jansson refuses a string. */
static json_t *kv_json(char *const *kv)
{
	json_t *o = json_object();
	for (size_t i = 0; kv && kv[i]; i++) {
		size_t kl = strcspn(kv[i], "=");
		_cleanup_free_ char *k = pm_xstrndup(kv[i], kl);
		json_t *val = json_string(kv[i][kl] ? kv[i] + kl + 1 : "");
		if (!val || json_object_set_new(o, k, val) < 0) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

/* The template view of volume ls built as a tree at once, the same tree volumes_json(...,
 * PM_VOLUME_JSON_TEMPLATE) parses back from text (no text made and parsed again: volume ls
 * of many volumes). NULL when a string is not UTF-8 (the text path writes it lossy). */
static json_t *volumes_template_json(struct pm_volume *const *vols)
{
	_cleanup_json_ json_t *arr = json_array();
	for (size_t i = 0; vols && vols[i]; i++) {
		const struct pm_volume *v = vols[i];
		_cleanup_free_ char *created = pm_volume_created_go_string(v);
		json_t *labels = kv_json(v->labels), *options = kv_json(v->options);
		json_t *o = json_object();
		json_array_append_new(arr, o);
		if (!labels || !options) {
			json_decref(labels);
			json_decref(options);
			return NULL;
		}
		const char *strs[][2] = {{"Name", v->name},
					 {"Driver", v->driver},
					 {"Mountpoint", v->mountpoint},
					 {"CreatedAt", created}};
		for (size_t k = 0; k < 4; k++) {
			json_t *x = json_string(strs[k][1] ? strs[k][1] : "");
			if (!x) {
				json_decref(labels);
				json_decref(options);
				return NULL;
			}
			json_object_set_new(o, strs[k][0], x);
		}
		json_object_set_new(o, "Labels", labels);
		json_t *scope = json_string(v->scope ? v->scope : "");
		if (!scope) {
			json_decref(options);
			return NULL;
		}
		json_object_set_new(o, "Scope", scope);
		json_object_set_new(o, "Options", options);
		if (v->uid >= 0)
			json_object_set_new(o, "UID", json_integer(v->uid));
		if (v->gid >= 0)
			json_object_set_new(o, "GID", json_integer(v->gid));
		json_object_set_new(o, "MountCount", json_integer(v->mount_count));
		json_object_set_new(o, "NeedsCopyUp", json_boolean(v->needs_copy_up));
		if (v->needs_chown)
			json_object_set_new(o, "NeedsChown", json_true());
	}
	return TAKE_PTR(arr);
}

static bool format_is_json(const char *format)
{
	return format && (strcmp(format, "json") == 0 || strcmp(format, "{{json .}}") == 0);
}

/* ---- create ---------------------------------------------------------------------------- */

static const char create_usage[] =
	"Create a new volume\n"
	"\n"
	"Description:\n"
	"  If using the default driver, \"local\", the volume will be created on the host in the "
	"volumes directory under container storage.\n"
	"\n"
	"Usage:\n"
	"  pm volume create [options] [NAME]\n"
	"\n"
	"Examples:\n"
	"  pm volume create myvol\n"
	"  pm volume create\n"
	"  pm volume create --label foo=bar myvol\n"
	"\n"
	"Options:\n"
	"      --driver string     Specify volume driver name (default \"local\")\n"
	"      --ignore            Don't fail if volume already exists\n"
	"  -l, --label strings     Set metadata for a volume (default [])\n"
	"  -o, --opt stringArray   Set driver specific options (default [])\n";

int cmd_volume_create(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"driver", required_argument, NULL, 'd'}, {"ignore", no_argument, NULL, 'i'},
		{"label", required_argument, NULL, 'l'},  {"opt", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},	  {NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	_cleanup_strv_ char **labels = NULL;
	_cleanup_strv_ char **options = NULL;
	const char *driver = NULL;
	bool ignore = false;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "l:o:", opts, create_usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case 'd':
			driver = optarg;
			break;
		case 'i':
			ignore = true;
			break;
		case 'l':
			push_split(&labels, optarg);
			break;
		case 'o':
			pm_strv_push(&options, optarg);
			break;
		}
	}
	if (!pm_cli_nargs(cli, argc - optind, 0, 1))
		return PM_EXIT_ERROR;
	struct pm_volume_create_opts o = {
		.name = optind < argc ? argv[optind] : NULL,
		.driver = driver,
		.labels = labels,
		.options = options,
		.ignore_exists = ignore,
	};
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_volume_ struct pm_volume *v = NULL;
	if (pm_volume_create(cli->paths.root, &o, &v, &err) < 0)
		return pm_cli_error(err);
	pm_event_emit(cli->paths.runroot, "volume", "create", NULL, v->name, NULL);
	printf("%s\n", v->name);
	return 0;
}

/* ---- ls ----------------------------------------------------------------------------------- */

static const char ls_usage[] =
	"List volumes\n"
	"\n"
	"Description:\n"
	"\n"
	"pm volume ls\n"
	"\n"
	"List all available volumes. The output of the volumes can be filtered\n"
	"and the output format can be changed to JSON or a user specified Go template.\n"
	"\n"
	"Usage:\n"
	"  pm volume ls [options]\n"
	"\n"
	"Aliases:\n"
	"  ls, list\n"
	"\n"
	"Options:\n"
	"  -f, --filter strings   Filter volume output\n"
	"      --format string    Format volume output using Go template (default "
	"\"{{range .}}{{.Driver}}\\t{{.Name}}\\n{{end -}}\")\n"
	"      --noheading        Do not print headers\n"
	"  -q, --quiet            Print volume output in quiet mode\n";

static const char *const volume_headers[] = {
	"Name=VOLUME NAME",
	"CreatedAt=CREATED AT",
	"MountCount=MOUNT COUNT",
	NULL,
};

int cmd_volume_ls(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"filter", required_argument, NULL, 'f'}, {"format", required_argument, NULL, 'F'},
		{"noheading", no_argument, NULL, 'n'},	  {"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},	  {NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	_cleanup_strv_ char **filter_args = NULL;
	const char *format = NULL;
	bool noheading = false, quiet = false;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "f:q", opts, ls_usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case 'f':
			push_split(&filter_args, optarg);
			break;
		case 'F':
			format = optarg;
			break;
		case 'n':
			noheading = true;
			break;
		case 'q':
			quiet = true;
			break;
		}
	}
	if (!pm_cli_nargs(cli, argc - optind, 0, 0))
		return PM_EXIT_ERROR;
	if (quiet && format && format[0])
		return pm_cli_errorf("quiet and format flags cannot be used together");
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_volume_filters_ struct pm_volume_filters *fs = NULL;
	if (pm_volume_filters_parse(filter_args, false, &fs, &err) < 0)
		return pm_cli_error(err);
	_cleanup_volume_list_ struct pm_volume **vols = NULL;
	if (pm_volume_list_filtered(cli->paths.root, fs, &vols, &err) < 0)
		return pm_cli_error(err);
	if (quiet) {
		for (size_t i = 0; vols[i]; i++)
			printf("%s\n", vols[i]->name);
		return 0;
	}
	if (format_is_json(format)) {
		/* printed as written, podman's indent (no jansson tree parsed back) */
		_cleanup_free_ char *text = pm_volume_list_json(vols, PM_VOLUME_JSON_INSPECT, 4);
		puts(text);
		return 0;
	}
	_cleanup_json_ json_t *arr = volumes_template_json(vols);
	if (!arr)
		arr = volumes_json(vols, PM_VOLUME_JSON_TEMPLATE);
	if (json_array_size(arr) == 0)
		return 0; /* podman prints not even the header */
	return pm_output_format_list(format, "table {{.Driver}}\t{{.Name}}", arr, noheading,
				     volume_headers);
}

/* ---- inspect ----------------------------------------------------------------------------- */

static const char inspect_usage[] =
	"Display detailed information on one or more volumes\n"
	"\n"
	"Description:\n"
	"  Display detailed information on one or more volumes.\n"
	"\n"
	"  Use a Go template to change the format from JSON.\n"
	"\n"
	"Usage:\n"
	"  pm volume inspect [options] VOLUME [VOLUME...]\n"
	"\n"
	"Examples:\n"
	"  pm volume inspect myvol\n"
	"  pm volume inspect --all\n"
	"  pm volume inspect --format \"{{.Driver}} {{.Scope}}\" myvol\n"
	"\n"
	"Options:\n"
	"  -a, --all             Inspect all volumes\n"
	"  -f, --format string   Format volume output using Go template (default \"json\")\n";

int cmd_volume_inspect(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},
		{"format", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	const char *format = "json";
	bool all = false;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "af:", opts, inspect_usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case 'a':
			all = true;
			break;
		case 'f':
			format = optarg;
			break;
		}
	}
	int nargs = argc - optind;
	if ((all && nargs > 0) || (!all && nargs == 0))
		return pm_cli_errorf("provide one or more volume names or use --all");
	if (!format[0])
		format = "json";
	bool json = format_is_json(format);

	_cleanup_error_ pm_error *err = NULL;
	_cleanup_volume_list_ struct pm_volume **vols = NULL;
	int status = 0;
	if (all) {
		if (pm_volume_list(cli->paths.root, &vols, NULL, &err) < 0)
			return pm_cli_error(err);
	} else {
		size_t n = 0;
		vols = pm_xcalloc((size_t)nargs + 1, sizeof(*vols));
		for (int i = optind; i < argc; i++) {
			_cleanup_error_ pm_error *e = NULL;
			if (pm_volume_load(cli->paths.root, argv[i], &vols[n], &e) < 0) {
				pm_error_prefix(&e, "inspecting object");
				if (err) /* podman prints the last error, after the output */
					pm_cli_error(err);
				pm_error_free(err);
				err = TAKE_PTR(e);
				status = PM_EXIT_ERROR;
				continue;
			}
			n++;
		}
	}
	_cleanup_json_ json_t *arr =
		volumes_json(vols, json ? PM_VOLUME_JSON_INSPECT : PM_VOLUME_JSON_TEMPLATE);
	if (json) {
		pm_json_print(stdout, arr);
	} else {
		int r = pm_output_format_each(format, arr);
		if (r != 0)
			return r;
	}
	fflush(stdout);
	if (err)
		return pm_cli_error(err);
	return status;
}

/* ---- rm ------------------------------------------------------------------------------------ */

static const char rm_usage[] =
	"Remove one or more volumes\n"
	"\n"
	"Description:\n"
	"  Remove one or more existing volumes.\n"
	"\n"
	"  By default only volumes that are not being used by any containers will be removed. To "
	"remove the volumes anyways, use the --force flag.\n"
	"\n"
	"Usage:\n"
	"  pm volume rm [options] VOLUME [VOLUME...]\n"
	"\n"
	"Aliases:\n"
	"  rm, remove\n"
	"\n"
	"Examples:\n"
	"  pm volume rm myvol1 myvol2\n"
	"  pm volume rm --all\n"
	"  pm volume rm --force myvol\n"
	"\n"
	"Options:\n"
	"  -a, --all         Remove all volumes\n"
	"  -f, --force       Remove a volume by force, even if it is being used by a container\n"
	"  -t, --time uint   Seconds to wait for running containers to stop before killing the "
	"container (default 10)\n";

/* podman's exit codes for volume rm: 1 no such volume, 2 in use, else 125. */
static int rm_status(int r)
{
	if (r == -ENOENT)
		return 1;
	if (r == -EBUSY)
		return 2;
	return PM_EXIT_ERROR;
}

int cmd_volume_rm(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},
		{"force", no_argument, NULL, 'f'},
		{"time", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	bool all = false, force = false;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "aft:", opts, rm_usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case 'a':
			all = true;
			break;
		case 'f':
			force = true;
			break;
		case 't': {
			uint32_t t;
			if (pm_parse_uint32(optarg, &t) < 0)
				return pm_cli_errorf(
					"invalid argument \"%s\" for \"-t, --time\" flag: "
					"not a number of seconds",
					optarg);
			break;
		}
		}
	}
	int nargs = argc - optind;
	if ((all && nargs > 0) || (!all && nargs == 0))
		return pm_cli_errorf("choose either one or more volumes or all");

	_cleanup_strv_ char **names = NULL;
	if (all) {
		_cleanup_error_ pm_error *err = NULL;
		_cleanup_volume_list_ struct pm_volume **vols = NULL;
		if (pm_volume_list(cli->paths.root, &vols, NULL, &err) < 0)
			return pm_cli_error(err);
		for (size_t i = 0; vols[i]; i++)
			pm_strv_push(&names, vols[i]->name);
	} else {
		for (int i = optind; i < argc; i++)
			pm_strv_push(&names, argv[i]);
	}
	/* TODO(engine): with --force podman first removes the containers using the volume
	 * (pm_volume_users); until containers exist the volume is removed alone. */
	int status = 0;
	pm_error *last = NULL;
	for (size_t i = 0; names && names[i]; i++) {
		_cleanup_error_ pm_error *e = NULL;
		int r = pm_volume_remove(cli->paths.root, names[i], force, &e);
		if (r == -ENOENT && force)
			continue;
		if (r < 0) {
			if (last)
				pm_cli_error(last);
			pm_error_free(last);
			last = TAKE_PTR(e);
			status = rm_status(r);
			continue;
		}
		pm_event_emit(cli->paths.runroot, "volume", "remove", NULL, names[i], NULL);
		printf("%s\n", names[i]);
	}
	fflush(stdout);
	if (last) {
		pm_cli_error(last);
		pm_error_free(last);
	}
	return status;
}

/* ---- prune -------------------------------------------------------------------------------- */

static const char prune_usage[] =
	"Remove all unused volumes\n"
	"\n"
	"Description:\n"
	"  Volumes that are not currently owned by a container will be removed.\n"
	"\n"
	"  The command prompts for confirmation which can be overridden with the --force flag.\n"
	"  Note all data will be destroyed.\n"
	"\n"
	"Usage:\n"
	"  pm volume prune [options]\n"
	"\n"
	"Options:\n"
	"      --filter stringArray   Provide filter values (e.g. 'label=<key>=<value>')\n"
	"  -f, --force                Do not prompt for confirmation\n";

int cmd_volume_prune(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"filter", required_argument, NULL, 'F'},
		{"force", no_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	_cleanup_strv_ char **filter_args = NULL;
	bool force = false;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "f", opts, prune_usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case 'F':
			pm_strv_push(&filter_args, optarg);
			break;
		case 'f':
			force = true;
			break;
		}
	}
	if (!pm_cli_nargs(cli, argc - optind, 0, 0))
		return PM_EXIT_ERROR;
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_volume_filters_ struct pm_volume_filters *fs = NULL;
	if (pm_volume_filters_parse(filter_args, true, &fs, &err) < 0)
		return pm_cli_error(err);
	_cleanup_strv_ char **names = NULL;
	if (pm_volume_prune_candidates(cli->paths.root, fs, &names, &err) < 0)
		return pm_cli_error(err);

	if (!force) {
		printf("WARNING! This will remove all volumes not used by at least one container. "
		       "The following volumes will be removed:\n");
		/* podman asks nothing when there is nothing to remove */
		if (!names || !names[0]) {
			printf("No dangling volumes found\n");
			return 0;
		}
		for (size_t i = 0; names[i]; i++)
			printf("%s\n", names[i]);
		printf("Are you sure you want to continue? [y/N] ");
		int status;
		if (!pm_cli_confirm(&status))
			return status;
	}
	int status = 0;
	for (size_t i = 0; names[i]; i++) {
		_cleanup_error_ pm_error *e = NULL;
		int r = pm_volume_prune_one(cli->paths.root, names[i], &e);
		if (r < 0) {
			status = pm_cli_error(e);
		} else if (r > 0) {
			pm_event_emit(cli->paths.runroot, "volume", "remove", NULL, names[i], NULL);
			pm_event_emit(cli->paths.runroot, "volume", "prune", NULL, names[i], NULL);
			printf("%s\n", names[i]);
		}
	}
	return status;
}

/* ---- exists ------------------------------------------------------------------------------- */

static const char exists_usage[] =
	"Volume exists\n"
	"\n"
	"Description:\n"
	"  If the given volume exists, pm volume exists exits with 0, otherwise the exit code will "
	"be 1.\n"
	"\n"
	"Usage:\n"
	"  pm volume exists VOLUME\n"
	"\n"
	"Examples:\n"
	"  pm volume exists myvol\n";

int cmd_volume_exists(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "", opts, exists_usage)) != -1)
		if (c == PM_OPT_EXIT)
			return st.status;
	int nargs = argc - optind;
	if (nargs != 1)
		return pm_cli_errorf("accepts 1 arg(s), received %d", nargs);
	return pm_volume_exists(cli->paths.root, argv[optind]) ? 0 : 1;
}

/* ---- export / import ------------------------------------------------------------------- */

static const char export_usage[] =
	"Export volumes\n"
	"\n"
	"Description:\n"
	"  Allow content of volume to be exported into external tar.\n"
	"\n"
	"Usage:\n"
	"  pm volume export [options] VOLUME\n"
	"\n"
	"Options:\n"
	"  -o, --output string   Write to a specified file (default: stdout, which must be "
	"redirected) (default \"/dev/stdout\")\n";

int cmd_volume_export(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	const char *output = NULL;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "o:", opts, export_usage)) != -1) {
		if (c == PM_OPT_EXIT)
			return st.status;
		if (c == 'o')
			output = optarg;
	}
	if (!pm_cli_nargs(cli, argc - optind, 1, 1))
		return PM_EXIT_ERROR;
	const char *name = argv[optind];
	/* podman 5's words (4.3 wrote the tar to the terminal) */
	_cleanup_cli_output_ struct pm_cli_output out = {.fd = -1};
	int status = pm_cli_output_open(&out, output,
					"cannot write to terminal, use command-line redirection "
					"or the --output flag",
					true);
	if (status)
		return status;
	_cleanup_error_ pm_error *err = NULL;
	if (!pm_volume_exists(cli->paths.root, name))
		return pm_cli_errorf("no such volume %s", name);
	if (pm_volume_export(cli->paths.root, name, out.fd, &err) < 0)
		return pm_cli_error(err);
	return pm_cli_output_done(&out);
}

static const char import_usage[] =
	"Import a tarball contents into a pm volume\n"
	"\n"
	"Description:\n"
	"  Imports contents into a pm volume from specified tarball (.tar, .tar.gz, .tgz, "
	".bzip, .tar.xz, .txz).\n"
	"\n"
	"Usage:\n"
	"  pm volume import VOLUME [SOURCE]\n"
	"\n"
	"Examples:\n"
	"  pm volume import my_vol /home/user/import.tar\n"
	"  cat ctr.tar | pm volume import my_vol -\n";

int cmd_volume_import(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "", opts, import_usage)) != -1)
		if (c == PM_OPT_EXIT)
			return st.status;
	int nargs = argc - optind;
	if (nargs != 2)
		return pm_cli_errorf("accepts 2 arg(s), received %d", nargs);
	const char *name = argv[optind], *src = argv[optind + 1];
	if (!pm_volume_exists(cli->paths.root, name))
		return pm_cli_errorf("no such volume %s", name);
	_cleanup_close_ int fd = strcmp(src, "-") ? open(src, O_RDONLY | O_CLOEXEC) : -1;
	if (strcmp(src, "-") && fd < 0) /* Go's words for the common case */
		return errno == ENOENT ? pm_cli_errorf("open %s: no such file or directory", src)
				       : pm_cli_errorf("open %s: %m", src);
	_cleanup_error_ pm_error *err = NULL;
	if (pm_volume_import(cli->paths.root, name, fd >= 0 ? fd : STDIN_FILENO, &err) < 0)
		return pm_cli_error(err);
	return 0;
}

static const char reload_usage[] =
	"Reload all volumes from volume plugins\n"
	"\n"
	"Description:\n"
	"  Check all configured volume plugins and update the libpod database with all available\n"
	"  volumes: pm has no volume plugins, so there is nothing to reload.\n"
	"\n"
	"Usage:\n"
	"  pm volume reload\n"
	"\n"
	"Options:\n"
	"  -h, --help   help for reload\n";

int cmd_volume_reload(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 0}, {NULL, 0, NULL, 0}};
	struct pm_opt_state st = {0};
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "", opts, reload_usage)) != -1)
		if (c == PM_OPT_EXIT)
			return st.status;
	return pm_cli_nargs(cli, argc - optind, 0, 0) ? 0 : PM_EXIT_ERROR;
}
