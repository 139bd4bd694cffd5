/* limits.c: the --cgroups mode, limit conversions, delegation checks and the cgroupfs
 * cgroups of containers (see limits.h). Reads /proc/self/cgroup and /sys/fs/cgroup;
 * writes only below a cgroup delegated to the user. Never prints (debug log only).
 * Called by engine/. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "lib/fileutil.h"
#include "lib/log.h"
#include "lib/proc.h"
#include "lib/strutil.h"
#include "systemd/limits.h"

#define CG_ROOT	 "/sys/fs/cgroup"
#define MAX_CPUS 8192
#define DROPIN                                                                                     \
	"add /etc/systemd/system/user@.service.d/delegate.conf containing "                        \
	"'[Service]\\nDelegate=cpu cpuset io memory pids', then run 'systemctl "                   \
	"daemon-reload' and log in again"

int pm_cg_mode_parse(const char *s, enum pm_cg_mode *ret, pm_error **err)
{
	static const char *const names[] = {"enabled", "disabled", "no-conmon", "split"};
	if (!s || !*s) {
		*ret = PM_CG_ENABLED;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(s, names[i])) {
			*ret = (enum pm_cg_mode)i;
			return 0;
		}
	return pm_error_set(err, EINVAL,
			    "invalid cgroup mode \"%s\": invalid argument (use enabled, disabled, "
			    "no-conmon or split)",
			    s);
}

bool pm_cg_limits_any(const struct pm_cg_limits *l)
{
	return l->memory_max || l->swap_set || l->memory_low || l->cpu_quota || l->cpu_period ||
	       l->cpu_weight || (l->cpuset_cpus && *l->cpuset_cpus) ||
	       (l->cpuset_mems && *l->cpuset_mems) || (l->pids_max && !l->pids_soft) ||
	       l->io_weight || (l->io_max && l->io_max[0]) ||
	       (l->io_weight_dev && l->io_weight_dev[0]) || (l->unified && l->unified[0]);
}

uint64_t pm_cg_shares_to_weight(uint64_t shares)
{
	if (shares == 0)
		return 0;
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t pm_cg_blkio_to_io_weight(uint64_t w)
{
	if (w == 0)
		return 0;
	if (w < 10)
		w = 10;
	if (w > 1000)
		w = 1000;
	return 1 + ((w - 10) * 9999) / 990;
}

static int parse_cpu_num(const char **p, unsigned *ret)
{
	const char *s = *p;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	unsigned long v = 0;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (unsigned long)(*s - '0');
		if (v >= MAX_CPUS)
			return -EINVAL;
		s++;
	}
	*p = s;
	*ret = (unsigned)v;
	return 0;
}

int pm_cg_parse_cpuset(const char *s, uint8_t **ret_mask, size_t *ret_len)
{
	if (ret_mask)
		*ret_mask = NULL;
	if (ret_len)
		*ret_len = 0;
	if (!s || !*s)
		return -EINVAL;
	uint8_t mask[MAX_CPUS / 8] = {0};
	unsigned top = 0;
	const char *p = s;
	for (;;) {
		unsigned a, b;
		if (parse_cpu_num(&p, &a) < 0)
			return -EINVAL;
		b = a;
		if (*p == '-') {
			p++;
			if (parse_cpu_num(&p, &b) < 0 || b < a)
				return -EINVAL;
		}
		for (unsigned i = a; i <= b; i++)
			mask[i / 8] |= (uint8_t)(1u << (i % 8));
		if (b + 1 > top)
			top = b + 1;
		if (*p == '\0')
			break;
		if (*p != ',')
			return -EINVAL;
		p++;
	}
	if (ret_mask) {
		size_t n = (top + 7) / 8;
		*ret_mask = pm_xmalloc(n);
		memcpy(*ret_mask, mask, n);
		*ret_len = n;
	}
	return 0;
}

/* ---- the host ---------------------------------------------------------------------------- */

