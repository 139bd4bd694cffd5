/* slirp.h: slirp4netns for a container's network namespace. Internal to netslirp/. */
#pragma once

#include <sys/types.h>

#include "lib/error.h"
#include "netslirp/net.h"
#include "netslirp/spawn.h"

/* Start slirp4netns for the network namespace netns_fd (passed to it as an fd: the
 * namespace may have no process yet), the relay's listeners bound first; no wait. Fills
 * net->pid, pidfd, exit_fd, ready_fd, netns_fd, sock_path, log_path, relay. On failure
 * nothing is running (what it made is in net, for pm_net_stop). */
int pm_net_slirp_launch(const struct pm_net_config *cfg, int netns_fd, struct pm_net *net,
			pm_error **err);
/* Wait for its ready fd, add net->ports (host ports already resolved) through the API
 * socket, start the loopback port relay. On failure nothing is left running and no
 * socket remains. */
int pm_net_slirp_ready(struct pm_net *net, pm_error **err);

/* A user-defined network's published ports (PM_NET_BRIDGE, TCP and UDP): the TCP listeners
 * and UDP sockets for net->ports (host ports resolved) bound here on their host address
 * (0.0.0.0 for all), into net->relay, before anything runs. */
int pm_net_bridge_ports_bind(struct pm_net *net, pm_error **err);
/* Then the relay (pm-monitor port-relay, cfg->relay_program) into the container's namespace
 * netns_pid, connecting to 127.0.0.1:CTRPORT there: it is net's helper (net->pid, an exit
 * pipe of its own in net->exit_fd), so pm_net_stop and the handover end it. */
int pm_net_bridge_ports_start(const struct pm_net_config *cfg, pid_t netns_pid, struct pm_net *net,
			      pm_error **err);
