/* test-registries-conf.c: unit tests for registry/conf.c: containers-registries.conf(5) v2
 * keys, prefix matching and rewriting, mirrors, blocked and insecure registries, short names
 * and aliases, the choice of files and drop-ins, and the errors of bad files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "registry/conf.h"

static struct pm_registries_conf *conf(const char *text)
{
	struct pm_registries_conf *c = pm_registries_conf_new();
	_cleanup_error_ pm_error *err = NULL;
	if (pm_registries_conf_parse(c, text, "r.conf", &err) < 0)
		fail_msg("parse failed: %s", err ? err->msg : "?");
	return c;
}

static void conf_fails(const char *text, const char *msg)
{
	_cleanup_registries_conf_ struct pm_registries_conf *c = pm_registries_conf_new();
	_cleanup_error_ pm_error *err = NULL;
	int r = pm_registries_conf_parse(c, text, "r.conf", &err);
	if (r >= 0)
		fail_msg("parsed: %s", text);
	assert_int_equal(r, -EINVAL);
	if (strcmp(err->msg, msg) != 0)
		fail_msg("got '%s', want '%s'", err->msg, msg);
}

/* The sources of host/repo as "host/repo[ insecure][ mirror]" joined by ", ". */
static char *sources(const struct pm_registries_conf *c, const char *host, const char *repo)
{
	struct pm_registry_source *v = NULL;
	size_t n = 0;
	_cleanup_error_ pm_error *err = NULL;
	int r = pm_registries_sources(c, host, repo, &v, &n, &err);
	if (r < 0)
		return pm_xasprintf("error %d: %s", r, err->msg);
	char *s = pm_xstrdup("");
	for (size_t i = 0; i < n; i++) {
		char *t = pm_xasprintf("%s%s%s/%s%s%s", s, i ? ", " : "", v[i].host, v[i].repo,
				       v[i].insecure ? " insecure" : "",
				       v[i].is_mirror ? " mirror" : "");
		free(s);
		s = t;
	}
	pm_registry_sources_free(v, n);
	return s;
}

#define assert_sources(c, host, repo, want)                                                        \
	do {                                                                                       \
		_cleanup_free_ char *_s = sources(c, host, repo);                                  \
		assert_string_equal(_s, want);                                                     \
	} while (0)

static void test_no_config(void **state)
{
	_cleanup_registries_conf_ struct pm_registries_conf *c = conf("");
	assert_sources(c, "quay.io", "a/b", "quay.io/a/b");
	assert_string_equal(pm_registries_short_name_mode(c), "permissive");
	assert_false(pm_registries_insecure(c, "quay.io"));
}

static void test_prefix_and_location(void **state)
{
	_cleanup_registries_conf_ struct pm_registries_conf *c =
		conf("[[registry]]\n"
		     "location = \"example.com/\"\n" /* trailing slash dropped */
		     "insecure = true\n"
		     "[[registry]]\n"
		     "prefix = \"example.com/foo\"\n"
		     "location = \"mirror.local:5000/bar\"\n"
		     "[[registry]]\n"
		     "prefix = \"example.com/foo/deep\"\n"
		     "location = \"deep.local/d\"\n"
		     "[[registry]]\n"
		     "prefix = \"docker.io/library\"\n"
		     "location = \"hub.local/lib\"\n");
	/* the prefix defaults to the location */
	assert_sources(c, "example.com", "x", "example.com/x insecure");
	/* longest prefix wins, rewritten to the location */
	assert_sources(c, "example.com", "foo/img", "mirror.local:5000/bar/img");
	assert_sources(c, "example.com", "foo", "mirror.local:5000/bar");
	assert_sources(c, "example.com", "foo/deep/x", "deep.local/d/x");
	/* only at a path-component boundary */
	assert_sources(c, "example.com", "foobar", "example.com/foobar insecure");
	assert_sources(c, "example.community", "x", "example.community/x");
	assert_sources(c, "docker.io", "library/busybox", "hub.local/lib/busybox");
	assert_sources(c, "other.io", "x", "other.io/x");
	assert_true(pm_registries_insecure(c, "example.com"));
	assert_false(pm_registries_insecure(c, "other.io"));
	assert_false(pm_registries_insecure(c, "mirror.local:5000"));
}

