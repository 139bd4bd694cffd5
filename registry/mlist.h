/* mlist.h: the registry side of `pm manifest`: the entries an image reference adds to a
 * manifest list (a local image, "containers-storage:REF", or a registry's,
 * "docker://HOST/REPO:TAG", whose index gives all its instances with --all or the host's
 * one), and the push of a list: each instance copied to the destination repository (a
 * local image pushed as `pm push` does, under its digest; a registry's copied blob for
 * blob, byte for byte), then the list under the destination's tag. Never prints: the
 * caller's callbacks get podman's lines. */
#pragma once

#include <stdbool.h>

#include "registry/client.h"
#include "registry/push.h"
#include "storage/manifest-list.h"
#include "storage/store.h"

/* The entries ref stands for: a local image (a "containers-storage:" reference, or a bare
 * one the store knows), else a registry's ("docker://" optional). all: every instance of
 * an index, else the host platform's. Each entry's source is set. Errors carry podman's
 * 'setting up to read manifest and configuration from "REF": ' prefix. */
int pm_mlist_entries_for(const struct pm_store *s, const char *ref,
			 const struct pm_registry_opts *ro, bool all, struct pm_mlist_entry **ret,
			 size_t *ret_n, pm_error **err);

struct pm_mlist_push_opts {
	struct pm_push_opts push; /* reg, format, compression, instance events */
	bool all;		  /* push the instances too (podman's default) */
	void (*list_event)(void *ctx, const char *line);
	void *list_event_ctx;
};

/* Push the list record list_id (its instances' sources in the record) to dest. ret_digest
 * (may be NULL) gets the pushed list's digest. */
int pm_mlist_push(const struct pm_store *s, const char *list_id, const char *dest,
		  struct pm_mlist_push_opts *o, char **ret_digest, pm_error **err);

/* What `manifest inspect` prints for a name that is not a local list (podman reads it from
 * its registry): the registry's manifest or index, indented with four spaces in its own
 * key order. A short name goes through registries.conf (its error when it resolves to
 * nothing); tls_verify -1 is registries.conf's insecure. Errors carry podman's 'reading
 * image "docker://NAME": ' prefix. */
int pm_mlist_inspect_remote(const char *ref, const struct pm_registry_opts *ro, char **ret_json,
			    pm_error **err);
