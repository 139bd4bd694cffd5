/* info.c: `pm info`'s JSON, built from the host (see info.h). Owns the host/store/version
 * document and the helper version lookup (also used by engine/doctor.c). Never prints,
 * changes nothing (the overlay probe's cache file under the storage root is its one write,
 * as before the move). Called by cli/cmd-info.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/info.h"
#include "engine/engine.h"
#include "engine/ps.h"
#include "storage/image.h"
#include "lib/fileutil.h"
#include "lib/helper-output.h"
#include "lib/json.h"
#include "lib/os-release.h"
#include "lib/spawn.h"
#include "lib/strutil.h"
#include "rootless/subid.h"
#include "rootless/userns.h"
#include "storage/overlay-probe.h"
#include "storage/store.h"
#include "storage/volume.h"
#include "systemd/cgroup.h"

/* Go's GOARCH for a uname machine (what podman prints in OsArch). */
static const char *go_arch(const char *machine)
{
	static const char *const map[][2] = {
		{"x86_64", "amd64"}, {"aarch64", "arm64"},   {"armv7l", "arm"},
		{"i686", "386"},     {"ppc64le", "ppc64le"}, {"s390x", "s390x"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (strcmp(machine, map[i][0]) == 0)
			return map[i][1];
	return machine;
}

/* podman's version object (`version`'s Client, `info`'s version). */
static json_t *version_json(const char *arch)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:s}", "APIVersion", PM_VERSION,
			 "Version", PM_VERSION, "GoVersion", "none (C)", "GitCommit", "",
			 "BuiltTime", "", "Built", (json_int_t)0, "OsArch",
			 json_sprintf("linux/%s", arch), "Os", "linux");
}

char *pm_engine_version_json(void)
{
	struct utsname u;
	if (uname(&u) < 0)
		snprintf(u.machine, sizeof(u.machine), "unknown");
	json_t *v = version_json(go_arch(u.machine));
	char *text = json_dumps(v, JSON_COMPACT);
	json_decref(v);
	return text;
}

/* stdout and stderr of argv (at most 4 KiB), or NULL when it could not run, or failed and
 * must_succeed. stdin is /dev/null; a helper that hangs is killed after 10 s. */
static char *capture(char *const argv[], bool must_succeed)
{
	char *out = NULL;
	int status = 0;
	if (pm_run_capture(NULL, argv, 4095, 10000, &out, &status) < 0) {
		free(out);
		return NULL;
	}
	if (must_succeed && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		free(out);
		return NULL;
	}
	return out;
}

static const struct {
	const char *tool, *deb, *rpm;
} packages[] = {
	{"newuidmap", "uidmap", "shadow-utils"},
	{"newgidmap", "uidmap", "shadow-utils"},
	{"slirp4netns", "slirp4netns", "slirp4netns"},
	{"pasta", "passt", "passt"},
	{"fuse-overlayfs", "fuse-overlayfs", "fuse-overlayfs"},
};

const char *pm_tool_package(const char *tool, bool rpm)
{
	for (size_t i = 0; i < ARRAY_SIZE(packages); i++)
		if (strcmp(packages[i].tool, tool) == 0)
			return rpm ? packages[i].rpm : packages[i].deb;
	return NULL;
}

/* "pkg version" of the package that owns path, from dpkg or rpm; NULL when neither knows. */
static char *package_version(const char *path)
{
	_cleanup_free_ char *dpkg = pm_find_executable("dpkg-query");
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	const char *known = pm_tool_package(base, false);
	/* a known tool in the system's bin: ask for its package directly (dpkg-query -S reads
	 * every package's file list: 100+ ms) */
	if (dpkg && known &&
	    (pm_str_startswith(path, "/usr/bin/") || pm_str_startswith(path, "/bin/") ||
	     pm_str_startswith(path, "/usr/sbin/"))) {
		char *const ver[] = {dpkg, "-W", "-f=${Version}", (char *)known, NULL};
		_cleanup_free_ char *v = capture(ver, true);
		if (v && *v && !strchr(v, '\n'))
			return pm_xasprintf("%s %s", known, v);
	}
	if (dpkg) {
		char *const own[] = {dpkg, "-S", (char *)path, NULL};
		_cleanup_free_ char *out = capture(own, true);
		/* "uidmap: /usr/bin/newuidmap" (a diversion line starts with "diversion by") */
		char *colon =
			out && !pm_str_startswith(out, "diversion") ? strstr(out, ": ") : NULL;
		if (colon) {
			*colon = 0;
			char *const ver[] = {dpkg, "-W", "-f=${Version}", out, NULL};
			_cleanup_free_ char *v = capture(ver, true);
			if (v && *v && !strchr(v, '\n'))
				return pm_xasprintf("%s %s", out, v);
		}
	}
	_cleanup_free_ char *rpm = pm_find_executable("rpm");
	if (rpm) {
		char *const q[] = {rpm,		 "-qf", "--qf", "%{NAME} %{VERSION}-%{RELEASE}",
				   (char *)path, NULL};
		_cleanup_free_ char *v = capture(q, true);
		if (v && *v && !strchr(v, '\n') && !strstr(v, "not owned"))
			return TAKE_PTR(v);
	}
	return NULL;
}

