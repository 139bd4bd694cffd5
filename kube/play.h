/* play.h: `play kube` and `kube down`: Kubernetes YAML (kube/spec.h) turned into the calls a
 * user would make (pod create, run --pod, volumes), through the same validation, so nothing
 * works in YAML that fails on the command line. A play that fails half-way leaves nothing:
 * no pod, container or volume it made. Never prints: the cli prints the report and the
 * warnings. Called by cli/cmd-kube.c. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "engine/engine.h"
#include "lib/error.h"
#include "registry/pull.h"

struct pm_kube_play_opts {
	bool start;		  /* start the pods (--start, default true) */
	bool replace;		  /* remove pods of the same names first (--replace) */
	bool strict;		  /* a field pm does not apply is an error (--strict) */
	char *network;		  /* --network for every pod (NULL: the default) */
	char **configmaps;	  /* --configmap files: more ConfigMaps to look values up in */
	char **publish;		  /* --publish specs: override or add to the pods' hostPorts */
	bool log_none;		  /* --log-driver none: the containers keep no log */
	char **annotations;	  /* --annotation KEY=VAL: on every container, over the pod's */
	const char *systemd_unit; /* $PODMAN_SYSTEMD_UNIT: the containers' label (auto-update) */
	bool no_hosts;		  /* --no-hosts: the pods' containers keep the image's /etc/hosts */
	char **log_opts;	  /* --log-opt KEY=VALUE: on every container, as run's */
	char **ips, **macs; /* --ip, --mac-address: the Nth for the Nth pod, as pod create's */
	char *userns;	    /* --userns: every pod's, as pod create's */
	/* --build: 1 builds every image whose name (its last path element) is a directory of
	 * context_dir holding a Containerfile or Dockerfile, 0 never builds, -1 (unset) builds
	 * those that are not stored (podman 4.3's rule); context_dir: --context-dir, else the
	 * current directory, as podman's */
	int build;
	const char *context_dir;
	/* the build's progress lines (STEP ..., COMMIT ...); NULL: none */
	void (*say)(void *userdata, const char *line);
	void *say_data;
	/* how to reach registries for an image that is not stored (imagePullPolicy: Always
	 * pulls, Never never does, else a missing image is pulled); NULL: local images only */
	const struct pm_pull_opts *pull;
};

/* What was made (play) or removed (down), in order. */
struct pm_kube_report {
	char **pods;	    /* pod ids */
	char ***containers; /* per pod: its containers' ids (not the infra) */
	char **stopped;	    /* down / --replace: pods stopped and removed */
	char **volumes;	    /* play: the PersistentVolumeClaims' volumes (made or reused);
			     * down --force: the volumes removed */
	char **warnings;    /* "PATH: not supported, ignored", ... */
};

void pm_kube_report_clear(struct pm_kube_report *r);

/* Play the YAML in data (len bytes, from `what`: a path or "-" for messages). */
int pm_kube_play(const struct pm_engine *e, const char *data, size_t len,
		 const struct pm_kube_play_opts *opts, struct pm_kube_report *ret, pm_error **err);

/* Remove the pods the YAML in data names (their containers with them); named volumes stay
 * unless force: then the PersistentVolumeClaims' volumes and those the pods claim go too
 * (podman 5's --force). A pod that does not exist: -ENOENT, podman's "no pod with name or ID
 * x found". */
int pm_kube_down(const struct pm_engine *e, const char *data, size_t len, bool force,
		 struct pm_kube_report *ret, pm_error **err);
