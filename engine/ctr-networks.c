/* ctr-networks.c: containers on user-defined networks, found from their recorded --network
 * value (see ctr-networks.h). Reads records only; never prints. Called by cli/cmd-network.c. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <unistd.h>

#include "engine/config-json.h"
#include "engine/ctr-networks.h"
#include "engine/container.h"
#include "engine/ctr-paths.h"
#include "engine/spec.h"
#include "lib/cleanup.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "netslirp/net.h"
#include "storage/network.h"

char *pm_engine_network_of(const char *v)
{
	if (!v || !v[0])
		return NULL;
	size_t n = strcspn(v, ":");
	static const char *const builtin[] = {"slirp4netns", "pasta",	  "host", "none",
					      "private",     "container", "ns",	  "bridge",
					      "default",     NULL};
	for (size_t i = 0; builtin[i]; i++)
		if (strlen(builtin[i]) == n && strncmp(v, builtin[i], n) == 0)
			return NULL;
	return pm_xstrndup(v, n);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **pm_engine_network_users(const struct pm_engine *e, const char *name)
{
	struct pm_container **list = NULL;
	size_t n = 0;
	if (pm_container_list(e->paths, &list, &n, NULL) < 0)
		return NULL;
	char **ids = NULL;
	for (size_t i = 0; i < n; i++) {
		struct pm_container_config cfg = {0};
		if (!list[i]->config_json ||
		    pm_config_from_json(list[i]->config_json, &cfg, NULL) < 0)
			continue;
		_cleanup_free_ char *net = pm_engine_network_of(cfg.network);
		bool on = net && strcmp(net, name) == 0;
		for (char **x = cfg.extra_networks; !on && x && *x; x++) {
			_cleanup_free_ char *xn = pm_engine_network_of(*x);
			on = xn && strcmp(xn, name) == 0;
		}
		if (on)
			pm_strv_push(&ids, list[i]->id);
		pm_spec_config_clear(&cfg);
	}
	pm_container_list_free(list, n);
	/* and the running ones connected to it (network connect) */
	_cleanup_free_ char *dir = pm_xasprintf("%s/networks/%s", e->paths->runroot, name);
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.' && !pm_strv_contains(ids, de->d_name))
			pm_strv_push(&ids, de->d_name);
	if (ids)
		qsort(ids, pm_strv_length(ids), sizeof(char *), cmp_str);
	return ids;
}

static int check_one(const struct pm_engine *e, const char *value, const char *ip, const char *ip6,
		     pm_error **err);

int pm_engine_network_check(const struct pm_engine *e, const struct pm_container_config *cfg,
			    pm_error **err)
{
	int r = check_one(e, cfg->network, cfg->ip, cfg->ip6, err);
	for (char **x = cfg->extra_networks; r >= 0 && x && *x; x++)
		r = check_one(e, *x, NULL, NULL, err);
	return r;
}

/* One --network value: the network exists, static addresses lie in its subnets. */
static int check_one(const struct pm_engine *e, const char *value, const char *ip, const char *ip6,
		     pm_error **err)
{
	_cleanup_free_ char *name = pm_engine_network_of(value);
	if (!name)
		return 0;
	_cleanup_network_ struct pm_network *n = NULL;
	int r = pm_network_load(e->paths->root, name, &n, err);
	if (r < 0)
		return r;
	/* a static address must lie in the subnet (whether it is free shows at the start) */
	struct pm_net_config nc;
	pm_net_config_init(&nc);
	r = pm_net_parse_mode(&nc, value, err);
	_cleanup_free_ char *want = r < 0	       ? NULL
				    : nc.bridge_ip_req ? pm_xstrdup(nc.bridge_ip_req)
				    : ip && *ip	       ? pm_xstrdup(ip)
						       : NULL;
	_cleanup_free_ char *want6 = r < 0		 ? NULL
				     : nc.bridge_ip6_req ? pm_xstrdup(nc.bridge_ip6_req)
				     : ip6 && *ip6	 ? pm_xstrdup(ip6)
							 : NULL;
	pm_net_config_clear(&nc);
	if (r < 0)
		return r;
	_cleanup_free_ char *got = NULL, *got6 = NULL;
	if (want && (r = pm_network_pick_ip(n, want, NULL, &got, NULL, NULL, err)) < 0)
		return r;
	if (want6 &&
	    (r = pm_network_pick_addr(n, AF_INET6, want6, NULL, &got6, NULL, NULL, err)) < 0)
		return r;
	return 0;
}

