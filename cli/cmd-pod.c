/* cmd-pod.c: `pm pod start|stop|restart|kill|pause|unpause|rm|prune|exists|inspect|ps`
 * with podman 4's flags, output and exit codes (create: cli/cmd-pod-create.c). Parses and prints;
 * the pods themselves live in pods/ (records, infra, lifecycle, views). Called from the command
 * table (cli/commands.c). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/ctr-util.h"
#include "cli/output.h"
#include "engine/top.h"
#include "engine/validate.h"
#include "lib/fileutil.h"
#include "lib/json.h"
#include "lib/strutil.h"
#include "lib/template.h"
#include "lib/timeutil.h"
#include "pods/lifecycle.h"
#include "pods/view.h"

static struct pm_engine engine_of(struct pm_cli *cli)
{
	return (struct pm_engine){.paths = &cli->paths, .storage_driver = cli->storage_driver};
}

/* Read a --pod-id-file: the id on its first line. A missing file with ignore: nothing. */
static int read_pod_id_file(const char *path, bool ignore, char ***refs)
{
	_cleanup_free_ char *id = NULL;
	_cleanup_error_ pm_error *err = NULL;
	if (pm_read_line_file(path, &id, &err) < 0) {
		if (ignore && err->code == ENOENT)
			return 0;
		return pm_cli_error(err);
	}
	pm_strv_push(refs, id);
	return 0;
}

/* ---- the pods of a command ------------------------------------------------------------------ */

/* The pods refs name (or all), each looked up; an unknown one is printed and sets
 * *status (podman: 125 for most commands, 1 for rm), unless ignore. */
static struct pm_pod **pods_of(struct pm_cli *cli, bool all, char **refs, bool ignore,
			       int missing_status, size_t *ret_n, int *status)
{
	struct pm_pod **list = NULL;
	size_t n = 0;
	*ret_n = 0;
	if (all) {
		_cleanup_error_ pm_error *err = NULL;
		if (pm_pod_list(&cli->paths, &list, &n, &err) < 0) {
			*status = pm_cli_error(err);
			return NULL;
		}
		*ret_n = n;
		return list;
	}
	for (char **r = refs; r && *r; r++) {
		_cleanup_error_ pm_error *err = NULL;
		struct pm_pod *pod = NULL;
		if (pm_pod_lookup(&cli->paths, *r, &pod, &err) < 0) {
			if (ignore && err->code == ENOENT)
				continue;
			pm_cli_error(err);
			if (!*status || err->code != ENOENT)
				*status = err->code == ENOENT ? missing_status : PM_EXIT_ERROR;
			continue;
		}
		list = pm_xrealloc(list, (n + 1) * sizeof(*list));
		list[n++] = pod;
	}
	*ret_n = n;
	return list;
}

enum pod_action { ACT_START, ACT_STOP, ACT_RESTART, ACT_KILL, ACT_PAUSE, ACT_UNPAUSE, ACT_RM };

struct action_opts {
	bool all, latest, ignore, force;
	int timeout;
	int sig;
	char **refs;
};

/* podman's checks of the selection, in its order and words
 * (validate.CheckAllLatestAndIDFile): 0 or an exit status */
static int check_selection(const struct action_opts *o, bool id_files, bool args)
{
	if (id_files && (o->all || o->latest))
		return pm_cli_errorf("--all, --latest, and --pod-id-file cannot be used together");
	if (o->all && o->latest)
		return pm_cli_errorf("--all and --latest cannot be used together");
	if (o->all && args)
		return pm_cli_errorf("no arguments are needed with --all");
	if (o->latest && args)
		return pm_cli_errorf("--latest and containers cannot be used together");
	if (id_files && args)
		return pm_cli_errorf("no arguments are needed with --latest or --pod-id-file");
	return 0;
}

static int do_action(const struct pm_engine *e, enum pod_action act, const struct pm_pod *pod,
		     const struct action_opts *o, pm_error **err)
{
	switch (act) {
	case ACT_START:
		return pm_pod_start(e, pod, err);
	case ACT_STOP:
		return pm_pod_stop(e, pod, o->timeout, err);
	case ACT_RESTART: {
		int r = pm_pod_stop(e, pod, o->timeout, err);
		return r < 0 ? r : pm_pod_start(e, pod, err);
	}
	case ACT_KILL:
		return pm_pod_kill(e, pod, o->sig, err);
	case ACT_PAUSE:
		return pm_pod_pause(e, pod, true, err);
	case ACT_UNPAUSE:
		return pm_pod_pause(e, pod, false, err);
	case ACT_RM:
		return pm_pod_remove(e, pod, o->force, o->timeout, err);
	}
	return -EINVAL;
}

