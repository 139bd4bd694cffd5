/* doctor.c: the host checks of `pm doctor` (see doctor.h). Owns the judgement "is this host
 * ready for rootless pm, and what is the command that fixes it". Reads the host only below
 * h->prefix and through h's functions (the unit tests give a fake tree); reads the
 * subordinate id files itself (not through libsubid) so that overlaps with other users show.
 * Never prints, never writes. Called by cli/cmd-doctor.c. */
#include <errno.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "engine/doctor.h"
#include "engine/info.h"
#include "lib/fileutil.h"
#include "lib/json.h"
#include "lib/proc.h"
#include "lib/os-release.h"
#include "lib/strutil.h"
#include "rootless/subid.h"
#include "storage/overlay-probe.h"

/* The controllers resource limits need (--cpus, --memory, --pids-limit, --blkio-weight). */
static const char *const wanted_controllers[] = {"cpu", "memory", "pids", "io", NULL};

#define GIB (1024ULL * 1024 * 1024)
#define MIB (1024ULL * 1024)

struct checks {
	struct pm_doctor_check *v;
	size_t n;
};

static void add(struct checks *c, const char *name, enum pm_doctor_status st, const char *fix,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void add(struct checks *c, const char *name, enum pm_doctor_status st, const char *fix,
		const char *fmt, ...)
{
	c->v = pm_xrealloc(c->v, (c->n + 1) * sizeof(*c->v));
	va_list ap;
	va_start(ap, fmt);
	char *detail = NULL;
	if (vasprintf(&detail, fmt, ap) < 0)
		detail = pm_xstrdup("");
	va_end(ap);
	c->v[c->n++] = (struct pm_doctor_check){
		.name = pm_xstrdup(name),
		.status = st,
		.detail = detail,
		.fix = st != PM_DOCTOR_OK && fix ? pm_xstrdup(fix) : NULL,
	};
}

static char *hpath(const struct pm_doctor_host *h, const char *path)
{
	return pm_xasprintf("%s%s", h->prefix ? h->prefix : "", path);
}

/* The first line of a file below the prefix, trimmed; NULL when unreadable. */
static char *read_first_line(const struct pm_doctor_host *h, const char *path)
{
	_cleanup_free_ char *p = hpath(h, path);
	_cleanup_free_ char *data = NULL;
	if (pm_read_file(p, 65536, &data, NULL, NULL) < 0)
		return NULL;
	data[strcspn(data, "\n")] = 0;
	size_t l = strlen(data);
	while (l > 0 && strchr(" \t\r", data[l - 1]))
		data[--l] = 0;
	return pm_xstrdup(data);
}

static const char *user_name(const struct pm_doctor_host *h, char buf[16])
{
	if (h->user)
		return h->user;
	snprintf(buf, 16, "%u", (unsigned)h->uid);
	return buf;
}

/* "sudo apt-get install PKG" or "sudo dnf install PKG", as /etc/os-release suggests. */
static char *install_fix(const struct pm_doctor_host *h, const char *tool)
{
	_cleanup_(pm_os_release_clearp) struct pm_os_release os = {0};
	pm_os_release_read(h->prefix, &os);
	const char *deb = pm_tool_package(tool, false), *rpm = pm_tool_package(tool, true);
	if (!deb)
		deb = rpm = tool;
	if (pm_os_release_is(&os, "debian") || pm_os_release_is(&os, "ubuntu"))
		return pm_xasprintf("sudo apt-get install %s", deb);
	if (pm_os_release_is(&os, "fedora") || pm_os_release_is(&os, "rhel") ||
	    pm_os_release_is(&os, "centos"))
		return pm_xasprintf("sudo dnf install %s", rpm);
	if (strcmp(deb, rpm) == 0)
		return pm_xasprintf("install the '%s' package", deb);
	return pm_xasprintf("install the '%s' package (Debian, Ubuntu) or '%s' (Fedora, RHEL)", deb,
			    rpm);
}

/* ---- subordinate ids ------------------------------------------------------------------- */

struct subid_line {
	char *owner;
	uint64_t start, count;
};

static void subid_lines_free(struct subid_line *l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(l[i].owner);
	free(l);
}

/* Parse "owner:start:count" lines; comments and malformed lines are skipped. */
static struct subid_line *parse_subid(const char *data, size_t *ret_n)
{
	struct subid_line *v = NULL;
	size_t n = 0;
	_cleanup_strv_ char **lines = pm_strv_split(data ? data : "", "\n");
	for (size_t i = 0; lines && lines[i]; i++) {
		const char *l = lines[i];
		if (!*l || *l == '#')
			continue;
		_cleanup_strv_ char **f = pm_strv_split(l, ":");
		uint64_t start, count;
		if (pm_strv_length(f) != 3 || pm_parse_uint64(f[1], &start) < 0 ||
		    pm_parse_uint64(f[2], &count) < 0 || count == 0)
			continue;
		v = pm_xrealloc(v, (n + 1) * sizeof(*v));
		v[n++] = (struct subid_line){
			.owner = pm_xstrdup(f[0]), .start = start, .count = count};
	}
	*ret_n = n;
	return v;
}

static void check_subid(const struct pm_doctor_host *h, bool gid, struct checks *c)
{
	const char *name = gid ? "subgid" : "subuid";
	const char *file = gid ? "/etc/subgid" : "/etc/subuid";
	const char *kind = gid ? "GID" : "UID";
	if (h->uid == 0) {
		add(c, name, PM_DOCTOR_OK, NULL, "not needed: root uses the host's ids");
		return;
	}
	char ubuf[16], idbuf[16];
	const char *user = user_name(h, ubuf);
	snprintf(idbuf, sizeof(idbuf), "%u", (unsigned)h->uid);
	_cleanup_free_ char *p = hpath(h, file);
	_cleanup_free_ char *data = NULL;
	pm_read_file(p, 1 << 20, &data, NULL, NULL);
	size_t n = 0;
	struct subid_line *l = parse_subid(data, &n);

	/* a free range for the fix: after every range in the file, 65536-aligned */
	uint64_t next = 100000;
	for (size_t i = 0; i < n; i++)
		if (l[i].start + l[i].count > next)
			next = l[i].start + l[i].count;
	if (next > 100000)
		next = (next + 65535) / 65536 * 65536;
	_cleanup_free_ char *fix = pm_xasprintf(
		"sudo usermod --add-sub%ss %" PRIu64 "-%" PRIu64 " %s && pm system migrate",
		gid ? "gid" : "uid", next, next + PM_SUBID_RECOMMENDED - 1, user);

	uint64_t total = 0;
	_cleanup_free_ char *mine = NULL, *overlap = NULL;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(l[i].owner, user) != 0 && strcmp(l[i].owner, idbuf) != 0)
			continue;
		total += l[i].count;
		char *m = pm_xasprintf("%s%s%" PRIu64 ":%" PRIu64, mine ? mine : "",
				       mine ? ", " : "", l[i].start, l[i].count);
		free(mine);
		mine = m;
		for (size_t j = 0; j < n && !overlap; j++) {
			if (j == i || strcmp(l[j].owner, user) == 0 ||
			    strcmp(l[j].owner, idbuf) == 0)
				continue;
			if (l[i].start < l[j].start + l[j].count &&
			    l[j].start < l[i].start + l[i].count)
				overlap = pm_xasprintf("%" PRIu64 ":%" PRIu64
						       " overlaps '%s' %" PRIu64 ":%" PRIu64,
						       l[i].start, l[i].count, l[j].owner,
						       l[j].start, l[j].count);
		}
	}
	subid_lines_free(l, n);

	if (!mine)
		add(c, name, PM_DOCTOR_ERROR, fix,
		    "no subordinate %s range for '%s' in %s: containers cannot map other ids", kind,
		    user, file);
	else if (overlap)
		add(c, name, PM_DOCTOR_WARNING,
		    "edit the ranges in /etc/subuid and /etc/subgid so they do not overlap, then "
		    "run 'pm system migrate'",
		    "%s: %s: the two users' containers share ids", file, overlap);
	else if (total < PM_SUBID_RECOMMENDED)
		add(c, name, PM_DOCTOR_WARNING, fix,
		    "'%s' has only %" PRIu64 " subordinate %ss in %s (%d recommended): images "
		    "with higher ids fail",
		    user, total, kind, file, PM_SUBID_RECOMMENDED);
	else
		add(c, name, PM_DOCTOR_OK, NULL, "'%s' has %s in %s", user, mine, file);
}