static void test_wildcard(void **state)
{
	_cleanup_registries_conf_ struct pm_registries_conf *c =
		conf("[[registry]]\n"
		     "prefix = \"*.example.com\"\n"
		     "blocked = true\n"
		     "[[registry]]\n"
		     "prefix = \"*.ok.org\"\n"
		     "location = \"\"\n"
		     "insecure = true\n"
		     "[[registry.mirror]]\n"
		     "location = \"cache.local\"\n"
		     "[[registry]]\n"
		     "prefix = \"*.rw.net\"\n"
		     "location = \"rw.local/x\"\n");
	assert_sources(c, "a.example.com", "r",
		       "error -1: registry *.example.com is blocked in registries.conf or "
		       "registries.conf.d");
	assert_sources(c, "b.c.example.com:5000", "r",
		       "error -1: registry *.example.com is blocked in registries.conf or "
		       "registries.conf.d");
	assert_sources(c, "example.com", "r", "example.com/r");
	assert_sources(c, "a.example.community", "r", "a.example.community/r");
	/* an empty location keeps the name; mirrors get what follows the match */
	assert_sources(c, "q.ok.org", "p/r", "cache.local/p/r mirror, q.ok.org/p/r insecure");
	assert_true(pm_registries_insecure(c, "q.ok.org"));
	assert_sources(c, "s.rw.net", "i", "rw.local/x/i");
}

static void test_mirrors(void **state)
{
	_cleanup_registries_conf_ struct pm_registries_conf *c =
		conf("[[registry]]\n"
		     "prefix = \"docker.io\"\n"
		     "location = \"docker.io\"\n"
		     "[[registry.mirror]]\n"
		     "location = \"m1.local:5000\"\n"
		     "insecure = true\n"
		     "[[registry.mirror]]\n"
		     "location = \"m2.local/hub\"\n"
		     "[[registry]]\n"
		     "location = \"quay.io/team\"\n"
		     "[[registry.mirror]]\n"
		     "location = \"m3.local\"\n");
	assert_sources(c, "docker.io", "library/alpine",
		       "m1.local:5000/library/alpine insecure mirror, m2.local/hub/library/alpine "
		       "mirror, docker.io/library/alpine");
	assert_sources(c, "quay.io", "team/x", "m3.local/x mirror, quay.io/team/x");
	assert_sources(c, "quay.io", "other/x", "quay.io/other/x");
	assert_true(pm_registries_insecure(c, "m1.local:5000"));
	assert_false(pm_registries_insecure(c, "m2.local"));
	assert_false(pm_registries_insecure(c, "docker.io"));
}

static void test_rewrite_without_repo(void **state)
{
	_cleanup_registries_conf_ struct pm_registries_conf *c =
		conf("[[registry]]\nprefix = \"a.io/x\"\nlocation = \"b.io\"\n"
		     "[[registry]]\nprefix = \"c.io\"\nlocation = \"docker.io\"\n");
	assert_sources(c, "a.io", "x",
		       "error -22: registries.conf rewrites 'a.io/x' to 'b.io', which names no "
		       "repository");
	assert_sources(c, "a.io", "x/y", "b.io/y");
	_cleanup_registries_conf_ struct pm_registries_conf *e =
		conf("[[registry]]\nprefix = \"e.io\"\nlocation = \"/x\"\n");
	assert_sources(e, "e.io", "r",
		       "error -22: registries.conf rewrites 'e.io/r' to '/x/r', which names no "
		       "repository");
	/* docker.io's one-part names get library/ */
	assert_sources(c, "c.io", "alpine", "docker.io/library/alpine");
}

