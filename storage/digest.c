/* digest.c: sha256 through OpenSSL's EVP interface. Owns nothing but hashing; never
 * prints. Called by the layer, image, archive and reference code. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "lib/cleanup.h"
#include "storage/digest.h"

struct pm_digester {
	EVP_MD_CTX *ctx;
};

pm_digester *pm_digester_new(void)
{
	pm_digester *d = calloc(1, sizeof(*d));
	if (!d)
		abort();
	d->ctx = EVP_MD_CTX_new();
	if (!d->ctx || EVP_DigestInit_ex(d->ctx, EVP_sha256(), NULL) != 1)
		abort();
	return d;
}

void pm_digester_update(pm_digester *d, const void *buf, size_t n)
{
	if (n)
		EVP_DigestUpdate(d->ctx, buf, n);
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
	unsigned len = 0;
	EVP_DigestFinal_ex(d->ctx, md, &len);
	to_hex(md, len, ret_hex);
}

pm_digester *pm_digester_free(pm_digester *d)
{
	if (d) {
		EVP_MD_CTX_free(d->ctx);
		free(d);
	}
	return NULL;
}

void pm_digest_buffer(const void *buf, size_t n, char ret_hex[PM_DIGEST_HEX_LEN + 1])
{
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