static int run_action(struct pm_cli *cli, enum pod_action act, const struct action_opts *o,
		      int argc, char **argv)
{
	int status = 0;
	_cleanup_strv_ char **refs = pm_strv_copy(o->refs);
	for (int i = optind; i < argc; i++)
		pm_strv_push(&refs, argv[i]);
	if (!o->all && !o->latest && !refs) {
		if (act == ACT_RM && o->ignore)
			return 0;
		return pm_cli_errorf("you must provide at least one name or id");
	}
	struct pm_engine e = engine_of(cli);
	size_t n = 0;
	struct pm_pod **pods = NULL;
	if (o->latest) {
		_cleanup_error_ pm_error *err = NULL;
		if (pm_pod_list(&cli->paths, &pods, &n, &err) < 0)
			return pm_cli_error(err);
		for (size_t i = 1; i < n; i++) /* the newest is first: keep it alone */
			pm_pod_free(pods[i]);
		n = n ? 1 : 0;
		if (!n) {
			pm_pod_list_free(pods, n);
			if (act == ACT_RM && o->ignore)
				return 0;
			pm_cli_errorf("no such pod");
			return act == ACT_RM ? 1 : PM_EXIT_ERROR;
		}
	} else {
		pods = pods_of(cli, o->all, refs, o->ignore, act == ACT_RM ? 1 : PM_EXIT_ERROR, &n,
			       &status);
	}
	if (act == ACT_RM && status) { /* podman resolves all first: none is removed */
		pm_pod_list_free(pods, n);
		return status;
	}
	for (size_t i = 0; i < n; i++) {
		_cleanup_error_ pm_error *err = NULL;
		int r = do_action(&e, act, pods[i], o, &err);
		if (r < 0) {
			if (act == ACT_RM && r == -ENOENT && o->ignore)
				continue;
			if (act == ACT_RM && r == -EBUSY && err) {
				/* podman's multi-line list; made of container and pod ids only */
				fprintf(stderr, "Error: %s\n", err->msg);
				status = PM_EXIT_ERROR;
				continue;
			}
			status = pm_cli_error(err);
			continue;
		}
		if (act == ACT_UNPAUSE && r == 0)
			continue; /* nothing was paused: podman prints nothing */
		printf("%s\n", pods[i]->id);
	}
	pm_pod_list_free(pods, n);
	fflush(stdout);
	return status;
}

static const char start_usage[] =
	"Start one or more pods\n"
	"\n"
	"Usage:\n"
	"  pm pod start [options] POD [POD...]\n"
	"\n"
	"Options:\n"
	"  -a, --all                  Restart all running pods\n"
	"  -l, --latest               Act on the latest pod pm is aware of\n"
	"      --pod-id-file stringArray   Read the pod ID from the file\n";
static const char stop_usage[] =
	"Stop one or more pods\n"
	"\n"
	"Usage:\n"
	"  pm pod stop [options] POD [POD...]\n"
	"\n"
	"Options:\n"
	"  -a, --all                  Stop all running pods\n"
	"  -l, --latest               Act on the latest pod pm is aware of\n"
	"  -i, --ignore               Ignore errors when a specified pod is missing\n"
	"      --pod-id-file stringArray   Read the pod ID from the file\n"
	"  -t, --time int             Seconds to wait for pod stop before killing the "
	"container (default 10)\n";
static const char restart_usage[] = "Restart one or more pods\n"
				    "\n"
				    "Usage:\n"
				    "  pm pod restart [options] POD [POD...]\n"
				    "\n"
				    "Options:\n"
				    "  -a, --all      Restart all running pods\n"
				    "  -l, --latest   Act on the latest pod pm is aware of\n";
static const char kill_usage[] =
	"Send the specified signal or SIGKILL to containers in pod\n"
	"\n"
	"Usage:\n"
	"  pm pod kill [options] POD [POD...]\n"
	"\n"
	"Options:\n"
	"  -a, --all             Kill all running pods\n"
	"  -l, --latest          Act on the latest pod pm is aware of\n"
	"  -s, --signal string   Signal to send to the containers in the pod (default "
	"\"KILL\")\n";
static const char pause_usage[] = "Pause one or more pods\n"
				  "\n"
				  "Usage:\n"
				  "  pm pod pause [options] POD [POD...]\n"
				  "\n"
				  "Options:\n"
				  "  -a, --all      Pause all running pods\n"
				  "  -l, --latest   Act on the latest pod pm is aware of\n";
static const char unpause_usage[] = "Unpause one or more pods\n"
				    "\n"
				    "Usage:\n"
				    "  pm pod unpause [options] POD [POD...]\n"
				    "\n"
				    "Options:\n"
				    "  -a, --all      Unpause all paused pods\n"
				    "  -l, --latest   Act on the latest pod pm is aware of\n";
static const char rm_usage[] =
	"Remove one or more pods\n"
	"\n"
	"Usage:\n"
	"  pm pod rm [options] POD [POD...]\n"
	"\n"
	"Options:\n"
	"  -a, --all                  Remove all running pods\n"
	"  -l, --latest               Act on the latest pod pm is aware of\n"
	"  -f, --force                Force removal of a running pod by first stopping all "
	"containers, then removing all containers in the pod.  The default is false\n"
	"  -i, --ignore               Ignore errors when a specified pod is missing\n"
	"      --pod-id-file stringArray   Read the pod ID from the file\n"
	"  -t, --time int             Seconds to wait for pod stop before killing the "
	"container (default 10)\n";

