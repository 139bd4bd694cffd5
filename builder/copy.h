/* copy.h: COPY and ADD of local files (the build context or a stage's or image's mounted
 * root): the sources are walked once into a plan (a digest of their content and metadata
 * for the layer cache), then written into a container's root as a tar stream through
 * storage's safe extractor (pm_layer_extract_to). builder/ only; never prints. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "builder/ignore.h"
#include "lib/error.h"

struct pm_build_copy {
	int src_root;			/* directory fd the sources resolve in (RESOLVE_IN_ROOT) */
	const char *src_name;		/* for messages: the context dir or "stage x" */
	char **srcs;			/* expanded sources, relative to src_root */
	const char *dest;		/* absolute destination in the container */
	const struct pm_ignore *ignore; /* the context's ignore file, or NULL */
	bool chown;
	uid_t uid;
	gid_t gid;
	bool chmod;
	mode_t mode;
	bool extract; /* ADD: a local tar (plain, gzip, bzip2, xz, zstd) source is unpacked
		       * into the destination, as Docker's and buildah's ADD do */
};

struct pm_copy_plan;

/* Walk the sources (globs expanded; a missing source is -ENOENT naming it); ret_digest gets
 * the sha256 of the entries' names, modes, sizes, link targets and contents. With extract, a
 * source file libarchive reads as a tar is marked to be unpacked (its content is hashed as
 * any file's). */
int pm_build_copy_plan(const struct pm_build_copy *c, struct pm_copy_plan **ret,
		       char ret_digest[65], pm_error **err);
/* Set the owner every entry gets (a --chown with names, resolved in the image). */
void pm_build_copy_set_owner(struct pm_copy_plan *p, uid_t uid, gid_t gid);
/* Write the plan into the directory tree at rootfd (a container's mounted root). */
int pm_build_copy_apply(const struct pm_copy_plan *p, int rootfd, pm_error **err);
/* "file" (one regular file), "dir" or "multi", for the history's created_by. */
const char *pm_build_copy_kind(const struct pm_copy_plan *p);
struct pm_copy_plan *pm_copy_plan_free(struct pm_copy_plan *p);