/* ---- newuidmap / newgidmap --------------------------------------------------------------- */

static void check_idmap_tool(const struct pm_doctor_host *h, const char *tool, struct checks *c)
{
	if (h->uid == 0) {
		add(c, tool, PM_DOCTOR_OK, NULL, "not needed: root writes the id maps itself");
		return;
	}
	_cleanup_free_ char *path = h->which(tool);
	if (!path) {
		_cleanup_free_ char *fix = install_fix(h, tool);
		add(c, tool, PM_DOCTOR_ERROR, fix,
		    "not found in $PATH: pm cannot map the subordinate ids");
		return;
	}
	_cleanup_free_ char *hp = hpath(h, path);
	struct stat st;
	if (h->stat(hp, &st) < 0) {
		add(c, tool, PM_DOCTOR_ERROR, NULL, "cannot stat '%s': %s", path, strerror(errno));
		return;
	}
	if (st.st_uid == 0 && (st.st_mode & S_ISUID))
		add(c, tool, PM_DOCTOR_OK, NULL, "%s (setuid root)", path);
	else if (h->file_caps(hp))
		add(c, tool, PM_DOCTOR_OK, NULL, "%s (file capabilities)", path);
	else {
		_cleanup_free_ char *fix = pm_xasprintf("sudo chmod u+s %s", path);
		add(c, tool, PM_DOCTOR_ERROR, fix,
		    "%s is neither setuid root nor has file capabilities: it cannot write the id "
		    "maps",
		    path);
	}
}

