/* image.h: image records in the store, one JSON document per image (images/<id>.json):
 * names, manifest digest, layers, created, size. Resolves user references (names, short
 * names, id prefixes, @digests) to records; tags, untags, removes; creates images from
 * ingested layers (import, load, commit). Configs and manifests are blobs
 * (blobs/sha256/<hex>) written before the record.
 *
 * Concurrency: record changes take locks/images.lock LOCK_EX (a name moves from one image
 * to another atomically with respect to other pm processes). Never prints. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage/layer.h"
#include "storage/manifest.h"
#include "storage/store.h"

struct pm_image_record {
	char *id;     /* 64 hex (sha256 of the config) */
	char **names; /* full names "localhost/busybox:latest"; may be NULL */
	char **names_history;
	char *digest;	     /* manifest digest "sha256:..." */
	char *manifest_type; /* media type of the stored manifest */
	char **layers;	     /* diff_ids, bottom first */
	char *created;	     /* RFC 3339, from the config */
	int64_t created_unix;
	uint64_t size;
	size_t n_layers;
	char **instances; /* manifest lists: "DIGEST=SOURCE" (manifest-list.h) */
};

void pm_image_record_free(struct pm_image_record *r);
void pm_image_records_free(struct pm_image_record *v, size_t n);

/* Every record, sorted newest first (podman's `images` order). */
int pm_image_list(const struct pm_store *s, struct pm_image_record **ret, size_t *ret_n,
		  pm_error **err);

/* Resolve a user reference: full id, "sha256:"+id, a name (short names: localhost/ then
 * docker.io/library/, then any repository ending in "/NAME"), NAME@sha256:digest, or a
 * unique id prefix. -ENOENT "REF: image not known"; -EINVAL for an ambiguous prefix. */
int pm_image_resolve(const struct pm_store *s, const char *ref, struct pm_image_record *ret,
		     pm_error **err);

/* The image config blob, parsed; ret_raw (may be NULL) gets the raw bytes. */
int pm_image_read_config(const struct pm_store *s, const struct pm_image_record *r,
			 struct pm_image_config *ret, char **ret_raw, pm_error **err);
/* The stored manifest blob (raw). */
int pm_image_read_manifest(const struct pm_store *s, const struct pm_image_record *r,
			   char **ret_raw, size_t *ret_len, pm_error **err);

/* Store a blob (config/manifest) under blobs/sha256/<hex>; ret_digest gets "sha256:hex". */
int pm_blob_put(const struct pm_store *s, const void *data, size_t len, char **ret_digest,
		pm_error **err);
int pm_blob_get(const struct pm_store *s, const char *digest, size_t max, char **ret,
		size_t *ret_len, pm_error **err);

/* Create (or refresh) the image for config bytes + manifest bytes whose layers are already
 * ingested, and give it names (full names, moved off other images). The caller holds
 * layers.lock LOCK_SH. ret_id (may be NULL) gets the id. When the image exists, names are
 * added. */
int pm_image_create(const struct pm_store *s, const char *config, size_t config_len,
		    const char *manifest, size_t manifest_len, char *const *names, char **ret_id,
		    pm_error **err);

/* Create the image for config, whose diff_ids are layers in the store: the config blob and
 * an OCI manifest listing those layers (builder/: a build step's image). The caller holds
 * layers.lock LOCK_SH. names may be NULL. ret_id (may be NULL) gets the id. */
int pm_image_create_from_config(const struct pm_store *s, const struct pm_image_config *cfg,
				char *const *names, char **ret_id, pm_error **err);
/* The same, in Docker v2s2 format when docker (the manifest's, config's and layers' media
 * types; the config as it is, Healthcheck, Shell and OnBuild kept), else OCI with the
 * manifest annotations KEY=VALUE (may be NULL). */
int pm_image_create_from_config_fmt(const struct pm_store *s, const struct pm_image_config *cfg,
				    bool docker, char *const *annotations, char *const *names,
				    char **ret_id, pm_error **err);

/* Add a full name; remove one (NULL: all names). */
int pm_image_tag(const struct pm_store *s, const char *id, const char *name, pm_error **err);
int pm_image_untag(const struct pm_store *s, const char *id, const char *name, pm_error **err);

/* Remove the image record and collect layers nobody uses. Refuses (-EBUSY) an image a
 * container uses unless force. */
int pm_image_remove(const struct pm_store *s, const char *id, bool force, pm_error **err);

/* Ids of containers (containers/<id>/storage.json) using image id. */
char **pm_image_users(const struct pm_store *s, const char *id);

/* Collect unused layers (takes layers.lock LOCK_EX). */
int pm_image_collect_layers(const struct pm_store *s, pm_error **err);

/* Import a root filesystem tarball as a single-layer image (podman import): config built
 * from changes ("CMD ...", see pm_runconfig_apply_change) and message (history comment).
 * names may be NULL (dangling image). */
int pm_image_import(const struct pm_store *s, pm_read_fn rd, void *rd_ctx, char *const *names,
		    char *const *changes, const char *message, char **ret_id, pm_error **err);
/* The same with the image's created time (ns since the epoch; podman's import of a file
 * takes the file's mtime); 0 is now. */
int pm_image_import_at(const struct pm_store *s, pm_read_fn rd, void *rd_ctx, char *const *names,
		       char *const *changes, const char *message, int64_t created_ns, char **ret_id,
		       pm_error **err);

/* A manifest list (its manifest is an OCI index or a Docker manifest list)? */
bool pm_image_is_list(const struct pm_image_record *r);

/* Store a manifest list: index bytes (of media_type) as its manifest, instances
 * ("DIGEST=SOURCE") in the record. id NULL: a new record named name (full name), with a
 * random id; -EEXIST with podman's 'creating image to hold manifest list: image name ...
 * that name is already in use' when another image has the name. Else the record id is
 * updated. ret_id (may be NULL) gets the id. */
int pm_image_list_save(const struct pm_store *s, const char *id, const char *name,
		       const char *index, size_t len, const char *media_type,
		       char *const *instances, char **ret_id, pm_error **err);

/* "2006-01-02T15:04:05.999999999Z" for now; and parse RFC 3339 to unix seconds. */
char *pm_image_now_rfc3339(void);
int64_t pm_image_parse_time(const char *s);
