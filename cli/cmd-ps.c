/* cmd-ps.c: `pm ps` / `pm container ls|list|ps`: podman's columns CONTAINER ID, IMAGE,
 * COMMAND, CREATED, STATUS, PORTS, NAMES (+ SIZE), -a -q -l -n --no-trunc --size --format
 * --filter --noheading. Runs outside the rootless namespace unless --size is given (the
 * records are the user's files), so it stays fast with many containers. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/commands.h"
#include "cli/ctr-util.h"
#include "cli/output.h"
#include "engine/inspect.h"
#include "engine/net.h"
#include "engine/ps.h"
#include "lib/timeutil.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "lib/template.h"
#include "pods/pod.h"

static const char usage[] =
	"List containers\n"
	"\n"
	"Description:\n"
	"  Prints out information about the containers\n"
	"\n"
	"Usage:\n"
	"  pm ps [options]\n"
	"\n"
	"Options:\n"
	"  -a, --all             Show all the containers, default is only running containers\n"
	"  -f, --filter strings  Filter output based on conditions given (name, id, status, "
	"label, ancestor, exited, pod, health, since, before, volume, network)\n"
	"      --external        Show containers in storage not controlled by pm (there are "
	"none: accepted)\n"
	"      --format string   Pretty-print containers to JSON or using a Go template\n"
	"  -n, --last int        Print the n last created containers (all states) (default -1)\n"
	"  -l, --latest          Act on the latest container pm is aware of\n"
	"      --noheading       Do not print headers\n"
	"      --ns              Display namespace information\n"
	"      --no-trunc        Display the extended information\n"
	"  -p, --pod             Print the ID and name of the pod the containers are associated "
	"with\n"
	"  -q, --quiet           Print the numeric IDs of the containers only\n"
	"  -s, --size            Display the total file sizes\n"
	"      --sort string     Sort output by: command, created, id, image, names, runningfor, "
	"size, status (default \"created\")\n"
	"      --sync            Sync container state with OCI runtime (pm's state is always "
	"read from the processes: accepted)\n"
	"  -w, --watch uint      Watch the ps output on an interval in seconds\n";

static const char default_format[] = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.CreatedHuman}}\t"
				     "{{.Status}}\t{{.Ports}}\t{{.Names}}";
static const char default_format_size[] =
	"table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.CreatedHuman}}\t{{.Status}}\t{{.Ports}}\t"
	"{{.Names}}\t{{.Size}}";

/* COMMAND: the args joined, cut to 17 characters + "..." past 20 (podman). */
static char *command_cell(char *const *args, bool notrunc)
{
	char *cmdline = args ? pm_strv_join(args, " ") : pm_xstrdup("");
	if (!notrunc && strlen(cmdline) > 20)
		strcpy(cmdline + 17, "...");
	return cmdline;
}

static char *size_cell(const struct pm_ps_row *r)
{
	if (!r->has_size)
		return pm_xstrdup("");
	_cleanup_free_ char *rw = pm_format_size(r->rw_size);
	_cleanup_free_ char *all = pm_format_size(r->rootfs_size);
	return pm_xasprintf("%s (virtual %s)", rw, all);
}

/* Does the template name field? fields NULL: it may name any. */
static bool wants(char *const *fields, bool all, const char *field)
{
	if (all)
		return true;
	for (; fields && *fields; fields++)
		if (!strcasecmp(*fields, field))
			return true;
	return false;
}

static void set_str(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, json_string(v ? v : ""));
}

static void set_take(json_t *o, const char *k, char *v)
{
	json_object_set_new(o, k, json_string(v ? v : ""));
	free(v);
}

/* The template view of one row (podman's psReporter: strings where podman has methods),
 * made from the row itself with only the fields the template names (all when any). */
