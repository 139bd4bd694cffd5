/* view.c: `pod inspect` as podman 4's JSON, `pod ps` as rows (see view.h). Never prints. */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "engine/ctr-pods.h"
#include "engine/ctr-state.h"
#include "engine/net.h"
#include "engine/run-flags.h"
#include "engine/spec.h"
#include "lib/containers-conf.h"
#include "lib/json.h"
#include "lib/jwrite.h"
#include "lib/strutil.h"
#include "lib/timeutil.h"
#include "netslirp/net.h"
#include "pods/lifecycle.h"
#include "pods/view.h"

static json_t *time_json(int64_t ns)
{
	char buf[PM_TIME_BUF_LEN];
	pm_time_format_rfc3339nano_local(ns, buf);
	return json_string(buf);
}

static json_t *strv_or_null(char *const *v)
{
	return v && v[0] ? pm_json_from_strv(v) : json_null();
}

/* podman's InfraConfig.PortBindings: {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]} */
static json_t *port_bindings(char *const *publish)
{
	json_t *o = json_object();
	for (char *const *p = publish; p && *p; p++) {
		struct pm_net_port *ports = NULL;
		size_t n = 0;
		if (pm_net_parse_publish(*p, &ports, &n, NULL) < 0)
			continue;
		static const char *const protos[] = {"tcp", "udp", "sctp"};
		for (size_t i = 0; i < n; i++) {
			for (unsigned k = 0; k < (ports[i].range ? ports[i].range : 1); k++) {
				char key[32], hp[16] = "";
				snprintf(key, sizeof(key), "%u/%s", ports[i].ctr_port + k,
					 protos[ports[i].proto >= 0 && ports[i].proto <= 2
							? ports[i].proto
							: 0]);
				if (ports[i].host_port)
					snprintf(hp, sizeof(hp), "%u", ports[i].host_port + k);
				json_t *arr = json_object_get(o, key);
				if (!arr) {
					arr = json_array();
					json_object_set_new(o, key, arr);
				}
				json_array_append_new(arr,
						      json_pack("{s:s, s:s}", "HostIp",
								ports[i].host_ip, "HostPort", hp));
			}
		}
		free(ports);
	}
	return o;
}

/* podman's pod inspect "mounts": the pod's -v as InspectMount objects */
static json_t *mounts_json(char *const *volumes)
{
	json_t *a = json_array();
	for (char *const *v = volumes; v && *v; v++) {
		struct pm_runtime_mount m = {0};
		_cleanup_free_ char *name = NULL;
		if (pm_spec_parse_volume(*v, &m, &name, NULL) < 0)
			continue;
		json_t *o = json_pack("{s:s}", "Type", name ? "volume" : "bind");
		if (name)
			json_object_set_new(o, "Name", json_string(name));
		json_object_set_new(o, "Source", json_string(name ? "" : m.source ? m.source : ""));
		json_object_set_new(o, "Destination",
				    json_string(m.destination ? m.destination : ""));
		json_object_set_new(o, "Driver", json_string(name ? "local" : ""));
		json_object_set_new(o, "Mode", json_string(""));
		json_object_set_new(o, "Options",
				    json_pack("[s]", m.recursive || name ? "rbind" : "bind"));
		json_object_set_new(o, "RW", json_boolean(!(m.flags & 1 /* MS_RDONLY */)));
		json_object_set_new(o, "Propagation", json_string("rprivate"));
		json_array_append_new(a, o);
		pm_runtime_mount_clear(&m);
	}
	return a;
}

/* podman's pod inspect "devices": InspectDevice objects */
static json_t *devices_json(char *const *devices)
{
	json_t *a = json_array();
	for (char *const *v = devices; v && *v; v++) {
		_cleanup_free_ char *src = NULL, *dst = NULL, *perms = NULL;
		if (pm_config_parse_device(*v, &src, &dst, &perms, NULL) < 0)
			continue;
		json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "PathOnHost", src,
						   "PathInContainer", dst ? dst : src,
						   "CgroupPermissions", perms ? perms : "rwm"));
	}
	return a;
}

