/* net.c: a container's networking on the engine's side (see net.h): generated /etc files
 * and the joined namespace for the runtime spec, published ports for the views (the flags
 * become a struct pm_net_config in engine/spec.c). Must not start or stop helpers
 * (engine/monitor.c does), must not print. Called by engine/run.c (start), the monitor,
 * cli/ (warnings, `pm port`) and the ps/inspect views. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "engine/cgroup-flags.h"
#include "engine/config-json.h"
#include "engine/ctr-networks.h"
#include "engine/ctr-paths.h"
#include "engine/ctr-state.h"
#include "engine/net.h"
#include "lib/cleanup.h"
#include "lib/fileutil.h"
#include "lib/json.h"
#include "lib/strutil.h"

static char *read_text(const char *path)
{
	char *data = NULL;
	if (pm_read_file(path, 1 << 20, &data, NULL, NULL) < 0)
		return NULL;
	return data;
}

static int join_container(const struct pm_engine *e, const struct pm_container *self,
			  const char *ref, struct pm_runtime_spec *spec, pm_error **err)
{
	_cleanup_container_ struct pm_container *o = NULL;
	int r = pm_container_lookup(e->paths, ref, &o, err);
	if (r < 0)
		return r;
	if (!strcmp(o->id, self->id))
		return pm_error_set(err, EINVAL,
				    "--network 'container:%s': a container cannot "
				    "join its own network namespace",
				    ref);
	pm_engine_refresh(e, o);
	if ((o->state.status != PM_CTR_RUNNING && o->state.status != PM_CTR_PAUSED) ||
	    o->state.pid <= 0)
		return pm_error_set(err, EINVAL,
				    "cannot join the network namespace of container '%s': it is "
				    "not running (state %s): container state improper",
				    ref, pm_ctr_status_string(o->state.status));
	spec->netns_path = pm_xasprintf("/proc/%d/ns/net", (int)o->state.pid);
	/* the joined container's files: its network is ours */
	_cleanup_free_ char *rundir = pm_ctr_run_dir(e, o->id);
	_cleanup_free_ char *hosts = pm_xasprintf("%s/userdata/hosts", rundir);
	_cleanup_free_ char *resolv = pm_xasprintf("%s/userdata/resolv.conf", rundir);
	spec->resolv_data = read_text(resolv);
	_cleanup_free_ char *text = spec->no_hosts ? NULL : read_text(hosts);
	if (!text)
		return 0;
	for (size_t i = 0; i < spec->nmounts; i++)
		if (!strcmp(spec->mounts[i].destination, "/etc/hosts"))
			return 0; /* the user's own wins */
	/* One hosts file for all who share the network (a pod's members see each other, as
	 * podman's): the joined container's, with a line for this one added in place (an
	 * O_APPEND write: the file is bind-mounted where it is seen already). */
	_cleanup_free_ char *line = pm_xasprintf("127.0.0.1\t%s\n", self->name);
	if (!strstr(text, line)) {
		_cleanup_close_ int fd = open(hosts, O_WRONLY | O_APPEND | O_CLOEXEC);
		if (fd < 0 || write(fd, line, strlen(line)) != (ssize_t)strlen(line))
			return pm_error_set_errno(err, errno, "adding '%s' to '%s'", self->name,
						  hosts);
	}
	spec->mounts = pm_xrealloc(spec->mounts, (spec->nmounts + 1) * sizeof(*spec->mounts));
	spec->mounts[spec->nmounts++] = (struct pm_runtime_mount){
		.type = PM_RUNTIME_MOUNT_BIND,
		.source = TAKE_PTR(hosts),
		.destination = pm_xstrdup("/etc/hosts"),
	};
	return 0;
}

/* the running container a "container:REF" mode names, and the path of its ns */
static int ns_of_container(const struct pm_engine *e, const struct pm_container *self,
			   const char *flag, const char *ref, const char *ns, char **ret,
			   pm_error **err)
{
	_cleanup_container_ struct pm_container *o = NULL;
	int r = pm_container_lookup(e->paths, ref, &o, err);
	if (r < 0)
		return r;
	if (!strcmp(o->id, self->id))
		return pm_error_set(err, EINVAL,
				    "%s 'container:%s': a container cannot join its own namespace",
				    flag, ref);
	pm_engine_refresh(e, o);
	if ((o->state.status != PM_CTR_RUNNING && o->state.status != PM_CTR_PAUSED) ||
	    o->state.pid <= 0)
		return pm_error_set(err, EINVAL,
				    "cannot join the %s namespace of container '%s': it is "
				    "not running (state %s): container state improper",
				    ns, ref, pm_ctr_status_string(o->state.status));
	*ret = pm_xasprintf("/proc/%d/ns/%s", (int)o->state.pid, ns);
	return 0;
}