bool pm_cg_unified(void)
{
	struct statfs s;
	return statfs(CG_ROOT, &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC;
}

/* pm's own cgroup, without a trailing /supervisor (a split container's monitor restarts
 * it from there). */
static char *own_cgroup(void)
{
	char *own = pm_proc_cgroup_read(0);
	if (!own)
		return NULL;
	size_t n = strlen(own);
	if (n > strlen("/supervisor") && pm_str_endswith(own, "/supervisor"))
		own[n - strlen("/supervisor")] = '\0';
	return own;
}

static char *parent_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return pm_xstrdup("/");
	return pm_xstrndup(path, (size_t)(slash - path));
}

/* The cgroup whose cgroup.controllers says what the container's cgroup can have, for mode
 * and manager; *ret_writable: whether pm may make cgroups there itself (cgroupfs). */
static char *base_cgroup(enum pm_cg_mode mode, const char *manager, bool *ret_need_write)
{
	_cleanup_free_ char *own = own_cgroup();
	*ret_need_write = true;
	if (!own)
		return NULL;
	if (mode == PM_CG_SPLIT)
		return TAKE_PTR(own);
	if (manager && !strcmp(manager, "systemd")) {
		*ret_need_write = false;
		if (geteuid() == 0 && !getenv("XDG_RUNTIME_DIR"))
			return pm_xstrdup("/");
		/* the user manager's cgroup: what systemd may delegate to the user's scopes */
		const char *uid_env = getenv("_PM_ROOTLESS_UID");
		unsigned long uid = uid_env ? strtoul(uid_env, NULL, 10) : (unsigned long)getuid();
		_cleanup_free_ char *want = pm_xasprintf("/user@%lu.service", uid);
		char *at = strstr(own, want);
		if (at) {
			at[strlen(want)] = '\0';
			return TAKE_PTR(own);
		}
		return pm_xasprintf("/user.slice/user-%lu.slice/user@%lu.service", uid, uid);
	}
	return parent_of(own);
}

static bool controller_in(const char *dir, const char *controller)
{
	_cleanup_free_ char *file = pm_xasprintf("%s/cgroup.controllers", dir);
	_cleanup_free_ char *line = NULL;
	if (pm_read_line_file(file, &line, NULL) < 0)
		return false;
	_cleanup_strv_ char **v = pm_strv_split(line, " ");
	return pm_strv_contains(v, controller);
}

