/* mode.c: the --network value (mode and slirp4netns/pasta options), the config's defaults
 * and lifetime, cross-flag checks, and slirp4netns' address plan (cidr). Pure; unit tested
 * in tests/unit/test-net-mode.c. Called by cli/engine and by the other netslirp files. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/strutil.h"
#include "netslirp/net.h"

#define SLIRP_DEFAULT_CIDR "10.0.2.0/24"
#define SLIRP_DEFAULT_MTU  65520

void pm_net_config_init(struct pm_net_config *cfg)
{
	*cfg = (struct pm_net_config){
		.mode = PM_NET_SLIRP4NETNS,
		.enable_ipv6 = true,
		.mtu = SLIRP_DEFAULT_MTU,
		.port_handler = PM_NET_PORT_HANDLER_ROOTLESSKIT,
	};
}

/* Reset only the mode part (a later --network replaces an earlier one). */
static void mode_clear(struct pm_net_config *cfg)
{
	free(cfg->cidr);
	free(cfg->outbound_addr);
	free(cfg->outbound_addr6);
	free(cfg->container);
	char **br[] = {&cfg->bridge_net,     &cfg->bridge_ip_req,    &cfg->bridge_mac_req,
		       &cfg->bridge_ip,	     &cfg->bridge_mac,	     &cfg->bridge_gw,
		       &cfg->bridge_subnet,  &cfg->bridge_iface,     &cfg->bridge_veth,
		       &cfg->bridge_netns,   &cfg->bridge_state_dir, &cfg->bridge_ifname,
		       &cfg->bridge_ip6_req, &cfg->bridge_ip6,	     &cfg->bridge_gw6,
		       &cfg->bridge_subnet6};
	for (size_t i = 0; i < sizeof(br) / sizeof(br[0]); i++) {
		free(*br[i]);
		*br[i] = NULL;
	}
	cfg->bridge_prefix = cfg->bridge_prefix6 = 0;
	cfg->bridge_internal = false;
	cfg->bridge_dns = false;
	cfg->pasta_args = pm_strv_free(cfg->pasta_args);
	cfg->bridge_aliases = pm_strv_free(cfg->bridge_aliases);
	cfg->cidr = cfg->outbound_addr = cfg->outbound_addr6 = cfg->container = NULL;
	cfg->mode = PM_NET_SLIRP4NETNS;
	cfg->allow_host_loopback = false;
	cfg->enable_ipv6 = true;
	cfg->mtu = SLIRP_DEFAULT_MTU;
	cfg->port_handler = PM_NET_PORT_HANDLER_ROOTLESSKIT;
}

void pm_net_config_clear(struct pm_net_config *cfg)
{
	if (!cfg)
		return;
	mode_clear(cfg);
	free(cfg->ports);
	pm_strv_free(cfg->dns_servers);
	pm_strv_free(cfg->dns_search);
	pm_strv_free(cfg->dns_options);
	pm_strv_free(cfg->add_hosts);
	for (size_t i = 0; i < cfg->nbridge_extra; i++)
		pm_net_config_clear(&cfg->bridge_extra[i]);
	free(cfg->bridge_extra);
	free(cfg->run_dir);
	free(cfg->relay_program);
	pm_net_config_init(cfg);
}

static int parse_bool(const char *key, const char *v, bool *ret, pm_error **err)
{
	if (strcmp(v, "true") == 0)
		*ret = true;
	else if (strcmp(v, "false") == 0)
		*ret = false;
	else
		return pm_error_set(err, EINVAL,
				    "invalid value of %s for slirp4netns: '%s' (true or false)",
				    key, v);
	return 0;
}

/* "A.B.C.D/N" with room for .100: N in 1..25. ret_base: network address (host order). */
static int parse_cidr(const char *s, uint32_t *ret_base, pm_error **err)
{
	const char *slash = strchr(s, '/');
	_cleanup_free_ char *ip = slash ? pm_xstrndup(s, (size_t)(slash - s)) : NULL;
	struct in_addr a;
	uint32_t prefix;
	if (!slash || inet_pton(AF_INET, ip, &a) != 1 || pm_parse_uint32(slash + 1, &prefix) < 0 ||
	    prefix < 1 || prefix > 25)
		return pm_error_set(err, EINVAL,
				    "invalid value of cidr for slirp4netns: '%s' (an IPv4 network "
				    "A.B.C.D/N with N at most 25)",
				    s);
	uint32_t mask = prefix == 32 ? 0xffffffffu : ~(0xffffffffu >> prefix);
	if (ret_base)
		*ret_base = ntohl(a.s_addr) & mask;
	return 0;
}

static bool valid_outbound(const char *v, int family)
{
	unsigned char buf[sizeof(struct in6_addr)];
	if (inet_pton(family, v, buf) == 1)
		return true;
	/* an interface name (not something that looks like a mistyped address) */
	if (!*v || strlen(v) >= IFNAMSIZ || strspn(v, "0123456789.") == strlen(v))
		return false;
	for (const char *c = v; *c; c++)
		if (*c == '/' || *c == ':' || *c <= ' ')
			return false;
	return true;
}

