/* test-jscan.c: unit tests for lib/jscan, the tree-less JSON object reader: every text it
 * accepts, jansson accepts with the same values; what jansson refuses, it refuses (so the
 * callers' fallback to jansson never changes a result). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/jscan.h"
#include "lib/strutil.h"

/* Walk every member of text; 0 when the whole object reads, else < 0. */
static int walk(const char *text)
{
	struct pm_jscan s;
	struct pm_jscan_val k, v;
	int r = pm_jscan_object(&s, text, strlen(text));
	while (r >= 0 && (r = pm_jscan_member(&s, &k, &v)) > 0)
		;
	return r;
}

static bool jansson_object(const char *text)
{
	json_t *j = json_loads(text, 0, NULL);
	bool ok = json_is_object(j);
	json_decref(j);
	return ok;
}

static void test_members(void **state)
{
	const char *text = " {\"Id\":\"abc\", \"Created\" : -17,\"On\":true,\"Off\":false,"
			   "\"Nil\":null,\"Nested\":{\"a\":[1,2.5e3,{\"b\":\"]\"}]},"
			   "\"Ports\":[\"80/tcp\",\"9000-9001:90-91/udp\"],\"Empty\":[]}\n";
	struct pm_jscan s;
	struct pm_jscan_val k, v;
	assert_int_equal(pm_jscan_object(&s, text, strlen(text)), 0);
	int n = 0;
	int r;
	while ((r = pm_jscan_member(&s, &k, &v)) > 0) {
		n++;
		if (pm_jscan_key_is(&k, "Id")) {
			char *str = NULL;
			assert_int_equal(pm_jscan_string(&v, &str), 0);
			assert_string_equal(str, "abc");
			free(str);
		} else if (pm_jscan_key_is(&k, "Created")) {
			int64_t i = 0;
			assert_int_equal(pm_jscan_int(&v, &i), 0);
			assert_int_equal(i, -17);
		} else if (pm_jscan_key_is(&k, "On") || pm_jscan_key_is(&k, "Off")) {
			bool b = false;
			assert_int_equal(pm_jscan_bool(&v, &b), 0);
			assert_int_equal(b, pm_jscan_key_is(&k, "On"));
		} else if (pm_jscan_key_is(&k, "Nil")) {
			assert_int_equal(v.type, PM_JSCAN_NULL);
			char *str = NULL;
			assert_int_equal(pm_jscan_string(&v, &str), -EBADMSG);
		} else if (pm_jscan_key_is(&k, "Nested")) {
			assert_int_equal(v.type, PM_JSCAN_OBJECT);
			assert_int_equal(v.len, strlen("{\"a\":[1,2.5e3,{\"b\":\"]\"}]}"));
			char **sv = NULL;
			assert_int_equal(pm_jscan_strv(&v, &sv), -EBADMSG);
		} else if (pm_jscan_key_is(&k, "Ports")) {
			char **sv = NULL;
			assert_int_equal(pm_jscan_strv(&v, &sv), 0);
			assert_int_equal(pm_strv_length(sv), 2);
			assert_string_equal(sv[1], "9000-9001:90-91/udp");
			pm_strv_free(sv);
		} else if (pm_jscan_key_is(&k, "Empty")) {
			char **sv = NULL;
			assert_int_equal(pm_jscan_strv(&v, &sv), 0);
			assert_non_null(sv);
			assert_null(sv[0]);
			pm_strv_free(sv);
		} else {
			fail_msg("unexpected key %.*s", (int)k.len, k.p);
		}
	}
	assert_int_equal(r, 0);
	assert_int_equal(n, 8);
	/* after the end it stays at the end */
	assert_int_equal(pm_jscan_member(&s, &k, &v), 0);
	assert_int_equal(walk("{}"), 0);
	assert_int_equal(walk(" { } "), 0);
}

