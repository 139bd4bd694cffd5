/* test-doctor.c: unit tests for engine/doctor: every check against a fake host (a temp tree
 * holding /proc, /sys, /etc, /dev, /var, /run, plus fake which/stat/access/statfs/statvfs
 * and overlay answers), for the good case and each problem, with the fix it names. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "engine/doctor.h"
#include "lib/fileutil.h"
#include "lib/json.h"
#include "lib/strutil.h"

/* ---- the fake host ---- */

static char tree[64];
static struct {
	uid_t uid;
	mode_t tun_mode, fuse_mode; /* 0: missing */
	bool tun_missing;
	mode_t newuidmap_mode;
	bool newuidmap_missing, file_caps;
	bool fuse_overlayfs, pasta;
	long cgroup_magic, unified_magic;
	bool cg_writable;
	int overlay_native;
	uint64_t avail;
	bool bus;
	const char *runtime_dir;
	const char *storage_root;
	/* every path stat/access/statvfs saw must be below the tree (the host paths of
	 * `which` excepted): the first one that was not */
	char *unprefixed;
} fake;

static const char *rel(const char *path)
{
	size_t n = strlen(tree);
	if (strncmp(path, tree, n) == 0)
		return path + n;
	if (!fake.unprefixed && !pm_str_startswith(path, "/usr/bin/"))
		fake.unprefixed = pm_xstrdup(path);
	return path;
}

static char *fake_which(const char *name)
{
	if (strcmp(name, "newuidmap") == 0 || strcmp(name, "newgidmap") == 0)
		return fake.newuidmap_missing ? NULL : pm_xasprintf("/usr/bin/%s", name);
	if (strcmp(name, "fuse-overlayfs") == 0)
		return fake.fuse_overlayfs ? pm_xstrdup("/usr/bin/fuse-overlayfs") : NULL;
	if (strcmp(name, "pasta") == 0)
		return fake.pasta ? pm_xstrdup("/usr/bin/pasta") : NULL;
	if (strcmp(name, "slirp4netns") == 0)
		return pm_xstrdup("/usr/bin/slirp4netns");
	return NULL;
}

static char *fake_version(const char *path)
{
	return pm_xasprintf("%s version 9.9", strrchr(path, '/') + 1);
}

static bool fake_device(const char *r, mode_t *mode, dev_t *rdev)
{
	if (strcmp(r, "/dev/net/tun") == 0 && !fake.tun_missing) {
		*mode = fake.tun_mode;
		*rdev = makedev(10, 200);
		return true;
	}
	if (strcmp(r, "/dev/fuse") == 0 && fake.fuse_mode) {
		*mode = fake.fuse_mode;
		*rdev = makedev(10, 229);
		return true;
	}
	return false;
}

static int fake_stat(const char *path, struct stat *st)
{
	const char *r = rel(path);
	mode_t mode;
	dev_t rdev;
	memset(st, 0, sizeof(*st));
	if (fake_device(r, &mode, &rdev)) {
		st->st_mode = S_IFCHR | mode;
		st->st_rdev = rdev;
		return 0;
	}
	if (strcmp(r, "/dev/net/tun") == 0 || strcmp(r, "/dev/fuse") == 0) {
		errno = ENOENT;
		return -1;
	}
	if (strstr(r, "/usr/bin/new")) {
		st->st_mode = S_IFREG | fake.newuidmap_mode;
		return 0;
	}
	if (pm_str_endswith(r, "/bus") && fake.bus) {
		st->st_mode = S_IFSOCK | 0600;
		st->st_uid = fake.uid;
		return 0;
	}
	if (fake.runtime_dir && strcmp(r, fake.runtime_dir) == 0) {
		st->st_mode = S_IFDIR | 0700;
		st->st_uid = fake.uid;
		return 0;
	}
	return stat(path, st);
}

