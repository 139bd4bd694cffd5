/* spec.h: the container configuration (what `pm run` / `pm create` flags ask for) and its
 * conversion, with the image config, into the runtime spec (runtime/runtime.h).
 *
 * Pure parsers (env, env files, -v/--mount/--tmpfs, /etc/passwd and /etc/group, image config
 * merge) are separate functions, unit tested in tests/unit/test-spec.c. Never prints. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "engine/run-flags.h"
#include "lib/error.h"
#include "netslirp/net.h"
#include "runtime/runtime.h"

/* The parts of an image config that shape a container (filled by storage/ from the OCI
 * config; all may be NULL). */
struct pm_spec_image {
	char **env;
	char **cmd;
	char **entrypoint;
	char *workdir;
	char *user;
};

/* A health check (engine/health.h): what --health-* set, and what kube's probes fill.
 * test NULL: none. Durations in ns, as podman's .Config.Healthcheck. */
struct pm_healthcheck {
	char **test;	      /* {"CMD-SHELL", "cmd"}, {"CMD", arg...} or {"NONE"} */
	int64_t interval;     /* between periodic checks; 0: none ("disable") */
	int64_t timeout;      /* a check running longer fails (exit code -1) */
	int64_t start_period; /* failures after the start within this do not count */
	int64_t retries;      /* consecutive failures that make it unhealthy */
	char *on_failure;     /* none (NULL), kill, restart, stop */
	int64_t successes;    /* a startup check: passes in a row that end it (0: one) */
};

