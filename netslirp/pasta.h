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

/* Run pasta (foreground, our child) for /proc/<netns_pid>/ns/net: it configures the
 * interface and binds the published ports, then writes its pid to our pipe; an exit
 * before that is the failure (its log names the cause). Fills net->pid, pidfd. */
int pm_net_pasta_start(const struct pm_net_config *cfg, pid_t netns_pid, struct pm_net *net,
		       pm_error **err);