static int fake_access(const char *path, int mode)
{
	const char *r = rel(path);
	mode_t m;
	dev_t rdev;
	if (fake_device(r, &m, &rdev)) {
		/* root-owned devices: the others' bits count for a user */
		bool ok = fake.uid == 0 || (m & 06) == 06;
		if (!ok)
			errno = EACCES;
		return ok ? 0 : -1;
	}
	if (pm_str_endswith(r, "cgroup.procs") && !fake.cg_writable && fake.uid != 0) {
		errno = EACCES;
		return -1;
	}
	return 0;
}

static long fake_fs_magic(const char *path)
{
	const char *r = rel(path);
	if (strcmp(r, "/sys/fs/cgroup") == 0)
		return fake.cgroup_magic;
	if (strcmp(r, "/sys/fs/cgroup/unified") == 0)
		return fake.unified_magic;
	return -1;
}

static int fake_statvfs(const char *full, struct statvfs *st)
{
	const char *path = rel(full);
	memset(st, 0, sizeof(*st));
	if (strcmp(path, "/home/alice/.local/share/pm/storage") != 0 &&
	    strcmp(path, "/home/alice/.local/share/pm") != 0 &&
	    strcmp(path, "/home/alice/.local/share") != 0 &&
	    strcmp(path, "/home/alice/.local") != 0 && strcmp(path, "/home/alice") != 0) {
		errno = ENOENT;
		return -1;
	}
	st->f_frsize = 4096;
	st->f_bavail = fake.avail / 4096;
	return 0;
}

static bool fake_file_caps(const char *path)
{
	return fake.file_caps;
}

static int fake_overlay(char **ret_detail)
{
	*ret_detail =
		fake.overlay_native ? NULL : pm_xstrdup("mount failed: Operation not permitted");
	return fake.overlay_native;
}

static void put(const char *path, const char *content)
{
	_cleanup_free_ char *p = pm_xasprintf("%s%s", tree, path);
	_cleanup_free_ char *dir = pm_xstrdup(p);
	*strrchr(dir, '/') = 0;
	assert_int_equal(pm_mkdir_p(dir, 0755, NULL), 0);
	FILE *f = fopen(p, "we");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static void rm(const char *path)
{
	_cleanup_free_ char *p = pm_xasprintf("%s%s", tree, path);
	unlink(p);
}

/* A good host: alice (uid 1000) with her own range, bob's next to it, devices 0666, cgroup v2
 * with cpu io memory pids delegated to user@1000.service, systemd, a user bus, linger. */
static int setup(void **state)
{
	strcpy(tree, "/tmp/pm-test-doctor-XXXXXX");
	assert_non_null(mkdtemp(tree));
	fake = (typeof(fake)){
		.uid = 1000,
		.tun_mode = 0666,
		.fuse_mode = 0666,
		.newuidmap_mode = 04755,
		.fuse_overlayfs = true,
		.pasta = true,
		.cgroup_magic = CGROUP2_SUPER_MAGIC,
		.unified_magic = -1,
		.cg_writable = true,
		.overlay_native = 1,
		.avail = 50 * 1024ULL * 1024 * 1024,
		.bus = true,
		.runtime_dir = "/run/user/1000",
		.storage_root = "/home/alice/.local/share/pm/storage",
	};
	put("/etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12\"\nID=debian\n");
	put("/etc/subuid", "alice:100000:65536\nbob:165536:65536\n");
	put("/etc/subgid", "alice:100000:65536\nbob:165536:65536\n");
	put("/proc/sys/user/max_user_namespaces", "63528\n");
	put("/proc/sys/net/ipv4/ip_unprivileged_port_start", "1024\n");
	put("/proc/self/cgroup", "0::/user.slice/user-1000.slice/session-3.scope\n");
	put("/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/cgroup.controllers",
	    "cpuset cpu io memory pids\n");
	put("/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/cgroup.procs", "");
	put("/run/systemd/system/.keep", "");
	put("/var/lib/systemd/linger/alice", "");
	return 0;
}

static int teardown(void **state)
{
	free(fake.unprefixed);
	fake.unprefixed = NULL;
	pm_rm_rf(tree, NULL);
	return 0;
}

struct result {
	struct pm_doctor_check *v;
	size_t n;
};

static void run(struct result *r)
{
	struct pm_doctor_host h = {
		.prefix = tree,
		.uid = fake.uid,
		.gid = fake.uid,
		.user = fake.uid == 0 ? "root" : "alice",
		.runtime_dir = fake.runtime_dir,
		.storage_root = fake.storage_root,
		.which = fake_which,
		.version = fake_version,
		.stat = fake_stat,
		.access = fake_access,
		.fs_magic = fake_fs_magic,
		.statvfs = fake_statvfs,
		.file_caps = fake_file_caps,
		.overlay_native = fake_overlay,
	};
	pm_doctor_checks_free(r->v, r->n);
	pm_doctor_run(&h, &r->v, &r->n);
}

static void result_clear(struct result *r)
{
	pm_doctor_checks_free(r->v, r->n);
}

static const struct pm_doctor_check *find(const struct result *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i].name, name) == 0)
			return &r->v[i];
	fail_msg("no check '%s'", name);
	return NULL;
}

