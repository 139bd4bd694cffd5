/* test-quadlet-parse.c: unit tests for quadlet/unitfile: groups and entries with their
 * lines, continuation lines (and comments inside them), comments, repeated groups, the
 * syntax errors with FILE:LINE; systemd's word splitting (quotes, C escapes, errors) and
 * the quoting back; booleans. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/strutil.h"
#include "quadlet/unitfile.h"

static void test_groups_entries_lines(void **state)
{
	_cleanup_unit_file_ struct pm_unit_file *f = NULL;
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_unit_file_parse("/q/a.container",
					    "# comment\n"
					    "; also a comment\n"
					    "\n"
					    "[Unit]\n"
					    "Description = a web server \n"
					    "[Container]\n"
					    "Image=busybox\n"
					    "Exec=sh -c \\\n"
					    "  \"sleep 1\"\n"
					    "Empty=\n"
					    "[Unit]\n"
					    "After=x.service\r\n",
					    &f, &err),
			 0);
	assert_int_equal(f->n_groups, 2);
	const struct pm_unit_group *u = pm_unit_file_group(f, "Unit");
	assert_non_null(u);
	assert_int_equal(u->line, 4);
	assert_int_equal(u->n_entries, 2); /* the second [Unit] merges into the first */
	assert_string_equal(u->entries[0].key, "Description");
	assert_string_equal(u->entries[0].value, "a web server");
	assert_int_equal(u->entries[0].line, 5);
	assert_string_equal(u->entries[1].value, "x.service");
	assert_int_equal(u->entries[1].line, 12);
	const struct pm_unit_group *c = pm_unit_file_group(f, "Container");
	const struct pm_unit_entry *e = pm_unit_group_last(c, "Exec");
	assert_non_null(e);
	assert_string_equal(e->value, "sh -c    \"sleep 1\"");
	assert_int_equal(e->line, 8);
	assert_string_equal(pm_unit_group_last(c, "Empty")->value, "");
	assert_null(pm_unit_group_last(c, "Nope"));
	assert_null(pm_unit_file_group(f, "Service"));
}

static void test_continuation_comment_and_eof(void **state)
{
	_cleanup_unit_file_ struct pm_unit_file *f = NULL;
	assert_int_equal(pm_unit_file_parse("x",
					    "[A]\n"
					    "K=one \\\n"
					    "# skipped inside a continuation\n"
					    "two\n"
					    "L=escaped \\\\\n"
					    "M=last \\",
					    &f, NULL),
			 0);
	const struct pm_unit_group *a = pm_unit_file_group(f, "A");
	assert_string_equal(pm_unit_group_last(a, "K")->value, "one  two");
	/* an escaped backslash does not continue the line */
	assert_string_equal(pm_unit_group_last(a, "L")->value, "escaped \\\\");
	assert_string_equal(pm_unit_group_last(a, "M")->value, "last");
	assert_int_equal(pm_unit_group_last(a, "M")->line, 6);
}

static void expect_error(const char *text, const char *msg)
{
	_cleanup_unit_file_ struct pm_unit_file *f = NULL;
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_unit_file_parse("/q/f.container", text, &f, &err), -EINVAL);
	assert_null(f);
	assert_non_null(err);
	assert_string_equal(err->msg, msg);
}

static void test_syntax_errors(void **state)
{
	expect_error("Image=x\n", "/q/f.container:1: assignment outside of a section");
	expect_error("[Container]\nImage=x\njunk\n", "/q/f.container:3: missing '=' in 'junk'");
	expect_error("\n[Container\n", "/q/f.container:2: invalid section header '[Container'");
	expect_error("[]\n", "/q/f.container:1: invalid section header '[]'");
	expect_error("[A]\n=v\n", "/q/f.container:2: missing key name before '='");
	expect_error("[A]\nbad key=v\n", "/q/f.container:2: invalid key name 'bad key'");
	/* a continued line counts from its first line */
	expect_error("[A]\nK=v\nx \\\ny\n", "/q/f.container:3: missing '=' in 'x  y'");
}

