/* test-build-ignore.c: unit tests for builder/ignore: .containerignore patterns as
 * moby/patternmatcher matches them ('*', '?', classes, '**', '!' re-includes, the last match
 * wins, parents), the cleaning of each line, and the bad patterns' errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "builder/ignore.h"
#include "lib/error.h"

static struct pm_ignore *ig_ok(const char *text)
{
	struct pm_ignore *ig = NULL;
	_cleanup_error_ pm_error *err = NULL;
	int r = pm_ignore_parse(text, strlen(text), ".containerignore", &ig, &err);
	if (r < 0)
		fail_msg("parse failed: %s", err ? err->msg : "?");
	assert_non_null(ig);
	return ig;
}

static void ig_fails(const char *text, const char *msg)
{
	struct pm_ignore *ig = NULL;
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_ignore_parse(text, strlen(text), ".dockerignore", &ig, &err), -EINVAL);
	assert_null(ig);
	if (strcmp(err->msg, msg) != 0)
		fail_msg("want '%s', got '%s'", msg, err->msg);
}

/* Each of yes is left out, each of no is kept. */
static void check(const char *patterns, const char *const *yes, const char *const *no)
{
	struct pm_ignore *ig = ig_ok(patterns);
	for (; yes && *yes; yes++)
		if (!pm_ignore_match(ig, *yes, false))
			fail_msg("patterns '%s' should exclude '%s'", patterns, *yes);
	for (; no && *no; no++)
		if (pm_ignore_match(ig, *no, false))
			fail_msg("patterns '%s' should keep '%s'", patterns, *no);
	pm_ignore_free(ig);
}

#define V(...) ((const char *const[]){__VA_ARGS__, NULL})

static void test_star_and_question(void **state)
{
	check("*.o", V("a.o", ".o", "x.o/inner"), V("dir/a.o", "a.c", "a.o.c"));
	check("a?c", V("abc", "a.c"), V("a/c", "ac", "abbc"));
	check("dir/*.txt", V("dir/a.txt", "dir/b.txt/x"), V("dir/sub/a.txt", "a.txt"));
	check("*", V("a", "a/b", ".hidden"), NULL);
	check("*\n.\n", V("a"), V(".", "./", ""));
}

static void test_double_star(void **state)
{
	check("**/*.o", V("a.o", "x/a.o", "x/y/z/a.o"), V("a.c", "x/a.c"));
	check("**", V("a", "a/b/c"), NULL);
	check("**/foo", V("foo", "a/foo", "a/b/foo", "a/foo/bar"), V("afoo", "foo2", "a/xfoo2"));
	check("a/**/b", V("a/b", "a/x/b", "a/x/y/b", "a/b/c"), V("a/xb", "b", "x/a/b"));
	check("foo/**", V("foo/x", "foo/x/y"), V("foo", "foobar"));
	check("a**b", V("ab", "ax/b", "a/b/c/d"), V("ac/d", "xab"));
}

static void test_classes_and_escapes(void **state)
{
	check("[a-c].txt", V("a.txt", "c.txt"), V("d.txt", "ab.txt"));
	check("[^a-c].txt", V("d.txt", "z.txt"), V("a.txt", "b.txt"));
	check("\\*", V("*"), V("a"));
	check("a\\?", V("a?"), V("ab"));
	check("file.(x)+", V("file.(x)+"), V("fileA(x)", "file.xx"));
	check("x]", V("x]"), V("x"));
}

static void test_exclusions(void **state)
{
	check("dir\n!dir/keep\n", V("dir", "dir/a", "dir/a/b"), V("dir/keep", "dir/keep/sub", "x"));
	check("*.md\n!README.md\n", V("a.md"), V("README.md"));
	/* the last match wins */
	check("!a\na\n", V("a", "a/b"), NULL);
	check("a\n!a\na\n", V("a"), NULL);
	check("a\n!a\n", NULL, V("a", "a/b"));
	/* a re-included directory brings its files back */
	check("**\n!src\n", V("x", "y/z"), V("src", "src/main.c"));
}

