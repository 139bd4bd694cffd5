/* probe.h: host port checks with throwaway sockets: is a port free, pick free ones.
 * Internal to netslirp/ (used by lifetime.c, slirp.c). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "lib/error.h"
#include "netslirp/net.h"

/* Try to bind host_ip:port (host_ip "" = 0.0.0.0, and also [::] when also_v6) for proto.
 * Returns 0 when it could be bound, else the positive errno (EADDRINUSE, EACCES...). */
int pm_net_probe_port(const char *host_ip, uint16_t port, int proto, bool also_v6);

/* A listening TCP socket on ip:port (IPv4 or IPv6 text; IPv6 V6ONLY), SO_REUSEADDR,
 * O_CLOEXEC: the fd or -errno. */
int pm_net_listen_tcp(const char *ip, uint16_t port);

/* A bound UDP socket on ip:port (the same addresses; no SO_REUSEADDR: a port another socket
 * holds is EADDRINUSE), O_CLOEXEC: the fd or -errno. */
int pm_net_bind_udp(const char *ip, uint16_t port);

/* Give every mapping with host_port 0 a free host port (a free consecutive block for
 * ranges), as podman does when the host port is omitted. */
int pm_net_pick_ports(struct pm_net_port *ports, size_t n, pm_error **err);