int pm_engine_userns_owner(const struct pm_engine *e, const struct pm_container_config *cfg,
			   struct pm_container_config *ret_owner, struct pm_container_config *eff,
			   pm_error **err)
{
	struct pm_spec_userns un;
	int r = pm_spec_parse_userns(cfg->userns, &un, err);
	if (r < 0 || un.mode != PM_USERNS_CONTAINER)
		return r < 0 ? r : 0;
	_cleanup_container_ struct pm_container *o = NULL;
	if ((r = pm_container_lookup(e->paths, un.ref, &o, err)) < 0)
		return pm_error_prefix(err, "--userns '%s'", cfg->userns);
	struct pm_container_config oc = {0};
	if ((r = pm_config_from_json(o->config_json, &oc, err)) < 0)
		return r;
	struct pm_spec_userns ou;
	if (pm_spec_parse_userns(oc.userns, &ou, NULL) == 0 && ou.mode == PM_USERNS_CONTAINER) {
		pm_spec_config_clear(&oc); /* a chain: not followed */
		return pm_error_set(err, EINVAL,
				    "--userns '%s': that container joins another's user namespace",
				    cfg->userns);
	}
	*ret_owner = oc;
	eff->userns = ou.mode == PM_USERNS_KEEP_ID && !cfg->pod ? NULL : ret_owner->userns;
	eff->uidmap = ret_owner->uidmap;
	eff->gidmap = ret_owner->gidmap;
	return 1;
}

static int userns_prepare(const struct pm_engine *e, const struct pm_container *c,
			  const struct pm_container_config *cfg, struct pm_runtime_spec *spec,
			  pm_error **err)
{
	struct pm_spec_userns un;
	int r = pm_spec_parse_userns(cfg->userns, &un, err);
	if (r < 0 || (un.mode != PM_USERNS_CONTAINER && un.mode != PM_USERNS_NS))
		return r < 0 ? r : 0;
	free(spec->userns_path);
	spec->userns_path = NULL;
	if (un.mode == PM_USERNS_NS)
		spec->userns_path = pm_xstrdup(un.ref);
	else if ((r = ns_of_container(e, c, "--userns", un.ref, "user", &spec->userns_path, err)) <
		 0)
		return r;
	spec->late_userns = true; /* the mounts as pm's root, then into it */
	return 0;
}

int pm_engine_ns_prepare(const struct pm_engine *e, const struct pm_container *c,
			 const struct pm_container_config *cfg, struct pm_runtime_spec *spec,
			 pm_error **err)
{
	int ur = userns_prepare(e, c, cfg, spec, err);
	if (ur < 0)
		return ur;
	const struct {
		const char *flag, *mode, *ns;
		char **path;
	} joins[] = {
		{"--pid", cfg->pid, "pid", &spec->pidns_path},
		{"--ipc", cfg->ipc, "ipc", &spec->ipcns_path},
		{"--uts", cfg->uts, "uts", &spec->utsns_path},
		{"--cgroupns", pm_config_cgroupns_mode(cfg), "cgroup", &spec->cgroupns_path},
	};
	for (size_t i = 0; i < ARRAY_SIZE(joins); i++) {
		if (!joins[i].mode || strncmp(joins[i].mode, "container:", 10) != 0)
			continue;
		free(*joins[i].path);
		*joins[i].path = NULL;
		int r = ns_of_container(e, c, joins[i].flag, joins[i].mode + 10, joins[i].ns,
					joins[i].path, err);
		if (r < 0)
			return r;
	}
	/* --cgroupns host, ns:PATH (container: above; private: a new one) */
	const char *cg = pm_config_cgroupns_mode(cfg);
	spec->host_cgroupns = !strcmp(cg, "host");
	if (pm_str_startswith(cg, "ns:")) {
		free(spec->cgroupns_path);
		spec->cgroupns_path = pm_xstrdup(cg + 3);
	}
	return 0;
}

/* The gateways of its networks whose names aardvark-dns serves: its first nameservers (not
 * with --dns: those alone, as podman) and "dns.podman" searched (net.h says how). */
