/* cmd-logs.c: `pm logs` / `pm container logs`: print containers' k8s-file logs
 * (engine/ctr-log.h) as podman does: stdout lines to stdout, stderr lines to stderr,
 * -f (inotify, ends when every container exited), --tail, --since, --until, -t, -n/--names,
 * -l, --color, several containers (prefixed with their id or name). Reads files only: no
 * rootless namespace. See docs/pm-logs.1.md. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "cli/commands.h"
#include "engine/container.h"
#include "engine/ctr-log.h"
#include "engine/ctr-paths.h"
#include "engine/run.h"
#include "lib/timeutil.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"

static const char usage[] =
	"Fetch the logs of one or more containers\n"
	"\n"
	"Description:\n"
	"  Retrieves logs for one or more containers.\n"
	"\n"
	"Usage:\n"
	"  pm logs [options] CONTAINER [CONTAINER...]\n"
	"\n"
	"Options:\n"
	"      --color           Output the containers with different colors in the log.\n"
	"  -f, --follow          Follow log output.  The default is false\n"
	"  -l, --latest          Act on the latest container pm is aware of\n"
	"  -n, --names           Output the container name in the log\n"
	"      --since string    Show logs since TIMESTAMP\n"
	"      --tail int        Output the specified number of LINES at the end of the logs.  "
	"Defaults to -1, which prints all lines (default -1)\n"
	"  -t, --timestamps      Output the timestamps in the log\n"
	"      --until string    Show logs until TIMESTAMP\n";

static const char *const colors[] = {"\033[0;32m", "\033[0;33m", "\033[0;34m",
				     "\033[0;35m", "\033[0;36m", "\033[0;31m"};

struct src {
	struct pm_container *c;
	char *log;
	char *state;
	struct pm_log_print_opts print;
	char prefix[80];
	const struct pm_paths *paths;
	struct pm_engine engine;
};

static int print_line(const struct pm_log_line *line, void *userdata)
{
	struct src *s = userdata;
	struct pm_gobuf b = {0};
	pm_ctr_log_format(line, &s->print, &b);
	FILE *f = line->stream == PM_LOG_STDERR ? stderr : stdout;
	if (b.len && fwrite(b.s, 1, b.len, f) != b.len) {
		pm_gobuf_done(&b);
		return -EIO;
	}
	pm_gobuf_done(&b);
	/* keep stdout and stderr in the container's order */
	fflush(f);
	return 0;
}

/* Has the container stopped running (or gone)? The monitor replaces state.json when it
 * records the exit. */
static bool exited(void *userdata)
{
	struct src *s = userdata;
	if (pm_container_reload(s->paths, s->c, NULL) < 0)
		return true;
	pm_engine_refresh(&s->engine, s->c);
	return s->c->state.status != PM_CTR_RUNNING && s->c->state.status != PM_CTR_PAUSED;
}

