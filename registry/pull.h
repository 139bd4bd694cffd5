/* pull.h: an image from a registry into the store (podman pull): the reference resolved
 * through registries.conf (short names, aliases, mirrors, blocked), the manifest fetched
 * (an OCI index or Docker manifest list resolved to the wanted platform), the config and the
 * layers fetched in parallel and streamed into pm_layer_ingest (digests checked while they
 * stream; a layer already stored is not fetched), the record written last. Nothing is stored
 * when any step fails. Never prints: events go to the caller's callback. */
#pragma once

#include <stdbool.h>

#include "registry/client.h"
#include "storage/store.h"

struct pm_image_record;

enum pm_pull_policy {
	PM_PULL_MISSING = 0,
	PM_PULL_ALWAYS,
	PM_PULL_NEVER,
	PM_PULL_NEWER,
};
/* "missing" | "always" | "never" | "newer" (and podman's aliases "ifmissing", "ifnewer",
 * "true", "false"); -EINVAL naming s otherwise. */
int pm_pull_policy_parse(const char *s, enum pm_pull_policy *ret, pm_error **err);

/* What podman prints on stderr while it pulls; the CLI prints (cli/progress.c). */
enum pm_pull_event {
	PM_PULL_RESOLVED,   /* arg: the whole line 'Resolved "NAME" as an alias (FILE)' */
	PM_PULL_TRYING,	    /* arg: "Trying to pull HOST/REPO:TAG..." target */
	PM_PULL_SIGNATURES, /* "Getting image source signatures" */
	PM_PULL_BLOB, /* arg: layer digest ("Copying blob X" / "... skipped: already exists") */
	PM_PULL_BLOB_EXISTS, /* arg: layer digest already stored */
	PM_PULL_CONFIG,	     /* arg: config digest */
	PM_PULL_MANIFEST,    /* "Writing manifest to image destination" */
	PM_PULL_DONE,	     /* "Storing signatures" */
};

struct pm_pull_opts {
	struct pm_registry_opts reg;
	const char *arch, *os, *variant; /* NULL: the host's (--arch/--os/--variant/--platform) */
	bool all_tags;
	void (*event)(void *ctx, enum pm_pull_event ev, const char *arg);
	void *event_ctx;
};

/* Pull ref as the user typed it. ret_ids: the pulled images' ids (one; one per tag with
 * all_tags). Layer byte progress goes to s->progress. */
int pm_pull(const struct pm_store *s, const char *ref, const struct pm_pull_opts *o,
	    char ***ret_ids, pm_error **err);

/* Does the registry serve another manifest for ref (fully qualified, or a short name resolved
 * as pull resolves it; mirrors are not asked) than rec, the stored image? A HEAD of the
 * manifest, compared with rec's digest and its NAME@DIGEST names (pull --pull=newer,
 * auto-update). Errors are the registry client's. */
int pm_pull_check_newer(const char *ref, const struct pm_image_record *rec,
			const struct pm_pull_opts *o, bool *ret_newer, pm_error **err);

/* The image a container is made from (run/create --pull): look it up, pull it when the
 * policy says so; ret gets the record. */
int pm_pull_for_container(const struct pm_store *s, const char *ref, enum pm_pull_policy policy,
			  const struct pm_pull_opts *o, char **ret_id, pm_error **err);