static void resolv_add_gateways(const struct pm_net_config *net, const char *host_resolv,
				struct pm_runtime_spec *spec)
{
	if (net->dns_servers)
		return;
	_cleanup_strv_ char **gws = NULL;
	for (size_t i = 0; i <= net->nbridge_extra; i++) {
		const struct pm_net_config *x = i ? &net->bridge_extra[i - 1] : net;
		const char *g[] = {x->bridge_gw, x->bridge_gw6};
		for (size_t k = 0; x->bridge_dns && k < 2; k++)
			if (g[k] && !pm_strv_contains(gws, g[k]))
				pm_strv_push(&gws, g[k]);
	}
	if (!gws)
		return;
	char *text = NULL;
	pm_net_resolv_add_network(spec->resolv_data, gws, net->dns_search != NULL, host_resolv,
				  &text);
	free(spec->resolv_data);
	spec->resolv_data = text;
}

int pm_engine_net_prepare(const struct pm_engine *e, const struct pm_container *c,
			  const struct pm_container_config *cfg, struct pm_net_config *net,
			  struct pm_runtime_spec *spec, pm_error **err)
{
	spec->no_hosts = net->no_hosts;
	if (net->mode == PM_NET_CONTAINER)
		return join_container(e, c, net->container, spec, err);

	/* --network none: an empty resolv.conf, the host's is not read (issue #20) */
	_cleanup_free_ char *host_resolv = NULL;
	int r = net->mode == PM_NET_NONE ? 0 : pm_net_read_host_resolv(&host_resolv, err);
	if (r < 0)
		return r;
	free(spec->resolv_data);
	spec->resolv_data = NULL;
	r = pm_net_resolv_conf(net, host_resolv, &spec->resolv_data, err);
	if (r < 0)
		return r;
	/* a user-defined network: its address now, and its peers' names for /etc/hosts */
	_cleanup_free_ char *peers = NULL;
	if (net->mode == PM_NET_BRIDGE) {
		/* --ip / --mac-address: for the network, unless NAME:ip=,mac= said it */
		if (!net->bridge_ip_req && cfg->ip && *cfg->ip)
			net->bridge_ip_req = pm_xstrdup(cfg->ip);
		if (!net->bridge_ip6_req && cfg->ip6 && *cfg->ip6)
			net->bridge_ip6_req = pm_xstrdup(cfg->ip6);
		if (!net->bridge_mac_req && cfg->mac_address && *cfg->mac_address)
			net->bridge_mac_req = pm_xstrdup(cfg->mac_address);
		for (char **a = cfg->network_aliases; a && *a; a++)
			pm_strv_push(&net->bridge_aliases, *a);
		if ((r = pm_engine_network_assign(e, c->id, c->name, net, &peers, err)) < 0)
			return r;
		/* its other networks: eth1... (their records released with the first's) */
		for (size_t i = 0; i < net->nbridge_extra; i++) {
			struct pm_net_config *x = &net->bridge_extra[i];
			_cleanup_free_ char *more = NULL;
			if ((r = pm_engine_network_assign(e, c->id, c->name, x, &more, err)) < 0)
				return r;
			free(x->bridge_veth);
			x->bridge_veth = pm_xasprintf("veth%.8s%zu", c->id, i + 1);
			char *all = pm_xasprintf("%s%s", peers ? peers : "", more ? more : "");
			free(peers);
			peers = all;
		}
		resolv_add_gateways(net, host_resolv, spec);
	}
	if (!net->no_hosts) {
		_cleanup_free_ char *base = read_text("/etc/hosts");
		char host_ip[64] = "";
		pm_net_host_ip(host_ip, sizeof(host_ip));
		free(spec->hosts_data);
		spec->hosts_data = NULL;
		r = pm_net_hosts_file(net, spec->hostname, c->name, base, host_ip,
				      &spec->hosts_data, err);
		if (r < 0)
			return r;
		if (peers && peers[0]) {
			char *x = pm_xasprintf("%s%s", spec->hosts_data, peers);
			free(spec->hosts_data);
			spec->hosts_data = x;
		}
	}
	return pm_engine_net_dir(e, c, net, err);
}

