/* test-reference.c: image reference parsing and normalisation (storage/reference.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "storage/reference.h"

static void check(const char *in, enum pm_ref_mode mode, const char *want)
{
	struct pm_reference r = {0};
	pm_error *err = NULL;
	assert_int_equal(pm_reference_parse(in, mode, &r, &err), 0);
	char *s = pm_reference_string(&r);
	assert_string_equal(s, want);
	free(s);
	pm_reference_free(&r);
}

static void check_bad(const char *in, const char *msg_part)
{
	struct pm_reference r = {0};
	pm_error *err = NULL;
	assert_int_equal(pm_reference_parse(in, PM_REF_LOCAL, &r, &err), -EINVAL);
	assert_non_null(err);
	assert_non_null(strstr(err->msg, msg_part));
	pm_error_free(err);
}

static void test_normalise(void **state)
{
	check("busybox", PM_REF_LOCAL, "localhost/busybox:latest");
	check("busybox", PM_REF_DOCKER, "docker.io/library/busybox:latest");
	check("busybox:1.36", PM_REF_LOCAL, "localhost/busybox:1.36");
	check("library/busybox", PM_REF_DOCKER, "docker.io/library/busybox:latest");
	check("docker.io/busybox", PM_REF_LOCAL, "docker.io/library/busybox:latest");
	check("quay.io/a/b:v1", PM_REF_LOCAL, "quay.io/a/b:v1");
	check("localhost:5000/x", PM_REF_LOCAL, "localhost:5000/x:latest");
	check("localhost/x", PM_REF_DOCKER, "localhost/x:latest");
	check("my-repo/sub_dir/x.y__z", PM_REF_LOCAL, "localhost/my-repo/sub_dir/x.y__z:latest");
	check("busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	      PM_REF_LOCAL,
	      "localhost/"
	      "busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	check("a:t@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	      PM_REF_LOCAL,
	      "localhost/"
	      "a:t@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
}

static void test_bad(void **state)
{
	check_bad("", "empty");
	check_bad("BusyBox", "lowercase");
	check_bad("busybox:", "bad tag");
	check_bad("busybox:-x", "bad tag");
	check_bad("busybox@sha256:abc", "bad digest");
	check_bad("a//b", "invalid reference");
	check_bad("-a", "invalid reference");
	check_bad("a..b", "invalid reference");
}

static void test_candidates(void **state)
{
	char **c = pm_reference_candidates("busybox");
	assert_non_null(c);
	assert_string_equal(c[0], "localhost/busybox:latest");
	assert_string_equal(c[1], "docker.io/library/busybox:latest");
	assert_null(c[2]);
	pm_strv_free(c);
	c = pm_reference_candidates("quay.io/x/y:z");
	assert_string_equal(c[0], "quay.io/x/y:z");
	assert_null(c[1]);
	pm_strv_free(c);
	assert_null(pm_reference_candidates("UPPER"));
}

static void test_split(void **state)
{
	char *repo, *tag;
	pm_reference_split_name("localhost:5000/a/b:v1", &repo, &tag);
	assert_string_equal(repo, "localhost:5000/a/b");
	assert_string_equal(tag, "v1");
	free(repo);
	free(tag);
	pm_reference_split_name("localhost:5000/a", &repo, &tag);
	assert_string_equal(repo, "localhost:5000/a");
	assert_string_equal(tag, "<none>");
	free(repo);
	free(tag);
	pm_reference_split_name(NULL, &repo, &tag);
	assert_string_equal(repo, "<none>");
	free(repo);
	free(tag);
}

static void test_check_case(void **state)
{
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_reference_check_case("busybox", NULL), 0);
	assert_int_equal(pm_reference_check_case("busybox:Latest", NULL), 0);
	assert_int_equal(pm_reference_check_case("localhost:5000/busybox:TAG", NULL), 0);
	assert_int_equal(pm_reference_check_case("Quay.io/foo/bar", NULL), 0); /* a domain */
	assert_int_equal(pm_reference_check_case("busybox@sha256:ABCDEF", NULL), 0);
	assert_int_equal(pm_reference_check_case("Busybox", &err), -EINVAL);
	assert_string_equal(err->msg, "repository name must be lowercase");
	assert_int_equal(pm_reference_check_case("localhost/Busybox:latest", NULL), -EINVAL);
	assert_int_equal(pm_reference_check_case("quay.io/Foo/bar:x", NULL), -EINVAL);
	/* a capital in the first of several components makes it a domain (docker's rule) */
	assert_int_equal(pm_reference_check_case("Foo/bar", NULL), 0);
	assert_int_equal(pm_reference_check_case("Foo/Bar", NULL), -EINVAL);
}

