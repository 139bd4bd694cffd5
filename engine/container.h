/* container.h: container records: one directory per container under <root>/db/containers/<id>/
 * holding config.json (two JSON documents, one per line: the identity - id, name, image,
 * created - and what was asked, the container spec; written at create and rename) and
 * state.json (what is: status, pids, exit code, times), both written atomically under the
 * container's flock
 * (<runroot>/locks/<id>.lock). Names are reserved atomically: <root>/db/names/<name> is a
 * symlink to the id, made with symlink(2), so two racing creates cannot both win.
 *
 * Called by cli/ and pods/. json_t stays inside engine/. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/error.h"
#include "lib/paths.h"

enum pm_ctr_status {
	PM_CTR_CONFIGURED = 0, /* "created" in podman's words */
	PM_CTR_RUNNING,
	PM_CTR_PAUSED,
	PM_CTR_STOPPED, /* "exited" */
	PM_CTR_REMOVING,
};

const char *pm_ctr_status_string(enum pm_ctr_status s); /* podman's: created running ... */

struct pm_ctr_state {
	enum pm_ctr_status status;
	/* A start is under way (written under the lock before anything is mounted or
	 * spawned): processes of the container may exist that the status does not show yet.
	 * The next command that finds the lock free reconciles it (engine/ctr-state.h). */
	bool starting;
	/* state.json could not be read (empty, torn, garbage): the status is a guess until
	 * pm_engine_refresh asks the processes (never written) */
	bool damaged;
	pid_t pid; /* container init, in pm's (rootless) pid view */
	pid_t monitor_pid;
	/* their start times (lib/proc.h) and the boot they ran in: what runs is found from
	 * the record even when the runroot was wiped, and a reused pid is never taken for it */
	unsigned long long pid_start, monitor_start;
	char *boot_id;
	char *error; /* why the exit code is unknown (podman's State.Error), or NULL */
	int exit_code;
	int64_t started_ns; /* unix time in ns, 0 if never */
	int64_t finished_ns;
	bool oom_killed;
	char *mountpoint;	/* rootfs while mounted */
	char **ports;		/* published ports of the last start (pm_net_port_format specs) */
	unsigned restart_count; /* restarts by the restart policy since the last start */
	char *cgroup_path; /* the container's cgroup ("/..."), set at start (engine/limits.h) */
	uint64_t oom_base; /* oom kills below its parent cgroup at the start */
};

struct pm_container {
	char *id; /* 64 hex */
	char *name;
	char *image_name; /* as the user typed it, normalised */
	char *image_id;
	int64_t created_ns;
	char *config_json; /* the spec, serialised by engine/spec (opaque here) */
	char *pod_id;	   /* the pod it belongs to (pods/), or "" */
	bool infra;	   /* it is its pod's infra container */
	struct pm_ctr_state state;
	char *dir; /* <root>/containers/<id> */
	/* config.json could not be read: only id, name (from the names dir) and state are
	 * known; ps lists it with this warning, rm -f removes it, anything else refuses */
	char *broken;
	/* not recorded: this process has SIGKILLed c's monitor and init (rm -f, engine/run.c):
	 * the record's "running" is over and the remover takes what is left, without the exit
	 * being written first; killed_pidfd is the init's, whose end the remover awaits last */
	bool killed;
	int killed_pidfd;
	/* with killed: the init's mount namespace, held so that the init's exit does not tear
	 * its mounts down on the remover's path (the remover's detached child lets go of it
	 * once the init has ended); -1: none */
	int killed_mntns;
};

struct pm_container *pm_container_free(struct pm_container *c);
PM_DEFINE_CLEANUP_FUNC(struct pm_container *, pm_container_free)
#define _cleanup_container_ _cleanup_(pm_container_freep)

/* Is c running or paused (by its record: pm_engine_refresh, engine/ctr-state.h, first)? */
bool pm_ctr_is_running(const struct pm_container *c);

/* Reserve name (or generate one when name is NULL: adjective_noun like podman), make the
 * record dir and write config.json + state.json. On failure nothing is left. A taken name:
 * -EEXIST "the container name 'x' is already in use by <id>. You have to remove that
 * container to be able to reuse that name: that name is already in use". */
int pm_container_create(const struct pm_paths *p, const char *name, const char *image_name,
			const char *image_id, const char *config_json, struct pm_container **ret,
			pm_error **err);
