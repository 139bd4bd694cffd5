/* slirp.c: slirp4netns for a container's network namespace, started as podman 4.3 does
 * (--mtu=65520 --enable-sandbox --enable-seccomp -c -e EXIT_FD -r READY_FD -a SOCKET
 * --netns-type=path /proc/PID/ns/net tap0), and its JSON API socket for port forwards
 * (add_hostfwd). Must not leave a process or socket behind on failure. Called by net.c. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/fileutil.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "netslirp/probe.h"
#include "netslirp/slirp.h"

#define READY_TIMEOUT_MS 10000
#define API_TIMEOUT_MS	 5000
#define API_MAX_REPLY	 4096

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

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
	int64_t deadline = now_ms() + API_TIMEOUT_MS;
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int64_t left = deadline - now_ms();
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

static int add_hostfwd(const char *sock_path, const struct pm_net_port *p, uint16_t k, bool ipv6,
		       pm_error **err)
{
	unsigned host = p->host_port + k, ctr = p->ctr_port + k;
	const char *host_ip = p->host_ip[0] ? p->host_ip : "0.0.0.0";
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
	int e = pm_net_probe_port(p->host_ip, (uint16_t)host, p->proto, ipv6 && !p->host_ip[0]);
	if (e > 0)
		return pm_error_set(err, e, "cannot publish port %u/%s on '%s:%u': %s", ctr,
				    proto_str(p->proto), host_ip, host, strerror(e));
	return pm_error_set(err, EIO, "cannot publish port %u/%s on '%s:%u': slirp4netns: %s", ctr,
			    proto_str(p->proto), host_ip, host, desc ? desc : "unknown error");
}

/* Wait for the ready byte; EOF means slirp4netns died first. */
static int wait_ready(int ready_fd, pm_error **err)
{
	int64_t deadline = now_ms() + READY_TIMEOUT_MS;
	for (;;) {
		struct pollfd p = {.fd = ready_fd, .events = POLLIN};
		int64_t left = deadline - now_ms();
		int r = poll(&p, 1, left > 0 ? (int)left : 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return pm_error_set_errno(err, errno, "waiting for slirp4netns");
		if (r == 0)
			return pm_error_set(err, ETIMEDOUT,
					    "slirp4netns did not configure the network in %d s",
					    READY_TIMEOUT_MS / 1000);
		char c;
		ssize_t n = read(ready_fd, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 1)
			return 0;
		return pm_error_set(err, EPIPE, "slirp4netns exited before the network was ready");
	}
}

int pm_net_slirp_start(const struct pm_net_config *cfg, pid_t netns_pid, struct pm_net *net,
		       pm_error **err)
{
	_cleanup_free_ char *exe = pm_find_executable("slirp4netns");
	if (!exe)
		return pm_error_set(err, ENOENT,
				    "'slirp4netns' not found in $PATH: install the slirp4netns "
				    "package, or use --network pasta, none or host");
	if (net->nports && !cfg->run_dir)
		return pm_error_set(err, EINVAL, "publishing ports needs a run directory");

	_cleanup_free_ char *sock = NULL, *log_path = NULL;
	_cleanup_close_ int log_fd = -1;
	if (cfg->run_dir) {
		sock = pm_path_join(cfg->run_dir, "slirp.sock");
		if (strlen(sock) >= sizeof(((struct sockaddr_un *)0)->sun_path))
			return pm_error_set(err, ENAMETOOLONG,
					    "slirp4netns API socket path '%s' is too long", sock);
		log_path = pm_path_join(cfg->run_dir, "slirp4netns.log");
		log_fd =
			open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (log_fd < 0)
			return pm_error_set_errno(err, errno, "creating '%s'", log_path);
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

	char netns[64], mtu[32];
	snprintf(netns, sizeof(netns), "/proc/%d/ns/net", (int)netns_pid);
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
	pm_strv_push(&argv, "--netns-type=path");
	pm_strv_push(&argv, netns);
	pm_strv_push(&argv, "tap0");

	pid_t pid;
	int pidfd;
	const int pass[2] = {exit_rd, ready_wr};
	int r = pm_net_spawn(argv, pass, 2, log_fd, false, &pid, &pidfd, err);
	if (r < 0)
		return r;
	pm_log_debug("slirp4netns started (pid %d) for %s", (int)pid, netns);
	closep(&exit_rd);
	exit_rd = -1;
	closep(&ready_wr);
	ready_wr = -1;

	r = wait_ready(ready_rd, err);
	for (size_t i = 0; r >= 0 && i < net->nports; i++)
		for (uint16_t k = 0; r >= 0 && k < net->ports[i].range; k++)
			r = add_hostfwd(sock, &net->ports[i], k, cfg->enable_ipv6, err);
	if (r < 0) {
		/* closing the exit fd ends it; SIGKILL if it does not go */
		closep(&exit_wr);
		exit_wr = -1;
		pm_net_kill_wait(pid, &pidfd, true, true, 2000);
		_cleanup_free_ char *tail = pm_net_log_tail(log_path);
		if (tail && (r == -EPIPE || r == -ETIMEDOUT) && err && *err) {
			_cleanup_error_ pm_error *old = TAKE_PTR(*err);
			pm_error_set(err, -r, "%s: %s", old->msg, tail);
		}
		if (sock)
			unlink(sock);
		if (log_path)
			unlink(log_path);
		return r;
	}
	net->pid = pid;
	net->pidfd = pidfd;
	net->is_child = true;
	net->exit_fd = TAKE_FD(exit_wr);
	net->sock_path = TAKE_PTR(sock);
	return 0;
}
