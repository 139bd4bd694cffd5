/* cmd-events.c: `pm events` (and `pm system events`): print the event log
 * (<runroot>/events/events.log, lib/events.h) as podman's file backend does: the human form,
 * --format json (the stored line) or a Go template over podman's Event fields; --filter,
 * --since, --until, --no-trunc; streaming (the default) follows the file with inotify until
 * SIGINT/SIGTERM, --stream=false or --until prints what is there and exits. Reads files
 * only: no rootless namespace. See docs/pm-events.1.md. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/commands.h"
#include "lib/cleanup.h"
#include "lib/events.h"
#include "lib/fileutil.h"
#include "lib/json.h"
#include "lib/strutil.h"
#include "lib/template.h"
#include "lib/timeutil.h"

static const char usage[] =
	"Show pm events\n"
	"\n"
	"Description:\n"
	"  Monitor pm events.\n"
	"\n"
	"  By default, streaming mode is used, printing new events as they occur.  Previous "
	"events can be listed via --since and --until.\n"
	"\n"
	"Usage:\n"
	"  pm events [options]\n"
	"\n"
	"Examples:\n"
	"  pm events\n"
	"  pm events --filter event=create\n"
	"  pm events --format {{.Image}}\n"
	"  pm events --since 1h30s\n"
	"\n"
	"Options:\n"
	"  -f, --filter stringArray   filter output\n"
	"      --format string        format the output using a Go template\n"
	"      --no-trunc             do not truncate the output (default true)\n"
	"      --since string         show all events created since timestamp\n"
	"      --stream               stream new events; for testing only (default true)\n"
	"      --until string         show all events until timestamp\n";

/* Longest partial line kept while following (a longer one is skipped). */
#define READ_CHUNK 65536

struct ev_opts {
	struct pm_event_filters filters;
	pm_template *tmpl; /* NULL: the human form or json */
	bool json;
	bool trunc;
	int64_t since, until; /* 0: not given */
	int status;	      /* 125 once a template failed */
};

static json_t *template_data(const struct pm_event *ev)
{
	char t[PM_TIME_BUF_LEN];
	pm_time_format_go_string(ev->time_ns, t);
	json_t *o = json_object();
	json_object_set_new(o, "ContainerExitCode", json_integer(ev->exit_code));
	json_object_set_new(o, "ID", json_string(ev->id ? ev->id : ""));
	json_object_set_new(o, "Image", json_string(ev->image ? ev->image : ""));
	json_object_set_new(o, "Name", json_string(ev->name ? ev->name : ""));
	json_object_set_new(o, "Network", json_string(""));
	json_object_set_new(o, "Status", json_string(ev->status));
	json_object_set_new(o, "Time", json_string(t));
	json_object_set_new(o, "Type", json_string(ev->type));
	json_object_set_new(o, "HealthStatus", json_string(""));
	json_object_set_new(o, "PodID", json_string(ev->pod_id ? ev->pod_id : ""));
	json_t *attrs = json_object();
	for (char **a = ev->attrs; a && *a; a++) {
		const char *eq = strchr(*a, '=');
		_cleanup_free_ char *k = pm_xstrndup(*a, eq ? (size_t)(eq - *a) : strlen(*a));
		json_object_set_new(attrs, k, json_string(eq ? eq + 1 : ""));
	}
	json_object_set_new(o, "Attributes", attrs);
	return o;
}

/* One line of the log: printed when it passes the filters. Returns 1 once past --until. */
static int handle_line(struct ev_opts *o, const char *line, size_t len)
{
	struct pm_event ev;
	if (pm_event_decode(line, len, &ev) < 0)
		return 0; /* not an event (a torn or foreign line): skipped */
	int r = 0;
	if (o->until && ev.time_ns > o->until)
		r = 1;
	else if ((o->since && ev.time_ns < o->since) || !pm_event_match(&o->filters, &ev))
		r = 0;
	else if (o->json) {
		_cleanup_free_ char *s = pm_event_encode(&ev);
		if (s)
			fputs(s, stdout);
	} else if (o->tmpl) {
		_cleanup_json_ json_t *data = template_data(&ev);
		_cleanup_free_ char *s = NULL;
		_cleanup_error_ pm_error *err = NULL;
		if (pm_template_render(o->tmpl, data, &s, &err) < 0) {
			o->status = pm_cli_error(err);
			r = -1;
		} else {
			printf("%s\n", s);
		}
	} else {
		_cleanup_free_ char *s = pm_event_human(&ev, o->trunc);
		printf("%s\n", s);
	}
	pm_event_clear(&ev);
	fflush(stdout);
	return r;
}

/* Print the complete lines of buf[0..*len), keep a trailing partial line at the front. */
static int drain(struct ev_opts *o, char *buf, size_t *len)
{
	size_t start = 0;
	int r = 0;
	for (char *nl; r == 0 && (nl = memchr(buf + start, '\n', *len - start));) {
		r = handle_line(o, buf + start, (size_t)(nl - (buf + start)));
		start = (size_t)(nl - buf) + 1;
	}
	memmove(buf, buf + start, *len - start);
	*len -= start;
	if (*len == READ_CHUNK)
		*len = 0; /* a line longer than any event: dropped */
	return r;
}

