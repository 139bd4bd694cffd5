/* cmd-top.c: `pm top CONTAINER [DESCRIPTOR...]` / `pm container top`: the container's
 * processes (its init and every descendant, found through /proc/<pid>/task/<tid>/children),
 * read from /proc with podman's (psgo's) descriptors and headers; default
 * "user pid ppid pcpu etime tty time args". Container pids and users are the container's
 * view (NSpid, the user namespace's uid_map, the container's /etc/passwd). Reads /proc only:
 * no rootless namespace, no subprocess. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "engine/container.h"
#include "engine/run.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "lib/template.h"

static const char usage[] =
	"Display the running processes of a container\n"
	"\n"
	"Description:\n"
	"  Display the running processes of the container. The descriptors select what is "
	"shown: args, comm, etime, group, hgroup, hpid, huser, nice, pcpu, pgid, pid, ppid, "
	"rss, state, time, tty, user, vsz.\n"
	"\n"
	"Usage:\n"
	"  pm top [options] CONTAINER [FORMAT-DESCRIPTORS...]\n"
	"\n"
	"Options:\n"
	"  -l, --latest   Act on the latest container pm is aware of\n";

static const struct desc {
	const char *name;
	const char *header;
} descs[] = {
	{"args", "COMMAND"},  {"comm", "COMMAND"}, {"etime", "ELAPSED"}, {"group", "GROUP"},
	{"hgroup", "HGROUP"}, {"hpid", "HPID"},	   {"huser", "HUSER"},	 {"nice", "NI"},
	{"pcpu", "%CPU"},     {"pgid", "PGID"},	   {"pid", "PID"},	 {"ppid", "PPID"},
	{"rss", "RSS"},	      {"state", "STATE"},  {"time", "TIME"},	 {"tty", "TTY"},
	{"user", "USER"},     {"vsz", "VSZ"},
};

static const struct desc *find_desc(const char *n)
{
	for (size_t i = 0; i < ARRAY_SIZE(descs); i++)
		if (strcmp(descs[i].name, n) == 0)
			return &descs[i];
	return NULL;
}

struct proc {
	pid_t hpid;
	char *stat_comm;
	char state;
	long ppid_host, pgid, tty_nr, nice;
	unsigned long long utime, stime, starttime, vsize;
	long rss;
	long nspid, nsppid;
	unsigned uid, gid;
	char *args;
};

/* Append pid and its descendants (depth first) to *v. */
static void collect(pid_t pid, pid_t **v, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i] == pid)
			return;
	*v = pm_xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = pid;
	_cleanup_free_ char *tdir = pm_xasprintf("/proc/%d/task", (int)pid);
	_cleanup_closedir_ DIR *d = opendir(tdir);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		_cleanup_free_ char *cp = pm_xasprintf("%s/%s/children", tdir, de->d_name);
		_cleanup_free_ char *text = NULL;
		if (pm_read_file(cp, 1 << 20, &text, NULL, NULL) < 0)
			continue;
		for (char *s = text; *s;) {
			char *end;
			long c = strtol(s, &end, 10);
			if (end == s)
				break;
			if (c > 0)
				collect((pid_t)c, v, n);
			s = end;
		}
	}
}