static void test_lines_cleaned(void **state)
{
	check("# comment\n\n   \n  /foo/  \n./bar\nbaz/../qux\n a//b \n",
	      V("foo", "foo/x", "bar", "qux", "a/b"), V("# comment", "baz", "a"));
	/* a '#' after a blank is a pattern, not a comment */
	check(" #x\n", V("#x"), NULL);
	/* BOM, CRLF; '!' with blanks after it */
	check("\xef\xbb\xbf"
	      "a\r\nb/*\r\n!  b/c\r\n",
	      V("a", "b/d"),
	      V("b/c", "\xef\xbb\xbf"
		       "a"));
	/* paths given with ./ or a leading / are cleaned too */
	struct pm_ignore *ig = ig_ok("x/y\n");
	assert_true(pm_ignore_match(ig, "./x/y", false));
	assert_true(pm_ignore_match(ig, "/x/y/z", true));
	assert_false(pm_ignore_match(ig, "x", true));
	pm_ignore_free(ig);
	/* nothing to match */
	ig = ig_ok("");
	assert_false(pm_ignore_match(ig, "a", false));
	assert_false(pm_ignore_may_reinclude(ig, "a"));
	pm_ignore_free(ig);
	assert_false(pm_ignore_match(NULL, "a", false));
}

static void test_may_reinclude(void **state)
{
	struct pm_ignore *ig = ig_ok("dir\nother\n!dir/keep\n!x*/sub/file\n");
	assert_true(pm_ignore_may_reinclude(ig, "dir"));
	assert_false(pm_ignore_may_reinclude(ig, "other"));
	assert_true(pm_ignore_may_reinclude(ig, "xa"));
	assert_true(pm_ignore_may_reinclude(ig, "xa/sub"));
	assert_false(pm_ignore_may_reinclude(ig, "xa/other"));
	assert_false(pm_ignore_may_reinclude(ig, "dir/other"));
	pm_ignore_free(ig);
	ig = ig_ok("*\n!**/keep\n");
	assert_true(pm_ignore_may_reinclude(ig, "any/where"));
	pm_ignore_free(ig);
	ig = ig_ok("dir\n");
	assert_false(pm_ignore_may_reinclude(ig, "dir"));
	pm_ignore_free(ig);
	/* an exclusion naming a parent re-includes what is below it */
	ig = ig_ok("a/b\n!a\n");
	assert_true(pm_ignore_may_reinclude(ig, "a/b"));
	assert_false(pm_ignore_match(ig, "a/b/c", false));
	pm_ignore_free(ig);
}

static void test_errors(void **state)
{
	ig_fails("ok\n!\n", ".dockerignore:2: illegal exclusion pattern: '!'");
	ig_fails("a[\n", ".dockerignore:1: bad pattern 'a['");
	ig_fails("\n\n[]\n", ".dockerignore:3: bad pattern '[]'");
	ig_fails("[a-]\n", ".dockerignore:1: bad pattern '[a-]'");
	ig_fails("a\\\n", ".dockerignore:1: bad pattern 'a\\'");
	ig_fails("!x[\n", ".dockerignore:1: bad pattern '!x['");

	const char nul[] = "a\nb\0c\n";
	struct pm_ignore *ig = NULL;
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_ignore_parse(nul, sizeof(nul) - 1, ".containerignore", &ig, &err),
			 -EINVAL);
	assert_string_equal(err->msg, ".containerignore:2: NUL byte in the line");
	pm_error *e2 = NULL;
	char *big = calloc(1024 * 1024 + 1, 1);
	assert_int_equal(pm_ignore_parse(big, 1024 * 1024 + 1, "i", &ig, &e2), -EINVAL);
	assert_string_equal(e2->msg, "i: larger than 1 MiB (1048577 bytes)");
	pm_error_free(e2);
	free(big);
}

/* many stars on a long path: linear, not exponential */
static void test_no_blowup(void **state)
{
	struct pm_ignore *ig =
		ig_ok("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b\n**/**/**/**/**/**/x\n");
	char path[4001];
	memset(path, 'a', 4000);
	path[4000] = 0;
	assert_false(pm_ignore_match(ig, path, false));
	for (int i = 1; i < 4000; i += 2)
		path[i] = '/';
	assert_false(pm_ignore_match(ig, path, false));
	pm_ignore_free(ig);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_star_and_question),
		cmocka_unit_test(test_double_star),
		cmocka_unit_test(test_classes_and_escapes),
		cmocka_unit_test(test_exclusions),
		cmocka_unit_test(test_lines_cleaned),
		cmocka_unit_test(test_may_reinclude),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_no_blowup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
