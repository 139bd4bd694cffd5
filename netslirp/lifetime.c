/* lifetime.c: the lifetime entry points: pm_net_start() picks random host ports and runs the
 * helper for the mode (slirp.c or pasta.c), pm_net_stop() ends it and cleans up. Owns no
 * container state; never prints. Called by the engine (monitor / foreground cli). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/strutil.h"
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
	free(net->sock_path);
	free(net->pid_path);
	free(net->ports);
	free(net);
}

int pm_net_start(const struct pm_net_config *cfg, pid_t netns_pid, struct pm_net **ret,
		 pm_error **err)
{
	*ret = NULL;
	if (netns_pid <= 0)
		return pm_error_set(err, EINVAL, "starting the network: bad pid %d",
				    (int)netns_pid);
	struct pm_net *net = pm_net_new(cfg->mode);
	if (cfg->mode == PM_NET_SLIRP4NETNS || cfg->mode == PM_NET_PASTA) {
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
		if (r >= 0)
			r = cfg->mode == PM_NET_PASTA
				    ? pm_net_pasta_start(cfg, netns_pid, net, err)
				    : pm_net_slirp_start(cfg, netns_pid, net, err);
		if (r < 0) {
			net_free(net);
			return r;
		}
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
	return net->nports > 0;
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