static int pod_action(struct pm_cli *cli, enum pod_action act, int argc, char **argv)
{
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},
		{"latest", no_argument, NULL, 'l'},
		{"ignore", no_argument, NULL, 'i'},
		{"force", no_argument, NULL, 'f'},
		{"time", required_argument, NULL, 't'},
		{"timeout", required_argument, NULL, 't'},
		{"signal", required_argument, NULL, 's'},
		{"pod-id-file", required_argument, NULL, 'F'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static const char *const usages[] = {
		[ACT_START] = start_usage, [ACT_STOP] = stop_usage,   [ACT_RESTART] = restart_usage,
		[ACT_KILL] = kill_usage,   [ACT_PAUSE] = pause_usage, [ACT_UNPAUSE] = unpause_usage,
		[ACT_RM] = rm_usage,
	};
	/* the flags each command has (podman's) */
	static const char *const shorts[] = {
		[ACT_START] = "al", [ACT_STOP] = "alit:", [ACT_RESTART] = "al", [ACT_KILL] = "als:",
		[ACT_PAUSE] = "al", [ACT_UNPAUSE] = "al", [ACT_RM] = "alfit:",
	};
	struct pm_opt_state st = {0};
	struct action_opts o = {.timeout = -1, .sig = SIGKILL};
	char **id_files = NULL;
	int opt, status = PM_EXIT_ERROR;
	while ((opt = pm_cli_getopt(cli, &st, argc, argv, shorts[act], opts, usages[act])) != -1) {
		if (opt != PM_OPT_EXIT && opt != 'F' && !strchr(shorts[act], opt)) {
			/* a long flag this command does not have */
			status = pm_cli_errorf("unknown flag: --%s\nSee '%s --help'",
					       argv[optind - 1] + 2, cli->cmdpath);
			goto out;
		}
		switch (opt) {
		case PM_OPT_EXIT:
			status = st.status;
			goto out;
		case 'a':
			o.all = true;
			break;
		case 'l':
			o.latest = true;
			break;
		case 'i':
			o.ignore = true;
			break;
		case 'f':
			o.force = true;
			break;
		case 't':
			if (!pm_cli_parse_seconds("--time", optarg, &o.timeout))
				goto out;
			break;
		case 's':
			if (pm_engine_parse_signal(optarg, &o.sig) < 0) {
				status = pm_cli_errorf("invalid signal: %s", optarg);
				goto out;
			}
			break;
		case 'F': /* read once -i is known */
			pm_strv_push(&id_files, optarg);
			break;
		default:
			goto out;
		}
	}
	if (act == ACT_RM && o.timeout >= 0 && !o.force) {
		status = pm_cli_errorf("--force option must be specified to use the --time option");
		goto out;
	}
	if ((status = check_selection(&o, id_files, optind < argc)) != 0)
		goto out;
	for (char **f = id_files; f && *f; f++)
		if ((status = read_pod_id_file(*f, o.ignore, &o.refs)) != 0)
			goto out;
	if (id_files && !o.refs && o.ignore && optind >= argc && !o.all) {
		status = 0; /* only missing id files, and --ignore: nothing to do */
		goto out;
	}
	status = run_action(cli, act, &o, argc, argv);
	/* the pods are gone: so are the files that named them (podman's pod rm) */
	for (char **f = id_files; act == ACT_RM && status == 0 && f && *f; f++)
		unlink(*f);
out:
	pm_strv_free(id_files);
	pm_strv_free(o.refs);
	return status;
}

int cmd_pod_start(struct pm_cli *cli, int argc, char **argv)
{
	return pod_action(cli, ACT_START, argc, argv);
}

int cmd_pod_stop(struct pm_cli *cli, int argc, char **argv)
{
	return pod_action(cli, ACT_STOP, argc, argv);
}

int cmd_pod_restart(struct pm_cli *cli, int argc, char **argv)
{
	return pod_action(cli, ACT_RESTART, argc, argv);
}

int cmd_pod_kill(struct pm_cli *cli, int argc, char **argv)
{
	return pod_action(cli, ACT_KILL, argc, argv);
}

int cmd_pod_pause(struct pm_cli *cli, int argc, char **argv)
{
	return pod_action(cli, ACT_PAUSE, argc, argv);
}

int cmd_pod_unpause(struct pm_cli *cli, int argc, char **argv)
{
	return pod_action(cli, ACT_UNPAUSE, argc, argv);
}

int cmd_pod_rm(struct pm_cli *cli, int argc, char **argv)
{
	return pod_action(cli, ACT_RM, argc, argv);
}

/* ---- prune, exists ----------------------------------------------------------------------- */

static const char prune_usage[] =
	"Remove all stopped pods and their containers\n"
	"\n"
	"Usage:\n"
	"  pm pod prune [options]\n"
	"\n"
	"Options:\n"
	"  -f, --force   Do not prompt for confirmation.  The default is false\n";

int cmd_pod_prune(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"force", no_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	bool force = false;
	int opt;
	while ((opt = pm_cli_getopt(cli, &st, argc, argv, "f", opts, prune_usage)) != -1) {
		if (opt == PM_OPT_EXIT)
			return st.status;
		if (opt != 'f')
			return PM_EXIT_ERROR;
		force = true;
	}
	if (!pm_cli_nargs(cli, argc - optind, 0, 0))
		return PM_EXIT_ERROR;
	if (!force) {
		printf("WARNING! This will remove all stopped/exited pods..\n"
		       "Are you sure you want to continue? [y/N] ");
		int status;
		if (!pm_cli_confirm(&status))
			return status;
	}
	struct pm_engine e = engine_of(cli);
	struct pm_pod **pods = NULL;
	size_t n = 0;
	_cleanup_error_ pm_error *err = NULL;
	if (pm_pod_list(e.paths, &pods, &n, &err) < 0)
		return pm_cli_error(err);
	int status = 0;
	for (size_t i = 0; i < n; i++) {
		struct pm_container **ctrs = NULL;
		size_t nc = 0;
		if (pm_pod_containers(&e, pods[i], &ctrs, &nc, NULL) < 0)
			continue;
		const char *s = pm_pod_status(ctrs, nc);
		pm_container_list_free(ctrs, nc);
		if (strcmp(s, "Exited") && strcmp(s, "Stopped"))
			continue;
		_cleanup_error_ pm_error *e1 = NULL;
		if (pm_pod_remove(&e, pods[i], false, -1, &e1) < 0) {
			status = pm_cli_error(e1);
			continue;
		}
		printf("%s\n", pods[i]->id);
	}
	pm_pod_list_free(pods, n);
	return status;
}