static int check(const char *flag, const char *controller, enum pm_cg_mode mode,
		 const char *manager, pm_error **err)
{
	if (!pm_cg_unified()) {
		struct statfs s;
		bool hybrid =
			statfs(CG_ROOT "/unified", &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC;
		return pm_error_set(
			err, EOPNOTSUPP,
			"%s: cannot enforce the limit: this host has %s cgroups v1, and "
			"limits need cgroup v2 with the '%s' controller delegated: use a "
			"host with the unified hierarchy, or drop %s",
			flag, hybrid ? "hybrid" : "legacy", controller, flag);
	}
	if (mode == PM_CG_DISABLED)
		return pm_error_set(err, EINVAL,
				    "%s: cannot enforce a limit with --cgroups=disabled: drop one "
				    "of them",
				    flag);
	bool need_write;
	_cleanup_free_ char *base = base_cgroup(mode, manager, &need_write);
	if (!base)
		return pm_error_set(err, EOPNOTSUPP,
				    "%s: cannot enforce the limit: pm's own cgroup is unknown",
				    flag);
	_cleanup_free_ char *dir = pm_xasprintf(CG_ROOT "%s", strcmp(base, "/") ? base : "");
	_cleanup_free_ char *ctl = pm_xasprintf("%s/cgroup.subtree_control", dir);
	if (need_write && access(ctl, W_OK) < 0)
		return pm_error_set(
			err, EOPNOTSUPP,
			"%s: cannot enforce the limit: the cgroup '%s' is not delegated to this "
			"user (%s)",
			flag, base,
			mode == PM_CG_SPLIT
				? "--cgroups=split needs a systemd unit with Delegate=yes"
				: "use --cgroup-manager=systemd in a systemd user "
				  "session, or --cgroups=split in a unit with "
				  "Delegate=yes");
	if (!controller_in(dir, controller))
		return pm_error_set(err, EOPNOTSUPP,
				    "%s: cannot enforce the limit: the '%s' cgroup controller is "
				    "not delegated to this user (cgroup '%s'): " DROPIN,
				    flag, controller, base);
	return 0;
}

int pm_cg_require(const char *flag, const char *controller, enum pm_cg_mode mode,
		  const char *manager, pm_error **err)
{
	return check(flag, controller, mode, manager, err);
}

bool pm_cg_available(const char *controller, enum pm_cg_mode mode, const char *manager)
{
	return mode != PM_CG_DISABLED && check("", controller, mode, manager, NULL) == 0;
}

/* ---- cgroupfs ------------------------------------------------------------------------------ */

static int write_str(const char *dir, const char *file, const char *val, pm_error **err)
{
	_cleanup_free_ char *path = pm_xasprintf("%s/%s", dir, file);
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		return pm_error_set_errno(err, errno, "writing '%s' to %s", val, path);
	return 0;
}

static void fmt_max(char *buf, size_t n, uint64_t v)
{
	if (v == PM_CG_UNLIMITED)
		snprintf(buf, n, "max");
	else
		snprintf(buf, n, "%" PRIu64, v);
}

/* Enable controller in the subtree_control of dir's parent (quietly when already). */
static int enable_in_parent(const char *dir, const char *controller, pm_error **err)
{
	_cleanup_free_ char *parent = parent_of(dir);
	_cleanup_free_ char *val = pm_xasprintf("+%s", controller);
	_cleanup_free_ char *cur = NULL;
	_cleanup_free_ char *f = pm_xasprintf("%s/cgroup.subtree_control", parent);
	if (pm_read_line_file(f, &cur, NULL) >= 0) {
		_cleanup_strv_ char **v = pm_strv_split(cur, " ");
		if (pm_strv_contains(v, controller))
			return 0;
	}
	return write_str(parent, "cgroup.subtree_control", val, err);
}

/* The file lists of l (io.max and io.weight lines, --cgroup-conf's FILE=VALUE: a value of
 * several lines is written a line at a time, an empty one not at all, as crun does). */
static int write_files(const char *dir, const struct pm_cg_limits *l, pm_error **err)
{
	int r;
	if ((l->io_max && l->io_max[0]) || (l->io_weight_dev && l->io_weight_dev[0])) {
		if ((r = enable_in_parent(dir, "io", err)) < 0)
			return r;
		for (char *const *v = l->io_max; v && *v; v++)
			if ((r = write_str(dir, "io.max", *v, err)) < 0)
				return r;
		_cleanup_free_ char *bfq = pm_xasprintf("%s/io.bfq.weight", dir);
		bool have_bfq = access(bfq, F_OK) == 0;
		for (char *const *v = l->io_weight_dev; v && *v; v++) {
			char buf[64];
			unsigned maj, min;
			uint64_t w;
			if (sscanf(*v, "%u:%u %" SCNu64, &maj, &min, &w) != 3)
				continue;
			snprintf(buf, sizeof(buf), "%u:%u %" PRIu64, maj, min,
				 have_bfq ? w : pm_cg_blkio_to_io_weight(w));
			if ((r = write_str(dir, have_bfq ? "io.bfq.weight" : "io.weight", buf,
					   err)) < 0)
				return r;
		}
	}
	for (char *const *kv = l->unified; kv && *kv; kv++) {
		const char *eq = strchr(*kv, '=');
		if (!eq || !eq[1])
			continue;
		_cleanup_free_ char *file = pm_xstrndup(*kv, (size_t)(eq - *kv));
		const char *dot = strchr(file, '.');
		if (dot && strncmp(file, "cgroup.", 7) != 0) {
			_cleanup_free_ char *ctl = pm_xstrndup(file, (size_t)(dot - file));
			if ((r = enable_in_parent(dir, ctl, err)) < 0)
				return r;
		}
		_cleanup_strv_ char **lines = pm_strv_split(eq + 1, "\n");
		for (char **v = lines; v && *v; v++)
			if ((r = write_str(dir, file, *v, err)) < 0)
				return r;
	}
	return 0;
}

int pm_cg_write_limits(const char *dir, const struct pm_cg_limits *l, pm_error **err)
{
	char buf[64];
	int r;
	if (l->memory_max || l->swap_set || l->memory_low) {
		if ((r = enable_in_parent(dir, "memory", err)) < 0)
			return r;
		if (l->memory_max) {
			fmt_max(buf, sizeof(buf), l->memory_max);
			if ((r = write_str(dir, "memory.max", buf, err)) < 0)
				return r;
		}
		if (l->swap_set) {
			fmt_max(buf, sizeof(buf), l->swap_max);
			_cleanup_free_ char *f = pm_xasprintf("%s/memory.swap.max", dir);
			/* no swap accounting (no swap file): nothing to limit */
			if (access(f, F_OK) == 0 &&
			    (r = write_str(dir, "memory.swap.max", buf, err)) < 0)
				return r;
		}
		if (l->memory_low) {
			fmt_max(buf, sizeof(buf), l->memory_low);
			if ((r = write_str(dir, "memory.low", buf, err)) < 0)
				return r;
		}
	}
	if (l->cpu_quota || l->cpu_period || l->cpu_weight) {
		if ((r = enable_in_parent(dir, "cpu", err)) < 0)
			return r;
		if (l->cpu_quota || l->cpu_period) {
			char q[32];
			fmt_max(q, sizeof(q), l->cpu_quota ? l->cpu_quota : PM_CG_UNLIMITED);
			snprintf(buf, sizeof(buf), "%s %" PRIu64, q,
				 l->cpu_period ? l->cpu_period : PM_CG_DEFAULT_PERIOD);
			if ((r = write_str(dir, "cpu.max", buf, err)) < 0)
				return r;
		}
		if (l->cpu_weight) {
			snprintf(buf, sizeof(buf), "%" PRIu64, l->cpu_weight);
			if ((r = write_str(dir, "cpu.weight", buf, err)) < 0)
				return r;
		}
	}
	if ((l->cpuset_cpus && *l->cpuset_cpus) || (l->cpuset_mems && *l->cpuset_mems)) {
		if ((r = enable_in_parent(dir, "cpuset", err)) < 0)
			return r;
		if (l->cpuset_cpus && *l->cpuset_cpus &&
		    (r = write_str(dir, "cpuset.cpus", l->cpuset_cpus, err)) < 0)
			return r;
		if (l->cpuset_mems && *l->cpuset_mems &&
		    (r = write_str(dir, "cpuset.mems", l->cpuset_mems, err)) < 0)
			return r;
	}
	if (l->pids_max) {
		if ((r = enable_in_parent(dir, "pids", l->pids_soft ? NULL : err)) < 0) {
			if (!l->pids_soft)
				return r;
		} else {
			fmt_max(buf, sizeof(buf), l->pids_max);
			if ((r = write_str(dir, "pids.max", buf, l->pids_soft ? NULL : err)) < 0 &&
			    !l->pids_soft)
				return r;
		}
	}
	if (l->io_weight) {
		if ((r = enable_in_parent(dir, "io", err)) < 0)
			return r;
		snprintf(buf, sizeof(buf), "default %" PRIu64, l->io_weight);
		if ((r = write_str(dir, "io.weight", buf, err)) < 0)
			return r;
	}
	return write_files(dir, l, err);
}

int pm_cg_write_files(const char *path, const struct pm_cg_limits *l, pm_error **err)
{
	_cleanup_free_ char *dir = pm_xasprintf(CG_ROOT "%s", strcmp(path, "/") ? path : "");
	return write_files(dir, l, err);
}

static int mkdir_cg(const char *dir, pm_error **err)
{
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return pm_error_set_errno(err, errno, "creating the cgroup %s", dir);
	return 0;
}

static int move_pid(const char *dir, pid_t pid, pm_error **err)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	return write_str(dir, "cgroup.procs", buf, err);
}