/* ---- addresses of running containers ---------------------------------------------------- */

static char *nets_state_dir(const struct pm_engine *e)
{
	return pm_path_join(e->paths->runroot, "networks");
}

/* "IP PREFIX GATEWAY MAC NAME IFNAME ALIASES IP6 PREFIX6 GATEWAY6" of one record (ALIASES:
 * comma-separated or "-"; IP and GATEWAY "-" on a network without IPv4, IP6 and GATEWAY6 "-"
 * or missing on one without IPv6). */
struct rec {
	char ip[64], gw[64], mac[32], name[256], ifname[32], aliases[2048], ip6[64], gw6[64];
	unsigned prefix, prefix6;
};

static bool rec_set(const char *field)
{
	return field[0] && strcmp(field, "-") != 0;
}

/* The address its peers' /etc/hosts name it by: the IPv4 one, else the IPv6 one. */
static const char *rec_host_ip(const struct rec *r)
{
	return rec_set(r->ip) ? r->ip : r->ip6;
}

/* The names of a record for an /etc/hosts line: "NAME ALIAS..." */
static char *rec_names(const struct rec *r)
{
	if (!r->aliases[0] || strcmp(r->aliases, "-") == 0)
		return pm_xstrdup(r->name);
	char *s = pm_xasprintf("%s %s", r->name, r->aliases);
	for (char *p = s; *p; p++)
		if (*p == ',')
			*p = ' ';
	return s;
}

static int rec_read(const char *path, struct rec *r)
{
	_cleanup_free_ char *text = NULL;
	if (pm_read_file(path, 4096, &text, NULL, NULL) < 0)
		return -ENOENT;
	memset(r, 0, sizeof(*r));
	if (sscanf(text, "%63s %u %63s %31s %255s %31s %2047s %63s %u %63s", r->ip, &r->prefix,
		   r->gw, r->mac, r->name, r->ifname, r->aliases, r->ip6, &r->prefix6, r->gw6) < 4)
		return -EINVAL;
	return 0;
}

/* The aardvark-dns file of network name (<base>/.aardvark-dns/NAME) rewritten from its
 * records in <base>/NAME: the gateways, then "ID IPV4 IPV6 NAME,ALIAS...,SHORTID" a
 * container, as netavark writes it; removed when no record is left. Only a network that has
 * one (create: make it) - a network with DNS off has none. Under the networks' lock. */
