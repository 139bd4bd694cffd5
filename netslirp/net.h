/* net.h: pm's rootless networking: the --network modes, published ports, DNS and
 * /etc/hosts, and the user-mode network helper (slirp4netns or pasta) that gives a
 * container's network namespace its connectivity.
 *
 * How the engine uses it (nothing here touches container state or prints):
 *
 *   1. cli/engine, before any state is created: parse and validate the flags
 *        pm_net_parse_mode(--network)          -> struct pm_net_config.mode ...
 *        pm_net_parse_publish(-p) per value    -> appended to config.ports
 *        pm_net_publish_expose(-P, image EXPOSE list)   (after all -p)
 *        pm_net_validate_dns / _dns_search / _dns_option / pm_net_parse_add_host
 *      then pm_net_config_check() for cross-flag rules (--dns with --network none, -p with
 *      host/none/container: ...). All return -EINVAL with a podman-like message naming the
 *      value in single quotes. Store ports with pm_net_port_format() (one canonical spec
 *      string per mapping, re-parsable by pm_net_parse_publish) in the container record.
 *
 *   2. Generated files, written by the engine into the container's userdata dir and bind
 *      mounted by the runtime (podman's exact formats):
 *        pm_net_resolv_conf(cfg, host_resolv_text)          /etc/resolv.conf content
 *        pm_net_hosts_file(cfg, hostname, name, base_hosts_text, host_ip)  /etc/hosts
 *      Host facts come from pm_net_read_host_resolv() (/etc/resolv.conf, systemd-resolved
 *      aware), the host's /etc/hosts (podman's base_hosts_file) and pm_net_host_ip() (the
 *      address for host.containers.internal). With no_hosts set do not generate /etc/hosts
 *      (the image's stays). For container:ID mode share the other container's files.
 *
 *   3. Lifetime: after the runtime has cloned the container init into its new network
 *      namespace and before the command runs, the process that is the container's parent
 *      (the monitor for detached containers, the cli for foreground ones) calls
 *        pm_net_start(cfg, child_pid, &net, &err)
 *      (or, to have the helper come up while the container is prepared, pm_net_netns_new +
 *      pm_net_launch early and pm_net_ready before the command runs: see below)
 *      which runs slirp4netns (or pasta) for /proc/<child_pid>/ns/net, waits until the
 *      interface is configured (ready fd; no sleeping), and publishes every port; random
 *      host ports (-p CTRPORT, -P) are chosen then: read them back with pm_net_ports().
 *      It must be called inside pm's rootless user namespace (the one owning the child's
 *      network namespace). A failed start leaves no process and no socket behind; a port
 *      already in use is -EADDRINUSE naming the port.
 *      The returned handle holds the write end of slirp4netns' exit fd (O_CLOEXEC): the
 *      helper exits as soon as every copy of it is closed, i.e. when the holder exits,
 *      even by SIGKILL. So the process calling pm_net_start must be the one that lives as
 *      long as the container (monitor, or the foreground cli). pasta has no exit fd: it is
 *      ended by pm_net_stop() (and pasta quits by itself when the namespace goes away).
 *      When the container has exited call pm_net_stop(net): ends the helper, waits for
 *      it, removes its socket/pid files, frees the handle. `restart` = a new pm_net_start.
 *
 *   4. Output: pm_net_ports_json() (.NetworkSettings.Ports / .HostConfig.PortBindings as a
 *      JSON string), pm_net_ports_ps() (the PORTS column), pm_net_port_lines() (`pm port`).
 *
 * Files: mode.c (--network), ports.c (-p/-P parsing and formatting), dns.c (resolv.conf),
 * hosts.c (/etc/hosts), spawn.c (helper process plumbing), slirp.c (slirp4netns and its
 * API socket), pasta.c (pasta), lifetime.c (start/stop dispatch), relay.c and udp-relay.c
 * (the port relay: TCP splice, UDP flows), bridge.c (user-defined networks), aardvark.c
 * (their DNS). Never prints. */
#pragma once

/* The global --network-cmd-path: the slirp4netns binary to run (else slirp4netns from
 * $PATH), set by the cli for the processes that start it. */
#define PM_NET_CMD_PATH_ENV "_PM_NETWORK_CMD_PATH"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/error.h"

enum pm_net_mode {
	PM_NET_SLIRP4NETNS = 0, /* the rootless default ("private", "" and "slirp4netns") */
	PM_NET_PASTA,
	PM_NET_NONE,	  /* own network namespace with only lo */
	PM_NET_HOST,	  /* the namespace pm runs in */
	PM_NET_CONTAINER, /* join another container's network namespace */
	PM_NET_BRIDGE,	  /* a user-defined network (`pm network create`): netslirp/bridge.c */
};