/* What the user asked. Strings are owned (freed by pm_spec_config_clear). */
struct pm_container_config {
	char *name;
	bool rm;
	char **env;	  /* -e/--env as given: KEY=VAL, KEY, or a glob like 'FOO*' */
	char **env_files; /* --env-file paths */
	char **unsetenv;  /* --unsetenv KEY: not from pm's defaults nor the image */
	/* --env-merge KEY=VALUE: $VAR and ${VAR} in VALUE expanded from pm's defaults and the
	 * image's environment, the result set over them (--env-file and -e win, as podman's) */
	char **env_merge;
	bool unsetenv_all; /* --unsetenv-all: none of pm's defaults nor the image's */
	char *entrypoint;  /* --entrypoint: a string or a JSON array */
	bool entrypoint_set;
	char *workdir;
	char *user;
	char **group_add;
	char *hostname;
	char **labels;	     /* KEY=VAL */
	char **annotations;  /* --annotation KEY=VAL (inspect's Config.Annotations) */
	char **volumes;	     /* -v specs */
	char **mounts;	     /* --mount specs */
	char **tmpfs;	     /* --tmpfs specs */
	char **anon_volumes; /* the anonymous volumes made for -v /dst (rm -v, --rm remove them) */
	char **secrets;	   /* --secret specs as given (engine/ctr-secrets.h): names, never values */
	char **secret_ids; /* the ids of those secrets, in order (set by pm_engine_create) */
	bool read_only;
	bool read_only_tmpfs; /* default true */
	uint64_t shm_size;    /* --shm-size in bytes; 0: 64 MB */
	char *umask;	      /* --umask (octal, checked); NULL: 0022 */
	bool interactive;
	bool tty;
	bool init;
	char *userns; /* NULL/"" (the rootless default), "host", "keep-id" */
	char **cap_add;
	char **cap_drop;
	bool privileged;
	char *seccomp;			 /* --security-opt seccomp=... */
	bool no_new_privs;		 /* --security-opt no-new-privileges */
	char *pid, *ipc, *uts, *network; /* "host", "private", "none" or NULL */
	uint64_t memory;		 /* bytes, 0 = unset */
	double cpus;			 /* 0 = unset */
	int64_t pids_limit;		 /* 0 = unset, -1 unlimited */
	bool pids_limit_set;
	/* the other limits (systemd/limits.h): --memory-swap (memory + swap bytes, -1
	 * unlimited, 0 unset: twice --memory), --memory-reservation, --cpu-quota and
	 * --cpu-period (us), --cpu-shares, --cpuset-cpus/--cpuset-mems, --blkio-weight */
	int64_t memory_swap;
	uint64_t memory_reservation;
	int64_t cpu_quota;
	uint64_t cpu_period;
	uint64_t cpu_shares;
	char *cpuset_cpus, *cpuset_mems;
	uint64_t blkio_weight;
	/* --cgroups: NULL ("enabled"), "disabled", "no-conmon", "split"; the cgroup manager
	 * the container was made with ("systemd" or "cgroupfs", NULL: decided at start) */
	char *cgroups;
	char *cgroup_manager;
	/* a pod's infra container: the pod's --memory and --cpus, set on the pod's slice
	 * (cgroup_parent) when the infra starts */
	uint64_t pod_memory;
	double pod_cpus;
	char *rootfs;	/* --rootfs DIR */
	char *image;	/* image reference when not --rootfs */
	char **command; /* the args after the image */
	/* lifecycle (engine/monitor.c) */
	char *restart;	      /* --restart: no, on-failure[:N], always, unless-stopped */
	char *stop_signal;    /* --stop-signal (or the image's StopSignal), NULL: SIGTERM */
	int64_t stop_timeout; /* --stop-timeout seconds; used when stop_timeout_set */
	bool stop_timeout_set;
	uint64_t log_max_size; /* --log-opt max-size, bytes (0: unlimited) */
	char *log_driver;      /* --log-driver: NULL (k8s-file, the default), "none", "passthrough",
				* "passthrough-tty" */
	/* networking (engine/net.h, netslirp/net.h); network above is the --network value */
	char **publish;	  /* -p specs as given */
	bool publish_all; /* -P */
	char **dns, **dns_search, **dns_options, **add_hosts;
	bool no_hosts;
	/* pods (pods/): the pod this container belongs to (its id), and whether it is the
	 * pod's infra container; the engine records both and otherwise only joins the
	 * namespaces pid/ipc/uts/network name (container:INFRA) */
	char *pod;
	bool infra;
	/* --cgroup-parent: the systemd slice of the container's scope (a pod's slice) */
	char *cgroup_parent;
	/* --health-*: engine/health.h */
	struct pm_healthcheck health;
	/* --health-startup-*: the startup check run instead of health until it passes
	 * (retries: failures in a row that restart the container, 0 never; start_period and
	 * on_failure unused) */
	struct pm_healthcheck startup_health;
	/* --sdnotify (systemd/notify.h): conmon (NULL), container, ignore */
	char *sdnotify;
	/* --systemd (engine/systemd-mode.h): true (NULL), false, always; and the mode decided at
	 * create from it and the command (podman's .Config.SystemdMode) */
	char *systemd;
	bool systemd_mode;
	/* --image-volume: what the image's VOLUME paths get at create (not kept): bind (NULL:
	 * an anonymous volume each, with the image's content copied up), tmpfs, ignore */
	char *image_volume;
	/* the command line that made it (podman's .Config.CreateCommand): generate systemd
	 * --new rebuilds its unit's ExecStart from it */
	char **create_command;
	/* --time-offset (engine/time-offset.h): a time namespace with these offsets */
	char *time_offset;
	/* engine/run-flags.h: --ulimit NAME=SOFT[:HARD], --sysctl KEY=VALUE, --device
	 * HOST[:CTR][:PERMS], --expose PORT[/PROTO], --volumes-from CTR[:ro|rw] as given;
	 * --tz ZONE|local; --timeout seconds (0: none) */
	char **ulimits, **sysctls, **devices, **expose, **volumes_from;
	char *tz;
	uint64_t timeout;
	/* --attach: the streams a foreground run relays (stdin, stdout, stderr; NULL: all) */
	char **attach;
	/* --hostuser: host users added to the container's /etc/passwd */
	char **hostusers;
	/* --uidmap/--gidmap CTR:HOST:LEN: a user namespace of the container's own (gidmap
	 * NULL: the uidmap's) */
	char **uidmap, **gidmap;
	/* engine/cgroup-flags.h: --memory-swappiness (when _set), --cgroupns (NULL: podman's
	 * default), --cgroup-conf KEY=VALUE, the per-device limits PATH:VALUE and
	 * --device-cgroup-rule as given; --ip, --ip6, --mac-address, --network-alias (refused:
	 * no bridge network) */
	int64_t memory_swappiness;
	bool memory_swappiness_set;
	char *cgroupns;
	char **cgroup_conf, **device_read_bps, **device_write_bps, **device_read_iops,
		**device_write_iops, **blkio_weight_device, **device_cgroup_rules;
	char *ip, *ip6, *mac_address;
	char **network_aliases;
	/* more user-defined networks, "NAME[:ip=,mac=,alias=]" each (run's later --network
	 * values, network connect): attached at every start as eth1, eth2... */
	char **extra_networks;
	/* engine/run-process.h: --pidfile PATH (absolute), --requires (the containers' ids
	 * once created), --passwd=false (no_passwd), --passwd-entry TEMPLATE, --init-path,
	 * --personality LINUX|LINUX32, --oom-score-adj, --chrootdirs, --subuidname and
	 * --subgidname (expanded into uidmap/gidmap at parse), --seccomp-policy and the image's
	 * profile taken at create with policy image */
	char *pidfile;
	/* a pod's --infra-conmon-pidfile: where the monitor (pm's conmon) writes its own pid at
	 * each start; removed with the container */
	char *conmon_pidfile;
	char **requires;
	bool no_passwd;
	char *passwd_entry, *init_path, *personality;
	int64_t oom_score_adj;
	bool oom_score_adj_set;
	char **chrootdirs;
	char *subuidname, *subgidname;
	char *seccomp_policy, *seccomp_image_profile;
};