static int dns_refresh(const char *base, const char *name, bool create, pm_error **err)
{
	_cleanup_free_ char *dnsdir = pm_net_dns_dir(base);
	_cleanup_free_ char *file = pm_path_join(dnsdir, name);
	if (!create && !pm_path_exists(file))
		return 0;
	_cleanup_free_ char *dir = pm_path_join(base, name);
	_cleanup_free_ char *gws = NULL, *lines = pm_xstrdup("");
	_cleanup_strv_ char **ids = NULL;
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.')
			pm_strv_push(&ids, de->d_name);
	if (ids)
		qsort(ids, pm_strv_length(ids), sizeof(char *), cmp_str);
	for (size_t i = 0; ids && ids[i]; i++) {
		_cleanup_free_ char *path = pm_path_join(dir, ids[i]);
		struct rec rc;
		if (rec_read(path, &rc) < 0)
			continue;
		if (!gws)
			gws = rec_set(rc.gw) && rec_set(rc.gw6)
				      ? pm_xasprintf("%s,%s", rc.gw, rc.gw6)
				      : pm_xstrdup(rec_set(rc.gw) ? rc.gw : rc.gw6);
		_cleanup_free_ char *names = rec_names(&rc);
		for (char *p = names; *p; p++)
			if (*p == ' ')
				*p = ',';
		char *x = pm_xasprintf("%s%s %s %s %s,%.12s\n", lines, ids[i],
				       rec_set(rc.ip) ? rc.ip : "", rec_set(rc.ip6) ? rc.ip6 : "",
				       names, ids[i]);
		free(lines);
		lines = x;
	}
	if (!gws) {
		unlink(file);
		return 0;
	}
	int r = pm_mkdir_p(dnsdir, 0700, err);
	if (r < 0)
		return r;
	/* written beside, then renamed in: aardvark-dns reads every file of its directory */
	_cleanup_free_ char *tmp = pm_xasprintf("%s/.aardvark-%s.tmp", base, name);
	_cleanup_free_ char *text = pm_xasprintf("%s\n%s", gws, lines);
	if ((r = pm_write_file_atomic(tmp, text, strlen(text), 0600, err)) < 0)
		return r;
	if (rename(tmp, file) < 0) {
		r = pm_error_set_errno(err, errno, "renaming '%s' to '%s'", tmp, file);
		unlink(tmp);
		return r;
	}
	return 0;
}