static void test_blocked(void **state)
{
	_cleanup_registries_conf_ struct pm_registries_conf *c = pm_registries_conf_new();
	_cleanup_error_ pm_error *err = NULL;
	char dir[] = "/tmp/pm-test-regconf-XXXXXX";
	assert_non_null(mkdtemp(dir));
	_cleanup_free_ char *f = pm_xasprintf("%s/r.conf", dir);
	const char *text = "[[registry]]\nlocation = \"bad.io/team\"\nblocked = true\n";
	assert_int_equal(pm_write_file_atomic(f, text, strlen(text), 0644, NULL), 0);
	pm_registries_conf_free(c);
	c = NULL;
	assert_int_equal(pm_registries_conf_load_from(&c, f, dir, "/nonexistent", &err), 0);
	struct pm_registry_source *v = NULL;
	size_t n = 0;
	assert_int_equal(pm_registries_sources(c, "bad.io", "team/x", &v, &n, &err), -EPERM);
	_cleanup_free_ char *want = pm_xasprintf("registry bad.io/team is blocked in %s or "
						 "/nonexistent/containers/registries.conf.d",
						 f);
	assert_string_equal(err->msg, want);
	assert_null(v);
	assert_sources(c, "bad.io", "other/x", "bad.io/other/x");
	unlink(f);
	rmdir(dir);
}

static void assert_candidates(const struct pm_registries_conf *c, const char *name,
			      const char *want, bool want_alias);

#define L "loading registries configuration \"r.conf\": "

/* The messages are podman 4.3's (checked by hand against it), after the same prefix. */
static void test_bad_registries(void **state)
{
	conf_fails("[[registry]]\nlocation = \"\"\n",
		   L "invalid condition: both location and prefix are unset");
	conf_fails("[[registry]]\ninsecure = true\n",
		   L "invalid condition: both location and prefix are unset");
	conf_fails("[[registry]]\nlocation = \"a.io\"\n[[registry]]\nprefix = \"b.io\"\n",
		   L "invalid condition: location is unset and prefix is not in the format: "
		     "*.example.com");
	conf_fails("[[registry]]\nlocation = \"https://a.io\"\n",
		   L "invalid location 'https://a.io': URI schemes are not supported");
	conf_fails("[[registry]]\nprefix = \"*.a.io/x\"\n",
		   L "Wildcarded prefix should be in the format: *.example.com. Current prefix "
		     "\"*.a.io/x\" is incorrectly formatted");
	conf_fails("[[registry]]\nlocation = \"a.io\"\n[[registry]]\nprefix = \"b.io\"\n"
		   "location = \"a.io\"\ninsecure = true\n",
		   L "registry 'a.io' is defined multiple times with conflicting 'insecure' "
		     "setting");
	conf_fails("[[registry]]\nlocation = \"a.io\"\n[[registry.mirror]]\ninsecure = true\n",
		   L "invalid condition: mirror location is unset");
	conf_fails("short-name-mode = \"strict\"\n", L "invalid short-name mode: \"strict\"");
	conf_fails("unqualified-search-registries = [\"a.io/ns\"]\n",
		   L "Invalid unqualified-search-registries entry \"a.io/ns\"");
	conf_fails("unqualified-search-registries = [\"\"]\n",
		   L "Invalid unqualified-search-registries entry \"\"");
	/* podman names the TOML line of a type error; pm names the table */
	conf_fails("[[registry]]\nlocation = \"a.io\"\ninsecure = \"yes\"\n",
		   L "[[registry]] #1: 'insecure' must be true or false");
	conf_fails("[[registry]]\nlocation = 5\n",
		   L "[[registry]] #1: 'location' must be a string");
	conf_fails("[registry]\nlocation = \"a.io\"\n",
		   L "'registry' must be [[registry]] tables (an array of tables)");
	conf_fails("unqualified-search-registries = \"docker.io\"\n",
		   L "'unqualified-search-registries' must be an array of strings");
	conf_fails("[registries.search]\nregistries = [\"a.io\"]\n[[registry]]\nlocation = "
		   "\"b.io\"\n",
		   L "mixing sysregistry v1/v2 is not supported");
	/* a syntax error names the line */
	conf_fails("a = 1\n[[registry]]\nlocation = \"x\n",
		   "r.conf:3: newline in a string (a missing closing quote?)");
}