static const char exists_usage[] = "Check if a pod exists in local storage\n"
				   "\n"
				   "Usage:\n"
				   "  pm pod exists POD\n";

int cmd_pod_exists(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	struct pm_opt_state st = {0};
	int opt;
	while ((opt = pm_cli_getopt(cli, &st, argc, argv, "", opts, exists_usage)) != -1)
		return opt == PM_OPT_EXIT ? st.status : PM_EXIT_ERROR;
	if (!pm_cli_nargs(cli, argc - optind, 1, 1))
		return PM_EXIT_ERROR;
	_cleanup_pod_ struct pm_pod *pod = NULL;
	_cleanup_error_ pm_error *err = NULL;
	int r = pm_pod_lookup(&cli->paths, argv[optind], &pod, &err);
	if (r == -ENOENT)
		return 1;
	if (r < 0)
		return pm_cli_error(err);
	return 0;
}

/* ---- inspect ----------------------------------------------------------------------------- */

static const char inspect_usage[] =
	"Displays a pod configuration\n"
	"\n"
	"Usage:\n"
	"  pm pod inspect [options] POD [POD...]\n"
	"\n"
	"Options:\n"
	"  -f, --format string   Format the output to a Go template or json (default "
	"\"json\")\n"
	"  -l, --latest          Act on the latest pod pm is aware of\n";

int cmd_pod_inspect(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"latest", no_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	const char *format = NULL;
	bool latest = false;
	int opt;
	while ((opt = pm_cli_getopt(cli, &st, argc, argv, "f:l", opts, inspect_usage)) != -1) {
		if (opt == PM_OPT_EXIT)
			return st.status;
		if (opt == 'f')
			format = optarg;
		else if (opt == 'l')
			latest = true;
		else
			return PM_EXIT_ERROR;
	}
	if (latest && optind < argc) /* podman's words */
		return pm_cli_errorf("--latest and arguments cannot be used together");
	struct pm_engine e = engine_of(cli);
	_cleanup_strv_ char **refs = NULL;
	if (latest) {
		struct pm_pod **pods = NULL;
		size_t n = 0;
		pm_pod_list(e.paths, &pods, &n, NULL);
		if (n)
			pm_strv_push(&refs, pods[0]->id);
		pm_pod_list_free(pods, n);
		if (!refs)
			return pm_cli_errorf("no such pod");
	} else {
		if (argc - optind < 1) /* podman's words */
			return pm_cli_errorf("no names or ids specified");
		for (int i = optind; i < argc; i++)
			pm_strv_push(&refs, argv[i]);
	}
	int status = 0;
	_cleanup_json_ json_t *arr = json_array();
	for (char **r = refs; *r; r++) {
		_cleanup_pod_ struct pm_pod *pod = NULL;
		_cleanup_error_ pm_error *err = NULL;
		_cleanup_free_ char *text = NULL;
		if (pm_pod_lookup(e.paths, *r, &pod, &err) < 0) {
			status = pm_cli_errorf("inspecting object: no such pod %s", *r);
			continue;
		}
		if (pm_pod_inspect_json(&e, pod, &text, &err) < 0) {
			status = pm_cli_error(err);
			continue;
		}
		json_t *o = json_loads(text, 0, NULL);
		if (!o)
			continue;
		/* podman's omitempty fields are still struct fields to its templates */
		if (format && strcmp(format, "json") && !json_object_get(o, "InfraContainerID"))
			json_object_set_new(o, "InfraContainerID", json_string(""));
		json_array_append_new(arr, o);
	}
	if (json_array_size(arr) == 0) {
		if (!format || !strcmp(format, "json"))
			printf("[]\n");
		return status;
	}
	int r;
	if (!format || !strcmp(format, "json"))
		r = json_array_size(arr) == 1 ? pm_output_format_one("json", json_array_get(arr, 0))
					      : pm_output_format_one("json", arr);
	else
		r = pm_output_format_each(format, arr);
	return status ? status : r;
}

/* ---- ps ------------------------------------------------------------------------------------ */

static const char ps_usage[] =
	"List pods\n"
	"\n"
	"Usage:\n"
	"  pm pod ps [options]\n"
	"\n"
	"Aliases:\n"
	"  ps, ls, list\n"
	"\n"
	"Options:\n"
	"      --ctr-ids           Display the container UUIDs. If no-trunc is not set they "
	"will be truncated\n"
	"      --ctr-names         Display the container names\n"
	"      --ctr-status        Display the container status\n"
	"  -f, --filter strings    Filter output based on conditions given\n"
	"      --format string     Pretty-print pods to JSON or using a Go template\n"
	"  -l, --latest            Act on the latest pod pm is aware of\n"
	"      --no-trunc          Do not truncate pod and container IDs\n"
	"      --noheading         Do not print headers\n"
	"      --ns                Display namespace information of the pod\n"
	"  -q, --quiet             Print the numeric IDs of the pods only\n"
	"      --sort string       Sort output by created, id, name, or number (default "
	"\"created\")\n";

static const char *sort_key;