static json_t *template_row(const struct pm_ps_row *row, int64_t now, bool notrunc,
			    char *const *fields, bool all)
{
	const struct pm_container *c = row->c;
	const struct pm_ctr_state *s = &c->state;
	bool running = s->status == PM_CTR_RUNNING || s->status == PM_CTR_PAUSED;
	json_t *o = json_object();
#define WANT(f) wants(fields, all, f)
	if (WANT("AutoRemove"))
		json_object_set_new(o, "AutoRemove", json_boolean(row->rm));
	if (WANT("Command"))
		set_take(o, "Command", command_cell(row->args, notrunc));
	if (WANT("Created") || WANT("CreatedAt")) {
		char t[PM_TIME_BUF_LEN];
		pm_time_format_go_string(c->created_ns, t);
		set_str(o, "Created", t);
		set_str(o, "CreatedAt", t);
	}
	if (WANT("CreatedHuman") || WANT("RunningFor")) {
		_cleanup_free_ char *ago = pm_format_ago((now - c->created_ns) / PM_NSEC_PER_SEC);
		set_str(o, "CreatedHuman", ago);
		set_str(o, "RunningFor", ago);
	}
	if (WANT("Exited"))
		json_object_set_new(o, "Exited", json_boolean(s->status == PM_CTR_STOPPED));
	if (WANT("ExitedAt"))
		json_object_set_new(o, "ExitedAt", json_integer(pm_gotime_unix(s->finished_ns)));
	if (WANT("ExitCode"))
		json_object_set_new(o, "ExitCode", json_integer(s->exit_code));
	if (WANT("Id"))
		set_str(o, "Id", c->id);
	if (WANT("ID"))
		json_object_set_new(o, "ID",
				    json_stringn(c->id, strnlen(c->id, notrunc ? 64 : 12)));
	if (WANT("Image"))
		set_str(o, "Image", c->image_name);
	if (WANT("ImageID"))
		set_str(o, "ImageID", c->image_id);
	if (WANT("IsInfra"))
		json_object_set_new(o, "IsInfra", json_boolean(c->infra));
	if (WANT("Labels")) {
		json_t *l = pm_json_object_from_kv(row->labels, false);
		json_object_set_new(o, "Labels", l ? l : json_object());
	}
	if (WANT("Mounts")) {
		json_t *m = pm_json_from_strv(row->mounts);
		json_object_set_new(o, "Mounts", m ? m : json_array());
	}
	if (WANT("Names"))
		set_str(o, "Names", c->name);
	if (WANT("Namespaces")) {
		/* by podman's Go field names (MNT, NET, PIDNS, ...) */
		json_t *ns = json_object();
		for (size_t k = 0; k < ARRAY_SIZE(pm_ps_ns_keys); k++) {
			char ino[32] = "";
			if (row->has_ns && row->ns[k])
				snprintf(ino, sizeof(ino), "%llu", row->ns[k]);
			set_str(ns, pm_ps_ns_fields[k], ino);
		}
		json_object_set_new(o, "Namespaces", ns);
	}
	if (WANT("Networks"))
		set_str(o, "Networks", "");
	if (WANT("Pid"))
		json_object_set_new(o, "Pid", json_integer(running ? s->pid : 0));
	if (WANT("Pod")) {
		const char *pod = c->pod_id ? c->pod_id : "";
		json_object_set_new(o, "Pod",
				    json_stringn(pod, notrunc ? strlen(pod) : strnlen(pod, 12)));
	}
	if (WANT("PodName"))
		set_str(o, "PodName", row->pod_name);
	if (WANT("Ports"))
		set_take(o, "Ports", row->nports ? pm_net_ports_ps(row->ports, row->nports) : NULL);
	if (WANT("Size"))
		set_take(o, "Size", size_cell(row));
	if (WANT("StartedAt"))
		json_object_set_new(o, "StartedAt", json_integer(pm_gotime_unix(s->started_ns)));
	if (WANT("State") || WANT("Status")) {
		_cleanup_free_ char *status = pm_ps_status(row, now);
		set_str(o, "State", status);
		set_str(o, "Status", status);
	}
#undef WANT
	return o;
}

static int render(const struct pm_ps_row *prow, size_t nrows, int64_t now, const char *format,
		  const char *sort, bool notrunc, bool noheading, bool size);