static void test_same_prefix_twice(void **state)
{
	/* podman accepts it; the last one counts */
	_cleanup_registries_conf_ struct pm_registries_conf *c =
		conf("[[registry]]\nlocation = \"a.io\"\n[[registry]]\nlocation = \"a.io\"\n"
		     "[[registry.mirror]]\nlocation = \"m.io\"\n");
	assert_sources(c, "a.io", "x", "m.io/x mirror, a.io/x");
	/* a '*' elsewhere than a leading "*." is no wildcard: it matches literally */
	_cleanup_registries_conf_ struct pm_registries_conf *w =
		conf("[[registry]]\nprefix = \"a.*.io\"\nlocation = \"x.io\"\n");
	assert_sources(w, "a.b.io", "r", "a.b.io/r");
	assert_sources(w, "a.*.io", "r", "x.io/r");
}

static void test_v1(void **state)
{
	_cleanup_registries_conf_ struct pm_registries_conf *c =
		conf("[registries.search]\nregistries = [\"s1.io\", \"docker.io\"]\n"
		     "[registries.insecure]\nregistries = [\"ins.io\", \"both.io\"]\n"
		     "[registries.block]\nregistries = [\"blk.io\", \"both.io\"]\n");
	assert_candidates(c, "x", "s1.io/x docker.io/library/x", false);
	assert_sources(c, "ins.io", "r", "ins.io/r insecure");
	assert_true(pm_registries_insecure(c, "ins.io"));
	assert_sources(c, "blk.io", "r",
		       "error -1: registry blk.io is blocked in registries.conf or "
		       "registries.conf.d");
	assert_sources(c, "both.io", "r",
		       "error -1: registry both.io is blocked in registries.conf or "
		       "registries.conf.d");
	/* empty v1 tables beside v2 keys are no mix */
	_cleanup_registries_conf_ struct pm_registries_conf *e =
		conf("unqualified-search-registries = [\"a.io\"]\n[registries.search]\n"
		     "registries = []\n");
	assert_candidates(e, "x", "a.io/x", false);
}

static void test_bad_aliases(void **state)
{
	conf_fails("[aliases]\n\"quay.io/x\" = \"quay.io/x\"\n",
		   L "validating short-name aliases: invalid short name \"quay.io/x\": must not "
		     "contain registry");
	conf_fails("[aliases]\n\"localhost/x\" = \"quay.io/x\"\n",
		   L "validating short-name aliases: invalid short name \"localhost/x\": must not "
		     "contain registry");
	conf_fails("[aliases]\n\"x:1\" = \"quay.io/x\"\n",
		   L "validating short-name aliases: invalid short name \"x:1\": must not contain "
		     "tag");
	conf_fails("[aliases]\n\"x@sha256:00\" = \"quay.io/x\"\n",
		   L "validating short-name aliases: invalid short name \"x@sha256:00\": must not "
		     "contain digest");
	conf_fails("[aliases]\n\"x\" = \"y/z\"\n",
		   L "validating short-name aliases: invalid alias \"y/z\": must contain registry "
		     "and repository");
	conf_fails("[aliases]\n\"x\" = \"quay.io/\"\n",
		   L "validating short-name aliases: invalid alias \"quay.io/\": must contain "
		     "registry and repository");
	conf_fails("[aliases]\n\"x\" = \"quay.io/x:1\"\n",
		   L "validating short-name aliases: invalid alias \"quay.io/x:1\": must not "
		     "contain tag");
	conf_fails("[aliases]\n\"x\" = 1\n", L "[aliases] \"x\": the value must be a string");
}

static void assert_candidates(const struct pm_registries_conf *c, const char *name,
			      const char *want, bool want_alias)
{
	_cleanup_strv_ char **v = NULL;
	_cleanup_error_ pm_error *err = NULL;
	bool alias = !want_alias;
	int r = pm_registries_short_name(c, name, &v, &alias, &err);
	if (r < 0)
		fail_msg("%s: %s", name, err->msg);
	_cleanup_free_ char *got = pm_strv_join(v, " ");
	assert_string_equal(got, want);
	assert_true(alias == want_alias);
}