/* Read what fd has now. 1: --until reached, -1: a template failed. */
static int read_available(struct ev_opts *o, int fd, char *buf, size_t *len)
{
	for (;;) {
		ssize_t n = read(fd, buf + *len, READ_CHUNK - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		*len += (size_t)n;
		int r = drain(o, buf, len);
		if (r != 0)
			return r;
	}
}

static int open_log(const char *path)
{
	return open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
}

static int run_events(struct pm_cli *cli, struct ev_opts *o, bool stream)
{
	_cleanup_free_ char *path = pm_event_log_path(cli->paths.runroot);
	_cleanup_free_ char *dir = pm_path_join(cli->paths.runroot, "events");
	_cleanup_free_ char *buf = malloc(READ_CHUNK);
	if (!buf)
		return pm_cli_errorf("out of memory");
	size_t len = 0;
	sigset_t set, old;
	int sfd = -1, ifd = -1;
	if (stream) {
		sigemptyset(&set);
		sigaddset(&set, SIGINT);
		sigaddset(&set, SIGTERM);
		sigaddset(&set, SIGHUP);
		sigprocmask(SIG_BLOCK, &set, &old);
		sfd = signalfd(-1, &set, SFD_CLOEXEC);
		ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
		/* the directory first: the log may not exist yet, or be made anew (reset) */
		pm_mkdir_p(dir, 0700, NULL);
		if (sfd < 0 || ifd < 0 ||
		    inotify_add_watch(ifd, dir, IN_CREATE | IN_MOVED_TO) < 0) {
			int e = errno;
			if (sfd >= 0)
				close(sfd);
			if (ifd >= 0)
				close(ifd);
			return pm_cli_errorf("following %s: %s", dir, strerror(e));
		}
	}
	_cleanup_close_ int fd = open_log(path);
	int wd = -1;
	if (fd >= 0 && stream)
		wd = inotify_add_watch(ifd, path, IN_MODIFY);
	/* following without --since: only what happens from now on (podman's rule) */
	if (fd >= 0 && stream && !o->since)
		lseek(fd, 0, SEEK_END);
	int r = fd >= 0 ? read_available(o, fd, buf, &len) : 0;
	while (stream && r == 0) {
		struct pollfd p[2] = {{.fd = sfd, .events = POLLIN}, {.fd = ifd, .events = POLLIN}};
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents)
			break; /* SIGINT/SIGTERM: done */
		char ebuf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
		while (read(ifd, ebuf, sizeof(ebuf)) > 0)
			;
		if (fd < 0) {
			fd = open_log(path);
			if (fd >= 0)
				wd = inotify_add_watch(ifd, path, IN_MODIFY);
		}
		if (fd >= 0)
			r = read_available(o, fd, buf, &len);
	}
	(void)wd;
	if (stream) {
		close(sfd);
		close(ifd);
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
	return r < 0 ? o->status : 0;
}

static int parse_time(const char *flag, const char *v, bool since, int64_t *ret)
{
	_cleanup_error_ pm_error *err = NULL;
	if (pm_time_parse_input(flag, v, since, pm_time_now_ns(), ret, &err) < 0)
		return pm_cli_error(err);
	return 0;
}

int cmd_events(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"filter", required_argument, NULL, 'f'},
		{"format", required_argument, NULL, 'F'},
		{"help", no_argument, NULL, 'h'},
		{"no-trunc", optional_argument, NULL, 'N'},
		{"since", required_argument, NULL, 'S'},
		{"stream", optional_argument, NULL, 's'},
		{"until", required_argument, NULL, 'U'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	struct ev_opts o = {.trunc = false};
	bool stream = true, no_trunc = true;
	const char *format = NULL, *since = NULL, *until = NULL;
	_cleanup_error_ pm_error *err = NULL;
	int c, status = 0;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "f:", opts, usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			status = st.status;
			goto out;
		case 'f':
			if (pm_event_filters_add(&o.filters, optarg, &err) < 0) {
				status = pm_cli_error(err);
				goto out;
			}
			break;
		case 'F':
			format = optarg;
			break;
		case 'N':
		case 's': {
			bool *dst = c == 'N' ? &no_trunc : &stream;
			if (!optarg || !strcmp(optarg, "true") || !strcmp(optarg, "1")) {
				*dst = true;
			} else if (!strcmp(optarg, "false") || !strcmp(optarg, "0")) {
				*dst = false;
			} else {
				status = pm_cli_errorf("invalid argument \"%s\" for \"--%s\" flag: "
						       "strconv.ParseBool: "
						       "parsing \"%s\": invalid syntax",
						       optarg, c == 'N' ? "no-trunc" : "stream",
						       optarg);
				goto out;
			}
			break;
		}
		case 'S':
			since = optarg;
			break;
		case 'U':
			until = optarg;
			break;
		default:
			status = PM_EXIT_ERROR;
			goto out;
		}
	}
	if (!pm_cli_nargs(cli, argc - optind, 0, 0)) {
		status = PM_EXIT_ERROR;
		goto out;
	}
	if ((since && *since && (status = parse_time("--since", since, true, &o.since)) != 0) ||
	    (until && *until && (status = parse_time("--until", until, false, &o.until)) != 0))
		goto out;
	o.trunc = !no_trunc;
	if (format && !strcmp(format, "json")) {
		o.json = true;
	} else if (format && *format) {
		if (pm_template_parse_named(format, "events", 0, &o.tmpl, NULL, &err) < 0) {
			status = pm_cli_error(err);
			goto out;
		}
	}
	/* --until ends the listing there: nothing to follow (podman's rule) */
	status = run_events(cli, &o, stream && !o.until);
out:
	pm_template_free(o.tmpl);
	pm_event_filters_clear(&o.filters);
	return status;
}