/* How TCP ports published on all addresses or on 127.0.0.1 are forwarded with slirp4netns.
 * The default ("rootlesskit", podman's default name; no rootlessport is involved): loopback
 * clients go through pm's splice relay (netslirp/relay.c, a pm-monitor mode) into the
 * container's own loopback, so the container sees 127.0.0.1, the client's true address;
 * every other host address is forwarded by slirp4netns' API (add_hostfwd per address,
 * addresses that appear later included), which keeps the client's source address. UDP and
 * ports on other addresses always go through add_hostfwd. "slirp4netns": every port through
 * add_hostfwd on 0.0.0.0 (loopback clients then appear as the gateway, 10.0.2.2). */
enum pm_net_port_handler {
	PM_NET_PORT_HANDLER_ROOTLESSKIT = 0,
	PM_NET_PORT_HANDLER_SLIRP4NETNS,
};

enum pm_net_proto {
	PM_NET_TCP = 0,
	PM_NET_UDP,
	PM_NET_SCTP, /* parsed like podman; refused by pm_net_config_check (no helper has it) */
};

/* One -p mapping: host [host_port, host_port+range) -> container [ctr_port, ctr_port+range). */
struct pm_net_port {
	char host_ip[46];   /* "" = all addresses (0.0.0.0); IPv6 without brackets */
	uint16_t host_port; /* 0 = pick a free one at start (the whole range for range > 1) */
	uint16_t ctr_port;
	uint16_t range; /* >= 1 */
	int proto;	/* enum pm_net_proto */
};

/* Everything networking the user asked for. Strings and arrays are owned (freed by
 * pm_net_config_clear). A zeroed struct is the default: slirp4netns with podman's options
 * once pm_net_config_init() has run (or pm_net_parse_mode(NULL/"")). */
struct pm_net_config {
	int mode; /* enum pm_net_mode */
	/* slirp4netns options (defaults: podman 4.3's) */
	bool allow_host_loopback; /* false */
	bool enable_ipv6;	  /* true */
	uint32_t mtu;		  /* 65520 */
	int port_handler;	  /* enum pm_net_port_handler */
	char *cidr;		  /* NULL = 10.0.2.0/24; else a validated IPv4 CIDR, prefix <= 24 */
	char *outbound_addr, *outbound_addr6;
	/* pasta: extra arguments, as given after "pasta:" split on commas */
	char **pasta_args;
	/* container:NAME|ID (resolved by the engine) */
	char *container;
	/* PM_NET_BRIDGE: the network's name and the NAME:ip=,mac= options as given; the rest
	 * filled by the engine before the start (engine/ctr-networks.h) from the network's
	 * config and the address it picked: the container's address, prefix and MAC (NULL:
	 * the kernel's), the gateway, the subnet, the bridge interface and the host side of
	 * the container's veth in the shared rootless network namespace bridge_netns (a bind
	 * mount of an nsfs file, kept with its slirp4netns by bridge_state_dir) */
	char *bridge_net, *bridge_ip_req, *bridge_mac_req;
	char *bridge_ip, *bridge_mac, *bridge_gw, *bridge_subnet, *bridge_iface, *bridge_veth;
	/* the same for the network's IPv6 subnet (NULL: none; bridge_ip is NULL on a network
	 * with only an IPv6 subnet): NAME:ip6= / --ip6, the address, gateway and subnet */
	char *bridge_ip6_req, *bridge_ip6, *bridge_gw6, *bridge_subnet6;
	unsigned bridge_prefix6;
	char *bridge_ifname;   /* the container's interface (NULL: eth0, which gets the route) */
	char **bridge_aliases; /* --network-alias / connect --alias: more names for its peers */
	/* the container's other user-defined networks (bridge fields only), as eth1... */
	struct pm_net_config *bridge_extra;
	size_t nbridge_extra;
	unsigned bridge_prefix;
	bool bridge_internal;
	bool bridge_dns; /* served by aardvark-dns (the engine wrote its file) */
	char *bridge_netns, *bridge_state_dir;

	struct pm_net_port *ports;
	size_t nports;

	char **dns_servers; /* --dns (validated IP addresses) */
	char **dns_search;  /* --dns-search ("." = none) */
	char **dns_options; /* --dns-option */
	char **add_hosts;   /* --add-host, validated "HOST:IP" */
	bool no_hosts;

