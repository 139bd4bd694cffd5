/* manifest.h: OCI image spec and Docker v2 schema 2 JSON <-> typed structs: manifests,
 * image indexes (OCI index / Docker manifest list), image configs, and docker-archive's
 * manifest.json. json_t stays inside manifest.c; everything else uses these structs, except
 * pm_image_runconfig_json(), which `image inspect` prints as its Config.
 *
 * Blobs keep their original bytes in the store (digests must not change); these structs
 * are for reading them and for building new ones (import, commit, save). */
#pragma once

#include <jansson.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"

#define PM_MT_OCI_MANIFEST	"application/vnd.oci.image.manifest.v1+json"
#define PM_MT_OCI_INDEX		"application/vnd.oci.image.index.v1+json"
#define PM_MT_OCI_CONFIG	"application/vnd.oci.image.config.v1+json"
#define PM_MT_OCI_LAYER		"application/vnd.oci.image.layer.v1.tar"
#define PM_MT_OCI_LAYER_GZIP	"application/vnd.oci.image.layer.v1.tar+gzip"
#define PM_MT_OCI_LAYER_ZSTD	"application/vnd.oci.image.layer.v1.tar+zstd"
#define PM_MT_DOCKER_MANIFEST	"application/vnd.docker.distribution.manifest.v2+json"
#define PM_MT_DOCKER_LIST	"application/vnd.docker.distribution.manifest.list.v2+json"
#define PM_MT_DOCKER_CONFIG	"application/vnd.docker.container.image.v1+json"
#define PM_MT_DOCKER_LAYER	"application/vnd.docker.image.rootfs.diff.tar"
#define PM_MT_DOCKER_LAYER_GZIP "application/vnd.docker.image.rootfs.diff.tar.gzip"

/* Largest manifest/config/index we parse. */
#define PM_MANIFEST_MAX (4u << 20)

struct pm_descriptor {
	char *media_type;
	char *digest; /* sha256:... */
	int64_t size;
	char *ref_name;		   /* index entries: org.opencontainers.image.ref.name annotation */
	char *arch, *os, *variant; /* index entries: platform, may be NULL */
};

struct pm_manifest {
	char *media_type; /* PM_MT_OCI_MANIFEST or PM_MT_DOCKER_MANIFEST */
	struct pm_descriptor config;
	struct pm_descriptor *layers;
	size_t n_layers;
	char **annotations; /* the manifest's own annotations, KEY=VALUE (NULL: none) */
};

struct pm_index {
	char *media_type;
	struct pm_descriptor *manifests;
	size_t n_manifests;
};

struct pm_history {
	char *created; /* RFC 3339 */
	char *created_by;
	char *author;
	char *comment;
	bool empty_layer;
};

/* The runtime part of an image config ("config" object). strv are NULL-terminated; labels
 * and env are "key=value". exposed_ports are "80/tcp". */
struct pm_image_runconfig {
	char *user;
	char **exposed_ports;
	char **env;
	char **entrypoint;
	char **cmd;
	char **volumes;
	char *working_dir;
	char **labels;
	char *stop_signal;
	/* Docker v2s2 configs only (OCI has no such fields): Healthcheck as compact JSON,
	 * Shell, OnBuild; NULL when absent */
	char *healthcheck;
	char **shell;
	char **onbuild;
	bool has_entrypoint, has_cmd; /* present in JSON, even if null/empty */
};

struct pm_image_config {
	char *created;
	char *author;
	char *architecture;
	char *os;
	char *os_version;   /* "os.version", NULL when absent */
	char **os_features; /* "os.features", NULL when absent */
	char *variant;
	struct pm_image_runconfig config;
	char **diff_ids; /* "sha256:..." in layer order */
	size_t n_diff_ids;
	struct pm_history *history;
	size_t n_history;
};

/* The run config as the image config's "config" object (podman prints it as Config). */
json_t *pm_image_runconfig_json(const struct pm_image_runconfig *rc);

/* The image config's "history" array (podman's inspect prints it as History). */
json_t *pm_image_history_json(const struct pm_history *h, size_t n);

/* docker-archive manifest.json entry */
struct pm_docker_archive_entry {
	char *config;	  /* path in the archive */
	char **repo_tags; /* may be NULL */
	char **layers;	  /* paths in the archive */
	size_t n_layers;
};

/* What kind of document is this (by mediaType, or by shape when absent)? */
enum pm_manifest_kind {
	PM_DOC_UNKNOWN = 0,
	PM_DOC_MANIFEST,
	PM_DOC_INDEX,
};
enum pm_manifest_kind pm_manifest_kind(const char *data, size_t len);

int pm_manifest_parse(const char *data, size_t len, struct pm_manifest *ret, pm_error **err);
int pm_index_parse(const char *data, size_t len, struct pm_index *ret, pm_error **err);
int pm_image_config_parse(const char *data, size_t len, struct pm_image_config *ret,
			  pm_error **err);
int pm_docker_archive_manifest_parse(const char *data, size_t len,
				     struct pm_docker_archive_entry **ret, size_t *ret_n,
				     pm_error **err);

/* Serialise (compact JSON, keys in spec order). Results are malloc'd NUL-terminated. */
char *pm_manifest_to_json(const struct pm_manifest *m);
char *pm_index_to_json(const struct pm_index *idx);
char *pm_image_config_to_json(const struct pm_image_config *c);
char *pm_docker_archive_manifest_to_json(const struct pm_docker_archive_entry *e, size_t n);

/* Apply one --change instruction ("CMD [\"sh\"]", "ENV A=b", "WORKDIR /x", "USER u",
 * "EXPOSE 80", "LABEL a=b", "ENTRYPOINT ...", "STOPSIGNAL x", "VOLUME /v").
 * -EINVAL naming the instruction when it is not supported or malformed. */
int pm_runconfig_apply_change(struct pm_image_runconfig *rc, const char *change, pm_error **err);

void pm_descriptor_free(struct pm_descriptor *d);
void pm_manifest_free(struct pm_manifest *m);
void pm_index_free(struct pm_index *idx);
void pm_image_config_free(struct pm_image_config *c);
void pm_runconfig_free(struct pm_image_runconfig *rc);
void pm_docker_archive_free(struct pm_docker_archive_entry *e, size_t n);
