/* slirp.c: slirp4netns for a container's network namespace, started as podman 4.3 does
 * (--mtu=65520 --enable-sandbox --enable-seccomp -c -e EXIT_FD -r READY_FD -a SOCKET
 * --netns-type=path /proc/self/fd/5 tap0: the namespace handed over as an fd, it may have no
 * process yet), started by pm_net_slirp_launch and waited for by pm_net_slirp_ready, its
 * JSON API socket for port forwards
 * (add_hostfwd), and the loopback port relay beside it (net.h, enum pm_net_port_handler):
 * its listeners bound here, then `pm-monitor port-relay` started on the same exit pipe.
 * Must not leave a process, listener or socket behind on failure. Called by lifetime.c. */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/fileutil.h"
#include "lib/helper-output.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "lib/timeutil.h"
#include "netslirp/probe.h"
#include "netslirp/slirp.h"

#define READY_TIMEOUT_MS 10000
#define API_TIMEOUT_MS	 5000
#define API_MAX_REPLY	 4096

/* One request on a fresh connection; slirp4netns answers and closes. */
static int api_call(const char *sock_path, const json_t *req, json_t **ret, pm_error **err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return pm_error_set_errno(err, errno, "slirp4netns API socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return pm_error_set_errno(err, errno, "connecting to slirp4netns API '%s'",
					  sock_path);
	_cleanup_free_ char *body = json_dumps(req, JSON_COMPACT);
	if (!body)
		return pm_error_set(err, ENOMEM, "encoding slirp4netns request");
	size_t len = strlen(body);
	if (send(fd, body, len, MSG_NOSIGNAL) != (ssize_t)len)
		return pm_error_set_errno(err, errno ? errno : EIO, "writing to slirp4netns API");

	char buf[API_MAX_REPLY + 1];
	size_t got = 0;
	int64_t deadline = pm_time_clock_ns(CLOCK_MONOTONIC) / 1000000 + API_TIMEOUT_MS;
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int64_t left = deadline - pm_time_clock_ns(CLOCK_MONOTONIC) / 1000000;
		int r = poll(&p, 1, left > 0 ? (int)left : 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return pm_error_set(err, ETIMEDOUT, "no reply from slirp4netns API");
		ssize_t n = read(fd, buf + got, API_MAX_REPLY - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return pm_error_set_errno(err, errno, "reading slirp4netns API reply");
		got += (size_t)n;
		/* a complete JSON value ends the reply (slirp4netns closes after it) */
		buf[got] = '\0';
		json_error_t je;
		json_t *j = json_loadb(buf, got, 0, &je);
		if (j) {
			*ret = j;
			return 0;
		}
		if (n == 0 || got == API_MAX_REPLY)
			return pm_error_set(err, EBADMSG, "bad slirp4netns API reply '%s'", buf);
	}
}

static const char *proto_str(int proto)
{
	return proto == PM_NET_UDP ? "udp" : "tcp";
}

/* Forward host port p->host_port+k on addr (NULL = the mapping's own: p->host_ip or all). */
static int add_hostfwd(const char *sock_path, const struct pm_net_port *p, uint16_t k,
		       const char *addr, bool ipv6, pm_error **err)
{
	unsigned host = p->host_port + k, ctr = p->ctr_port + k;
	const char *host_ip = addr ? addr : p->host_ip[0] ? p->host_ip : "0.0.0.0";
	/* no guest_addr: slirp4netns uses its own (cidr base+100, and fd00::100 for IPv6 forwards)
	 */
	_cleanup_json_ json_t *req =
		json_pack("{s:s, s:{s:s, s:s, s:i, s:i}}", "execute", "add_hostfwd", "arguments",
			  "proto", proto_str(p->proto), "host_addr", host_ip, "host_port",
			  (int)host, "guest_port", (int)ctr);
	_cleanup_json_ json_t *reply = NULL;
	if (!req)
		return pm_error_set(err, ENOMEM, "encoding slirp4netns request");
	if (api_call(sock_path, req, &reply, err) < 0)
		return pm_error_prefix(err, "publishing port %u/%s", ctr, proto_str(p->proto));
	if (json_object_get(reply, "return"))
		return 0;
	const char *desc = pm_json_string(json_object_get(reply, "error"), "desc");
	/* slirp4netns does not say why: find out by trying the bind ourselves */
	int e = pm_net_probe_port(addr ? addr : p->host_ip, (uint16_t)host, p->proto,
				  !addr && ipv6 && !p->host_ip[0]);
	if (e > 0)
		return pm_error_set(err, e, "cannot publish port %u/%s on '%s:%u': %s", ctr,
				    proto_str(p->proto), host_ip, host, strerror(e));
	return pm_error_set(err, EIO, "cannot publish port %u/%s on '%s:%u': slirp4netns: %s", ctr,
			    proto_str(p->proto), host_ip, host, desc ? desc : "unknown error");
}

/* Wait for the ready byte; EOF means the helper (what) died first. */
static int wait_ready(int ready_fd, const char *what, pm_error **err)
{
	int64_t deadline = pm_time_clock_ns(CLOCK_MONOTONIC) / 1000000 + READY_TIMEOUT_MS;
	for (;;) {
		struct pollfd p = {.fd = ready_fd, .events = POLLIN};
		int64_t left = deadline - pm_time_clock_ns(CLOCK_MONOTONIC) / 1000000;
		int r = poll(&p, 1, left > 0 ? (int)left : 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return pm_error_set_errno(err, errno, "waiting for %s", what);
		if (r == 0)
			return pm_error_set(err, ETIMEDOUT, "%s was not ready in %d s", what,
					    READY_TIMEOUT_MS / 1000);
		char c;
		ssize_t n = read(ready_fd, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 1)
			return 0;
		return pm_error_set(err, EPIPE, "%s exited before it was ready", what);
	}
}

/* The loopback port relay's part of a start: its listeners (bound here, in the host's
 * network namespace, before anything runs), the host addresses slirp4netns forwards the
 * same ports on, and the arguments naming them. */
struct pm_net_relay_plan {
	int *lfds;
	size_t nl;
	char **args;  /* --listen/--track/--known pairs (fd numbers filled at spawn) */
	char **addrs; /* non-loopback IPv4 host addresses, for ports on all addresses */
	bool all;     /* some port is published on all addresses */
	/* kept from the launch for the relay's spawn at ready: the read end of slirp4netns'
	 * exit pipe (the relay leaves with it) and the log (0 = none: closed by launch) */
	int exit_rd, log_fd;
};

static void relay_plan_clear(struct pm_net_relay_plan *rp)
{
	for (size_t i = 0; i < rp->nl; i++)
		close(rp->lfds[i]);
	free(rp->lfds);
	pm_strv_free(rp->args);
	pm_strv_free(rp->addrs);
	if (rp->exit_rd > 0)
		close(rp->exit_rd);
	if (rp->log_fd > 0)
		close(rp->log_fd);
	*rp = (struct pm_net_relay_plan){0};
}

static bool relayed(const struct pm_net_config *cfg, const struct pm_net_port *p)
{
	return cfg->relay_program && cfg->run_dir &&
	       cfg->port_handler == PM_NET_PORT_HANDLER_ROOTLESSKIT && p->proto == PM_NET_TCP &&
	       (!p->host_ip[0] || strcmp(p->host_ip, "127.0.0.1") == 0);
}

/* The host's IPv4 addresses outside 127.0.0.0/8, each once. */
static char **host_addrs(void)
{
	struct ifaddrs *ifa = NULL;
	char **v = NULL;
	if (getifaddrs(&ifa) < 0)
		return NULL;
	for (struct ifaddrs *i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET)
			continue;
		const struct in_addr *a = &((const struct sockaddr_in *)i->ifa_addr)->sin_addr;
		if ((ntohl(a->s_addr) >> 24) == 127)
			continue;
		char buf[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, a, buf, sizeof(buf));
		if (!pm_strv_contains(v, buf))
			pm_strv_push(&v, buf);
	}
	freeifaddrs(ifa);
	return v;
}

static void add_listener(struct pm_net_relay_plan *rp, int fd, unsigned ctr, bool udp)
{
	rp->lfds = pm_xrealloc(rp->lfds, (rp->nl + 1) * sizeof(*rp->lfds));
	rp->lfds[rp->nl++] = fd;
	pm_strv_push(&rp->args, udp ? "--listen-udp" : "--listen");
	pm_strv_consume(&rp->args, pm_xasprintf("%u", ctr));
}

/* Bind the relay's listeners for every relayed mapping: 127.0.0.1 (and [::1] where it can)
 * for ports on all addresses, after checking that the port is free on all of them. */
static int relay_bind(const struct pm_net_config *cfg, const struct pm_net *net,
		      struct pm_net_relay_plan *rp, pm_error **err)
{
	for (size_t i = 0; i < net->nports; i++) {
		const struct pm_net_port *p = &net->ports[i];
		if (!relayed(cfg, p))
			continue;
		bool all = !p->host_ip[0];
		rp->all |= all;
		for (uint16_t k = 0; k < p->range; k++) {
			unsigned host = p->host_port + k, ctr = p->ctr_port + k;
			const char *shown = all ? "0.0.0.0" : p->host_ip;
			int e = all ? pm_net_probe_port("", (uint16_t)host, PM_NET_TCP, false) : 0;
			int fd = e ? -e : pm_net_listen_tcp("127.0.0.1", (uint16_t)host);
			if (fd < 0)
				return pm_error_set(err, -fd,
						    "cannot publish port %u/tcp on '%s:%u': %s",
						    ctr, shown, host, strerror(-fd));
			add_listener(rp, fd, ctr, false);
			if (!all)
				continue;
			/* IPv6 loopback clients too ("localhost" may be ::1 first); best effort:
			 * slirp4netns never forwarded IPv6 for these ports */
			fd = pm_net_listen_tcp("::1", (uint16_t)host);
			if (fd >= 0)
				add_listener(rp, fd, ctr, false);
			pm_strv_push(&rp->args, "--track");
			pm_strv_consume(&rp->args, pm_xasprintf("%u:%u", host, ctr));
		}
	}
	if (rp->all)
		rp->addrs = host_addrs();
	for (size_t i = 0; rp->addrs && rp->addrs[i]; i++) {
		pm_strv_push(&rp->args, "--known");
		pm_strv_push(&rp->args, rp->addrs[i]);
	}
	return 0;
}

/* Start the relay (pm-monitor port-relay) for the listeners in rp: it enters the network
 * namespace nsfd and leaves when exit_rd hangs up, like slirp4netns. */
static int relay_spawn(const struct pm_net_config *cfg, int nsfd, const char *sock,
		       struct pm_net_relay_plan *rp, int exit_rd, int log_fd, pid_t *ret_pid,
		       int *ret_pidfd, pm_error **err)
{
	int readyp[2];
	if (pipe2(readyp, O_CLOEXEC) < 0)
		return pm_error_set_errno(err, errno, "pipe");
	_cleanup_close_ int ready_rd = readyp[0], ready_wr = readyp[1];

	_cleanup_strv_ char **argv = NULL;
	pm_strv_push(&argv, cfg->relay_program);
	pm_strv_push(&argv, "port-relay");
	pm_strv_push(&argv, "--exit-fd");
	pm_strv_push(&argv, "3");
	pm_strv_push(&argv, "--ready-fd");
	pm_strv_push(&argv, "4");
	pm_strv_push(&argv, "--netns-fd");
	pm_strv_push(&argv, "5");
	if (rp->all) {
		pm_strv_push(&argv, "--api");
		pm_strv_push(&argv, sock);
	}
	size_t npass = 3 + rp->nl;
	_cleanup_free_ int *pass = pm_xcalloc(npass, sizeof(*pass));
	pass[0] = exit_rd;
	pass[1] = ready_wr;
	pass[2] = nsfd;
	size_t l = 0;
	for (size_t i = 0; rp->args[i]; i += 2) {
		pm_strv_push(&argv, rp->args[i]);
		if (strcmp(rp->args[i], "--listen") == 0 ||
		    strcmp(rp->args[i], "--listen-udp") == 0) {
			pass[3 + l] = rp->lfds[l];
			/* FD:CTRPORT, the fd as the relay will see it */
			pm_strv_consume(&argv, pm_xasprintf("%zu:%s", 6 + l, rp->args[i + 1]));
			l++;
		} else {
			pm_strv_push(&argv, rp->args[i + 1]);
		}
	}
	int r = pm_net_spawn(argv, pass, npass, log_fd, false, ret_pid, ret_pidfd, err);
	if (r < 0)
		return r;
	closep(&ready_wr);
	ready_wr = -1;
	r = wait_ready(ready_rd, "the port relay", err);
	if (r < 0)
		pm_net_kill_wait(*ret_pid, ret_pidfd, true, false, 2000);
	return r;
}

void pm_net_relay_plan_free(struct pm_net_relay_plan *rp)
{
	if (!rp)
		return;
	relay_plan_clear(rp);
	free(rp);
}

/* The cause of a failure in the helper's log (a file or a memfd), or NULL. */
static char *log_reason(const struct pm_net *net)
{
	if (net->log_path || net->log_fd < 0)
		return pm_net_log_reason(net->log_path);
	size_t cap = 4096, len = 0;
	_cleanup_free_ char *data = pm_xcalloc(1, cap + 1);
	for (;;) {
		ssize_t n = pread(net->log_fd, data + len, cap - len, (off_t)len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == cap) {
			if (cap >= (1 << 20))
				break;
			cap *= 2;
			data = pm_xrealloc(data, cap + 1);
		}
	}
	data[len] = '\0';
	return len ? pm_helper_reason(data) : NULL;
}

int pm_net_slirp_launch(const struct pm_net_config *cfg, int netns_fd, struct pm_net *net,
			pm_error **err)
{
	const char *cmd_path = getenv(PM_NET_CMD_PATH_ENV);
	if (cmd_path && access(cmd_path, X_OK) < 0)
		return pm_error_set_errno(err, errno, "--network-cmd-path '%s'", cmd_path);
	_cleanup_free_ char *exe =
		cmd_path ? pm_xstrdup(cmd_path) : pm_find_executable("slirp4netns");
	if (!exe)
		return pm_error_set(err, ENOENT,
				    "'slirp4netns' not found in $PATH: install the slirp4netns "
				    "package, or use --network pasta, none or host");
	if (net->nports && !cfg->run_dir)
		return pm_error_set(err, EINVAL, "publishing ports needs a run directory");

	/* the relay's ports first: a busy one fails before anything runs */
	struct pm_net_relay_plan *rp = pm_xcalloc(1, sizeof(*rp));
	net->relay = rp;
	int r = relay_bind(cfg, net, rp, err);
	if (r < 0)
		return r;

	/* the API socket only for published ports (as podman: it is for add_hostfwd) */
	_cleanup_free_ char *sock = NULL, *log_path = NULL;
	_cleanup_close_ int log_fd = -1, log_mem = -1;
	if (cfg->run_dir && net->nports) {
		sock = pm_path_join(cfg->run_dir, "slirp.sock");
		if (strlen(sock) >= sizeof(((struct sockaddr_un *)0)->sun_path))
			return pm_error_set(err, ENAMETOOLONG,
					    "slirp4netns API socket path '%s' is too long", sock);
	}
	if (cfg->run_dir) {
		log_path = pm_path_join(cfg->run_dir, "slirp4netns.log");
		log_fd =
			open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (log_fd < 0)
			return pm_error_set_errno(err, errno, "creating '%s'", log_path);
	} else {
		/* no run dir yet (launched before the container exists, engine/net.h): the
		 * log in memory, read back only when the helper fails */
		log_fd = memfd_create("slirp4netns.log", MFD_CLOEXEC);
		if (log_fd < 0)
			return pm_error_set_errno(err, errno, "slirp4netns log");
		log_mem = fcntl(log_fd, F_DUPFD_CLOEXEC, 3);
		if (log_mem < 0)
			return pm_error_set_errno(err, errno, "slirp4netns log");
	}

	int exitp[2], readyp[2];
	if (pipe2(exitp, O_CLOEXEC) < 0)
		return pm_error_set_errno(err, errno, "pipe");
	if (pipe2(readyp, O_CLOEXEC) < 0) {
		int e = errno;
		close(exitp[0]);
		close(exitp[1]);
		return pm_error_set_errno(err, e, "pipe");
	}
	_cleanup_close_ int exit_rd = exitp[0], exit_wr = exitp[1];
	_cleanup_close_ int ready_rd = readyp[0], ready_wr = readyp[1];
	_cleanup_close_ int nsfd = fcntl(netns_fd, F_DUPFD_CLOEXEC, 3);
	if (nsfd < 0)
		return pm_error_set_errno(err, errno, "network namespace fd");

	char mtu[32];
	snprintf(mtu, sizeof(mtu), "--mtu=%u", cfg->mtu);
	_cleanup_strv_ char **argv = NULL;
	pm_strv_push(&argv, exe);
	if (!cfg->allow_host_loopback)
		pm_strv_push(&argv, "--disable-host-loopback");
	pm_strv_push(&argv, mtu);
	pm_strv_push(&argv, "--enable-sandbox");
	pm_strv_push(&argv, "--enable-seccomp");
	if (cfg->enable_ipv6)
		pm_strv_push(&argv, "--enable-ipv6");
	if (cfg->cidr)
		pm_strv_consume(&argv, pm_xasprintf("--cidr=%s", cfg->cidr));
	if (cfg->outbound_addr)
		pm_strv_consume(&argv, pm_xasprintf("--outbound-addr=%s", cfg->outbound_addr));
	if (cfg->outbound_addr6)
		pm_strv_consume(&argv, pm_xasprintf("--outbound-addr6=%s", cfg->outbound_addr6));
	pm_strv_push(&argv, "-c");
	pm_strv_push(&argv, "-e");
	pm_strv_push(&argv, "3");
	pm_strv_push(&argv, "-r");
	pm_strv_push(&argv, "4");
	if (sock) {
		pm_strv_push(&argv, "-a");
		pm_strv_push(&argv, sock);
	}
	/* the namespace as an fd of its own (fd 5): it may have no process in it yet */
	pm_strv_push(&argv, "--netns-type=path");
	pm_strv_push(&argv, "/proc/self/fd/5");
	pm_strv_push(&argv, "tap0");

	pid_t pid;
	int pidfd;
	const int pass[3] = {exit_rd, ready_wr, nsfd};
	r = pm_net_spawn(argv, pass, 3, log_fd, false, &pid, &pidfd, err);
	if (r < 0)
		return r;
	pm_log_debug("slirp4netns started (pid %d)", (int)pid);
	net->pid = pid;
	net->pidfd = pidfd;
	net->is_child = true;
	net->exit_fd = TAKE_FD(exit_wr);
	net->ready_fd = TAKE_FD(ready_rd);
	net->netns_fd = TAKE_FD(nsfd);
	net->sock_path = TAKE_PTR(sock);
	net->log_path = TAKE_PTR(log_path);
	net->log_fd = TAKE_FD(log_mem);
	if (rp->nl) {
		rp->exit_rd = TAKE_FD(exit_rd);
		rp->log_fd = log_fd >= 0 ? TAKE_FD(log_fd) : -1;
	}
	return 0;
}

int pm_net_slirp_ready(struct pm_net *net, pm_error **err)
{
	const struct pm_net_config *cfg = net->cfg;
	struct pm_net_relay_plan *rp = net->relay;
	const char *sock = net->sock_path;
	int r = wait_ready(net->ready_fd, "slirp4netns", err);
	for (size_t i = 0; r >= 0 && i < net->nports; i++) {
		const struct pm_net_port *p = &net->ports[i];
		bool rel = relayed(cfg, p);
		if (rel && p->host_ip[0])
			continue; /* 127.0.0.1: the relay's alone */
		for (uint16_t k = 0; r >= 0 && k < p->range; k++) {
			if (!rel) {
				r = add_hostfwd(sock, p, k, NULL, cfg->enable_ipv6, err);
				continue;
			}
			/* all addresses: the relay has loopback, slirp4netns the others */
			for (size_t a = 0; r >= 0 && rp->addrs && rp->addrs[a]; a++)
				r = add_hostfwd(sock, p, k, rp->addrs[a], false, err);
		}
	}
	if (r >= 0 && rp->nl)
		r = relay_spawn(cfg, net->netns_fd, sock, rp, rp->exit_rd, rp->log_fd,
				&net->relay_pid, &net->relay_pidfd, err);
	if (r < 0) {
		/* closing the exit fd ends it; SIGKILL if it does not go */
		closep(&net->exit_fd);
		net->exit_fd = -1;
		pm_net_kill_wait(net->pid, &net->pidfd, true, true, 2000);
		net->pid = 0;
		_cleanup_free_ char *why = log_reason(net);
		if ((r == -EPIPE || r == -ETIMEDOUT) && err && *err) {
			_cleanup_error_ pm_error *old = TAKE_PTR(*err);
			pm_error_set(err, -r, "%s%s%s; %s", old->msg, why ? ": " : "",
				     why ? why : "", pm_helper_advice(why));
		}
		if (net->sock_path)
			unlink(net->sock_path);
		if (net->log_path)
			unlink(net->log_path);
		return r;
	}
	return 0;
}

int pm_net_bridge_ports_bind(struct pm_net *net, pm_error **err)
{
	struct pm_net_relay_plan *rp = pm_xcalloc(1, sizeof(*rp));
	net->relay = rp;
	for (size_t i = 0; i < net->nports; i++) {
		const struct pm_net_port *p = &net->ports[i];
		const char *addr = p->host_ip[0] ? p->host_ip : "0.0.0.0";
		bool udp = p->proto == PM_NET_UDP;
		for (uint16_t k = 0; k < p->range; k++) {
			unsigned host = p->host_port + k, ctr = p->ctr_port + k;
			int fd = udp ? pm_net_bind_udp(addr, (uint16_t)host)
				     : pm_net_listen_tcp(addr, (uint16_t)host);
			if (fd < 0)
				return pm_error_set(err, -fd,
						    "cannot publish port %u/%s on '%s:%u': %s", ctr,
						    proto_str(p->proto), addr, host, strerror(-fd));
			add_listener(rp, fd, ctr, udp);
		}
	}
	return 0;
}

int pm_net_bridge_ports_start(const struct pm_net_config *cfg, pid_t netns_pid, struct pm_net *net,
			      pm_error **err)
{
	struct pm_net_relay_plan *rp = net->relay;
	if (!rp || !rp->nl)
		return 0;
	if (!cfg->relay_program)
		return pm_error_set(err, EINVAL, "publishing ports: no port relay program");
	char ns[64];
	snprintf(ns, sizeof(ns), "/proc/%d/ns/net", (int)netns_pid);
	_cleanup_close_ int nsfd = open(ns, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		return pm_error_set_errno(err, errno, "opening '%s'", ns);
	int exitp[2];
	if (pipe2(exitp, O_CLOEXEC) < 0)
		return pm_error_set_errno(err, errno, "pipe");
	_cleanup_close_ int exit_rd = exitp[0], exit_wr = exitp[1];
	pid_t pid = 0;
	int pidfd = -1;
	int r = relay_spawn(cfg, nsfd, NULL, rp, exit_rd, -1, &pid, &pidfd, err);
	if (r < 0)
		return r;
	net->pid = pid;
	net->pidfd = pidfd;
	net->is_child = true;
	net->exit_fd = TAKE_FD(exit_wr);
	return 0;
}
