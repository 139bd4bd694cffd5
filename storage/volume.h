/* volume.h: named volumes (`pm volume ...`, `pm run -v NAME:/path`).
 *
 * Layout, one directory per volume, readable with jq:
 *
 *   <root>/volumes/<name>/volume.json   the document (podman's inspect fields: Name,
 *                                       Driver "local", Mountpoint, CreatedAt (RFC 3339,
 *                                       local zone), Labels, Scope "local", Options, UID,
 *                                       GID, MountCount, NeedsCopyUp, NeedsChown)
 *   <root>/volumes/<name>/_data/        the data (the mountpoint given to containers)
 *   <root>/volumes/<name>/users/<id>    one empty file per container that uses the volume
 *   <root>/volumes/<name>/mounts/<id>   one per running container that has the volume's
 *                                       filesystem (tmpfs/bind) mounted
 *   <root>/volumes/<name>/lock          flock guarding volume.json and users/
 *
 * A volume is built completely in a temporary directory <root>/volumes/.tmp-XXXX and
 * renamed into place with RENAME_NOREPLACE: the name is reserved atomically (two racing
 * creates of one name: exactly one wins, the other gets -EEXIST "volume with name x already
 * exists: volume already exists"), and a reader never sees a half-made volume. Removal
 * renames the directory away under the volume's lock, then deletes it.
 *
 * Run every call that creates or removes volumes inside the rootless user namespace (the
 * cli command has PM_CMD_USERNS) so that _data belongs to the container's root (or to
 * o=uid=N,gid=M).
 *
 * Use by the runtime / engine:
 *   - `run -v NAME:/path`: pm_volume_lookup_or_create(root, NAME, &mountpoint, err) creates
 *     the volume as podman does when it is missing, and returns its _data path.
 *   - for a volume with a filesystem (Options type=tmpfs, or o=bind with device=DIR),
 *     pm_volume_mount(root, NAME, ctr_id) mounts it on _data when the container starts
 *     (the first user mounts, MountCount counts users), pm_volume_unmount(root, NAME,
 *     ctr_id) when it stops (the last one unmounts); call both inside the rootless mount
 *     namespace. A plain volume needs neither (bind-mount the mountpoint).
 *   - a container that uses a volume is recorded with pm_volume_ref(root, NAME, ctr_id)
 *     when it is created and released with pm_volume_unref() when it is removed:
 *     `volume rm` refuses an in-use volume (exit 2, as podman) unless --force, `volume
 *     prune` and `volume ls --filter dangling=true` skip it, see pm_volume_in_use().
 *     (podman's `volume rm -f` also removes those containers: the cli must do that through
 *     the engine before it calls pm_volume_remove(force=true).)
 *
 * Never prints; errors name the volume. JSON leaves this module as text (json_t stays
 * inside). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/error.h"

struct pm_volume {
	char *name;
	char *driver;	     /* "local" */
	char *mountpoint;    /* <root>/volumes/<name>/_data */
	char *created_at;    /* RFC 3339 with nanoseconds and zone, as podman prints it */
	int64_t created_sec; /* CreatedAt as Unix time */
	long created_nsec;
	char **labels;	/* "key=value" pairs, sorted by key */
	char **options; /* "key=value" pairs as given (type, device, o, copy/nocopy) */
	char *scope;	/* "local" */
	int64_t uid;	/* from o=uid=N, -1 when unset */
	int64_t gid;	/* from o=gid=N, -1 when unset */
	int mount_count;
	bool needs_copy_up; /* copy the image's content at the mount path on first use */
	bool needs_chown;   /* chown _data to the container's user on first use */
	/* The filesystem to mount on the mountpoint, parsed from options: type (NULL for a
	 * plain directory), device, and the mount(8) options left after uid/gid/copy. */
	char *fs_type;
	char *fs_device;
	char *fs_options;
	bool fs_bind; /* o=bind / o=rbind: device is a host directory to bind */
};