static int parse_slirp_opts(struct pm_net_config *cfg, const char *opts, pm_error **err)
{
	_cleanup_strv_ char **v = pm_strv_split(opts, ",");
	for (char **o = v; *o; o++) {
		char *eq = strchr(*o, '=');
		if (!eq)
			return pm_error_set(err, EINVAL,
					    "invalid option for slirp4netns: '%s' (KEY=VALUE)", *o);
		*eq = '\0';
		const char *k = *o, *val = eq + 1;
		if (strcmp(k, "allow_host_loopback") == 0) {
			if (parse_bool(k, val, &cfg->allow_host_loopback, err) < 0)
				return -EINVAL;
		} else if (strcmp(k, "enable_ipv6") == 0) {
			if (parse_bool(k, val, &cfg->enable_ipv6, err) < 0)
				return -EINVAL;
		} else if (strcmp(k, "mtu") == 0) {
			uint32_t mtu;
			if (pm_parse_uint32(val, &mtu) < 0 || mtu < 68 || mtu > 65521)
				return pm_error_set(err, EINVAL,
						    "invalid value of mtu for slirp4netns: '%s' "
						    "(68 to 65521)",
						    val);
			cfg->mtu = mtu;
		} else if (strcmp(k, "port_handler") == 0) {
			if (strcmp(val, "slirp4netns") == 0)
				cfg->port_handler = PM_NET_PORT_HANDLER_SLIRP4NETNS;
			else if (strcmp(val, "rootlesskit") == 0)
				cfg->port_handler = PM_NET_PORT_HANDLER_ROOTLESSKIT;
			else
				return pm_error_set(err, EINVAL,
						    "unknown port_handler for slirp4netns: '%s' "
						    "(slirp4netns or rootlesskit)",
						    val);
		} else if (strcmp(k, "cidr") == 0) {
			if (parse_cidr(val, NULL, err) < 0)
				return -EINVAL;
			free(cfg->cidr);
			cfg->cidr = pm_xstrdup(val);
		} else if (strcmp(k, "outbound_addr") == 0 || strcmp(k, "outbound_addr6") == 0) {
			bool six = k[strlen(k) - 1] == '6';
			if (!valid_outbound(val, six ? AF_INET6 : AF_INET))
				return pm_error_set(err, EINVAL,
						    "invalid value of %s for slirp4netns: '%s' (an "
						    "IPv%c address or an interface name)",
						    k, val, six ? '6' : '4');
			char **dst = six ? &cfg->outbound_addr6 : &cfg->outbound_addr;
			free(*dst);
			*dst = pm_xstrdup(val);
		} else {
			return pm_error_set(err, EINVAL, "slirp4netns option '%s' is not supported",
					    k);
		}
	}
	return 0;
}

