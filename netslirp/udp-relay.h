/* udp-relay.h: the UDP half of pm's port relay (netslirp/udp-relay.c): datagrams to a published
 * UDP host port are sent on to 127.0.0.1:CTRPORT in the container's network namespace, one
 * connected socket per client address (a flow, as rootlessport's and slirp's), and the replies
 * go back to that client from the host port. Internal to netslirp/ (relay.c runs it in its
 * loop); unit-tested by tests/unit/test-udp-relay.c. libc only. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* A flow with no datagram either way for this long is closed (rootlesskit's udpproxy and
 * docker's userland proxy use 90 s too). */
#define PM_UDP_IDLE_MS 90000
/* Flows per relay: a new client past this ends the least recently used flow. */
#define PM_UDP_MAX_FLOWS 4096

struct pm_udp_relay;

/* A relay with no socket yet; flows idle for idle_ms (0: PM_UDP_IDLE_MS) are closed.
 * 0 or negative errno. */
int pm_udp_relay_new(unsigned idle_ms, struct pm_udp_relay **ret);

/* Serve fd, a bound UDP socket (host netns), forwarding to 127.0.0.1:ctr_port: it is made
 * nonblocking and stays the caller's (not closed by free). Flow sockets are made in the
 * network namespace current when a client's first datagram comes. 0 or negative errno. */
int pm_udp_relay_add(struct pm_udp_relay *u, int fd, uint16_t ctr_port);

/* An epoll fd that is readable when pm_udp_relay_dispatch has work (poll it level-triggered). */
int pm_udp_relay_fd(const struct pm_udp_relay *u);

/* Move what is ready without blocking: datagrams both ways, idle flows closed. */
void pm_udp_relay_dispatch(struct pm_udp_relay *u);

/* How many flows are open (for tests). */
size_t pm_udp_relay_flows(const struct pm_udp_relay *u);

/* Close every flow and free u (NULL-safe); the listeners are left open. */
void pm_udp_relay_free(struct pm_udp_relay *u);
