/* test-manifest-list.c: storage/manifest-list.c, the manifest list edits of `pm manifest`:
 * parse of both list types, add (a digest replaced and moved last), remove and its two
 * errors, annotations, podman 4.3's inspect JSON and the compact documents pushed. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/strutil.h"
#include "storage/manifest-list.h"
#include "storage/manifest.h"

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"

static const char oci_index[] =
	"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
	"\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
	"\"digest\":\"" D1 "\",\"size\":501,\"platform\":{\"architecture\":\"arm64\","
	"\"os\":\"linux\",\"variant\":\"v8\",\"os.features\":[\"a\"]},"
	"\"annotations\":{\"k\":\"v\"}},"
	"{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" D2 "\","
	"\"size\":7,\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}";

static void test_parse(void **state)
{
	struct pm_mlist l = {0};
	pm_error *err = NULL;
	assert_int_equal(pm_mlist_parse(oci_index, strlen(oci_index), &l, &err), 0);
	assert_string_equal(l.media_type, PM_MT_OCI_INDEX);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].digest, D1);
	assert_int_equal(l.v[0].size, 501);
	assert_string_equal(l.v[0].arch, "arm64");
	assert_string_equal(l.v[0].variant, "v8");
	assert_string_equal(l.v[0].os_features[0], "a");
	assert_string_equal(l.v[0].annotations[0], "k=v");
	assert_null(l.v[1].variant);
	pm_mlist_free(&l);

	static const char empty[] =
		"{\"schemaVersion\":2,\"mediaType\":\"" PM_MT_DOCKER_LIST "\",\"manifests\":null}";
	assert_int_equal(pm_mlist_parse(empty, strlen(empty), &l, &err), 0);
	assert_int_equal(l.n, 0);
	pm_mlist_free(&l);

	assert_int_equal(pm_mlist_parse("[1]", 3, &l, &err), -EINVAL);
	err = pm_error_free(err);
	assert_int_equal(pm_mlist_parse("{\"manifests\":3}", 15, &l, &err), -EINVAL);
	err = pm_error_free(err);
}

static void test_inspect_json(void **state)
{
	struct pm_mlist l = {.media_type = pm_xstrdup(PM_MT_DOCKER_LIST)};
	char *s = pm_mlist_inspect_json(&l);
	assert_string_equal(s, "{\n"
			       "    \"schemaVersion\": 2,\n"
			       "    \"mediaType\": "
			       "\"application/vnd.docker.distribution.manifest.list.v2+json\",\n"
			       "    \"manifests\": null\n"
			       "}");
	free(s);
	s = pm_mlist_to_json(&l, NULL);
	assert_string_equal(s, "{\"schemaVersion\":2,\"mediaType\":\"" PM_MT_DOCKER_LIST
			       "\",\"manifests\":[]}");
	free(s);
	pm_mlist_free(&l);

	pm_error *err = NULL;
	assert_int_equal(pm_mlist_parse(oci_index, strlen(oci_index), &l, &err), 0);
	/* the Docker order (size before digest) and the OCI one (digest before size) */
	s = pm_mlist_to_json(&l, PM_MT_DOCKER_LIST);
	assert_non_null(strstr(s, "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
				  "\"size\":501,\"digest\":\"" D1 "\",\"platform\":{"
				  "\"architecture\":\"arm64\",\"os\":\"linux\",\"os.features\":"
				  "[\"a\"],\"variant\":\"v8\"},\"annotations\":{\"k\":\"v\"}}"));
	free(s);
	s = pm_mlist_to_json(&l, PM_MT_OCI_INDEX);
	assert_non_null(strstr(s, "\"digest\":\"" D2 "\",\"size\":7,"));
	free(s);
	pm_mlist_free(&l);
}

static void test_add_remove(void **state)
{
	struct pm_mlist l = {0};
	pm_error *err = NULL;
	assert_int_equal(pm_mlist_parse(oci_index, strlen(oci_index), &l, &err), 0);
	struct pm_mlist_entry e = {.digest = pm_xstrdup(D1), .arch = pm_xstrdup("s390x")};
	pm_mlist_add(&l, &e);
	assert_null(e.digest); /* taken */
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].digest, D2);
	assert_string_equal(l.v[1].digest, D1);
	assert_string_equal(l.v[1].arch, "s390x");
	assert_non_null(pm_mlist_find(&l, D2));

	assert_int_equal(pm_mlist_remove(&l, "bad", &err), -EINVAL);
	assert_string_equal(err->msg,
			    "invalid image digest \"bad\": invalid checksum digest format");
	err = pm_error_free(err);
	assert_int_equal(pm_mlist_remove(&l, "sha256:12", &err), -EINVAL);
	err = pm_error_free(err);
	assert_int_equal(pm_mlist_remove(&l, D2, &err), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(pm_mlist_remove(&l, D2, &err), -ENOENT);
	assert_string_equal(err->msg, "no instance matching digest \"" D2
				      "\" found in manifest list: file does not exist");
	err = pm_error_free(err);
	assert_null(pm_mlist_find(&l, D2));
	pm_mlist_free(&l);
}

static void test_annotations(void **state)
{
	char **a = NULL;
	pm_error *err = NULL;
	assert_int_equal(pm_mlist_annotation_add(&a, "k=v", &err), 0);
	assert_int_equal(pm_mlist_annotation_add(&a, "x=", &err), 0);
	assert_int_equal(pm_mlist_annotation_add(&a, "k=w", &err), 0);
	assert_int_equal(pm_strv_length(a), 2);
	assert_string_equal(a[0], "k=w");
	assert_string_equal(a[1], "x=");
	assert_int_equal(pm_mlist_annotation_add(&a, "bad", &err), -EINVAL);
	assert_string_equal(err->msg, "no value given for annotation \"bad\"");
	err = pm_error_free(err);
	pm_strv_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_inspect_json),
		cmocka_unit_test(test_add_remove),
		cmocka_unit_test(test_annotations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
