/* test-registry-auth.c: unit tests for registry/auth.c (auth.json lookup order, key
 * matching, store/remove keeping the file's other content, --creds) and registry/challenge.c
 * (WWW-Authenticate parsing, Basic encoding). Temp files and environment only, no network. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fileutil.h"
#include "lib/json.h"
#include "lib/strutil.h"
#include "registry/auth.h"
#include "registry/challenge.h"

static const char *const env_vars[] = {"REGISTRY_AUTH_FILE", "XDG_RUNTIME_DIR", "XDG_CONFIG_HOME",
				       "DOCKER_CONFIG", "HOME"};

static int setup(void **state)
{
	char tmpl[] = "/tmp/pm-test-regauth-XXXXXX";
	if (!mkdtemp(tmpl))
		return -1;
	*state = pm_xstrdup(tmpl);
	/* everything under the temp dir */
	for (size_t i = 0; i < sizeof(env_vars) / sizeof(env_vars[0]); i++)
		unsetenv(env_vars[i]);
	_cleanup_free_ char *rt = pm_path_join(tmpl, "run"), *cfg = pm_path_join(tmpl, "config"),
			    *home = pm_path_join(tmpl, "home");
	setenv("XDG_RUNTIME_DIR", rt, 1);
	setenv("XDG_CONFIG_HOME", cfg, 1);
	setenv("HOME", home, 1);
	return 0;
}

static int teardown(void **state)
{
	int r = pm_rm_rf(*state, NULL);
	free(*state);
	return r;
}

static char *put(const char *dir, const char *name, const char *content)
{
	char *p = pm_path_join(dir, name);
	_cleanup_free_ char *d = pm_xstrdup(p);
	*strrchr(d, '/') = 0;
	assert_int_equal(pm_mkdir_p(d, 0700, NULL), 0);
	assert_int_equal(pm_write_file_atomic(p, content, strlen(content), 0600, NULL), 0);
	return p;
}

static void expect_creds(const char *authfile, const char *key, const char *user, const char *pass)
{
	_cleanup_free_ char *u = NULL, *p = NULL;
	_cleanup_error_ pm_error *err = NULL;
	int k = pm_auth_lookup(authfile, key, &u, &p, &err);
	if (!user) {
		assert_int_equal(k, 0);
		assert_null(u);
		return;
	}
	if (k != 1)
		fail_msg("lookup %s: %d %s", key, k, err ? err->msg : "");
	assert_string_equal(u, user);
	assert_string_equal(p, pass);
}

/* base64("alice:secret") and friends */
#define ALICE "YWxpY2U6c2VjcmV0"
#define BOB   "Ym9iOnB3OndpdGg6Y29sb25z" /* bob:pw:with:colons */
#define CAROL "Y2Fyb2w6Yw=="		 /* carol:c */

static void test_basic_encode(void **state)
{
	_cleanup_free_ char *a = pm_auth_basic_encode("alice", "secret");
	_cleanup_free_ char *b = pm_auth_basic_encode("bob", "pw:with:colons");
	_cleanup_free_ char *c = pm_auth_basic_encode("carol", "c");
	_cleanup_free_ char *e = pm_auth_basic_encode("", "");
	assert_string_equal(a, ALICE);
	assert_string_equal(b, BOB);
	assert_string_equal(c, CAROL);
	assert_string_equal(e, "Og==");
}