struct pm_volume_create_opts {
	const char *name;     /* NULL or "": a random 64-hex name */
	const char *driver;   /* NULL or "local" */
	char *const *labels;  /* "key[=value]" (NULL-terminated, may be NULL) */
	char *const *options; /* "key=value" (NULL-terminated, may be NULL) */
	bool ignore_exists;   /* --ignore: an existing volume is returned as is */
};

/* podman's rule for names: [a-zA-Z0-9][a-zA-Z0-9_.-]* (at most 255 chars here). */
bool pm_volume_name_valid(const char *name);

/* Validate driver, labels and options without touching disk (so the cli can check
 * everything before state changes). 0 or -EINVAL with a message naming the bad value. */
int pm_volume_check_opts(const struct pm_volume_create_opts *opts, pm_error **err);

/* Create a volume; *ret (may be NULL) receives it. -EEXIST when the name is taken (unless
 * ignore_exists: then the existing volume is loaded and returned, and 0 is returned). */
int pm_volume_create(const char *root, const struct pm_volume_create_opts *opts,
		     struct pm_volume **ret, pm_error **err);

/* Load one volume. -ENOENT "no such volume <name>" when missing (or the name is invalid). */
int pm_volume_load(const char *root, const char *name, struct pm_volume **ret, pm_error **err);

bool pm_volume_exists(const char *root, const char *name);

/* All volumes, sorted by name; a NULL-terminated array (free with pm_volume_list_free).
 * Unreadable entries are skipped with a debug message. */
int pm_volume_list(const char *root, struct pm_volume ***ret, size_t *ret_n, pm_error **err);
struct pm_volume **pm_volume_list_free(struct pm_volume **v);

/* Remove a volume and its data. -ENOENT 'no volume with name "x" found: no such volume'
 * (podman's volume rm); an in-use volume fails with
 * -EBUSY "volume x is being used by the following container(s): ids: volume is being used"
 * unless force. A mounted filesystem volume (MountCount > 0) is unmounted first when forced. */
int pm_volume_remove(const char *root, const char *name, bool force, pm_error **err);

/* The runtime's entry point for `-v NAME:/path`: load NAME, or create it (default options)
 * when missing; a create lost to a racing create of the same name loads the winner's.
 * *ret_mountpoint is malloc'd. */
int pm_volume_lookup_or_create(const char *root, const char *name, char **ret_mountpoint,
			       pm_error **err);

/* Containers using the volume: record / release (idempotent) ... */
int pm_volume_ref(const char *root, const char *name, const char *ctr_id, pm_error **err);
int pm_volume_unref(const char *root, const char *name, const char *ctr_id, pm_error **err);
/* ... and list them (sorted ids, NULL-terminated; an empty array when unused). */
int pm_volume_users(const char *root, const char *name, char ***ret_ids, pm_error **err);
/* 1 when used by at least one container, 0 when not, negative on error. */
int pm_volume_in_use(const char *root, const char *name, pm_error **err);

/* Mount the volume's filesystem (tmpfs or bind, with the o= options) on its mountpoint for
 * container ctr_id when it starts: the first user mounts, later ones are counted
 * (<vol>/mounts/<ctr_id>, MountCount); pm_volume_unmount() releases ctr_id when it stops and
 * unmounts after the last. Both idempotent per container, no-ops for a plain volume (its
 * MountCount stays 0, as podman's). Call both inside the rootless mount namespace, before
 * the container's mount namespace is made. *ret_mountpoint (may be NULL) is malloc'd. */
int pm_volume_mount(const char *root, const char *name, const char *ctr_id, char **ret_mountpoint,
		    pm_error **err);
int pm_volume_unmount(const char *root, const char *name, const char *ctr_id, pm_error **err);

/* volume-archive.c: write the volume's data as a tar stream to out (its contents, not the
 * _data directory itself); extract the tar stream on in (plain or compressed) into it,
 * merged over what is there, the tar's owners kept. -ENOENT for a missing volume. */
int pm_volume_export(const char *root, const char *name, int out, pm_error **err);
int pm_volume_import(const char *root, const char *name, int in, pm_error **err);

