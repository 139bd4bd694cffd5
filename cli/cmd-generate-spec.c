/* cmd-generate-spec.c: `pm generate spec [-c] [-f FILE] [-n] CONTAINER|POD` (podman 4.3):
 * the container's (or pod's) stored configuration as podman's SpecGenerator JSON, with
 * its field names and in its field order, the fields pm keeps: name (NAME-clone unless
 * --name=false), entrypoint, command, env, labels, namespaces ({"nsmode", "value"}),
 * image (id), mounts as given, ports, limits, the create command. Only what was given is
 * there: the image's env and labels come back from the image (podman merges them in).
 * Indented by one blank (podman's json.MarshalIndent), --compact on one line; -f writes
 * FILE (whole or not at all) and prints its path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/commands.h"
#include "engine/config-json.h"
#include "engine/container.h"
#include "engine/run.h"
#include "engine/spec.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "pods/pod.h"

static const char spec_usage[] =
	"Generate Specgen JSON based on containers or pods\n"
	"\n"
	"Usage:\n"
	"  pm generate spec [options] {CONTAINER|POD}\n"
	"\n"
	"Examples:\n"
	"  pm generate spec ctrID\n"
	"\n"
	"Options:\n"
	"  -c, --compact           Print the json in a compact format for consumption\n"
	"  -f, --filename string   Write output to the specified path\n"
	"  -n, --name              Specify a new name for the generated spec (default true)\n";

static void set_str(json_t *o, const char *k, const char *v)
{
	if (v && *v)
		json_object_set_new(o, k, json_string(v));
}

static void set_strv(json_t *o, const char *k, char *const *v)
{
	if (!v || !v[0])
		return;
	json_t *a = json_array();
	for (; *v; v++)
		json_array_append_new(a, json_string(*v));
	json_object_set_new(o, k, a);
}

/* KEY=VALUE list as an object (a KEY without '=' is left out) */
static void set_kv(json_t *o, const char *k, char *const *v)
{
	json_t *m = json_object();
	for (; v && *v; v++) {
		const char *eq = strchr(*v, '=');
		if (!eq)
			continue;
		_cleanup_free_ char *key = pm_xstrndup(*v, (size_t)(eq - *v));
		json_object_set_new(m, key, json_string(eq + 1));
	}
	if (json_object_size(m))
		json_object_set_new(o, k, m);
	else
		json_decref(m);
}

/* podman's Namespace: host, private, none, container:ID, ns:PATH, keep-id, ... */
static json_t *ns(const char *mode, const char *dflt)
{
	json_t *o = json_object();
	if (!mode || !*mode)
		mode = dflt;
	const char *colon = strchr(mode, ':');
	if (colon && !strncmp(mode, "container:", 10)) {
		json_object_set_new(o, "nsmode", json_string("container"));
		json_object_set_new(o, "value", json_string(colon + 1));
	} else if (colon && !strncmp(mode, "ns:", 3)) {
		json_object_set_new(o, "nsmode", json_string("path"));
		json_object_set_new(o, "value", json_string(colon + 1));
	} else if (colon) {
		_cleanup_free_ char *m = pm_xstrndup(mode, (size_t)(colon - mode));
		json_object_set_new(o, "nsmode", json_string(m));
		json_object_set_new(o, "value", json_string(colon + 1));
	} else {
		json_object_set_new(o, "nsmode", json_string(mode));
	}
	return o;
}

/* "[IP:][HOST[-HOST2]:]CTR[-CTR2][/PROTO]" as podman's PortMapping */
static json_t *port_mappings(char *const *publish)
{
	json_t *a = json_array();
	for (; publish && *publish; publish++) {
		_cleanup_free_ char *s = pm_xstrdup(*publish);
		const char *proto = "tcp";
		char *slash = strrchr(s, '/');
		if (slash) {
			*slash = 0;
			proto = slash + 1;
		}
		_cleanup_strv_ char **parts = pm_strv_split(s, ":");
		size_t n = pm_strv_length(parts);
		const char *ip = n >= 3 ? parts[0] : "", *host = n >= 2 ? parts[n - 2] : "0";
		const char *ctr = n ? parts[n - 1] : "0";
		json_t *m = json_object();
		json_object_set_new(m, "host_ip", json_string(ip));
		long c0 = strtol(ctr, NULL, 10), h0 = strtol(host, NULL, 10);
		const char *dash = strchr(ctr, '-');
		long range = dash ? strtol(dash + 1, NULL, 10) - c0 + 1 : 1;
		json_object_set_new(m, "container_port", json_integer(c0));
		json_object_set_new(m, "host_port", json_integer(h0));
		json_object_set_new(m, "range", json_integer(range));
		json_object_set_new(m, "protocol", json_string(proto));
		json_array_append_new(a, m);
	}
	return a;
}