int pm_engine_network_assign(const struct pm_engine *e, const char *ctr_id, const char *ctr_name,
			     struct pm_net_config *net, char **ret_peers, pm_error **err)
{
	*ret_peers = NULL;
	_cleanup_network_ struct pm_network *n = NULL;
	int r = pm_network_load(e->paths->root, net->bridge_net, &n, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *base = nets_state_dir(e);
	_cleanup_free_ char *dir = pm_path_join(base, n->name);
	if ((r = pm_mkdir_p(base, 0700, err)) < 0)
		return r;
	_cleanup_free_ char *lock = pm_path_join(base, "lock");
	_cleanup_close_ int lfd = pm_lock_path(lock, LOCK_EX, err);
	if (lfd < 0)
		return lfd;
	/* under the lock: the release of the last container on it removes the dir */
	if ((r = pm_mkdir_p(dir, 0700, err)) < 0)
		return r;
	_cleanup_free_ char *mine = pm_path_join(dir, ctr_id);
	unlink(mine); /* a stale one of an earlier run */
	_cleanup_strv_ char **used = NULL, **used6 = NULL, **peer_ids = NULL;
	_cleanup_free_ char *peers = pm_xstrdup("");
	/* a requested IPv6 address compares in its canonical text, as the records keep it */
	_cleanup_free_ char *want6 = NULL;
	if (net->bridge_ip6_req) {
		struct in6_addr a6;
		char buf[INET6_ADDRSTRLEN];
		want6 = inet_pton(AF_INET6, net->bridge_ip6_req, &a6) == 1 &&
					inet_ntop(AF_INET6, &a6, buf, sizeof(buf))
				? pm_xstrdup(buf)
				: pm_xstrdup(net->bridge_ip6_req);
	}
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		_cleanup_free_ char *path = pm_path_join(dir, de->d_name);
		struct rec rc;
		if (rec_read(path, &rc) < 0)
			continue;
		if (net->bridge_ip_req && strcmp(rc.ip, net->bridge_ip_req) == 0)
			return pm_error_set(
				err, EADDRINUSE,
				"IPAM error: requested ip address %s is already allocated "
				"to container ID %s",
				rc.ip, de->d_name);
		if (want6 && strcmp(rc.ip6, want6) == 0)
			return pm_error_set(
				err, EADDRINUSE,
				"IPAM error: requested ip address %s is already allocated "
				"to container ID %s",
				rc.ip6, de->d_name);
		if (rec_set(rc.ip))
			pm_strv_push(&used, rc.ip);
		if (rec_set(rc.ip6))
			pm_strv_push(&used6, rc.ip6);
		pm_strv_push(&peer_ids, de->d_name);
		_cleanup_free_ char *names = rec_names(&rc);
		char *x = pm_xasprintf("%s%s\t%s\n", peers, rec_host_ip(&rc), names);
		free(peers);
		peers = x;
	}
	/* an IPv4 address when the network has an IPv4 subnet (or one was asked for: the
	 * pick says it lies in none), the same for IPv6 */
	_cleanup_free_ char *ip = NULL, *gw = NULL, *ip6 = NULL, *gw6 = NULL;
	unsigned prefix = 0, prefix6 = 0;
	if ((net->bridge_ip_req || pm_network_has_family(n, AF_INET)) &&
	    (r = pm_network_pick_ip(n, net->bridge_ip_req, used, &ip, &prefix, &gw, err)) < 0)
		return r;
	if ((want6 || pm_network_has_family(n, AF_INET6)) &&
	    (r = pm_network_pick_addr(n, AF_INET6, want6, used6, &ip6, &prefix6, &gw6, err)) < 0)
		return r;
	if (!ip && !ip6)
		return pm_error_set(err, EINVAL, "network %s has no subnet", n->name);
	char mac[32];
	if (net->bridge_mac_req) {
		snprintf(mac, sizeof(mac), "%s", net->bridge_mac_req);
	} else {
		uint8_t b[6] = {0};
		if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
			return pm_error_set_errno(err, errno, "getrandom");
		b[0] = (uint8_t)((b[0] & 0xfe) | 0x02);
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3],
			 b[4], b[5]);
	}
	_cleanup_free_ char *aliases = net->bridge_aliases && net->bridge_aliases[0]
					       ? pm_strv_join(net->bridge_aliases, ",")
					       : pm_xstrdup("-");
	_cleanup_free_ char *text = pm_xasprintf(
		"%s %u %s %s %s %s %s %s %u %s\n", ip ? ip : "-", prefix, gw ? gw : "-", mac,
		ctr_name, net->bridge_ifname ? net->bridge_ifname : "eth0", aliases,
		ip6 ? ip6 : "-", prefix6, gw6 ? gw6 : "-");
	if ((r = pm_write_file_atomic(mine, text, strlen(text), 0600, err)) < 0)
		return r;
	/* DNS on and aardvark-dns there: names come from it (podman's /etc/hosts has no line
	 * for a peer either); else from /etc/hosts lines */
	_cleanup_free_ char *dnsbin = n->dns ? pm_net_dns_binary() : NULL;
	net->bridge_dns = dnsbin != NULL;
	if (net->bridge_dns) {
		if ((r = dns_refresh(base, n->name, true, err)) < 0) {
			unlink(mine);
			return r;
		}
		free(peers);
		peers = pm_xstrdup("");
		peer_ids = pm_strv_free(peer_ids);
	}
	/* its peers learn its name (their /etc/hosts is bind-mounted: appended in place) */
	_cleanup_free_ char *names = NULL;
	{
		struct rec self = {0};
		snprintf(self.name, sizeof(self.name), "%s", ctr_name);
		snprintf(self.aliases, sizeof(self.aliases), "%s", aliases);
		names = rec_names(&self);
	}
	_cleanup_free_ char *line = pm_xasprintf("%s\t%s\n", ip ? ip : ip6, names);
	for (size_t i = 0; peer_ids && peer_ids[i]; i++) {
		_cleanup_free_ char *rundir = pm_ctr_run_dir(e, peer_ids[i]);
		_cleanup_free_ char *hosts = pm_xasprintf("%s/userdata/hosts", rundir);
		_cleanup_close_ int fd = open(hosts, O_WRONLY | O_APPEND | O_CLOEXEC);
		if (fd >= 0 && write(fd, line, strlen(line)) < 0)
			continue;
	}
	free(net->bridge_ip);
	net->bridge_ip = TAKE_PTR(ip);
	free(net->bridge_gw);
	net->bridge_gw = TAKE_PTR(gw);
	free(net->bridge_mac);
	net->bridge_mac = pm_xstrdup(mac);
	net->bridge_prefix = prefix;
	free(net->bridge_ip6);
	net->bridge_ip6 = TAKE_PTR(ip6);
	free(net->bridge_gw6);
	net->bridge_gw6 = TAKE_PTR(gw6);
	net->bridge_prefix6 = prefix6;
	free(net->bridge_subnet);
	net->bridge_subnet = NULL;
	free(net->bridge_subnet6);
	net->bridge_subnet6 = NULL;
	for (size_t i = 0; i < n->nsubnets; i++) {
		char **sub = strchr(n->subnets[i].subnet, ':') ? &net->bridge_subnet6
							       : &net->bridge_subnet;
		if (!*sub)
			*sub = pm_xstrdup(n->subnets[i].subnet);
	}
	free(net->bridge_iface);
	net->bridge_iface = pm_xstrdup(n->interface);
	free(net->bridge_veth);
	net->bridge_veth = pm_xasprintf("veth%.8s", ctr_id);
	net->bridge_internal = n->internal;
	free(net->bridge_netns);
	net->bridge_netns = pm_path_join(base, "rootless-netns");
	free(net->bridge_state_dir);
	net->bridge_state_dir = pm_xstrdup(base);
	*ret_peers = TAKE_PTR(peers);
	return 0;
}