static void test_short_names(void **state)
{
	_cleanup_registries_conf_ struct pm_registries_conf *c =
		conf("unqualified-search-registries = [\"registry.local:5000\", \"docker.io\"]\n"
		     "short-name-mode = \"enforcing\"\n"
		     "[aliases]\n"
		     "\"fedora\" = \"registry.fedoraproject.org/fedora\"\n"
		     "\"hub\" = \"docker.io/hubimg\"\n"
		     "\"ns/app\" = \"quay.io/ns/app\"\n");
	assert_string_equal(pm_registries_short_name_mode(c), "enforcing");
	assert_candidates(c, "fedora", "registry.fedoraproject.org/fedora", true);
	assert_candidates(c, "fedora:39", "registry.fedoraproject.org/fedora:39", true);
	assert_candidates(c, "fedora@sha256:abcd", "registry.fedoraproject.org/fedora@sha256:abcd",
			  true);
	assert_candidates(c, "hub", "docker.io/library/hubimg", true);
	assert_candidates(c, "ns/app:v1", "quay.io/ns/app:v1", true);
	assert_string_equal(pm_registries_alias_origin(c, "ns/app:v1"), "r.conf");
	assert_null(pm_registries_alias_origin(c, "busybox"));
	assert_candidates(c, "busybox", "registry.local:5000/busybox docker.io/library/busybox",
			  false);
	assert_candidates(c, "busybox:1.36",
			  "registry.local:5000/busybox:1.36 docker.io/library/busybox:1.36", false);
	assert_candidates(c, "user/img", "registry.local:5000/user/img docker.io/user/img", false);

	/* enforcing without a terminal refuses to pick among several */
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_registries_short_name_check(c, 2, false, &err), -EINVAL);
	assert_string_equal(err->msg,
			    "short-name resolution enforced but cannot prompt without a TTY");
	assert_int_equal(pm_registries_short_name_check(c, 1, false, NULL), 0);
	assert_int_equal(pm_registries_short_name_check(c, 2, true, NULL), 0);
	_cleanup_registries_conf_ struct pm_registries_conf *p =
		conf("unqualified-search-registries = [\"a.io\", \"b.io\"]\n");
	assert_int_equal(pm_registries_short_name_check(p, 2, false, NULL), 0);
	_cleanup_registries_conf_ struct pm_registries_conf *d =
		conf("short-name-mode = \"disabled\"\n");
	assert_int_equal(pm_registries_short_name_check(d, 2, false, NULL), 0);
	assert_string_equal(pm_registries_short_name_mode(d), "disabled");
}

static void test_short_name_no_search(void **state)
{
	_cleanup_registries_conf_ struct pm_registries_conf *c =
		conf("unqualified-search-registries = []\n");
	_cleanup_strv_ char **v = NULL;
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_registries_short_name(c, "zzz", &v, NULL, &err), -ENOENT);
	assert_string_equal(err->msg, "short-name \"zzz\" did not resolve to an alias and no "
				      "unqualified-search registries are defined in \"r.conf\"");
	assert_null(v);
}

static void test_is_short_name(void **state)
{
	assert_true(pm_registries_is_short_name("busybox"));
	assert_true(pm_registries_is_short_name("busybox:latest"));
	assert_true(pm_registries_is_short_name("library/busybox"));
	assert_true(pm_registries_is_short_name("foo/bar/baz@sha256:00"));
	assert_true(pm_registries_is_short_name("localhostx/a"));
	assert_false(pm_registries_is_short_name("localhost/a"));
	assert_false(pm_registries_is_short_name("quay.io/a"));
	assert_false(pm_registries_is_short_name("host:5000/a"));
	assert_false(pm_registries_is_short_name("docker.io/library/busybox"));
}

/* Files: main file, drop-ins, user file, $CONTAINERS_REGISTRIES_CONF. */
struct tree {
	char dir[64];
	char *sys, *home;
};

static void put(const char *path, const char *text)
{
	_cleanup_free_ char *d = pm_xstrdup(path);
	*strrchr(d, '/') = 0;
	assert_int_equal(pm_mkdir_p(d, 0755, NULL), 0);
	assert_int_equal(pm_write_file_atomic(path, text, strlen(text), 0644, NULL), 0);
}

static int tree_setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));
	strcpy(t->dir, "/tmp/pm-test-regconf-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	t->sys = pm_xasprintf("%s/etc", t->dir);
	t->home = pm_xasprintf("%s/home", t->dir);
	*state = t;
	return 0;
}

