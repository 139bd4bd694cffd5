/* store.h: the image/layer/container store on disk: where everything lives, temp dirs and
 * locks. Layout under the storage root (--root, default $XDG_DATA_HOME/pm/storage):
 *
 *   blobs/sha256/<hex>            image configs and manifests, content-addressed
 *   layers/<diffid-hex>/diff/     a layer unpacked once (overlay whiteouts), shared
 *   layers/<diffid-hex>/layer.tar the layer blob as received (for save), layer.json
 *   images/<id-hex>.json          one record per image (names, digest, layers, size)
 *   containers/<id>/              per-container upper (diff/), work/, merged/, storage.json
 *   tmp/                          unpack and write here first, then rename into place;
 *                                 entries are named <pid>.<starttime>-... after their owner
 *   locks/images.lock             held LOCK_EX while changing image records (names move)
 *   locks/layers.lock             LOCK_SH while adding layers/images, LOCK_EX to collect
 *   overlay-probe.json            {"native": bool, "detail"}: the overlay probe's answer
 *
 * and under the runroot (tmpfs, wiped by a reboot), the roots of ephemeral (run --rm)
 * containers, so that nothing of them reaches the disk:
 *
 *   <runroot>/ephemeral/containers/<id>/  as containers/<id>/ above
 *   <runroot>/ephemeral/tmp/              as tmp/ above (renames stay on one file system)
 *
 * Callers run inside the rootless user namespace (PM_CMD_USERNS). Never prints. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "lib/error.h"
#include "lib/paths.h"
#include "lib/progress.h"

struct pm_store {
	char *root;
	char *runroot;
	char *config_dir;
	char *driver;	     /* requested driver: "overlay", "vfs" or NULL (config file / probe) */
	char *mount_program; /* storage.conf mount_program (fuse-overlayfs), or NULL */
	/* storage.conf auto-userns-min-size, auto-userns-max-size ([storage.options]; absent
	 * or 0: the defaults below), for --userns=auto's size */
	uint32_t auto_userns_min, auto_userns_max;
	const struct pm_progress *progress; /* set by the cli: byte progress of copies, or NULL */
};

/* containers-storage's defaults of auto-userns-min-size and auto-userns-max-size */
#define PM_STORE_AUTO_USERNS_MIN 1024u
#define PM_STORE_AUTO_USERNS_MAX 65536u

/* Open (creating the layout) the store at paths->root. driver_opt: --storage-driver (may
 * be NULL; then <config>/storage.conf 'driver = "..."' is read). 'mount_program = "..."'
 * (podman: [storage.options.overlay]) is always read and must name an executable;
 * 'auto-userns-min-size' and 'auto-userns-max-size' too, each a number 0..2^32-1 (-EINVAL
 * naming the file and the value otherwise). */
int pm_store_open(const struct pm_paths *paths, const char *driver_opt, struct pm_store **ret,
		  pm_error **err);
struct pm_store *pm_store_close(struct pm_store *s);

/* The global --storage-opt values, newline-separated in this environment variable ("="
 * first when --storage-opt "" dropped storage.conf's options); set by the cli for every
 * process that opens the store. */
#define PM_STORAGE_OPT_ENV "_PM_STORAGE_OPT"
/* Apply them (opts may be NULL) over storage.conf's, as podman's driver options: KEY=VALUE,
 * KEY optionally prefixed by the driver ("overlay.mount_program"); mount_program (overlay:
 * must exist) replaces storage.conf's, ignore_chown_errors (a boolean) is accepted. Another
 * driver's prefix, an unknown key or a bad value: -EINVAL with podman's message. Called by
 * pm_store_open (storage/store-opts.c). */
int pm_store_apply_opts(struct pm_store *s, const char *opts, pm_error **err);
PM_DEFINE_CLEANUP_FUNC(struct pm_store *, pm_store_close)
#define _cleanup_store_ _cleanup_(pm_store_closep)

/* root + "/" + formatted relative path (malloc'd). */
char *pm_store_path(const struct pm_store *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A new empty directory under tmp/: "<pid>.<starttime>-prefix-XXXXXX", named after this
 * process so that pm_store_clean_tmp knows when its owner is gone. */
int pm_store_mkdtemp(const struct pm_store *s, const char *prefix, char **ret, pm_error **err);

/* Lock locks/<name>.lock; returns the fd holding it. op: LOCK_EX / LOCK_SH. */
int pm_store_lock(const struct pm_store *s, const char *name, int op, pm_error **err);

/* tmp/<pid>.<starttime>-name for this process (not created), for a rename out of the way. */
char *pm_store_tmp_path(const struct pm_store *s, const char *name);

/* Remove tmp/ entries whose owner process is gone (left by a crash or a kill -9), and
 * entries without an owner in their name older than a day; the same in the ephemeral tmp/. */
void pm_store_clean_tmp(const struct pm_store *s);

/* <runroot>/ephemeral/<sub> (malloc'd), or NULL when the store has no runroot. */
char *pm_store_eph_path(const struct pm_store *s, const char *sub);
/* The directory of container id's root: <runroot>/ephemeral/containers/<id> when that
 * exists (one stat), else <root>/containers/<id>. */
char *pm_store_ctr_dir(const struct pm_store *s, const char *id);
/* As pm_store_mkdtemp and pm_store_tmp_path in the tmp/ beside dir (a container dir from
 * pm_store_ctr_dir, or <root>/containers or the ephemeral containers dir). */
int pm_store_mkdtemp_beside(const struct pm_store *s, const char *dir, const char *prefix,
			    char **ret, pm_error **err);
char *pm_store_tmp_path_beside(const struct pm_store *s, const char *dir, const char *name);

/* Parse a storage.conf: returns the value of 'driver' (malloc'd) or NULL. */
char *pm_store_conf_driver(const char *path);
/* Parse a storage.conf: the value of key (malloc'd, quotes removed) or NULL. Section headers
 * are ignored: keys are unique in the subset pm reads (driver, mount_program,
 * auto-userns-min-size, auto-userns-max-size). */
char *pm_store_conf_value(const char *path, const char *key);