int cmd_logs(struct pm_cli *cli, int argc, char **argv)
{
	enum { OPT_COLOR = 1000, OPT_SINCE, OPT_TAIL, OPT_UNTIL };
	static const struct option opts[] = {
		{"color", no_argument, NULL, OPT_COLOR},
		{"follow", no_argument, NULL, 'f'},
		{"latest", no_argument, NULL, 'l'},
		{"names", no_argument, NULL, 'n'},
		{"since", required_argument, NULL, OPT_SINCE},
		{"tail", required_argument, NULL, OPT_TAIL},
		{"timestamps", no_argument, NULL, 't'},
		{"until", required_argument, NULL, OPT_UNTIL},
		{"help", no_argument, NULL, 0},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	struct pm_log_filter filter = {.tail = -1};
	bool follow = false, latest = false, names = false, timestamps = false, color = false;
	int64_t now = pm_time_now_ns();
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "flnt", opts, usage)) != -1) {
		_cleanup_error_ pm_error *err = NULL;
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case OPT_COLOR:
			color = true;
			break;
		case 'f':
			follow = true;
			break;
		case 'l':
			latest = true;
			break;
		case 'n':
			names = true;
			break;
		case 't':
			timestamps = true;
			break;
		case OPT_SINCE:
			if (!optarg[0])
				break;
			if (pm_time_parse_input("--since", optarg, true, now, &filter.since_ns,
						&err) < 0)
				return pm_cli_error(err);
			filter.has_since = true;
			break;
		case OPT_UNTIL:
			if (!optarg[0])
				break;
			if (pm_time_parse_input("--until", optarg, false, now, &filter.until_ns,
						&err) < 0)
				return pm_cli_error(err);
			filter.has_until = true;
			break;
		case OPT_TAIL: {
			uint64_t v;
			int iv;
			if (pm_parse_int(optarg, &iv) == 0)
				filter.tail = iv < 0 ? -1 : iv;
			else if (pm_parse_uint64(optarg, &v) == 0)
				filter.tail = v > INT64_MAX ? INT64_MAX : (int64_t)v;
			else
				return pm_cli_errorf(
					"invalid argument \"%s\" for \"--tail\" flag: "
					"strconv.ParseInt: parsing \"%s\": invalid syntax",
					optarg, optarg);
			break;
		}
		default:
			break;
		}
	}
	int nargs = argc - optind;
	if (latest && nargs)
		return pm_cli_errorf("--latest and containers cannot be used together");
	if (!latest && !nargs) /* podman's words */
		return pm_cli_errorf("specify at least one container name or ID to log");

	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	size_t n = latest ? 1 : (size_t)nargs;
	struct src *srcs = pm_xcalloc(n, sizeof(*srcs));
	int status = 0;
	size_t got = 0;
	_cleanup_error_ pm_error *err = NULL;
	if (latest) {
		struct pm_container **list = NULL;
		size_t ln = 0;
		if (pm_engine_ctr_list(&e, &list, &ln, &err) < 0 || !ln) { /* refreshed */
			pm_container_list_free(list, ln);
			free(srcs);
			if (!err)
				return pm_cli_errorf(
					"no containers to show logs of: no such container");
			return pm_cli_error(err);
		}
		srcs[got++].c = list[0];
		list[0] = NULL;
		pm_container_list_free(list, ln);
	} else {
		for (int i = optind; i < argc; i++) {
			if (pm_engine_ctr_lookup(&e, argv[i], &srcs[got].c, &err) < 0) {
				status = pm_cli_error(err);
				goto out;
			}
			got++;
		}
	}
	for (size_t i = 0; i < got; i++)
		if (pm_engine_logs_none(srcs[i].c)) {
			status = pm_cli_errorf("this container is using the '%s' log driver, "
					       "cannot read logs: this container is not logging "
					       "output",
					       pm_engine_log_driver(srcs[i].c));
			goto out;
		}
	for (size_t i = 0; i < got; i++) {
		struct src *s = &srcs[i];
		s->paths = &cli->paths;
		s->engine = e;
		s->log = pm_engine_log_path(&e, s->c);
		s->state = pm_path_join(s->c->dir, "state.json");
		s->print.timestamps = timestamps;
		if (got > 1) {
			snprintf(s->prefix, sizeof(s->prefix), "%.*s", names ? 64 : 12,
				 names ? s->c->name : s->c->id);
			s->print.prefix = s->prefix;
		}
		if (color)
			s->print.color = colors[i % ARRAY_SIZE(colors)];
	}

	if (!follow) {
		for (size_t i = 0; i < got; i++) {
			if (pm_ctr_log_read(srcs[i].log, &filter, print_line, &srcs[i], &err) < 0) {
				status = pm_cli_error(err);
				goto out;
			}
		}
		goto out;
	}

	/* -f: every source until its container exits, or SIGINT/SIGTERM */
	{
		sigset_t mask;
		sigemptyset(&mask);
		sigaddset(&mask, SIGINT);
		sigaddset(&mask, SIGTERM);
		sigaddset(&mask, SIGHUP);
		sigprocmask(SIG_BLOCK, &mask, NULL);
		_cleanup_close_ int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
		struct pm_log_follow *fs = pm_xcalloc(got, sizeof(*fs));
		size_t nf = 0;
		int r = 0;
		for (size_t i = 0; i < got && r >= 0; i++) {
			r = pm_ctr_log_reader_open(srcs[i].log, &filter, &fs[nf].reader, &err);
			if (r < 0)
				break;
			fs[nf].fn = print_line;
			fs[nf].userdata = &srcs[i];
			fs[nf].exit_path = srcs[i].state;
			fs[nf].exited = exited;
			fs[nf].exited_userdata = &srcs[i];
			nf++;
		}
		if (r >= 0)
			r = pm_ctr_log_follow(fs, nf, sfd, &err);
		for (size_t i = 0; i < nf; i++)
			pm_ctr_log_reader_free(fs[i].reader);
		free(fs);
		if (r < 0)
			status = pm_cli_error(err);
	}
out:
	for (size_t i = 0; i < n; i++) {
		pm_container_free(srcs[i].c);
		free(srcs[i].log);
		free(srcs[i].state);
	}
	free(srcs);
	fflush(stdout);
	return status;
}