static int tree_teardown(void **state)
{
	struct tree *t = *state;
	pm_rm_rf(t->dir, NULL);
	free(t->sys);
	free(t->home);
	free(t);
	return 0;
}

static char *tpath(struct tree *t, const char *rel)
{
	return pm_xasprintf("%s/%s", t->dir, rel);
}

#define PUT(t, rel, text)                                                                          \
	do {                                                                                       \
		_cleanup_free_ char *_p = tpath(t, rel);                                           \
		put(_p, text);                                                                     \
	} while (0)

static void test_files_layering(void **state)
{
	struct tree *t = *state;
	PUT(t, "etc/registries.conf",
	    "unqualified-search-registries = [\"sys.io\"]\n"
	    "[aliases]\n\"a\" = \"sys.io/a\"\n\"b\" = \"sys.io/b\"\n\"gone\" = \"sys.io/gone\"\n"
	    "[[registry]]\nlocation = \"r.io\"\ninsecure = true\n");
	PUT(t, "etc/registries.conf.d/10-x.conf",
	    "[aliases]\n\"a\" = \"ten.io/a\"\n\"gone\" = \"\"\n"
	    "[[registry]]\nlocation = \"r.io\"\nblocked = true\n");
	PUT(t, "etc/registries.conf.d/20-y.conf", "[aliases]\n\"a\" = \"twenty.io/a\"\n");
	PUT(t, "etc/registries.conf.d/05-z.conf", "[aliases]\n\"a\" = \"five.io/a\"\n");
	PUT(t, "etc/registries.conf.d/99-not-conf.txt", "this is not toml = = =\n");
	PUT(t, "home/containers/registries.conf.d/00-u.conf",
	    "short-name-mode = \"disabled\"\n[aliases]\n\"b\" = \"user.io/b\"\n");
	_cleanup_registries_conf_ struct pm_registries_conf *c = NULL;
	_cleanup_error_ pm_error *err = NULL;
	int r = pm_registries_conf_load_from(&c, NULL, t->sys, t->home, &err);
	if (r < 0)
		fail_msg("%s", err->msg);
	assert_candidates(c, "a", "twenty.io/a", true);
	assert_candidates(c, "b", "user.io/b", true);
	assert_candidates(c, "gone", "sys.io/gone", false); /* erased: search registries */
	assert_string_equal(pm_registries_short_name_mode(c), "disabled");
	/* the drop-in's [[registry]] replaced the main file's whole: blocked, not insecure */
	assert_false(pm_registries_insecure(c, "r.io"));
	_cleanup_free_ char *want =
		pm_xasprintf("error -1: registry r.io is blocked in %s/etc/registries.conf or "
			     "%s/home/containers/registries.conf.d",
			     t->dir, t->dir);
	assert_sources(c, "r.io", "x", want);
}

static void test_files_user_file(void **state)
{
	struct tree *t = *state;
	PUT(t, "etc/registries.conf", "unqualified-search-registries = [\"sys.io\"]\n");
	PUT(t, "etc/registries.conf.d/10-x.conf", "[aliases]\n\"a\" = \"sysdrop.io/a\"\n");
	PUT(t, "home/containers/registries.conf", "unqualified-search-registries = [\"u.io\"]\n");
	PUT(t, "home/containers/registries.conf.d/10-x.conf", "[aliases]\n\"b\" = \"u.io/b\"\n");
	_cleanup_registries_conf_ struct pm_registries_conf *c = NULL;
	assert_int_equal(pm_registries_conf_load_from(&c, NULL, t->sys, t->home, NULL), 0);
	/* the user's file replaces the system's, and the system's drop-ins are not read */
	assert_candidates(c, "a", "u.io/a", false);
	assert_candidates(c, "b", "u.io/b", true);
}