char *pm_tool_version(const char *path)
{
	char *const argv[] = {(char *)path, "--version", NULL};
	_cleanup_free_ char *out = capture(argv, false);
	const char *base = strrchr(path, '/');
	char *line = pm_helper_version_line(out, base ? base + 1 : path);
	if (line)
		return line;
	char *pkg = package_version(path);
	return pkg ? pkg : pm_xstrdup("");
}

/* with_package: podman's "package" too (slirp4netns's: one more package query) */
static json_t *tool_json(const char *name, bool with_package)
{
	_cleanup_free_ char *path = pm_find_executable(name);
	json_t *o;
	if (!path) {
		o = json_pack("{s:s, s:s, s:b}", "executable", "", "version", "", "present", 0);
	} else {
		_cleanup_free_ char *v = pm_tool_version(path);
		o = json_pack("{s:s, s:s, s:b}", "executable", path, "version", v, "present", 1);
	}
	if (with_package) {
		_cleanup_free_ char *pkg = path ? package_version(path) : NULL;
		json_object_set_new(o, "package", json_string(pkg ? pkg : ""));
	}
	return o;
}

/* podman's host.cpuUtilization: the shares of user, system and idle time since boot (the
 * "cpu" line of /proc/stat), in percent with two decimals. */
static json_t *cpu_utilization_json(void)
{
	_cleanup_free_ char *text = NULL;
	unsigned long long v[8] = {0};
	if (pm_read_file("/proc/stat", 64 * 1024, &text, NULL, NULL) < 0 ||
	    sscanf(text, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
		   &v[4], &v[5], &v[6], &v[7]) < 4)
		return json_pack("{s:f, s:f, s:f}", "userPercent", 0.0, "systemPercent", 0.0,
				 "idlePercent", 0.0);
	double user = (double)(v[0] + v[1]), sys = (double)(v[2] + v[5] + v[6] + v[7]),
	       idle = (double)(v[3] + v[4]), all = user + sys + idle;
	if (all <= 0)
		all = 1;
#define PCT(x) ((double)(long long)((x)*10000 / all + 0.5) / 100)
	return json_pack("{s:f, s:f, s:f}", "userPercent", PCT(user), "systemPercent", PCT(sys),
			 "idlePercent", PCT(idle));
#undef PCT
}

/* podman's store.containerStore (the containers by state) and imageStore (their count). */
static void store_counts(const struct pm_info_opts *o, json_t *store)
{
	size_t n = 0, running = 0, paused = 0, stopped = 0;
	struct pm_engine e = {.paths = o->paths, .storage_driver = o->storage_driver};
	struct pm_ps_opts po = {.all = true, .last = -1, .ids_only = true};
	struct pm_ps_row *rows = NULL;
	if (pm_engine_ps_rows(&e, &po, &rows, &n, NULL) == 0) {
		for (size_t i = 0; i < n; i++) {
			enum pm_ctr_status st = rows[i].c->state.status;
			running += st == PM_CTR_RUNNING;
			paused += st == PM_CTR_PAUSED;
			stopped += st != PM_CTR_RUNNING && st != PM_CTR_PAUSED; /* podman's */
		}
		pm_ps_rows_free(rows, n);
	} else {
		n = 0;
	}
	json_object_set_new(store, "containerStore",
			    json_pack("{s:I, s:I, s:I, s:I}", "number", (json_int_t)n, "paused",
				      (json_int_t)paused, "running", (json_int_t)running, "stopped",
				      (json_int_t)stopped));
	size_t nimages = 0;
	_cleanup_store_ struct pm_store *st = NULL;
	struct pm_image_record *imgs = NULL;
	/* opening the store makes its layout: only where there is one already */
	if (access(o->paths->root, F_OK) == 0 &&
	    pm_store_open(o->paths, o->storage_driver, &st, NULL) == 0 &&
	    pm_image_list(st, &imgs, &nimages, NULL) == 0)
		pm_image_records_free(imgs, nimages);
	else
		nimages = 0;
	json_object_set_new(store, "imageStore", json_pack("{s:I}", "number", (json_int_t)nimages));
}

