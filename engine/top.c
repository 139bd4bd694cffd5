/* top.c: the process table of `pm top` (see top.h). Finds the processes through
 * /proc/PID/task/TID/children, reads each one's stat (lib/proc), status and cmdline once,
 * then makes the cells of the asked descriptors the way podman's psgo prints them.
 * Never prints. Called by cli/cmd-top.c. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/top.h"
#include "lib/fileutil.h"
#include "lib/proc.h"
#include "lib/strutil.h"

static const struct pm_top_desc known_descs[] = {
	{"args", "COMMAND"},  {"comm", "COMMAND"}, {"etime", "ELAPSED"}, {"group", "GROUP"},
	{"hgroup", "HGROUP"}, {"hpid", "HPID"},	   {"huser", "HUSER"},	 {"nice", "NI"},
	{"pcpu", "%CPU"},     {"pgid", "PGID"},	   {"pid", "PID"},	 {"ppid", "PPID"},
	{"rss", "RSS"},	      {"state", "STATE"},  {"time", "TIME"},	 {"tty", "TTY"},
	{"user", "USER"},     {"vsz", "VSZ"},
};

const char *const pm_top_default_descs[] = {"user", "pid",  "ppid", "pcpu", "etime",
					    "tty",  "time", "args", NULL};

const struct pm_top_desc *pm_top_desc_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(known_descs); i++)
		if (strcmp(known_descs[i].name, name) == 0)
			return &known_descs[i];
	return NULL;
}

/* ---- pure pieces ------------------------------------------------------------------------ */

char *pm_top_go_duration(long long ns)
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

char *pm_top_tty_name(long tty_nr)
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

long pm_top_map_id(const char *map, unsigned long id)
{
	unsigned long in, out, count;
	int used = 0;
	while (map && sscanf(map, "%lu %lu %lu%n", &in, &out, &count, &used) == 3) {
		if (id >= out && id - out < count)
			return (long)(in + (id - out));
		map += used;
	}
	return -1;
}

char *pm_top_db_name(const char *db, unsigned long id)
{
	for (const char *line = db; line && *line;) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		_cleanup_free_ char *l = pm_xstrndup(line, len);
		char *c1 = strchr(l, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (c2 && isdigit((unsigned char)c2[1]) && strtoul(c2 + 1, NULL, 10) == id)
			return pm_xstrndup(l, (size_t)(c1 - l));
		line = eol ? eol + 1 : line + len;
	}
	return NULL;
}

/* ---- reading the processes -------------------------------------------------------------- */

struct proc {
	pid_t hpid;
	struct pm_proc_stat st;
	long nspid;
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
	if (pm_proc_stat_read(pid, &p->st) < 0)
		return false;
	struct pm_proc_status st;
	if (pm_proc_status_read(pid, &st) == 0) {
		if (st.have & PM_PROC_HAVE_NSPID)
			p->nspid = st.nspid;
		if (st.have & PM_PROC_HAVE_UID)
			p->uid = st.uid;
		if (st.have & PM_PROC_HAVE_GID)
			p->gid = st.gid;
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
		p->args = pm_xasprintf("[%s]", p->st.comm);
	}
	return true;
}

/* Map an id of the namespace pm sees through the process's uid_map/gid_map (inside <- out). */
static long map_in(pid_t pid, const char *which, unsigned id)
{
	_cleanup_free_ char *path = pm_xasprintf("/proc/%d/%s", (int)pid, which);
	_cleanup_free_ char *map = NULL;
	if (pm_read_file(path, 1 << 20, &map, NULL, NULL) < 0)
		return -1;
	return pm_top_map_id(map, id);
}

static char *db_lookup(const char *path, unsigned long id)
{
	_cleanup_free_ char *db = NULL;
	if (pm_read_file(path, 1 << 24, &db, NULL, NULL) < 0)
		return NULL;
	return pm_top_db_name(db, id);
}

/* The name of id in the container's /etc/passwd or /etc/group, else the number. The file
 * is resolved inside the container's root (RESOLVE_IN_ROOT): through /proc/PID/root an
 * absolute symlink in the container would otherwise name a file of the host. */
static char *id_name(pid_t init, const char *file, long id)
{
	if (id < 0)
		return pm_xstrdup("?");
	_cleanup_free_ char *root = pm_xasprintf("/proc/%d/root", (int)init);
	_cleanup_free_ char *db = NULL;
	char *name = NULL;
	if (pm_read_file_in_root(root, file, 1 << 24, &db, NULL) >= 0 && db)
		name = pm_top_db_name(db, (unsigned long)id);
	return name ? name : pm_xasprintf("%ld", id);
}

static char *host_name(const char *file, unsigned id)
{
	char *name = db_lookup(file, id);
	return name ? name : pm_xasprintf("%u", id);
}

struct clock {
	double uptime; /* /proc/uptime, seconds */
	long hz;       /* clock ticks per second */
};