int pm_engine_net_dir(const struct pm_engine *e, const struct pm_container *c,
		      struct pm_net_config *net, pm_error **err)
{
	if (net->mode == PM_NET_BRIDGE) {
		/* its published ports go through the port relay (netslirp/slirp.c) */
		free(net->relay_program);
		net->relay_program = net->nports ? pm_monitor_program(NULL) : NULL;
		return 0;
	}
	if ((net->mode != PM_NET_SLIRP4NETNS && net->mode != PM_NET_PASTA) || net->run_dir)
		return 0;
	bool is_short;
	_cleanup_free_ char *dir = pm_ctr_net_dir(e, c->id, &is_short);
	int r = pm_mkdir_p(dir, 0700, err);
	if (r < 0)
		return r;
	net->run_dir = TAKE_PTR(dir);
	/* the loopback port relay is a mode of pm-monitor; without it every port goes
	 * through slirp4netns' add_hostfwd (looked up only when there are ports) */
	free(net->relay_program);
	net->relay_program = net->nports ? pm_monitor_program(NULL) : NULL;
	return 0;
}

/* ---- the helper launched before the create (pm_engine_net_launch_first) ---------------- */

/* the user namespace is pm's own (net_launch_early's rule in engine/run.c) */
static bool own_userns(const struct pm_container_config *cfg)
{
	return !((cfg->userns && cfg->userns[0] && strcmp(cfg->userns, "host") != 0) ||
		 cfg->uidmap || cfg->gidmap);
}

static bool str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* what the helper was started with: the same in both */
static bool same_helper(const struct pm_net_config *a, const struct pm_net_config *b)
{
	return a->mode == b->mode && a->allow_host_loopback == b->allow_host_loopback &&
	       a->enable_ipv6 == b->enable_ipv6 && a->mtu == b->mtu &&
	       a->port_handler == b->port_handler && str_eq(a->cidr, b->cidr) &&
	       str_eq(a->outbound_addr, b->outbound_addr) &&
	       str_eq(a->outbound_addr6, b->outbound_addr6) && !a->nports && !b->nports;
}

struct pm_engine_early_net *pm_engine_net_launch_first(const struct pm_engine *e,
						       const struct pm_container_config *cfg)
{
	(void)e;
	if (cfg->pod || cfg->publish_all || !own_userns(cfg))
		return NULL;
	struct pm_engine_early_net *f = pm_xcalloc(1, sizeof(*f));
	f->netns_fd = -1;
	int r = pm_engine_net_config(cfg, NULL, &f->net, NULL);
	if (r >= 0 && (f->net.mode != PM_NET_SLIRP4NETNS || f->net.nports))
		r = -1;
	if (r >= 0)
		r = pm_net_netns_new(&f->netns_fd, NULL);
	if (r >= 0)
		r = pm_net_launch(&f->net, f->netns_fd, &f->launched, NULL);
	if (r < 0) {
		pm_engine_net_first_free(f);
		return NULL;
	}
	return f;
}

bool pm_engine_net_take_first(const struct pm_engine *e, const struct pm_net_config *net,
			      struct pm_net **ret_launched, int *ret_netns_fd)
{
	struct pm_engine_early_net *f = e->early_net;
	if (!f || !f->launched || !same_helper(&f->net, net))
		return false;
	*ret_launched = TAKE_PTR(f->launched);
	*ret_netns_fd = TAKE_FD(f->netns_fd);
	return true;
}

void pm_engine_net_first_free(struct pm_engine_early_net *f)
{
	if (!f)
		return;
	pm_net_stop(TAKE_PTR(f->launched));
	if (f->netns_fd >= 0)
		close(f->netns_fd);
	pm_net_config_clear(&f->net);
	free(f);
}

/* ---- published ports ------------------------------------------------------------------- */

char **pm_engine_ports_strv(const struct pm_net_port *ports, size_t n)
{
	char **v = NULL;
	for (size_t i = 0; i < n; i++)
		pm_strv_consume(&v, pm_net_port_format(&ports[i]));
	return v;
}

int pm_engine_ports(const struct pm_container *c, struct pm_net_port **ret, size_t *ret_n)
{
	*ret = NULL;
	*ret_n = 0;
	if (c->state.ports && c->state.ports[0]) {
		for (char **p = c->state.ports; *p; p++)
			pm_net_parse_publish(*p, ret, ret_n, NULL);
		return 0;
	}
	struct pm_container_config cfg = {0};
	if (c->config_json && pm_config_from_json(c->config_json, &cfg, NULL) == 0) {
		struct pm_net_config net;
		if (pm_engine_net_config(&cfg, NULL, &net, NULL) >= 0) {
			if (net.mode == PM_NET_SLIRP4NETNS || net.mode == PM_NET_PASTA) {
				*ret = TAKE_PTR(net.ports);
				*ret_n = net.nports;
				net.nports = 0;
			}
			pm_net_config_clear(&net);
		}
	}
	pm_spec_config_clear(&cfg);
	return 0;
}