static void test_files_env(void **state)
{
	struct tree *t = *state;
	PUT(t, "etc/registries.conf", "unqualified-search-registries = [\"sys.io\"]\n");
	PUT(t, "etc/registries.conf.d/10-x.conf", "[aliases]\n\"a\" = \"sysdrop.io/a\"\n");
	PUT(t, "home/containers/registries.conf", "unqualified-search-registries = [\"u.io\"]\n");
	PUT(t, "env.conf", "unqualified-search-registries = [\"env.io\"]\n");
	_cleanup_free_ char *env = tpath(t, "env.conf");
	_cleanup_registries_conf_ struct pm_registries_conf *c = NULL;
	assert_int_equal(pm_registries_conf_load_from(&c, env, t->sys, t->home, NULL), 0);
	/* the named file in place of the main one; the drop-ins still read (podman 4.3) */
	assert_candidates(c, "z", "env.io/z", false);
	assert_candidates(c, "a", "sysdrop.io/a", true);

	/* a named file that does not exist is an error */
	_cleanup_free_ char *missing = tpath(t, "missing.conf");
	_cleanup_registries_conf_ struct pm_registries_conf *m = NULL;
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_registries_conf_load_from(&m, missing, t->sys, t->home, &err), -ENOENT);
	assert_non_null(strstr(err->msg, "loading registries configuration \""));
	assert_non_null(strstr(err->msg, "missing.conf"));
	assert_null(m);
}

static void test_files_errors(void **state)
{
	struct tree *t = *state;
	PUT(t, "etc/registries.conf", "# nothing\n");
	PUT(t, "etc/registries.conf.d/50-bad.conf", "[aliases]\n\"a\" = \"x.io/a\"\n\"a\" = 1\n");
	_cleanup_registries_conf_ struct pm_registries_conf *c = NULL;
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_registries_conf_load_from(&c, NULL, t->sys, NULL, &err), -EINVAL);
	_cleanup_free_ char *want = pm_xasprintf(
		"%s/etc/registries.conf.d/50-bad.conf:3: key 'a' defined twice", t->dir);
	assert_string_equal(err->msg, want);
	assert_null(c);
}

static void test_files_none(void **state)
{
	struct tree *t = *state;
	_cleanup_registries_conf_ struct pm_registries_conf *c = NULL;
	assert_int_equal(pm_registries_conf_load_from(&c, NULL, t->sys, t->home, NULL), 0);
	_cleanup_strv_ char **v = NULL;
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_registries_short_name(c, "x", &v, NULL, &err), -ENOENT);
	_cleanup_free_ char *want =
		pm_xasprintf("short-name \"x\" did not resolve to an alias and no "
			     "unqualified-search registries are defined in "
			     "\"%s/etc/registries.conf\"",
			     t->dir);
	assert_string_equal(err->msg, want);
}

/* Debian's files load; shortnames.conf's aliases resolve. */
static void test_system(void **state)
{
	if (access("/etc/containers/registries.conf.d/shortnames.conf", R_OK) != 0)
		skip();
	_cleanup_registries_conf_ struct pm_registries_conf *c = NULL;
	_cleanup_error_ pm_error *err = NULL;
	int r = pm_registries_conf_load_from(&c, NULL, "/etc/containers", "/nonexistent", &err);
	if (r < 0)
		fail_msg("%s", err->msg);
	assert_candidates(c, "alpine", "docker.io/library/alpine", true);
	assert_candidates(c, "opensuse/leap:15", "registry.opensuse.org/opensuse/leap:15", true);
	assert_string_equal(pm_registries_alias_origin(c, "fedora"),
			    "/etc/containers/registries.conf.d/shortnames.conf");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_config),
		cmocka_unit_test(test_prefix_and_location),
		cmocka_unit_test(test_wildcard),
		cmocka_unit_test(test_mirrors),
		cmocka_unit_test(test_rewrite_without_repo),
		cmocka_unit_test(test_blocked),
		cmocka_unit_test(test_bad_registries),
		cmocka_unit_test(test_bad_aliases),
		cmocka_unit_test(test_same_prefix_twice),
		cmocka_unit_test(test_v1),
		cmocka_unit_test(test_short_names),
		cmocka_unit_test(test_short_name_no_search),
		cmocka_unit_test(test_is_short_name),
		cmocka_unit_test_setup_teardown(test_files_layering, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_files_user_file, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_files_env, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_files_errors, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_files_none, tree_setup, tree_teardown),
		cmocka_unit_test(test_system),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