/* ---- user namespaces --------------------------------------------------------------------- */

static void check_userns(const struct pm_doctor_host *h, struct checks *c)
{
	_cleanup_free_ char *clone =
		read_first_line(h, "/proc/sys/kernel/unprivileged_userns_clone");
	_cleanup_free_ char *max = read_first_line(h, "/proc/sys/user/max_user_namespaces");
	if (clone && strcmp(clone, "0") == 0)
		add(c, "userns", PM_DOCTOR_ERROR,
		    "sudo sysctl -w kernel.unprivileged_userns_clone=1",
		    "kernel.unprivileged_userns_clone=0: users may not create user namespaces");
	else if (max && strcmp(max, "0") == 0)
		add(c, "userns", PM_DOCTOR_ERROR, "sudo sysctl -w user.max_user_namespaces=28633",
		    "user.max_user_namespaces=0: no user namespaces can be created");
	else
		add(c, "userns", PM_DOCTOR_OK, NULL, "unprivileged user namespaces allowed%s%s%s",
		    max ? " (user.max_user_namespaces=" : "", max ? max : "", max ? ")" : "");

	_cleanup_free_ char *aa =
		read_first_line(h, "/proc/sys/kernel/apparmor_restrict_unprivileged_userns");
	if (!aa)
		return; /* not an Ubuntu kernel */
	if (strcmp(aa, "0") != 0 && h->uid != 0)
		add(c, "apparmor-userns", PM_DOCTOR_ERROR,
		    "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0",
		    "kernel.apparmor_restrict_unprivileged_userns=%s: AppArmor takes every "
		    "capability away in a user namespace pm creates",
		    aa);
	else
		add(c, "apparmor-userns", PM_DOCTOR_OK, NULL,
		    "kernel.apparmor_restrict_unprivileged_userns=%s", aa);
}

