/* test-dlopen.c: lib/dlopen (load on first use, all or nothing, the "not installed" message),
 * the three optional libraries pm opens that way (storage/dl-archive, storage/dl-crypto,
 * rootless/dl-subid), lib/sha256 against FIPS 180-4 vectors and against OpenSSL through
 * storage/digest, and that the pm binary itself links none of them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#include "lib/dlopen.h"
#include "lib/sha256.h"
#include "lib/strutil.h"
#include "rootless/dl-subid.h"
#include "storage/digest.h"
#include "storage/dl-archive.h"
#include "storage/dl-crypto.h"

/* A prototype no library defines: only its type is used (PM_DLSYM_ARG). */
int pm_test_no_such_symbol(const char *a);

/* strverscmp: a libc function that is no compiler builtin (typeof works as for any library). */
static PM_DLSYM_PROTOTYPE(strverscmp);
static int not_strverscmp(const char *a, const char *b)
{
	return 42;
}
static PM_DLSYM_PROTOTYPE(pm_test_no_such_symbol);

static void test_missing_library(void **state)
{
	void *dl = NULL;
	_cleanup_error_ pm_error *err = NULL;
	sym_strverscmp = not_strverscmp;
	assert_int_equal(pm_dlopen_many_sym(&dl, "libpm-test-missing.so.7", "pm-test-missing", &err,
					    PM_DLSYM_ARG(strverscmp), (void **)NULL),
			 -EOPNOTSUPP);
	assert_null(dl);
	assert_non_null(err);
	assert_int_equal(err->code, EOPNOTSUPP);
	assert_string_equal(err->msg, "libpm-test-missing.so.7 is not installed: install the "
				      "'pm-test-missing' package");
	/* The pointer is untouched when the library cannot be opened at all. */
	assert_ptr_equal(sym_strverscmp, not_strverscmp);
	sym_strverscmp = NULL;
}

static void test_missing_symbol(void **state)
{
	void *dl = NULL;
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_dlopen_many_sym(&dl, "libc.so.6", "libc6", &err,
					    PM_DLSYM_ARG(strverscmp),
					    PM_DLSYM_ARG(pm_test_no_such_symbol), (void **)NULL),
			 -EOPNOTSUPP);
	assert_null(dl);
	assert_string_equal(err->msg, "libc.so.6 has no symbol 'pm_test_no_such_symbol': install "
				      "a newer 'libc6' package");
	/* All or nothing: strverscmp, resolved before the failure, is reset. */
	assert_null(sym_strverscmp);
	assert_null(sym_pm_test_no_such_symbol);
}

static void test_load_once(void **state)
{
	void *dl = NULL;
	assert_int_equal(pm_dlopen_many_sym(&dl, "libc.so.6", "libc6", NULL,
					    PM_DLSYM_ARG(strverscmp), (void **)NULL),
			 1);
	assert_non_null(dl);
	assert_non_null(sym_strverscmp);
	assert_true(sym_strverscmp("a9", "a10") < 0);
	/* Loaded: a second call does nothing and succeeds. */
	assert_int_equal(pm_dlopen_many_sym(&dl, "libpm-test-missing.so.7", "x", NULL,
					    PM_DLSYM_ARG(pm_test_no_such_symbol), (void **)NULL),
			 0);
	assert_null(sym_pm_test_no_such_symbol);
}

static void test_preset(void **state)
{
	void *dl = PM_DL_PRESET;
	sym_strverscmp = NULL;
	assert_int_equal(pm_dlopen_many_sym(&dl, "libpm-test-missing.so.7", "x", NULL,
					    PM_DLSYM_ARG(strverscmp), (void **)NULL),
			 0);
	assert_null(sym_strverscmp);
}

static void test_archive(void **state)
{
	_cleanup_error_ pm_error *err = NULL;
	assert_true(pm_dl_archive(&err) >= 0);
	assert_null(err);
	assert_int_equal(pm_dl_archive(&err), 0);
	struct archive *a = sym_archive_write_new();
	assert_non_null(a);
	assert_int_equal(sym_archive_write_free(a), ARCHIVE_OK);
	struct archive_entry *e = sym_archive_entry_new();
	sym_archive_entry_set_pathname(e, "etc/hostname");
	assert_string_equal(sym_archive_entry_pathname(e), "etc/hostname");
	sym_archive_entry_free(e);
}

static void test_crypto_and_subid(void **state)
{
	_cleanup_error_ pm_error *err = NULL;
	assert_true(pm_dl_crypto(&err) >= 0);
	assert_non_null(sym_EVP_sha256());
	assert_true(pm_dl_subid(&err) >= 0);
	assert_non_null(sym_subid_get_uid_ranges);
	assert_null(err);
}

