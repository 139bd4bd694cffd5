/* lifetime.c: the lifetime entry points: pm_net_start() picks random host ports and runs the
 * helper for the mode (slirp.c or pasta.c), pm_net_stop() ends it and cleans up. Owns no
 * container state; never prints. Called by the engine (monitor / foreground cli). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/strutil.h"
#include "lib/timeutil.h"
#include "netslirp/net.h"
#include "netslirp/pasta.h"
#include "netslirp/probe.h"
#include "netslirp/slirp.h"
#include "netslirp/spawn.h"

#define STOP_TIMEOUT_MS 5000

static void net_free(struct pm_net *net)
{
	if (!net)
		return;
	if (net->exit_fd >= 0)
		close(net->exit_fd);
	if (net->pidfd >= 0)
		close(net->pidfd);
	if (net->relay_pidfd >= 0)
		close(net->relay_pidfd);
	if (net->ready_fd >= 0)
		close(net->ready_fd);
	if (net->route_fd >= 0)
		close(net->route_fd);
	if (net->netns_fd >= 0)
		close(net->netns_fd);
	if (net->log_fd >= 0)
		close(net->log_fd);
	pm_net_relay_plan_free(net->relay);
	free(net->sock_path);
	free(net->pid_path);
	free(net->log_path);
	free(net->ports);
	free(net);
}

/* What only the start needed: gone once the helper is ready. */
static void net_started(struct pm_net *net)
{
	net->ready = true;
	net->cfg = NULL;
	if (net->ready_fd >= 0)
		close(net->ready_fd);
	net->ready_fd = -1;
	if (net->route_fd >= 0)
		close(net->route_fd);
	net->route_fd = -1;
	if (net->netns_fd >= 0)
		close(net->netns_fd);
	net->netns_fd = -1;
	if (net->log_fd >= 0)
		close(net->log_fd);
	net->log_fd = -1;
	pm_net_relay_plan_free(net->relay);
	net->relay = NULL;
}

int pm_net_launch(const struct pm_net_config *cfg, int netns_fd, struct pm_net **ret,
		  pm_error **err)
{
	*ret = NULL;
	struct pm_net *net = pm_net_new(cfg->mode);
	net->cfg = cfg;
	if (cfg->mode != PM_NET_SLIRP4NETNS && cfg->mode != PM_NET_PASTA) {
		*ret = net;
		return 0;
	}
	if (cfg->nports) {
		net->ports = pm_xcalloc(cfg->nports, sizeof(*net->ports));
		memcpy(net->ports, cfg->ports, cfg->nports * sizeof(*net->ports));
		net->nports = cfg->nports;
	}
	for (size_t i = 0; i < net->nports; i++)
		if (net->ports[i].proto == PM_NET_SCTP) {
			net_free(net);
			return pm_error_set(err, EOPNOTSUPP,
					    "publishing port %u/sctp: not supported by %s",
					    cfg->ports[i].ctr_port, pm_net_mode_name(cfg));
		}
	int r = pm_net_pick_ports(net->ports, net->nports, err);
	net->launched_ns = pm_time_clock_ns(CLOCK_MONOTONIC);
	if (r >= 0)
		r = cfg->mode == PM_NET_PASTA ? pm_net_pasta_launch(cfg, netns_fd, net, err)
					      : pm_net_slirp_launch(cfg, netns_fd, net, err);
	/* the holder of netns_fd's namespace (pm_net_netns_new) is gone by now (the helper's
	 * start took a vfork and an exec): reaped here, so no command leaves it a zombie */
	pm_net_netns_reap(true);
	if (r < 0) {
		net_free(net);
		return r;
	}
	*ret = net;
	return 0;
}

int pm_net_ready(struct pm_net *net, pm_error **err)
{
	if (!net || net->ready)
		return 0;
	int r = 0;
	int64_t t0 = pm_time_clock_ns(CLOCK_MONOTONIC);
	if (net->pid > 0)
		r = net->mode == PM_NET_PASTA ? pm_net_pasta_ready(net, err)
					      : pm_net_slirp_ready(net, err);
	if (r < 0)
		return r;
	int64_t t1 = pm_time_clock_ns(CLOCK_MONOTONIC);
	pm_log_debug("network helper (pid %d) ready %.2f ms after its start, waited %.2f ms",
		     (int)net->pid, (double)(t1 - net->launched_ns) / 1e6, (double)(t1 - t0) / 1e6);
	net_started(net);
	pm_net_netns_reap(false);
	return 0;
}

