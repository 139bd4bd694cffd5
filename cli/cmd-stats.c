/* cmd-stats.c: `pm stats` / `pm container stats`: the resource usage of containers with
 * podman 4.3's columns (ID NAME CPU % MEM USAGE / LIMIT MEM % NET IO BLOCK IO PIDS CPU TIME
 * AVG CPU %), template fields and JSON, once (--no-stream) or every --interval seconds. No
 * container named: every container, by id, as podman (a container that is not running shows
 * a row of zeros). The first CPU % is over the container's run so far, the next over the
 * interval: nothing waits. Figures: engine/stats.h through cli/stats-util.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/stats-util.h"
#include "engine/health-parse.h"
#include "engine/run.h"
#include "lib/json.h"
#include "lib/strutil.h"
#include "runtime/limits.h"

static const char stats_usage[] =
	"Display a live stream of container resource usage statistics\n"
	"\n"
	"Description:\n"
	"  Display percentage of CPU, memory, network I/O, block I/O and PIDs for one or more "
	"containers.\n"
	"\n"
	"Usage:\n"
	"  pm stats [options] [CONTAINER...]\n"
	"\n"
	"Options:\n"
	"  -a, --all             Show all containers. Only running containers are shown by "
	"default. The default is false\n"
	"      --format string   Pretty-print container statistics to JSON or using a Go "
	"template\n"
	"  -i, --interval int    Time in seconds between stats reports (default 5)\n"
	"  -l, --latest          Act on the latest container pm is aware of\n"
	"      --no-reset        Disable resetting the screen between intervals\n"
	"      --no-stream       Disable streaming stats and only pull the first result, "
	"default setting is false\n"
	"      --no-trunc        Do not truncate output\n";

static const char default_format[] =
	"table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t"
	"{{.BlockIO}}\t{{.PIDS}}\t{{.UpTime}}\t{{.AVGCPU}}";

/* podman's headers: its overrides, and the field names it splits itself where the
 * case-insensitive match would find an override instead */
static const char *const headers[] = {
	"ID=ID",
	"UpTime=CPU TIME",
	"CPUPerc=CPU %",
	"AVGCPU=Avg CPU %",
	"AvgCPU=AVG CPU",
	"MemUsage=MEM USAGE / LIMIT",
	"MemUsageBytes=MEM USAGE / LIMIT",
	"MemPerc=MEM %",
	"NetIO=NET IO",
	"BlockIO=BLOCK IO",
	"PIDS=PIDS",
	"PIDs=PI DS",
	NULL,
};

struct stats_opts {
	const char *format;
	bool all, latest, no_reset, no_stream, no_trunc;
	int interval;
};

/* One row: the fields of podman's containerStats (define.ContainerStats and its methods),
 * for templates; and its JSON report (the jstat of podman's outputJSON). */
