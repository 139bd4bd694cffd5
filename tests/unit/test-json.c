/* test-json.c: unit tests for lib/json: capped loading with path/line/column errors, atomic
 * writes, typed getters, strv conversion, podman-style printing; lib/jwrite against
 * json_dumps byte for byte. */
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
#include "lib/jwrite.h"
#include "lib/strutil.h"

static int setup(void **state)
{
	char tmpl[] = "/tmp/pm-test-json-XXXXXX";
	if (!mkdtemp(tmpl))
		return -1;
	*state = pm_xstrdup(tmpl);
	return 0;
}

static int teardown(void **state)
{
	int r = pm_rm_rf(*state, NULL);
	free(*state);
	return r;
}

static char *put(void **state, const char *name, const char *content)
{
	char *p = pm_path_join(*state, name);
	assert_int_equal(pm_write_file_atomic(p, content, strlen(content), 0600, NULL), 0);
	return p;
}

static void test_load(void **state)
{
	_cleanup_free_ char *p = put(state, "a.json", "{\"Name\": \"web\", \"Pid\": 42}\n");
	_cleanup_json_ json_t *j = NULL;
	assert_int_equal(pm_json_load_file(p, 1024, &j, NULL), 0);
	assert_string_equal(pm_json_string(j, "Name"), "web");
	assert_int_equal(pm_json_int(j, "Pid", -1), 42);
}

static void test_load_errors(void **state)
{
	_cleanup_free_ char *missing = pm_path_join(*state, "missing.json");
	json_t *j = NULL;
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_json_load_file(missing, 1024, &j, &err), -ENOENT);
	assert_null(j);
	_cleanup_free_ char *w1 = pm_xasprintf("reading '%s': No such file or directory", missing);
	assert_string_equal(err->msg, w1);

	_cleanup_free_ char *bad = put(state, "bad.json", "{\n  \"a\": 1,\n  \"b\": ]\n}\n");
	_cleanup_error_ pm_error *err2 = NULL;
	assert_int_equal(pm_json_load_file(bad, 1024, &j, &err2), -EBADMSG);
	assert_null(j);
	_cleanup_free_ char *w2 = pm_xasprintf("parsing '%s': line 3 column ", bad);
	assert_true(pm_str_startswith(err2->msg, w2));

	_cleanup_free_ char *empty = put(state, "empty.json", "");
	_cleanup_error_ pm_error *err3 = NULL;
	assert_int_equal(pm_json_load_file(empty, 1024, &j, &err3), -EBADMSG);
	assert_non_null(strstr(err3->msg, "parsing '"));

	_cleanup_free_ char *big = put(state, "big.json", "[1,2,3,4,5,6,7,8,9]");
	_cleanup_error_ pm_error *err4 = NULL;
	assert_int_equal(pm_json_load_file(big, 10, &j, &err4), -EFBIG);
	assert_non_null(strstr(err4->msg, big));

	_cleanup_free_ char *trailing = put(state, "t.json", "{} {}");
	assert_int_equal(pm_json_load_file(trailing, 1024, &j, NULL), -EBADMSG);
}

static void test_write_atomic(void **state)
{
	_cleanup_free_ char *p = pm_path_join(*state, "out.json");
	_cleanup_json_ json_t *j = json_pack("{s:s, s:i, s:b, s:[s,s]}", "Id", "abc", "Pid", 7,
					     "Running", 1, "Args", "sh", "-c");
	assert_non_null(j);
	assert_int_equal(pm_json_write_file_atomic(p, j, 0640, NULL), 0);
	_cleanup_free_ char *data = NULL;
	assert_int_equal(pm_read_file(p, 4096, &data, NULL, NULL), 0);
	assert_string_equal(
		data, "{\"Id\":\"abc\",\"Pid\":7,\"Running\":true,\"Args\":[\"sh\",\"-c\"]}\n");
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	_cleanup_json_ json_t *back = NULL;
	assert_int_equal(pm_json_load_file(p, 4096, &back, NULL), 0);
	assert_true(json_equal(j, back));

	_cleanup_free_ char *bad = pm_path_join(*state, "nodir/out.json");
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_json_write_file_atomic(bad, j, 0600, &err), -ENOENT);
	assert_non_null(strstr(err->msg, "writing '"));
}