/* ---- devices ----------------------------------------------------------------------------- */

/* 0 when dev is a character device the user may read and write; else a negative errno and
 * *ret_why says what is wrong. */
static int device_usable(const struct pm_doctor_host *h, const char *dev, char **ret_why)
{
	_cleanup_free_ char *p = hpath(h, dev);
	struct stat st;
	if (h->stat(p, &st) < 0) {
		int e = errno;
		*ret_why = pm_xasprintf("%s: %s", dev, strerror(e));
		return -e;
	}
	if (!S_ISCHR(st.st_mode)) {
		*ret_why = pm_xasprintf("%s is not a character device", dev);
		return -ENODEV;
	}
	if (h->access(p, R_OK | W_OK) < 0) {
		char ubuf[16];
		*ret_why = pm_xasprintf("%s has mode %04o and is owned by uid %u: user '%s' cannot "
					"open it",
					dev, (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid,
					user_name(h, ubuf));
		return -EACCES;
	}
	*ret_why = pm_xasprintf("%s: character device %u:%u, mode %04o", dev, major(st.st_rdev),
				minor(st.st_rdev), (unsigned)(st.st_mode & 07777));
	return 0;
}

static void check_tun(const struct pm_doctor_host *h, struct checks *c)
{
	_cleanup_free_ char *why = NULL;
	int r = device_usable(h, "/dev/net/tun", &why);
	if (r == -EACCES)
		add(c, "/dev/net/tun", PM_DOCTOR_ERROR, "sudo chmod 0666 /dev/net/tun",
		    "%s; slirp4netns and pasta need it (most distributions ship it 0666)", why);
	else if (r < 0)
		add(c, "/dev/net/tun", PM_DOCTOR_ERROR, "sudo modprobe tun",
		    "%s; slirp4netns and pasta need it", why);
	else
		add(c, "/dev/net/tun", PM_DOCTOR_OK, NULL, "%s", why);
}

/* ---- storage: overlay or fuse-overlayfs ---------------------------------------------------- */

static void check_overlay(const struct pm_doctor_host *h, struct checks *c)
{
	_cleanup_free_ char *odetail = NULL;
	int native = h->overlay_native ? h->overlay_native(&odetail) : -1;
	_cleanup_free_ char *fuse_why = NULL;
	int fuse = device_usable(h, "/dev/fuse", &fuse_why);
	_cleanup_free_ char *fo = h->which("fuse-overlayfs");
	_cleanup_free_ char *fuse_fix = fuse == -EACCES ? pm_xstrdup("sudo chmod 0666 /dev/fuse")
							: pm_xstrdup("sudo modprobe fuse");

	if (native > 0)
		add(c, "overlay", PM_DOCTOR_OK, NULL,
		    "native overlayfs mounts in a user namespace");
	else if (fo && fuse == 0)
		add(c, "overlay", PM_DOCTOR_OK, NULL,
		    "no native overlayfs in a user namespace (%s): pm uses %s",
		    odetail ? odetail : "kernel older than 5.11", fo);
	else if (!fo) {
		_cleanup_free_ char *fix = install_fix(h, "fuse-overlayfs");
		add(c, "overlay", PM_DOCTOR_ERROR, fix,
		    "no native overlayfs in a user namespace (%s) and no fuse-overlayfs: only "
		    "--storage-driver vfs works (slow, a full copy per container)",
		    odetail ? odetail : "could not probe");
	} else
		add(c, "overlay", PM_DOCTOR_ERROR, fuse_fix,
		    "no native overlayfs in a user namespace (%s) and fuse-overlayfs cannot run: "
		    "%s",
		    odetail ? odetail : "could not probe", fuse_why);

	if (fuse == 0)
		add(c, "/dev/fuse", PM_DOCTOR_OK, NULL, "%s", fuse_why);
	else
		add(c, "/dev/fuse", native > 0 ? PM_DOCTOR_WARNING : PM_DOCTOR_ERROR, fuse_fix,
		    "%s; fuse-overlayfs needs it%s", fuse_why,
		    native > 0 ? " (not used while native overlayfs works)" : "");
}

/* ---- network helpers ----------------------------------------------------------------------- */

static void check_net_tool(const struct pm_doctor_host *h, const char *tool, bool is_default,
			   struct checks *c)
{
	_cleanup_free_ char *path = h->which(tool);
	if (!path) {
		_cleanup_free_ char *fix = install_fix(h, tool);
		if (is_default)
			add(c, tool, PM_DOCTOR_ERROR, fix,
			    "not found in $PATH: containers get no network (the default, --network "
			    "slirp4netns, fails)");
		else
			add(c, tool, PM_DOCTOR_WARNING, fix,
			    "not found in $PATH: --network %s fails", tool);
		return;
	}
	_cleanup_free_ char *v = h->version ? h->version(path) : NULL;
	add(c, tool, PM_DOCTOR_OK, NULL, "%s%s%s", path, v && *v ? ", " : "", v && *v ? v : "");
}

/* ---- cgroups --------------------------------------------------------------------------------- */

static char *missing_controllers(char *const *have)
{
	_cleanup_strv_ char **miss = NULL;
	for (size_t i = 0; wanted_controllers[i]; i++)
		if (!pm_strv_contains(have, wanted_controllers[i]))
			pm_strv_push(&miss, wanted_controllers[i]);
	return miss ? pm_strv_join(miss, " ") : NULL;
}

static void check_cgroups(const struct pm_doctor_host *h, struct checks *c)
{
	_cleanup_free_ char *root = hpath(h, "/sys/fs/cgroup");
	_cleanup_free_ char *unified = hpath(h, "/sys/fs/cgroup/unified");
	static const char boot_fix[] =
		"boot with systemd.unified_cgroup_hierarchy=1 on the kernel "
		"command line (e.g. in GRUB_CMDLINE_LINUX, then update-grub)";
	if (h->fs_magic(root) != CGROUP2_SUPER_MAGIC) {
		bool hybrid = h->fs_magic(unified) == CGROUP2_SUPER_MAGIC;
		add(c, "cgroups", PM_DOCTOR_WARNING, boot_fix,
		    "cgroup v1%s: --memory, --cpus, --pids-limit are refused (pm enforces limits "
		    "only on cgroup v2)",
		    hybrid ? " (hybrid)" : "");
		return;
	}
	/* our cgroup ("0::/user.slice/...") and the user's systemd subtree */
	_cleanup_free_ char *self = hpath(h, "/proc/self/cgroup");
	_cleanup_free_ char *data = NULL;
	_cleanup_free_ char *own = NULL;
	if (pm_read_file(self, 65536, &data, NULL, NULL) >= 0)
		own = pm_proc_cgroup_parse(data);
	_cleanup_strv_ char **dirs = NULL;
	if (h->uid == 0)
		pm_strv_push(&dirs, "");
	if (own && strcmp(own, "/") != 0)
		pm_strv_push(&dirs, own);
	pm_strv_consume(&dirs, pm_xasprintf("/user.slice/user-%u.slice/user@%u.service",
					    (unsigned)h->uid, (unsigned)h->uid));
	_cleanup_strv_ char **delegated = NULL;
	_cleanup_free_ char *where = NULL;
	for (size_t i = 0; dirs[i] && !where; i++) {
		_cleanup_free_ char *dir = pm_xasprintf("%s%s", root, dirs[i]);
		_cleanup_free_ char *ctl = pm_path_join(dir, "cgroup.controllers");
		_cleanup_free_ char *procs = pm_path_join(dir, "cgroup.procs");
		_cleanup_free_ char *line = NULL;
		if (pm_read_line_file(ctl, &line, NULL) < 0 || h->access(procs, W_OK) < 0)
			continue;
		delegated = pm_strv_split(line, " ");
		where = pm_xstrdup(*dirs[i] ? dirs[i] : "/");
	}
	static const char delegate_fix[] =
		"sudo mkdir -p /etc/systemd/system/user@.service.d && printf '[Service]\\n"
		"Delegate=cpu cpuset io memory pids\\n' | sudo tee "
		"/etc/systemd/system/user@.service.d/delegate.conf && sudo systemctl "
		"daemon-reload (then log in again)";
	if (!where) {
		add(c, "cgroups", PM_DOCTOR_WARNING, delegate_fix,
		    "cgroup v2, but no cgroup is delegated to the user: --memory, --cpus, "
		    "--pids-limit are refused");
		return;
	}
	_cleanup_free_ char *have =
		delegated && *delegated ? pm_strv_join(delegated, " ") : pm_xstrdup("none");
	_cleanup_free_ char *miss = missing_controllers(delegated);
	if (miss)
		add(c, "cgroups", PM_DOCTOR_WARNING, delegate_fix,
		    "cgroup v2, delegated in %s: %s; missing: %s (limits that need them are "
		    "refused)",
		    where, have, miss);
	else
		add(c, "cgroups", PM_DOCTOR_OK, NULL, "cgroup v2, delegated in %s: %s", where,
		    have);
}

/* ---- systemd user session, linger, XDG_RUNTIME_DIR ------------------------------------------- */

static void check_systemd(const struct pm_doctor_host *h, struct checks *c)
{
	_cleanup_free_ char *booted = hpath(h, "/run/systemd/system");
	struct stat st;
	bool systemd = h->stat(booted, &st) == 0 && S_ISDIR(st.st_mode);
	char ubuf[16];
	const char *user = user_name(h, ubuf);
	if (!systemd) {
		add(c, "systemd", PM_DOCTOR_OK, NULL,
		    "the host does not run systemd: pm uses cgroupfs, no linger needed");
		return;
	}
	if (h->uid == 0) {
		add(c, "systemd", PM_DOCTOR_OK, NULL, "root: the system instance of systemd");
		return;
	}
	_cleanup_free_ char *bus = h->runtime_dir ? pm_path_join(h->runtime_dir, "bus") : NULL;
	_cleanup_free_ char *session_fix =
		pm_xasprintf("log in as '%s' through a PAM session (ssh, machinectl shell %s@), "
			     "not su or sudo; or run 'sudo loginctl enable-linger %s'",
			     user, user, user);
	_cleanup_free_ char *hbus = bus ? hpath(h, bus) : NULL;
	if (hbus && h->stat(hbus, &st) == 0 && S_ISSOCK(st.st_mode))
		add(c, "systemd", PM_DOCTOR_OK, NULL, "user session bus at %s", bus);
	else
		add(c, "systemd", PM_DOCTOR_WARNING, session_fix,
		    "no systemd user session (no %s): containers are not placed in systemd scopes "
		    "and cgroup limits need one",
		    bus ? bus : "$XDG_RUNTIME_DIR/bus");

	_cleanup_free_ char *lrel = pm_xasprintf("/var/lib/systemd/linger/%s", user);
	_cleanup_free_ char *linger = hpath(h, lrel);
	_cleanup_free_ char *linger_fix = pm_xasprintf("sudo loginctl enable-linger %s", user);
	if (h->stat(linger, &st) == 0)
		add(c, "linger", PM_DOCTOR_OK, NULL, "enabled for '%s'", user);
	else
		add(c, "linger", PM_DOCTOR_WARNING, linger_fix,
		    "not enabled for '%s': containers started with -d are stopped when the "
		    "user's last session ends",
		    user);
}

static void check_runtime_dir(const struct pm_doctor_host *h, struct checks *c)
{
	if (h->uid == 0) {
		add(c, "XDG_RUNTIME_DIR", PM_DOCTOR_OK, NULL, "root: pm uses /run");
		return;
	}
	_cleanup_free_ char *fix = pm_xasprintf(
		"log in through a PAM session (ssh, machinectl shell) that sets it, or "
		"'export XDG_RUNTIME_DIR=/run/user/%u' when that directory exists",
		(unsigned)h->uid);
	if (!h->runtime_dir || !*h->runtime_dir) {
		add(c, "XDG_RUNTIME_DIR", PM_DOCTOR_WARNING, fix,
		    "not set: pm keeps its run state in /tmp/pm-run-%u", (unsigned)h->uid);
		return;
	}
	struct stat st;
	_cleanup_free_ char *rdir = hpath(h, h->runtime_dir);
	if (h->stat(rdir, &st) < 0 || !S_ISDIR(st.st_mode))
		add(c, "XDG_RUNTIME_DIR", PM_DOCTOR_WARNING, fix,
		    "'%s' is not a directory: pm uses /tmp/pm-run-%u instead", h->runtime_dir,
		    (unsigned)h->uid);
	else if (st.st_uid != h->uid || (st.st_mode & 077))
		add(c, "XDG_RUNTIME_DIR", PM_DOCTOR_WARNING, fix,
		    "'%s' is owned by uid %u with mode %04o (must be the user's, 0700): pm uses "
		    "/tmp/pm-run-%u instead",
		    h->runtime_dir, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777),
		    (unsigned)h->uid);
	else
		add(c, "XDG_RUNTIME_DIR", PM_DOCTOR_OK, NULL, "%s", h->runtime_dir);
}

