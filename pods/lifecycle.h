/* lifecycle.h: a pod's life: create (the record and its infra container), its containers,
 * start, stop, kill, pause, restart, remove, its status; and what a container needs to join
 * a pod (run/create --pod).
 *
 * The infra container is an ordinary container to the engine: pm's own pause program
 * (pm-pause, static, a few KiB of memory) bind-mounted into an empty root, holding the
 * network (with the pod's slirp4netns or pasta and published ports), ipc and uts
 * namespaces, and pid with --share pid. Members name it in --network/--ipc/--uts/--pid
 * container:INFRA, so the engine starts them like any container. A member is created and
 * started under the pod's shared lock, a pod is removed under its exclusive lock: a
 * `pod rm -f` racing a `run --pod` leaves a whole pod or none.
 *
 * Never prints. Called by cli/ (and kube/). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "engine/container.h"
#include "engine/engine.h"
#include "engine/spec.h"
#include "lib/error.h"
#include "pods/pod.h"

/* The pod's systemd slice, "pm_pod_<id>.slice": its containers' scopes sit in it (their
 * --cgroup-parent) where the host has cgroup v2 and a user bus (systemd/scope.h). */
char *pm_pod_slice(const struct pm_pod *pod);

/* Check cfg before anything is made: names, --share values, the network flags, the exit
 * policy (podman's messages). Fills defaults (share ipc,net,uts). */
int pm_pod_config_validate(struct pm_pod_config *cfg, pm_error **err);

/* Create the pod: its record and (cfg->infra) its infra container, not started. On
 * failure nothing is left. */
int pm_pod_create(const struct pm_engine *e, struct pm_pod_config *cfg, struct pm_pod **ret,
		  pm_error **err);

/* The pod's containers, infra included, oldest first (the order they start in). */
int pm_pod_containers(const struct pm_engine *e, const struct pm_pod *pod,
		      struct pm_container ***ret, size_t *ret_n, pm_error **err);
/* The same taken out of all, a pm_container_list already read (newest first; the entries
 * taken become NULL): one listing serves every pod of a pod ps. */
struct pm_container **pm_pod_containers_take(const struct pm_engine *e, const struct pm_pod *pod,
					     struct pm_container **all, size_t n, size_t *ret_n);

/* podman's pod status from its containers' (refreshed) states: Created, Running, Degraded
 * (some running), Paused, Exited (all exited), Stopped, Error. */
const char *pm_pod_status(struct pm_container *const *ctrs, size_t n);

/* Start the infra, then every member (a failure of one is returned, the others start). */
int pm_pod_start(const struct pm_engine *e, const struct pm_pod *pod, pm_error **err);
/* Stop the members, then the infra (timeout < 0: each container's own). */
int pm_pod_stop(const struct pm_engine *e, const struct pm_pod *pod, int timeout, pm_error **err);
/* Send sig to every running container of the pod. -ENOENT-like failure when none runs. */
int pm_pod_kill(const struct pm_engine *e, const struct pm_pod *pod, int sig, pm_error **err);
/* Pause or unpause every running (paused) container of the pod: how many changed. */
int pm_pod_pause(const struct pm_engine *e, const struct pm_pod *pod, bool pause, pm_error **err);
/* Remove the pod: its containers (stopped first when force; without force a running one
 * fails it, podman's message), then the record. */
int pm_pod_remove(const struct pm_engine *e, const struct pm_pod *pod, bool force, int timeout,
		  pm_error **err);

/* run/create --pod REF: resolve REF (an existing pod, or "new:NAME" which creates it:
 * *ret_made_pod then holds its id, for the caller to remove on failure), take the pod's
 * shared lock (*ret_lock, held until the container is created and started), refuse what a
 * member cannot have (-p), and make cfg join the infra's namespaces (cfg->pod = the id,
 * network/ipc/uts/pid container:INFRA for the shared ones, the pod's hostname). */
int pm_pod_member_prepare(const struct pm_engine *e, struct pm_container_config *cfg, int *ret_lock,
			  char **ret_made_pod, pm_error **err);

/* Before a member of a pod starts: the infra must run (started when it is not). A
 * container of no pod, or of a pod without infra: nothing to do. */
int pm_pod_ctr_prepare_start(const struct pm_engine *e, const struct pm_container *c,
			     pm_error **err);

/* After a member exited (`pm container cleanup`): with --exit-policy stop, the pod's
 * infra stops once no member runs. */
void pm_pod_ctr_exited(const struct pm_engine *e, const struct pm_container *c);
