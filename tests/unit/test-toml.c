/* test-toml.c: unit tests for lib/toml: the TOML subset of the containers config files into
 * a jansson tree, and the errors naming the file and line of each bad input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/error.h"
#include "lib/json.h"
#include "lib/toml.h"

static json_t *parse_ok(const char *text)
{
	json_t *j = NULL;
	_cleanup_error_ pm_error *err = NULL;
	int r = pm_toml_parse(text, strlen(text), "t.conf", &j, &err);
	if (r < 0)
		fail_msg("parse failed: %s", err ? err->msg : "?");
	assert_non_null(j);
	return j;
}

/* The text fails with exactly this message. */
static void parse_fails(const char *text, const char *msg)
{
	json_t *j = NULL;
	_cleanup_error_ pm_error *err = NULL;
	int r = pm_toml_parse(text, strlen(text), "t.conf", &j, &err);
	if (r >= 0)
		fail_msg("'%s' parsed", text);
	assert_int_equal(r, -EINVAL);
	assert_null(j);
	assert_non_null(err);
	if (strcmp(err->msg, msg) != 0)
		fail_msg("'%s': got '%s', want '%s'", text, err->msg, msg);
}

static void assert_json(const json_t *j, const char *want)
{
	_cleanup_json_ json_t *w = json_loads(want, 0, NULL);
	assert_non_null(w);
	if (!json_equal(j, w)) {
		_cleanup_free_ char *got = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
		fail_msg("got %s, want %s", got, want);
	}
}

static void test_values(void **state)
{
	_cleanup_json_ json_t *j = parse_ok("# comment\n"
					    "a = \"x\\ty\\u00e9\\\"\" # trailing comment\n"
					    "b='C:\\path'\n"
					    "c = true\n"
					    "d = false\n"
					    "e = 42\n"
					    "f = -1_000\n"
					    "g = 0x1F\n"
					    "h = 0o17\n"
					    "i = 0b101\n"
					    "j = +7\n"
					    "k = 1.5\n"
					    "\"quoted key\" = 1\n"
					    "'lit key' = 2\n"
					    "dotted.key.x = 3\n"
					    "m = \"\"\"\nline1\nline2\\\n   joined\"\"\"\n"
					    "n = '''\nraw \\n ''quoted'''\n"
					    "o = \"\"\n");
	assert_json(j, "{\"a\":\"x\\ty\\u00e9\\\"\",\"b\":\"C:\\\\path\",\"c\":true,\"d\":false,"
		       "\"e\":42,\"f\":-1000,\"g\":31,\"h\":15,\"i\":5,\"j\":7,\"k\":1.5,"
		       "\"quoted key\":1,\"lit key\":2,\"dotted\":{\"key\":{\"x\":3}},"
		       "\"m\":\"line1\\nline2joined\",\"n\":\"raw \\\\n ''quoted\",\"o\":\"\"}");
}

static void test_arrays(void **state)
{
	_cleanup_json_ json_t *j = parse_ok("a = []\n"
					    "b = [ \"x\", 'y', ]\n"
					    "c = [\n"
					    "  # a comment\n"
					    "  \"one\", # after\n"
					    "\n"
					    "  \"two\",\n"
					    "]\n"
					    "d = [[1, 2], [\"a\"]]\n"
					    "e = { x = 1, y.z = \"s\" }\n"
					    "f = [{a = 1}, {}]\n");
	assert_json(j, "{\"a\":[],\"b\":[\"x\",\"y\"],\"c\":[\"one\",\"two\"],"
		       "\"d\":[[1,2],[\"a\"]],\"e\":{\"x\":1,\"y\":{\"z\":\"s\"}},"
		       "\"f\":[{\"a\":1},{}]}");
}

