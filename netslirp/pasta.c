/* pasta.c: pasta (passt package) for a container's network namespace, with podman 4.4's
 * arguments (--config-net, -t/-u per published port, "none" for the unused directions,
 * --no-map-gw unless the user gave --map-gw). pasta runs in the foreground as our child
 * (SIGTERM when we die, like slirp4netns' exit fd) and reports readiness by writing its
 * pid to a pipe (-P /proc/self/fd/4); the namespace is handed over as an fd
 * (--netns /proc/self/fd/3) because pasta, having dropped its capabilities, may not open
 * another process' /proc/PID/ns/net itself. A client on the host's loopback gets pasta's
 * spliced path (splice(2) into a socket pasta opens on the container's lo, which pasta
 * brings up; the container sees the peer 127.0.0.1); other clients go through the tap
 * device (peer: the gateway). passt 2023_02 has no option that tunes either: on 2 CPUs the
 * spliced path is as fast as a bare splice relay (tests/bench/net.sh). Called by lifetime.c. */
#include <errno.h>
#if defined(__x86_64__) && __has_include(<sys/platform/x86.h>)
#include <sys/platform/x86.h>
#endif
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/fileutil.h"
#include "lib/helper-output.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "lib/timeutil.h"
#include "netslirp/pasta.h"
#include "netslirp/probe.h"

#define READY_TIMEOUT_MS 10000

char **pm_net_pasta_argv(const char *exe, const struct pm_net_config *cfg,
			 const struct pm_net_port *ports, size_t nports, pid_t netns_pid,
			 const char *pid_path)
{
	char **argv = NULL;
	bool tcp = false, udp = false, tcp_ns = false, udp_ns = false, map_gw = false;
	pm_strv_push(&argv, exe);
	pm_strv_push(&argv, "--config-net");
	for (size_t i = 0; i < nports; i++) {
		const struct pm_net_port *p = &ports[i];
		pm_strv_push(&argv, p->proto == PM_NET_UDP ? "-u" : "-t");
		char addr[64] = "";
		if (p->host_ip[0])
			snprintf(addr, sizeof(addr), "%s/", p->host_ip);
		pm_strv_consume(&argv, pm_xasprintf("%s%u-%u:%u-%u", addr, p->host_port,
						    p->host_port + p->range - 1, p->ctr_port,
						    p->ctr_port + p->range - 1));
	}
	for (char **a = cfg->pasta_args; a && *a; a++) {
		if (strcmp(*a, "--map-gw") == 0) { /* podman's pseudo option */
			map_gw = true;
			continue;
		}
		pm_strv_push(&argv, *a);
	}
	for (char **a = argv + 1; *a; a++) {
		tcp |= strcmp(*a, "-t") == 0 || strcmp(*a, "--tcp-ports") == 0;
		udp |= strcmp(*a, "-u") == 0 || strcmp(*a, "--udp-ports") == 0;
		tcp_ns |= strcmp(*a, "-T") == 0 || strcmp(*a, "--tcp-ns") == 0;
		udp_ns |= strcmp(*a, "-U") == 0 || strcmp(*a, "--udp-ns") == 0;
		map_gw |= strcmp(*a, "--no-map-gw") == 0;
	}
	const char *none[4][2] = {{"-t", tcp ? NULL : "none"},
				  {"-u", udp ? NULL : "none"},
				  {"-T", tcp_ns ? NULL : "none"},
				  {"-U", udp_ns ? NULL : "none"}};
	for (int i = 0; i < 4; i++)
		if (none[i][1]) {
			pm_strv_push(&argv, none[i][0]);
			pm_strv_push(&argv, none[i][1]);
		}
	if (!map_gw)
		pm_strv_push(&argv, "--no-map-gw");
	pm_strv_push(&argv, "-f");
	pm_strv_push(&argv, "-q");
	pm_strv_push(&argv, "-P");
	pm_strv_push(&argv, pid_path);
	pm_strv_push(&argv, "--netns");
	if (netns_pid > 0) {
		char ns[64];
		snprintf(ns, sizeof(ns), "/proc/%d/ns/net", (int)netns_pid);
		pm_strv_push(&argv, ns);
	} else {
		pm_strv_push(&argv, "/proc/self/fd/3");
	}
	return argv;
}

