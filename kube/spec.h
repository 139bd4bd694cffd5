/* spec.h: the Kubernetes objects pm plays, as typed structs read from the YAML tree
 * (kube/yaml.h): Pod, Deployment, DaemonSet and Job (their pod template), PersistentVolumeClaim,
 * ConfigMap, Secret, List. A wrong type
 * for a known field fails with its path ("spec.containers[0].ports[0].containerPort: ...");
 * every field pm does not apply is named in *warnings ("PATH: not supported, ignored"), so
 * nothing is dropped without a word (podman drops them silently). Never prints. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kube/yaml.h"
#include "lib/error.h"

struct pm_kube_env {
	char *name;
	char *value; /* value, or NULL with a source below */
	/* valueFrom */
	char *cm_name, *cm_key;	  /* configMapKeyRef */
	char *sec_name, *sec_key; /* secretKeyRef */
	bool optional;
	char *field_path; /* fieldRef.fieldPath */
};

struct pm_kube_env_from {
	char *cm_name;	/* configMapRef.name */
	char *sec_name; /* secretRef.name */
	char *prefix;
	bool optional;
};

struct pm_kube_port {
	char *name; /* NULL: none (a probe's named port resolves against it) */
	int64_t container_port;
	int64_t host_port; /* 0: none */
	char *host_ip;
	char *protocol; /* TCP (default), UDP, SCTP */
};

struct pm_kube_mount {
	char *name;
	char *mount_path;
	char *sub_path;
	bool read_only;
};

/* A livenessProbe, readinessProbe or startupProbe (Kubernetes' defaults filled in). */
struct pm_kube_probe {
	bool set;
	const char *kind; /* "exec", "httpGet", "tcpSocket", "grpc" */
	char **exec;	  /* exec.command */
	/* httpGet and tcpSocket; a named port is resolved against the container's ports */
	int64_t port;	/* 1-65535 */
	char *host;	/* NULL: the pod (localhost) */
	char *path;	/* httpGet; NULL: "/" */
	char *scheme;	/* httpGet: NULL (HTTP) or "HTTPS" */
	char **headers; /* httpGet.httpHeaders as "Name: value" */
	int64_t initial_delay, period, timeout, failure_threshold, success_threshold;
};

struct pm_kube_container {
	char *name;
	char *image;
	char **command, **args;
	bool command_set, args_set;
	char *working_dir;
	struct pm_kube_env *env;
	size_t n_env;
	struct pm_kube_env_from *env_from;
	size_t n_env_from;
	struct pm_kube_port *ports;
	size_t n_ports;
	struct pm_kube_mount *mounts;
	size_t n_mounts;
	/* securityContext */
	int64_t run_as_user, run_as_group; /* -1: unset */
	bool run_as_non_root;
	bool read_only_root;
	bool privileged;
	int allow_privilege_escalation; /* -1 unset, 0 false, 1 true */
	char **cap_add, **cap_drop;
	bool stdin_open, tty;
	char *pull_policy;
	/* resources.limits */
	char *limit_memory, *limit_cpu;
	struct pm_kube_probe liveness, readiness, startup;
};

enum pm_kube_volume_type {
	PM_KUBE_VOL_HOSTPATH = 1,
	PM_KUBE_VOL_EMPTYDIR,
	PM_KUBE_VOL_CONFIGMAP,
	PM_KUBE_VOL_SECRET,
	PM_KUBE_VOL_PVC,
};

struct pm_kube_key_path {
	char *key, *path;
	int64_t mode; /* -1: the volume's default */
};

struct pm_kube_volume {
	char *name;
	enum pm_kube_volume_type type;
	char *path;	  /* hostPath.path */
	char *path_type;  /* hostPath.type ("" = no check) */
	char *medium;	  /* emptyDir.medium ("Memory": a tmpfs) */
	char *size_limit; /* emptyDir.sizeLimit */
	char *source;	  /* configMap.name, secret.secretName, persistentVolumeClaim.claimName */
	struct pm_kube_key_path *items;
	size_t n_items;
	int64_t default_mode; /* -1: 0644 */
	bool optional;
	bool read_only; /* persistentVolumeClaim.readOnly */
};

struct pm_kube_host_alias {
	char *ip;
	char **hostnames;
};

struct pm_kube_pod {
	char *name;
	char **labels;	    /* KEY=VAL */
	char **annotations; /* metadata.annotations KEY=VAL (a workload's own, as podman 4.3) */
	struct pm_kube_container *containers, *init_containers;
	size_t n_containers, n_init_containers;
	struct pm_kube_volume *volumes;
	size_t n_volumes;
	char *restart_policy; /* Always (default), OnFailure, Never */
	bool host_network;
	char *hostname;
	struct pm_kube_host_alias *host_aliases;
	size_t n_host_aliases;
	bool share_pid;
	int64_t grace_period; /* terminationGracePeriodSeconds, -1: unset */
};

/* A ConfigMap or a Secret: names and values (a Secret's data is base64, decoded here). */
struct pm_kube_kv {
	char *name;
	char **keys;
	char **values;
	size_t *lens; /* a Secret's values may hold NUL bytes */
	size_t n;
};

enum pm_kube_kind {
	PM_KUBE_POD = 1,
	PM_KUBE_DEPLOYMENT,
	PM_KUBE_CONFIGMAP,
	PM_KUBE_SECRET,
	PM_KUBE_DAEMONSET,
	PM_KUBE_JOB,
	PM_KUBE_PVC,
};

/* A PersistentVolumeClaim: a named volume of its name. The volume.podman.io/ annotations pm's
 * `volume create` can apply (NULL when absent); the others are warned. */
struct pm_kube_pvc {
	char *name;
	char **labels; /* KEY=VAL */
	char *driver, *device, *type, *uid, *gid, *mount_options;
};

struct pm_kube_object {
	enum pm_kube_kind kind;
	struct pm_kube_pod
		pod;	      /* Pod, Deployment, DaemonSet, Job (the template; name as podman's) */
	struct pm_kube_kv kv; /* ConfigMap, Secret */
	struct pm_kube_pvc pvc; /* PersistentVolumeClaim */
};

/* The kinds played as a pod: Pod, Deployment, DaemonSet, Job. */
bool pm_kube_is_pod(enum pm_kube_kind kind);

/* Every object of the documents (Lists flattened), in order. Unknown kinds and wrong types
 * fail (-EINVAL, the path named); fields pm does not apply go to *warnings. */
int pm_kube_read(struct pm_ynode *const *docs, size_t ndocs, struct pm_kube_object **ret,
		 size_t *ret_n, char ***warnings, pm_error **err);

void pm_kube_objects_free(struct pm_kube_object *objs, size_t n);

/* Messages built from the YAML's keys and values are one line each: control characters
 * escaped (a block scalar's newlines, a quoted key's tab) in err's message (when set) and in
 * every warning. */
void pm_kube_one_line(pm_error **err, char **warnings);
