/* stats.c: a running container's resource usage from its own cgroup v2 and its network
 * namespace (see stats.h). The figures are podman's: CPU % is CPU time over wall time since
 * the previous reading (or since the start), memory is memory.current less the inactive page
 * cache against memory.max (or the host's memory), block IO the sums of io.stat. Never
 * prints. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "engine/stats.h"
#include "lib/fileutil.h"
#include "lib/proc.h"
#include "lib/strutil.h"
#include "lib/timeutil.h"
#include "systemd/cgroup.h"

PM_DEFINE_CLEANUP_VALUE(struct pm_cgroup_info, pm_cgroup_info_free);

/* The value of "key N" in a flat-keyed file (cpu.stat, memory.stat), 0 when missing. */
static uint64_t keyed(const char *text, const char *key)
{
	size_t klen = strlen(key);
	for (const char *p = text; p && *p;) {
		if (strncmp(p, key, klen) == 0 && p[klen] == ' ')
			return strtoull(p + klen + 1, NULL, 10);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return 0;
}

/* Sum "name=N" over the lines of a nested-keyed file (io.stat). */
static uint64_t nested_sum(const char *text, const char *name)
{
	uint64_t sum = 0;
	size_t nlen = strlen(name);
	for (const char *p = text; p && *p; p++) {
		if ((p == text || p[-1] == ' ') && strncmp(p, name, nlen) == 0 && p[nlen] == '=')
			sum += strtoull(p + nlen + 1, NULL, 10);
	}
	return sum;
}

/* Bytes received and sent on every interface of /proc/PID/net/dev but lo. */
static void net_dev(const char *text, uint64_t *in, uint64_t *out)
{
	*in = *out = 0;
	for (const char *line = text; line && *line;) {
		const char *colon = strchr(line, ':');
		const char *eol = strchr(line, '\n');
		if (colon && (!eol || colon < eol)) {
			const char *name = line;
			while (*name == ' ')
				name++;
			if (!(colon - name == 2 && strncmp(name, "lo", 2) == 0)) {
				unsigned long long v[9];
				if (sscanf(colon + 1,
					   "%llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
					   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7],
					   &v[8]) == 9) {
					*in += v[0];
					*out += v[8];
				}
			}
		}
		line = eol ? eol + 1 : NULL;
	}
}

void pm_engine_stats_parse(const struct pm_ctr_stats_files *f, uint64_t host_mem,
			   struct pm_ctr_stats *ret)
{
	*ret = (struct pm_ctr_stats){0};
	ret->cpu_nano = keyed(f->cpu_stat, "usage_usec") * 1000;
	ret->cpu_system_nano = keyed(f->cpu_stat, "system_usec") * 1000;
	uint64_t current = f->memory_current ? strtoull(f->memory_current, NULL, 10) : 0;
	uint64_t inactive = keyed(f->memory_stat, "inactive_file");
	ret->mem_usage = current > inactive ? current - inactive : 0;
	ret->mem_limit = host_mem;
	if (f->memory_max && strncmp(f->memory_max, "max", 3) != 0) {
		uint64_t max = strtoull(f->memory_max, NULL, 10);
		if (max && (!host_mem || max < host_mem))
			ret->mem_limit = max;
	}
	if (ret->mem_limit)
		ret->mem_percent = (double)ret->mem_usage / (double)ret->mem_limit * 100.0;
	ret->block_in = nested_sum(f->io_stat, "rbytes");
	ret->block_out = nested_sum(f->io_stat, "wbytes");
	ret->pids = f->pids_current ? strtoull(f->pids_current, NULL, 10) : 0;
	net_dev(f->net_dev, &ret->net_in, &ret->net_out);
}

/* The text of a cgroup or /proc file, openat dfd; NULL (errno set) when it cannot be read or
 * is over 1 MiB. These are seq_files: one read() gives all that fits in the buffer, so a
 * short read is the end (no second read, no fstat: three syscalls a file, seven files a
 * container, and a syscall is dear in a VM without hardware virtualisation). */
static char *read_seq_at(int dfd, const char *name)
{
	_cleanup_close_ int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return NULL;
	size_t cap = 4096, len = 0;
	_cleanup_free_ char *buf = pm_xmalloc(cap);
	for (;;) {
		ssize_t n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return NULL;
		len += (size_t)n;
		if (len < cap - 1)
			break; /* short (or nothing): the end */
		if (cap >= (size_t)1 << 20) {
			errno = EFBIG;
			return NULL;
		}
		cap *= 2;
		buf = pm_xrealloc(buf, cap);
	}
	buf[len] = '\0';
	return TAKE_PTR(buf);
}

