/* compress.h: a stored layer blob re-encoded for a push: decompressed when it is compressed
 * (gzip, zstd, ...; libarchive's read filters) and compressed again with the wanted
 * algorithm (gzip: libdeflate, in independent members of at most 1 MiB as BGZF does, runs
 * of incompressible data stored; zstd: libarchive's write filter), into an unnamed file
 * of the store's tmp/ (O_TMPFILE: nothing is left behind, even by a kill). The digest of
 * the compressed stream is computed while it is written. Deterministic: the same input
 * gives the same bytes (no time stamp in the gzip header), so a layer pushed twice has one
 * digest and the registry's copy is found by HEAD. Never prints. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/error.h"

enum pm_compress_algo { PM_COMPRESS_NONE = 0, PM_COMPRESS_GZIP, PM_COMPRESS_ZSTD };

/* The algorithm a layer media type names (suffix "+gzip"/".gzip", "+zstd"; else NONE). */
enum pm_compress_algo pm_compress_algo_of_media_type(const char *media_type);

/* The algorithm of a blob by its first bytes (gzip 1f 8b, zstd 28 b5 2f fd); NONE for a
 * plain tar or any other compression (which pm_compress_file undoes). -errno when the file
 * cannot be read. */
int pm_compress_algo_of_file(const char *path, enum pm_compress_algo *ret);

/* Whether n bytes of data look incompressible, so that gzip stores them (level 0) instead
 * of compressing them: the collision entropy of samples spread over them (4 of 256 bytes,
 * or all of them when fewer than 1 KiB) is 7.5 bits a byte or more; fewer than 256 bytes
 * never are. Pure, cheap (about N/16 byte counts). */
bool pm_compress_incompressible(const void *data, size_t n);

/* Open libarchive and its write filters now (before threads call pm_compress_file). */
int pm_compress_load(pm_error **err);

/* A stored layer re-encoded as gzip while it is read (the bytes pm_compress_file writes),
 * for an upload that starts before the digest is known. */
struct pm_compress_stream;
/* -EOPNOTSUPP (no error set) for an algo other than GZIP: use pm_compress_file. */
int pm_compress_stream_open(const char *src, enum pm_compress_algo algo,
			    struct pm_compress_stream **ret, pm_error **err);
/* A pm_read_fn: the next bytes, 0 at the end, -errno on a failure (kept for _finish). */
ssize_t pm_compress_stream_read(void *ctx, void *buf, size_t n);
/* The name of the gzip stream's encoding ("pm-gzip-N/libdeflate-V"): two pm whose names are
 * equal make the same bytes of a layer. */
const char *pm_compress_gzip_encoder(void);
/* Before the first read: no sha256 of the stream (the caller knows what it is and the
 * registry checks it); _digest and _finish then give NULL. */
void pm_compress_stream_skip_digest(struct pm_compress_stream *z);
/* "sha256:..." once a read gave 0, else NULL. */
const char *pm_compress_stream_digest(const struct pm_compress_stream *z);
/* The failure a read met (its error moved to err), else 0. */
int pm_compress_stream_error(struct pm_compress_stream *z, pm_error **err);
/* After the last read: the digest (malloc'd) and size; or the failure a read met. */
int pm_compress_stream_finish(struct pm_compress_stream *z, char **ret_digest, uint64_t *ret_size,
			      pm_error **err);
void pm_compress_stream_free(struct pm_compress_stream *z);
PM_DEFINE_CLEANUP_FUNC(struct pm_compress_stream *, pm_compress_stream_free)

/* Re-encode the file src with algo (GZIP or ZSTD) into a new unnamed file under tmpdir.
 * ret_fd: open for reading at offset 0; ret_digest "sha256:..." (malloc'd); ret_size its
 * length. Errors name src. */
int pm_compress_file(const char *src, enum pm_compress_algo algo, const char *tmpdir, int *ret_fd,
		     char **ret_digest, uint64_t *ret_size, pm_error **err);