/* The same for a member of a pod (pod_id) or its infra container (infra). Flags:
 * PM_CTR_CREATE_NOSYNC: config.json is not fsynced now; the caller makes the record durable
 * later, off its path, by fsync of pm_container_sync_paths (run -d: the detached monitor).
 * PM_CTR_CREATE_RUNROOT: the record of a --rm container whose root is under the runroot too
 * (pm_storage_ctr_eph_here) goes in <runroot>/ephemeral/records, so that a reboot wipes both
 * together. */
#define PM_CTR_CREATE_NOSYNC  (1u << 0)
#define PM_CTR_CREATE_RUNROOT (1u << 1)
int pm_container_create_in_pod(const struct pm_paths *p, const char *name, const char *image_name,
			       const char *image_id, const char *config_json, const char *pod_id,
			       bool infra, unsigned flags, struct pm_container **ret,
			       pm_error **err);
/* What a create wrote, to fsync to make it durable: c's config.json (first), its record
 * dir, the containers dir and its name entry's dir. */
char **pm_container_sync_paths(const struct pm_paths *p, const struct pm_container *c);

/* Find by full id, unique id prefix, or name. -ENOENT: "no container with name or ID
 * 'x' found: no such container". */
int pm_container_lookup(const struct pm_paths *p, const char *ref, struct pm_container **ret,
			pm_error **err);

/* Reload the state of c from disk. */
int pm_container_reload(const struct pm_paths *p, struct pm_container *c, pm_error **err);

/* Write c->state atomically. Callers hold the lock (pm_container_lock). */
int pm_container_save_state(const struct pm_paths *p, const struct pm_container *c, pm_error **err);

/* Write c->config_json (the spec) back to config.json (pm update). Callers hold the
 * lock. */
int pm_container_save_config(const struct pm_container *c, pm_error **err);

/* Take the container's flock (LOCK_EX); returns the fd to close to release. */
int pm_container_lock(const struct pm_paths *p, const char *id, pm_error **err);
/* The same without waiting: the fd, or < 0 when another process holds it (or on error). */
int pm_container_trylock(const struct pm_paths *p, const char *id);

/* The two halves of pm_container_remove_record: hide (the name released, the record moved
 * aside to "<dir>.rm": no lookup or list finds it; returns that path, malloc'd), then drop
 * (the moved record and the lock file deleted). A crash between them leaves a ".rm"
 * record the next list removes. */
char *pm_container_hide_record(const struct pm_paths *p, const struct pm_container *c);
int pm_container_drop_record(const struct pm_paths *p, const char *id, const char *aside,
			     pm_error **err);
/* Remove the record and release the name (the caller has stopped it and released
 * storage). */
int pm_container_remove_record(const struct pm_paths *p, const struct pm_container *c,
			       pm_error **err);

/* All containers, sorted by creation time (newest first, as podman ps lists). */
int pm_container_list(const struct pm_paths *p, struct pm_container ***ret, size_t *ret_n,
		      pm_error **err);
void pm_container_list_free(struct pm_container **list, size_t n);

/* The ids of the records (both record directories) other than skip whose config.json holds
 * needle, or needle2 when not NULL: a scan that parses nothing and reads no state, for the
 * rare question "who names this container" (rm's dependents: "container:" or its id, which
 * --requires keeps). A record being made or damaged is not named; the caller loads and
 * checks the few ids it gets. NULL for none. */
char **pm_container_ids_config_has(const struct pm_paths *p, const char *skip, const char *needle,
				   const char *needle2);
/* <root>/db/containers, malloc'd. */
char *pm_containers_dir(const struct pm_paths *p);
/* Load the record of id from the open containers directory dfd (path cdir), as
 * pm_container_list does (a damaged record: c->broken set). < 0 when it is being created or
 * removed. For listings that choose which records to read (engine/ctr-pods.h). */
int pm_container_load_at(const struct pm_paths *p, const char *cdir, int dfd, const char *id,
			 struct pm_container **ret);

/* Rename: reserve the new name atomically, then release the old one. */
int pm_container_rename(const struct pm_paths *p, struct pm_container *c, const char *newname,
			pm_error **err);

/* A random adjective_noun name (a number added once tries >= 3), as podman's. */
char *pm_container_generate_name(int tries);

/* podman's name rule: [a-zA-Z0-9][a-zA-Z0-9_.-]* */
bool pm_container_name_valid(const char *name);