/* --sort: created (the listing's own order, newest first), id, name, number, status;
 * stable (equal keys keep the listing's order: rows point into one array) */
static int cmp_rows(const void *a, const void *b)
{
	const struct pm_pod_ps_row *x = *(const struct pm_pod_ps_row *const *)a;
	const struct pm_pod_ps_row *y = *(const struct pm_pod_ps_row *const *)b;
	int c = 0;
	if (!strcmp(sort_key, "number"))
		c = x->n < y->n ? -1 : x->n > y->n;
	else if (!strcmp(sort_key, "id"))
		c = strcmp(x->pod->id, y->pod->id);
	else if (!strcmp(sort_key, "status"))
		c = strcmp(x->status, y->status);
	else
		c = strcmp(x->pod->name, y->pod->name);
	return c ? c : x < y ? -1 : x > y;
}

/* An id as the columns show it: cut to 12 unless no_trunc. */
static json_t *id_json(const char *id, bool no_trunc)
{
	return json_stringn(id, no_trunc ? strlen(id) : strnlen(id, 12));
}

/* The containers' names, ids or statuses joined by "," (podman's reporter methods). */
enum ctr_col { COL_NAMES, COL_IDS, COL_STATUSES };
static char *ctr_join(const struct pm_pod_ps_row *row, enum ctr_col col, bool no_trunc)
{
	size_t len = 0;
	for (size_t i = 0; i < row->n; i++) {
		const struct pm_container *c = row->ctrs[i];
		len += 1 + (col == COL_NAMES ? strlen(c->name)
			    : col == COL_IDS ? (no_trunc ? strlen(c->id) : strnlen(c->id, 12))
					     : strlen(pm_ctr_status_string(c->state.status)));
	}
	char *s = pm_xcalloc(len + 1, 1), *p = s;
	for (size_t i = 0; i < row->n; i++) {
		const struct pm_container *c = row->ctrs[i];
		if (i)
			*p++ = ',';
		const char *v = col == COL_NAMES ? c->name
				: col == COL_IDS ? c->id
						 : pm_ctr_status_string(c->state.status);
		size_t vl = col == COL_IDS && !no_trunc ? strnlen(v, 12) : strlen(v);
		memcpy(p, v, vl);
		p += vl;
	}
	*p = '\0';
	return s;
}

/* The template view's fields (podman's pod ps reporter), in the order {{json .}} shows them. */
enum {
	F_CGROUP,
	F_CONTAINERS,
	F_CREATED,
	F_ID,
	F_INFRAID,
	F_INFRAID2,
	F_NUMBER,
	F_NAMES,
	F_IDS,
	F_STATUSES,
	F_NAME,
	F_NAMESPACE,
	F_NETWORKS,
	F_STATUS,
	F_LABELS,
	F_COUNT
};
static const char *const view_fields[F_COUNT] = {
	"Cgroup",  "Containers",	 "Created",	   "Id",	   "InfraId",
	"InfraID", "NumberOfContainers", "ContainerNames", "ContainerIds", "ContainerStatuses",
	"Name",	   "Namespace",		 "Networks",	   "Status",	   "Labels",
};

/* Which view fields the template names (fields NULL and all: it may name any), as bits of
 * 1 << F_*: found once, not once a row. Names match without regard to case, as the
 * template's lookup does. */
static unsigned wanted_fields(char *const *fields, bool all)
{
	if (all)
		return (1u << F_COUNT) - 1;
	unsigned m = 0;
	for (; fields && *fields; fields++)
		for (unsigned k = 0; k < F_COUNT; k++)
			if (!strcasecmp(*fields, view_fields[k]))
				m |= 1u << k;
	return m;
}

/* The template view of one row (podman's pod ps reporter: Id and InfraId cut to 12 unless
 * no_trunc, Created as "5 minutes ago", NumberOfContainers, ContainerNames, ContainerIds,
 * ContainerStatuses joined by ","), with only the fields in want (wanted_fields). */
static json_t *template_row(const struct pm_pod_ps_row *row, int64_t now, bool no_trunc,
			    unsigned want)
{
	const struct pm_pod *pod = row->pod;
	json_t *o = json_object();
#define WANT(f) (want & (1u << (f)))
	if (WANT(F_CGROUP))
		json_object_set_new(o, "Cgroup", json_string(""));
	if (WANT(F_CONTAINERS)) {
		json_t *cs = json_array();
		for (size_t i = 0; i < row->n; i++) {
			const struct pm_container *c = row->ctrs[i];
			json_t *e = json_object();
			json_object_set_new(e, "Id", json_string(c->id));
			json_object_set_new(e, "Names", json_string(c->name));
			json_object_set_new(e, "Status",
					    json_string(pm_ctr_status_string(c->state.status)));
			json_object_set_new(e, "RestartCount",
					    json_integer((int)c->state.restart_count));
			json_array_append_new(cs, e);
		}
		json_object_set_new(o, "Containers", cs);
	}
	if (WANT(F_CREATED)) {
		_cleanup_free_ char *ago = pm_format_ago((now - pod->created_ns) / PM_NSEC_PER_SEC);
		json_object_set_new(o, "Created", json_string(ago));
	}
	if (WANT(F_ID))
		json_object_set_new(o, "Id", id_json(pod->id, no_trunc));
	if (WANT(F_INFRAID))
		json_object_set_new(o, "InfraId", id_json(pod->infra_id, no_trunc));
	if (WANT(F_INFRAID2))
		json_object_set_new(o, "InfraID", id_json(pod->infra_id, no_trunc));
	if (WANT(F_NUMBER))
		json_object_set_new(o, "NumberOfContainers", json_integer((json_int_t)row->n));
	for (unsigned k = F_NAMES; k <= F_STATUSES; k++)
		if (WANT(k)) {
			_cleanup_free_ char *j =
				ctr_join(row, (enum ctr_col)(k - F_NAMES), no_trunc);
			json_object_set_new(o, view_fields[k], json_string(j));
		}
	if (WANT(F_NAME))
		json_object_set_new(o, "Name", json_string(pod->name));
	if (WANT(F_NAMESPACE))
		json_object_set_new(o, "Namespace", json_string(""));
	if (WANT(F_NETWORKS))
		json_object_set_new(o, "Networks", json_array());
	if (WANT(F_STATUS))
		json_object_set_new(o, "Status", json_string(row->status));
	if (WANT(F_LABELS))
		json_object_set_new(o, "Labels", pm_json_object_from_kv(pod->cfg.labels, false));
#undef WANT
	return o;
}