/* The line of ctr_id's record in dir (a network's) out of its peers' /etc/hosts (rewritten
 * in place: they are bind-mounted), as aardvark-dns forgets a name. */
static void forget(const struct pm_engine *e, const char *dir, const char *ctr_id)
{
	_cleanup_free_ char *mine = pm_path_join(dir, ctr_id);
	struct rec self;
	if (rec_read(mine, &self) < 0)
		return;
	_cleanup_free_ char *names = rec_names(&self);
	_cleanup_free_ char *line = pm_xasprintf("%s\t%s\n", rec_host_ip(&self), names);
	size_t ll = strlen(line);
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, ctr_id) == 0)
			continue;
		_cleanup_free_ char *rundir = pm_ctr_run_dir(e, de->d_name);
		_cleanup_free_ char *hosts = pm_xasprintf("%s/userdata/hosts", rundir);
		_cleanup_free_ char *text = NULL;
		if (pm_read_file(hosts, 1 << 20, &text, NULL, NULL) < 0)
			continue;
		bool changed = false;
		for (char *p = text; (p = strstr(p, line));) {
			if (p != text && p[-1] != '\n') {
				p++;
				continue;
			}
			memmove(p, p + ll, strlen(p + ll) + 1);
			changed = true;
		}
		if (!changed)
			continue;
		_cleanup_close_ int fd = open(hosts, O_WRONLY | O_TRUNC | O_CLOEXEC);
		if (fd >= 0 && write(fd, text, strlen(text)) < 0)
			continue;
	}
}

void pm_engine_network_release(const struct pm_engine *e, const char *ctr_id)
{
	_cleanup_free_ char *base = nets_state_dir(e);
	if (!pm_path_exists(base))
		return;
	_cleanup_free_ char *lock = pm_path_join(base, "lock");
	_cleanup_close_ int lfd = pm_lock_path(lock, LOCK_EX, NULL);
	bool any = false;
	_cleanup_closedir_ DIR *d = opendir(base);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		_cleanup_free_ char *dir = pm_path_join(base, de->d_name);
		if (ctr_id) {
			_cleanup_free_ char *mine = pm_path_join(dir, ctr_id);
			forget(e, dir, ctr_id);
			if (unlink(mine) == 0)
				dns_refresh(base, de->d_name, false, NULL);
		}
		bool used = false;
		_cleanup_closedir_ DIR *nd = opendir(dir);
		struct dirent *ne;
		while (nd && (ne = readdir(nd)))
			if (ne->d_name[0] != '.')
				used = true;
		if (used)
			any = true;
		else
			rmdir(dir);
	}
	if (any) {
		/* aardvark-dns forgets it (a network file gone: stops listening there) */
		if (ctr_id)
			pm_net_dns_update(-1, base, NULL);
		return;
	}
	/* the last one: the shared namespace goes (its lock taken as the attach takes it) */
	_cleanup_free_ char *nslock = pm_path_join(base, "netns.lock");
	_cleanup_close_ int nfd = pm_lock_path(nslock, LOCK_EX, NULL);
	_cleanup_free_ char *ns = pm_path_join(base, "rootless-netns");
	pm_net_bridge_teardown(ns, base);
}

