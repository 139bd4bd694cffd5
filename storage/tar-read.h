/* tar-read.h: pm's own streaming tar reader, so that a pull (and load, import, pm cp) does
 * not map libarchive and what it drags in (libxml2, ICU, ...: ~2.5 MiB resident).
 *
 * Input is pulled through a pm_read_fn; every raw byte read goes to the tee first (the
 * blob's digest and copy). Compression is recognised by its magic: gzip (zlib, members
 * concatenated), zstd (libzstd), both opened with dlopen on first use (storage/dl-z.h);
 * xz and bzip2 are rare in layers and decompressed with libarchive's raw filters; anything
 * else is a plain tar. The decompressed stream is hashed (sha256: the layer's diff_id).
 *
 * Formats: ustar, GNU (long names 'L'/'K', base-256 numbers), pax ('x' records path,
 * linkpath, size, uid, gid, mtime, SCHILY.xattr.*; 'g' global headers are skipped), v7.
 * Every header's checksum is verified; a stream that ends inside a header or an entry's
 * data is an error; end of input at a header boundary is the end of the archive. Sizes of
 * meta entries (long names, pax records) are limited to PM_TAR_META_MAX. Paths are returned
 * as they are in the archive: checking them (.., absolute, symlinks) is the extractor's job
 * (storage/layer.c). Never prints. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/error.h"

/* Pull-style input: returns bytes read (0 at end) or -errno. */
typedef ssize_t (*pm_read_fn)(void *ctx, void *buf, size_t n);

/* Observes every raw (possibly compressed) input chunk: used to tee the blob to a file and
 * hash it while extracting. Returns 0 or -errno. May be NULL. */
typedef int (*pm_tee_fn)(void *ctx, const void *buf, size_t n);

#define PM_TAR_META_MAX (1u << 20)

struct pm_tar_xattr {
	char *name;
	char *value;
	size_t size;
};

struct pm_tar_entry {
	char *path;	/* as in the archive (pax path, GNU long name, prefix/name) */
	char *linkname; /* symlink target, or hard link target when hardlink */
	bool hardlink;
	mode_t type; /* S_IFREG, S_IFDIR, S_IFLNK, S_IFIFO, S_IFCHR, S_IFBLK; 0: unsupported */
	mode_t perm; /* 07777 */
	uint64_t uid, gid;
	int64_t mtime;
	long mtime_nsec;
	uint64_t size; /* of the data that follows (0 for all but regular files) */
	struct pm_tar_xattr *xattrs;
	size_t n_xattrs;
};

typedef struct pm_tar pm_tar;

/* A reader over rd (tee may be NULL). Reads nothing yet. */
pm_tar *pm_tar_new(pm_read_fn rd, void *rd_ctx, pm_tee_fn tee, void *tee_ctx);
pm_tar *pm_tar_free(pm_tar *t);

/* The next entry: 1 and *ret (valid until the next call), 0 at the end of the archive, or
 * -errno with err (EINVAL: not a valid archive, with what is wrong; else the input's). The
 * data of the previous entry not read is skipped. */
int pm_tar_next(pm_tar *t, const struct pm_tar_entry **ret, pm_error **err);

/* Up to n bytes of the current entry's data: > 0, 0 at its end, -errno with err (a stream
 * that ends early: EINVAL "truncated"). */
ssize_t pm_tar_read_data(pm_tar *t, void *buf, size_t n, pm_error **err);

/* After the end: read (and decompress, so it is hashed) the rest of the input, so that a
 * tee sees every byte. 0 or -errno. */
int pm_tar_drain(pm_tar *t, pm_error **err);

/* The input was compressed; its raw size so far; the decompressed stream's sha256 (hex,
 * valid after pm_tar_drain) and size. */
bool pm_tar_compressed(const pm_tar *t);
uint64_t pm_tar_raw_bytes(const pm_tar *t);
void pm_tar_diff_digest(pm_tar *t, char ret_hex[65], uint64_t *ret_size);