/* ---- ports, free space ------------------------------------------------------------------------
 */

static void check_ports(const struct pm_doctor_host *h, struct checks *c)
{
	_cleanup_free_ char *v =
		read_first_line(h, "/proc/sys/net/ipv4/ip_unprivileged_port_start");
	int start = 1024;
	if (v && pm_parse_int(v, &start) < 0)
		start = 1024;
	if (h->uid == 0 || start == 0)
		add(c, "unprivileged-ports", PM_DOCTOR_OK, NULL,
		    "every host port can be published");
	else
		add(c, "unprivileged-ports", PM_DOCTOR_OK, NULL,
		    "host ports from %d up can be published (net.ipv4.ip_unprivileged_port_start"
		    "=%d; lower it with 'sudo sysctl -w net.ipv4.ip_unprivileged_port_start=80' "
		    "to publish e.g. port 80)",
		    start, start);
}

static void check_storage(const struct pm_doctor_host *h, struct checks *c)
{
	if (!h->storage_root || !*h->storage_root) {
		add(c, "storage", PM_DOCTOR_ERROR, "set HOME (or XDG_DATA_HOME), or pass --root",
		    "pm could not resolve its storage root");
		return;
	}
	/* the storage root, or its nearest existing parent */
	struct statvfs vfs;
	_cleanup_free_ char *dir = NULL;
	int r = pm_statvfs_nearest(h->storage_root, h->prefix, h->statvfs, &vfs, &dir);
	if (r < 0) {
		add(c, "storage", PM_DOCTOR_ERROR, NULL, "cannot stat '%s': %s", h->storage_root,
		    strerror(-r));
		return;
	}
	uint64_t avail = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	_cleanup_free_ char *free_s = pm_format_size(avail);
	_cleanup_free_ char *fix = pm_xasprintf(
		"free space below '%s', or put the storage elsewhere (--root or graphroot in "
		"storage.conf)",
		dir);
	_cleanup_free_ char *hdir = hpath(h, dir);
	if (h->access(hdir, W_OK) < 0)
		add(c, "storage", PM_DOCTOR_ERROR, fix, "'%s' is not writable by the user", dir);
	else if (avail < 100 * MIB)
		add(c, "storage", PM_DOCTOR_ERROR, fix, "%s: only %s free", h->storage_root,
		    free_s);
	else if (avail < GIB)
		add(c, "storage", PM_DOCTOR_WARNING, fix, "%s: only %s free (images need more)",
		    h->storage_root, free_s);
	else
		add(c, "storage", PM_DOCTOR_OK, NULL, "%s: %s free", h->storage_root, free_s);
}