int pm_engine_rootless_netns(const struct pm_engine *e, int *ret_fd, bool *ret_made, pm_error **err)
{
	_cleanup_free_ char *base = nets_state_dir(e);
	_cleanup_free_ char *ns = pm_path_join(base, "rootless-netns");
	return pm_net_bridge_netns_open(ns, base, ret_fd, ret_made, err);
}

int pm_engine_network_addr(const struct pm_engine *e, const char *name, const char *ctr_id,
			   struct pm_engine_net_addr *ret)
{
	memset(ret, 0, sizeof(*ret));
	_cleanup_free_ char *base = nets_state_dir(e);
	_cleanup_free_ char *path = pm_xasprintf("%s/%s/%s", base, name, ctr_id);
	struct rec rc;
	if (rec_read(path, &rc) < 0)
		return -ENOENT;
	ret->ip = pm_xstrdup(rec_set(rc.ip) ? rc.ip : "");
	ret->gateway = pm_xstrdup(rec_set(rc.gw) ? rc.gw : "");
	ret->ip6 = pm_xstrdup(rec_set(rc.ip6) ? rc.ip6 : "");
	ret->gateway6 = pm_xstrdup(rec_set(rc.gw6) ? rc.gw6 : "");
	ret->prefix6 = rec_set(rc.ip6) ? rc.prefix6 : 0;
	ret->mac = pm_xstrdup(rc.mac);
	ret->prefix = rc.prefix;
	if (rc.aliases[0] && strcmp(rc.aliases, "-") != 0)
		ret->aliases = pm_strv_split(rc.aliases, ",");
	return 0;
}

void pm_engine_net_addr_clear(struct pm_engine_net_addr *a)
{
	free(a->ip);
	free(a->gateway);
	free(a->ip6);
	free(a->gateway6);
	free(a->mac);
	pm_strv_free(a->aliases);
	memset(a, 0, sizeof(*a));
}

/* ---- network connect / disconnect ------------------------------------------------------- */

char **pm_engine_network_connected(const struct pm_engine *e, const char *ctr_id)
{
	_cleanup_free_ char *base = nets_state_dir(e);
	char **names = NULL;
	_cleanup_closedir_ DIR *d = opendir(base);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		_cleanup_free_ char *path = pm_xasprintf("%s/%s/%s", base, de->d_name, ctr_id);
		if (pm_path_exists(path))
			pm_strv_push(&names, de->d_name);
	}
	if (names)
		qsort(names, pm_strv_length(names), sizeof(char *), cmp_str);
	return names;
}

