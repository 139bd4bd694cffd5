/* net.h: a container's networking as the engine drives it: its flags turned into a
 * struct pm_net_config (netslirp/net.h), the generated /etc/hosts and /etc/resolv.conf and
 * the network namespace of a --network container:X for the runtime spec, and the
 * published ports (recorded in the state at each start) for ps, inspect and `pm port`.
 *
 * The helper process itself (slirp4netns / pasta) is started by the monitor
 * (engine/monitor.c) in the runtime's before_exec hook, or for a foreground start launched
 * by engine/run.c before the rootfs is mounted and made ready in that hook; stopped when
 * the container exits. Never prints. */
#pragma once

#include <stddef.h>

#include "engine/container.h"
#include "engine/engine.h"
#include "engine/spec.h"
#include "lib/error.h"
#include "netslirp/net.h"
#include "runtime/runtime.h"

/* The flags -> struct pm_net_config: pm_engine_net_config (engine/spec.h). */

/* Fill the network parts of a runtime spec before a start: the namespace to join for
 * container:X (which must be running), the hosts and resolv.conf contents (podman's,
 * from the module's generators), no_hosts. net->run_dir is set to a directory for the
 * helper's socket and log (made here). */
int pm_engine_net_prepare(const struct pm_engine *e, const struct pm_container *c,
			  const struct pm_container_config *cfg, struct pm_net_config *net,
			  struct pm_runtime_spec *spec, pm_error **err);

/* For slirp4netns/pasta: net->run_dir (made) and net->relay_program, unless set already
 * (pm_engine_net_prepare calls it; a start that launches the helper early, before the
 * spec, first). Other modes: nothing. */
int pm_engine_net_dir(const struct pm_engine *e, const struct pm_container *c,
		      struct pm_net_config *net, pm_error **err);

/* A foreground `run`'s slirp4netns launched first thing, before the container is created
 * (issue #20: the helper needs ~4 ms to be ready; launched after the create, pm had
 * nothing left to do but wait for it). Only for slirp4netns without published ports, a
 * user namespace of pm's own and no pod: it needs no run dir then (no API socket, its log
 * in memory). The start adopts it when the created container's network is the same
 * (pm_engine_net_take_first, from the start's own launch point); else it is stopped and
 * the start launches its own as before. Failures here are silent: the start's own launch
 * reports them. */
struct pm_engine_early_net {
	struct pm_net_config net; /* the helper's configuration (it points to it) */
	struct pm_net *launched;  /* NULL once taken */
	int netns_fd;		  /* the namespace it serves, -1 once taken */
};
struct pm_engine_early_net *pm_engine_net_launch_first(const struct pm_engine *e,
						       const struct pm_container_config *cfg);
/* Does e hold an early helper for a network configured as net? Then it moves to
 * *ret_launched / *ret_netns_fd (true). */
bool pm_engine_net_take_first(const struct pm_engine *e, const struct pm_net_config *net,
			      struct pm_net **ret_launched, int *ret_netns_fd);
/* Stop the helper unless it was taken, free f. NULL-safe. Call after the start returned. */
void pm_engine_net_first_free(struct pm_engine_early_net *f);

/* --userns=container:X (a pod's members: the infra's): X's config in *ret_owner (the caller
 * clears it), whose userns, uidmap and gidmap describe the namespace the container joins:
 * *eff (a shallow copy of cfg) gets them, so that its spec and its root's shifted owners are
 * built with them (keep-id's user too for a pod's member, as podman's; a container of no pod
 * runs as root there, as podman's). 1 then; any other --userns: 0, nothing changed. X may
 * not join another's itself. */
int pm_engine_userns_owner(const struct pm_engine *e, const struct pm_container_config *cfg,
			   struct pm_container_config *ret_owner, struct pm_container_config *eff,
			   pm_error **err);

/* The pid, ipc and uts namespaces of --pid/--ipc/--uts container:X (X must be running) for
 * the runtime spec (a pod's members join its infra this way); the user namespace of
 * --userns=container:X or ns:PATH, joined after the mounts (spec->late_userns). */
int pm_engine_ns_prepare(const struct pm_engine *e, const struct pm_container *c,
			 const struct pm_container_config *cfg, struct pm_runtime_spec *spec,
			 pm_error **err);

/* The container's published ports: those of its last start (state), else as configured
 * (random host ports as 0). *ret is owned (free). */
int pm_engine_ports(const struct pm_container *c, struct pm_net_port **ret, size_t *ret_n);

/* Output helpers over pm_engine_ports(): ps PORTS column, .NetworkSettings.Ports JSON text,
 * `pm port` lines (see netslirp/net.h for the formats). */
char *pm_engine_ports_ps(const struct pm_container *c);
char *pm_engine_ports_json(const struct pm_container *c);
int pm_engine_port_lines(const struct pm_container *c, const char *filter, char **ret,
			 pm_error **err);

/* Published ports as pm_net_port_format strings (NULL-terminated; NULL for none). */
char **pm_engine_ports_strv(const struct pm_net_port *ports, size_t n);

/* ps: the PORTS column from podman's JSON "Ports" array (text, "null" for none). */
char *pm_engine_ports_ps_from_json(const char *json_text);

/* The containers that join a namespace of c (--network/--pid/--ipc/--uts container:X naming
 * c by name or id), whatever their state: their ids (NULL-terminated; NULL for none). rm
 * refuses c while there are any (podman's "has dependent containers"); rm --depend removes
 * them first. */
char **pm_engine_ctr_dependents(const struct pm_engine *e, const struct pm_container *c);