/* podman's IDMappingOptions when none are given */
static json_t *idmappings(void)
{
	json_t *o = json_object(), *auto_opts = json_object();
	json_object_set_new(o, "HostUIDMapping", json_true());
	json_object_set_new(o, "HostGIDMapping", json_true());
	json_object_set_new(o, "UIDMap", json_null());
	json_object_set_new(o, "GIDMap", json_null());
	json_object_set_new(o, "AutoUserNs", json_false());
	json_object_set_new(auto_opts, "Size", json_integer(0));
	json_object_set_new(auto_opts, "InitialSize", json_integer(0));
	json_object_set_new(auto_opts, "PasswdFile", json_string(""));
	json_object_set_new(auto_opts, "GroupFile", json_string(""));
	json_object_set_new(auto_opts, "AdditionalUIDMappings", json_null());
	json_object_set_new(auto_opts, "AdditionalGIDMappings", json_null());
	json_object_set_new(o, "AutoUserNsOpts", auto_opts);
	return o;
}

static json_t *limits(uint64_t memory, double cpus, int64_t pids, bool pids_set)
{
	json_t *o = json_object();
	if (memory) {
		json_t *m = json_object();
		json_object_set_new(m, "limit", json_integer((json_int_t)memory));
		json_object_set_new(o, "memory", m);
	}
	if (cpus > 0) {
		json_t *c = json_object();
		json_object_set_new(c, "quota", json_integer((json_int_t)(cpus * 100000)));
		json_object_set_new(c, "period", json_integer(100000));
		json_object_set_new(o, "cpu", c);
	}
	if (pids_set) {
		json_t *p = json_object();
		json_object_set_new(p, "limit", json_integer(pids));
		json_object_set_new(o, "pids", p);
	}
	return o;
}

static json_t *container_spec(const struct pm_container *c, const struct pm_container_config *cfg,
			      bool rename)
{
	json_t *o = json_object();
	_cleanup_free_ char *name =
		rename ? pm_xasprintf("%s-clone", c->name) : pm_xstrdup(c->name);
	set_str(o, "name", name);
	set_str(o, "pod", cfg->pod);
	if (cfg->entrypoint_set && cfg->entrypoint) {
		json_t *ep = json_loads(cfg->entrypoint, JSON_DECODE_ANY, NULL);
		if (!json_is_array(ep)) {
			json_decref(ep);
			ep = json_array();
			if (*cfg->entrypoint)
				json_array_append_new(ep, json_string(cfg->entrypoint));
		}
		json_object_set_new(o, "entrypoint", ep);
	}
	set_strv(o, "command", cfg->command);
	set_kv(o, "env", cfg->env);
	if (cfg->tty)
		json_object_set_new(o, "terminal", json_true());
	if (cfg->interactive)
		json_object_set_new(o, "stdin", json_true());
	set_kv(o, "labels", cfg->labels);
	set_kv(o, "annotations", cfg->annotations);
	set_str(o, "stop_signal", cfg->stop_signal);
	if (cfg->stop_timeout_set)
		json_object_set_new(o, "stop_timeout", json_integer(cfg->stop_timeout));
	set_str(o, "restart_policy", cfg->restart);
	set_str(o, "sdnotifyMode", cfg->sdnotify ? cfg->sdnotify : "container");
	json_object_set_new(o, "pidns", ns(cfg->pid, "default"));
	json_object_set_new(o, "utsns", ns(cfg->uts, "private"));
	set_str(o, "hostname", cfg->hostname);
	set_kv(o, "sysctl", cfg->sysctls);
	if (cfg->rm)
		json_object_set_new(o, "remove", json_true());
	set_strv(o, "containerCreateCommand", cfg->create_command);
	json_object_set_new(o, "init_container_type", json_string(""));
	set_str(o, "image", c->image_id);
	set_str(o, "rootfs", cfg->rootfs);
	set_strv(o, "volumes_from", cfg->volumes_from);
	if (cfg->init)
		json_object_set_new(o, "init", json_true());
	set_strv(o, "mounts", cfg->mounts);
	set_strv(o, "volumes", cfg->volumes);
	set_strv(o, "devices", cfg->devices);
	json_object_set_new(o, "ipcns", ns(cfg->ipc, "default"));
	json_object_set_new(o, "shm_size",
			    json_integer((json_int_t)(cfg->shm_size ? cfg->shm_size : 65536000)));
	set_str(o, "work_dir", cfg->workdir);
	if (cfg->privileged)
		json_object_set_new(o, "privileged", json_true());
	set_str(o, "user", cfg->user);
	set_strv(o, "groups", cfg->group_add);
	set_strv(o, "cap_add", cfg->cap_add);
	set_strv(o, "cap_drop", cfg->cap_drop);
	json_t *sel = json_array();
	json_array_append_new(sel, json_string("disable"));
	json_object_set_new(o, "selinux_opts", sel);
	if (cfg->no_new_privs)
		json_object_set_new(o, "no_new_privileges", json_true());
	json_object_set_new(o, "userns", ns(cfg->userns, "default"));
	json_object_set_new(o, "idmappings", idmappings());
	if (cfg->read_only)
		json_object_set_new(o, "read_only_filesystem", json_true());
	set_str(o, "umask", cfg->umask ? cfg->umask : "0022");
	json_object_set_new(o, "cgroupns", ns(cfg->cgroupns, "default"));
	set_str(o, "cgroup_parent", cfg->cgroup_parent);
	json_object_set_new(o, "netns", ns(cfg->network, "slirp4netns"));
	if (cfg->publish)
		json_object_set_new(o, "portmappings", port_mappings(cfg->publish));
	if (cfg->publish_all)
		json_object_set_new(o, "publish_image_ports", json_true());
	json_object_set_new(o, "Networks", json_null());
	set_strv(o, "dns_server", cfg->dns);
	set_strv(o, "dns_search", cfg->dns_search);
	set_strv(o, "dns_option", cfg->dns_options);
	json_object_set_new(o, "use_image_hosts", json_boolean(cfg->no_hosts));
	set_strv(o, "hostadd", cfg->add_hosts);
	json_object_set_new(o, "resource_limits",
			    limits(cfg->memory, cfg->cpus, cfg->pids_limit, cfg->pids_limit_set));
	if (cfg->oom_score_adj_set)
		json_object_set_new(o, "oom_score_adj", json_integer(cfg->oom_score_adj));
	return o;
}