/* Record that the first-use copy-up / chown happened (clears NeedsCopyUp / NeedsChown). */
int pm_volume_clear_needs(const char *root, const char *name, bool copy_up, bool chown,
			  pm_error **err);

/* CreatedAt the way Go prints a time.Time in templates:
 * "2006-01-02 15:04:05.999999999 -0700 MST" (local zone). malloc'd. */
char *pm_volume_created_go_string(const struct pm_volume *v);

/* Set by `pm --volumepath DIR` for this process and the ones it starts (the rootless
 * re-exec, the monitor): where named volumes live instead of <root>/volumes. */
#define PM_VOLUME_PATH_ENV "_PM_VOLUME_PATH"

/* The directory of named volumes: $PM_VOLUME_PATH_ENV, else <root>/volumes (malloc'd). */
char *pm_volumes_dir(const char *root);

/* Parse an RFC 3339 time ("2024-01-02T03:04:05.123456789+01:00" or "...Z").
 * 0 or -EINVAL. */
int pm_volume_parse_rfc3339(const char *s, int64_t *ret_sec, long *ret_nsec);

/* The JSON shapes of a volume, as compact text (malloc'd):
 *   PM_VOLUME_JSON_INSPECT  podman's `volume inspect` / `volume ls --format json` object
 *                           (CreatedAt RFC 3339, NeedsChown only when true);
 *   PM_VOLUME_JSON_TEMPLATE the same with CreatedAt as Go prints a time.Time in a template;
 *   PM_VOLUME_JSON_DOC      the stored document volume.json (what `pm inspect` shows). */
enum pm_volume_json_kind {
	PM_VOLUME_JSON_INSPECT,
	PM_VOLUME_JSON_TEMPLATE,
	PM_VOLUME_JSON_DOC,
};
char *pm_volume_json(const struct pm_volume *v, enum pm_volume_json_kind kind);
/* A JSON array of the NULL-terminated vols: compact (indent 0) or as json_dumps'
 * JSON_INDENT(indent) has it (4: podman's ls --format json, printed as it is). */
char *pm_volume_list_json(struct pm_volume *const *vols, enum pm_volume_json_kind kind,
			  unsigned indent);

/* ---- filters (storage/volume-filter.c) ----
 * podman's --filter values of `volume ls` (name= regex, label=, label!=, driver=, scope=,
 * opt=, dangling=, until=) or, with prune, of `volume prune` (label, label!, until). Same
 * key ORed (label and label! ANDed), different keys ANDed. Parse errors: -EINVAL with
 * podman's message naming the value. */
struct pm_volume_filters;
int pm_volume_filters_parse(char *const *args, bool prune, struct pm_volume_filters **ret,
			    pm_error **err);
bool pm_volume_filters_match(const struct pm_volume_filters *fs, const struct pm_volume *v,
			     const char *root);
struct pm_volume_filters *pm_volume_filters_free(struct pm_volume_filters *fs);
PM_DEFINE_CLEANUP_FUNC(struct pm_volume_filters *, pm_volume_filters_free)
#define _cleanup_volume_filters_ _cleanup_(pm_volume_filters_freep)
/* The volumes matching fs (NULL: all), sorted by name, NULL-terminated. */
int pm_volume_list_filtered(const char *root, const struct pm_volume_filters *fs,
			    struct pm_volume ***ret, pm_error **err);
/* Names of the unused volumes matching fs (what `volume prune` would remove). */
int pm_volume_prune_candidates(const char *root, const struct pm_volume_filters *fs,
			       char ***ret_names, pm_error **err);
/* Remove one prune candidate: 1 removed, 0 skipped (gone or taken meanwhile), < 0 error. */
int pm_volume_prune_one(const char *root, const char *name, pm_error **err);

struct pm_volume *pm_volume_free(struct pm_volume *v);
PM_DEFINE_CLEANUP_FUNC(struct pm_volume *, pm_volume_free)
#define _cleanup_volume_ _cleanup_(pm_volume_freep)
PM_DEFINE_CLEANUP_FUNC(struct pm_volume **, pm_volume_list_free)
#define _cleanup_volume_list_ _cleanup_(pm_volume_list_freep)