/* --format json: podman's JSON rows; a template: the template view of each row. */
static int formatted(const struct pm_ps_row *prow, size_t nrows, int64_t now, const char *format,
		     const char *sort, bool notrunc, bool noheading, bool size)
{
	if (format && (!strcmp(format, "json") || !strcmp(format, "{{json .}}"))) {
		_cleanup_free_ char *js = pm_ps_rows_json(prow, nrows, now, true);
		puts(js);
		return 0;
	}
	return render(prow, nrows, now, format, sort, notrunc, noheading, size);
}

static int sort_key_cmp(json_t *a, json_t *b, const char *key)
{
	if (!strcmp(key, "created"))
		return 0; /* already in creation order */
	const char *field = !strcmp(key, "id")		 ? "Id"
			    : !strcmp(key, "image")	 ? "Image"
			    : !strcmp(key, "names")	 ? "Names"
			    : !strcmp(key, "status")	 ? "Status"
			    : !strcmp(key, "command")	 ? "Command"
			    : !strcmp(key, "runningfor") ? "CreatedHuman"
			    : !strcmp(key, "size")	 ? "Size"
							 : "Id";
	const char *x = json_string_value(json_object_get(a, field));
	const char *y = json_string_value(json_object_get(b, field));
	return strcmp(x ? x : "", y ? y : "");
}

/* One listing (the table, --ns, --quiet or --format). */
static int ps_once(struct pm_cli *cli, const struct pm_ps_opts *opts, const char *format,
		   const char *sort, bool quiet, bool noheading, bool notrunc, bool pod)
{
	struct pm_ps_opts o = *opts;
	_cleanup_error_ pm_error *err = NULL;
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	struct pm_ps_row *prow = NULL;
	size_t nrows = 0;
	if (pm_engine_ps_rows(&e, &o, &prow, &nrows, &err) < 0)
		return pm_cli_error(err);
	for (size_t k = 0; k < nrows; k++) {
		if (prow[k].c->broken)
			pm_log_warn("container %s: %s", prow[k].c->id, prow[k].c->broken);
		_cleanup_pod_ struct pm_pod *p = NULL;
		if (pod && prow[k].c->pod_id[0] && /* PodName with --pod only, as podman */
		    pm_pod_lookup(&cli->paths, prow[k].c->pod_id, &p, NULL) == 0)
			prow[k].pod_name = pm_xstrdup(p->name);
	}
	int64_t now = pm_time_now_ns();
	int rc = 0;
	if (quiet) {
		for (size_t k = 0; k < nrows; k++)
			printf("%.*s\n", notrunc ? 64 : 12, prow[k].c->id);
		goto out;
	}
	if ((!format || !format[0] || !strcmp(format, "table")) && !strcmp(sort, "created") &&
	    o.ns) {
		/* podman's --ns table */
		_cleanup_table_ pm_table *t = pm_table_new();
		if (!noheading)
			pm_table_add_row(t, "CONTAINER ID\tNAMES\tPID\tCGROUPNS\tIPC\tMNT\tNET\t"
					    "PIDNS\tUSERNS\tUTS");
		for (size_t k = 0; k < nrows; k++) {
			const struct pm_ps_row *r = &prow[k];
			/* the columns' order: cgroup ipc mnt net pid user uts */
			static const int col[7] = {1, 2, 0, 3, 4, 6, 5};
			char cells[7][24];
			for (int j = 0; j < 7; j++)
				snprintf(cells[j], sizeof(cells[j]), "%llu", r->ns[col[j]]);
			for (int j = 0; j < 7; j++)
				if (!r->has_ns || !r->ns[col[j]])
					cells[j][0] = '\0';
			_cleanup_free_ char *line = pm_xasprintf(
				"%.*s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s", notrunc ? 64 : 12,
				r->c->id, r->c->name, r->has_ns ? (int)r->c->state.pid : 0,
				cells[0], cells[1], cells[2], cells[3], cells[4], cells[5],
				cells[6]);
			pm_table_add_row(t, line);
		}
		pm_table_print(t, stdout);
		goto out;
	}
	if ((!format || !format[0] || !strcmp(format, "table")) && !strcmp(sort, "created")) {
		/* the default table, without the template engine (fast with many rows) */
		_cleanup_table_ pm_table *t = pm_table_new();
		if (!noheading)
			pm_table_add_row(t,
					 o.size ? "CONTAINER ID\tIMAGE\tCOMMAND\tCREATED\tSTATUS\t"
						  "PORTS\tNAMES\tSIZE"
					 : pod	? "CONTAINER ID\tIMAGE\tCOMMAND\tCREATED\tSTATUS\t"
						  "PORTS\tNAMES\tPOD ID\tPODNAME"
						: "CONTAINER ID\tIMAGE\tCOMMAND\tCREATED\tSTATUS\t"
						  "PORTS\tNAMES");
		for (size_t k = 0; k < nrows; k++) {
			const struct pm_container *ct = prow[k].c;
			_cleanup_free_ char *cmdline = command_cell(prow[k].args, notrunc);
			_cleanup_free_ char *created =
				pm_format_ago((now - ct->created_ns) / PM_NSEC_PER_SEC);
			_cleanup_free_ char *status = pm_ps_status(&prow[k], now);
			_cleanup_free_ char *size = size_cell(&prow[k]);
			_cleanup_free_ char *ports =
				prow[k].nports ? pm_net_ports_ps(prow[k].ports, prow[k].nports)
					       : NULL;
			_cleanup_free_ char *podcols =
				pod && !o.size
					? pm_xasprintf("\t%.*s\t%s", notrunc ? 64 : 12, ct->pod_id,
						       prow[k].pod_name ? prow[k].pod_name : "")
					: pm_xstrdup("");
			_cleanup_free_ char *line = pm_xasprintf(
				"%.*s\t%s\t%s\t%s\t%s\t%s\t%s%s%s%s", notrunc ? 64 : 12, ct->id,
				ct->image_name, cmdline, created, status, ports ? ports : "",
				ct->name, o.size ? "\t" : "", o.size ? size : "", podcols);
			pm_table_add_row(t, line);
		}
		pm_table_print(t, stdout);
		goto out;
	}
	rc = formatted(prow, nrows, now, format, sort, notrunc, noheading, o.size);
out:
	pm_ps_rows_free(prow, nrows);
	return rc;
}