/* Does a netlink message say a default route of family was added to the main table? */
static bool default_route_added(const char *buf, size_t len, int family)
{
	for (const struct nlmsghdr *h = (const struct nlmsghdr *)buf; NLMSG_OK(h, len);
	     h = NLMSG_NEXT(h, len)) {
		if (h->nlmsg_type != RTM_NEWROUTE ||
		    h->nlmsg_len < NLMSG_LENGTH(sizeof(struct rtmsg)))
			continue;
		const struct rtmsg *rt = NLMSG_DATA(h);
		if (rt->rtm_family == family && rt->rtm_dst_len == 0 &&
		    rt->rtm_table == RT_TABLE_MAIN)
			return true;
	}
	return false;
}

/* Wait for pasta's pid line on the pipe (EOF means it exited), or with route_fd >= 0 for
 * the default route of family in the namespace, whichever comes first. */
static int wait_ready(int fd, int route_fd, int family)
{
	int64_t deadline = pm_time_clock_ns(CLOCK_MONOTONIC) / 1000000 + READY_TIMEOUT_MS;
	for (;;) {
		struct pollfd p[2] = {{.fd = fd, .events = POLLIN},
				      {.fd = route_fd, .events = POLLIN}};
		int64_t left = deadline - pm_time_clock_ns(CLOCK_MONOTONIC) / 1000000;
		int r = poll(p, 2, left > 0 ? (int)left : 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -ETIMEDOUT;
		if (p[1].revents) {
			char buf[8192] __attribute__((aligned(NLMSG_ALIGNTO)));
			ssize_t n;
			while ((n = recv(route_fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
				if (default_route_added(buf, (size_t)n, family))
					return 0;
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				return -errno;
		}
		if (!p[0].revents)
			continue;
		char buf[32];
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		return n > 0 ? 0 : -EPIPE;
	}
}

/* The family of the default route pasta's --config-net adds last: IPv6 when the host has a
 * default IPv6 route (pasta copies the host's), else IPv4 when it has one; 0 for neither. */
static int last_family(void)
{
	_cleanup_free_ char *v6 = NULL, *v4 = NULL;
	if (pm_read_file("/proc/net/ipv6_route", 1 << 20, &v6, NULL, NULL) == 0) {
		/* DEST DLEN SRC SLEN NEXTHOP METRIC REF USE FLAGS DEV */
		for (char *l = v6; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
			char dst[33], dev[32];
			unsigned dlen, flags;
			if (sscanf(l, "%32s %x %*s %*s %*s %*s %*s %*s %x %31s", dst, &dlen, &flags,
				   dev) == 4 &&
			    dlen == 0 && strspn(dst, "0") == 32 && (flags & 0x1) &&
			    !(flags & 0x200) && strcmp(dev, "lo") != 0)
				return AF_INET6;
		}
	}
	if (pm_read_file("/proc/net/route", 1 << 20, &v4, NULL, NULL) == 0) {
		/* Iface Destination Gateway Flags ... (a header line first) */
		for (char *l = v4; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
			char dev[32], dst[16];
			unsigned flags;
			if (sscanf(l, "%31s %15s %*s %x", dev, dst, &flags) == 3 &&
			    strcmp(dst, "00000000") == 0 && (flags & 0x1))
				return AF_INET;
		}
	}
	return 0;
}

/* The fast path (issue #20): without published ports the command needs the interface
 * configured, not the rest of pasta's start-up (its socket and pipe pools, its sandbox:
 * some 2/3 of its time, while the tap device queues what the container sends). pasta's
 * --config-net ends with the default route of the last family it configures; a netlink
 * socket in the namespace, subscribed before pasta starts, sees it come. Not with arguments
 * of the user's (they may change what pasta configures): the pid line then. */
static void route_watch(const struct pm_net_config *cfg, int netns_fd, struct pm_net *net)
{
	for (char **a = cfg->pasta_args; a && *a; a++)
		if (strcmp(*a, "--map-gw") != 0 && strcmp(*a, "--no-map-gw") != 0)
			return;
	int family = last_family();
	if (net->nports || !family)
		return;
	int fd = pm_net_socket_in(netns_fd, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
				  NETLINK_ROUTE);
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK,
				 .nl_groups = family == AF_INET6 ? RTMGRP_IPV6_ROUTE
								 : RTMGRP_IPV4_ROUTE};
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		fd = -1;
	}
	if (fd < 0)
		return;
	net->route_fd = fd;
	net->route_family = family;
}

/* From the features ld.so already read (glibc's <sys/platform/x86.h>): no cpuid here.
 * __builtin_cpu_supports linked libgcc's constructor into pm, which ran cpuid at every
 * start of every command, a trap to the hypervisor in a VM. */
static bool cpu_has_avx2(void)
{
#if defined(__x86_64__) && __has_include(<sys/platform/x86.h>)
	return CPU_FEATURE_ACTIVE(AVX2);
#else
	return false;
#endif
}

int pm_net_pasta_launch(const struct pm_net_config *cfg, int netns_fd, struct pm_net *net,
			pm_error **err)
{
	_cleanup_free_ char *exe = pm_find_executable("pasta");
	if (!exe)
		return pm_error_set(err, ENOENT,
				    "'pasta' not found in $PATH: install the passt package, or "
				    "use --network slirp4netns");
	/* pasta re-executes itself as its AVX2 build where the CPU has AVX2 (passt's
	 * arch_avx2_exec): that build at once, one exec and dynamic link fewer. Its name
	 * (pasta.avx2, beside pasta) still says pasta's mode. */
	if (cpu_has_avx2()) {
		char *avx2 = pm_xasprintf("%s.avx2", exe);
		if (access(avx2, X_OK) == 0) {
			free(exe);
			exe = avx2;
		} else {
			free(avx2);
		}
	}
	_cleanup_free_ char *log_path = NULL;
	_cleanup_close_ int log_fd = -1;
	if (cfg->run_dir) {
		log_path = pm_path_join(cfg->run_dir, "pasta.log");
		log_fd =
			open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (log_fd < 0)
			return pm_error_set_errno(err, errno, "creating '%s'", log_path);
	}
	int pp[2];
	if (pipe2(pp, O_CLOEXEC) < 0)
		return pm_error_set_errno(err, errno, "pipe");
	_cleanup_close_ int ready_rd = pp[0], ready_wr = pp[1];

	_cleanup_strv_ char **argv =
		pm_net_pasta_argv(exe, cfg, net->ports, net->nports, 0, "/proc/self/fd/4");
	route_watch(cfg, netns_fd, net);
	pid_t pid;
	int pidfd;
	/* pasta holds the pipe's read end too (fd 5): its pid line, written after we stopped
	 * reading (the fast path), must not fail on a pipe without readers */
	const int pass[3] = {netns_fd, ready_wr, ready_rd};
	int r = pm_net_spawn(argv, pass, 3, log_fd, true, &pid, &pidfd, err);
	if (r < 0)
		return r;
	pm_log_debug("pasta started (pid %d)", (int)pid);
	net->pid = pid;
	net->pidfd = pidfd;
	net->is_child = true;
	net->ready_fd = TAKE_FD(ready_rd);
	net->log_path = TAKE_PTR(log_path);
	return 0;
}

int pm_net_pasta_ready(struct pm_net *net, pm_error **err)
{
	int r = wait_ready(net->ready_fd, net->route_fd, net->route_family);
	if (r >= 0)
		return 0;
	int status = 0;
	if (r == -EPIPE)
		pm_net_wait_exit(net->pid, net->pidfd, true, 2000, &status);
	pm_net_kill_wait(net->pid, &net->pidfd, true, false, 2000);
	net->pid = 0;
	_cleanup_free_ char *tail = pm_net_log_reason(net->log_path);
	if (net->log_path)
		unlink(net->log_path);
	/* pasta only says "Failed to bind any port": find the busy one ourselves */
	for (size_t i = 0; i < net->nports; i++)
		for (uint16_t k = 0; k < net->ports[i].range; k++) {
			const struct pm_net_port *p = &net->ports[i];
			int e = pm_net_probe_port(p->host_ip, (uint16_t)(p->host_port + k),
						  p->proto, false);
			if (e > 0)
				return pm_error_set(
					err, e, "cannot publish port %u/%s on '%s:%u': %s",
					p->ctr_port + k, p->proto == PM_NET_UDP ? "udp" : "tcp",
					p->host_ip[0] ? p->host_ip : "0.0.0.0", p->host_port + k,
					strerror(e));
		}
	int code = r == -ETIMEDOUT ? ETIMEDOUT : EIO;
	if (r == -ETIMEDOUT)
		return pm_error_set(err, code,
				    "pasta did not configure the network in %d s%s%s; %s",
				    READY_TIMEOUT_MS / 1000, tail ? ": " : "", tail ? tail : "",
				    pm_helper_advice(tail));
	return pm_error_set(err, code, "pasta failed (exit status %d)%s%s; %s",
			    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
			    tail ? ": " : "", tail ? tail : "", pm_helper_advice(tail));
}