/* The default table (and "table"), without the template engine: what its template
 * "table {{.Id}}\t{{.Name}}\t{{.Status}}\t{{.Created}}\t{{.InfraId}}" and the --ctr-*
 * columns (else {{.NumberOfContainers}}) print. */
static void default_table(struct pm_pod_ps_row *const *rows, size_t n, int64_t now, bool no_trunc,
			  bool noheading, bool ids, bool names, bool statuses, bool ns)
{
	_cleanup_table_ pm_table *t = pm_table_new();
	if (!noheading) {
		_cleanup_free_ char *h =
			pm_xasprintf("POD ID\tNAME\tSTATUS\tCREATED\tINFRA ID%s%s%s%s%s",
				     ids ? "\tIDS" : "", names ? "\tNAMES" : "",
				     statuses ? "\tSTATUS" : "", ns ? "\tCGROUP\tNAMESPACES" : "",
				     ids || names || statuses ? "" : "\t# OF CONTAINERS");
		pm_table_add_row(t, h);
	}
	int w = no_trunc ? 64 : 12;
	for (size_t i = 0; i < n; i++) {
		const struct pm_pod_ps_row *r = rows[i];
		_cleanup_free_ char *ago =
			pm_format_ago((now - r->pod->created_ns) / PM_NSEC_PER_SEC);
		_cleanup_free_ char *ci = ids ? ctr_join(r, COL_IDS, no_trunc) : NULL;
		_cleanup_free_ char *cn = names ? ctr_join(r, COL_NAMES, no_trunc) : NULL;
		_cleanup_free_ char *cs = statuses ? ctr_join(r, COL_STATUSES, no_trunc) : NULL;
		char num[24] = "";
		if (!ids && !names && !statuses)
			snprintf(num, sizeof(num), "\t%zu", r->n);
		_cleanup_free_ char *line = pm_xasprintf(
			"%.*s\t%s\t%s\t%s\t%.*s%s%s%s%s%s%s%s%s", w, r->pod->id, r->pod->name,
			r->status, ago, w, r->pod->infra_id, ids ? "\t" : "", ci ? ci : "",
			names ? "\t" : "", cn ? cn : "", statuses ? "\t" : "", cs ? cs : "",
			ns ? "\t\t" : "" /* no pod cgroup of pm's own; no libpod namespace */, num);
		pm_table_add_row(t, line);
	}
	pm_table_print(t, stdout);
}

/* A --format template: compiled once for the fields it names, then each row's view of
 * only those. */
static int template_rows(struct pm_pod_ps_row *const *rows, size_t n, int64_t now,
			 const char *format, const char *def, bool no_trunc, bool noheading)
{
	_cleanup_template_ pm_template *t = NULL;
	_cleanup_strv_ char **fields = NULL;
	bool all = true;
	/* a bad template: all (pm_output_format_list says why) */
	if (pm_template_parse(format && format[0] ? format : def, &t, NULL, NULL) == 0 &&
	    !pm_template_is_empty(t))
		all = pm_template_root_fields(t, &fields);
	unsigned want = wanted_fields(fields, all);
	_cleanup_json_ json_t *view = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(view, template_row(rows[i], now, no_trunc, want));
	static const char *const headers[] = {"Id=POD ID",
					      "InfraId=INFRA ID",
					      "NumberOfContainers=# OF CONTAINERS",
					      "ContainerIds=IDS",
					      "ContainerNames=NAMES",
					      "ContainerStatuses=STATUS",
					      "Namespace=NAMESPACES",
					      NULL};
	return pm_output_format_list(format, def, view, noheading, headers);
}

static char *append(char *s, const char *more)
{
	char *r = pm_xasprintf("%s%s", s, more);
	free(s);
	return r;
}