/* check name has status st, its detail contains detail_part and its fix fix_part (NULL: no
 * fix) */
static void expect(const struct result *r, const char *name, enum pm_doctor_status st,
		   const char *detail_part, const char *fix_part)
{
	const struct pm_doctor_check *c = find(r, name);
	assert_non_null(c);
	if (!c)
		return;
	if (c->status != st || (detail_part && !strstr(c->detail, detail_part)) ||
	    (fix_part && (!c->fix || !strstr(c->fix, fix_part))) || (!fix_part && c->fix))
		fail_msg("%s: %s | %s | fix: %s", name, pm_doctor_status_name(c->status), c->detail,
			 c->fix ? c->fix : "(none)");
}

/* ---- tests ---- */

static void test_good_host(void **state)
{
	_cleanup_(result_clear) struct result r = {0};
	run(&r);
	for (size_t i = 0; i < r.n; i++)
		if (r.v[i].status != PM_DOCTOR_OK)
			fail_msg("%s: %s: %s", r.v[i].name, pm_doctor_status_name(r.v[i].status),
				 r.v[i].detail);
	expect(&r, "subuid", PM_DOCTOR_OK, "'alice' has 100000:65536 in /etc/subuid", NULL);
	expect(&r, "newuidmap", PM_DOCTOR_OK, "/usr/bin/newuidmap (setuid root)", NULL);
	expect(&r, "userns", PM_DOCTOR_OK, "user.max_user_namespaces=63528", NULL);
	expect(&r, "overlay", PM_DOCTOR_OK, "native overlayfs", NULL);
	expect(&r, "/dev/net/tun", PM_DOCTOR_OK, "10:200, mode 0666", NULL);
	expect(&r, "slirp4netns", PM_DOCTOR_OK, "slirp4netns version 9.9", NULL);
	expect(&r, "pasta", PM_DOCTOR_OK, "/usr/bin/pasta, pasta version 9.9", NULL);
	expect(&r, "cgroups", PM_DOCTOR_OK,
	       "cgroup v2, delegated in /user.slice/user-1000.slice/"
	       "user@1000.service: cpuset cpu io memory pids",
	       NULL);
	expect(&r, "systemd", PM_DOCTOR_OK, "/run/user/1000/bus", NULL);
	expect(&r, "linger", PM_DOCTOR_OK, "enabled for 'alice'", NULL);
	expect(&r, "XDG_RUNTIME_DIR", PM_DOCTOR_OK, "/run/user/1000", NULL);
	expect(&r, "unprivileged-ports", PM_DOCTOR_OK, "from 1024 up", NULL);
	expect(&r, "storage", PM_DOCTOR_OK, "/home/alice/.local/share/pm/storage: 53.7GB free",
	       NULL);
	/* no AppArmor sysctl on this kernel: no line for it */
	for (size_t i = 0; i < r.n; i++)
		assert_string_not_equal(r.v[i].name, "apparmor-userns");
}