/* network connect of a running container: an address on n, the next free ethN. */
static int attach_now(const struct pm_engine *e, const struct pm_container *c, const char *netname,
		      const char *ip, const char *ip6, const char *mac, char *const *aliases,
		      char *const *have, pm_error **err)
{
	struct pm_net_config nc;
	pm_net_config_init(&nc);
	nc.mode = PM_NET_BRIDGE;
	nc.bridge_net = pm_xstrdup(netname);
	nc.bridge_ip_req = ip && *ip ? pm_xstrdup(ip) : NULL;
	nc.bridge_ip6_req = ip6 && *ip6 ? pm_xstrdup(ip6) : NULL;
	nc.bridge_mac_req = mac && *mac ? pm_xstrdup(mac) : NULL;
	nc.bridge_aliases = pm_strv_copy(aliases);
	/* the next free ethN in the container */
	_cleanup_strv_ char **ifnames = NULL;
	for (size_t i = 0; have && have[i]; i++) {
		_cleanup_free_ char *p =
			pm_xasprintf("%s/networks/%s/%s", e->paths->runroot, have[i], c->id);
		struct rec rc;
		if (rec_read(p, &rc) == 0)
			pm_strv_push(&ifnames, rc.ifname[0] ? rc.ifname : "eth0");
	}
	unsigned idx = 0;
	for (;; idx++) {
		_cleanup_free_ char *cand = pm_xasprintf("eth%u", idx);
		if (!pm_strv_contains(ifnames, cand))
			break;
	}
	nc.bridge_ifname = pm_xasprintf("eth%u", idx);
	_cleanup_free_ char *peers = NULL;
	int r = pm_engine_network_assign(e, c->id, c->name, &nc, &peers, err);
	if (r >= 0) {
		free(nc.bridge_veth);
		nc.bridge_veth = pm_xasprintf("veth%.8s%u", c->id, idx);
		r = pm_net_bridge_attach(&nc, c->state.pid, err);
		if (r < 0) {
			_cleanup_free_ char *p = pm_xasprintf("%s/networks/%s/%s",
							      e->paths->runroot, netname, c->id);
			unlink(p);
			_cleanup_free_ char *base = nets_state_dir(e);
			dns_refresh(base, netname, false, NULL);
		}
	}
	if (r >= 0 && peers && peers[0]) {
		/* its own /etc/hosts learns the peers there */
		_cleanup_free_ char *rundir = pm_ctr_run_dir(e, c->id);
		_cleanup_free_ char *hosts = pm_xasprintf("%s/userdata/hosts", rundir);
		_cleanup_close_ int fd = open(hosts, O_WRONLY | O_APPEND | O_CLOEXEC);
		if (fd >= 0 && write(fd, peers, strlen(peers)) < 0)
			r = 0;
	}
	pm_net_config_clear(&nc);
	return r;
}

/* The container's config with its network list changed by fn, written back (the caller holds
 * the container's lock). */
static int save_networks(struct pm_container *c, struct pm_container_config *cfg, pm_error **err)
{
	char *json = pm_config_to_json(cfg);
	free(c->config_json);
	c->config_json = json;
	return pm_container_save_config(c, err);
}

/* "NAME[:ip=,mac=,alias=...]": an ExtraNetworks entry */
static char *extra_value(const char *name, const char *ip, const char *ip6, const char *mac,
			 char *const *aliases)
{
	char *v = pm_xstrdup(name);
	char sep = ':';
	const char *keys[] = {"ip", "ip6", "mac"}, *vals[] = {ip, ip6, mac};
	for (size_t i = 0; i < 3; i++)
		if (vals[i] && *vals[i]) {
			char *x = pm_xasprintf("%s%c%s=%s", v, sep, keys[i], vals[i]);
			free(v);
			v = x;
			sep = ',';
		}
	for (size_t i = 0; aliases && aliases[i]; i++) {
		char *x = pm_xasprintf("%s%calias=%s", v, sep, aliases[i]);
		free(v);
		v = x;
		sep = ',';
	}
	return v;
}

/* The index of network name in cfg's extra networks, or -1. */
static ssize_t extra_index(const struct pm_container_config *cfg, const char *name)
{
	for (size_t i = 0; cfg->extra_networks && cfg->extra_networks[i]; i++) {
		_cleanup_free_ char *xn = pm_engine_network_of(cfg->extra_networks[i]);
		if (xn && strcmp(xn, name) == 0)
			return (ssize_t)i;
	}
	return -1;
}