void pm_spec_config_clear(struct pm_container_config *c);

/* ---- the process flags (engine/spec-process.c; parsers: engine/run-process.h) ---- */
/* Free the process flags' fields of c (pm_spec_config_clear calls it). */
void pm_spec_process_clear(struct pm_container_config *c);
/* Check them (pm_container_config_validate calls it). */
int pm_spec_process_check(const struct pm_container_config *c, pm_error **err);
/* --subuidname/--subgidname: their ranges prepended to c's uidmap/gidmap (one name stands
 * for both); refused when the ids lie beyond the namespace pm runs in. */
int pm_spec_subid_expand(struct pm_container_config *c, pm_error **err);
/* podman 4.3's /etc/passwd and /etc/group entries for -u user (UID[:GROUP]) when the image
 * lacks them (a numeric user, a numeric group): *ret_passwd / *ret_group the whole new
 * content (passwd/group plus the line; NULL: nothing to add; a missing file gets none).
 * entry: --passwd-entry's template ($USERNAME $UID $GID $NAME $HOME), NULL: podman's
 * "UID:*:UID:GID:container user:WORKDIR:/bin/sh". Pure. */
int pm_spec_passwd_entries(const char *user, const char *workdir, const char *entry,
			   const char *passwd, const char *group, char **ret_passwd,
			   char **ret_group, pm_error **err);
/* Write text to userdata/name and bind-mount it at /etc/name. */
int pm_spec_etc_override(struct pm_runtime_spec *s, const char *userdata, const char *name,
			 const char *text, pm_error **err);
/* --seccomp-policy=image: where the start writes the image's profile, in userdata (NULL: not
 * used: none, unconfined, --privileged); exec's processes get it from there too. */
