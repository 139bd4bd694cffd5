/* slirp.h: slirp4netns for a container's network namespace. Internal to netslirp/. */
#pragma once

#include <sys/types.h>

#include "lib/error.h"
#include "netslirp/net.h"
#include "netslirp/spawn.h"

/* Start slirp4netns for /proc/<netns_pid>/ns/net, wait for the ready fd, add net->ports
 * (host ports already resolved) through the API socket. Fills net->pid, pidfd, exit_fd,
 * sock_path. On failure nothing is left running and no socket remains. */
int pm_net_slirp_start(const struct pm_net_config *cfg, pid_t netns_pid, struct pm_net *net,
		       pm_error **err);
