/* auto-update.h: podman auto-update. The running containers labelled
 * io.containers.autoupdate=registry|image|local and run by a systemd unit (the
 * PODMAN_SYSTEMD_UNIT label run/create take from the environment the unit gives them) are
 * checked, one report each: "registry" asks the registry for the manifest digest of the name
 * the container was made from and pulls it when it differs from the container's image;
 * "local" compares the container's image with the local image of that name; an updated
 * unit is restarted (systemd/restart.h) and, with rollback, when the restart fails the
 * previous image gets the name back and the unit is restarted again. Errors of one
 * container do not stop the others: they are collected, in podman's words. Never prints.
 * Called by cli/cmd-auto-update.c. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "engine/engine.h"
#include "registry/pull.h"

#define PM_AUTOUPDATE_LABEL	     "io.containers.autoupdate"
#define PM_AUTOUPDATE_AUTHFILE_LABEL "io.containers.autoupdate.authfile"
#define PM_SYSTEMD_UNIT_LABEL	     "PODMAN_SYSTEMD_UNIT"

enum pm_autoupdate_policy {
	PM_AUTOUPDATE_DISABLED = 0,
	PM_AUTOUPDATE_REGISTRY,
	PM_AUTOUPDATE_LOCAL,
};

/* "", "disabled", "registry", "image" (registry's old name), "local"; otherwise -EINVAL
 * 'invalid auto-update policy "X": valid policies are ["disabled" "image" "local"
 * "registry"]'. Pure. */
int pm_autoupdate_policy_parse(const char *s, enum pm_autoupdate_policy *ret, pm_error **err);

/* Is the name a container is made from fully qualified (a domain before the first '/':
 * one with '.' or ':', or "localhost")? run/create refuse a registry policy on another:
 * 'short name: auto updates require fully-qualified image reference: "NAME"'. Pure. */
bool pm_autoupdate_name_qualified(const char *name);

struct pm_autoupdate_opts {
	bool dry_run;  /* report "pending"; pull and restart nothing */
	bool rollback; /* podman's default: true */
	/* --authfile, --tls-verify; a container's io.containers.autoupdate.authfile label
	 * wins over the authfile */
	const struct pm_pull_opts *pull;
	struct pm_store *store;
};

struct pm_autoupdate_report {
	char *unit, *ctr_id, *ctr_name, *image; /* image: the name the container was made from */
	const char *policy;			/* "registry" or "local" */
	const char *updated; /* "true", "false", "pending", "failed", "rolled back" */
};

/* Check (and update) every candidate. Reports in the order of their units' names;
 * *ret_errors: the errors, one line each (NULL: none). Returns 0, or < 0 with err set when
 * nothing could be looked at (the containers could not be listed). */
int pm_engine_auto_update(const struct pm_engine *e, const struct pm_autoupdate_opts *o,
			  struct pm_autoupdate_report **ret, size_t *ret_n, char ***ret_errors,
			  pm_error **err);
void pm_autoupdate_reports_free(struct pm_autoupdate_report *v, size_t n);