char *pm_spec_image_seccomp_path(const struct pm_container_config *c, const char *userdata);
/* --personality, --oom-score-adj, --chrootdirs, --init-path (with --init: s->args and a
 * mount), --seccomp-policy=image's profile (written to userdata) into s. */
int pm_spec_process_apply(const struct pm_container_config *c, const char *userdata,
			  struct pm_runtime_spec *s, pm_error **err);

/* Is driver (a config's log_driver, may be NULL) passthrough or passthrough-tty: the
 * container's stdin, stdout and stderr are those of the pm that starts it, no log kept? */
bool pm_log_driver_is_passthrough(const char *driver);

/* Parse and check every network flag of c into *ret (cleared with pm_net_config_clear, also
 * on failure). expose: the image's EXPOSE list for -P (NULL: none known yet). Returns 0, 1
 * when published ports were dropped because of the network mode (the cli warns as podman),
 * or -EINVAL naming the bad value. Used by pm_spec_validate, engine/net.c, engine/run.c,
 * engine/ps.c and cli/cmd-run.c. */
int pm_engine_net_config(const struct pm_container_config *c, char *const *expose,
			 struct pm_net_config *ret, pm_error **err);

/* Everything that can be checked before any state is touched (mount specs, caps, namespace
 * modes, limits: refused on hosts that cannot enforce them). */
int pm_spec_validate(const struct pm_container_config *c, pm_error **err);

/* -e values -> KEY=VALUE list appended to *env (replacing an earlier KEY). "KEY" takes the
 * host's value (skipped when unset), "PAT*" takes every host variable matching the glob.
 * host_env is the host's environment (environ). */
int pm_spec_env_add(char ***env, const char *spec, char *const *host_env, pm_error **err);

/* Read an --env-file (at most max bytes): podman's 'parsing env file "F": open F: no such
 * file or directory' when it cannot be read. */
int pm_spec_env_file_read(const char *path, size_t max, char **ret_data, pm_error **err);

/* Parse an --env-file's content (name is used in messages): "KEY=VAL" and "KEY" lines,
 * '#' comments and blank lines skipped. */
int pm_spec_env_file_parse(const char *name, const char *data, char *const *host_env, char ***env,
			   pm_error **err);

/* Set KEY=VALUE in *env, replacing an existing KEY. */
void pm_spec_env_set(char ***env, const char *kv);
/* --env-merge's word: $NAME and ${NAME} in s replaced by their values in env (KEY=VALUE; an
 * unset one by nothing), as podman's ProcessWord; malloc'd. */
char *pm_spec_env_expand(const char *s, char *const *env);

/* -v HOST:CTR[:OPTS]. A HOST not starting with '/' is a named volume: *ret_volume gets its
 * name (the caller resolves it), else NULL. */
int pm_spec_parse_volume(const char *spec, struct pm_runtime_mount *ret, char **ret_volume,
			 pm_error **err);
/* --mount type=bind|tmpfs|volume|devpts|image,source=..,target=..,ro,... */
int pm_spec_parse_mount(const char *spec, struct pm_runtime_mount *ret, char **ret_volume,
			pm_error **err);
/* Whether a -v spec (is_mount false) or a --mount spec asks for its source to be chowned to
 * the container's user (-v's U option, --mount's U=true/chown=true). */
bool pm_spec_wants_chown(const char *spec, bool is_mount);
/* Whether a -v spec asks for an overlay (the O option): the source is the lower layer of an
 * overlay whose changes are discarded when the container stops. */
bool pm_spec_wants_overlay(const char *spec);
/* -v's nocopy option, --mount's volume-nocopy: no copy-up at a volume's first mount. */
bool pm_spec_wants_nocopy(const char *spec, bool is_mount);
/* An anonymous volume's spec (-v /dst[...], --mount type=volume without source; the parsers
 * give "" for its name) with the volume's name filled in. malloc'd. */
