/* container.h: what the engine needs from storage for a container's root filesystem.
 *
 * Usage (all calls inside the rootless user namespace, i.e. from a PM_CMD_USERNS command):
 *
 *   struct pm_store *s;   pm_store_open(&cli->paths, cli->storage_driver, &s, &err);
 *   struct pm_image img;  pm_storage_image_lookup(s, "busybox", &img, &err);
 *                         // img.id, img.names, img.env/cmd/entrypoint/working_dir/user/
 *                         // exposed_ports/labels/stop_signal/volumes: the image config
 *   pm_storage_ctr_create(s, ctr_id, img.id, &err);    // upper/work dirs (or vfs copy)
 *   char *root;  pm_storage_ctr_mount(s, ctr_id, &root, &err);   // idempotent; rootfs path
 *   ... run the container with root as its rootfs ...
 *   pm_storage_ctr_unmount(s, ctr_id, &err);           // idempotent
 *   pm_storage_ctr_delete(s, ctr_id, &err);            // unmounts (no sync), removes its dirs
 *   pm_image_free(&img); pm_store_close(s);
 *
 *   pm commit:  pm_storage_ctr_commit(s, ctr_id, "localhost/x:latest" or NULL, changes,
 *                                     message, author, &new_image_id, &err);
 *   pm diff:    pm_storage_ctr_diff(s, ctr_id, &changes, &n, &err);  // sorted {kind, path}
 *   pm export:  pm_storage_ctr_export(s, ctr_id, fd, &err);           // tar of merged tree
 *
 * Layout: <root>/containers/<ctr_id>/{storage.json, diff/ (upper), work/, merged/ (mount
 * point) or rootfs/ (vfs)}. The driver is chosen at create time and recorded in
 * storage.json: --storage-driver / storage.conf, else native overlay when the kernel allows
 * it in a user namespace (probed once, <root>/overlay-probe.json), else fuse-overlayfs when
 * installed and /dev/fuse exists, else vfs (a full copy). Overlay is mounted with
 * "userxattr" (layers carry user.overlay.* whiteouts/opaque markers). rmi refuses images a
 * container created here uses. Errors name the container id. Never prints. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/stat.h>

#include "storage/image.h"
#include "storage/layerstore.h"
#include "storage/store.h"

struct pm_image {
	char *id; /* 64 hex */
	char **names;
	char *digest;
	char *architecture, *os;
	char **env, **cmd, **entrypoint; /* NULL when not set in the image */
	char *working_dir, *user, *stop_signal;
	char **exposed_ports; /* "80/tcp" */
	char **labels;	      /* "key=value" */
	char **volumes;
};

int pm_storage_image_lookup(const struct pm_store *s, const char *ref, struct pm_image *ret,
			    pm_error **err);
void pm_image_free(struct pm_image *img);

/* Is rel (relative, no leading '/') visible in the merged view of lowers (diff dirs, top
 * first), as overlay shows it: the topmost layer having it wins, unless a layer above has
 * it (or an ancestor) whited out, an ancestor that is not a directory or an opaque one.
 * Fills *st (its lstat) and *ret_path (malloc'd, in the layer that has it; may be NULL). */
bool pm_storage_lowers_find(char *const *lowers, const char *rel, struct stat *st, char **ret_path);

/* --mount type=image: the diff dirs of the image ref names (top first, each layer once; NULL
 * when it has none) and its id (ret_id may be NULL). -ENOENT "REF: image not known". */
int pm_storage_image_lowers(const struct pm_store *s, const char *ref, char **ret_id,
			    char ***ret_lowers, pm_error **err);

/* image_id NULL: a root with no layers (a build step on FROM scratch) */
int pm_storage_ctr_create(const struct pm_store *s, const char *ctr_id, const char *image_id,
			  pm_error **err);