static json_t *stats_row(const struct pm_container *c, const struct pm_ctr_stats *s, bool no_trunc,
			 json_t **ret_report)
{
	char up[32];
	pm_health_duration_string((int64_t)s->cpu_nano, up);
	_cleanup_free_ char *id = no_trunc ? pm_xstrdup(c->id) : pm_xstrndup(c->id, 12);
	_cleanup_free_ char *cpu = pm_stats_percent(s->cpu_percent);
	_cleanup_free_ char *avg = pm_stats_percent(s->avg_cpu);
	_cleanup_free_ char *mem = pm_stats_pair(s->mem_usage, s->mem_limit, false);
	_cleanup_free_ char *mem_iec = pm_stats_pair(s->mem_usage, s->mem_limit, true);
	_cleanup_free_ char *mem_perc = pm_stats_percent(s->mem_percent);
	_cleanup_free_ char *net = pm_stats_pair(s->net_in, s->net_out, false);
	_cleanup_free_ char *blk = pm_stats_pair(s->block_in, s->block_out, false);
	_cleanup_free_ char *pids = pm_xasprintf("%" PRIu64, s->pids);

	json_t *o = json_object();
	json_object_set_new(o, "AvgCPU", json_real(s->avg_cpu));
	json_object_set_new(o, "ContainerID", json_string(c->id));
	json_object_set_new(o, "Name", json_string(c->name));
	json_object_set_new(o, "PerCPU", json_array());
	json_object_set_new(o, "CPU", json_real(s->cpu_percent));
	json_object_set_new(o, "CPUNano", json_integer((json_int_t)s->cpu_nano));
	json_object_set_new(o, "CPUSystemNano", json_integer((json_int_t)s->cpu_system_nano));
	json_object_set_new(o, "SystemNano", json_integer((json_int_t)s->system_nano));
	json_object_set_new(o, "MemUsage", json_string(mem));
	json_object_set_new(o, "MemLimit", json_integer((json_int_t)s->mem_limit));
	json_object_set_new(o, "MemPerc", json_string(mem_perc));
	json_object_set_new(o, "NetInput", json_integer((json_int_t)s->net_in));
	json_object_set_new(o, "NetOutput", json_integer((json_int_t)s->net_out));
	json_object_set_new(o, "BlockInput", json_integer((json_int_t)s->block_in));
	json_object_set_new(o, "BlockOutput", json_integer((json_int_t)s->block_out));
	json_object_set_new(o, "PIDs", json_integer((json_int_t)s->pids));
	json_object_set_new(o, "UpTime", json_string(up));
	json_object_set_new(o, "Duration", json_integer((json_int_t)s->cpu_nano));
	json_object_set_new(o, "ID", json_string(id));
	json_object_set_new(o, "CPUPerc", json_string(cpu));
	json_object_set_new(o, "AVGCPU", json_string(avg));
	json_object_set_new(o, "Up", json_string(up));
	json_object_set_new(o, "NetIO", json_string(net));
	json_object_set_new(o, "BlockIO", json_string(blk));
	json_object_set_new(o, "PIDS", json_string(pids));
	json_object_set_new(o, "MemUsageBytes", json_string(mem_iec));

	json_t *j = json_object();
	json_object_set_new(j, "id", json_string(id));
	json_object_set_new(j, "name", json_string(c->name));
	json_object_set_new(j, "cpu_time", json_string(up));
	json_object_set_new(j, "cpu_percent", json_string(cpu));
	json_object_set_new(j, "avg_cpu", json_string(avg));
	json_object_set_new(j, "mem_usage", json_string(mem));
	json_object_set_new(j, "mem_percent", json_string(mem_perc));
	json_object_set_new(j, "net_io", json_string(net));
	json_object_set_new(j, "block_io", json_string(blk));
	json_object_set_new(j, "pids", json_string(pids));
	*ret_report = j;
	return o;
}

static int by_id(const void *a, const void *b)
{
	const struct pm_container *x = *(struct pm_container *const *)a;
	const struct pm_container *y = *(struct pm_container *const *)b;
	return strcmp(x->id, y->id);
}

/* The containers of one report: the named ones in order, the latest, or every one by id
 * (podman's order). Prints podman's error and returns its status on failure. */
static int stats_containers(struct pm_cli *cli, const struct stats_opts *o, char **refs, int n,
			    struct pm_container ***ret, size_t *ret_n)
{
	_cleanup_error_ pm_error *err = NULL;
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	*ret = NULL;
	*ret_n = 0;
	if (n > 0) {
		struct pm_container **list = pm_xcalloc((size_t)n, sizeof(*list));
		for (int i = 0; i < n; i++) {
			int r = pm_engine_ctr_lookup(&e, refs[i], &list[i], &err);
			if (r < 0) {
				pm_container_list_free(list, (size_t)i);
				if (r == -ENOENT)
					return pm_cli_errorf("unable to get list of containers: "
							     "unable to look up container %s: no "
							     "container with name or ID \"%s\" "
							     "found: no such container",
							     refs[i], refs[i]);
				return pm_cli_errorf("unable to get list of containers: %s",
						     err->msg);
			}
		}
		*ret = list;
		*ret_n = (size_t)n;
		return 0;
	}
	struct pm_container **list = NULL;
	size_t len = 0;
	if (pm_engine_ctr_list(&e, &list, &len, &err) < 0) /* refreshed */
		return pm_cli_errorf("unable to get list of containers: %s", err->msg);
	if (o->latest) {
		if (!len)
			return pm_cli_errorf("unable to get list of containers: no such container");
		for (size_t i = 1; i < len; i++)
			list[i] = pm_container_free(list[i]);
		len = 1;
	} else if (len > 1) {
		qsort(list, len, sizeof(*list), by_id);
	}
	*ret = list;
	*ret_n = len;
	return 0;
}

