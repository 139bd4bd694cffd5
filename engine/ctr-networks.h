/* ctr-networks.h: which containers use a user-defined network (storage/network.h), for
 * `network rm` (refused while in use, -f removes them), `network prune` and
 * `network ls --filter dangling=`. */
#pragma once

#include "engine/engine.h"

/* The name of the network --network value names ("n1" for "n1:ip=10.89.0.5"), or NULL for
 * the built-in modes (slirp4netns, pasta, host, none, private, container:X, ns:X,
 * bridge). malloc'd. */
char *pm_engine_network_of(const char *network_value);

/* The ids of the containers on network name (sorted; NULL when none). */
char **pm_engine_network_users(const struct pm_engine *e, const char *name);

/* The check of a --network value naming a user-defined network, before anything is made:
 * 0 for the built-in modes; -ENOENT with podman's "unable to find network with name or ID
 * NAME: network not found" for a network that does not exist; -EOPNOTSUPP for one that
 * does (pm cannot attach containers to networks yet). */
int pm_engine_network_check(const struct pm_engine *e, const char *network_value, pm_error **err);
