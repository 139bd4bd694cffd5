/* test-sign.c: simple signing's pure parts (registry/sign.c): the payload c/image writes,
 * the digest's directory, and where a signature goes (--directory, registries.d's keys and
 * scopes in c/image's order, the default, a store that is not file:// refused). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/fileutil.h"
#include "registry/sign.h"

#define DIGEST "sha256:3bceee193937351a0d1cd82475d7a73cd208503036479891f7f74bd16aa0755e"

static void test_payload(void **state)
{
	char *p = pm_sign_payload(DIGEST, "127.0.0.1:5000/bb:1", "pm 0.1.0", 1796647939);
	/* podman 4.3 (c/image 5.23) writes the same bytes, creator aside */
	assert_string_equal(
		p, "{\"critical\":{\"identity\":{\"docker-reference\":\"127.0.0.1:5000/bb:1\"},"
		   "\"image\":{\"docker-manifest-digest\":\"" DIGEST "\"},"
		   "\"type\":\"atomic container signature\"},"
		   "\"optional\":{\"creator\":\"pm 0.1.0\",\"timestamp\":1796647939}}");
	free(p);
	/* a reference with a quote stays JSON */
	p = pm_sign_payload(DIGEST, "a\"b", "pm", 0);
	assert_non_null(strstr(p, "\"a\\\"b\""));
	free(p);
}

static void test_digest_dir(void **state)
{
	char *d = pm_sign_digest_dir("/s/ns/app", DIGEST);
	assert_string_equal(d,
			    "/s/ns/app@sha256=3bceee193937351a0d1cd82475d7a73cd208503036479891f7f"
			    "74bd16aa0755e");
	free(d);
	assert_null(pm_sign_digest_dir("/s/app", "sha512:abcd"));
	assert_null(pm_sign_digest_dir("/s/app", "sha256:abcd"));
}

static char tmp[] = "/tmp/test-sign-XXXXXX";

static void write_yaml(const char *name, const char *text)
{
	char *p = NULL;
	assert_true(asprintf(&p, "%s/%s", tmp, name) > 0);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(p);
}

static void clear_yaml(void)
{
	const char *names[] = {"a.yaml", "b.yml", "c.yaml"};
	for (size_t i = 0; i < 3; i++) {
		char *p = NULL;
		assert_true(asprintf(&p, "%s/%s", tmp, names[i]) > 0);
		unlink(p);
		free(p);
	}
}

static void check_dir(const char *ref_s, const char *want)
{
	struct pm_reference ref = {0};
	pm_error *err = NULL;
	assert_int_equal(pm_reference_parse(ref_s, PM_REF_DOCKER, &ref, &err), 0);
	char *got = NULL;
	int r = pm_sign_store_dir(&ref, NULL, tmp, "/default", &got, &err);
	if (r < 0)
		fail_msg("%s: %s", ref_s, err->msg);
	assert_string_equal(got, want);
	free(got);
	pm_reference_free(&ref);
}

static void test_store_dir(void **state)
{
	assert_non_null(mkdtemp(tmp));
	/* nothing configured: the default, the repository's path without the domain */
	check_dir("reg.example.com:5000/ns/app:1", "/default/ns/app");
	check_dir("busybox", "/default/library/busybox");

	write_yaml("a.yaml", "# a comment\n"
			     "docker:\n"
			     "  reg.example.com:5000:\n"
			     "    lookaside: file:///host\n"
			     "  reg.example.com:5000/ns:\n"
			     "    sigstore: file:///ns-read\n"
			     "    sigstore-staging: file:///ns-write\n"
			     "  reg.example.com:5000/ns/app:2:\n"
			     "    lookaside: \"file:///tag\"\n"
			     "default-docker:\n"
			     "  lookaside: file:///dflt\n");
	/* the tag's own entry, a namespace (staging before the read key), the host, the
	 * default-docker section */
	check_dir("reg.example.com:5000/ns/app:2", "/tag/ns/app");
	check_dir("reg.example.com:5000/ns/app:1", "/ns-write/ns/app");
	check_dir("reg.example.com:5000/other:1", "/host/other");
	check_dir("quay.io/x/y", "/dflt/x/y");

	/* lookaside-staging wins over lookaside; a second file does not override a key */
	clear_yaml();
	write_yaml("a.yaml", "docker:\n"
			     "  quay.io:\n"
			     "    lookaside: https://lookaside.example.com\n"
			     "    lookaside-staging: file:///staging\n");
	write_yaml("c.yaml", "docker:\n"
			     "  quay.io:\n"
			     "    lookaside-staging: file:///later\n");
	check_dir("quay.io/x/y:1", "/staging/x/y");

	/* a store that is not file:// cannot be written */
	clear_yaml();
	write_yaml("b.yml", "default-docker:\n"
			    "  lookaside: https://lookaside.example.com/s\n");
	struct pm_reference ref = {0};
	pm_error *err = NULL;
	assert_int_equal(pm_reference_parse("quay.io/x/y", PM_REF_DOCKER, &ref, &err), 0);
	char *got = NULL;
	assert_true(pm_sign_store_dir(&ref, NULL, tmp, "/default", &got, &err) < 0);
	assert_string_equal(err->msg, "writing to https://lookaside.example.com/s/x/y is not "
				      "supported. Use a supported scheme");
	err = pm_error_free(err);

	/* --directory wins over everything, and must exist */
	assert_int_equal(pm_sign_store_dir(&ref, tmp, tmp, "/default", &got, &err), 0);
	char *want = NULL;
	assert_true(asprintf(&want, "%s/x/y", tmp) > 0);
	assert_string_equal(got, want);
	free(want);
	free(got);
	assert_int_equal(pm_sign_store_dir(&ref, "/nonexistent-dir", tmp, "/default", &got, &err),
			 -ENOENT);
	assert_string_equal(err->msg, "stat /nonexistent-dir: no such file or directory");
	pm_error_free(err);
	pm_reference_free(&ref);

	clear_yaml();
	rmdir(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_payload),
		cmocka_unit_test(test_digest_dir),
		cmocka_unit_test(test_store_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