/* ---- the whole list
 * ------------------------------------------------------------------------------ */

void pm_doctor_run(const struct pm_doctor_host *h, struct pm_doctor_check **ret, size_t *ret_n)
{
	struct checks c = {0};
	check_subid(h, false, &c);
	check_subid(h, true, &c);
	check_idmap_tool(h, "newuidmap", &c);
	check_idmap_tool(h, "newgidmap", &c);
	check_userns(h, &c);
	check_overlay(h, &c);
	check_tun(h, &c);
	check_net_tool(h, "slirp4netns", true, &c);
	check_net_tool(h, "pasta", false, &c);
	check_cgroups(h, &c);
	check_systemd(h, &c);
	check_runtime_dir(h, &c);
	check_ports(h, &c);
	check_storage(h, &c);
	*ret = c.v;
	*ret_n = c.n;
}

void pm_doctor_checks_free(struct pm_doctor_check *checks, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(checks[i].name);
		free(checks[i].detail);
		free(checks[i].fix);
	}
	free(checks);
}

const char *pm_doctor_status_name(enum pm_doctor_status s)
{
	return s == PM_DOCTOR_OK ? "ok" : s == PM_DOCTOR_WARNING ? "warning" : "error";
}

char *pm_doctor_json(const struct pm_doctor_check *checks, size_t n)
{
	_cleanup_json_ json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(
			a, json_pack("{s:s, s:s, s:s, s:s}", "Name", checks[i].name, "Status",
				     pm_doctor_status_name(checks[i].status), "Detail",
				     checks[i].detail, "Fix", checks[i].fix ? checks[i].fix : ""));
	char *s = json_dumps(a, JSON_COMPACT);
	return s ? s : pm_xstrdup("[]");
}