char *pm_spec_name_anonymous(const char *spec, bool is_mount, const char *name);
/* --tmpfs /dst[:opts] */
int pm_spec_parse_tmpfs(const char *spec, struct pm_runtime_mount *ret, pm_error **err);

/* Resolve -u USER[:GROUP] against passwd/group file contents (either may be NULL: missing
 * file). Names must exist; numbers need not. Without an explicit group the user's primary
 * gid is used (0 for an unknown uid) and supplementary groups are those listing the user
 * name in /etc/group. group_add entries (names or numbers) are appended. *ret_home is the
 * passwd home (or "/"). */
int pm_spec_resolve_user(const char *passwd, const char *group, const char *user,
			 char *const *group_add, uid_t *ret_uid, gid_t *ret_gid, gid_t **ret_groups,
			 size_t *ret_ngroups, char **ret_home, pm_error **err);

/* The container's args: entrypoint (the flag's, or the image's unless the flag was given)
 * followed by the command (the user's, or the image's Cmd when none and no --entrypoint).
 * -EINVAL when empty: "no command or entrypoint provided, and no CMD or ENTRYPOINT from
 * image". */
int pm_spec_args(const struct pm_container_config *c, const struct pm_spec_image *img, char ***ret,
		 pm_error **err);

/* --userns: NULL/"" (the rootless default), host, nomap, keep-id[:uid=N,gid=N],
 * auto[:size=N,uidmapping=C:H:L,gidmapping=C:H:L], ns:PATH (join that user namespace),
 * container:ID (join that container's: a pod's members, the infra's). */
enum pm_spec_userns_mode {
	PM_USERNS_DEFAULT,
	PM_USERNS_HOST,
	PM_USERNS_KEEP_ID,
	PM_USERNS_NOMAP,
	PM_USERNS_AUTO,
	PM_USERNS_NS,
	PM_USERNS_CONTAINER,
};
struct pm_spec_userns {
	enum pm_spec_userns_mode mode;
	const char *ref;   /* ns:'s path, container:'s name or id (in the string parsed) */
	uint32_t uid, gid; /* keep-id's uid=/gid= (else the caller's ids) */
	bool uid_set, gid_set;
	struct pm_userns_auto_opts a; /* auto's size=, uidmapping=, gidmapping= */
};
int pm_spec_parse_userns(const char *v, struct pm_spec_userns *ret, pm_error **err);
/* The container's maps as fuse-overlayfs's uidmapping/gidmapping ("CTR:NS:LEN" joined by ':')
 * when they leave out the caller (--userns=nomap, --uidmap without namespace id 0): its root
 * filesystem must show the image's files shifted. Both NULL otherwise. Reads this
 * namespace's /proc/self/{uid,gid}_map. */
int pm_spec_shifted_maps(const struct pm_container_config *c, char **ret_uidmapping,
			 char **ret_gidmapping, pm_error **err);

/* The keep-id mapping for a container user namespace nested in the rootless one, from this
 * process's /proc/self/uid_map (or gid_map) text: container id `id` -> namespace id 0 (the
 * user's own id), the rest around it. id UINT32_MAX: nomap's, the subordinate ids from container
 * id 0 and the user's own id not mapped. */
int pm_spec_keepid_map(const char *map_text, uint32_t id, struct pm_runtime_idmap **ret,
		       size_t *ret_n, pm_error **err);
/* Pure: that mapping before it is split at the namespace's extents (as podman's inspect
 * shows it), for a namespace of total ids; the number of entries (0 when total < 2). */
size_t pm_spec_keepid_logical(uint64_t total, uint32_t id, struct pm_runtime_idmap ret[3]);

/* Build the runtime spec. rootfs: the container's root directory; userdata: a directory
 * for generated files; id: the container id. */
int pm_spec_to_runtime(const struct pm_container_config *c, const struct pm_spec_image *img,
		       const char *rootfs, const char *userdata, const char *id,
		       const char *volume_root, struct pm_runtime_spec *ret, pm_error **err);
