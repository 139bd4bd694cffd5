/* ps.h: the container listing of `pm ps` / `pm container ls`: which containers (-a, -l,
 * -n, --filter) and the row podman's ps JSON has for each (Id, Names, Image, Command,
 * State, Status, Created, ExitCode, Labels, ...). The records are read once each, states
 * are refreshed with kill(0) only (pm_engine_refresh), no process is started and no
 * namespace is needed except for --size (the upper dirs may hold files of container uids).
 * Called by cli/cmd-ps.c. Never prints. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "engine/container.h"
#include "engine/run.h"
#include "lib/error.h"
#include "netslirp/net.h"

struct pm_ps_opts {
	bool all;	/* -a: not only running ones */
	bool latest;	/* -l: the last created only (implies all) */
	int last;	/* -n N: the N last created (implies all); < 0: unset */
	char **filters; /* "key=value": name, id, status, label, ancestor, exited, pod (an id
			 * prefix: the caller resolves pod names), health */
	bool size;	/* --size: compute Size {rootFsSize, rwSize} */
	bool ids_only;	/* -q: rows need only the record (no command, labels, ports) */
	bool ns;	/* --ns: the namespaces of running containers (pm_ps_row.ns) */
	int64_t now_ns; /* the clock for the human times; 0: now */
};

/* Check --filter values: an unknown key -> -EINVAL "KEY is an invalid filter", a bad
 * status -> "unknown container state: X: invalid argument" (podman's words). */
int pm_ps_filters_check(char *const *filters, pm_error **err);

/* Does c pass the filters (same key: any; different keys: all)? labels: the resolved
 * labels ("k=v"), image_names: the names of its image (may be NULL). Pure. */
bool pm_ps_filter_match(char *const *filters, const struct pm_container *c, char *const *labels,
			char *const *image_names);

/* One listed container, resolved against its image. */
struct pm_ps_row {
	struct pm_container *c;
	char **args;		   /* entrypoint + command */
	char **labels;		   /* image labels, then the container's */
	char **mounts;		   /* podman's Mounts: the destinations the user asked for */
	char **volumes;		   /* "SOURCE\nDEST" of its -v and --mount (filter volume=) */
	bool rm;		   /* --rm */
	struct pm_net_port *ports; /* published ports (pm_engine_ports) */
	size_t nports;
	bool has_size;
	uint64_t rw_size, rootfs_size;
	char *pod_name;	 /* its pod's name: set by the caller (the engine knows no pods), or NULL */
	char health[16]; /* "starting", "healthy", "unhealthy"; "" without a health check */
	/* --ns, a running container: the inodes of its PID 1's namespaces, in the order of
	 * pm_ps_ns_names (0: not known) */
	bool has_ns;
	unsigned long long ns[7];
};

/* podman's namespace keys of ps's JSON (Mnt, Cgroup, Ipc, Net, Pidns, Uts, User), the
 * /proc/PID/ns names they come from, and the --ns table's columns (MNT, CGROUPNS, ...). */
extern const char *const pm_ps_ns_keys[7], *const pm_ps_ns_names[7], *const pm_ps_ns_fields[7];

/* The --filter health=V values: does a row of that health pass ("none": no health check)?
 * Other filter keys are pm_ps_filter_match's. Pure. */
bool pm_ps_health_match(char *const *filters, const char *health);

/* The STATUS column: "Up 5 seconds (healthy)" for a running container with a check. */
char *pm_ps_status(const struct pm_ps_row *row, int64_t now_ns);

/* The listing, oldest first (podman's order). Free with pm_ps_rows_free. */
int pm_engine_ps_rows(const struct pm_engine *e, const struct pm_ps_opts *o, struct pm_ps_row **ret,
		      size_t *ret_n, pm_error **err);
void pm_ps_rows_free(struct pm_ps_row *rows, size_t n);

/* A container's sizes (ps --size, inspect --size): its writable layer, and that plus its
 * image (store may be NULL: the image counts 0). Unreadable parts count 0; call inside the
 * rootless namespace to see everything. */
struct pm_store;
void pm_engine_ctr_size(const struct pm_engine *e, struct pm_store *store,
			const struct pm_container *c, uint64_t *ret_rw, uint64_t *ret_rootfs);

/* Rows as podman's `ps --format json` array (JSON text, malloc'd): compact, or indented by
 * two spaces as `ps --format json` prints it (pretty). now_ns: the clock for the human
 * times. */
char *pm_ps_rows_json(const struct pm_ps_row *rows, size_t n, int64_t now_ns, bool pretty);

/* pm_engine_ps_rows + pm_ps_rows_json. */
int pm_engine_ps(const struct pm_engine *e, const struct pm_ps_opts *o, char **ret_json,
		 pm_error **err);
