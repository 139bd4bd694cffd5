/* digest.c: sha256 through OpenSSL's EVP interface (dlopen'd, storage/dl-crypto.h) for
 * streams and big buffers, lib/sha256.c for short buffers and when libcrypto is missing.
 * Owns nothing but hashing; never prints. Called by the layer, image, archive and reference
 * code. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "lib/sha256.h"
#include "storage/digest.h"
#include "storage/dl-crypto.h"

/* Buffers up to this size are hashed by lib/sha256.c: loading OpenSSL costs more. */
#define SMALL_BUFFER (256 * 1024)

struct pm_digester {
	EVP_MD_CTX *ctx; /* OpenSSL, or NULL when libcrypto is missing: then sw */
	struct pm_sha256 sw;
};

/* Whether libcrypto can be used; tried once per process. */
static bool have_crypto(void)
{
	static int state; /* 0 untried, 1 loaded, -1 missing */
	if (state == 0) {
		_cleanup_error_ pm_error *err = NULL;
		state = pm_dl_crypto(&err) >= 0 ? 1 : -1;
		if (state < 0)
			pm_log_debug("hashing with the built-in sha256: %s", err ? err->msg : "");
	}
	return state > 0;
}

pm_digester *pm_digester_new(void)
{
	pm_digester *d = calloc(1, sizeof(*d));
	if (!d)
		abort();
	if (!have_crypto()) {
		pm_sha256_init(&d->sw);
		return d;
	}
	d->ctx = sym_EVP_MD_CTX_new();
	if (!d->ctx || sym_EVP_DigestInit_ex(d->ctx, sym_EVP_sha256(), NULL) != 1)
		abort();
	return d;
}

void pm_digester_update(pm_digester *d, const void *buf, size_t n)
{
	if (n && d->ctx)
		sym_EVP_DigestUpdate(d->ctx, buf, n);
	else if (n)
		pm_sha256_update(&d->sw, buf, n);
}

static void to_hex(const unsigned char *md, unsigned len, char *out)
{
	static const char hex[] = "0123456789abcdef";
	for (unsigned i = 0; i < len; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[2 * len] = 0;
}

void pm_digester_final(pm_digester *d, char ret_hex[PM_DIGEST_HEX_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = PM_SHA256_SIZE;
	if (d->ctx)
		sym_EVP_DigestFinal_ex(d->ctx, md, &len);
	else
		pm_sha256_final(&d->sw, md);
	to_hex(md, len, ret_hex);
}

pm_digester *pm_digester_free(pm_digester *d)
{
	if (d) {
		if (d->ctx)
			sym_EVP_MD_CTX_free(d->ctx);
		free(d);
	}
	return NULL;
}

void pm_digest_buffer(const void *buf, size_t n, char ret_hex[PM_DIGEST_HEX_LEN + 1])
{
	if (n <= SMALL_BUFFER) {
		pm_sha256_hex(buf, n, ret_hex);
		return;
	}
	_cleanup_digester_ pm_digester *d = pm_digester_new();
	pm_digester_update(d, buf, n);
	pm_digester_final(d, ret_hex);
}

int pm_digest_file(const char *path, char ret_hex[PM_DIGEST_HEX_LEN + 1], uint64_t *ret_size,
		   pm_error **err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pm_error_set_errno(err, errno, "opening '%s'", path);
	_cleanup_digester_ pm_digester *d = pm_digester_new();
	_cleanup_free_ char *buf = malloc(1 << 20);
	if (!buf)
		abort();
	uint64_t total = 0;
	for (;;) {
		ssize_t n = read(fd, buf, 1 << 20);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return pm_error_set_errno(err, errno, "reading '%s'", path);
		if (n == 0)
			break;
		pm_digester_update(d, buf, (size_t)n);
		total += (uint64_t)n;
	}
	pm_digester_final(d, ret_hex);
	if (ret_size)
		*ret_size = total;
	return 0;
}

bool pm_digest_hex_valid(const char *hex)
{
	if (!hex || strlen(hex) != PM_DIGEST_HEX_LEN)
		return false;
	for (const char *p = hex; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

bool pm_digest_valid(const char *digest)
{
	return digest && strncmp(digest, "sha256:", 7) == 0 && pm_digest_hex_valid(digest + 7);
}

const char *pm_digest_hex(const char *digest)
{
	return pm_digest_valid(digest) ? digest + 7 : NULL;
}