int cmd_ps(struct pm_cli *cli, int argc, char **argv)
{
	enum { OPT_FORMAT = 1000, OPT_NOHEAD, OPT_NOTRUNC, OPT_SORT, OPT_IGNORED, OPT_NS };
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},
		{"filter", required_argument, NULL, 'f'},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"last", required_argument, NULL, 'n'},
		{"latest", no_argument, NULL, 'l'},
		{"noheading", no_argument, NULL, OPT_NOHEAD},
		{"no-trunc", no_argument, NULL, OPT_NOTRUNC},
		{"pod", no_argument, NULL, 'p'},
		{"quiet", no_argument, NULL, 'q'},
		{"size", no_argument, NULL, 's'},
		{"sort", required_argument, NULL, OPT_SORT},
		{"external", no_argument, NULL, OPT_IGNORED},
		{"sync", no_argument, NULL, OPT_IGNORED},
		{"ns", no_argument, NULL, OPT_NS},
		{"watch", required_argument, NULL, 'w'},
		{"help", no_argument, NULL, 0},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	struct pm_ps_opts o = {.last = -1};
	_cleanup_strv_ char **filters = NULL;
	const char *format = NULL, *sort = "created";
	bool quiet = false, noheading = false, notrunc = false, pod = false;
	unsigned watch = 0;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "af:n:lpqsw:", opts, usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case 'a':
			o.all = true;
			break;
		case 'f':
			pm_strv_push(&filters, optarg);
			break;
		case OPT_FORMAT:
			format = optarg;
			break;
		case 'n':
			if (pm_parse_int(optarg, &o.last) < 0)
				return pm_cli_errorf(
					"invalid argument \"%s\" for \"-n, --last\" flag: "
					"strconv.ParseInt: parsing \"%s\": invalid syntax",
					optarg, optarg);
			break;
		case 'w': {
			uint64_t w;
			if (pm_parse_uint64(optarg, &w) < 0)
				return pm_cli_errorf(
					"invalid argument \"%s\" for \"-w, --watch\" flag: "
					"strconv.ParseUint: parsing \"%s\": invalid syntax",
					optarg, optarg);
			watch = w > UINT_MAX ? UINT_MAX : (unsigned)w;
			break;
		}
		case 'l':
			o.latest = true;
			break;
		case OPT_NOHEAD:
			noheading = true;
			break;
		case OPT_NOTRUNC:
			notrunc = true;
			break;
		case 'q':
			quiet = true;
			break;
		case OPT_NS:
			o.ns = true;
			break;
		case 'p':
			pod = true;
			break;
		case 's':
			o.size = true;
			break;
		case OPT_SORT:
			sort = optarg;
			if (strcmp(sort, "command") && strcmp(sort, "created") &&
			    strcmp(sort, "id") && strcmp(sort, "image") && strcmp(sort, "names") &&
			    strcmp(sort, "runningfor") && strcmp(sort, "size") &&
			    strcmp(sort, "status"))
				return pm_cli_errorf(
					"invalid option for --sort, options are: command, "
					"created, id, image, names, runningfor, size, or "
					"status");
			break;
		default:
			break;
		}
	}
	if (!pm_cli_nargs(cli, argc - optind, 0, 0))
		return PM_EXIT_ERROR;
	if (o.latest && o.last >= 0)
		return pm_cli_errorf("--last and --latest are mutually exclusive");
	if (quiet && o.ns)
		return pm_cli_errorf("quiet conflicts with size and namespace");
	o.filters = filters;
	_cleanup_error_ pm_error *err = NULL;
	if (pm_ps_filters_check(filters, &err) < 0)
		return pm_cli_error(err);
	pm_cli_ctr_filters_resolve(cli, filters); /* --filter pod=NAME|ID */
	/* the upper dirs may hold files of container uids: --size looks from inside */
	if (o.size && !quiet && pm_cli_enter_userns(cli, &err) < 0)
		return pm_cli_error(err);
	if (quiet)
		o.size = false;
	o.ids_only = quiet;

	if (watch && o.latest)
		return pm_cli_errorf("the watch and latest flags cannot be used together");
	/* --watch N: the listing again every N seconds, the screen cleared first on a
	 * terminal (podman's); --quiet lists once */
	for (;;) {
		if (watch && !quiet && isatty(STDOUT_FILENO))
			fputs("\033[2J\033[1;1H", stdout);
		int rc = ps_once(cli, &o, format, sort, quiet, noheading, notrunc, pod);
		if (rc != 0 || !watch || quiet)
			return rc;
		fflush(stdout);
		sleep(watch);
	}
}