static bool read_proc(pid_t pid, struct proc *p)
{
	*p = (struct proc){.hpid = pid, .nspid = pid};
	_cleanup_free_ char *sp = pm_xasprintf("/proc/%d/stat", (int)pid);
	_cleanup_free_ char *stat = NULL;
	if (pm_read_file(sp, 65536, &stat, NULL, NULL) < 0)
		return false;
	char *l = strchr(stat, '('), *r = strrchr(stat, ')');
	if (!l || !r)
		return false;
	p->stat_comm = pm_xstrndup(l + 1, (size_t)(r - l - 1));
	/* fields after comm: state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt
	 * cmajflt utime stime cutime cstime priority nice num_threads itrealvalue starttime
	 * vsize rss */
	long session, tpgid, prio, nthreads, itreal;
	unsigned long flags, minflt, cminflt, majflt, cmajflt;
	long cutime, cstime;
	if (sscanf(r + 2,
		   "%c %ld %ld %ld %ld %ld %lu %lu %lu %lu %lu %llu %llu %ld %ld %ld %ld %ld %ld "
		   "%llu %llu %ld",
		   &p->state, &p->ppid_host, &p->pgid, &session, &p->tty_nr, &tpgid, &flags,
		   &minflt, &cminflt, &majflt, &cmajflt, &p->utime, &p->stime, &cutime, &cstime,
		   &prio, &p->nice, &nthreads, &itreal, &p->starttime, &p->vsize, &p->rss) < 22)
		return false;
	_cleanup_free_ char *stp = pm_xasprintf("/proc/%d/status", (int)pid);
	_cleanup_free_ char *status = NULL;
	if (pm_read_file(stp, 65536, &status, NULL, NULL) == 0) {
		char *line = strstr(status, "\nNSpid:");
		if (line) {
			/* the last field: the pid in the innermost namespace */
			char *eol = strchr(line + 1, '\n');
			if (eol)
				*eol = 0;
			char *last = strrchr(line, '\t');
			if (last)
				p->nspid = strtol(last + 1, NULL, 10);
			if (eol)
				*eol = '\n';
		}
		line = strstr(status, "\nUid:");
		if (line)
			p->uid = (unsigned)strtoul(line + 5, NULL, 10);
		line = strstr(status, "\nGid:");
		if (line)
			p->gid = (unsigned)strtoul(line + 5, NULL, 10);
	}
	_cleanup_free_ char *cp = pm_xasprintf("/proc/%d/cmdline", (int)pid);
	char *cmd = NULL;
	size_t len = 0;
	if (pm_read_file(cp, 1 << 20, &cmd, &len, NULL) == 0 && len) {
		for (size_t i = 0; i + 1 < len; i++)
			if (!cmd[i])
				cmd[i] = ' ';
		p->args = cmd;
	} else {
		free(cmd);
		p->args = pm_xasprintf("[%s]", p->stat_comm);
	}
	return true;
}

static void proc_clear(struct proc *p)
{
	free(p->stat_comm);
	free(p->args);
}

/* Map an id of the namespace pm sees through the process's uid_map/gid_map (inside <- out). */
static long map_in(pid_t pid, const char *which, unsigned id)
{
	_cleanup_free_ char *path = pm_xasprintf("/proc/%d/%s", (int)pid, which);
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	unsigned long in, out, count;
	while (f && fscanf(f, "%lu %lu %lu", &in, &out, &count) == 3)
		if (id >= out && id - out < count)
			return (long)(in + (id - out));
	return -1;
}

