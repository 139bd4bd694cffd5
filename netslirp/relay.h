/* relay.h: pm's loopback port relay (pasta's "spliced" path): loopback clients of a published
 * port are spliced to 127.0.0.1:CTRPORT inside the container's network namespace, and new host
 * IPv4 addresses get slirp4netns forwards; on user-defined networks it serves every published
 * port, UDP ones too. libc only: linked into the static pm-monitor. */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A listening TCP socket, or a bound UDP one (udp), in the host netns; the relay makes it
 * nonblocking. */
struct pm_relay_listener {
	int fd;
	uint16_t ctr_port;
	bool udp;
};

/* slirp4netns forwards to add for host addresses that appear later. */
struct pm_relay_track {
	const char *api_path;	    /* slirp4netns API unix socket */
	const uint16_t (*ports)[2]; /* {host_port, ctr_port} pairs, TCP, on all addresses */
	size_t nports;
	int nl_fd;    /* NETLINK_ROUTE socket bound to RTMGRP_IPV4_IFADDR (host netns); -1: none */
	char **known; /* IPv4 addresses already forwarded (dotted quads), NULL-terminated, or NULL
		       */
};

/* Serve until exit_fd is readable or hangs up, then close every connection and return 0
 * (negative errno when the relay cannot start: epoll, bad listener). Every accepted client
 * gets a new TCP socket made in the *current* netns (the caller setns()'s first) connected
 * to 127.0.0.1:ctr_port; when that fails the client is reset. Bytes move with splice through
 * one pipe per direction; half-closes are forwarded once a direction's pipe is drained; a
 * reset or error on one side resets the other. Never blocks on one connection; the only
 * blocking call is the ~1 s slirp4netns API request when a new host address shows up.
 * UDP listeners are served by netslirp/udp-relay.c in the same loop: a flow per client
 * address, a socket made in the current netns connected to 127.0.0.1:ctr_port.
 * The caller ignores SIGPIPE. track may be NULL. Nothing is printed. */
int pm_relay_run(const struct pm_relay_listener *l, size_t nl, int exit_fd,
		 const struct pm_relay_track *track);

/* Format the slirp4netns API request that forwards TCP addr:host_port to guest_port:
 * {"execute":"add_hostfwd","arguments":{"proto":"tcp","host_addr":"ADDR","host_port":N,
 * "guest_port":M}}. addr must be a dotted quad. Returns the length, or -EINVAL / -ENOBUFS. */
int pm_relay_hostfwd_request(char *buf, size_t len, const char *addr, uint16_t host_port,
			     uint16_t ctr_port);

/* Send one add_hostfwd request to the slirp4netns API socket at path (fresh connection,
 * ~1 s timeout). 0 when the answer holds "return", else negative errno (-EPROTO: refused). */
int pm_relay_hostfwd_add(const char *path, const char *addr, uint16_t host_port, uint16_t ctr_port);

/* Ask the kernel (fd: a NETLINK_ROUTE socket) for an RTM_GETADDR dump of family's addresses
 * (AF_UNSPEC: all); flags for send(2). 0, or negative errno. */
int pm_relay_addr_dump_request(int fd, unsigned char family, int flags);

/* The IPv4 addresses of the RTM_NEWADDR messages in a netlink buffer (IFA_LOCAL, else
 * IFA_ADDRESS; 127.0.0.0/8 skipped; other messages ignored), at most max of them, in order.
 * Returns how many were stored. */
size_t pm_relay_parse_newaddr(const void *buf, size_t len, struct in_addr *out, size_t max);
