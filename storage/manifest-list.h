/* manifest-list.h: manifest lists as `pm manifest` keeps them (podman manifest create, add,
 * annotate, remove): an OCI index or Docker manifest list whose entries carry the full
 * platform (os.version, os.features, features), annotations, and where each instance is
 * to be copied from when the list is pushed ("containers-storage:ID" for a local image,
 * "docker://HOST/REPO@DIGEST" for a registry's). Pure parse/edit/print functions; the list
 * itself is stored as an image record (image.h: pm_image_list_save), as containers/storage
 * does: the record's manifest is the index. json_t stays in manifest-list.c. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"

struct pm_mlist_entry {
	char *media_type;
	char *digest;
	int64_t size;
	char *arch, *os, *os_version, *variant; /* may be NULL */
	char **os_features, **features;		/* strv, may be NULL */
	char **annotations;			/* "key=value" strv, may be NULL */
	char *source;				/* where push copies it from; may be NULL */
};

struct pm_mlist {
	char *media_type; /* PM_MT_DOCKER_LIST or PM_MT_OCI_INDEX */
	struct pm_mlist_entry *v;
	size_t n;
};

void pm_mlist_entry_free(struct pm_mlist_entry *e);
void pm_mlist_free(struct pm_mlist *l);

/* An index / manifest list document into l (sources left NULL). -EINVAL when it is not one. */
int pm_mlist_parse(const char *data, size_t len, struct pm_mlist *ret, pm_error **err);

/* The document, compact (what is stored and pushed). media_type NULL: the list's own.
 * Docker lists put the descriptor's keys in podman's order for each type. malloc'd. */
char *pm_mlist_to_json(const struct pm_mlist *l, const char *media_type);

/* What `manifest inspect` prints: the list as podman 4.3 shows it (4-space indent,
 * "manifests": null when empty). malloc'd, no trailing newline. */
char *pm_mlist_inspect_json(const struct pm_mlist *l);

/* Add e (moved into the list; its fields are taken): an entry of the same digest is
 * replaced and the new one goes last, as podman does. */
void pm_mlist_add(struct pm_mlist *l, struct pm_mlist_entry *e);

/* The entry for digest; NULL when none. */
struct pm_mlist_entry *pm_mlist_find(struct pm_mlist *l, const char *digest);

/* Remove the entry for digest: -EINVAL podman's 'invalid image digest "D": invalid checksum
 * digest format' for a malformed one, -ENOENT 'no instance matching digest "D" found in
 * manifest list' when there is none. */
int pm_mlist_remove(struct pm_mlist *l, const char *digest, pm_error **err);

/* Check digest's form ("sha256:" + 64 hex): -EINVAL with podman's message. */
int pm_mlist_digest_check(const char *digest, pm_error **err);

/* --annotation KEY=VALUE into strv "key=value" (replacing the key); -EINVAL 'no value given
 * for annotation "S"' without '='. */
int pm_mlist_annotation_add(char ***annotations, const char *s, pm_error **err);
