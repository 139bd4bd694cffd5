/* cmd-pod-stats.c: `pm pod stats`: the running containers of pods with podman's columns,
 * template fields and JSON (PodStatsReport), once (--no-stream) or every second; the
 * figures are the engine's (engine/stats.h), from each container's own cgroup v2, read and
 * worded by cli/stats-util.h as `pm stats` does. */
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
#include "engine/stats.h"
#include "lib/json.h"
#include "lib/strutil.h"
#include "pods/lifecycle.h"
#include "pods/pod.h"
#include "runtime/limits.h"

static const char stats_usage[] =
	"Display a live stream of resource usage statistics for the containers in one or more "
	"pods\n"
	"\n"
	"Usage:\n"
	"  pm pod stats [options] [POD...]\n"
	"\n"
	"Options:\n"
	"  -a, --all             Provide stats for all pods\n"
	"      --format string   Pretty-print container statistics to JSON or using a Go "
	"template\n"
	"  -l, --latest          Act on the latest pod pm is aware of\n"
	"      --no-reset        Disable resetting the screen when streaming\n"
	"      --no-stream       Disable streaming stats and only pull the first result\n";

/* "A / B" of two sizes as podman's pod stats prints them, "-- / --" when both are 0. */
static json_t *pair_of(uint64_t a, uint64_t b, bool iec)
{
	if (!a && !b)
		return json_string("-- / --");
	_cleanup_free_ char *s = pm_stats_pair(a, b, iec);
	return json_string(s);
}

/* One row of pod stats, with podman's PodStatsReport fields (its JSON keys too). */
static json_t *stats_row(const struct pm_pod *pod, const struct pm_container *c,
			 const struct pm_ctr_stats *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "CPU", json_sprintf("%.2f%%", s->cpu_percent));
	json_object_set_new(o, "MemUsage", pair_of(s->mem_usage, s->mem_limit, false));
	json_object_set_new(o, "MemUsageBytes", pair_of(s->mem_usage, s->mem_limit, true));
	json_object_set_new(o, "Mem", json_sprintf("%.2f%%", s->mem_percent));
	json_object_set_new(o, "NetIO", pair_of(s->net_in, s->net_out, false));
	json_object_set_new(o, "BlockIO", pair_of(s->block_in, s->block_out, false));
	json_object_set_new(o, "PIDS",
			    s->pids ? json_sprintf("%" PRIu64, s->pids) : json_string("--"));
	json_object_set_new(o, "Pod", json_stringn(pod->id, 12));
	json_object_set_new(o, "CID", json_stringn(c->id, 12));
	json_object_set_new(o, "Name", json_string(c->name));
	return o;
}

/* One reading of every running container of the pods: rows into *ret. */
static int stats_read(const struct pm_engine *e, const struct pm_stats_host *h,
		      char *const *pod_ids, struct pm_stats_prev *prev, json_t **ret,
		      pm_error **err)
{
	_cleanup_json_ json_t *rows = json_array();
	struct pm_stats_prev next = {0};
	int r = 0;
	for (char *const *id = pod_ids; *id && r >= 0; id++) {
		_cleanup_pod_ struct pm_pod *pod = NULL;
		if (pm_pod_lookup(e->paths, *id, &pod, NULL) < 0)
			continue; /* removed meanwhile */
		struct pm_container **ctrs = NULL;
		size_t n = 0;
		if (pm_pod_containers(e, pod, &ctrs, &n, NULL) < 0)
			continue;
		for (size_t i = 0; i < n && r >= 0; i++) {
			struct pm_ctr_stats s;
			r = pm_stats_read_ctr(e, h, ctrs[i], prev, &next, &s, err);
			if (r > 0) /* a stopped member has no row */
				json_array_append_new(rows, stats_row(pod, ctrs[i], &s));
		}
		pm_container_list_free(ctrs, n);
	}
	pm_stats_prev_clear(prev);
	*prev = next;
	if (r >= 0)
		*ret = TAKE_PTR(rows);
	return r;
}