static void hex(const uint8_t *md, char *out)
{
	for (size_t i = 0; i < PM_SHA256_SIZE; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static void test_sha256_vectors(void **state)
{
	static const struct {
		const char *in, *out;
	} v[] = {
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
		{"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
		 "klmnopqrlmnopqrsmnopqrstnopqrstu",
		 "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
	};
	char out[2 * PM_SHA256_SIZE + 1];
	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		pm_sha256_hex(v[i].in, strlen(v[i].in), out);
		assert_string_equal(out, v[i].out);
	}
	/* One million 'a', fed in uneven pieces through the buffering path. */
	struct pm_sha256 c;
	pm_sha256_init(&c);
	char *a = pm_xmalloc(1024);
	memset(a, 'a', 1024);
	for (size_t left = 1000000, step = 1; left > 0; step = step % 997 + 7) {
		size_t n = step < left ? step : left;
		pm_sha256_update(&c, a, n);
		left -= n;
	}
	free(a);
	uint8_t md[PM_SHA256_SIZE];
	pm_sha256_final(&c, md);
	hex(md, out);
	assert_string_equal(out,
			    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* The built-in code and OpenSSL (the streaming digester) agree on every length around the
 * block and padding boundaries, and pm_digest_buffer on both sides of its size switch. */
static void test_sha256_matches_openssl(void **state)
{
	size_t max = 300 * 1024;
	unsigned char *buf = pm_xmalloc(max);
	for (size_t i = 0; i < max; i++)
		buf[i] = (unsigned char)(i * 131 + (i >> 8));
	char a[PM_DIGEST_HEX_LEN + 1], b[PM_DIGEST_HEX_LEN + 1], c[PM_DIGEST_HEX_LEN + 1];
	const size_t sizes[] = {256 * 1024, 256 * 1024 + 1, max};
	for (size_t n = 0; n < 200 + ARRAY_SIZE(sizes); n++) {
		size_t len = n < 200 ? n : sizes[n - 200];
		pm_sha256_hex(buf, len, a);
		_cleanup_digester_ pm_digester *d = pm_digester_new();
		pm_digester_update(d, buf, len / 3);
		pm_digester_update(d, buf + len / 3, len - len / 3);
		pm_digester_final(d, b);
		pm_digest_buffer(buf, len, c);
		assert_string_equal(a, b);
		assert_string_equal(a, c);
	}
	free(buf);
}

/* The pm binary (PM_TEST_BINARY, set by `make unit`) must not load the optional libraries,
 * nor what they drag in, at start-up. */
static void test_pm_links_none(void **state)
{
	const char *pm = getenv("PM_TEST_BINARY");
	if (!pm || access(pm, X_OK) < 0)
		skip();
	_cleanup_free_ char *cmd = pm_xasprintf("LD_TRACE_LOADED_OBJECTS=1 '%s'", pm);
	FILE *f = popen(cmd, "re");
	assert_non_null(f);
	char line[512];
	int n = 0;
	static const char *const banned[] = {"libarchive", "libcrypto", "libsubid",   "libstdc++",
					     "libxml2",	   "libicu",	"libselinux", "libseccomp",
					     "libcap.so",  "libyaml"};
	char found[1024] = "";
	bool sanitized = false;
	while (fgets(line, sizeof(line), f)) {
		n++;
		/* the sanitizer runtimes bring libstdc++ in themselves */
		sanitized |= strstr(line, "libasan") || strstr(line, "libubsan");
		for (size_t i = 0; i < ARRAY_SIZE(banned); i++)
			if (strstr(line, banned[i]) && strlen(found) + strlen(line) < sizeof(found))
				strcat(found, line);
	}
	if (found[0] &&
	    !(sanitized && !strstr(found, "libarchive") && !strstr(found, "libcrypto") &&
	      !strstr(found, "libsubid") && !strstr(found, "libxml2") && !strstr(found, "libicu") &&
	      !strstr(found, "libselinux")))
		fail_msg("pm links at start-up:\n%s", found);
	assert_int_equal(pclose(f), 0);
	assert_true(n >= 2); /* at least libc and the loader */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_missing_library),
		cmocka_unit_test(test_missing_symbol),
		cmocka_unit_test(test_load_once),
		cmocka_unit_test(test_preset),
		cmocka_unit_test(test_archive),
		cmocka_unit_test(test_crypto_and_subid),
		cmocka_unit_test(test_sha256_vectors),
		cmocka_unit_test(test_sha256_matches_openssl),
		cmocka_unit_test(test_pm_links_none),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