static int stats_print(const struct stats_opts *o, json_t *rows, json_t *reports)
{
	if (pm_stats_format_is_json(o->format)) {
		/* podman's json.MarshalIndent(…, "", " ") */
		_cleanup_free_ char *text =
			json_dumps(reports, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		printf("%s\n", text ? text : "[]");
		return 0;
	}
	return pm_output_format_list(o->format, default_format, rows, false, headers);
}

/* One report: read every container, print. */
static int stats_once(struct pm_cli *cli, const struct stats_opts *o, const struct pm_stats_host *h,
		      char **refs, int n, struct pm_stats_prev *prev)
{
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	struct pm_container **ctrs = NULL;
	size_t len = 0;
	int status = stats_containers(cli, o, refs, n, &ctrs, &len);
	if (status)
		return status;
	_cleanup_json_ json_t *rows = json_array();
	_cleanup_json_ json_t *reports = json_array();
	struct pm_stats_prev next = {0};
	for (size_t i = 0; i < len; i++) {
		struct pm_ctr_stats s;
		_cleanup_error_ pm_error *err = NULL;
		if (pm_stats_read_ctr(&e, h, ctrs[i], prev, &next, &s, &err) < 0) {
			status = pm_cli_error(err);
			break;
		}
		json_t *report = NULL;
		json_array_append_new(rows, stats_row(ctrs[i], &s, o->no_trunc, &report));
		json_array_append_new(reports, report);
	}
	pm_container_list_free(ctrs, len);
	pm_stats_prev_clear(prev);
	*prev = next;
	if (status)
		return status;
	if (!o->no_stream && !o->no_reset && !pm_stats_format_is_json(o->format))
		pm_stats_reset_screen();
	status = stats_print(o, rows, reports);
	fflush(stdout);
	return status;
}

int cmd_stats(struct pm_cli *cli, int argc, char **argv)
{
	enum { OPT_FORMAT = 1000, OPT_NO_RESET, OPT_NO_STREAM, OPT_NO_TRUNC };
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"interval", required_argument, NULL, 'i'},
		{"latest", no_argument, NULL, 'l'},
		{"no-reset", no_argument, NULL, OPT_NO_RESET},
		{"no-stream", no_argument, NULL, OPT_NO_STREAM},
		{"no-trunc", no_argument, NULL, OPT_NO_TRUNC},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	struct stats_opts o = {.interval = 5};
	int opt;
	while ((opt = pm_cli_getopt(cli, &st, argc, argv, "ai:l", opts, stats_usage)) != -1) {
		switch (opt) {
		case PM_OPT_EXIT:
			return st.status;
		case 'a':
			o.all = true;
			break;
		case OPT_FORMAT:
			o.format = optarg;
			break;
		case 'i':
			if (pm_parse_int(optarg, &o.interval) < 0) {
				pm_cli_errorf(
					"invalid argument \"%s\" for \"-i, --interval\" flag: "
					"strconv.ParseInt: parsing \"%s\": invalid syntax",
					optarg, optarg); /* with podman's See line */
				return PM_EXIT_ERROR;
			}
			break;
		case 'l':
			o.latest = true;
			break;
		case OPT_NO_RESET:
			o.no_reset = true;
			break;
		case OPT_NO_STREAM:
			o.no_stream = true;
			break;
		case OPT_NO_TRUNC:
			o.no_trunc = true;
			break;
		default:
			return PM_EXIT_ERROR;
		}
	}
	int n = argc - optind;
	if ((o.all ? 1 : 0) + (o.latest ? 1 : 0) + (n > 0 ? 1 : 0) > 1)
		return pm_cli_errorf("--all, --latest and containers cannot be used together");
	if (o.interval < 1)
		return pm_cli_errorf("invalid interval, must be a positive number greater zero");
	/* the figures come from the containers' cgroups: none without cgroup v2 */
	if (!pm_runtime_have_cgroup2())
		return pm_cli_errorf(geteuid() ? "stats is not supported in rootless mode without "
						 "cgroups v2"
					       : "stats is not supported without cgroups v2");
	struct pm_stats_host host = {0};
	_cleanup_error_ pm_error *err = NULL;
	if (pm_engine_stats_host(&host, &err) < 0)
		return pm_cli_error(err);
	struct pm_stats_prev prev = {0};
	int status;
	for (;;) {
		status = stats_once(cli, &o, &host, argv + optind, n, &prev);
		if (status || o.no_stream)
			break;
		sleep((unsigned)o.interval);
	}
	pm_stats_prev_clear(&prev);
	pm_engine_stats_host_clear(&host);
	return status;
}