/* Strings decode exactly as jansson decodes them. */
static void test_strings_as_jansson(void **state)
{
	static const char *const strs[] = {
		"plain",
		"",
		"q\\\"uo\\\\te\\/",
		"\\b\\f\\n\\r\\t",
		"\\u00e9\\u20ac\\u0041",
		"\\ud83d\\ude00 smile",
		"h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80",
		"mixed \\u00e9 and \xc3\xa9",
	};
	for (size_t i = 0; i < sizeof(strs) / sizeof(*strs); i++) {
		char *text = pm_xasprintf("{\"k\":\"%s\"}", strs[i]);
		json_t *j = json_loads(text, 0, NULL);
		assert_non_null(j);
		struct pm_jscan s;
		struct pm_jscan_val k, v;
		assert_int_equal(pm_jscan_object(&s, text, strlen(text)), 0);
		assert_int_equal(pm_jscan_member(&s, &k, &v), 1);
		assert_true(pm_jscan_key_is(&k, "k"));
		char *str = NULL;
		assert_int_equal(pm_jscan_string(&v, &str), 0);
		assert_string_equal(str, json_string_value(json_object_get(j, "k")));
		assert_int_equal(pm_jscan_member(&s, &k, &v), 0);
		free(str);
		json_decref(j);
		free(text);
	}
}

/* Whatever jansson refuses, jscan refuses too. */
static void test_rejects_what_jansson_rejects(void **state)
{
	static const char *const bad[] = {
		"",
		"[]",
		"\"s\"",
		"{",
		"{\"a\"}",
		"{\"a\":}",
		"{\"a\":1,}",
		"{,\"a\":1}",
		"{\"a\":1 \"b\":2}",
		"{\"a\":01}",
		"{\"a\":1.}",
		"{\"a\":.5}",
		"{\"a\":1e}",
		"{\"a\":+1}",
		"{\"a\":tru}",
		"{\"a\":nul}",
		"{\"a\":\"x}",
		"{\"a\":\"\\x\"}",
		"{\"a\":\"\\u12\"}",
		"{\"a\":\"\\u0000\"}",
		"{\"a\":\"\\ud800\"}",
		"{\"a\":\"\\udc00\"}",
		"{\"a\":\"tab\there\"}",
		"{\"a\":\"\xc3\"}",
		"{\"a\":\"\xc0\xaf\"}",
		"{\"a\":\"\xed\xa0\x80\"}",
		"{\"a\":\"\xf5\x80\x80\x80\"}",
		"{\"a\":[1,]}",
		"{\"a\":[1 2]}",
		"{\"a\":{\"b\" 1}}",
		"{\"a\":1} x",
		"{\"a\":1}{}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		assert_false(jansson_object(bad[i]));
		if (walk(bad[i]) >= 0)
			fail_msg("jscan accepted '%s'", bad[i]);
	}
	/* and what it accepts, jansson accepts */
	static const char *const good[] = {
		"{\"a\":-0}",
		"{\"a\":0.5e-3}",
		"{\"a\":1E+2}",
		"{\"\":\"\"}",
		"{\"a\":[[],{}],\"b\":[{\"c\":[null,true,false]}]}",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++) {
		assert_int_equal(walk(good[i]), 0);
		assert_true(jansson_object(good[i]));
	}
}

/* Number edge cases, each checked against jansson: integers must fit json_int_t (int64),
 * reals must not overflow a double; the grammar is RFC 8259's (no leading zeros, no '+',
 * digits on both sides of '.', digits after an exponent). */