int pm_net_start(const struct pm_net_config *cfg, pid_t netns_pid, struct pm_net **ret,
		 pm_error **err)
{
	*ret = NULL;
	if (netns_pid <= 0)
		return pm_error_set(err, EINVAL, "starting the network: bad pid %d",
				    (int)netns_pid);
	if (cfg->mode == PM_NET_BRIDGE) {
		/* published ports: bound first (a busy one fails before the veth is made),
		 * forwarded by the port relay into the container once it is attached */
		struct pm_net *net = pm_net_new(cfg->mode);
		int r = 0;
		if (cfg->nports) {
			net->ports = pm_xcalloc(cfg->nports, sizeof(*net->ports));
			memcpy(net->ports, cfg->ports, cfg->nports * sizeof(*net->ports));
			net->nports = cfg->nports;
			r = pm_net_pick_ports(net->ports, net->nports, err);
			if (r >= 0)
				r = pm_net_bridge_ports_bind(net, err);
		}
		if (r >= 0)
			r = pm_net_bridge_attach(cfg, netns_pid, err);
		for (size_t i = 0; r >= 0 && i < cfg->nbridge_extra; i++)
			r = pm_net_bridge_attach(&cfg->bridge_extra[i], netns_pid, err);
		if (r >= 0)
			r = pm_net_bridge_ports_start(cfg, netns_pid, net, err);
		if (r < 0) {
			net_free(net);
			return r;
		}
		net_started(net);
		*ret = net;
		return 0;
	}
	if (cfg->mode != PM_NET_SLIRP4NETNS && cfg->mode != PM_NET_PASTA) {
		*ret = pm_net_new(cfg->mode);
		return 0;
	}
	char ns[64];
	snprintf(ns, sizeof(ns), "/proc/%d/ns/net", (int)netns_pid);
	_cleanup_close_ int nsfd = open(ns, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		return pm_error_set_errno(err, errno, "opening '%s'", ns);
	struct pm_net *net;
	int r = pm_net_launch(cfg, nsfd, &net, err);
	if (r < 0)
		return r;
	r = pm_net_ready(net, err);
	if (r < 0) {
		pm_net_stop(net);
		return r;
	}
	*ret = net;
	return 0;
}

const struct pm_net_port *pm_net_ports(const struct pm_net *net, size_t *ret_n)
{
	*ret_n = net ? net->nports : 0;
	return net ? net->ports : NULL;
}

pid_t pm_net_helper_pid(const struct pm_net *net)
{
	return net ? net->pid : 0;
}

/* Published ports are held by the helper (and the relay) until they are gone; without
 * them nobody needs the helper gone when the container is (issue #20: pasta took 34 ms
 * to exit). */
static bool must_wait(const struct pm_net *net)
{
	return net->nports > 0 || !net->ready;
}

static int take_inheritable(int *fd)
{
	if (*fd < 0 || fcntl(*fd, F_SETFD, 0) < 0)
		return -1;
	return TAKE_FD(*fd);
}

void pm_net_handover(struct pm_net *net, struct pm_net_handover *ret)
{
	*ret = (struct pm_net_handover){.pidfd = -1, .exit_fd = -1, .relay_pidfd = -1};
	if (!net)
		return;
	ret->wait = must_wait(net);
	ret->pidfd = take_inheritable(&net->pidfd);
	ret->exit_fd = take_inheritable(&net->exit_fd);
	ret->relay_pidfd = take_inheritable(&net->relay_pidfd);
	net_free(net);
}

int pm_net_stop(struct pm_net *net)
{
	pm_net_netns_reap(true);
	if (!net)
		return 0;
	int r = 0;
	bool wait = must_wait(net);
	if (net->pid > 0) {
		bool has_exit_fd = net->exit_fd >= 0;
		if (has_exit_fd) {
			/* slirp4netns and the relay leave when their exit fd hangs up */
			close(net->exit_fd);
			net->exit_fd = -1;
		}
		if (net->relay_pid > 0)
			pm_net_kill_wait(net->relay_pid, &net->relay_pidfd, true, true,
					 STOP_TIMEOUT_MS);
		/* without ports nothing waits on the helper's own exit (slirp4netns' tap
		 * device's teardown is slow, pasta's too): it goes by itself (the exit fd) or
		 * on SIGTERM (pasta), reaped by whoever inherits it */
		if (wait)
			r = pm_net_kill_wait(net->pid, &net->pidfd, net->is_child, has_exit_fd,
					     STOP_TIMEOUT_MS);
		else if (!has_exit_fd)
			pm_net_kill_nowait(&net->pidfd);
	}
	if (net->sock_path)
		unlink(net->sock_path);
	if (net->pid_path)
		unlink(net->pid_path);
	net_free(net);
	return r;
}