static int stats_print(const char *format, json_t *rows)
{
	static const char def[] = "table {{.Pod}}\t{{.CID}}\t{{.Name}}\t{{.CPU}}\t{{.MemUsage}}\t"
				  "{{.Mem}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDS}}";
	static const char *const headers[] = {
		"Pod=POD",
		"CPU=CPU %",
		"MemUsage=MEM USAGE/ LIMIT",
		"MemUsageBytes=MEM USAGE/ LIMIT",
		"Mem=MEM %",
		"NetIO=NET IO",
		"BlockIO=BLOCK IO",
		NULL,
	};
	if (format && !strcmp(format, "json")) {
		/* podman's MarshalIndent with five spaces */
		_cleanup_free_ char *text = json_dumps(rows, JSON_INDENT(5) | JSON_PRESERVE_ORDER);
		printf("%s\n", text ? text : "[]");
		return 0;
	}
	if (!format || !*format) {
		if (json_array_size(rows) == 0) {
			/* podman's default table shows a row of dashes for no container */
			json_t *o = json_object();
			static const char *const keys[] = {"Pod",   "CID",	"Name",
							   "CPU",   "MemUsage", "Mem",
							   "NetIO", "BlockIO",	"PIDS"};
			for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
				json_object_set_new(o, keys[i], json_string("--"));
			json_array_append_new(rows, o);
		}
		return pm_output_format_list(def, NULL, rows, false, headers);
	}
	if (json_array_size(rows) == 0)
		return 0;
	return pm_output_format_list(format, NULL, rows, false, headers);
}

int cmd_pod_stats(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},
		{"format", required_argument, NULL, 'f'},
		{"no-reset", no_argument, NULL, 'R'},
		{"no-stream", no_argument, NULL, 'S'},
		{"latest", no_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	const char *format = NULL;
	bool all = false, latest = false, no_reset = false, no_stream = false;
	int opt;
	while ((opt = pm_cli_getopt(cli, &st, argc, argv, "al", opts, stats_usage)) != -1) {
		switch (opt) {
		case PM_OPT_EXIT:
			return st.status;
		case 'a':
			all = true;
			break;
		case 'f':
			format = optarg;
			break;
		case 'R':
			no_reset = true;
			break;
		case 'S':
			no_stream = true;
			break;
		case 'l':
			latest = true;
			break;
		default:
			return PM_EXIT_ERROR;
		}
	}
	if ((all ? 1 : 0) + (latest ? 1 : 0) + (optind < argc ? 1 : 0) > 1)
		return pm_cli_errorf("--all, --latest and arguments cannot be used together");
	/* the figures come from the containers' cgroups: none without cgroup v2 */
	if (!pm_runtime_have_cgroup2())
		return pm_cli_errorf("pod stats is not supported without cgroups v2: this host has "
				     "hybrid/v1 cgroups, where a rootless container has no cgroup "
				     "of its own to read");
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	_cleanup_strv_ char **ids = NULL;
	for (int i = optind; i < argc; i++) {
		_cleanup_pod_ struct pm_pod *pod = NULL;
		_cleanup_error_ pm_error *err = NULL;
		if (pm_pod_lookup(e.paths, argv[i], &pod, &err) < 0)
			return pm_cli_errorf("unable to get list of pods: %s", err->msg);
		pm_strv_push(&ids, pod->id);
	}
	if (optind == argc) {
		struct pm_pod **pods = NULL;
		size_t n = 0;
		_cleanup_error_ pm_error *err = NULL;
		if (pm_pod_list(e.paths, &pods, &n, &err) < 0)
			return pm_cli_error(err);
		for (size_t i = 0; i < n && (!latest || i < 1); i++)
			pm_strv_push(&ids, pods[i]->id);
		pm_pod_list_free(pods, n);
		if (latest && !ids)
			return pm_cli_errorf("unable to get list of pods: no pods: no such pod");
	}
	if (!ids)
		ids = pm_xcalloc(1, sizeof(*ids));
	struct pm_stats_host host = {0};
	_cleanup_error_ pm_error *herr = NULL;
	if (pm_engine_stats_host(&host, &herr) < 0)
		return pm_cli_error(herr);
	struct pm_stats_prev prev = {0};
	int status = 0;
	for (;;) {
		_cleanup_error_ pm_error *err = NULL;
		_cleanup_json_ json_t *rows = NULL;
		if (stats_read(&e, &host, ids, &prev, &rows, &err) < 0) {
			status = pm_cli_error(err);
			break;
		}
		bool json = format && !strcmp(format, "json");
		if (!no_stream && !no_reset && !json)
			pm_stats_reset_screen();
		status = stats_print(format, rows);
		fflush(stdout);
		if (status || no_stream)
			break;
		sleep(1);
	}
	pm_stats_prev_clear(&prev);
	pm_engine_stats_host_clear(&host);
	return status;
}