	/* Where pm_net_start puts the helper's API socket, pid file and log (an existing
	 * directory the caller owns, e.g. the container's run dir; the socket path
	 * "<run_dir>/slirp.sock" must fit in 107 bytes). */
	char *run_dir;
	/* The pm-monitor program, whose "port-relay" mode is the loopback port relay (set by
	 * the engine; NULL = every port through slirp4netns' add_hostfwd). */
	char *relay_program;
};

/* Defaults (podman 4.3 rootless): slirp4netns, mtu 65520, IPv6 on, no host loopback. */
void pm_net_config_init(struct pm_net_config *cfg);
void pm_net_config_clear(struct pm_net_config *cfg);

/* --network VALUE into cfg->mode and its options (cfg must be initialised). NULL, "",
 * "private", "slirp4netns[:opt=v,...]" (allow_host_loopback=true|false, mtu=N (68..65521),
 * port_handler=slirp4netns|rootlesskit, enable_ipv6=true|false, cidr=A.B.C.D/N,
 * outbound_addr=IPv4|IFACE, outbound_addr6=IPv6|IFACE), "pasta[:ARG,ARG...]", "none",
 * "host", "container:NAME|ID". -EINVAL with a message naming the value otherwise. */
int pm_net_parse_mode(struct pm_net_config *cfg, const char *value, pm_error **err);

/* The mode's name as podman's inspect shows NetworkMode ("slirp4netns", "pasta", "none",
 * "host", "container:ID"); static or cfg-owned string. */
const char *pm_net_mode_name(const struct pm_net_config *cfg);

/* One -p/--publish value: [IP:][HOSTPORT:]CTRPORT[/tcp|/udp|/sctp], ports or ranges
 * (A-B, equal lengths on both sides; a container range with no host port gets a random
 * host range), IPv4 or [IPv6] host address. Appends to *ports. */
int pm_net_parse_publish(const char *spec, struct pm_net_port **ports, size_t *nports,
			 pm_error **err);

/* -P: for every image EXPOSE entry ("80", "80/tcp", "53/udp", "8000-8002/tcp") whose
 * container port and protocol are not published yet, add a mapping to a random host
 * port. Call after all -p values were parsed. */
int pm_net_publish_expose(char *const *expose, struct pm_net_port **ports, size_t *nports,
			  pm_error **err);

/* The canonical spec of one mapping ("127.0.0.1:8080-8081:80-81/udp", "[::1]:8080:80/tcp",
 * "0:80/tcp" for a random host port): pm_net_parse_publish() gives it back unchanged. */
char *pm_net_port_format(const struct pm_net_port *p);

/* Cross-flag rules, as podman: --dns/--dns-search/--dns-option with --network none or
 * container: ("conflicting options: dns and the network mode: none"), --no-hosts with
 * --add-host, sctp (refused: no rootless helper forwards it). Published ports with
 * none/host/container: modes are dropped and 1 is returned: the cli then warns as podman
 * "Port mappings have been discarded as one of the Host, Container, Pod, and None network
 * modes are in use". 0 otherwise. */
int pm_net_config_check(struct pm_net_config *cfg, pm_error **err);

/* Flag validation (podman's messages). */
int pm_net_validate_dns(const char *server, pm_error **err);	    /* an IP address */
int pm_net_validate_dns_search(const char *domain, pm_error **err); /* a domain or "." */
int pm_net_validate_dns_option(const char *opt, pm_error **err);    /* no blanks, not empty */
/* --add-host HOST:IP (IPv6 unbracketed: "h:2001:db8::1"); *ret_host and *ret_ip may be NULL. */
int pm_net_parse_add_host(const char *spec, char **ret_host, char **ret_ip, pm_error **err);

/* ---- generated files (pure) ---- */

/* /etc/resolv.conf content. host_resolv: the host's resolv.conf text (NULL = none).
 * slirp4netns: "nameserver <cidr base+3>" first then the host's non-loopback servers (or
 * 8.8.8.8/8.8.4.4 and Google's IPv6 pair when none remain), host's search and options;
 * --dns replaces all servers, --dns-search/--dns-option replace search/options ("." = no
 * search line). pasta: the same without the slirp DNS. host: the host's servers
 * unfiltered. none: empty. container: the joined container's file (-EINVAL here). */
int pm_net_resolv_conf(const struct pm_net_config *cfg, const char *host_resolv, char **ret,
		       pm_error **err);