/* PM_STORAGE_CTR_EPHEMERAL: the root of a container removed when it exits (run --rm): its
 * storage.json is not fsynced and its overlay is mounted "volatile" (no sync of the upper
 * fs at unmount) where the kernel has it; a crash leaves it for removal, never for reuse. */
#define PM_STORAGE_CTR_EPHEMERAL (1u << 0)
/* Would an ephemeral root (mapped: with uid/gid mappings) be made under the runroot
 * (storage/store.h)? Not for vfs (a copy of the image), nor where the runroot takes no
 * user xattrs. */
bool pm_storage_ctr_eph_here(const struct pm_store *s, bool mapped);
/* PM_STORAGE_CTR_NOSYNC: storage.json is not fsynced now: the caller makes the root
 * durable later, off its path, by fsync of pm_storage_ctr_sync_paths (run -d: the detached
 * monitor). */
#define PM_STORAGE_CTR_NOSYNC (1u << 2)
/* PM_STORAGE_CTR_RUNROOT (with EPHEMERAL): the root goes under the runroot; the caller asked
 * pm_storage_ctr_eph_here once (it probes the runroot) to place the record beside it. */
#define PM_STORAGE_CTR_RUNROOT (1u << 3)
int pm_storage_ctr_create_flags(const struct pm_store *s, const char *ctr_id, const char *image_id,
				unsigned flags, pm_error **err);
/* What a create wrote, to fsync to make it durable: the root's storage.json, its directory
 * and the containers/ directory its rename went into, appended to *v (nothing for a bad
 * id). */
void pm_storage_ctr_sync_paths(const struct pm_store *s, const char *ctr_id, char ***v);
/* A root whose files show with shifted owners (--userns=nomap, --uidmap without the
 * caller): fuse-overlayfs with uidmapping/gidmapping ("CTR:NS:LEN" triples joined by ':',
 * the container's own maps: a file the image gives to CTR shows as NS in pm's namespace,
 * so as CTR in the container) and allow_other, no copy; refused when fuse-overlayfs cannot
 * run. NULL maps: pm_storage_ctr_create_flags. */
int pm_storage_ctr_create_mapped(const struct pm_store *s, const char *ctr_id, const char *image_id,
				 unsigned flags, const char *uidmapping, const char *gidmapping,
				 pm_error **err);
int pm_storage_ctr_mount(const struct pm_store *s, const char *ctr_id, char **ret_mountpoint,
			 pm_error **err);
int pm_storage_ctr_unmount(const struct pm_store *s, const char *ctr_id, pm_error **err);
/* PM_STORAGE_CTR_DISCARD: the root is deleted next (a container being removed): the
 * unmount does not wait for the kernel's sync of the upper file system. */
#define PM_STORAGE_CTR_DISCARD (1u << 1)
int pm_storage_ctr_unmount_flags(const struct pm_store *s, const char *ctr_id, unsigned flags,
				 pm_error **err);
/* Is the container's overlay root mounted in this mount namespace (vfs mounts nothing: 0)?
 * 1 and *ret_mountpoint (malloc'd; ret_mountpoint may be NULL), or 0. */
int pm_storage_ctr_mounted(const struct pm_store *s, const char *ctr_id, char **ret_mountpoint);
int pm_storage_ctr_delete(const struct pm_store *s, const char *ctr_id, pm_error **err);
/* The first half of a delete: unmounted (no sync) and moved under tmp/ (*ret_gone, NULL
 * when there was no root): no longer the container's. The caller removes *ret_gone and
 * collects the layers (pm_image_collect_layers) when it likes; a crash leaves a tmp/ entry
 * pm_store_clean_tmp removes. */
int pm_storage_ctr_detach(const struct pm_store *s, const char *ctr_id, char **ret_gone,
			  pm_error **err);
/* The same while the process pidfd (a killed container's init, still ending) may have the
 * root mounted in its own mount namespace: the unmount's sync waits for its end, off the
 * caller's path (pm_overlay_discard_after). */