static void test_getters(void **state)
{
	_cleanup_json_ json_t *j = json_pack("{s:s, s:I, s:b, s:f, s:n}", "s", "str", "i",
					     (json_int_t)1 << 40, "b", 0, "f", 1.5, "n");
	assert_string_equal(pm_json_string(j, "s"), "str");
	assert_null(pm_json_string(j, "i"));
	assert_null(pm_json_string(j, "missing"));
	assert_null(pm_json_string(NULL, "s"));
	assert_true(pm_json_int(j, "i", 0) == (1LL << 40));
	assert_int_equal(pm_json_int(j, "s", -1), -1);
	assert_int_equal(pm_json_int(j, "f", -2), -2); /* reals are not ints */
	assert_int_equal(pm_json_int(NULL, "i", -3), -3);
	assert_false(pm_json_bool(j, "b", true));
	assert_true(pm_json_bool(j, "n", true));
	assert_true(pm_json_bool(j, "missing", true));
	_cleanup_json_ json_t *arr = json_array();
	assert_null(pm_json_string(arr, "s")); /* not an object */
	assert_int_equal(pm_json_int(arr, "s", 5), 5);
	assert_false(pm_json_bool(arr, "s", false));
}

static void test_strv(void **state)
{
	char *v[] = {"a", "b c", "", NULL};
	_cleanup_json_ json_t *a = pm_json_from_strv(v);
	assert_int_equal(json_array_size(a), 3);
	_cleanup_strv_ char **back = pm_json_to_strv(a);
	assert_int_equal(pm_strv_length(back), 3);
	assert_string_equal(back[1], "b c");
	assert_string_equal(back[2], "");

	_cleanup_json_ json_t *e = pm_json_from_strv(NULL);
	assert_true(json_is_array(e));
	assert_int_equal(json_array_size(e), 0);

	/* non-UTF-8 is kept, with the bad bytes replaced */
	char bad[] = {'x', (char)0xff, 'y', 0};
	char *bv[] = {bad, NULL};
	_cleanup_json_ json_t *b = pm_json_from_strv(bv);
	assert_string_equal(json_string_value(json_array_get(b, 0)), "x?y");

	_cleanup_json_ json_t *mixed = json_pack("[s,i,s]", "x", 1, "y");
	_cleanup_strv_ char **m = pm_json_to_strv(mixed);
	assert_int_equal(pm_strv_length(m), 2); /* non-strings skipped */
	_cleanup_strv_ char **n = pm_json_to_strv(NULL);
	assert_non_null(n);
	assert_int_equal(pm_strv_length(n), 0);
	_cleanup_json_ json_t *obj = json_object();
	_cleanup_strv_ char **o = pm_json_to_strv(obj);
	assert_int_equal(pm_strv_length(o), 0);
}

static void test_object_from_kv(void **state)
{
	char *kv[] = {"zeta=1", "alpha=a=b", "bare", "mid=", "alpha=last", NULL};
	_cleanup_json_ json_t *o = pm_json_object_from_kv(kv, true);
	_cleanup_free_ char *text = json_dumps(o, JSON_COMPACT);
	/* sorted keys as Go prints a map; a value keeps its '='; a repeated key: the last */
	assert_string_equal(text, "{\"alpha\":\"last\",\"bare\":\"\",\"mid\":\"\",\"zeta\":\"1\"}");

	_cleanup_json_ json_t *n = pm_json_object_from_kv(NULL, true);
	assert_true(json_is_null(n));
	char *none[] = {NULL};
	_cleanup_json_ json_t *e = pm_json_object_from_kv(none, false);
	assert_true(json_is_object(e));
	assert_int_equal(json_object_size(e), 0);

	char bad[] = {'k', '=', 'x', (char)0xff, 0};
	char *bv[] = {bad, NULL};
	_cleanup_json_ json_t *b = pm_json_object_from_kv(bv, false);
	assert_string_equal(pm_json_string(b, "k"), "x?");
}

static char *print_to_string(const json_t *j, int *ret)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	*ret = pm_json_print(f, j);
	fclose(f);
	return buf;
}

static void test_print(void **state)
{
	int r;
	_cleanup_json_ json_t *j = json_pack("{s:s, s:[i,i], s:{}, s:[]}", "Zeta", "z", "Alpha", 1,
					     2, "Empty", "List");
	_cleanup_free_ char *s = print_to_string(j, &r);
	assert_int_equal(r, 0);
	assert_string_equal(s, "{\n"
			       "    \"Zeta\": \"z\",\n"
			       "    \"Alpha\": [\n"
			       "        1,\n"
			       "        2\n"
			       "    ],\n"
			       "    \"Empty\": {},\n"
			       "    \"List\": []\n"
			       "}\n");

	_cleanup_json_ json_t *empty = json_array();
	_cleanup_free_ char *e = print_to_string(empty, &r);
	assert_string_equal(e, "[]\n");

	/* scalars ({{json .Field}}) */
	_cleanup_json_ json_t *str = json_string("a/b");
	_cleanup_free_ char *ss = print_to_string(str, &r);
	assert_int_equal(r, 0);
	assert_string_equal(ss, "\"a/b\"\n");
}

