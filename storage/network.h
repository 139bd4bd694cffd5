/* network.h: user-defined networks (`pm network ...`, `pm run --network NAME`), kept the
 * way podman 4.3 with netavark keeps them for a rootless user: one JSON file per network,
 *
 *   <root>/networks/<name>.json   netavark's network object (name, id, driver,
 *                                 network_interface, created, subnets[{subnet, gateway,
 *                                 lease_range}], ipv6_enabled, internal, dns_enabled,
 *                                 labels, options, ipam_options), 5-space indent as podman
 *                                 writes it
 *   <root>/networks/netavark.lock flock taken while a network is created or removed (name,
 *                                 subnet and interface allocation see every other config)
 *
 * The default network "podman" (10.88.0.0/16, podman0, dns off) is never stored: it is
 * always listed, cannot be removed, and its id is sha256("podman") as podman's. Files are
 * written to a temp file and linked into place (a create racing another of the same name
 * loses with "network already exists"); a failed create leaves no file.
 *
 * Subnets: IPv4 and IPv6 CIDRs (host bits cleared, as podman), gateway defaulting to the
 * first address, --ip-range as a CIDR inside the subnet (lease_range first+1..last). With no
 * --subnet the first free /24 of podman's default pools (10.89.0.0/16, 10.90.0.0/15, ...)
 * that overlaps no other network and no address on the host is taken; --ipv6 without an
 * IPv6 subnet adds a random ULA fdXX:XXXX:XXXX:XXXX::/64.
 *
 * Never prints; errors are podman's messages. JSON leaves this module as text. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"

#define PM_NETWORK_DEFAULT "podman"

/* pm --network-config-dir DIR: the networks' configuration files in DIR, not
 * <root>/networks (the environment carries it to the rootless re-exec and the monitor) */
#define PM_NETWORK_CONFIG_DIR_ENV "_PM_NETWORK_CONFIG_DIR"

struct pm_network_subnet {
	char *subnet;		       /* "10.89.0.0/24" */
	char *gateway;		       /* "10.89.0.1" (NULL: none) */
	char *lease_start, *lease_end; /* --ip-range (NULL: the whole subnet) */
};

struct pm_network {
	char *name, *id, *driver, *interface;
	char *created; /* RFC 3339 nano, UTC ("...Z") */
	int64_t created_ns;
	struct pm_network_subnet *subnets;
	size_t nsubnets;
	bool ipv6, internal, dns;
	char **labels;	   /* "key=value", as given (later keys win) */
	char **options;	   /* "key=value" */
	char *ipam_driver; /* "host-local" */
};

struct pm_network_create_opts {
	const char *name;	 /* NULL or "": podmanN, the first N >= 1 not taken */
	const char *driver;	 /* NULL or "bridge" */
	char *const *subnets;	 /* CIDRs */
	char *const *gateways;	 /* one per subnet at most, in order */
	char *const *ip_ranges;	 /* CIDRs, one per subnet at most */
	char *const *labels;	 /* "key[=value]" */
	char *const *options;	 /* "key=value": mtu, vlan, isolate */
	const char *ipam_driver; /* NULL, "host-local" or "none" */
	bool internal, ipv6, disable_dns;
	bool ignore_exists; /* --ignore: an existing network is returned as is */
};

/* podman's rule for names: [a-zA-Z0-9][a-zA-Z0-9_.-]* */
bool pm_network_name_valid(const char *name);

/* Create a network (under the lock): every check first, then one file. *ret may be NULL.
 * -EEXIST "network name x already used: network already exists"; -EINVAL podman's message
 * for a bad name, subnet, gateway, range, option or driver. */
int pm_network_create(const char *root, const struct pm_network_create_opts *opts,
		      struct pm_network **ret, pm_error **err);

/* Load by name, full id or unique id prefix ("podman" gives the default network).
 * -ENOENT "unable to find network with name or ID x: network not found". */