static void test_load(void **state)
{
	_cleanup_unit_file_ struct pm_unit_file *f = NULL;
	_cleanup_error_ pm_error *err = NULL;
	assert_true(pm_unit_file_load("/nonexistent/q.container", &f, &err) < 0);
	assert_non_null(err);
	assert_non_null(strstr(err->msg, "/nonexistent/q.container"));
}

static void expect_words(const char *s, const char *const *want)
{
	_cleanup_strv_ char **w = NULL;
	const char *why = NULL;
	assert_int_equal(pm_unit_split_words(s, &w, &why), 0);
	size_t n = 0;
	for (; want[n]; n++) {
		assert_non_null(w[n]);
		assert_string_equal(w[n], want[n]);
	}
	assert_null(w[n]);
}

static void expect_words_error(const char *s, const char *why_want)
{
	_cleanup_strv_ char **w = NULL;
	const char *why = NULL;
	assert_int_equal(pm_unit_split_words(s, &w, &why), -EINVAL);
	assert_string_equal(why, why_want);
}

static void test_split_words(void **state)
{
	expect_words("", (const char *const[]){NULL});
	expect_words("   ", (const char *const[]){NULL});
	expect_words("a  b\tc", (const char *const[]){"a", "b", "c", NULL});
	expect_words("sh -c \"echo hi; sleep 1\"",
		     (const char *const[]){"sh", "-c", "echo hi; sleep 1", NULL});
	expect_words("'single \"q\"' x", (const char *const[]){"single \"q\"", "x", NULL});
	expect_words("a\"b c\"d", (const char *const[]){"ab cd", NULL});
	expect_words("\"\" x", (const char *const[]){"", "x", NULL});
	expect_words("\"a\\\"b\" c\\ d", (const char *const[]){"a\"b", "c d", NULL});
	expect_words("\"tab\\there\" \\x41\\101 \\u00e9",
		     (const char *const[]){"tab\there", "AA", "\xc3\xa9", NULL});
	expect_words("\"B=two words\" A=1", (const char *const[]){"B=two words", "A=1", NULL});
	expect_words_error("\"open", "an unfinished quote");
	expect_words_error("a\\", "a backslash at the end");
	expect_words_error("\\q", "an invalid escape sequence");
	expect_words_error("\\x00", "an invalid escape sequence");
	expect_words_error("\\000", "an invalid escape sequence");
	expect_words_error("\\x4", "an invalid escape sequence");
}

static void expect_quote(const char *word, const char *want)
{
	_cleanup_free_ char *q = pm_unit_quote_word(word);
	assert_string_equal(q, want);
	/* and it splits back to the same word */
	_cleanup_strv_ char **w = NULL;
	const char *why = NULL;
	assert_int_equal(pm_unit_split_words(q, &w, &why), 0);
	assert_string_equal(w[0], word);
	assert_null(w[1]);
}

static void test_quote_word(void **state)
{
	expect_quote("plain", "plain");
	expect_quote("--cidfile=%t/%N.cid", "--cidfile=%t/%N.cid");
	expect_quote("$HOME", "$HOME");
	expect_quote("", "\"\"");
	expect_quote("two words", "\"two words\"");
	expect_quote("a\"b", "\"a\\\"b\"");
	expect_quote("back\\slash", "\"back\\\\slash\"");
	expect_quote("it's", "\"it's\"");
	expect_quote("line\nbreak\t", "\"line\\nbreak\\t\"");
	expect_quote("\x01", "\"\\x01\"");
	expect_quote(";", "\";\"");
}

static void test_bool(void **state)
{
	const char *yes[] = {"1", "yes", "Y", "true", "t", "ON"};
	const char *no[] = {"0", "no", "n", "FALSE", "f", "off"};
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		assert_int_equal(pm_unit_parse_bool(yes[i]), 1);
		assert_int_equal(pm_unit_parse_bool(no[i]), 0);
	}
	assert_int_equal(pm_unit_parse_bool(""), -EINVAL);
	assert_int_equal(pm_unit_parse_bool("maybe"), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_groups_entries_lines),
		cmocka_unit_test(test_continuation_comment_and_eof),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_split_words),
		cmocka_unit_test(test_quote_word),
		cmocka_unit_test(test_bool),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