int pm_pod_inspect_json(const struct pm_engine *e, const struct pm_pod *pod, char **ret,
			pm_error **err)
{
	struct pm_container **ctrs = NULL;
	size_t n = 0;
	int r = pm_pod_containers(e, pod, &ctrs, &n, err);
	if (r < 0)
		return r;
	const struct pm_pod_config *c = &pod->cfg;
	_cleanup_json_ json_t *o = json_object();
	json_object_set_new(o, "Id", json_string(pod->id));
	json_object_set_new(o, "Name", json_string(pod->name));
	json_object_set_new(o, "Created", time_json(pod->created_ns));
	if (c->create_command && c->create_command[0]) /* podman's omitempty */
		json_object_set_new(o, "CreateCommand", pm_json_from_strv(c->create_command));
	json_object_set_new(o, "ExitPolicy",
			    json_string(c->exit_policy ? c->exit_policy : "continue"));
	json_object_set_new(o, "State", json_string(pm_pod_status(ctrs, n)));
	json_object_set_new(o, "Hostname", json_string(c->hostname ? c->hostname : ""));
	json_object_set_new(o, "Labels", pm_json_object_from_kv(c->labels, false));
	_cleanup_free_ char *slice = pm_pod_slice(pod);
	json_object_set_new(o, "CreateCgroup", json_boolean(!c->no_share_parent));
	/* --cgroup-parent as given; else the cgroupfs manager: podman's nominal parent and path
	 * (podman 4.3 names them on a cgroup v1 host too, where a rootless pod gets no cgroup of
	 * its own); systemd: the pod's slice */
	const char *mgr = NULL;
	if (pm_conf_cgroup_manager(&mgr, NULL) == 0 && mgr && !strcmp(mgr, "cgroupfs")) {
		_cleanup_free_ char *path = pm_xasprintf("/libpod_parent/%s", pod->id);
		json_object_set_new(
			o, "CgroupParent",
			json_string(c->cgroup_parent ? c->cgroup_parent : "/libpod_parent"));
		json_object_set_new(o, "CgroupPath", json_string(path));
	} else {
		json_object_set_new(o, "CgroupParent",
				    json_string(c->cgroup_parent ? c->cgroup_parent : slice));
		json_object_set_new(o, "CgroupPath", json_string(slice));
	}
	json_object_set_new(o, "CreateInfra", json_boolean(c->infra));
	if (pod->infra_id[0]) {
		json_object_set_new(o, "InfraContainerID", json_string(pod->infra_id));
		json_t *ic = json_object();
		json_object_set_new(ic, "PortBindings", port_bindings(c->publish));
		json_object_set_new(ic, "HostNetwork",
				    json_boolean(c->network && !strcmp(c->network, "host")));
		json_object_set_new(ic, "StaticIP", json_string(""));
		json_object_set_new(ic, "StaticMAC", json_string(""));
		json_object_set_new(ic, "NoManageResolvConf", json_false());
		json_object_set_new(ic, "DNSServer", strv_or_null(c->dns));
		json_object_set_new(ic, "DNSSearch", strv_or_null(c->dns_search));
		json_object_set_new(ic, "DNSOption", strv_or_null(c->dns_options));
		json_object_set_new(ic, "NoManageHosts", json_boolean(c->no_hosts));
		json_object_set_new(ic, "HostAdd", strv_or_null(c->add_hosts));
		json_object_set_new(ic, "Networks",
				    json_pack("[s]", c->network ? c->network : "slirp4netns"));
		json_object_set_new(ic, "NetworkOptions", json_null());
		json_object_set_new(ic, "pid_ns",
				    json_string(c->pid				    ? c->pid
						: pm_strv_contains(c->share, "pid") ? "pod"
										    : "private"));
		/* podman 4.3's: private for keep-id and nomap, ns:PATH as given, host for auto
		 * (sic) and the rest */
		struct pm_spec_userns un;
		bool ok = pm_spec_parse_userns(c->userns, &un, NULL) == 0;
		json_object_set_new(ic, "userns",
				    json_string(ok && un.mode == PM_USERNS_NS ? c->userns
						: ok && (un.mode == PM_USERNS_KEEP_ID ||
							 un.mode == PM_USERNS_NOMAP)
							? "private"
							: "host"));
		json_object_set_new(ic, "uts_ns",
				    json_string(c->uts				    ? c->uts
						: pm_strv_contains(c->share, "uts") ? "private"
										    : "host"));
		json_object_set_new(o, "InfraConfig", ic);
	}
	json_object_set_new(o, "SharedNamespaces", strv_or_null(c->share));
	json_object_set_new(o, "NumContainers", json_integer((json_int_t)n));
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "Id", ctrs[i]->id, "Name",
						     ctrs[i]->name, "State",
						     pm_ctr_status_string(ctrs[i]->state.status)));
	json_object_set_new(o, "Containers", arr);
	pm_container_list_free(ctrs, n);
	if (c->volumes)
		json_object_set_new(o, "mounts", mounts_json(c->volumes));
	if (c->devices)
		json_object_set_new(o, "devices", devices_json(c->devices));
	if (c->volumes_from)
		json_object_set_new(o, "volumes_from", pm_json_from_strv(c->volumes_from));
	if (c->security_opts)
		json_object_set_new(o, "security_opt", pm_json_from_strv(c->security_opts));
	*ret = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT);
	return *ret ? 0 : pm_error_set(err, ENOMEM, "encoding pod %s", pod->id);
}