static int render(const struct pm_ps_row *prow, size_t nrows, int64_t now, const char *format,
		  const char *sort, bool notrunc, bool noheading, bool size)
{
	if (format && !strcmp(format, "table"))
		format = NULL;
	const char *def = size ? default_format_size : default_format;
	/* build only the fields the template names (a bad template: all, the output says why) */
	_cleanup_template_ pm_template *t = NULL;
	_cleanup_strv_ char **fields = NULL;
	bool all = true;
	if (pm_template_parse(format ? format : def, &t, NULL, NULL) == 0 &&
	    !pm_template_is_empty(t) && strcmp(sort, "created") == 0)
		all = pm_template_root_fields(t, &fields);
	_cleanup_json_ json_t *view = json_array();
	for (size_t k = 0; k < nrows; k++)
		json_array_append_new(view, template_row(&prow[k], now, notrunc, fields, all));
	/* --sort (stable insertion sort on the view) */
	size_t n = json_array_size(view);
	if (strcmp(sort, "created") != 0)
		for (size_t a = 1; a < n; a++)
			for (size_t b = a; b > 0 && sort_key_cmp(json_array_get(view, b - 1),
								 json_array_get(view, b), sort) > 0;
			     b--) {
				json_t *x = json_incref(json_array_get(view, b));
				json_array_set(view, b, json_array_get(view, b - 1));
				json_array_set_new(view, b - 1, x);
			}
	static const char *const headers[] = {"ID=CONTAINER ID", "CreatedHuman=CREATED",
					      "RunningFor=CREATED", NULL};
	return pm_output_format_list(format, def, view, noheading, headers);
}
