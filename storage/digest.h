/* digest.h: sha256 digests (OpenSSL EVP) for blobs, layers and image ids.
 * Digests are written "sha256:<64 lowercase hex>"; "hex" below means the 64 hex chars. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"

#define PM_DIGEST_HEX_LEN 64

typedef struct pm_digester pm_digester;

/* A streaming sha256; aborts on OOM. */
pm_digester *pm_digester_new(void);
void pm_digester_update(pm_digester *d, const void *buf, size_t n);
/* Finish: ret_hex gets 64 hex chars + NUL. The digester cannot be updated afterwards. */
void pm_digester_final(pm_digester *d, char ret_hex[PM_DIGEST_HEX_LEN + 1]);
pm_digester *pm_digester_free(pm_digester *d);
PM_DEFINE_CLEANUP_FUNC(pm_digester *, pm_digester_free)
#define _cleanup_digester_ _cleanup_(pm_digester_freep)

/* sha256 of a buffer. */
void pm_digest_buffer(const void *buf, size_t n, char ret_hex[PM_DIGEST_HEX_LEN + 1]);

/* sha256 of a file; ret_size (may be NULL) gets its length. */
int pm_digest_file(const char *path, char ret_hex[PM_DIGEST_HEX_LEN + 1], uint64_t *ret_size,
		   pm_error **err);

/* Exactly 64 lowercase hex chars. */
bool pm_digest_hex_valid(const char *hex);
/* "sha256:" + 64 lowercase hex. */
bool pm_digest_valid(const char *digest);
/* The hex part of a valid "sha256:<hex>" digest, or NULL. */
const char *pm_digest_hex(const char *digest);