char *pm_engine_ports_ps(const struct pm_container *c)
{
	_cleanup_free_ struct pm_net_port *p = NULL;
	size_t n;
	pm_engine_ports(c, &p, &n);
	return pm_net_ports_ps(p, n);
}

char *pm_engine_ports_json(const struct pm_container *c)
{
	_cleanup_free_ struct pm_net_port *p = NULL;
	size_t n;
	pm_engine_ports(c, &p, &n);
	return pm_net_ports_json(p, n);
}

int pm_engine_port_lines(const struct pm_container *c, const char *filter, char **ret,
			 pm_error **err)
{
	_cleanup_free_ struct pm_net_port *p = NULL;
	size_t n;
	pm_engine_ports(c, &p, &n);
	return pm_net_port_lines(p, n, filter, ret, err);
}

char *pm_engine_ports_ps_from_json(const char *json_text)
{
	_cleanup_json_ json_t *arr = json_text ? json_loads(json_text, 0, NULL) : NULL;
	_cleanup_free_ struct pm_net_port *p = NULL;
	size_t n = json_is_array(arr) ? json_array_size(arr) : 0;
	if (n)
		p = pm_xcalloc(n, sizeof(*p));
	for (size_t i = 0; i < n; i++) {
		const json_t *o = json_array_get(arr, i);
		const char *ip = pm_json_string(o, "host_ip");
		const char *proto = pm_json_string(o, "protocol");
		snprintf(p[i].host_ip, sizeof(p[i].host_ip), "%s", ip ? ip : "");
		p[i].ctr_port = (uint16_t)pm_json_int(o, "container_port", 0);
		p[i].host_port = (uint16_t)pm_json_int(o, "host_port", 0);
		p[i].range = (uint16_t)pm_json_int(o, "range", 1);
		p[i].proto = proto && !strcmp(proto, "udp")    ? PM_NET_UDP
			     : proto && !strcmp(proto, "sctp") ? PM_NET_SCTP
							       : PM_NET_TCP;
	}
	return pm_net_ports_ps(p, n);
}

char **pm_engine_ctr_dependents(const struct pm_engine *e, const struct pm_container *c)
{
	/* only a record whose spec says "container:" can join another's namespaces, and only one
	 * naming C's id can --require it: the others are not parsed, nor their state read (rm
	 * runs this for every container it removes) */
	_cleanup_strv_ char **cands =
		pm_container_ids_config_has(e->paths, c->id, "container:", c->id);
	char **ids = NULL;
	_cleanup_free_ int64_t *created = NULL;
	size_t n = 0;
	for (char **id = cands; id && *id; id++) {
		_cleanup_container_ struct pm_container *dc = NULL;
		if (pm_container_lookup(e->paths, *id, &dc, NULL) < 0 || dc->broken ||
		    !dc->config_json)
			continue;
		struct pm_container_config cfg = {0};
		if (pm_config_from_json(dc->config_json, &cfg, NULL) < 0)
			continue;
		const char *modes[] = {cfg.network, cfg.pid, cfg.ipc, cfg.uts};
		bool joins = false;
		for (size_t k = 0; k < ARRAY_SIZE(modes) && !joins; k++) {
			if (!modes[k] || !pm_str_startswith(modes[k], "container:"))
				continue;
			const char *ref = modes[k] + 10;
			_cleanup_container_ struct pm_container *o = NULL;
			joins = !strcmp(ref, c->id) || !strcmp(ref, c->name) ||
				(pm_container_lookup(e->paths, ref, &o, NULL) == 0 &&
				 !strcmp(o->id, c->id));
		}
		/* --requires: kept as ids */
		joins = joins || pm_strv_contains(cfg.requires, c->id);
		pm_spec_config_clear(&cfg);
		if (!joins)
			continue;
		/* newest first, as the containers are listed */
		created = pm_xrealloc(created, (n + 1) * sizeof(*created));
		pm_strv_push(&ids, dc->id);
		char *added = ids[n];
		size_t at = n++;
		for (; at > 0 && created[at - 1] < dc->created_ns; at--) {
			created[at] = created[at - 1];
			ids[at] = ids[at - 1];
		}
		created[at] = dc->created_ns;
		ids[at] = added;
	}
	return ids;
}
