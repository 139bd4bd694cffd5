/* reference.h: image references as podman writes them: [domain/]path[:tag][@sha256:hex].
 *
 * Parsing normalises the way podman names local images: a name without a domain gets
 * "localhost/" (pm_reference_parse with PM_REF_LOCAL, used by import/tag/commit) or
 * docker.io rules ("busybox" -> "docker.io/library/busybox", PM_REF_DOCKER); a missing tag
 * becomes "latest" unless a digest is given. Lookup candidates for a short name are given
 * by pm_reference_candidates(); resolving against the store is image.c's job. Pure
 * functions, no I/O. */
#pragma once

#include <stdbool.h>

#include "lib/error.h"

struct pm_reference {
	char *domain;	 /* "localhost", "docker.io", "quay.io:5000" */
	char *path;	 /* "busybox", "library/busybox" */
	char *tag;	 /* "latest"; NULL when only a digest was given */
	char *digest;	 /* "sha256:<hex>" or NULL */
	bool short_name; /* the input had no domain */
};

enum pm_ref_mode {
	PM_REF_LOCAL = 0,  /* short names -> localhost/NAME */
	PM_REF_DOCKER = 1, /* short names -> docker.io/library/NAME */
};

/* docker's reference grammar: a name (domain/path, without tag or digest) is at most 255
 * characters; a tag [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}. */
#define PM_REFERENCE_NAME_MAX 255

/* Parse and normalise s. Errors (-EINVAL) name s: uppercase repository, bad tag, bad
 * digest, empty component; -ENAMETOOLONG when the name as given exceeds
 * PM_REFERENCE_NAME_MAX (the normalised one may: callers that store it check). */
int pm_reference_parse(const char *s, enum pm_ref_mode mode, struct pm_reference *ret,
		       pm_error **err);

/* "domain/path" */
char *pm_reference_repo(const struct pm_reference *r);
/* "domain/path:tag", "domain/path@digest" or "domain/path:tag@digest". */
char *pm_reference_string(const struct pm_reference *r);

/* Full names to try, in order, for a user-supplied reference when looking up local images:
 * "busybox" -> {"localhost/busybox:latest", "docker.io/library/busybox:latest"};
 * a qualified name -> itself. NULL-terminated strv; NULL when s does not parse. */
char **pm_reference_candidates(const char *s);

/* Split a stored full name "domain/path:tag" into repository and tag (either may be
 * "<none>" for dangling); returns malloc'd strings. */
void pm_reference_split_name(const char *name, char **ret_repo, char **ret_tag);

/* podman's check of the image a container is made from (run, create) before any lookup:
 * an upper-case letter in the repository name (not in a tag, digest or domain) ->
 * -EINVAL "repository name must be lowercase". Other forms are left to the lookup. */
int pm_reference_check_case(const char *s, pm_error **err);

/* After a failed lookup of the image for a container (r < 0): when it is -ENOENT, add to
 * err's "NAME: image not known" that pm has no such local image and how to get one.
 * Returns r. */
int pm_reference_missing_hint(int r, pm_error **err);

void pm_reference_free(struct pm_reference *r);
PM_DEFINE_CLEANUP_VALUE(struct pm_reference, pm_reference_free)
#define _cleanup_reference_ _cleanup_(pm_reference_freep)

/* containers-transports(5) names other than docker, NULL-terminated: pm refuses them where
 * podman would read or write another transport (push, image sign). */
extern const char *const pm_reference_other_transports[];
