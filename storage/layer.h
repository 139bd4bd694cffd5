/* layer.h: extract one layer tar stream (plain, gzip, zstd, xz, bzip2) into a directory
 * with libarchive, as the OCI image spec describes.
 *
 * Two modes:
 *  - PM_UNPACK_OVERLAY: the directory is the layer's own diff dir. Whiteouts become overlay
 *    whiteouts: ".wh.NAME" -> char device 0/0 NAME (or, when mknod is refused, an empty
 *    file with xattr user.overlay.whiteout and its parent marked user.overlay.opaque="x",
 *    as kernel 6.7+ overlayfs accepts), ".wh..wh..opq" -> xattr user.overlay.opaque="y" on
 *    the parent. Overlay is then mounted with "userxattr" (rootless and as root alike).
 *    Any entry whose parent path goes through a symlink is refused (the absolute-symlink
 *    trick), as is any ".." component.
 *  - PM_UNPACK_APPLY: the directory is a full root filesystem (vfs driver): whiteouts delete,
 *    and paths resolve as if the directory were "/" (RESOLVE_IN_ROOT).
 * File owners come out as in the tar (run it inside the rootless user namespace), hard
 * links, symlinks, fifos, xattrs, modes and mtimes are kept; device nodes are skipped with
 * a debug note. Never prints above debug. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/error.h"

enum pm_unpack_mode {
	PM_UNPACK_OVERLAY = 0,
	PM_UNPACK_APPLY = 1,
};

/* Pull-style input: returns bytes read (0 at end) or -errno. */
typedef ssize_t (*pm_read_fn)(void *ctx, void *buf, size_t n);

/* Observes every raw (possibly compressed) input chunk: used to tee the blob to a file and
 * hash it while extracting. Returns 0 or -errno. May be NULL. */
typedef int (*pm_tee_fn)(void *ctx, const void *buf, size_t n);

struct pm_unpack_stats {
	uint64_t raw_bytes;  /* bytes read from the input (compressed size) */
	uint64_t file_bytes; /* sum of regular file sizes */
	uint64_t entries;
	bool compressed; /* a decompression filter was used */
};

/* Extract the stream into dest_dir (must exist). On error the directory holds a partial
 * tree: callers extract into a temporary directory and remove it. The input is read to
 * its end (so a tee sees every byte). */
int pm_layer_unpack(pm_read_fn rd, void *rd_ctx, pm_tee_fn tee, void *tee_ctx, const char *dest_dir,
		    enum pm_unpack_mode mode, struct pm_unpack_stats *ret, pm_error **err);

/* Convert one whiteout file name: ".wh.NAME" -> NAME (ret_opaque false), ".wh..wh..opq" ->
 * ret_opaque true. Returns false when base is not a whiteout. Pure; unit tested. */
bool pm_layer_whiteout_name(const char *base, const char **ret_name, bool *ret_opaque);

/* Normalise a tar entry path: strips "./" and leading "/", collapses "//", refuses ".."
 * components and empty names. Returns malloc'd path or NULL (refused). Pure. */
char *pm_layer_clean_path(const char *path);

/* A pm_read_fn over a file descriptor (ctx is an int *). */
ssize_t pm_layer_read_fd(void *ctx, void *buf, size_t n);
