/* sha256.h: a small portable SHA-256 (FIPS 180-4) for short inputs: cache keys, image
 * configs and manifests. It spares those paths loading libcrypto (3+ MiB resident after
 * OpenSSL's init); bulk hashing of layers goes through storage/digest.c, which uses
 * OpenSSL's (much faster, SHA-NI) code when it is installed. Pure functions, unit tested. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define PM_SHA256_SIZE 32

struct pm_sha256 {
	uint32_t h[8];
	uint64_t len; /* bytes hashed so far */
	uint8_t buf[64];
	size_t n_buf;
};

void pm_sha256_init(struct pm_sha256 *c);
void pm_sha256_update(struct pm_sha256 *c, const void *data, size_t n);
void pm_sha256_final(struct pm_sha256 *c, uint8_t ret[PM_SHA256_SIZE]);

/* One shot. */
void pm_sha256(const void *data, size_t n, uint8_t ret[PM_SHA256_SIZE]);
/* One shot, as 64 lowercase hex chars + NUL. */
void pm_sha256_hex(const void *data, size_t n, char ret[2 * PM_SHA256_SIZE + 1]);