/* /etc/hosts content as podman 4.3: --add-host entries, then the base file's entries
 * (base_hosts: the host's /etc/hosts text; NULL/empty = "127.0.0.1 localhost" and
 * "::1 localhost"), then "host.containers.internal" -> host_ip (unless already named or
 * host_ip NULL/""), then the container's address (slirp4netns: cidr base+100, none:
 * 127.0.0.1, pasta: host_ip; none for host mode) with hostname and name, leaving out names
 * already present. Lines are "IP<TAB>name name...". hostname and name may be NULL. */
int pm_net_hosts_file(const struct pm_net_config *cfg, const char *hostname, const char *name,
		      const char *base_hosts, const char *host_ip, char **ret, pm_error **err);

/* ---- user-defined networks (bridge.c), called inside pm's rootless user namespace ----
 * pm_net_bridge_attach: the shared rootless network namespace (made on first use: a bind
 * mount at cfg->bridge_netns, its slirp4netns (--enable-ipv6) for the outside, IPv4 and
 * IPv6 forwarding and a MASQUERADE rule per subnet when iptables / ip6tables work there),
 * the network's bridge in it (the gateways' addresses), a veth pair into the network
 * namespace of netns_pid as eth0 with the container's addresses (bridge_ip, bridge_ip6 or
 * both) and default routes. pm_net_bridge_teardown: end that slirp4netns and
 * remove the namespace (the caller knows no container uses it any more). Both serialised
 * by <bridge_state_dir>/netns.lock. */
int pm_net_bridge_attach(const struct pm_net_config *cfg, pid_t netns_pid, pm_error **err);
int pm_net_bridge_teardown(const char *netns_path, const char *state_dir);
/* ---- names on user-defined networks (aardvark.c) ----
 * One aardvark-dns in the shared namespace serves the networks with DNS on: its config
 * directory pm_net_dns_dir(state_dir) holds a file per network (the engine writes them:
 * "GW[,GW6]" then "ID IPV4 IPV6 NAME,ALIAS...,SHORTID" lines). pm_net_bridge_attach of a
 * config with bridge_dns starts it (or makes it reload) once the bridge has its gateway;
 * pm_net_dns_update(-1, state_dir) makes a running one reload (SIGHUP: it exits by itself
 * when no file is left); pm_net_bridge_teardown ends it and removes the directory.
 * pm_net_dns_binary: podman's aardvark-dns (its helper directories; $PM_NET_DNS_BINARY_ENV
 * names another, "" none), NULL when missing. */
#define PM_NET_DNS_BINARY_ENV "_PM_AARDVARK_DNS"
#define PM_NET_DNS_DIR	      ".aardvark-dns"
char *pm_net_dns_binary(void);
char *pm_net_dns_dir(const char *state_dir);
int pm_net_dns_update(int nsfd, const char *state_dir, pm_error **err);

/* `unshare --rootless-netns`: the shared namespace at netns_path (made with its slirp4netns
 * when missing: *ret_made) opened into *ret_fd. */
int pm_net_bridge_netns_open(const char *netns_path, const char *state_dir, int *ret_fd,
			     bool *ret_made, pm_error **err);
/* `network disconnect`: delete the container's interface ifname (its veth pair goes). */
int pm_net_bridge_detach(pid_t netns_pid, const char *ifname, pm_error **err);

/* The slirp4netns addresses for cfg's cidr: container (base+100), gateway/host (base+2),
 * DNS (base+3), as dotted quads (buffers of 16 bytes, any may be NULL). */
int pm_net_slirp_addrs(const struct pm_net_config *cfg, char *ret_ctr, char *ret_gw, char *ret_dns,
		       pm_error **err);

/* ---- host facts (read the machine) ---- */

/* resolv (pm_net_resolv_conf's text) for a container on user-defined networks with DNS on,
 * as podman 4.3 gives it: their gateways (servers) as the first nameservers; "dns.podman"
 * first in the search line (made when missing), or with the user's --dns-search
 * (user_search) the host's search domains (from host_resolv) after the user's. */
int pm_net_resolv_add_network(const char *resolv, char *const *servers, bool user_search,
			      const char *host_resolv, char **ret);

/* The host's resolv.conf text; when it names only systemd-resolved's stub (127.0.0.53) and
 * /run/systemd/resolve/resolv.conf exists, that file instead (as podman). Missing file:
 * *ret = "" and 0. */
int pm_net_read_host_resolv(char **ret, pm_error **err);

/* podman 4.3 rootless host.containers.internal: the first non-loopback IPv4 address of the
 * host (else the first non-loopback IPv6), into buf (>= 46 bytes); "" when none. */