/* The name of id in the container's /etc/passwd or /etc/group, else the number. */
static char *id_name(pid_t init, const char *file, long id)
{
	if (id < 0)
		return pm_xstrdup("?");
	_cleanup_free_ char *path = pm_xasprintf("/proc/%d/root%s", (int)init, file);
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char line[1024];
	while (f && fgets(line, sizeof(line), f)) {
		char *c1 = strchr(line, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (c2 && strtol(c2 + 1, NULL, 10) == id && isdigit((unsigned char)c2[1]))
			return pm_xstrndup(line, (size_t)(c1 - line));
	}
	return pm_xasprintf("%ld", id);
}

static char *host_name(const char *file, unsigned id)
{
	_cleanup_fclose_ FILE *f = fopen(file, "re");
	char line[1024];
	while (f && fgets(line, sizeof(line), f)) {
		char *c1 = strchr(line, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (c2 && strtoul(c2 + 1, NULL, 10) == id && isdigit((unsigned char)c2[1]))
			return pm_xstrndup(line, (size_t)(c1 - line));
	}
	return pm_xasprintf("%u", id);
}

/* A Go duration as time.Duration.String() prints it ("1h2m3.5s", "4.29226366s", "0s"). */
static char *go_duration(long long ns)
{
	if (ns <= 0)
		return pm_xstrdup("0s");
	long long h = ns / (3600LL * 1000000000LL);
	ns -= h * 3600LL * 1000000000LL;
	long long m = ns / (60LL * 1000000000LL);
	ns -= m * 60LL * 1000000000LL;
	char sec[40];
	snprintf(sec, sizeof(sec), "%lld.%09lld", ns / 1000000000LL, ns % 1000000000LL);
	size_t l = strlen(sec);
	while (sec[l - 1] == '0')
		sec[--l] = 0;
	if (sec[l - 1] == '.')
		sec[--l] = 0;
	if (h)
		return pm_xasprintf("%lldh%lldm%ss", h, m, sec);
	if (m)
		return pm_xasprintf("%lldm%ss", m, sec);
	return pm_xasprintf("%ss", sec);
}

static char *tty_name(long tty_nr)
{
	if (tty_nr == 0)
		return pm_xstrdup("?");
	unsigned major = (unsigned)((tty_nr >> 8) & 0xfff);
	unsigned minor = (unsigned)((tty_nr & 0xff) | ((tty_nr >> 12) & 0xfff00));
	if (major == 136)
		return pm_xasprintf("pts/%u", minor);
	if (major == 4)
		return pm_xasprintf("tty%u", minor);
	return pm_xasprintf("%u:%u", major, minor);
}

static char *cell(const char *d, const struct proc *p, pid_t init, double uptime, long hz,
		  const struct proc *all, size_t n)
{
	long long elapsed_ns =
		(long long)(uptime * 1e9 + 0.5) - (long long)p->starttime * (1000000000LL / hz);
	double elapsed = (double)elapsed_ns / 1e9;
	if (!strcmp(d, "pid"))
		return pm_xasprintf("%ld", p->nspid);
	if (!strcmp(d, "hpid"))
		return pm_xasprintf("%d", (int)p->hpid);
	if (!strcmp(d, "ppid")) {
		if (p->hpid == init)
			return pm_xstrdup("0");
		for (size_t i = 0; i < n; i++)
			if (all[i].hpid == p->ppid_host)
				return pm_xasprintf("%ld", all[i].nspid);
		return pm_xstrdup("0");
	}
	if (!strcmp(d, "pgid"))
		return pm_xasprintf("%ld", p->pgid);
	if (!strcmp(d, "user"))
		return id_name(init, "/etc/passwd", map_in(p->hpid, "uid_map", p->uid));
	if (!strcmp(d, "group"))
		return id_name(init, "/etc/group", map_in(p->hpid, "gid_map", p->gid));
	if (!strcmp(d, "huser"))
		return host_name("/etc/passwd", p->uid);
	if (!strcmp(d, "hgroup"))
		return host_name("/etc/group", p->gid);
	if (!strcmp(d, "args"))
		return pm_xstrdup(p->args);
	if (!strcmp(d, "comm"))
		return pm_xstrdup(p->stat_comm);
	if (!strcmp(d, "etime"))
		return go_duration(elapsed_ns);
	if (!strcmp(d, "time"))
		return go_duration((long long)((p->utime + p->stime) * (1000000000LL / hz)));
	if (!strcmp(d, "pcpu")) {
		double cpu = elapsed > 0
				     ? (double)(p->utime + p->stime) / (double)hz / elapsed * 100
				     : 0;
		return pm_xasprintf("%.3f", cpu);
	}
	if (!strcmp(d, "tty"))
		return tty_name(p->tty_nr);
	if (!strcmp(d, "nice"))
		return pm_xasprintf("%ld", p->nice);
	if (!strcmp(d, "state"))
		return pm_xasprintf("%c", p->state);
	if (!strcmp(d, "vsz"))
		return pm_xasprintf("%llu", p->vsize / 1024);
	if (!strcmp(d, "rss"))
		return pm_xasprintf("%ld", p->rss * (sysconf(_SC_PAGESIZE) / 1024));
	return pm_xstrdup("?");
}

int cmd_top(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{"latest", no_argument, NULL, 'l'},
					     {"help", no_argument, NULL, 0},
					     {NULL, 0, NULL, 0}};
	struct pm_opt_state st = {0};
	bool latest = false;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "+l", opts, usage)) != -1) {
		if (c == PM_OPT_EXIT)
			return st.status;
		if (c == 'l')
			latest = true;
	}
	if (!latest && argc - optind < 1)
		return pm_cli_errorf("you must provide the name or ID of a running container");
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_container_ struct pm_container *ctr = NULL;
	int first_desc = optind;
	if (latest) {
		struct pm_container **list = NULL;
		size_t n = 0;
		if (pm_container_list(&cli->paths, &list, &n, &err) < 0)
			return pm_cli_error(err);
		if (n) {
			ctr = list[0];
			list[0] = NULL;
		}
		pm_container_list_free(list, n);
		if (!ctr)
			return pm_cli_errorf("no containers: no such container");
	} else {
		if (pm_container_lookup(&cli->paths, argv[optind], &ctr, &err) < 0)
			return pm_cli_error(err);
		first_desc = optind + 1;
	}
	/* descriptors: words or comma lists; unknown ones are an error */
	_cleanup_strv_ char **ds = NULL;
	for (int i = first_desc; i < argc; i++) {
		_cleanup_strv_ char **parts = pm_strv_split(argv[i], ", ");
		for (char **p = parts; p && *p; p++) {
			if (!find_desc(*p))
				return pm_cli_errorf("unknown descriptor: %s", *p);
			pm_strv_push(&ds, *p);
		}
	}
	if (!ds) {
		const char *def[] = {"user", "pid", "ppid", "pcpu", "etime", "tty", "time", "args"};
		for (size_t i = 0; i < ARRAY_SIZE(def); i++)
			pm_strv_push(&ds, def[i]);
	}
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	pm_engine_refresh(&e, ctr);
	if ((ctr->state.status != PM_CTR_RUNNING && ctr->state.status != PM_CTR_PAUSED) ||
	    ctr->state.pid <= 0)
		return pm_cli_errorf("top can only be used on running containers");

	pid_t *pids = NULL;
	size_t np = 0;
	collect(ctr->state.pid, &pids, &np);
	struct proc *procs = pm_xcalloc(np, sizeof(*procs));
	size_t n = 0;
	for (size_t i = 0; i < np; i++)
		if (read_proc(pids[i], &procs[n]))
			n++;
		else
			proc_clear(&procs[n]);
	free(pids);
	double uptime = 0;
	_cleanup_free_ char *up = NULL;
	if (pm_read_file("/proc/uptime", 4096, &up, NULL, NULL) == 0)
		uptime = strtod(up, NULL);
	long hz = sysconf(_SC_CLK_TCK);
	if (hz <= 0)
		hz = 100;

	_cleanup_table_ pm_table *t = pm_table_new();
	_cleanup_strv_ char **heads = NULL;
	for (char **d = ds; *d; d++) {
		const struct desc *dd = find_desc(*d);
		pm_strv_push(&heads, dd ? dd->header : "?");
	}
	_cleanup_free_ char *hrow = pm_strv_join(heads, "\t");
	pm_table_add_row(t, hrow);
	for (size_t i = 0; i < n; i++) {
		_cleanup_strv_ char **cells = NULL;
		for (char **d = ds; *d; d++)
			pm_strv_consume(&cells,
					cell(*d, &procs[i], ctr->state.pid, uptime, hz, procs, n));
		_cleanup_free_ char *row = pm_strv_join(cells, "\t");
		pm_table_add_row(t, row);
	}
	pm_table_print(t, stdout);
	for (size_t i = 0; i < n; i++)
		proc_clear(&procs[i]);
	free(procs);
	return 0;
}
