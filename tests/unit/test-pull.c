/* test-pull.c: the pure parts of a pull: the --pull policy words (registry/pull-util.c) and
 * the choice of an index's image for a platform (registry/platform.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "registry/platform.h"
#include "registry/pull.h"

static void test_policy(void **state)
{
	static const struct {
		const char *s;
		enum pm_pull_policy p;
	} ok[] = {
		{"missing", PM_PULL_MISSING},	   {"always", PM_PULL_ALWAYS},
		{"never", PM_PULL_NEVER},	   {"newer", PM_PULL_NEWER},
		{"IfNotPresent", PM_PULL_MISSING}, {"ifnewer", PM_PULL_NEWER},
		{"Always", PM_PULL_ALWAYS},	   {"Never", PM_PULL_NEVER},
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		enum pm_pull_policy p = PM_PULL_MISSING;
		assert_int_equal(pm_pull_policy_parse(ok[i].s, &p, NULL), 0);
		assert_int_equal(p, ok[i].p);
	}
	static const char *const bad[] = {"true", "false", "sometimes", "ALWAYS"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum pm_pull_policy p;
		pm_error *err = NULL;
		assert_int_equal(pm_pull_policy_parse(bad[i], &p, &err), -EINVAL);
		char want[64];
		snprintf(want, sizeof(want), "unsupported pull policy \"%s\"", bad[i]);
		assert_string_equal(err->msg, want);
		pm_error_free(err);
	}
}

static void test_goarch(void **state)
{
	const char *v = "x";
	assert_string_equal(pm_platform_goarch("x86_64", &v), "amd64");
	assert_null(v);
	assert_string_equal(pm_platform_goarch("aarch64", &v), "arm64");
	assert_string_equal(v, "v8");
	assert_string_equal(pm_platform_goarch("armv7l", &v), "arm");
	assert_string_equal(v, "v7");
	assert_string_equal(pm_platform_goarch("i686", NULL), "386");
	assert_string_equal(pm_platform_goarch("weird", &v), "weird");
	assert_null(v);
}

static void test_wanted(void **state)
{
	struct pm_platform p;
	pm_platform_wanted(NULL, "arm", "v6", &p);
	assert_string_equal(p.os, "linux");
	assert_string_equal(p.arch, "arm");
	assert_string_equal(p.variant, "v6");
	pm_platform_free(&p);
	/* another architecture than the host's: no host variant */
	pm_platform_wanted("linux", "s390x", NULL, &p);
	assert_string_equal(p.arch, "s390x");
	assert_null(p.variant);
	pm_platform_free(&p);
}

static void test_parse(void **state)
{
	struct pm_platform p;
	assert_int_equal(pm_platform_parse("linux/arm64/v8", &p, NULL), 0);
	assert_string_equal(p.os, "linux");
	assert_string_equal(p.arch, "arm64");
	assert_string_equal(p.variant, "v8");
	pm_platform_free(&p);
	assert_int_equal(pm_platform_parse("linux/amd64", &p, NULL), 0);
	assert_null(p.variant);
	pm_platform_free(&p);
	pm_error *err = NULL;
	assert_int_equal(pm_platform_parse("linux", &p, &err), -EINVAL);
	assert_non_null(strstr(err->msg, "--platform=\"linux\""));
	pm_error_free(err);
	assert_int_equal(pm_platform_parse("a/b/c/d", &p, NULL), -EINVAL);
}

/* An OCI index of five images: arm/v6, arm/v7, arm64/v8, amd64, ppc64le (digests 1..5). */
static char *index_json(void)
{
	static const char *const plat[] = {
		"\"architecture\":\"arm\",\"variant\":\"v6\"",
		"\"architecture\":\"arm\",\"variant\":\"v7\"",
		"\"architecture\":\"arm64\",\"variant\":\"v8\"",
		"\"architecture\":\"amd64\"",
		"\"architecture\":\"ppc64le\"",
	};
	size_t cap = 4096, len = 0;
	char *s = malloc(cap);
	len += (size_t)snprintf(s + len, cap - len,
				"{\"schemaVersion\":2,\"mediaType\":\"%s\",\"manifests\":[",
				PM_MT_OCI_INDEX);
	for (int i = 0; i < 5; i++) {
		char hex[65];
		memset(hex, '1' + i, 64);
		hex[64] = 0;
		len += (size_t)snprintf(
			s + len, cap - len,
			"%s{\"mediaType\":\"%s\",\"digest\":\"sha256:%s\",\"size\":1,"
			"\"platform\":{\"os\":\"linux\",%s}}",
			i ? "," : "", PM_MT_OCI_MANIFEST, hex, plat[i]);
	}
	snprintf(s + len, cap - len, "]}");
	return s;
}

static void parse_index(struct pm_index *idx)
{
	char *j = index_json();
	assert_int_equal(pm_index_parse(j, strlen(j), idx, NULL), 0);
	free(j);
}

static size_t choose(const char *os, const char *arch, const char *variant, int want_r)
{
	struct pm_index idx = {0};
	parse_index(&idx);
	struct pm_platform p = {.os = (char *)os, .arch = (char *)arch, .variant = (char *)variant};
	size_t i = 99;
	pm_error *err = NULL;
	assert_int_equal(pm_platform_choose(&idx, &p, &i, &err), want_r);
	if (want_r < 0) {
		assert_non_null(strstr(err->msg, "no image found in image index for architecture"));
		pm_error_free(err);
	}
	pm_index_free(&idx);
	return i;
}

static void test_choose(void **state)
{
	assert_int_equal(choose("linux", "amd64", NULL, 0), 3);
	assert_int_equal(choose("linux", "ppc64le", NULL, 0), 4);
	/* arm v7 wanted: v7 first; v6 when no v7 would do */
	assert_int_equal(choose("linux", "arm", "v7", 0), 1);
	assert_int_equal(choose("linux", "arm", "v6", 0), 0);
	/* no variant wanted: the first of the compatibility order present (v7) */
	assert_int_equal(choose("linux", "arm", NULL, 0), 1);
	assert_int_equal(choose("linux", "arm64", NULL, 0), 2);
	assert_int_equal(choose("linux", "arm64", "v8", 0), 2);
	choose("linux", "s390x", NULL, -ENOENT);
	choose("windows", "amd64", NULL, -ENOENT);
	/* a variant above any listed: v5 matches nothing listed */
	choose("linux", "arm", "v5", -ENOENT);
}

static void test_choose_message(void **state)
{
	struct pm_index idx = {0};
	parse_index(&idx);
	free(idx.media_type);
	idx.media_type = strdup(PM_MT_DOCKER_LIST);
	struct pm_platform p = {.os = "linux", .arch = "riscv64"};
	size_t i;
	pm_error *err = NULL;
	assert_int_equal(pm_platform_choose(&idx, &p, &i, &err), -ENOENT);
	assert_string_equal(err->msg, "no image found in manifest list for architecture riscv64, "
				      "variant \"\", OS linux");
	pm_error_free(err);
	pm_index_free(&idx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy), cmocka_unit_test(test_goarch),
		cmocka_unit_test(test_wanted), cmocka_unit_test(test_parse),
		cmocka_unit_test(test_choose), cmocka_unit_test(test_choose_message),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