int pm_engine_stats_host(struct pm_stats_host *ret, pm_error **err)
{
	*ret = (struct pm_stats_host){0};
	struct statfs sf;
	if (statfs("/sys/fs/cgroup", &sf) < 0 || sf.f_type != CGROUP2_SUPER_MAGIC) {
		/* the rare case: the whole detection, for the words of the error */
		_cleanup_(pm_cgroup_info_freep) struct pm_cgroup_info info = {0};
		int r = pm_cgroup_detect(&info, err);
		if (r < 0)
			return r;
		if (info.version != 2)
			return pm_error_set(
				err, EOPNOTSUPP,
				"stats need cgroups v2: this host has %s cgroups v1, where a "
				"rootless container has no cgroup of its own to read",
				info.hybrid ? "hybrid" : "legacy");
	}
	struct sysinfo si;
	ret->mem_total = sysinfo(&si) == 0 ? (uint64_t)si.totalram * si.mem_unit : 0;
	ret->own_cgroup = pm_proc_cgroup_read(0);
	return 0;
}

void pm_engine_stats_host_clear(struct pm_stats_host *h)
{
	free(h->own_cgroup);
	*h = (struct pm_stats_host){0};
}

PM_DEFINE_CLEANUP_VALUE(struct pm_stats_host, pm_engine_stats_host_clear);

int pm_engine_stats(const struct pm_stats_host *h, const struct pm_container *c,
		    const struct pm_ctr_stats *prev, struct pm_ctr_stats *ret, pm_error **err)
{
	_cleanup_(pm_engine_stats_host_clearp) struct pm_stats_host own = {0};
	if (!h) {
		int r = pm_engine_stats_host(&own, err);
		if (r < 0)
			return r;
		h = &own;
	}
	if (!pm_ctr_is_running(c) || c->state.pid <= 0)
		return pm_error_set(err, EINVAL, "container %s is not running", c->name);
	/* the cgroup the start put it in (the record's, as podman reads its own record), else
	 * (none recorded, or gone) the one its init is in now */
	char path[64];
	_cleanup_free_ char *dir = NULL;
	_cleanup_close_ int dfd = -1;
	const char *cg = c->state.cgroup_path;
	if (cg && cg[0] == '/' && (!h->own_cgroup || strcmp(cg, h->own_cgroup) != 0)) {
		dir = pm_xasprintf("/sys/fs/cgroup%s", cg);
		dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	}
	if (dfd < 0) {
		snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)c->state.pid);
		_cleanup_free_ char *text = read_seq_at(AT_FDCWD, path);
		_cleanup_free_ char *now = pm_proc_cgroup_parse(text);
		if (!now)
			return pm_error_set(err, ESRCH, "container %s: cannot find its cgroup",
					    c->name);
		if (h->own_cgroup && strcmp(now, h->own_cgroup) == 0)
			return pm_error_set(err, EOPNOTSUPP,
					    "container %s has no cgroup of its own to read (stats "
					    "need a delegated cgroup v2 subtree and a systemd user "
					    "session)",
					    c->name);
		free(dir);
		dir = pm_xasprintf("/sys/fs/cgroup%s", now);
		/* the files by name in the cgroup's directory: one walk of its deep path */
		dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	}
	_cleanup_free_ char *cpu = dfd < 0 ? NULL : read_seq_at(dfd, "cpu.stat");
	if (!cpu)
		return pm_error_set_errno(err, errno, "container %s: reading '%s/cpu.stat'",
					  c->name, dir);
	_cleanup_free_ char *cur = read_seq_at(dfd, "memory.current");
	_cleanup_free_ char *mstat = read_seq_at(dfd, "memory.stat");
	_cleanup_free_ char *mmax = read_seq_at(dfd, "memory.max");
	_cleanup_free_ char *io = read_seq_at(dfd, "io.stat");
	_cleanup_free_ char *pids = read_seq_at(dfd, "pids.current");
	snprintf(path, sizeof(path), "/proc/%d/net/dev", (int)c->state.pid);
	_cleanup_free_ char *net = read_seq_at(AT_FDCWD, path);
	const struct pm_ctr_stats_files f = {
		.cpu_stat = cpu,
		.memory_current = cur,
		.memory_stat = mstat,
		.memory_max = mmax,
		.io_stat = io,
		.pids_current = pids,
		.net_dev = net,
	};
	pm_engine_stats_parse(&f, h->mem_total, ret);
	ret->system_nano = pm_time_now_ns();
	/* a counter that went back is a new cgroup (a restart): start over, as podman */
	if (prev && prev->cpu_nano > ret->cpu_nano)
		prev = NULL;
	/* the first reading: over the whole run, from the start */
	uint64_t prev_cpu = prev ? prev->cpu_nano : 0;
	int64_t prev_sys = prev ? prev->system_nano : c->state.started_ns;
	if (prev_sys > 0 && ret->system_nano > prev_sys && ret->cpu_nano >= prev_cpu)
		ret->cpu_percent = (double)(ret->cpu_nano - prev_cpu) /
				   (double)(ret->system_nano - prev_sys) * 100.0;
	uint64_t n = prev ? prev->data_points : 0;
	double avg = prev ? prev->avg_cpu : 0.0;
	ret->avg_cpu = (avg * (double)n + ret->cpu_percent) / (double)(n + 1);
	ret->data_points = n + 1;
	return 0;
}