/* split: every process of X (pm, the cli waiting for us) into X/supervisor, so that X may
 * hand controllers to its children (no internal processes). */
static int split_prepare(const char *x, pm_error **err)
{
	_cleanup_free_ char *sup = pm_xasprintf("%s/supervisor", x);
	int r = mkdir_cg(sup, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *procs_file = pm_xasprintf("%s/cgroup.procs", x);
	_cleanup_free_ char *procs = NULL;
	if ((r = pm_read_file(procs_file, 1 << 20, &procs, NULL, err)) < 0)
		return r;
	_cleanup_strv_ char **pids = pm_strv_split(procs ? procs : "", "\n");
	for (char **p = pids; p && *p; p++) {
		if (!**p)
			continue;
		int pid;
		if (pm_parse_int(*p, &pid) < 0)
			continue;
		/* a process that exited meanwhile is fine */
		_cleanup_error_ pm_error *e = NULL;
		if (move_pid(sup, pid, &e) < 0)
			pm_log_debug("split: %s", e->msg);
	}
	return 0;
}

int pm_cg_enter_cgroupfs(pid_t pid, const char *ctr_id, enum pm_cg_mode mode,
			 const struct pm_cg_limits *l, char **ret_path, pm_error **err)
{
	*ret_path = NULL;
	if (mode == PM_CG_DISABLED || !pm_cg_unified())
		return 0;
	_cleanup_free_ char *own = own_cgroup();
	if (!own)
		return pm_cg_limits_any(l) ? pm_error_set(err, EIO, "cannot read pm's own cgroup")
					   : 0;
	_cleanup_free_ char *path = NULL;
	int r;
	if (mode == PM_CG_SPLIT) {
		_cleanup_free_ char *x = pm_xasprintf(CG_ROOT "%s", strcmp(own, "/") ? own : "");
		if ((r = split_prepare(x, err)) < 0)
			return r;
		path = pm_xasprintf("%s/container", strcmp(own, "/") ? own : "");
	} else {
		_cleanup_free_ char *parent = parent_of(own);
		path = pm_xasprintf("%s/pm-%s", strcmp(parent, "/") ? parent : "", ctr_id);
	}
	_cleanup_free_ char *dir = pm_xasprintf(CG_ROOT "%s", path);
	_cleanup_error_ pm_error *mkerr = NULL;
	r = mkdir_cg(dir, &mkerr);
	if (r < 0) {
		if (!pm_cg_limits_any(l) && mode != PM_CG_SPLIT) {
			pm_log_debug("no cgroup of its own: %s", mkerr->msg);
			return 0;
		}
		return pm_error_set(err, -r, "%s (is the cgroup delegated to this user?)",
				    mkerr->msg);
	}
	if ((r = pm_cg_write_limits(dir, l, err)) < 0 || (r = move_pid(dir, pid, err)) < 0) {
		if (mode != PM_CG_SPLIT)
			rmdir(dir);
		return r;
	}
	*ret_path = TAKE_PTR(path);
	return PM_CG_ENTERED;
}

void pm_cg_remove(const char *path)
{
	if (!path || !*path)
		return;
	_cleanup_free_ char *dir = pm_xasprintf(CG_ROOT "%s", path);
	if (rmdir(dir) < 0 && errno != ENOENT)
		pm_log_debug("removing the cgroup %s: %s", dir, strerror(errno));
}

bool pm_cg_exists(const char *path)
{
	_cleanup_free_ char *dir = pm_xasprintf(CG_ROOT "%s", path);
	return access(dir, F_OK) == 0;
}

uint64_t pm_cg_oom_kills(const char *path)
{
	if (!path || !*path)
		return 0;
	_cleanup_free_ char *f = pm_xasprintf(CG_ROOT "%s/memory.events", path);
	_cleanup_free_ char *data = NULL;
	if (pm_read_file(f, 65536, &data, NULL, NULL) < 0 || !data)
		return 0;
	const char *p = strstr(data, "oom_kill ");
	if (!p || (p != data && p[-1] != '\n'))
		return 0;
	return strtoull(p + strlen("oom_kill "), NULL, 10);
}
