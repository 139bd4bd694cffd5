/* inspect.h: a container as podman shows it: `container inspect` JSON, the status words of
 * `ps` ("Up 3 seconds ago", "Exited (0) 2 seconds ago", "Created") and Go's time formats.
 *
 * The view is built from the record (engine/container.h), its configuration
 * (engine/config-json.h) and the image config (storage/container.h, looked up once per
 * image through a pm_image_cache). JSON leaves this module as text (json_t stays inside).
 * Reads only: no lock, no namespace (records and image configs are readable by the user).
 * Called by cli/ (inspect, ps, container commands) and engine/ps.c. Never prints. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "engine/container.h"
#include "engine/run.h"
#include "lib/error.h"

/* Unix seconds as podman's ps JSON has them: Go's zero time (-62135596800) for 0. */
int64_t pm_gotime_unix(int64_t ns);

/* The STATUS column of podman ps. now_ns: the clock. malloc'd. */
char *pm_inspect_status_human(const struct pm_container *c, int64_t now_ns);

/* Image configs looked up once per image id for a listing. */
typedef struct pm_image_cache pm_image_cache;
pm_image_cache *pm_image_cache_new(const struct pm_engine *e);
pm_image_cache *pm_image_cache_free(pm_image_cache *ic);
PM_DEFINE_CLEANUP_FUNC(pm_image_cache *, pm_image_cache_free)
#define _cleanup_image_cache_ _cleanup_(pm_image_cache_freep)
/* The image with that id (looked up on first use), NULL when it is gone or unreadable. */
const struct pm_image *pm_image_cache_get(pm_image_cache *ic, const char *image_id);

/* What a container runs and carries, resolved against its image. */
struct pm_ctr_view {
	char **args;	   /* entrypoint + command, as the container runs it */
	char **cmd;	   /* Config.Cmd: the command part */
	char **entrypoint; /* Config.Entrypoint: the entrypoint part (NULL: none) */
	char **labels;	   /* image labels, then the container's (KEY=VALUE, later wins) */
	char **env;	   /* the environment the container gets */
	char *workdir;
	char *user;
	char *image_digest;
};
int pm_ctr_view_get(pm_image_cache *ic, const struct pm_container *c, struct pm_ctr_view *ret,
		    pm_error **err);
void pm_ctr_view_clear(struct pm_ctr_view *v);

/* podman's `container inspect` object for c, as compact JSON text (malloc'd). ic may be
 * NULL (a cache for this call only). log_path: where its log is (may be NULL). */
int pm_engine_inspect(const struct pm_engine *e, const struct pm_container *c, pm_image_cache *ic,
		      const char *log_path, char **ret_json, pm_error **err);