static void test_number_edges_as_jansson(void **state)
{
	static const struct {
		const char *text;
		bool ok;
	} cases[] = {
		{"{\"id\":666666666666666661392}", false},
		{"{\"a\":9223372036854775807}", true},
		{"{\"a\":9223372036854775808}", false},
		{"{\"a\":-9223372036854775808}", true},
		{"{\"a\":-9223372036854775809}", false},
		{"{\"a\":18446744073709551616}", false},
		{"{\"a\":[1,99999999999999999999]}", false},
		{"{\"a\":{\"b\":-99999999999999999999}}", false},
		{"{\"a\":-0}", true},
		{"{\"a\":00}", false},
		{"{\"a\":-01}", false},
		{"{\"a\":012}", false},
		{"{\"a\":+1}", false},
		{"{\"a\":+0}", false},
		{"{\"a\":-}", false},
		{"{\"a\":.}", false},
		{"{\"a\":.5}", false},
		{"{\"a\":-.5}", false},
		{"{\"a\":1.}", false},
		{"{\"a\":1.e5}", false},
		{"{\"a\":1.5.2}", false},
		{"{\"a\":1e}", false},
		{"{\"a\":1e+}", false},
		{"{\"a\":1E-}", false},
		{"{\"a\":1ee2}", false},
		{"{\"a\":0x10}", false},
		{"{\"a\":Infinity}", false},
		{"{\"a\":-Infinity}", false},
		{"{\"a\":NaN}", false},
		{"{\"a\":1e308}", true},
		{"{\"a\":1.7976931348623157e308}", true},
		{"{\"a\":1e309}", false},
		{"{\"a\":-1e400}", false},
		{"{\"a\":1e99999999999999999999}", false},
		{"{\"a\":1e-400}", true},
		{"{\"a\":0e0}", true},
		{"{\"a\":-0.0E+00}", true},
		{"{\"a\":123456789012345678901234567890.5}", true},
		{"{\"a\":12345678901234567890123456789e-10}", true},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		if (jansson_object(cases[i].text) != cases[i].ok)
			fail_msg("jansson %s '%s'", cases[i].ok ? "refused" : "accepted",
				 cases[i].text);
		if ((walk(cases[i].text) == 0) != cases[i].ok)
			fail_msg("jscan %s '%s'", cases[i].ok ? "refused" : "accepted",
				 cases[i].text);
	}
}

static void test_numbers(void **state)
{
	struct {
		const char *text;
		int rc;
		int64_t v;
	} cases[] = {
		{"{\"n\":0}", 0, 0},
		{"{\"n\":1795405094351140569}", 0, 1795405094351140569LL},
		{"{\"n\":9223372036854775807}", 0, INT64_MAX},
		{"{\"n\":-9223372036854775808}", 0, INT64_MIN},
		{"{\"n\":1.5}", -EBADMSG, 0},
		{"{\"n\":1e3}", -EBADMSG, 0},
		{"{\"n\":\"1\"}", -EBADMSG, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct pm_jscan s;
		struct pm_jscan_val k, v;
		assert_int_equal(pm_jscan_object(&s, cases[i].text, strlen(cases[i].text)), 0);
		assert_int_equal(pm_jscan_member(&s, &k, &v), 1);
		int64_t n = 0;
		assert_int_equal(pm_jscan_int(&v, &n), cases[i].rc);
		if (cases[i].rc == 0)
			assert_int_equal(n, cases[i].v);
	}
	/* beyond int64 the member itself is refused, as jansson refuses the text */
	const char *big = "{\"n\":9223372036854775808}";
	struct pm_jscan s;
	struct pm_jscan_val k, v;
	assert_int_equal(pm_jscan_object(&s, big, strlen(big)), 0);
	assert_int_equal(pm_jscan_member(&s, &k, &v), -EBADMSG);
	/* pm_jscan_int on such a span (never handed out) still refuses it */
	struct pm_jscan_val raw = {.type = PM_JSCAN_NUMBER, .p = big + 5, .len = 19};
	int64_t n = 0;
	assert_int_equal(pm_jscan_int(&raw, &n), -EBADMSG);
}

static void test_escaped_key_never_matches(void **state)
{
	const char *text = "{\"I\\u0064\":\"x\"}";
	struct pm_jscan s;
	struct pm_jscan_val k, v;
	assert_int_equal(pm_jscan_object(&s, text, strlen(text)), 0);
	assert_int_equal(pm_jscan_member(&s, &k, &v), 1);
	assert_true(k.escaped);
	assert_false(pm_jscan_key_is(&k, "Id"));
}

static void test_depth_limit(void **state)
{
	/* deeper than jscan walks: refused (the callers then ask jansson) */
	char text[400] = "{\"a\":";
	for (int i = 0; i < 100; i++)
		strcat(text, "[");
	for (int i = 0; i < 100; i++)
		strcat(text, "]");
	strcat(text, "}");
	assert_int_equal(walk(text), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_members),
		cmocka_unit_test(test_strings_as_jansson),
		cmocka_unit_test(test_rejects_what_jansson_rejects),
		cmocka_unit_test(test_number_edges_as_jansson),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_escaped_key_never_matches),
		cmocka_unit_test(test_depth_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
