/* ctr-networks.h: which containers use a user-defined network (storage/network.h), for
 * `network rm` (refused while in use, -f removes them), `network prune` and
 * `network ls --filter dangling=`. */
#pragma once

#include <stdbool.h>

#include "engine/engine.h"
#include "lib/error.h"

struct pm_net_config;

/* The name of the network --network value names ("n1" for "n1:ip=10.89.0.5"), or NULL for
 * the built-in modes (slirp4netns, pasta, host, none, private, container:X, ns:X,
 * bridge). malloc'd. */
char *pm_engine_network_of(const char *network_value);

/* The ids of the containers on network name (sorted; NULL when none). */
char **pm_engine_network_users(const struct pm_engine *e, const char *name);

/* The check of a --network value naming a user-defined network, before anything is made:
 * 0 for the built-in modes and for an existing network; -ENOENT with podman's "unable to
 * find network with name or ID NAME: network not found" for one that does not exist; -EINVAL
 * for a static address (NAME:ip=, NAME:ip6=, --ip, --ip6) outside its subnets. */
struct pm_container_config;
int pm_engine_network_check(const struct pm_engine *e, const struct pm_container_config *cfg,
			    pm_error **err);

/* A start on a user-defined network (net->mode PM_NET_BRIDGE): the address (net's ip= or
 * the first free one of the network; the same for its IPv6 subnet: ip6=), a MAC (net's mac= or
 * a random local one), recorded in <runroot>/networks/<NAME>/<ctr id> ("IP PREFIX GATEWAY MAC
 * NAME IFNAME ALIASES IP6 PREFIX6 GATEWAY6"); net's bridge fields
 * filled for pm_net_bridge_attach. Its peers' /etc/hosts get a line for it (*ret_peers:
 * "IP\tNAME" lines of the peers, for its own). Under <runroot>/networks/lock. */
int pm_engine_network_assign(const struct pm_engine *e, const char *ctr_id, const char *ctr_name,
			     struct pm_net_config *net, char **ret_peers, pm_error **err);
/* Its end (the "mark exited" step): the record goes; after the last container on any
 * network the shared rootless network namespace and its slirp4netns are torn down (ctr_id
 * NULL: only that, when no container is on a network). */
void pm_engine_network_release(const struct pm_engine *e, const char *ctr_id);
/* `unshare --rootless-netns`: the shared namespace opened (made when missing: *ret_made,
 * for a pm_engine_network_release(e, NULL) after the command). In pm's user namespace. */
int pm_engine_rootless_netns(const struct pm_engine *e, int *ret_fd, bool *ret_made,
			     pm_error **err);
/* What a running container on network name got: 0 and the fields (malloc'd), or -ENOENT. */
struct pm_engine_net_addr {
	char *ip, *gateway, *mac; /* ip and gateway "" on a network without IPv4 */
	char *ip6, *gateway6;	  /* "" on a network without IPv6 */
	unsigned prefix6;
	char **aliases; /* --network-alias / connect --alias, or NULL */
	unsigned prefix;
};
int pm_engine_network_addr(const struct pm_engine *e, const char *name, const char *ctr_id,
			   struct pm_engine_net_addr *ret);
void pm_engine_net_addr_clear(struct pm_engine_net_addr *a);

/* `network connect` of a container on a user-defined network (its --network; podman's
 * messages for a container on another mode ('"slirp4netns" is not supported: invalid network
 * mode') or already connected): network netname (ip/ip6/mac: NULL or the requested ones,
 * aliases: more names) joins its ExtraNetworks, attached at every start; a running one gets
 * it now too, on the next free ethN, recorded like the start's. The caller holds the
 * container's lock. `network disconnect`: that interface goes while it runs and the network
 * leaves its config ("container X is not connected to network N" when it is on neither);
 * its own --network is replaced by its first other network (none without one). The
 * networks a container is connected to now (sorted names). */
struct pm_container;
int pm_engine_network_connect(const struct pm_engine *e, struct pm_container *c,
			      const char *netname, const char *ip, const char *ip6, const char *mac,
			      char *const *aliases, pm_error **err);
int pm_engine_network_disconnect(const struct pm_engine *e, struct pm_container *c,
				 const char *netname, pm_error **err);
char **pm_engine_network_connected(const struct pm_engine *e, const char *ctr_id);
