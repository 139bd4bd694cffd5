/* pod.h: pod records. One directory per pod under <root>/db/pods/<id>/ holding pod.json
 * (what the pod was created with, and its infra container's id), written atomically under
 * the pod's flock (<runroot>/locks/pod-<id>.lock). Names are reserved atomically as
 * containers' are (<root>/db/pod-names/<name>, a symlink to the id, made with symlink(2)):
 * pods and containers keep separate name spaces, as podman's do. What a pod's state is
 * comes from its containers (pods/lifecycle.h), never from the record.
 *
 * Called by pods/lifecycle.c, and by cli/ and kube/ for lookups and listing. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "lib/cleanup.h"
#include "lib/error.h"
#include "lib/paths.h"

/* What `pod create` asked (also what kube's play builds). Strings are owned. */
struct pm_pod_config {
	char *name;	   /* NULL: generated */
	char *hostname;	   /* --hostname, or NULL: the containers get the pod's name */
	char **labels;	   /* KEY=VAL */
	char **share;	   /* namespaces the members share: a subset of ipc, net, pid, uts */
	bool infra;	   /* an infra container holds the shared namespaces (default) */
	char *exit_policy; /* "continue" (default) or "stop" */
	/* --userns: the infra's user namespace (auto, keep-id, nomap, ns:PATH), which every
	 * member joins; NULL/"" or host: pm's own, as a container's default */
	char *userns;
	/* the pod's network: the infra's (members join it) */
	char *network;
	char **publish;
	char **dns, **dns_search, **dns_options, **add_hosts;
	bool no_hosts;
	/* pod-level limits for the pod's slice: refused where they cannot be enforced, as a
	 * container's are (runtime/limits.h) */
	uint64_t memory;
	double cpus;
	char *infra_name;      /* --infra-name: the infra container's name at create (not kept) */
	char **create_command; /* pod create's argv (inspect's CreateCommand), or NULL */
	/* run's flags given to the pod (podman's pod create -v, --volumes-from, --device,
	 * --security-opt, --sysctl, --shm-size) as run takes them: every member gets them
	 * (podman puts them on the infra, which members inherit them from; pm's infra is bare:
	 * no /dev, /proc or mounts of its own) */
	char **volumes, **volumes_from, **devices, **security_opts, **sysctls;
	uint64_t shm_size;
	/* the pod-level limits and static network flags (--cpuset-cpus, --ip, ...) as
	 * "flag=value", checked as run's (engine/validate.h, engine/cgroup-flags.h): refused
	 * where they cannot be enforced, with run's message */
	char **limits;
	/* the infra: --infra-image (NULL: pm's bare root with pm-pause), --infra-command (its
	 * command, split at blanks), --infra-conmon-pidfile (where its monitor writes its pid);
	 * --pid and --uts (the infra's namespaces, podman's modes), --cgroup-parent (NULL: the
	 * pod's slice), --share-parent=false (members keep their own cgroup parent) */
	char *infra_image, *infra_command, *infra_conmon_pidfile, *pid, *uts, *cgroup_parent;
	bool no_share_parent;
	/* --uidmap/--gidmap (--subuidname/--subgidname expanded into them by
	 * pm_pod_config_validate, as run's at parse): the infra's own user namespace, which
	 * every member joins, as --userns's */
	char **uidmap, **gidmap;
	char *subuidname, *subgidname; /* not kept */
};

void pm_pod_config_clear(struct pm_pod_config *c);

struct pm_pod {
	char *id; /* 64 hex */
	char *name;
	int64_t created_ns;
	struct pm_pod_config cfg; /* cfg.name == name */
	char *infra_id;		  /* "" without an infra container */
	char *dir;		  /* <root>/db/pods/<id> */
};

struct pm_pod *pm_pod_free(struct pm_pod *p);
PM_DEFINE_CLEANUP_FUNC(struct pm_pod *, pm_pod_free)
#define _cleanup_pod_ _cleanup_(pm_pod_freep)

/* Make a record for cfg: a new id, the name reserved (or generated), the directory. The
 * caller holds *ret_lock (the pod's flock, LOCK_EX) until the pod is complete: its infra
 * container made, then pod.json written (pm_pod_save), which makes the pod visible. A
 * record dir without pod.json whose lock is free is a create that died: pm_pod_list
 * removes it (and its name is stale). On failure nothing is left.
 * A taken name: -EEXIST, podman's message. */
int pm_pod_record_create(const struct pm_paths *p, const struct pm_pod_config *cfg,
			 struct pm_pod **ret, int *ret_lock, pm_error **err);

/* <pod dir>/data: files of the pod's own (kube's emptyDir, configMap and secret volumes),
 * removed with the pod's record. Not created here. */
char *pm_pod_data_dir(const struct pm_pod *pod);

/* Write pod.json again (after the infra id was set). The caller holds the lock. */
int pm_pod_save(const struct pm_paths *p, const struct pm_pod *pod, pm_error **err);

/* Find by full id, name, or unique id prefix. -ENOENT: podman's "no pod with name or ID
 * x found: no such pod". */
int pm_pod_lookup(const struct pm_paths *p, const char *ref, struct pm_pod **ret, pm_error **err);

/* All pods, newest first. */
int pm_pod_list(const struct pm_paths *p, struct pm_pod ***ret, size_t *ret_n, pm_error **err);
void pm_pod_list_free(struct pm_pod **list, size_t n);

/* The pod's flock: op is LOCK_EX (create, rm, changes of the pod) or LOCK_SH (a member
 * being created or started: many at once). Returns the fd to close. */
int pm_pod_lock(const struct pm_paths *p, const char *id, int op, pm_error **err);

/* Release the name and delete the record (moved aside first, as containers'). */
int pm_pod_remove_record(const struct pm_paths *p, const struct pm_pod *pod, pm_error **err);

/* Does the record still exist (a pod removed while we waited for its lock)? */
bool pm_pod_exists(const struct pm_paths *p, const struct pm_pod *pod);