void pm_net_host_ip(char *buf, size_t len);

/* One batch of an RTM_GETADDR dump: the first non-loopback IPv4 address into v4 and IPv6
 * into v6 where they are still empty; 1 when the batch ends the dump (NLMSG_DONE or
 * NLMSG_ERROR), else 0. Pure (unit tested). */
int pm_net_host_ip_parse(const void *buf, size_t len, char *v4, size_t v4len, char *v6,
			 size_t v6len);

/* ---- lifetime ---- */

struct pm_net; /* opaque handle of a running helper */

/* Start the network helper for the network namespace of netns_pid (see the top of this
 * file). For modes none/host/container there is nothing to run: *ret is a handle anyway
 * (pm_net_stop accepts it). Random host ports are chosen here. */
int pm_net_start(const struct pm_net_config *cfg, pid_t netns_pid, struct pm_net **ret,
		 pm_error **err);

/* The published ports with random host ports resolved (valid until pm_net_stop). */
const struct pm_net_port *pm_net_ports(const struct pm_net *net, size_t *ret_n);

/* The same in two halves (issue #20), so that the helper comes up while pm prepares the
 * container instead of before or after it:
 *   pm_net_netns_new()   a new network namespace (owned by the caller's user namespace), as
 *                        an fd; the runtime's init joins it (pm_runtime_start_opts.netns_fd)
 *   pm_net_launch()      picks random host ports, binds the relay's listeners and starts the
 *                        helper for that namespace; does not wait for it. cfg must stay
 *                        valid until pm_net_ready.
 *   pm_net_ready()       waits until the helper has configured the interface, publishes the
 *                        ports: call it before the container's command runs. On failure the
 *                        helper is ended and its files removed (the error says why, as
 *                        pm_net_start's); net is still the caller's to pm_net_stop.
 * pm_net_stop() also ends a helper that was launched and never made ready. */
int pm_net_netns_new(int *ret_fd, pm_error **err);
int pm_net_launch(const struct pm_net_config *cfg, int netns_fd, struct pm_net **ret,
		  pm_error **err);
int pm_net_ready(struct pm_net *net, pm_error **err);

/* pid of the helper process (0 when none). */
pid_t pm_net_helper_pid(const struct pm_net *net);

/* End the helper (exit fd closed / SIGTERM, then SIGKILL after 5 s), wait for it, remove
 * its socket and files, free net. Accepts NULL. Returns 0 or a negative errno when the
 * helper could not be waited for. */
int pm_net_stop(struct pm_net *net);

/* What pm_net_handover gives the new program image (fds no longer close-on-exec, -1 when
 * absent). */
struct pm_net_handover {
	int pidfd;	 /* the helper (slirp4netns or pasta) */
	int exit_fd;	 /* write end of the exit pipe of slirp4netns and the port relay */
	int relay_pidfd; /* the loopback port relay */
	/* wait for the helper to be gone before going on: it holds published host ports.
	 * Without ports the stopper need not wait for slirp4netns' own exit (its tap device
	 * teardown costs tens of ms): closing the exit fd is enough, it goes by itself. */
	bool wait;
};

/* For a monitor that execs a smaller program to watch the container: hand the running
 * helpers over to the new program image and free net without stopping anything. The new
 * program ends them as pm_net_stop() would (close the exit fd, or SIGTERM through the
 * pidfd for pasta); the socket and pid files are left to the container's cleanup (its run
 * dir). Accepts NULL (all -1). */
void pm_net_handover(struct pm_net *net, struct pm_net_handover *ret);

/* ---- output (pure) ---- */

/* {"80/tcp":[{"HostIp":"","HostPort":"8080"}], ...}: keys sorted as Go's encoding/json
 * does, ranges expanded, 0.0.0.0 shown as "". "{}" for none. */
char *pm_net_ports_json(const struct pm_net_port *ports, size_t n);

/* ps PORTS column: "0.0.0.0:8080->80/tcp, 127.0.0.1:9000-9001->90-91/udp" ("" for none). */
char *pm_net_ports_ps(const struct pm_net_port *ports, size_t n);

/* `pm port` lines "80/tcp -> 0.0.0.0:8080\n" (ranges expanded). filter: NULL for all, or
 * "80" / "80/udp" (then only "0.0.0.0:8080\n" lines for it, as podman; -ENOENT and *ret
 * NULL when nothing matches). */
int pm_net_port_lines(const struct pm_net_port *ports, size_t n, const char *filter, char **ret,
		      pm_error **err);