int cmd_pod_ps(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"ctr-ids", no_argument, NULL, 'I'},	  {"ctr-names", no_argument, NULL, 'N'},
		{"ctr-status", no_argument, NULL, 'S'},	  {"filter", required_argument, NULL, 'f'},
		{"format", required_argument, NULL, 'F'}, {"latest", no_argument, NULL, 'l'},
		{"no-trunc", no_argument, NULL, 'T'},	  {"noheading", no_argument, NULL, 'n'},
		{"quiet", no_argument, NULL, 'q'},	  {"sort", required_argument, NULL, 's'},
		{"namespace", no_argument, NULL, 'X'},	  {"ns", no_argument, NULL, 'X'},
		{"help", no_argument, NULL, 'h'},	  {NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	bool ids = false, names = false, statuses = false, no_trunc = false, noheading = false,
	     quiet = false, latest = false, ns = false;
	const char *format = NULL;
	_cleanup_strv_ char **filters = NULL;
	sort_key = "created";
	int opt;
	while ((opt = pm_cli_getopt(cli, &st, argc, argv, "f:lq", opts, ps_usage)) != -1) {
		switch (opt) {
		case PM_OPT_EXIT:
			return st.status;
		case 'I':
			ids = true;
			break;
		case 'N':
			names = true;
			break;
		case 'S':
			statuses = true;
			break;
		case 'f':
			pm_strv_push(&filters, optarg);
			break;
		case 'F':
			format = optarg;
			break;
		case 'l':
			latest = true;
			break;
		case 'T':
			no_trunc = true;
			break;
		case 'n':
			noheading = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 's':
			if (strcmp(optarg, "created") && strcmp(optarg, "id") &&
			    strcmp(optarg, "name") && strcmp(optarg, "number") &&
			    strcmp(optarg, "status"))
				return pm_cli_errorf("invalid option for --sort, options are: "
						     "id, names, or number");
			sort_key = optarg;
			break;
		case 'X':
			ns = true;
			break;
		default:
			return PM_EXIT_ERROR;
		}
	}
	if (!pm_cli_nargs(cli, argc - optind, 0, 0))
		return PM_EXIT_ERROR;
	struct pm_engine e = engine_of(cli);
	bool json = format && (!strcmp(format, "json") || !strcmp(format, "{{json .}}"));
	_cleanup_error_ pm_error *err = NULL;
	struct pm_pod_ps_row *rows = NULL;
	size_t nrows = 0;
	if (pm_pod_ps_rows(&e, filters, &rows, &nrows, &err) < 0)
		return pm_cli_error(err);
	size_t n = latest && nrows > 1 ? 1 : nrows; /* --latest: the newest */
	struct pm_pod_ps_row **view = pm_xcalloc(n ? n : 1, sizeof(*view));
	for (size_t i = 0; i < n; i++)
		view[i] = &rows[i];
	if (strcmp(sort_key, "created") && n > 1)
		qsort(view, n, sizeof(*view), cmp_rows);
	int rc = 0;
	int64_t now = pm_time_now_ns();
	bool table = !format || !format[0] || !strcmp(format, "table");
	if (quiet && !format) {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", view[i]->pod->id);
	} else if (json) {
		_cleanup_free_ char *text =
			pm_pod_ps_rows_json((const struct pm_pod_ps_row *const *)view, n, 4);
		puts(text);
	} else if (table) {
		default_table(view, n, now, no_trunc, noheading, ids, names, statuses, ns);
	} else {
		_cleanup_free_ char *def = pm_xstrdup(
			"table {{.Id}}\t{{.Name}}\t{{.Status}}\t{{.Created}}\t{{.InfraId}}");
		if (ids)
			def = append(def, "\t{{.ContainerIds}}");
		if (names)
			def = append(def, "\t{{.ContainerNames}}");
		if (statuses)
			def = append(def, "\t{{.ContainerStatuses}}");
		if (ns)
			def = append(def, "\t{{.Cgroup}}\t{{.Namespace}}");
		if (!ids && !names && !statuses)
			def = append(def, "\t{{.NumberOfContainers}}");
		rc = template_rows(view, n, now, format, def, no_trunc, noheading);
	}
	free(view);
	pm_pod_ps_rows_free(rows, nrows);
	return rc;
}

/* ---- top, logs ----------------------------------------------------------------------------- */

static const char top_usage[] = "Display the running processes of containers in a pod\n"
				"\n"
				"Usage:\n"
				"  pm pod top [options] POD [FORMAT-DESCRIPTORS|ARGS...]\n"
				"\n"
				"Options:\n"
				"  -l, --latest   Act on the latest pod pm is aware of\n";

