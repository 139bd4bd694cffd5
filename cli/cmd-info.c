/* cmd-info.c: `pm info` / `pm system info`: host facts in podman's JSON shape (host, store,
 * version), plus what a rootless user needs to know: subordinate id mappings, cgroup
 * delegation, overlay in the user namespace, which helpers are installed.
 * Runs outside the rootless namespace on purpose: it must work (and say what is wrong)
 * when the namespace cannot be made, e.g. without an /etc/subuid entry. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "lib/fileutil.h"
#include "lib/json.h"
#include "lib/strutil.h"
#include "rootless/subid.h"
#include "rootless/userns.h"
#include "storage/overlay-probe.h"
#include "storage/store.h"
#include "systemd/cgroup.h"

static const char usage[] =
	"Display pm related system information\n"
	"\n"
	"Usage:\n"
	"  pm info [options]\n"
	"\n"
	"Options:\n"
	"  -f, --format string   Change the output format to JSON or a Go template\n";

/* First line of `path --version`, or "" (helpers print it on stdout or stderr). */
static char *tool_version(const char *path)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return pm_xstrdup("");
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		execl(path, path, "--version", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	char buf[512] = "";
	size_t n = 0;
	ssize_t r;
	while (pid > 0 && n < sizeof(buf) - 1 && (r = read(p[0], buf + n, sizeof(buf) - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = 0;
	close(p[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	buf[strcspn(buf, "\n")] = 0;
	return pm_xstrdup(buf);
}

static json_t *tool_json(const char *name)
{
	_cleanup_free_ char *path = pm_find_executable(name);
	if (!path)
		return json_pack("{s:s, s:s, s:b}", "executable", "", "version", "", "present", 0);
	_cleanup_free_ char *v = tool_version(path);
	return json_pack("{s:s, s:s, s:b}", "executable", path, "version", v, "present", 1);
}

static json_t *idmap_json(bool gid, json_t **ret_error)
{
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
	_cleanup_free_ char *data = NULL;
	json_t *d = json_object();
	if (pm_read_file("/etc/os-release", 65536, &data, NULL, NULL) < 0)
		return d;
	static const char *keys[][2] = {{"ID=", "distribution"},
					{"VERSION_ID=", "version"},
					{"VERSION_CODENAME=", "codename"}};
	for (char *line = strtok(data, "\n"); line; line = strtok(NULL, "\n"))
		for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
			if (pm_str_startswith(line, keys[i][0])) {
				char *v = line + strlen(keys[i][0]);
				size_t l = strlen(v);
				if (l >= 2 && v[0] == '"' && v[l - 1] == '"') {
					v[l - 1] = 0;
					v++;
				}
				json_object_set_new(d, keys[i][1], json_string(v));
			}
	return d;
}

static json_t *build_info(struct pm_cli *cli)
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

	const char *arch = strcmp(u.machine, "x86_64") == 0    ? "amd64"
			   : strcmp(u.machine, "aarch64") == 0 ? "arm64"
							       : u.machine;
	long up = si.uptime;
	_cleanup_free_ char *uptime =
		pm_xasprintf("%ldh %ldm %ld.00s", up / 3600, (up / 60) % 60, up % 60);
	_cleanup_free_ char *conf =
		cli->paths.config ? pm_path_join(cli->paths.config, "storage.conf") : NULL;
	_cleanup_free_ char *conf_driver = conf ? pm_store_conf_driver(conf) : NULL;
	_cleanup_free_ char *mount_program =
		conf ? pm_store_conf_value(conf, "mount_program") : NULL;
	const char *driver = cli->storage_driver ? cli->storage_driver
			     : conf_driver	 ? conf_driver
						 : "overlay";

	struct pm_overlay_support ov = {0};
	pm_overlay_probe_cached(cli->paths.root, &ov);

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
			    json_pack("{s:s, s:s, s:s}", "name", "pm", "path", "/proc/self/exe",
				      "version", "pm version " PM_VERSION));
	json_object_set_new(host, "os", json_string("linux"));
	json_object_set_new(host, "security",
			    json_pack("{s:b, s:s, s:b, s:b, s:s, s:b}", "apparmorEnabled", 0,
				      "capabilities",
				      "CAP_CHOWN,CAP_DAC_OVERRIDE,CAP_FOWNER,CAP_FSETID,CAP_KILL,"
				      "CAP_NET_BIND_SERVICE,CAP_SETFCAP,CAP_SETGID,CAP_SETPCAP,"
				      "CAP_SETUID,CAP_SYS_CHROOT",
				      "rootless", pm_rootless_is_rootless(), "seccompEnabled", 1,
				      "seccompProfilePath", "builtin", "selinuxEnabled", 0));
	json_object_set_new(host, "slirp4netns", tool_json("slirp4netns"));
	json_object_set_new(host, "pasta", tool_json("pasta"));
	json_object_set_new(host, "fuseOverlayfs", tool_json("fuse-overlayfs"));
	json_object_set_new(host, "newuidmap", tool_json("newuidmap"));
	json_object_set_new(host, "newgidmap", tool_json("newgidmap"));
	json_object_set_new(host, "swapFree", json_integer((json_int_t)si.freeswap * si.mem_unit));
	json_object_set_new(host, "swapTotal",
			    json_integer((json_int_t)si.totalswap * si.mem_unit));
	json_object_set_new(host, "uptime", json_string(uptime));
	json_object_set_new(host, "linkmode", json_string("dynamic"));

	struct statvfs vfs = {0};
	const char *probe_dir = cli->paths.root;
	_cleanup_free_ char *parent = NULL;
	while (statvfs(probe_dir, &vfs) < 0 && strcmp(probe_dir, "/") != 0) {
		char *slash = strrchr(parent ? parent : (parent = pm_xstrdup(probe_dir)), '/');
		if (!slash)
			break;
		if (slash == parent)
			slash[1] = 0;
		else
			*slash = 0;
		probe_dir = parent;
	}
	json_t *store =
		json_pack("{s:s, s:s, s:o, s:s, s:I, s:I, s:s, s:s}", "configFile",
			  cli->paths.config ? cli->paths.config : "", "graphDriverName", driver,
			  "graphStatus",
			  json_pack("{s:s, s:s}", "Native Overlay Diff",
				    ov.native ? "true" : "false", "Supports d_type", "true"),
			  "graphRoot", cli->paths.root, "graphRootAllocated",
			  (json_int_t)vfs.f_blocks * (json_int_t)vfs.f_frsize, "graphRootUsed",
			  (json_int_t)(vfs.f_blocks - vfs.f_bfree) * (json_int_t)vfs.f_frsize,
			  "runRoot", cli->paths.runroot, "volumePath", "");
	_cleanup_free_ char *volpath = pm_path_join(cli->paths.root, "volumes");
	json_object_set_new(store, "volumePath", json_string(volpath));
	if (mount_program && strcmp(driver, "overlay") == 0)
		json_object_set_new(store, "graphOptions",
				    json_pack("{s:{s:s}}", "overlay.mount_program", "Executable",
					      mount_program));
	json_object_set_new(store, "overlayInUserNamespace",
			    json_pack("{s:b, s:b, s:s}", "probed", ov.probed, "native", ov.native,
				      "detail", ov.detail ? ov.detail : ""));

	json_t *version = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s}", "APIVersion", PM_VERSION,
				    "Version", PM_VERSION, "GoVersion", "none (C)", "BuiltTime", "",
				    "Built", (json_int_t)0, "OsArch",
				    strcmp(arch, "amd64") == 0 ? "linux/amd64" : "linux/other",
				    "Os", "linux");
	pm_overlay_support_free(&ov);
	pm_cgroup_info_free(&cg);
	return json_pack("{s:o, s:o, s:o}", "host", host, "store", store, "version", version);
}

/* A YAML-ish rendering like podman's default output: nested keys indented by two. */
static void print_yaml(const json_t *v, int indent)
{
	const char *k;
	json_t *e;
	json_object_foreach((json_t *)v, k, e) {
		printf("%*s%s:", indent, "", k);
		if (json_is_object(e)) {
			if (json_object_size(e) == 0) {
				printf(" {}\n");
				continue;
			}
			printf("\n");
			print_yaml(e, indent + 2);
		} else if (json_is_array(e)) {
			printf("\n");
			size_t i;
			json_t *x;
			json_array_foreach(e, i, x) {
				if (json_is_object(x)) {
					bool first = true;
					const char *k2;
					json_t *e2;
					json_object_foreach(x, k2, e2) {
						_cleanup_free_ char *s =
							json_dumps(e2, JSON_ENCODE_ANY);
						printf("%*s%s %s: %s\n", indent, "",
						       first ? "-" : " ", k2,
						       json_is_string(e2) ? json_string_value(e2)
									  : s);
						first = false;
					}
				} else {
					printf("%*s- %s\n", indent, "",
					       json_is_string(x) ? json_string_value(x) : "?");
				}
			}
		} else if (json_is_string(e)) {
			const char *s = json_string_value(e);
			if (strchr(s, '\n'))
				printf(" |-\n%*s%s\n", indent + 2, "", s);
			else
				printf(" %s\n", s);
		} else if (json_is_null(e)) {
			printf(" null\n");
		} else {
			_cleanup_free_ char *s = json_dumps(e, JSON_ENCODE_ANY);
			printf(" %s\n", s);
		}
	}
}

int cmd_info(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 0},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	const char *format = NULL;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "f:", opts, usage)) != -1) {
		if (c == PM_OPT_EXIT)
			return st.status;
		if (c == 'f')
			format = optarg;
	}
	if (!pm_cli_nargs(cli, argc - optind, 0, 0))
		return PM_EXIT_ERROR;
	_cleanup_json_ json_t *info = build_info(cli);
	if (format)
		return pm_output_format_one(format, info);
	print_yaml(info, 0);
	return 0;
}