static void test_tun_0600(void **state)
{
	_cleanup_(result_clear) struct result r = {0};
	fake.tun_mode = 0600;
	run(&r);
	expect(&r, "/dev/net/tun", PM_DOCTOR_ERROR,
	       "mode 0600 and is owned by uid 0: user 'alice' "
	       "cannot open it",
	       "sudo chmod 0666 /dev/net/tun");
	expect(&r, "/dev/net/tun", PM_DOCTOR_ERROR, "most distributions ship it 0666",
	       "sudo chmod 0666 /dev/net/tun");
	fake.tun_missing = true;
	run(&r);
	expect(&r, "/dev/net/tun", PM_DOCTOR_ERROR, "No such file", "sudo modprobe tun");
	/* root opens it whatever the mode */
	fake.tun_missing = false;
	fake.uid = 0;
	run(&r);
	expect(&r, "/dev/net/tun", PM_DOCTOR_OK, "mode 0600", NULL);
}

static void test_subid(void **state)
{
	_cleanup_(result_clear) struct result r = {0};
	/* none for alice: a range after everyone's, 65536-aligned */
	put("/etc/subuid", "bob:165536:65536\n");
	run(&r);
	expect(&r, "subuid", PM_DOCTOR_ERROR, "no subordinate UID range for 'alice' in /etc/subuid",
	       "sudo usermod --add-subuids 262144-327679 alice && pm system migrate");
	expect(&r, "subgid", PM_DOCTOR_OK, NULL, NULL);
	/* by uid works too */
	put("/etc/subuid", "1000:100000:65536\n");
	run(&r);
	expect(&r, "subuid", PM_DOCTOR_OK, "100000:65536", NULL);
	/* overlap with another user */
	put("/etc/subgid", "alice:100000:65536\nbob:150000:65536\n");
	run(&r);
	expect(&r, "subgid", PM_DOCTOR_WARNING, "100000:65536 overlaps 'bob' 150000:65536",
	       "do not overlap");
	/* too small */
	put("/etc/subgid", "# comment\nalice:100000:1000\nbroken line\n");
	run(&r);
	expect(&r, "subgid", PM_DOCTOR_WARNING, "only 1000 subordinate GIDs", "--add-subgids");
	/* empty file: the first free range is 100000 */
	put("/etc/subgid", "");
	run(&r);
	expect(&r, "subgid", PM_DOCTOR_ERROR, NULL, "--add-subgids 100000-165535 alice");
	/* root needs none */
	fake.uid = 0;
	run(&r);
	expect(&r, "subuid", PM_DOCTOR_OK, "not needed", NULL);
	expect(&r, "subgid", PM_DOCTOR_OK, "not needed", NULL);
}

static void test_idmap_tools(void **state)
{
	_cleanup_(result_clear) struct result r = {0};
	fake.newuidmap_mode = 0755;
	run(&r);
	expect(&r, "newuidmap", PM_DOCTOR_ERROR, "neither setuid root nor has file capabilities",
	       "sudo chmod u+s /usr/bin/newuidmap");
	fake.file_caps = true;
	run(&r);
	expect(&r, "newgidmap", PM_DOCTOR_OK, "(file capabilities)", NULL);
	fake.newuidmap_missing = true;
	run(&r);
	expect(&r, "newuidmap", PM_DOCTOR_ERROR, "not found", "sudo apt-get install uidmap");
	put("/etc/os-release", "ID=fedora\n");
	run(&r);
	expect(&r, "newgidmap", PM_DOCTOR_ERROR, "not found", "sudo dnf install shadow-utils");
}