static void test_missing_hint(void **state)
{
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_reference_missing_hint(-EINVAL, &err), -EINVAL); /* no error: as is */
	pm_error_set(&err, ENOENT, "x: image not known");
	assert_int_equal(pm_reference_missing_hint(-ENOENT, &err), -ENOENT);
	assert_non_null(strstr(err->msg, "x: image not known: pm found no such local image"));
	assert_non_null(strstr(err->msg, "'pm load -i ARCHIVE'"));
	assert_non_null(strstr(err->msg, "'pm import TARBALL NAME'"));
}

static void test_lengths(void **state)
{
	char name[300], ref[600];
	/* a name of 255 characters parses; 256 is -ENAMETOOLONG, with docker's words */
	memset(name, 'a', 255);
	name[255] = 0;
	snprintf(ref, sizeof(ref), "%s:v1", name);
	struct pm_reference r = {0};
	assert_int_equal(pm_reference_parse(ref, PM_REF_LOCAL, &r, NULL), 0);
	pm_reference_free(&r);
	memset(name, 'a', 256);
	name[256] = 0;
	pm_error *err = NULL;
	assert_int_equal(pm_reference_parse(name, PM_REF_LOCAL, &r, &err), -ENAMETOOLONG);
	assert_string_equal(err->msg, "repository name must not be more than 255 characters");
	pm_error_free(err);
	/* the tag does not count toward the name: 128 characters allowed, 129 not */
	char tag[200];
	memset(tag, 't', 128);
	tag[128] = 0;
	snprintf(ref, sizeof(ref), "x:%s", tag);
	assert_int_equal(pm_reference_parse(ref, PM_REF_LOCAL, &r, NULL), 0);
	pm_reference_free(&r);
	snprintf(ref, sizeof(ref), "x:%st", tag);
	check_bad(ref, "bad tag");
	/* the longest valid reference: a 255-character name, a 128-character tag and a digest
	 * (456 characters; the overall cap was one short, found by tests/fuzz/fuzz-reference.c) */
	snprintf(ref, sizeof(ref), "%s:%s@sha256:%064d", name + 1, tag, 0);
	assert_int_equal(strlen(ref), 456);
	assert_int_equal(pm_reference_parse(ref, PM_REF_LOCAL, &r, NULL), 0);
	assert_string_equal(r.tag, tag);
	assert_int_equal(strlen(r.digest), 71);
	pm_reference_free(&r);
	/* one more in the name: -ENAMETOOLONG (not a generic "too long" for the whole) */
	snprintf(ref, sizeof(ref), "b%s:%s@sha256:%064d", name + 1, tag, 0);
	err = NULL;
	assert_int_equal(pm_reference_parse(ref, PM_REF_LOCAL, &r, &err), -ENAMETOOLONG);
	assert_string_equal(err->msg, "repository name must not be more than 255 characters");
	pm_error_free(err);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalise),  cmocka_unit_test(test_bad),
		cmocka_unit_test(test_candidates), cmocka_unit_test(test_split),
		cmocka_unit_test(test_check_case), cmocka_unit_test(test_missing_hint),
		cmocka_unit_test(test_lengths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