static void test_tables(void **state)
{
	_cleanup_json_ json_t *j =
		parse_ok("top = 1\n"
			 "[engine]\n"
			 "cgroup_manager = \"cgroupfs\"\n"
			 "[engine.runtimes]\n"
			 "crun = [\"/usr/bin/crun\"]\n"
			 "[[registry]]\n"
			 "location = \"a\"\n"
			 "[[registry.mirror]]\n"
			 "location = \"m1\"\n"
			 "[[registry.mirror]]\n"
			 "location = \"m2\"\n"
			 "  [[registry]]  # second\n"
			 "location = \"b\"\n"
			 "[ \"aliases\" ]\n"
			 "\"fedora\" = \"registry.fedoraproject.org/fedora\"\n"
			 "\"opensuse/leap\" = \"registry.opensuse.org/opensuse/leap\"\n"
			 "[a.b.c]\n"
			 "[a]\n"
			 "x = 1\n");
	assert_json(j, "{\"top\":1,\"engine\":{\"cgroup_manager\":\"cgroupfs\","
		       "\"runtimes\":{\"crun\":[\"/usr/bin/crun\"]}},"
		       "\"registry\":[{\"location\":\"a\",\"mirror\":[{\"location\":\"m1\"},"
		       "{\"location\":\"m2\"}]},{\"location\":\"b\"}],"
		       "\"aliases\":{\"fedora\":\"registry.fedoraproject.org/fedora\","
		       "\"opensuse/leap\":\"registry.opensuse.org/opensuse/leap\"},"
		       "\"a\":{\"b\":{\"c\":{}},\"x\":1}}");
}

static void test_crlf_and_empty(void **state)
{
	_cleanup_json_ json_t *j = parse_ok("a = 1\r\n[t]\r\nb = [\r\n \"x\",\r\n]\r\n");
	assert_json(j, "{\"a\":1,\"t\":{\"b\":[\"x\"]}}");
	_cleanup_json_ json_t *e = parse_ok("");
	assert_json(e, "{}");
	_cleanup_json_ json_t *c = parse_ok("# only\n\n   # comments");
	assert_json(c, "{}");
}

static void test_errors(void **state)
{
	parse_fails("a = 1\nb\n", "t.conf:2: '=' expected after key 'b'");
	parse_fails("a = 1\na = 2\n", "t.conf:2: key 'a' defined twice");
	parse_fails("x = \"abc\n", "t.conf:1: newline in a string (a missing closing quote?)");
	parse_fails("\n\nx = \"abc", "t.conf:3: unterminated string");
	parse_fails("x = \"\\q\"", "t.conf:1: invalid escape '\\q' in a string");
	parse_fails("x = \"\\u12\"", "t.conf:1: invalid escape '\\u': 4 hex digits expected");
	parse_fails("x = \"\\u0000\"",
		    "t.conf:1: escape '\\u' names no allowed character (U+0000)");
	parse_fails("x = [1, 2\n", "t.conf:2: unterminated array (a missing ']')");
	parse_fails("x = [1 2]\n", "t.conf:1: ',' or ']' expected in an array");
	parse_fails("x = 1 2\n",
		    "t.conf:1: unexpected '2' after the value (one key = value per line)");
	parse_fails("x =\n", "t.conf:1: a value expected");
	parse_fails("x = nope\n", "t.conf:1: 'nope' is not a number");
	parse_fails("x = 012\n", "t.conf:1: '012' is not a number (leading zeros are not allowed)");
	parse_fails("x = 1__0\n", "t.conf:1: '1__0': an underscore must stand between digits");
	parse_fails("x = 99999999999999999999\n",
		    "t.conf:1: '99999999999999999999' is out of range");
	parse_fails("x = 1979-05-27\n",
		    "t.conf:1: '1979-05-27': dates and times are not supported");
	parse_fails("x = 07:32:00\n", "t.conf:1: '07:32:00': dates and times are not supported");
	parse_fails("x = inf\n", "t.conf:1: 'inf' is not a number");
	parse_fails("[a\n", "t.conf:1: ']' expected to close the table header");
	parse_fails("[[a]\n", "t.conf:1: ']]' expected to close the table header");
	parse_fails("[a]\n[a]\n", "t.conf:2: table [a] defined twice");
	parse_fails("a = 1\n[a]\n", "t.conf:2: [a]: 'a' is already defined as a value");
	parse_fails("a = [1]\n[[a]]\n",
		    "t.conf:2: [[a]]: 'a' is already defined, not as an array of tables");
	parse_fails("[a]\n[[a]]\n", "t.conf:2: [[a]]: 'a' is already defined, not as an array of "
				    "tables");
	parse_fails("a = 1\na.b = 2\n", "t.conf:2: key 'a.b': 'a' is already defined as a value");
	parse_fails("x = { a = 1\n", "t.conf:1: ',' or '}' expected in an inline table (on one "
				     "line)");
	parse_fails("= 1\n", "t.conf:1: a key expected, found '='");
	parse_fails("x = \"a\x01\"\n", "t.conf:1: control character 0x01 in a string");
	parse_fails("x = \"\xff\"\n", "t.conf:1: a string that is not valid UTF-8");
	parse_fails("a = 1\n\nb = \"\"\"x\n\ny", "t.conf:5: unterminated string");
	/* a line-ending backslash at the end of the text (found by fuzz-toml) */
	parse_fails("m = \"\"\"\nx\\\n\n", "t.conf:4: unterminated string");
}