int pm_network_load(const char *root, const char *ref, struct pm_network **ret, pm_error **err);

bool pm_network_exists(const char *root, const char *ref);

/* Every network, the default one included, sorted by name; NULL-terminated. */
int pm_network_list(const char *root, struct pm_network ***ret, pm_error **err);

/* Remove a stored network by name. The default network: -EPERM "default network podman
 * cannot be removed". Whether containers use it is the caller's business. */
int pm_network_remove(const char *root, const char *name, pm_error **err);

/* The JSON shapes, as text (malloc'd):
 *   PM_NETWORK_JSON_INSPECT   netavark's object (inspect, ls --format json, the file)
 *   PM_NETWORK_JSON_TEMPLATE  Go field names for --format templates (Name, ID, Driver,
 *                             NetworkInterface, Created as Go prints a time, Subnets
 *                             [{Subnet, Gateway, LeaseRange}], IPv6Enabled, Internal,
 *                             DNSEnabled, Labels, Options, IPAMOptions)
 *   PM_NETWORK_JSON_LS        the same with Labels as ls prints them ("a=b,c=") */
enum pm_network_json_kind {
	PM_NETWORK_JSON_INSPECT,
	PM_NETWORK_JSON_TEMPLATE,
	PM_NETWORK_JSON_LS,
};
char *pm_network_list_json(struct pm_network *const *nets, enum pm_network_json_kind kind,
			   unsigned indent);

/* ---- filters: name= (regex), id= (prefix), driver=, label=, label!=, dangling=, until=;
 * the same key ORed (labels ANDed), different keys ANDed. prune: label, label!, until only.
 * -EINVAL 'invalid filter "x"'. in_use (may be NULL: none) answers dangling. */
struct pm_network_filters;
int pm_network_filters_parse(char *const *args, bool prune, struct pm_network_filters **ret,
			     pm_error **err);
bool pm_network_filters_match(const struct pm_network_filters *fs, const struct pm_network *n,
			      bool in_use);
struct pm_network_filters *pm_network_filters_free(struct pm_network_filters *fs);
PM_DEFINE_CLEANUP_FUNC(struct pm_network_filters *, pm_network_filters_free)
#define _cleanup_network_filters_ _cleanup_(pm_network_filters_freep)

/* ---- addresses (containers on a network) ----
 * Pick an IPv4 address for a container on n: want (NULL: the first free one after the
 * gateway inside the lease range) must be inside the subnet and not in used (a
 * NULL-terminated list of addresses taken). *ret is malloc'd ("10.89.0.2"); *ret_prefix the
 * prefix length; *ret_gateway malloc'd. -EINVAL / -EADDRINUSE with podman's message. */
int pm_network_pick_ip(const struct pm_network *n, const char *want, char *const *used, char **ret,
		       unsigned *ret_prefix, char **ret_gateway, pm_error **err);
/* The same for family (AF_INET or AF_INET6): the first subnet of that family. want of the
 * other family, or on a network without such a subnet: podman's "requested static ip X not
 * in any subnet on network N"; no want and no such subnet: -EINVAL. The address is given back
 * in its canonical text ("fd00::5"). */
int pm_network_pick_addr(const struct pm_network *n, int family, const char *want,
			 char *const *used, char **ret, unsigned *ret_prefix, char **ret_gateway,
			 pm_error **err);
/* Whether n has a subnet of family (AF_INET / AF_INET6). */
bool pm_network_has_family(const struct pm_network *n, int family);

struct pm_network *pm_network_free(struct pm_network *n);
PM_DEFINE_CLEANUP_FUNC(struct pm_network *, pm_network_free)
#define _cleanup_network_ _cleanup_(pm_network_freep)
struct pm_network **pm_network_list_free(struct pm_network **v);
PM_DEFINE_CLEANUP_FUNC(struct pm_network **, pm_network_list_free)
#define _cleanup_network_list_ _cleanup_(pm_network_list_freep)