int pm_engine_network_connect(const struct pm_engine *e, struct pm_container *c,
			      const char *netname, const char *ip, const char *ip6, const char *mac,
			      char *const *aliases, pm_error **err)
{
	struct pm_container_config cfg = {0};
	int r = pm_config_from_json(c->config_json, &cfg, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *primary = pm_engine_network_of(cfg.network);
	if (!primary) {
		_cleanup_free_ char *mode =
			pm_xstrdup(cfg.network && *cfg.network ? cfg.network : "slirp4netns");
		pm_spec_config_clear(&cfg);
		mode[strcspn(mode, ":")] = 0;
		return pm_error_set(err, EINVAL, "\"%s\" is not supported: invalid network mode",
				    mode);
	}
	bool running = pm_ctr_is_running(c) && c->state.pid > 0;
	_cleanup_strv_ char **have = running ? pm_engine_network_connected(e, c->id) : NULL;
	_cleanup_network_ struct pm_network *n = NULL;
	if ((r = pm_network_load(e->paths->root, netname, &n, err)) < 0)
		goto out;
	if (pm_strv_contains(have, n->name) || strcmp(primary, n->name) == 0 ||
	    extra_index(&cfg, n->name) >= 0) {
		r = pm_error_set(err, EEXIST,
				 "container %s is already connected to network \"%s\": network "
				 "is already connected",
				 c->id, n->name);
		goto out;
	}
	if (ip && *ip) {
		_cleanup_free_ char *got = NULL;
		if ((r = pm_network_pick_ip(n, ip, NULL, &got, NULL, NULL, err)) < 0)
			goto out;
	}
	if (ip6 && *ip6) {
		_cleanup_free_ char *got = NULL;
		if ((r = pm_network_pick_addr(n, AF_INET6, ip6, NULL, &got, NULL, NULL, err)) < 0)
			goto out;
	}
	/* a running container gets it now; every start attaches it (kept in its config) */
	if (running && (r = attach_now(e, c, n->name, ip, ip6, mac, aliases, have, err)) < 0)
		goto out;
	pm_strv_consume(&cfg.extra_networks, extra_value(n->name, ip, ip6, mac, aliases));
	r = save_networks(c, &cfg, err);
out:
	pm_spec_config_clear(&cfg);
	return r;
}

int pm_engine_network_disconnect(const struct pm_engine *e, struct pm_container *c,
				 const char *netname, pm_error **err)
{
	struct pm_container_config cfg = {0};
	int r = pm_config_from_json(c->config_json, &cfg, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *primary = pm_engine_network_of(cfg.network);
	ssize_t xi = extra_index(&cfg, netname);
	_cleanup_free_ char *path =
		pm_xasprintf("%s/networks/%s/%s", e->paths->runroot, netname, c->id);
	struct rec rc;
	bool live = pm_ctr_is_running(c) && c->state.pid > 0 && rec_read(path, &rc) == 0;
	bool is_primary = primary && strcmp(primary, netname) == 0;
	if (!live && !is_primary && xi < 0) {
		r = pm_error_set(err, ENOENT, "container %s is not connected to network %s",
				 c->name, netname);
		goto out;
	}
	if (live) {
		r = pm_net_bridge_detach(c->state.pid, rc.ifname[0] ? rc.ifname : "eth0", err);
		if (r < 0)
			goto out;
		_cleanup_free_ char *dir =
			pm_xasprintf("%s/networks/%s", e->paths->runroot, netname);
		forget(e, dir, c->id);
		unlink(path);
		_cleanup_free_ char *base = nets_state_dir(e);
		_cleanup_free_ char *lock = pm_path_join(base, "lock");
		_cleanup_close_ int lfd = pm_lock_path(lock, LOCK_EX, NULL);
		dns_refresh(base, netname, false, NULL);
		pm_net_dns_update(-1, base, NULL);
	}
	if (xi >= 0) {
		char **v = cfg.extra_networks;
		free(v[xi]);
		memmove(&v[xi], &v[xi + 1], (pm_strv_length(v) - (size_t)xi) * sizeof(char *));
	} else if (is_primary) {
		/* its first other network takes its place; without one it has none */
		free(cfg.network);
		if (cfg.extra_networks && cfg.extra_networks[0]) {
			char **v = cfg.extra_networks;
			cfg.network = v[0];
			memmove(&v[0], &v[1], pm_strv_length(v) * sizeof(char *));
		} else {
			cfg.network = pm_xstrdup("none");
		}
	}
	if (xi >= 0 || is_primary)
		r = save_networks(c, &cfg, err);
out:
	pm_spec_config_clear(&cfg);
	return r;
}