static void test_nul_and_depth(void **state)
{
	json_t *j = NULL;
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_toml_parse("a = 1\nb = 2\0", 12, "n.conf", &j, &err), -EINVAL);
	assert_string_equal(err->msg, "n.conf:2: a NUL byte in the text");
	char deep[200];
	strcpy(deep, "x = ");
	for (int i = 0; i < 100; i++)
		strcat(deep, "[");
	parse_fails(deep, "t.conf:1: arrays or tables nested deeper than 64");
}

static void test_load_file(void **state)
{
	char dir[] = "/tmp/pm-test-toml-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256];
	snprintf(path, sizeof(path), "%s/x.conf", dir);
	json_t *j = NULL;
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_toml_load_file(path, &j, &err), -ENOENT);
	assert_non_null(err);
	FILE *f = fopen(path, "we");
	assert_non_null(f);
	fputs("[t]\nk = 'v'\n\n[u]\nbad\n", f);
	fclose(f);
	pm_error_free(err);
	err = NULL;
	assert_int_equal(pm_toml_load_file(path, &j, &err), -EINVAL);
	char want[300];
	snprintf(want, sizeof(want), "%s:5: '=' expected after key 'bad'", path);
	assert_string_equal(err->msg, want);
	unlink(path);
	rmdir(dir);
}

/* Debian's own files parse, and the aliases come out. */
static void test_system_files(void **state)
{
	const char *p = "/etc/containers/registries.conf.d/shortnames.conf";
	if (access(p, R_OK) != 0)
		skip();
	_cleanup_json_ json_t *j = NULL;
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_toml_load_file(p, &j, &err), 0);
	json_t *a = json_object_get(j, "aliases");
	assert_true(json_object_size(a) > 50);
	assert_string_equal(json_string_value(json_object_get(a, "alpine")),
			    "docker.io/library/alpine");
	_cleanup_json_ json_t *r = NULL;
	if (access("/etc/containers/registries.conf", R_OK) == 0)
		assert_int_equal(pm_toml_load_file("/etc/containers/registries.conf", &r, &err), 0);
	_cleanup_json_ json_t *c = NULL;
	if (access("/usr/share/containers/containers.conf", R_OK) == 0)
		assert_int_equal(
			pm_toml_load_file("/usr/share/containers/containers.conf", &c, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),	  cmocka_unit_test(test_arrays),
		cmocka_unit_test(test_tables),	  cmocka_unit_test(test_crlf_and_empty),
		cmocka_unit_test(test_errors),	  cmocka_unit_test(test_nul_and_depth),
		cmocka_unit_test(test_load_file), cmocka_unit_test(test_system_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