int pm_storage_ctr_detach_after(const struct pm_store *s, const char *ctr_id, int pidfd,
				char **ret_gone, pm_error **err);
/* The first half of a delete that leaves even the unmount to the caller's own process
 * (rm -f: its detached child): the root moved under tmp/ (*ret_gone; NULL when there was
 * none), its overlay still mounted on its merged/ (a crash leaves a tmp/ entry
 * pm_store_clean_tmp unmounts and removes). Then, in that process,
 * pm_storage_gone_detach_held and the removal of *ret_gone. */
int pm_storage_ctr_move_aside(const struct pm_store *s, const char *ctr_id, char **ret_gone,
			      pm_error **err);
/* The root moved aside (pm_storage_ctr_move_aside) unmounted: a native overlay detached and
 * held by *ret_fd, whose last close pays the sync of its upper file system (the caller
 * closes it when it likes, after the processes that have it mounted elsewhere have ended);
 * fuse-overlayfs and volatile mounts unmounted plainly, *ret_fd -1. */
int pm_storage_gone_detach_held(const char *gone, int *ret_fd, pm_error **err);

struct pm_change {
	char kind;  /* 'A', 'C' or 'D' */
	char *path; /* absolute, "/etc/motd" */
};
void pm_changes_free(struct pm_change *v, size_t n);

/* every driver: overlay reads the upper dir; vfs compares rootfs/ with the image's layers */
int pm_storage_ctr_diff(const struct pm_store *s, const char *ctr_id, struct pm_change **ret,
			size_t *ret_n, pm_error **err);
/* An image's top layer against the layers below it (layers: diff_ids, bottom first, as
 * struct pm_image_record has them), podman's `diff IMAGE`: sorted {kind, path}. */
int pm_storage_image_diff(const struct pm_store *s, char *const *layers, size_t n_layers,
			  struct pm_change **ret, size_t *ret_n, pm_error **err);
int pm_storage_ctr_commit(const struct pm_store *s, const char *ctr_id, const char *name,
			  char *const *changes, const char *message, const char *author,
			  char **ret_id, pm_error **err);
/* flags PM_STORAGE_COMMIT_SQUASH (commit --squash): the image's layers and the changes as
 * one layer, the image's history replaced by one entry (the container is mounted for it
 * when it is not). */
#define PM_STORAGE_COMMIT_SQUASH 1u
int pm_storage_ctr_commit_flags(const struct pm_store *s, const char *ctr_id, const char *name,
				char *const *changes, const char *message, const char *author,
				unsigned flags, char **ret_id, pm_error **err);
/* The container's changes as a new layer in the store (deletions as whiteouts), for a
 * build step (builder/): *ret describes it (pm_layer_info_free). The caller holds
 * layers.lock LOCK_SH until an image record uses the layer (pm_image_create_from_config). */
int pm_storage_ctr_commit_layer(const struct pm_store *s, const char *ctr_id,
				struct pm_layer_info *ret, pm_error **err);
/* The same with every entry's times set to mtime (seconds since the epoch; -1: their own),
 * as build --timestamp wants for reproducible layers. */
int pm_storage_ctr_commit_layer_at(const struct pm_store *s, const char *ctr_id, int64_t mtime,
				   struct pm_layer_info *ret, pm_error **err);
/* A build's RUN --mount target (path, absolute in the container) out of the container's
 * changes, with the parents made for it: each, from the target up, goes when no layer of the
 * image has it and it is an empty directory or an empty regular file (the mount point the
 * runtime made); the first that stays ends the walk. Symlinks are never followed; a ".."
 * component or a missing root does nothing. The container is not mounted. */
void pm_storage_ctr_drop_stub(const struct pm_store *s, const char *ctr_id, const char *path);
/* the container must be mounted (pm_storage_ctr_mount) */
int pm_storage_ctr_export(const struct pm_store *s, const char *ctr_id, int fd, pm_error **err);