/* ---- pod ps ------------------------------------------------------------------------------- */

static const char *const filter_keys[] = {"id",	       "name",	  "label",	"status",
					  "ctr-names", "ctr-ids", "ctr-status", "ctr-number",
					  "until",     NULL};
static const char *const pod_states[] = {"stopped", "running", "paused",   "exited",
					 "dead",    "created", "degraded", NULL};

int pm_pod_ps_filters_check(char *const *filters, pm_error **err)
{
	for (char *const *f = filters; f && *f; f++) {
		const char *eq = strchr(*f, '=');
		_cleanup_free_ char *key = eq ? pm_xstrndup(*f, (size_t)(eq - *f)) : pm_xstrdup(*f);
		bool known = false;
		for (const char *const *k = filter_keys; *k; k++)
			known |= !strcmp(*k, key);
		if (!known || !eq)
			return pm_error_set(err, EINVAL, "%s is an invalid filter", key);
		if (!strcmp(key, "status")) {
			bool ok = false;
			for (const char *const *s = pod_states; *s; s++)
				ok |= !strcmp(*s, eq + 1);
			if (!ok)
				return pm_error_set(err, EINVAL, "%s is not a valid pod status",
						    eq + 1);
		}
	}
	return 0;
}

static bool label_match(char *const *labels, const char *want)
{
	const char *eq = strchr(want, '=');
	size_t klen = eq ? (size_t)(eq - want) : strlen(want);
	for (char *const *l = labels; l && *l; l++) {
		if (strncmp(*l, want, klen) || ((*l)[klen] != '=' && (*l)[klen]))
			continue;
		if (!eq)
			return true;
		const char *v = (*l)[klen] == '=' ? *l + klen + 1 : "";
		if (!strcmp(v, eq + 1))
			return true;
	}
	return false;
}

static bool regex_match(const char *pattern, const char *s)
{
	regex_t re;
	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
		return false;
	bool m = regexec(&re, s, 0, NULL, 0) == 0;
	regfree(&re);
	return m;
}

static bool one_match(const char *key, const char *val, const struct pm_pod *pod,
		      struct pm_container *const *ctrs, size_t n, const char *status)
{
	if (!strcmp(key, "id"))
		return pm_str_startswith(pod->id, val) || regex_match(val, pod->id);
	if (!strcmp(key, "name"))
		return regex_match(val, pod->name);
	if (!strcmp(key, "label"))
		return label_match(pod->cfg.labels, val);
	if (!strcmp(key, "status"))
		return !strcasecmp(status, val);
	if (!strcmp(key, "until")) {
		/* podman: created before the time; a value it cannot read matches nothing */
		int64_t until;
		return pm_time_parse_timestamp(val, pm_time_now_ns(), &until) == 0 &&
		       pod->created_ns < until;
	}
	if (!strcmp(key, "ctr-number")) {
		char num[24];
		snprintf(num, sizeof(num), "%zu", n);
		return !strcmp(num, val);
	}
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(key, "ctr-names") && regex_match(val, ctrs[i]->name))
			return true;
		if (!strcmp(key, "ctr-ids") &&
		    (pm_str_startswith(ctrs[i]->id, val) || regex_match(val, ctrs[i]->id)))
			return true;
		if (!strcmp(key, "ctr-status") &&
		    !strcmp(pm_ctr_status_string(ctrs[i]->state.status), val))
			return true;
	}
	return false;
}

static bool filters_match(char *const *filters, const struct pm_pod *pod,
			  struct pm_container *const *ctrs, size_t n, const char *status)
{
	for (const char *const *k = filter_keys; *k; k++) {
		bool seen = false, any = false;
		size_t klen = strlen(*k);
		for (char *const *f = filters; f && *f; f++) {
			if (strncmp(*f, *k, klen) || (*f)[klen] != '=')
				continue;
			seen = true;
			any |= one_match(*k, *f + klen + 1, pod, ctrs, n, status);
		}
		if (seen && !any)
			return false;
	}
	return true;
}