static json_t *pod_spec(const struct pm_pod *pod, bool rename)
{
	const struct pm_pod_config *pc = &pod->cfg;
	json_t *o = json_object();
	_cleanup_free_ char *name =
		rename ? pm_xasprintf("%s-clone", pod->name) : pm_xstrdup(pod->name);
	set_str(o, "name", name);
	set_str(o, "hostname", pc->hostname);
	set_kv(o, "labels", pc->labels);
	if (!pc->infra)
		json_object_set_new(o, "no_infra", json_true());
	set_str(o, "infra_image", pc->infra_image);
	set_str(o, "infra_name", pc->infra_name);
	json_object_set_new(o, "pidns", ns(pc->pid, "default"));
	json_object_set_new(o, "userns", ns(pc->userns, "default"));
	json_object_set_new(o, "utsns", ns(pc->uts, "private"));
	json_object_set_new(o, "netns", ns(pc->network, "slirp4netns"));
	if (pc->publish && pc->publish[0])
		json_object_set_new(o, "portmappings", port_mappings(pc->publish));
	json_object_set_new(o, "Networks", json_null());
	set_strv(o, "dns_server", pc->dns);
	set_strv(o, "dns_search", pc->dns_search);
	set_strv(o, "dns_option", pc->dns_options);
	if (pc->no_hosts)
		json_object_set_new(o, "no_manage_hosts", json_true());
	set_strv(o, "hostadd", pc->add_hosts);
	set_strv(o, "volumes", pc->volumes);
	set_strv(o, "volumes_from", pc->volumes_from);
	json_object_set_new(o, "shm_size",
			    json_integer((json_int_t)(pc->shm_size ? pc->shm_size : 65536000)));
	set_str(o, "cgroup_parent", pc->cgroup_parent);
	json_object_set_new(o, "idmappings", idmappings());
	if (pc->memory || pc->cpus > 0)
		json_object_set_new(o, "resource_limits", limits(pc->memory, pc->cpus, 0, false));
	return o;
}

int cmd_generate_spec(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"compact", no_argument, NULL, 'c'},
		{"filename", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{"name", optional_argument, NULL, 'n'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	bool compact = false, rename = true;
	const char *file = NULL;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "cf:n", opts, spec_usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case 'c':
			compact = true;
			break;
		case 'f':
			file = optarg;
			break;
		case 'n':
			if (optarg && strcmp(optarg, "true") && strcmp(optarg, "false"))
				return pm_cli_errorf(
					"invalid argument \"%s\" for \"-n, --name\" flag: "
					"strconv.ParseBool: parsing \"%s\": invalid "
					"syntax",
					optarg, optarg);
			rename = !optarg || !strcmp(optarg, "true");
			break;
		}
	}
	if (argc - optind != 1)
		return pm_cli_errorf("accepts 1 arg(s), received %d", argc - optind);
	const char *ref = argv[optind];
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	_cleanup_container_ struct pm_container *ctr = NULL;
	_cleanup_pod_ struct pm_pod *pod = NULL;
	_cleanup_error_ pm_error *err = NULL;
	json_t *spec = NULL;
	if (pm_engine_ctr_lookup(&e, ref, &ctr, NULL) == 0 && !ctr->broken) {
		struct pm_container_config cfg = {0};
		if (pm_config_from_json(ctr->config_json, &cfg, &err) < 0)
			return pm_cli_error(err);
		spec = container_spec(ctr, &cfg, rename);
		pm_spec_config_clear(&cfg);
	} else if (pm_pod_lookup(&cli->paths, ref, &pod, NULL) == 0) {
		spec = pod_spec(pod, rename);
	} else {
		return pm_cli_errorf("could not find a pod or container with the id %s", ref);
	}
	_cleanup_free_ char *text =
		json_dumps(spec, (compact ? JSON_COMPACT : JSON_INDENT(1)) | JSON_PRESERVE_ORDER);
	json_decref(spec);
	if (!file) {
		printf("%s\n", text);
		return 0;
	}
	if (pm_write_file_atomic(file, text, strlen(text), 0644, &err) < 0)
		return pm_cli_error(err);
	printf("%s\n", file);
	return 0;
}
