/* tar-tree.h: write a file or a directory tree as a tar stream (pax restricted, libarchive
 * through storage/dl-archive.h): the source side of `pm cp` (engine/cp.c); the other side
 * is the safe extractor, pm_layer_extract_to (storage/layer.h). Never prints. */
#pragma once

#include <sys/stat.h>

#include "lib/error.h"

/* Write to out a tar of the object fd (an O_PATH or open fd, st its lstat): one entry named
 * top for it ("" for a directory: only its contents), then, for a directory, its children
 * (symlinks are archived, not followed; sockets are left out). */
int pm_tar_write_tree(int fd, const struct stat *st, const char *top, int out, pm_error **err);