static void test_userns_sysctls(void **state)
{
	_cleanup_(result_clear) struct result r = {0};
	put("/proc/sys/kernel/unprivileged_userns_clone", "0\n");
	run(&r);
	expect(&r, "userns", PM_DOCTOR_ERROR, "kernel.unprivileged_userns_clone=0",
	       "sudo sysctl -w kernel.unprivileged_userns_clone=1");
	put("/proc/sys/kernel/unprivileged_userns_clone", "1\n");
	put("/proc/sys/user/max_user_namespaces", "0\n");
	run(&r);
	expect(&r, "userns", PM_DOCTOR_ERROR, "user.max_user_namespaces=0",
	       "sudo sysctl -w user.max_user_namespaces=28633");
	put("/proc/sys/user/max_user_namespaces", "100\n");
	put("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1\n");
	run(&r);
	expect(&r, "userns", PM_DOCTOR_OK, NULL, NULL);
	expect(&r, "apparmor-userns", PM_DOCTOR_ERROR, "=1: AppArmor",
	       "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0");
	put("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "0\n");
	run(&r);
	expect(&r, "apparmor-userns", PM_DOCTOR_OK, NULL, NULL);
}

static void test_overlay_fuse(void **state)
{
	_cleanup_(result_clear) struct result r = {0};
	fake.overlay_native = 0;
	run(&r);
	expect(&r, "overlay", PM_DOCTOR_OK, "pm uses /usr/bin/fuse-overlayfs", NULL);
	fake.fuse_mode = 0600;
	run(&r);
	expect(&r, "overlay", PM_DOCTOR_ERROR, "fuse-overlayfs cannot run",
	       "sudo chmod 0666 /dev/fuse");
	expect(&r, "/dev/fuse", PM_DOCTOR_ERROR, "mode 0600", "sudo chmod 0666 /dev/fuse");
	fake.fuse_overlayfs = false;
	run(&r);
	expect(&r, "overlay", PM_DOCTOR_ERROR, "no fuse-overlayfs",
	       "sudo apt-get install fuse-overlayfs");
	/* native overlay works: an unusable /dev/fuse is only a warning */
	fake.overlay_native = 1;
	fake.fuse_mode = 0;
	run(&r);
	expect(&r, "overlay", PM_DOCTOR_OK, NULL, NULL);
	expect(&r, "/dev/fuse", PM_DOCTOR_WARNING, "not used while native", "sudo modprobe fuse");
}

static void test_net_tools(void **state)
{
	_cleanup_(result_clear) struct result r = {0};
	fake.pasta = false;
	run(&r);
	expect(&r, "pasta", PM_DOCTOR_WARNING, "--network pasta fails",
	       "sudo apt-get install passt");
}

static void test_cgroups(void **state)
{
	_cleanup_(result_clear) struct result r = {0};
	/* hybrid v1 */
	fake.cgroup_magic = 0x27e0eb; /* CGROUP_SUPER_MAGIC (v1) */
	fake.unified_magic = CGROUP2_SUPER_MAGIC;
	run(&r);
	expect(&r, "cgroups", PM_DOCTOR_WARNING, "cgroup v1 (hybrid): --memory, --cpus",
	       "systemd.unified_cgroup_hierarchy=1");
	/* v2, nothing writable */
	fake.cgroup_magic = CGROUP2_SUPER_MAGIC;
	fake.cg_writable = false;
	run(&r);
	expect(&r, "cgroups", PM_DOCTOR_WARNING, "no cgroup is delegated",
	       "Delegate=cpu cpuset io");
	/* v2, some controllers only */
	fake.cg_writable = true;
	put("/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/cgroup.controllers",
	    "memory pids\n");
	run(&r);
	expect(&r, "cgroups", PM_DOCTOR_WARNING, "memory pids; missing: cpu io", "Delegate=");
	/* our own cgroup when it is writable and has them all (e.g. a delegated scope) */
	put("/proc/self/cgroup", "0::/user.slice/user-1000.slice/user@1000.service/app.slice/x\n");
	put("/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/app.slice/x/"
	    "cgroup.controllers",
	    "cpu io memory pids\n");
	put("/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/app.slice/x/cgroup.procs",
	    "");
	run(&r);
	expect(&r, "cgroups", PM_DOCTOR_OK, "app.slice/x: cpu io memory pids", NULL);
}

static void test_session_linger_runtime(void **state)
{
	_cleanup_(result_clear) struct result r = {0};
	rm("/var/lib/systemd/linger/alice");
	fake.bus = false;
	run(&r);
	expect(&r, "linger", PM_DOCTOR_WARNING, "not enabled for 'alice'",
	       "sudo loginctl enable-linger alice");
	expect(&r, "systemd", PM_DOCTOR_WARNING, "no systemd user session",
	       "machinectl shell alice@");
	fake.runtime_dir = NULL;
	run(&r);
	expect(&r, "XDG_RUNTIME_DIR", PM_DOCTOR_WARNING,
	       "not set: pm keeps its run state in "
	       "/tmp/pm-run-1000",
	       "export XDG_RUNTIME_DIR=/run/user/1000");
	/* no systemd at all: nothing to say about sessions */
	rm("/run/systemd/system/.keep");
	_cleanup_free_ char *d = pm_xasprintf("%s/run/systemd/system", tree);
	rmdir(d);
	run(&r);
	expect(&r, "systemd", PM_DOCTOR_OK, "does not run systemd", NULL);
	for (size_t i = 0; i < r.n; i++)
		assert_string_not_equal(r.v[i].name, "linger");
}

static void test_ports_storage(void **state)
{
	_cleanup_(result_clear) struct result r = {0};
	put("/proc/sys/net/ipv4/ip_unprivileged_port_start", "0\n");
	fake.avail = 500 * 1024ULL * 1024;
	run(&r);
	expect(&r, "unprivileged-ports", PM_DOCTOR_OK, "every host port", NULL);
	expect(&r, "storage", PM_DOCTOR_WARNING, "only 524MB free", "free space below");
	fake.avail = 10 * 1024ULL * 1024;
	run(&r);
	expect(&r, "storage", PM_DOCTOR_ERROR, "only 10.5MB free", "--root");
}

/* Every check reads the fake tree, not the host (runtime dir, bus and storage root went
 * to the host before); a storage root pm could not resolve is reported, not printed as
 * "(null)". */
static void test_prefix_and_no_root(void **state)
{
	_cleanup_(result_clear) struct result r = {0};
	run(&r);
	if (fake.unprefixed)
		fail_msg("a check looked at the host's '%s'", fake.unprefixed);
	fake.storage_root = NULL;
	run(&r);
	expect(&r, "storage", PM_DOCTOR_ERROR, "pm could not resolve its storage root", "--root");
	for (size_t i = 0; i < r.n; i++)
		assert_null(strstr(r.v[i].detail, "(null)"));
	/* the nearest existing parent answers, and the messages name the host's paths */
	fake.storage_root = "/home/alice/.local/share/pm/storage/not/yet";
	fake.avail = 500 * 1024ULL * 1024;
	run(&r);
	expect(&r, "storage", PM_DOCTOR_WARNING,
	       "/home/alice/.local/share/pm/storage/not/yet: only 524MB free",
	       "free space below '/home/alice/.local/share/pm/storage'");
}

static void test_json(void **state)
{
	_cleanup_(result_clear) struct result r = {0};
	fake.tun_mode = 0600;
	run(&r);
	_cleanup_free_ char *text = pm_doctor_json(r.v, r.n);
	_cleanup_json_ json_t *a = json_loads(text, 0, NULL);
	assert_true(json_is_array(a));
	assert_int_equal(json_array_size(a), r.n);
	size_t i;
	json_t *e;
	bool seen = false;
	json_array_foreach(a, i, e) {
		assert_int_equal(json_object_size(e), 4);
		assert_non_null(pm_json_string(e, "Name"));
		assert_non_null(pm_json_string(e, "Detail"));
		assert_non_null(pm_json_string(e, "Fix"));
		if (strcmp(pm_json_string(e, "Name"), "/dev/net/tun") == 0) {
			assert_string_equal(pm_json_string(e, "Status"), "error");
			assert_string_equal(pm_json_string(e, "Fix"),
					    "sudo chmod 0666 /dev/net/tun");
			seen = true;
		} else if (strcmp(pm_json_string(e, "Status"), "ok") == 0) {
			assert_string_equal(pm_json_string(e, "Fix"), "");
		}
	}
	assert_true(seen);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good_host, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tun_0600, setup, teardown),
		cmocka_unit_test_setup_teardown(test_subid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idmap_tools, setup, teardown),
		cmocka_unit_test_setup_teardown(test_userns_sysctls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlay_fuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_net_tools, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cgroups, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_linger_runtime, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ports_storage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prefix_and_no_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
