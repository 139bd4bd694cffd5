/* pasta.h: pasta (passt package) for a container's network namespace. Internal to
 * netslirp/. */
#pragma once

#include <sys/types.h>

#include "lib/error.h"
#include "netslirp/net.h"
#include "netslirp/spawn.h"

/* The pasta command line for cfg and net->ports (host ports resolved); pure, unit tested. */
char **pm_net_pasta_argv(const char *exe, const struct pm_net_config *cfg,
			 const struct pm_net_port *ports, size_t nports, pid_t netns_pid,
			 const char *pid_path);

/* Run pasta (foreground, our child; SIGTERM when we die) for the network namespace netns_fd,
 * no wait: it configures the interface and binds the published ports, then writes its pid
 * to our pipe (net->ready_fd). Fills net->pid, pidfd, ready_fd, log_path. */
int pm_net_pasta_launch(const struct pm_net_config *cfg, int netns_fd, struct pm_net *net,
			pm_error **err);
/* Wait for that pid line; an exit before it is the failure (its log names the cause, a
 * busy port is found and named). On failure pasta is gone, its log removed. */
int pm_net_pasta_ready(struct pm_net *net, pm_error **err);