static void test_print_error(void **state)
{
	FILE *f = fopen("/dev/full", "we");
	if (!f)
		skip();
	setvbuf(f, NULL, _IONBF, 0);
	_cleanup_json_ json_t *j = json_pack("{s:s}", "a", "b");
	assert_int_equal(pm_json_print(f, j), -EIO);
	fclose(f);
}

/* the same document through the writer and through jansson, compact and indented */
static void jw_doc(struct pm_jw *w, char *const *kv)
{
	static char *const strv[] = {"sh", "-c", "echo \"hi\"\\ \t\x01\x7f/é€😀", NULL};
	pm_jw_begin_array(w);
	pm_jw_begin_object(w);
	pm_jw_key(w, "b");
	pm_jw_bool(w, true);
	pm_jw_key(w, "f");
	pm_jw_bool(w, false);
	pm_jw_key(w, "n");
	pm_jw_null(w);
	pm_jw_key(w, "i");
	pm_jw_int(w, -9223372036854775807LL - 1);
	pm_jw_key(w, "z");
	pm_jw_int(w, 0);
	pm_jw_key(w, "s");
	pm_jw_strv(w, strv);
	pm_jw_key(w, "bad");
	pm_jw_string(w, "a\xc3(\xed\xa0\x80z");
	pm_jw_key(w, "e");
	pm_jw_begin_array(w);
	pm_jw_end_array(w);
	pm_jw_key(w, "o");
	pm_jw_begin_object(w);
	pm_jw_end_object(w);
	pm_jw_key(w, "kv");
	pm_jw_kv_object(w, kv, true);
	pm_jw_end_object(w);
	pm_jw_string(w, NULL);
	pm_jw_int(w, 1796578638);
	pm_jw_end_array(w);
}

static json_t *jansson_doc(char *const *kv)
{
	static char *const strv[] = {"sh", "-c", "echo \"hi\"\\ \t\x01\x7f/é€😀", NULL};
	json_t *o = json_object();
	json_object_set_new(o, "b", json_true());
	json_object_set_new(o, "f", json_false());
	json_object_set_new(o, "n", json_null());
	json_object_set_new(o, "i", json_integer(-9223372036854775807LL - 1));
	json_object_set_new(o, "z", json_integer(0));
	json_object_set_new(o, "s", pm_json_from_strv(strv));
	json_object_set_new(o, "bad", json_string("a?(???z"));
	json_object_set_new(o, "e", json_array());
	json_object_set_new(o, "o", json_object());
	json_object_set_new(o, "kv", pm_json_object_from_kv(kv, true));
	return json_pack("[o, s, I]", o, "", (json_int_t)1796578638);
}

static void test_jwrite(void **state)
{
	(void)state;
	static char *const kvs[][5] = {
		{NULL},
		{"k=v", NULL},
		{"zeta=1", "a.b=2", "a=x=y", "bare", NULL},
		{"k=first", "j=", "k=last", NULL},
	};
	for (size_t i = 0; i < sizeof(kvs) / sizeof(kvs[0]); i++) {
		for (unsigned indent = 0; indent <= 4; indent += 2) {
			struct pm_jw w;
			pm_jw_init(&w, indent);
			jw_doc(&w, kvs[i]);
			_cleanup_free_ char *got = pm_jw_take(&w);
			_cleanup_json_ json_t *j = jansson_doc(kvs[i]);
			_cleanup_free_ char *want =
				json_dumps(j, (indent ? JSON_INDENT(indent) : JSON_COMPACT) |
						      JSON_PRESERVE_ORDER);
			assert_string_equal(got, want);
		}
	}
	struct pm_jw w;
	pm_jw_init(&w, 2);
	_cleanup_free_ char *empty = pm_jw_take(&w);
	assert_string_equal(empty, "");
	pm_jw_begin_array(&w);
	pm_jw_end_array(&w);
	_cleanup_free_ char *arr = pm_jw_take(&w);
	assert_string_equal(arr, "[]");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_atomic, setup, teardown),
		cmocka_unit_test(test_getters),
		cmocka_unit_test(test_strv),
		cmocka_unit_test(test_object_from_kv),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_print_error),
		cmocka_unit_test(test_jwrite),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