int cmd_pod_top(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{"latest", no_argument, NULL, 'l'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	struct pm_opt_state st = {0};
	bool latest = false;
	int opt;
	while ((opt = pm_cli_getopt(cli, &st, argc, argv, "+l", opts, top_usage)) != -1) {
		if (opt == PM_OPT_EXIT)
			return st.status;
		if (opt != 'l')
			return PM_EXIT_ERROR;
		latest = true;
	}
	struct pm_engine e = engine_of(cli);
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_pod_ struct pm_pod *pod = NULL;
	int first_desc = optind;
	if (latest) {
		struct pm_pod **pods = NULL;
		size_t n = 0;
		pm_pod_list(e.paths, &pods, &n, NULL);
		if (n)
			pod = TAKE_PTR(pods[0]);
		pm_pod_list_free(pods, n);
		if (!pod)
			return pm_cli_errorf("no pods to inspect: no such pod");
	} else {
		if (argc - optind < 1)
			return pm_cli_errorf("you must provide the name or id of a running pod");
		if (pm_pod_lookup(e.paths, argv[optind], &pod, &err) < 0)
			return pm_cli_errorf("unable to look up requested container: %s", err->msg);
		first_desc = optind + 1;
	}
	_cleanup_strv_ char **ds = NULL;
	if (pm_top_descs_parse(argv + first_desc, argc - first_desc, &ds, &err) < 0)
		return pm_cli_error(err);
	struct pm_container **ctrs = NULL;
	size_t n = 0;
	if (pm_pod_containers(&e, pod, &ctrs, &n, &err) < 0)
		return pm_cli_error(err);
	_cleanup_table_ pm_table *t = pm_table_new();
	size_t shown = 0;
	int status = 0;
	for (size_t i = 0; i < n; i++) {
		if (!pm_ctr_is_running(ctrs[i]))
			continue;
		_cleanup_top_table_ struct pm_top_table top = {0};
		_cleanup_error_ pm_error *e1 = NULL;
		if (pm_engine_top(&e, ctrs[i], ds, &top, &e1) < 0) {
			status = pm_cli_error(e1);
			break;
		}
		if (shown++ == 0) {
			_cleanup_free_ char *hrow = pm_strv_join(top.headers, "\t");
			pm_table_add_row(t, hrow);
		}
		for (size_t k = 0; k < top.n_rows; k++) {
			_cleanup_free_ char *row = pm_strv_join(top.rows[k], "\t");
			pm_table_add_row(t, row);
		}
	}
	pm_container_list_free(ctrs, n);
	if (status)
		return status;
	if (!shown)
		return pm_cli_errorf("pod top can only be used on pods with at least one running "
				     "container");
	pm_table_print(t, stdout);
	return 0;
}

static const char logs_usage[] =
	"Fetch logs for pod with one or more containers\n"
	"\n"
	"Usage:\n"
	"  pm pod logs [options] POD\n"
	"\n"
	"Options:\n"
	"      --color              Output the containers within a pod with different colors "
	"in the log\n"
	"  -c, --container string   Filter logs by container name or id which belongs to pod\n"
	"  -f, --follow             Follow log output.  The default is false\n"
	"  -l, --latest             Act on the latest pod pm is aware of\n"
	"  -n, --names              Output container names instead of container IDs in the "
	"log\n"
	"      --since string       Show logs since TIMESTAMP\n"
	"      --tail int           Output the specified number of LINES at the end of the "
	"logs.  Defaults to -1, which prints all lines (default -1)\n"
	"  -t, --timestamps         Output the timestamps in the log\n"
	"      --until string       Show logs until TIMESTAMP\n";

int cmd_pod_logs(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"color", no_argument, NULL, 'C'},
		{"container", required_argument, NULL, 'c'},
		{"follow", no_argument, NULL, 'f'},
		{"latest", no_argument, NULL, 'l'},
		{"names", no_argument, NULL, 'n'},
		{"since", required_argument, NULL, 'S'},
		{"tail", required_argument, NULL, 'T'},
		{"timestamps", no_argument, NULL, 't'},
		{"until", required_argument, NULL, 'U'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	_cleanup_strv_ char **largs = NULL;
	const char *only = NULL;
	bool latest = false;
	int opt;
	pm_strv_push(&largs, "logs");
	while ((opt = pm_cli_getopt(cli, &st, argc, argv, "c:flnt", opts, logs_usage)) != -1) {
		switch (opt) {
		case PM_OPT_EXIT:
			return st.status;
		case 'c':
			only = optarg;
			break;
		case 'l':
			latest = true;
			break;
		case 'C':
			pm_strv_push(&largs, "--color");
			break;
		case 'f':
			pm_strv_push(&largs, "--follow");
			break;
		case 'n':
			pm_strv_push(&largs, "--names");
			break;
		case 't':
			pm_strv_push(&largs, "--timestamps");
			break;
		case 'S':
			pm_strv_consume(&largs, pm_xasprintf("--since=%s", optarg));
			break;
		case 'T':
			pm_strv_consume(&largs, pm_xasprintf("--tail=%s", optarg));
			break;
		case 'U':
			pm_strv_consume(&largs, pm_xasprintf("--until=%s", optarg));
			break;
		default:
			return PM_EXIT_ERROR;
		}
	}
	struct pm_engine e = engine_of(cli);
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_pod_ struct pm_pod *pod = NULL;
	if (latest) {
		struct pm_pod **pods = NULL;
		size_t n = 0;
		pm_pod_list(e.paths, &pods, &n, NULL);
		if (n)
			pod = TAKE_PTR(pods[0]);
		pm_pod_list_free(pods, n);
		if (!pod)
			return pm_cli_errorf("no pods to inspect: no such pod");
	} else {
		if (argc - optind < 1)
			return pm_cli_errorf("specify at least one pod name or ID to log");
		if (!pm_cli_nargs(cli, argc - optind, 1, 1))
			return PM_EXIT_ERROR;
		if (pm_pod_lookup(e.paths, argv[optind], &pod, &err) < 0)
			return pm_cli_error(err);
	}
	struct pm_container **ctrs = NULL;
	size_t n = 0;
	if (pm_pod_containers(&e, pod, &ctrs, &n, &err) < 0)
		return pm_cli_error(err);
	size_t members = 0;
	for (size_t i = 0; i < n; i++) {
		if (ctrs[i]->infra)
			continue;
		if (only && strcmp(ctrs[i]->name, only) && !pm_str_startswith(ctrs[i]->id, only))
			continue;
		pm_strv_push(&largs, ctrs[i]->id);
		members++;
	}
	pm_container_list_free(ctrs, n);
	if (only && !members)
		return pm_cli_errorf("container %s is not in pod %s: no such container", only,
				     pod->name);
	if (!members)
		return pm_cli_errorf("pod %s does not have any containers with logs", pod->name);
	return cmd_logs(cli, (int)pm_strv_length(largs), largs);
}