/* podman's network names: [a-zA-Z0-9][a-zA-Z0-9_.-]* */
static bool bridge_name_valid(const char *n)
{
	if (!n[0] || !isalnum((unsigned char)n[0]))
		return false;
	for (const char *p = n; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.' && *p != '-')
			return false;
	return true;
}

int pm_net_parse_mode(struct pm_net_config *cfg, const char *value, pm_error **err)
{
	mode_clear(cfg);
	if (!value || !*value || strcmp(value, "private") == 0 || strcmp(value, "slirp4netns") == 0)
		return 0;
	if (strlen(value) > 4096)
		return pm_error_set(err, EINVAL, "--network value too long");

	const char *colon = strchr(value, ':');
	_cleanup_free_ char *name =
		colon ? pm_xstrndup(value, (size_t)(colon - value)) : pm_xstrdup(value);
	const char *opts = colon ? colon + 1 : NULL;

	if (strcmp(name, "slirp4netns") == 0) {
		int r = parse_slirp_opts(cfg, opts, err);
		if (r < 0)
			mode_clear(cfg);
		return r;
	}
	if (strcmp(name, "pasta") == 0) {
		cfg->mode = PM_NET_PASTA;
		cfg->pasta_args = pm_strv_split(opts, ",");
		return 0;
	}
	if (strcmp(name, "container") == 0) {
		if (!opts || !*opts)
			return pm_error_set(err, EINVAL,
					    "invalid config provided: namespace mode container "
					    "requires a value");
		cfg->mode = PM_NET_CONTAINER;
		cfg->container = pm_xstrdup(opts);
		return 0;
	}
	if (strcmp(name, "none") == 0 || strcmp(name, "host") == 0) {
		if (opts)
			return pm_error_set(err, EINVAL, "invalid option for network %s: '%s'",
					    name, opts);
		cfg->mode = name[0] == 'n' ? PM_NET_NONE : PM_NET_HOST;
		return 0;
	}
	if (strcmp(name, "private") == 0 && opts)
		return pm_error_set(err, EINVAL, "invalid option for network private: '%s'", opts);
	if (strcmp(name, "bridge") == 0 || strcmp(name, "ns") == 0)
		return pm_error_set(err, EOPNOTSUPP,
				    "network mode '%s' is not supported by pm (use slirp4netns, "
				    "pasta, none, host or container:ID)",
				    value);
	if (bridge_name_valid(name)) {
		/* a user-defined network: the engine checks that it exists */
		cfg->mode = PM_NET_BRIDGE;
		cfg->bridge_net = pm_xstrdup(name);
		_cleanup_strv_ char **parts = opts ? pm_strv_split(opts, ",") : NULL;
		for (size_t i = 0; parts && parts[i]; i++) {
			if (pm_str_startswith(parts[i], "ip=") && !cfg->bridge_ip_req) {
				struct in_addr a;
				if (inet_pton(AF_INET, parts[i] + 3, &a) != 1) {
					int r = pm_error_set(
						err, EINVAL,
						"invalid IP address '%s' for network %s",
						parts[i] + 3, name);
					mode_clear(cfg);
					return r;
				}
				cfg->bridge_ip_req = pm_xstrdup(parts[i] + 3);
			} else if (pm_str_startswith(parts[i], "ip6=") && !cfg->bridge_ip6_req) {
				/* an address (an IPv4 one is then in no IPv6 subnet: the
				 * engine says so, as for --ip6) */
				struct in6_addr a6;
				if (inet_pton(AF_INET6, parts[i] + 4, &a6) != 1 &&
				    inet_pton(AF_INET, parts[i] + 4, &a6) != 1) {
					int r = pm_error_set(
						err, EINVAL,
						"invalid option for network %s: invalid ip "
						"address \"%s\"",
						name, parts[i] + 4);
					mode_clear(cfg);
					return r;
				}
				cfg->bridge_ip6_req = pm_xstrdup(parts[i] + 4);
			} else if (pm_str_startswith(parts[i], "mac=") && !cfg->bridge_mac_req) {
				cfg->bridge_mac_req = pm_xstrdup(parts[i] + 4);
			} else if (pm_str_startswith(parts[i], "alias=") && parts[i][6]) {
				pm_strv_push(&cfg->bridge_aliases, parts[i] + 6);
			} else {
				int r = pm_error_set(err, EINVAL,
						     "unknown bridge network option '%s'",
						     parts[i]);
				mode_clear(cfg);
				return r;
			}
		}
		return 0;
	}
	return pm_error_set(err, ENOENT,
			    "unable to find network with name or ID %s: network not found", value);
}

const char *pm_net_mode_name(const struct pm_net_config *cfg)
{
	switch (cfg->mode) {
	case PM_NET_PASTA:
		return "pasta";
	case PM_NET_NONE:
		return "none";
	case PM_NET_HOST:
		return "host";
	case PM_NET_CONTAINER:
		return "container";
	case PM_NET_BRIDGE:
		return cfg->bridge_net ? cfg->bridge_net : "bridge";
	default:
		return "slirp4netns";
	}
}

int pm_net_config_check(struct pm_net_config *cfg, pm_error **err)
{
	bool dns = cfg->dns_servers || cfg->dns_search || cfg->dns_options;
	if (dns && (cfg->mode == PM_NET_NONE || cfg->mode == PM_NET_CONTAINER))
		return pm_error_set(err, EINVAL,
				    "conflicting options: dns and the network mode: %s",
				    pm_net_mode_name(cfg));
	if (cfg->no_hosts && cfg->add_hosts)
		return pm_error_set(err, EINVAL,
				    "--no-hosts and --add-host cannot be set together");
	if (cfg->nports && (cfg->mode == PM_NET_NONE || cfg->mode == PM_NET_HOST ||
			    cfg->mode == PM_NET_CONTAINER)) {
		free(cfg->ports);
		cfg->ports = NULL;
		cfg->nports = 0;
		return 1;
	}
	for (size_t i = 0; i < cfg->nports; i++)
		if (cfg->ports[i].proto == PM_NET_SCTP)
			return pm_error_set(err, EOPNOTSUPP,
					    "publishing port %u/sctp: sctp is not supported by "
					    "rootless networking (%s)",
					    cfg->ports[i].ctr_port, pm_net_mode_name(cfg));
	return 0;
}

int pm_net_slirp_addrs(const struct pm_net_config *cfg, char *ret_ctr, char *ret_gw, char *ret_dns,
		       pm_error **err)
{
	uint32_t base;
	if (parse_cidr(cfg->cidr ? cfg->cidr : SLIRP_DEFAULT_CIDR, &base, err) < 0)
		return -EINVAL;
	char *out[3] = {ret_ctr, ret_gw, ret_dns};
	const uint32_t off[3] = {100, 2, 3};
	for (int i = 0; i < 3; i++) {
		if (!out[i])
			continue;
		struct in_addr a = {.s_addr = htonl(base + off[i])};
		inet_ntop(AF_INET, &a, out[i], 16);
	}
	return 0;
}
