/* test-registry-client.c: unit tests for the registry client's pure pieces: the registry's
 * JSON errors worded as podman prints them, HTTP statuses as errno, the response header
 * collector (redirects reset it). No network. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/strutil.h"
#include "registry/client-internal.h"

static void expect_text(long status, const char *body, const char *want)
{
	struct pm_http_resp h = {.status = status};
	if (body) {
		h.body = pm_xstrdup(body);
		h.len = strlen(body);
	}
	_cleanup_free_ char *t = pm_registry_error_text(&h);
	assert_string_equal(t, want);
	pm_http_resp_done(&h);
}

static void test_error_text(void **state)
{
	expect_text(404,
		    "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest "
		    "unknown\",\"detail\":{\"Tag\":\"nope\"}}]}",
		    "manifest unknown: manifest unknown");
	expect_text(404,
		    "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"message\":\"blob unknown to "
		    "registry\"}]}",
		    "blob unknown: blob unknown to registry");
	expect_text(401,
		    "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication "
		    "required\"}]}",
		    "unauthorized: authentication required");
	expect_text(400,
		    "{\"errors\":[{\"code\":\"DIGEST_INVALID\",\"message\":\"a\"},"
		    "{\"code\":\"SIZE_INVALID\"}]}",
		    "digest invalid: a; size invalid");
	/* token servers, no body, not JSON */
	expect_text(401, "{\"details\":\"incorrect username or password\"}",
		    "unauthorized: incorrect username or password");
	expect_text(401, NULL, "unauthorized: authentication required");
	expect_text(403, "", "denied: requested access to the resource is denied");
	expect_text(500, "<html>oops</html>",
		    "invalid status code from registry 500 (Internal Server Error)");
	expect_text(418, NULL, "invalid status code from registry 418");
}

static void test_status_errno(void **state)
{
	assert_int_equal(pm_registry_status_errno(401), EACCES);
	assert_int_equal(pm_registry_status_errno(403), EACCES);
	assert_int_equal(pm_registry_status_errno(404), ENOENT);
	assert_int_equal(pm_registry_status_errno(429), EAGAIN);
	assert_int_equal(pm_registry_status_errno(502), EIO);
}

static void hdr(struct pm_http_resp *h, const char *line)
{
	char *copy = pm_xstrdup(line); /* curl's buffer is not NUL-terminated: no strlen past n */
	assert_int_equal(pm_registry_header_cb(copy, 1, strlen(copy), h), strlen(line));
	free(copy);
}

static void test_header_cb(void **state)
{
	struct pm_http_resp h = {0};
	hdr(&h, "HTTP/1.1 307 Temporary Redirect\r\n");
	hdr(&h, "Location: https://storage.example/blob?sig=1\r\n");
	hdr(&h, "Docker-Content-Digest: sha256:aaa\r\n");
	assert_int_equal(h.status, 307);
	assert_string_equal(h.location, "https://storage.example/blob?sig=1");
	/* the final response replaces the redirect's headers */
	hdr(&h, "HTTP/2 200 \r\n");
	hdr(&h, "content-type:   application/vnd.oci.image.manifest.v1+json  \r\n");
	hdr(&h, "www-authenticate: Bearer realm=\"https://a/t\"\r\n");
	hdr(&h, "X-Other: y\r\n");
	hdr(&h, "\r\n");
	assert_int_equal(h.status, 200);
	assert_null(h.location);
	assert_null(h.digest);
	assert_string_equal(h.content_type, "application/vnd.oci.image.manifest.v1+json");
	assert_string_equal(h.www_auth, "Bearer realm=\"https://a/t\"");
	pm_http_resp_done(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_text),
		cmocka_unit_test(test_status_errno),
		cmocka_unit_test(test_header_cb),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