static json_t *idmap_json(bool gid, json_t **ret_error)
{
	/* real root uses the host's ids: no mapping, and nothing to ask root to add */
	if (getuid() == 0)
		return json_null();
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_free_ struct pm_idmap *map = NULL;
	size_t n = 0;
	if (pm_subid_mapping(gid, &map, &n, &err) < 0) {
		*ret_error = json_string(err->msg);
		return json_null();
	}
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:I, s:I, s:I}", "container_id",
						   (json_int_t)map[i].container_id, "host_id",
						   (json_int_t)map[i].host_id, "size",
						   (json_int_t)map[i].size));
	return a;
}

static json_t *distribution_json(void)
{
	_cleanup_(pm_os_release_clearp) struct pm_os_release os = {0};
	json_t *d = json_object();
	if (pm_os_release_read(NULL, &os) < 0)
		return d;
	if (os.id)
		json_object_set_new(d, "distribution", json_string(os.id));
	if (os.version_id)
		json_object_set_new(d, "version", json_string(os.version_id));
	if (os.version_codename)
		json_object_set_new(d, "codename", json_string(os.version_codename));
	return d;
}

static json_t *build_info(const struct pm_info_opts *o)
{
	struct utsname u;
	uname(&u);
	struct sysinfo si;
	sysinfo(&si);
	char hostname[256] = "";
	gethostname(hostname, sizeof(hostname) - 1);

	_cleanup_error_ pm_error *err = NULL;
	struct pm_cgroup_info cg = {0};
	pm_cgroup_detect(&cg, &err);

	json_t *uid_error = NULL, *gid_error = NULL;
	json_t *uidmap = idmap_json(false, &uid_error);
	json_t *gidmap = idmap_json(true, &gid_error);
	json_t *idmappings = json_pack("{s:o, s:o}", "gidmap", gidmap, "uidmap", uidmap);
	if (uid_error)
		json_object_set_new(idmappings, "uidmapError", uid_error);
	if (gid_error)
		json_object_set_new(idmappings, "gidmapError", gid_error);

	const char *arch = go_arch(u.machine);
	long up = si.uptime;
	_cleanup_free_ char *uptime =
		pm_xasprintf("%ldh %ldm %ld.00s", up / 3600, (up / 60) % 60, up % 60);
	_cleanup_free_ char *conf =
		o->paths->config ? pm_path_join(o->paths->config, "storage.conf") : NULL;
	_cleanup_free_ char *conf_driver = conf ? pm_store_conf_driver(conf) : NULL;
	_cleanup_free_ char *mount_program =
		conf ? pm_store_conf_value(conf, "mount_program") : NULL;
	const char *driver = o->storage_driver ? o->storage_driver
			     : conf_driver     ? conf_driver
					       : "overlay";

	struct pm_overlay_support ov = {0};
	pm_overlay_probe_cached(o->paths->root, &ov);

	json_t *host = json_pack(
		"{s:s, s:s, s:s, s:o, s:o, s:o, s:i, s:o, s:s, s:s, s:o, s:s, s:s, s:I, s:I}",
		"arch", arch, "cgroupManager", cg.systemd_session ? "systemd" : "cgroupfs",
		"cgroupVersion", cg.version == 2 ? "v2" : "v1", "cgroupControllers",
		pm_json_from_strv(cg.controllers), "cgroupDelegatedControllers",
		pm_json_from_strv(cg.delegated), "cgroupHybrid", json_boolean(cg.hybrid), "cpus",
		(int)sysconf(_SC_NPROCESSORS_ONLN), "distribution", distribution_json(),
		"eventLogger", "file", "hostname", hostname, "idMappings", idmappings, "kernel",
		u.release, "logDriver", "k8s-file", "memFree", (json_int_t)si.freeram * si.mem_unit,
		"memTotal", (json_int_t)si.totalram * si.mem_unit);
	json_object_set_new(host, "ociRuntime",
			    json_pack("{s:s, s:s, s:s, s:s}", "name", "pm", "package", "", "path",
				      "/proc/self/exe", "version", "pm version " PM_VERSION));
	/* podman's fields for its helpers: pm's monitor stands for conmon; no buildah, no
	 * remote API socket, rootless networking only */
	json_object_set_new(host, "buildahVersion", json_string(""));
	_cleanup_free_ char *monitor = pm_helper_path("pm-monitor", NULL);
	json_object_set_new(host, "conmon",
			    json_pack("{s:s, s:s, s:s}", "package", "", "path",
				      monitor ? monitor : "", "version",
				      "pm-monitor version " PM_VERSION));
	json_object_set_new(host, "cpuUtilization", cpu_utilization_json());
	json_object_set_new(host, "networkBackend", json_string("slirp4netns"));
	/* exists: podman's field (omitted from its JSON when false; templates read it) */
	json_object_set_new(host, "remoteSocket", json_pack("{s:s, s:b}", "path", "", "exists", 0));
	json_object_set_new(host, "serviceIsRemote", json_false()); /* no API service: local */
	json_object_set_new(host, "os", json_string("linux"));
	json_object_set_new(host, "security",
			    json_pack("{s:b, s:s, s:b, s:b, s:s, s:b}", "apparmorEnabled", 0,
				      "capabilities",
				      "CAP_CHOWN,CAP_DAC_OVERRIDE,CAP_FOWNER,CAP_FSETID,CAP_KILL,"
				      "CAP_NET_BIND_SERVICE,CAP_SETFCAP,CAP_SETGID,CAP_SETPCAP,"
				      "CAP_SETUID,CAP_SYS_CHROOT",
				      "rootless", pm_rootless_is_rootless(), "seccompEnabled", 1,
				      "seccompProfilePath", "builtin", "selinuxEnabled", 0));
	json_object_set_new(host, "slirp4netns", tool_json("slirp4netns", true));
	json_object_set_new(host, "pasta", tool_json("pasta", false));
	json_object_set_new(host, "fuseOverlayfs", tool_json("fuse-overlayfs", false));
	json_object_set_new(host, "newuidmap", tool_json("newuidmap", false));
	json_object_set_new(host, "newgidmap", tool_json("newgidmap", false));
	json_object_set_new(host, "swapFree", json_integer((json_int_t)si.freeswap * si.mem_unit));
	json_object_set_new(host, "swapTotal",
			    json_integer((json_int_t)si.totalswap * si.mem_unit));
	json_object_set_new(host, "uptime", json_string(uptime));
	json_object_set_new(host, "linkmode", json_string("dynamic"));

	struct statvfs vfs = {0};
	if (pm_statvfs_nearest(o->paths->root, NULL, NULL, &vfs, NULL) < 0)
		vfs = (struct statvfs){0};
	json_t *store = json_pack(
		"{s:s, s:s, s:o, s:s, s:I, s:I, s:s, s:s}", "configFile",
		o->paths->config ? o->paths->config : "", "graphDriverName", driver, "graphStatus",
		json_pack("{s:s, s:s}", "Native Overlay Diff", ov.native ? "true" : "false",
			  "Supports d_type", "true"),
		"graphRoot", o->paths->root, "graphRootAllocated",
		(json_int_t)vfs.f_blocks * (json_int_t)vfs.f_frsize, "graphRootUsed",
		(json_int_t)(vfs.f_blocks - vfs.f_bfree) * (json_int_t)vfs.f_frsize, "runRoot",
		o->paths->runroot, "volumePath", "");
	_cleanup_free_ char *volpath = pm_volumes_dir(o->paths->root); /* --volumepath */
	json_object_set_new(store, "volumePath", json_string(volpath));
	if (mount_program && strcmp(driver, "overlay") == 0)
		json_object_set_new(store, "graphOptions",
				    json_pack("{s:{s:s}}", "overlay.mount_program", "Executable",
					      mount_program));
	if (!json_object_get(store, "graphOptions"))
		json_object_set_new(store, "graphOptions", json_object());
	const char *tmp = getenv("TMPDIR");
	json_object_set_new(store, "imageCopyTmpDir", json_string(tmp && *tmp ? tmp : "/var/tmp"));
	store_counts(o, store);
	json_object_set_new(store, "overlayInUserNamespace",
			    json_pack("{s:b, s:b, s:s}", "probed", ov.probed, "native", ov.native,
				      "detail", ov.detail ? ov.detail : ""));

	json_t *version = version_json(arch);
	pm_overlay_support_free(&ov);
	pm_cgroup_info_free(&cg);
	json_t *plugins =
		json_pack("{s:[s], s:[], s:[s, s, s, s], s:n}", "volume", "local", "network", "log",
			  "k8s-file", "none", "passthrough", "journald", "authorization");
	return json_pack("{s:o, s:o, s:o, s:o, s:o}", "host", host, "store", store, "registries",
			 json_object(), "plugins", plugins, "version", version);
}

char *pm_engine_info_json(const struct pm_info_opts *opts)
{
	_cleanup_json_ json_t *info = build_info(opts);
	char *s = json_dumps(info, JSON_COMPACT);
	return s ? s : pm_xstrdup("{}");
}