static void test_key_normalize(void **state)
{
	static const char *const cases[][2] = {
		{"reg.io", "reg.io"},
		{"https://reg.io:5000/v2/", "reg.io:5000"},
		{"http://reg.io/v1/", "reg.io"},
		{"reg.io/ns/app/", "reg.io/ns/app"},
		{"https://index.docker.io/v1/", "docker.io"},
		{"registry-1.docker.io", "docker.io"},
		{"docker.io/library/busybox", "docker.io/library/busybox"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		_cleanup_free_ char *n = pm_auth_key_normalize(cases[i][0]);
		assert_string_equal(n, cases[i][1]);
	}
}

static void test_file_path(void **state)
{
	_cleanup_free_ char *a = pm_auth_file_path("/x/a.json");
	assert_string_equal(a, "/x/a.json");
	setenv("REGISTRY_AUTH_FILE", "/y/env.json", 1);
	_cleanup_free_ char *b = pm_auth_file_path(NULL);
	assert_string_equal(b, "/y/env.json");
	unsetenv("REGISTRY_AUTH_FILE");
	_cleanup_free_ char *c = pm_auth_file_path(NULL);
	_cleanup_free_ char *want = pm_xasprintf("%s/run/containers/auth.json", (char *)*state);
	assert_string_equal(c, want);
}

static void test_lookup_longest_key(void **state)
{
	_cleanup_free_ char *f = put(*state, "a.json",
				     "{\"auths\": {\"reg.io\": {\"auth\": \"" ALICE "\"},"
				     " \"reg.io/team\": {\"auth\": \"" BOB "\"},"
				     " \"https://other.io/v1/\": {\"auth\": \"" CAROL "\"}}}");
	expect_creds(f, "reg.io", "alice", "secret");
	expect_creds(f, "reg.io/x/y", "alice", "secret");
	expect_creds(f, "reg.io/team/app", "bob", "pw:with:colons");
	expect_creds(f, "reg.io/team", "bob", "pw:with:colons");
	expect_creds(f, "reg.io/teamx/app", "alice",
		     "secret");			     /* a path prefix, not a string one */
	expect_creds(f, "other.io/z", "carol", "c"); /* docker's URL keys */
	expect_creds(f, "reg.io:5000", NULL, NULL);
	expect_creds(f, "nothere.io", NULL, NULL);
}

static void test_lookup_order(void **state)
{
	const char *dir = *state;
	/* nothing anywhere */
	expect_creds(NULL, "reg.io", NULL, NULL);
	/* docker's config.json is the last resort */
	_cleanup_free_ char *d =
		put(dir, "home/.docker/config.json",
		    "{\"auths\": {\"https://index.docker.io/v1/\": {\"auth\": \"" CAROL
		    "\"}, \"reg.io\": {\"auth\": \"" CAROL "\"}}}");
	expect_creds(NULL, "docker.io/library/busybox", "carol", "c");
	expect_creds(NULL, "reg.io", "carol", "c");
	/* then $XDG_CONFIG_HOME/containers/auth.json */
	_cleanup_free_ char *c = put(dir, "config/containers/auth.json",
				     "{\"auths\": {\"reg.io\": {\"auth\": \"" BOB "\"}}}");
	expect_creds(NULL, "reg.io", "bob", "pw:with:colons");
	/* then $XDG_RUNTIME_DIR/containers/auth.json first */
	_cleanup_free_ char *r = put(dir, "run/containers/auth.json",
				     "{\"auths\": {\"reg.io\": {\"auth\": \"" ALICE "\"}}}");
	expect_creds(NULL, "reg.io", "alice", "secret");
	/* a registry only the later file knows is still found */
	expect_creds(NULL, "docker.io", "carol", "c");
	/* $REGISTRY_AUTH_FILE alone */
	_cleanup_free_ char *e = put(dir, "env.json", "{\"auths\": {}}");
	setenv("REGISTRY_AUTH_FILE", e, 1);
	expect_creds(NULL, "reg.io", NULL, NULL);
	/* --authfile alone, over the environment */
	expect_creds(c, "reg.io", "bob", "pw:with:colons");
	unsetenv("REGISTRY_AUTH_FILE");
	/* DOCKER_CONFIG moves docker's file */
	_cleanup_free_ char *dc = pm_path_join(dir, "dockercfg");
	setenv("DOCKER_CONFIG", dc, 1);
	expect_creds(NULL, "docker.io", NULL, NULL);
	unsetenv("DOCKER_CONFIG");
}

static void test_lookup_errors(void **state)
{
	_cleanup_free_ char *u = NULL, *p = NULL;
	_cleanup_free_ char *bad = put(*state, "bad.json", "{\"auths\": ");
	_cleanup_error_ pm_error *e1 = NULL, *e2 = NULL, *e3 = NULL;
	assert_int_equal(pm_auth_lookup(bad, "reg.io", &u, &p, &e1), -EBADMSG);
	assert_non_null(strstr(e1->msg, bad));

	_cleanup_free_ char *nocolon =
		put(*state, "nocolon.json", "{\"auths\": {\"reg.io\": {\"auth\": \"YWxpY2U=\"}}}");
	assert_int_equal(pm_auth_lookup(nocolon, "reg.io", &u, &p, &e2), -EBADMSG);
	assert_non_null(strstr(e2->msg, "USER:PASSWORD"));

	_cleanup_free_ char *helper =
		put(*state, "helper.json", "{\"credHelpers\": {\"reg.io\": \"secretservice\"}}");
	assert_int_equal(pm_auth_lookup(helper, "reg.io/app", &u, &p, &e3), -EOPNOTSUPP);
	assert_non_null(strstr(e3->msg, "secretservice"));
	/* a missing --authfile is just empty */
	assert_int_equal(pm_auth_lookup("/nonexistent/auth.json", "reg.io", &u, &p, NULL), 0);
}

static void test_store_remove(void **state)
{
	_cleanup_free_ char *f = pm_path_join(*state, "new/dir/auth.json");
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_auth_store(f, "reg.io:5000", "alice", "secret", &err), 0);
	struct stat st;
	assert_int_equal(stat(f, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	_cleanup_free_ char *dir = pm_path_join(*state, "new/dir");
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	expect_creds(f, "reg.io:5000/app", "alice", "secret");
	/* replacing keeps one entry */
	assert_int_equal(pm_auth_store(f, "reg.io:5000", "bob", "pw:with:colons", NULL), 0);
	expect_creds(f, "reg.io:5000", "bob", "pw:with:colons");
	assert_int_equal(pm_auth_store(f, "other.io/ns", "carol", "c", NULL), 0);

	/* other keys and entries' other fields stay */
	_cleanup_json_ json_t *j = NULL;
	assert_int_equal(pm_json_load_file(f, 1 << 20, &j, NULL), 0);
	json_object_set_new(j, "credHelpers", json_object());
	json_object_set_new(json_object_get(json_object_get(j, "auths"), "reg.io:5000"),
			    "identitytoken", json_string("x"));
	assert_int_equal(pm_json_write_file_atomic(f, j, 0600, NULL), 0);
	assert_int_equal(pm_auth_store(f, "reg.io:5000", "alice", "secret", NULL), 0);
	json_decref(j);
	j = NULL;
	assert_int_equal(pm_json_load_file(f, 1 << 20, &j, NULL), 0);
	assert_non_null(json_object_get(j, "credHelpers"));
	json_t *e = json_object_get(json_object_get(j, "auths"), "reg.io:5000");
	assert_string_equal(pm_json_string(e, "identitytoken"), "x");
	assert_string_equal(pm_json_string(e, "auth"), ALICE);

	assert_int_equal(pm_auth_remove(f, "reg.io:5000", NULL), 0);
	expect_creds(f, "reg.io:5000", NULL, NULL);
	expect_creds(f, "other.io/ns/app", "carol", "c");
	_cleanup_error_ pm_error *e2 = NULL;
	assert_int_equal(pm_auth_remove(f, "reg.io:5000", &e2), -ENOENT);
	assert_string_equal(e2->msg, "not logged into reg.io:5000");

	assert_int_equal(pm_auth_remove_all(f, NULL), 0);
	expect_creds(f, "other.io/ns", NULL, NULL);
	json_decref(j);
	j = NULL;
	assert_int_equal(pm_json_load_file(f, 1 << 20, &j, NULL), 0);
	assert_non_null(json_object_get(j, "credHelpers"));
	assert_int_equal(json_object_size(json_object_get(j, "auths")), 0);
	/* remove_all on no file is fine */
	_cleanup_free_ char *none = pm_path_join(*state, "none.json");
	assert_int_equal(pm_auth_remove_all(none, NULL), 0);
	assert_false(pm_path_exists(none));
}

static void test_store_default_path(void **state)
{
	assert_int_equal(pm_auth_store(NULL, "reg.io", "alice", "secret", NULL), 0);
	_cleanup_free_ char *f = pm_xasprintf("%s/run/containers/auth.json", (char *)*state);
	assert_true(pm_path_exists(f));
	expect_creds(NULL, "reg.io", "alice", "secret");
}

static void test_creds_parse(void **state)
{
	_cleanup_free_ char *u = NULL, *p = NULL;
	assert_int_equal(pm_creds_parse("alice:se:cret", &u, &p, NULL), 0);
	assert_string_equal(u, "alice");
	assert_string_equal(p, "se:cret");
	free(u);
	free(p);
	assert_int_equal(pm_creds_parse("alice", &u, &p, NULL), 0);
	assert_string_equal(u, "alice");
	assert_null(p);
	free(u);
	u = NULL;
	assert_int_equal(pm_creds_parse("alice:", &u, &p, NULL), 0);
	assert_string_equal(p, "");
	free(u);
	free(p);
	u = p = NULL;
	_cleanup_error_ pm_error *e1 = NULL, *e2 = NULL;
	assert_int_equal(pm_creds_parse(":pw", &u, &p, &e1), -EINVAL);
	assert_non_null(strstr(e1->msg, "--creds"));
	assert_int_equal(pm_creds_parse("", &u, &p, &e2), -EINVAL);
	assert_null(u);
	assert_null(p);
}

static void test_challenge(void **state)
{
	struct pm_auth_challenge c;
	assert_int_equal(pm_auth_challenge_parse("Bearer realm=\"https://auth.docker.io/token\","
						 "service=\"registry.docker.io\","
						 "scope=\"repository:library/busybox:pull\"",
						 &c),
			 0);
	assert_int_equal(c.scheme, PM_AUTH_BEARER);
	assert_string_equal(c.realm, "https://auth.docker.io/token");
	assert_string_equal(c.service, "registry.docker.io");
	assert_string_equal(c.scope, "repository:library/busybox:pull");
	pm_auth_challenge_done(&c);

	assert_int_equal(pm_auth_challenge_parse("Basic realm=\"Registry Realm\"", &c), 0);
	assert_int_equal(c.scheme, PM_AUTH_BASIC);
	assert_string_equal(c.realm, "Registry Realm");
	assert_null(c.service);
	pm_auth_challenge_done(&c);

	/* case, spaces, token values, escapes, unknown params */
	assert_int_equal(
		pm_auth_challenge_parse("  bearer  Realm = https://h/t , error=\"x\\\"y\" ,"
					" service=svc",
					&c),
		0);
	assert_int_equal(c.scheme, PM_AUTH_BEARER);
	assert_string_equal(c.realm, "https://h/t");
	assert_string_equal(c.service, "svc");
	pm_auth_challenge_done(&c);

	/* several challenges: Bearer preferred over Basic, unknown schemes skipped */
	assert_int_equal(pm_auth_challenge_parse("Basic realm=\"b\", Negotiate, Bearer "
						 "realm=\"https://t\",service=\"s\"",
						 &c),
			 0);
	assert_int_equal(c.scheme, PM_AUTH_BEARER);
	assert_string_equal(c.realm, "https://t");
	pm_auth_challenge_done(&c);
	assert_int_equal(pm_auth_challenge_parse("Digest realm=\"x\", Basic realm=\"r\"", &c), 0);
	assert_int_equal(c.scheme, PM_AUTH_BASIC);
	pm_auth_challenge_done(&c);
	assert_int_equal(pm_auth_challenge_parse("Basic", &c), 0);
	assert_int_equal(c.scheme, PM_AUTH_BASIC);
	pm_auth_challenge_done(&c);

	/* refused */
	assert_int_equal(pm_auth_challenge_parse("", &c), -EINVAL);
	assert_int_equal(pm_auth_challenge_parse("Digest realm=\"x\"", &c), -EINVAL);
	assert_int_equal(pm_auth_challenge_parse("Bearer service=\"s\"", &c), -EBADMSG);
	assert_int_equal(pm_auth_challenge_parse("Bearer realm=\"unterminated", &c), -EINVAL);
	assert_int_equal(pm_auth_challenge_parse("Bearer realm=\"\"", &c), -EBADMSG);
	assert_int_equal(pm_auth_challenge_parse("=oops", &c), -EINVAL);
	assert_int_equal(c.scheme, PM_AUTH_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_basic_encode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_normalize, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup_longest_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_default_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_creds_parse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_challenge, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