/* ---- the live host
 * -------------------------------------------------------------------------------- */

static int live_stat(const char *path, struct stat *st)
{
	return stat(path, st);
}

static int live_access(const char *path, int mode)
{
	return access(path, mode);
}

static long live_fs_magic(const char *path)
{
	struct statfs s;
	return statfs(path, &s) == 0 ? (long)s.f_type : -1;
}

static int live_statvfs(const char *path, struct statvfs *st)
{
	return statvfs(path, st);
}

static bool live_file_caps(const char *path)
{
	return getxattr(path, "security.capability", NULL, 0) > 0;
}

static int live_overlay_native(char **ret_detail)
{
	struct pm_overlay_support ov = {0};
	pm_overlay_probe(&ov); /* not the cached one: the cache would be a write */
	int r = !ov.probed ? -1 : ov.native ? 1 : 0;
	*ret_detail = TAKE_PTR(ov.detail);
	pm_overlay_support_free(&ov);
	return r;
}

void pm_doctor_host_live(struct pm_doctor_host *h, const char *storage_root)
{
	struct passwd *pw = getpwuid(getuid());
	*h = (struct pm_doctor_host){
		.prefix = "",
		.uid = getuid(),
		.gid = getgid(),
		.user = pw ? pw->pw_name : NULL,
		.runtime_dir = getenv("XDG_RUNTIME_DIR"),
		.storage_root = storage_root,
		.which = pm_find_executable,
		.version = pm_tool_version,
		.stat = live_stat,
		.access = live_access,
		.fs_magic = live_fs_magic,
		.statvfs = live_statvfs,
		.file_caps = live_file_caps,
		.overlay_native = live_overlay_native,
	};
}