int pm_pod_ps_rows(const struct pm_engine *e, char *const *filters, struct pm_pod_ps_row **ret,
		   size_t *ret_n, pm_error **err)
{
	*ret = NULL;
	*ret_n = 0;
	int r = pm_pod_ps_filters_check(filters, err);
	if (r < 0)
		return r;
	struct pm_pod **pods = NULL;
	size_t npods = 0;
	r = pm_pod_list(e->paths, &pods, &npods, err);
	if (r < 0)
		return r;
	/* the pods' containers read once for all pods (not once a pod: 100 pods of 1000
	 * containers read 100000 records), and only theirs (engine/ctr-pods.h) */
	struct pm_container **all = NULL;
	size_t nall = 0;
	r = pm_container_list_pod_members(e->paths, &all, &nall, err);
	if (r < 0) {
		pm_pod_list_free(pods, npods);
		return r;
	}
	struct pm_pod_ps_row *rows = pm_xcalloc(npods ? npods : 1, sizeof(*rows));
	size_t n = 0;
	for (size_t i = 0; i < npods; i++) {
		struct pm_pod_ps_row *row = &rows[n];
		row->ctrs = pm_pod_containers_take(e, pods[i], all, nall, &row->n);
		row->status = pm_pod_status(row->ctrs, row->n);
		if (filters_match(filters, pods[i], row->ctrs, row->n, row->status)) {
			row->pod = pods[i];
			pods[i] = NULL;
			n++;
		} else {
			pm_container_list_free(row->ctrs, row->n);
			row->ctrs = NULL;
			row->n = 0;
		}
	}
	pm_container_list_free(all, nall);
	for (size_t i = 0; i < npods; i++)
		pm_pod_free(pods[i]);
	free(pods);
	*ret = rows;
	*ret_n = n;
	return 0;
}

void pm_pod_ps_rows_free(struct pm_pod_ps_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		pm_pod_free(rows[i].pod);
		pm_container_list_free(rows[i].ctrs, rows[i].n);
	}
	free(rows);
}

/* podman's ListPodsReport: Cgroup, Containers (Id, Names, Status, RestartCount), Created,
 * Id, InfraId, Name, Namespace, Networks, Status, Labels */
static void row_json(struct pm_jw *w, const struct pm_pod_ps_row *row)
{
	const struct pm_pod *pod = row->pod;
	pm_jw_begin_object(w);
	pm_jw_kstr(w, "Cgroup", "");
	pm_jw_key(w, "Containers");
	pm_jw_begin_array(w);
	for (size_t i = 0; i < row->n; i++) {
		const struct pm_container *c = row->ctrs[i];
		pm_jw_begin_object(w);
		pm_jw_kstr(w, "Id", c->id);
		pm_jw_kstr(w, "Names", c->name);
		pm_jw_kstr(w, "Status", pm_ctr_status_string(c->state.status));
		pm_jw_kint(w, "RestartCount", (int)c->state.restart_count);
		pm_jw_end_object(w);
	}
	pm_jw_end_array(w);
	char t[PM_TIME_BUF_LEN];
	pm_time_format_rfc3339nano_local(pod->created_ns, t);
	pm_jw_kstr(w, "Created", t);
	pm_jw_kstr(w, "Id", pod->id);
	pm_jw_kstr(w, "InfraId", pod->infra_id);
	pm_jw_kstr(w, "Name", pod->name);
	pm_jw_kstr(w, "Namespace", "");
	pm_jw_key(w, "Networks");
	pm_jw_strv(w, NULL);
	pm_jw_kstr(w, "Status", row->status);
	pm_jw_key(w, "Labels");
	pm_jw_kv_object(w, pod->cfg.labels, false);
	pm_jw_end_object(w);
}

char *pm_pod_ps_rows_json(const struct pm_pod_ps_row *const *rows, size_t n, unsigned indent)
{
	struct pm_jw w;
	pm_jw_init(&w, indent);
	pm_jw_begin_array(&w);
	for (size_t i = 0; i < n; i++)
		row_json(&w, rows[i]);
	pm_jw_end_array(&w);
	return pm_jw_take(&w);
}