static char *cell(const char *d, const struct proc *p, pid_t init, const struct clock *clk,
		  const struct proc *all, size_t n)
{
	long hz = clk->hz;
	long long elapsed_ns = (long long)(clk->uptime * 1e9 + 0.5) -
			       (long long)p->st.starttime * (1000000000LL / hz);
	double elapsed = (double)elapsed_ns / 1e9;
	if (!strcmp(d, "pid"))
		return pm_xasprintf("%ld", p->nspid);
	if (!strcmp(d, "hpid"))
		return pm_xasprintf("%d", (int)p->hpid);
	if (!strcmp(d, "ppid")) {
		if (p->hpid == init)
			return pm_xstrdup("0");
		for (size_t i = 0; i < n; i++)
			if (all[i].hpid == p->st.ppid)
				return pm_xasprintf("%ld", all[i].nspid);
		return pm_xstrdup("0");
	}
	if (!strcmp(d, "pgid"))
		return pm_xasprintf("%ld", (long)p->st.pgrp);
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
		return pm_xstrdup(p->st.comm);
	if (!strcmp(d, "etime"))
		return pm_top_go_duration(elapsed_ns);
	if (!strcmp(d, "time"))
		return pm_top_go_duration(
			(long long)((p->st.utime + p->st.stime) * (1000000000LL / hz)));
	if (!strcmp(d, "pcpu")) {
		double cpu = elapsed > 0 ? (double)(p->st.utime + p->st.stime) / (double)hz /
						   elapsed * 100
					 : 0;
		return pm_xasprintf("%.3f", cpu);
	}
	if (!strcmp(d, "tty"))
		return pm_top_tty_name(p->st.tty_nr);
	if (!strcmp(d, "nice"))
		return pm_xasprintf("%ld", p->st.nice);
	if (!strcmp(d, "state"))
		return pm_xasprintf("%c", p->st.state);
	if (!strcmp(d, "vsz"))
		return pm_xasprintf("%llu", p->st.vsize / 1024);
	if (!strcmp(d, "rss"))
		return pm_xasprintf("%ld", p->st.rss * (sysconf(_SC_PAGESIZE) / 1024));
	return pm_xstrdup("?");
}

/* ---- the table -------------------------------------------------------------------------- */

void pm_top_table_clear(struct pm_top_table *t)
{
	if (!t)
		return;
	t->headers = pm_strv_free(t->headers);
	for (size_t i = 0; i < t->n_rows; i++)
		pm_strv_free(t->rows[i]);
	free(t->rows);
	t->rows = NULL;
	t->n_rows = 0;
}

int pm_top_table(pid_t init, char *const *ds, struct pm_top_table *ret, pm_error **err)
{
	if (!ds)
		ds = (char *const *)pm_top_default_descs;
	_cleanup_top_table_ struct pm_top_table t = {0};
	for (char *const *d = ds; *d; d++) {
		const struct pm_top_desc *dd = pm_top_desc_find(*d);
		if (!dd)
			return pm_error_set(err, EINVAL, "unknown descriptor: %s", *d);
		pm_strv_push(&t.headers, dd->header);
	}

	_cleanup_free_ pid_t *pids = NULL;
	size_t np = 0;
	collect(init, &pids, &np);
	struct proc *procs = pm_xcalloc(np, sizeof(*procs));
	size_t n = 0;
	for (size_t i = 0; i < np; i++)
		if (read_proc(pids[i], &procs[n]))
			n++;

	struct clock clk = {.uptime = 0, .hz = sysconf(_SC_CLK_TCK)};
	_cleanup_free_ char *up = NULL;
	if (pm_read_file("/proc/uptime", 4096, &up, NULL, NULL) == 0)
		clk.uptime = strtod(up, NULL);
	if (clk.hz <= 0)
		clk.hz = 100;

	t.rows = pm_xcalloc(n ? n : 1, sizeof(*t.rows));
	for (size_t i = 0; i < n; i++) {
		for (char *const *d = ds; *d; d++)
			pm_strv_consume(&t.rows[i], cell(*d, &procs[i], init, &clk, procs, n));
		t.n_rows++;
	}
	for (size_t i = 0; i < n; i++)
		free(procs[i].args);
	free(procs);
	*ret = t;
	t = (struct pm_top_table){0};
	return 0;
}

int pm_engine_top(const struct pm_engine *e, struct pm_container *c, char *const *descs,
		  struct pm_top_table *ret, pm_error **err)
{
	pm_engine_refresh(e, c);
	if (!pm_ctr_is_running(c) || c->state.pid <= 0)
		return pm_error_set(err, EINVAL, "top can only be used on running containers");
	return pm_top_table(c->state.pid, descs, ret, err);
}

int pm_top_descs_parse(char *const *args, int n, char ***ret, pm_error **err)
{
	_cleanup_strv_ char **ds = NULL;
	for (int i = 0; i < n; i++) {
		_cleanup_strv_ char **parts = pm_strv_split(args[i], ", ");
		for (char **p = parts; p && *p; p++) {
			if (!pm_top_desc_find(*p))
				return pm_error_set(err, EINVAL, "unknown descriptor: %s", *p);
			pm_strv_push(&ds, *p);
		}
	}
	*ret = TAKE_PTR(ds);
	return 0;
}
