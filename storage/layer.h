/* layer.h: extract one layer tar stream (plain, gzip, zstd, xz, bzip2) into a directory
 * with pm's own tar reader (storage/tar-read.h), as the OCI image spec describes.
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
#include "storage/tar-read.h"

enum pm_unpack_mode {
	PM_UNPACK_OVERLAY = 0,
	PM_UNPACK_APPLY = 1,
};

struct pm_unpack_stats {
	uint64_t raw_bytes;  /* bytes read from the input (compressed size) */
	uint64_t file_bytes; /* sum of regular file sizes */
	uint64_t entries;
	bool compressed; /* a decompression filter was used */
	/* when compressed: sha256 (hex) and size of the decompressed stream (the diff_id) */
	char diff_hex[65];
	uint64_t diff_size;
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

/* pm cp's rules for pm_layer_extract_to. */
struct pm_extract_opts {
	bool in_root;	 /* dirfd is a container's root: dest resolves in it (RESOLVE_IN_ROOT) */
	bool overwrite;	 /* a directory may replace a non-directory and the other way */
	bool chown;	 /* set owners (the destination is a container) */
	bool owner_root; /* with chown: 0:0 (cp --archive) instead of the tar's owners */
};

/* Extract the tar stream on fd (plain or compressed) into the existing directory dest
 * under dirfd (AT_FDCWD and a host path, or a container's root), with the safe extractor
 * above: each entry is created relative to its parent directory's fd with O_NOFOLLOW;
 * missing parents are created; an entry with ".." or whose path leaves dest through a
 * symlink is refused naming the entry (-EPERM), nothing of it written. No whiteouts, no
 * xattrs. Device entries are not created: their names go to *ret_skipped (may be NULL).
 * Directory modes and mtimes are set at the end. On error the entries before stay. */
int pm_layer_extract_to(int dirfd, const char *dest, int fd, const struct pm_extract_opts *o,
			char ***ret_skipped, pm_error **err);

/* A pm_read_fn over a file descriptor (ctx is an int *). */
ssize_t pm_layer_read_fd(void *ctx, void *buf, size_t n);
