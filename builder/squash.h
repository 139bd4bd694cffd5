/* squash.h: --squash and --squash-all's tree work. builder/build.c mounts the images and
 * commits; this file only reads and writes directory trees. Never prints. */
#pragma once

#include "lib/error.h"

/* Make the tree at dst (a container of the base image, mounted) equal to the tree at src
 * (the built image, mounted): entries that differ in type, mode, owner, size, mtime or link
 * target are replaced, missing ones created, extra ones removed (on an overlay mount the
 * removals become whiteouts). Unchanged entries are not touched, so the container's diff is
 * what the new layers changed. Hard links are copied as files; devices are skipped. */
int pm_squash_sync(const char *dst, const char *src, pm_error **err);
