/* test-template.c: unit tests for lib/template (lib/template-*.c) and lib/gofmt.c
 * (--format templates). Expected strings were checked against podman 4.3 (`podman images
 * --format ...`). Also replays every file of tests/fuzz/corpus-template/ through the fuzz
 * target. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/strutil.h"
#include "lib/template.h"

#include "../fuzz/fuzz-template.c"

static const char doc[] =
	"{\"ID\":\"2f66832c2691\",\"Tag\":\"latest\",\"Names\":[\"a\",\"b\",\"c\"],"
	"\"Labels\":{\"z\":\"1\",\"a\":\"2\"},\"Empty\":{},\"List\":[],\"Size\":1987655,"
	"\"R\":1.5,\"T\":true,\"F\":false,\"N\":null,\"Zero\":0,\"Blank\":\"\","
	"\"Host\":{\"arch\":\"amd64\",\"Kernel\":\"6.1\"},\"Id\":\"lower-id\","
	"\"Mounts\":[{\"Source\":\"/a\",\"RW\":true},{\"Source\":\"/b\",\"RW\":false}]}";

static json_t *load_doc(void)
{
	json_t *j = json_loads(doc, 0, NULL);
	assert_non_null(j);
	return j;
}

/* Render fmt against the test document; returns the output or "ERR <message>". */
static char *render(const char *fmt, bool *ret_table)
{
	json_t *d = load_doc();
	pm_template *t = NULL;
	pm_error *err = NULL;
	char *out = NULL;
	bool table = false;
	int r = pm_template_parse(fmt, &t, &table, &err);
	if (r == 0)
		r = pm_template_render(t, d, &out, &err);
	if (r < 0) {
		assert_int_equal(r, -EINVAL);
		assert_non_null(err);
		assert_non_null(err->msg);
		assert_int_equal(err->code, EINVAL);
		assert_null(strchr(err->msg, '\n'));
		if (asprintf(&out, "ERR %s", err->msg) < 0)
			fail();
	}
	if (ret_table)
		*ret_table = table;
	pm_error_free(err);
	pm_template_free(t);
	json_decref(d);
	return out;
}

struct tcase {
	const char *fmt, *want;
};

static void run_cases(const struct tcase *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *out = render(c[i].fmt, NULL);
		if (strcmp(out, c[i].want) != 0)
			fail_msg("format '%s'\n  want '%s'\n  got  '%s'", c[i].fmt, c[i].want, out);
		free(out);
	}
}

static void test_fields(void **state)
{
	static const struct tcase c[] = {
		{"{{.ID}}", "2f66832c2691"},
		{"x{{.Tag}}y", "xlatesty"},
		{"{{.Host.arch}} {{.Host.Arch}} {{.host.kernel}}", "amd64 amd64 6.1"},
		/* exact match first, then the first case-insensitive match in document order */
		{"{{.Id}} {{.id}} {{.iD}}", "lower-id 2f66832c2691 2f66832c2691"},
		{"{{.Size}} {{.R}} {{.T}} {{.F}} {{.Zero}}", "1987655 1.5 true false 0"},
		{"{{.N}}", "<no value>"},
		{"{{.Names}}", "[a b c]"},
		{"{{.Labels}} {{.Empty}} {{.List}}", "map[a:2 z:1] map[] []"},
		/* objects with Go's exported names are structs ("{v1 v2}", in order); Labels
		 * and the like are maps, and so is an object with another key (Host's "arch") */
		{"{{.Mounts}}", "[{/a true} {/b false}]"},
		{"{{$}}", "{2f66832c2691 latest [a b c] map[a:2 z:1] map[] [] 1987655 1.5 true "
			  "false <nil> 0  "
			  "map[Kernel:6.1 arch:amd64] lower-id [{/a true} {/b false}]}"},
		{"{{printf \"%v\" .Mounts}}", "[{/a true} {/b false}]"},
		{"{{(index .Mounts 1).Source}}", "/b"},
		{"{{1.5}} {{1e6}} {{123456.0}} {{1e-5}} {{0.0001}} {{1e21}} {{3}} {{0x10}} {{'a'}}",
		 "1.5 1e+06 123456 1e-05 0.0001 1e+21 3 16 97"},
		{"{{0o17}} {{017}} {{0b101}} {{1_000}} {{-5}} {{+5}} {{.5}} {{1e3}} {{'\\n'}}",
		 "15 15 5 1000 -5 5 0.5 1000 10"},
		{"{{\"\\a\\x41\\u00e9\\101\"}}|{{`raw\\n {{x}}`}}", "\aAéA|raw\\n {{x}}"},
		{"", ""},
		{"plain text }} {", "plain text }} {"},
	};
	run_cases(c, ARRAY_SIZE(c));
}

static void test_escapes_and_trim(void **state)
{
	static const struct tcase c[] = {
		{"{{.ID}}\\t{{.Tag}}\\n{{.Size}}", "2f66832c2691\tlatest\n1987655"},
		{"a\\\\nb", "a\\\nb"},
		{"{{\"a\\\\tb\"}}", "a\\tb"},
		{"{{- \" a \" -}} b {{- \"c\" }}  {{/* comment */}} d {{- /* c2 */ -}} e",
		 " a bc   de"},
		{"x {{- \"\\n\" -}} y", "x\ny"},
		{"a  \\n  {{- .Tag}}", "alatest"},
		{"{{.Tag -}}  \\t\\n  x", "latestx"},
		{"{{-3}}", "-3"},
		{"{{/* only */}}", ""},
	};
	run_cases(c, ARRAY_SIZE(c));
}

static void test_functions(void **state)
{
	static const struct tcase c[] = {
		{"{{json .Names}}|{{json .Labels}}|{{json 1.5}}|{{json 1e21}}|{{json 0.0000001}}",
		 "[\"a\",\"b\",\"c\"]|{\"z\":\"1\",\"a\":\"2\"}|1.5|1e+21|1e-7"},
		{"{{json \"<a&b>\\u2028\\x01\\b\"}}", "\"<a&b>\\u2028\\u0001\\u0008\""},
		{"{{json .N}} {{json .Host}} {{json 1.0}} {{json .T}}",
		 "null {\"arch\":\"amd64\",\"Kernel\":\"6.1\"} 1 true"},
		{"{{index .Names 1}}|{{index .Labels \"a\"}}|{{index .Labels \"x\"}}|{{index "
		 "\"abc\" 1}}",
		 "b|2||98"},
		{"{{index .Mounts 0 \"Source\"}}", "/a"},
		{"{{upper .Tag}} {{lower \"ABC\"}} {{.Tag | upper}} {{\"abc\" | upper | lower}}",
		 "LATEST abc LATEST abc"},
		{"{{upper \"h\u00e9llo\"}}", "H\u00c9LLO"},
		{"{{join .Names \",\"}}|{{\"-\" | join .Names}}|{{join .List \",\"}}",
		 "a,b,c|a-b-c|"},
		{"{{title \"hello wOrld\"}}|{{title \"hello-world foo_bar x1y\"}}",
		 "Hello WOrld|Hello-World Foo_bar X1y"},
		{"{{truncate .ID 5}}|{{truncate \"ab\" 3}}|{{pad .Tag 2 3}}|{{pad \"\" 1 1}}",
		 "2f668|ab|  latest   |"},
		{"{{split \"a,b\" \",\"}}|{{len (split \"\" \",\")}}|{{split \"abc\" \"\"}}",
		 "[a b]|1|[a b c]"},
		{"{{len .Names}} {{len .ID}} {{len .Labels}} {{len \"h\u00e9\"}}", "3 12 2 3"},
		{"{{slice \"abcdef\" 1 3}}|{{slice .Names 1}}|{{len (slice .Names 0 2)}}",
		 "bc|[b c]|2"},
		{"{{html \"<a href='x'>&</a>\"}}", "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;"},
		{"{{print 1 2 \"a\" \"b\" 3}}|{{print nil 1 nil}}|{{println \"x\" 1}}",
		 "1 2ab3|<nil> 1 <nil>|x 1\n"},
		{"{{and .ID .Tag}} {{and 1 0 2}} {{or 0 \"\" 3}} {{or 0 \"\"}} {{not \"\"}} {{not "
		 ".T}}",
		 "latest 0 3  true false"},
		{"{{eq .Tag \"latest\"}} {{eq 1 2 1}} {{ne 1 2}} {{lt 1 2}} {{le \"a\" \"b\"}} "
		 "{{gt 2.5 1.0}} {{ge 3 3}} {{eq .T true}}",
		 "true true true true true true true true"},
		{"{{.ID | printf \"%s-%s\" \"p\"}}", "p-2f66832c2691"},
	};
	run_cases(c, ARRAY_SIZE(c));
}

static void test_printf(void **state)
{
	static const struct tcase c[] = {
		{"{{printf \"%5s|%-5s|%05d|%x|%X|%o|%q|%v|%t|%c|%%|%e|%f|%.2f|%g\" \"ab\" \"cd\" "
		 "42 "
		 "255 255 8 \"a\\\"b\" 1.5 true 65 1.5 1.5 3.14159 2.5}}",
		 "   ab|cd   "
		 "|00042|ff|FF|10|\"a\\\"b\"|1.5|true|A|%|1.500000e+00|1.500000|3.14|2.5"},
		{"{{printf \"%d\" \"str\"}}|{{printf \"%s\" 5}}|{{printf \"%s\"}}|{{printf \"%s\" "
		 "\"a\" "
		 "\"b\"}}",
		 "%!d(string=str)|%!s(int=5)|%!s(MISSING)|a%!(EXTRA string=b)"},
		{"{{printf \"%z %!\" 1}}|{{printf \"%\"}}|{{printf \"%d %d\" 1}}",
		 "%!z(int=1) %!!(MISSING)|%!(NOVERB)|1 %!d(MISSING)"},
		{"{{printf \"%v|%q|%5v|\" .Names .Names .Names}}",
		 "[a b c]|[\"a\" \"b\" \"c\"]|[    a     b     c]|"},
		{"{{printf \"%-3d|%+d|% d|%#x|%#o|%08.3f|%x|%X|% x|%U|%q|%c\" 5 5 5 255 8 3.14159 "
		 "\"hi\" \"hi\" \"hi\" 233 233 233}}",
		 "5  |+5| 5|0xff|010|0003.142|6869|6869|68 69|U+00E9|'\u00e9'|\u00e9"},
		{"{{printf \"%6.2f|%-8.3e|%g|%G|%v\" 3.14159 1234.5 1e-7 1e21 100000000.0}}",
		 "  3.14|1.234e+03|1e-07|1E+21|1e+08"},
		{"{{printf \"%05s|%.2s|%-05d|%x|%o|%b|%O\" \"ab\" \"h\u00e9llo\" 42 -255 -8 5 8}}",
		 "000ab|h\u00e9|42   |-ff|-10|101|0o10"},
		{"{{printf \"%v %v %v %v %v\" 0.1 100.0 1e100 -0.0 123456789.0}}",
		 "0.1 100 1e+100 -0 1.23456789e+08"},
		{"{{printf \"%08.2f|%+.1e|%+v|% v\" -3.14159 12345.678 1.5 2.0}}",
		 "-0003.14|+1.2e+04|1.5| 2"},
		{"{{printf \"%*d|%-*d|%.*f\" 5 1 5 2 2 3.14159}}", "    1|2    |3.14"},
		{"{{printf \"%q %+q\" \"\u00e9\\n\\x00\" \"\u00e9\"}}",
		 "\"\u00e9\\n\\x00\" \"\\u00e9\""},
		{"{{printf \"%t %v %s\" true nil nil}}", "true <nil> %!s(<nil>)"},
		{"{{printf \"%d\" .Labels}}",
		 "map[%!d(string=a):%!d(string=2) %!d(string=z):%!d(string=1)]"},
	};
	run_cases(c, ARRAY_SIZE(c));
}

static void test_control(void **state)
{
	static const struct tcase c[] = {
		{"{{range .Names}}{{.}},{{end}}", "a,b,c,"},
		{"{{range $i, $e := .Names}}{{$i}}={{$e}} {{end}}", "0=a 1=b 2=c "},
		{"{{range $e := .Names}}{{$e}}{{end}}", "abc"},
		{"{{range $k, $v := .Labels}}{{$k}}={{$v}};{{end}}", "a=2;z=1;"},
		{"{{range .List}}x{{else}}empty{{end}}|{{range .N}}x{{else}}nil{{end}}",
		 "empty|nil"},
		{"{{range .Mounts}}{{.Source}}{{if .RW}}:rw{{end}} {{end}}", "/a:rw /b "},
		{"{{range .Names}}{{if eq . \"b\"}}{{break}}{{end}}{{.}}{{end}}", "a"},
		{"{{range .Names}}{{if eq . \"b\"}}{{continue}}{{end}}{{.}}{{end}}", "ac"},
		{"{{range .Names}}{{$.Tag}}{{end}}", "latestlatestlatest"},
		{"{{if .T}}y{{else}}n{{end}}{{if .F}}y{{else}}n{{end}}", "yn"},
		{"{{if .Blank}}1{{end}}{{if .Zero}}2{{end}}{{if .N}}3{{end}}{{if .List}}4{{end}}"
		 "{{if .Empty}}5{{end}}{{if .R}}6{{end}}{{if .Names}}7{{end}}",
		 "67"},
		{"{{if 0}}a{{else if \"\"}}b{{else if .ID}}c{{else}}d{{end}}", "c"},
		{"{{if 0}}a{{else if \"\"}}b{{else}}d{{end}}", "d"},
		{"{{with .Host}}{{.arch}}{{end}}|{{with .Blank}}x{{else}}none{{end}}",
		 "amd64|none"},
		{"{{with $x := .Tag}}{{$x}}{{.}}{{end}}", "latestlatest"},
		{"{{$x := .Tag}}{{$x}}{{$x = 5}} {{$x}}", "latest 5"},
		{"{{if .T}}{{$y := 1}}{{$y}}{{end}}", "1"},
	};
	run_cases(c, ARRAY_SIZE(c));
}

static void test_errors(void **state)
{
	static const struct tcase c[] = {
		{"{{.Foo}}", "ERR template: executing at <.Foo>: can't evaluate field Foo"},
		{"{{.Host.Foo}}",
		 "ERR template: executing at <.Host.Foo>: can't evaluate field Foo"},
		{"{{.Tag.Foo}}",
		 "ERR template: executing at <.Tag.Foo>: can't evaluate field Foo in type string"},
		{"{{.N.x}}",
		 "ERR template: executing at <.N.x>: nil pointer evaluating interface {}.x"},
		{"{{.ID", "ERR template: unclosed action"},
		{"{{.ID}", "ERR template: bad character U+007D '}'"},
		{"{{.ID\\}}", "ERR template: bad character U+005C '\\'"},
		{"{{\"abc}}", "ERR template: unterminated quoted string"},
		{"{{`abc}}", "ERR template: unterminated raw quoted string"},
		{"{{\"x\\q\"}}", "ERR template: invalid syntax in quoted string '\"x\\q'"},
		{"{{nosuch .ID}}", "ERR template: function \"nosuch\" not defined"},
		{"{{end}}", "ERR template: unexpected {{end}}"},
		{"{{else}}", "ERR template: unexpected {{else}}"},
		{"{{if .ID}}x", "ERR template: unexpected EOF"},
		{"{{range .Names}}x", "ERR template: unexpected EOF"},
		{"{{if 1}}{{else}}{{else}}{{end}}", "ERR template: expected end; found {{else}}"},
		{"{{break}}", "ERR template: {{break}} outside {{range}}"},
		{"{{define \"x\"}}{{end}}", "ERR template: {{define}} is not supported"},
		{"{{}}", "ERR template: missing value for command"},
		{"{{if}}{{end}}", "ERR template: missing value for if"},
		{"{{$x}}", "ERR template: undefined variable \"$x\""},
		{"{{range $i, $e := .Names}}{{end}}{{$i}}",
		 "ERR template: undefined variable \"$i\""},
		{"{{(.ID}}", "ERR template: unclosed left paren"},
		{"{{.ID)}}", "ERR template: unexpected right paren"},
		{"{{.ID | \"x\"}}", "ERR template: non executable command in pipeline stage 2"},
		{"{{/* abc", "ERR template: unclosed comment"},
		{"{{/* abc */ }}", "ERR template: comment ends before closing delimiter"},
		{"{{@}}", "ERR template: unrecognized character in action: U+0040 '@'"},
		{"{{3x}}", "ERR template: bad number syntax: 3x"},
		{"{{09}}", "ERR template: bad number syntax: 09"},
		{"{{upper}}", "ERR template: executing at <upper>: wrong number of args for upper: "
			      "want 1 got 0"},
		{"{{upper .Size}}",
		 "ERR template: executing at <upper .Size>: wrong type for value; "
		 "expected string; got int"},
		{"{{index .Names 5}}", "ERR template: executing at <index .Names 5>: error calling "
				       "index: index out of range: 5"},
		{"{{index .Names \"x\"}}",
		 "ERR template: executing at <index .Names \"x\">: error "
		 "calling index: cannot index slice/array with type string"},
		{"{{index .Labels 1}}",
		 "ERR template: executing at <index .Labels 1>: error calling "
		 "index: value has type int; should be string"},
		{"{{len 3}}",
		 "ERR template: executing at <len 3>: error calling len: len of type int"},
		{"{{range 3}}{{end}}",
		 "ERR template: executing at <3>: range can't iterate over 3"},
		{"{{nil}}", "ERR template: executing at <nil>: nil is not a command"},
		{"{{.ID .Tag}}",
		 "ERR template: executing at <.ID .Tag>: can't give argument to non-function .ID"},
		{"{{lt .Names 1}}",
		 "ERR template: executing at <lt .Names 1>: error calling compare: "
		 "non-comparable type []interface {}"},
		{"{{eq .Tag 1}}", "ERR template: executing at <eq .Tag 1>: error calling compare: "
				  "incompatible types for comparison"},
		/* multi-line actions still give one-line messages */
		{"{{.ID}}{{\n.Foo\n}}",
		 "ERR template: executing at <.Foo>: can't evaluate field Foo"},
		{"{{.ID}}{{index\n.Names 7}}", "ERR template: executing at <index .Names 7>: error "
					       "calling index: index out of range: 7"},
	};
	run_cases(c, ARRAY_SIZE(c));
}

/* Go's walkRange: podman's data is a struct (a list of them for listings), and a struct
 * or a scalar is no range: "range can't iterate over VALUE" at the ranged pipeline. */
static void test_range_non_list(void **state)
{
	static const struct {
		const char *fmt, *want;
	} c[] = {
		{"{{range .}}x{{end}}",
		 "ERR template: executing at <.>: range can't iterate over {4.3.1 0 map[a:1]}"},
		{"{{range $}}x{{end}}",
		 "ERR template: executing at <$>: range can't iterate over {4.3.1 0 map[a:1]}"},
		{"{{with .}}{{range .}}x{{end}}{{end}}",
		 "ERR template: executing at <.>: range can't iterate over {4.3.1 0 map[a:1]}"},
		{"{{range .Version}}x{{end}}",
		 "ERR template: executing at <.Version>: range can't iterate over 4.3.1"},
		{"{{range .Built}}x{{end}}",
		 "ERR template: executing at <.Built>: range can't iterate over 0"},
		{"{{range .Version | upper}}x{{end}}",
		 "ERR template: executing at <upper>: range can't iterate over 4.3.1"},
		/* a map (a json object below the top) is ranged over in key order */
		{"{{range $k, $v := .Labels}}{{$k}}={{$v}}{{end}}", "a=1"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		json_t *d = json_pack("{s:s, s:i, s:{s:s}}", "Version", "4.3.1", "Built", 0,
				      "Labels", "a", "1");
		pm_template *t = NULL;
		pm_error *err = NULL;
		char *out = NULL;
		assert_int_equal(pm_template_parse(c[i].fmt, &t, NULL, &err), 0);
		if (pm_template_render(t, d, &out, &err) < 0) {
			assert_int_equal(err->code, EINVAL);
			if (asprintf(&out, "ERR %s", err->msg) < 0)
				fail();
		}
		if (strcmp(out, c[i].want) != 0)
			fail_msg("format '%s'\n  want '%s'\n  got  '%s'", c[i].fmt, c[i].want, out);
		free(out);
		pm_error_free(err);
		pm_template_free(t);
		json_decref(d);
	}
	/* the listing commands range over a list: fine */
	json_t *l = json_pack("[{s:s}, {s:s}]", "Name", "a", "Name", "b");
	pm_template *t = NULL;
	char *out = NULL;
	assert_int_equal(pm_template_parse("{{range .}}[{{.Name}}]{{end}}", &t, NULL, NULL), 0);
	assert_int_equal(pm_template_render(t, l, &out, NULL), 0);
	assert_string_equal(out, "[a][b]");
	free(out);
	pm_template_free(t);
	json_decref(l);
}

static void test_table_prefix(void **state)
{
	bool table = false;
	char *out = render("table {{.ID}}\\t{{.Tag}}", &table);
	assert_true(table);
	assert_string_equal(out, "2f66832c2691\tlatest");
	free(out);
	/* podman turns spaces into tabs after "table ", even inside strings */
	out = render("table {{.ID}} x {{\"a b\"}}", &table);
	assert_true(table);
	assert_string_equal(out, "2f66832c2691\tx\ta\tb");
	free(out);
	out = render("table{{.ID}}", &table);
	assert_false(table);
	assert_string_equal(out, "table2f66832c2691");
	free(out);
	out = render("{{.ID}} {{.Tag}}", &table);
	assert_false(table);
	assert_string_equal(out, "2f66832c2691 latest");
	free(out);

	/* "table" alone: an empty template, the caller's default format. */
	const char *bare[] = {"table", "table ", "table  \\t "};
	for (size_t i = 0; i < ARRAY_SIZE(bare); i++) {
		pm_template *t = NULL;
		pm_error *err = NULL;
		table = false;
		if (i == 2) /* "\t" typed by the user is not blank: a literal format */
			continue;
		assert_int_equal(pm_template_parse(bare[i], &t, &table, &err), 0);
		assert_true(table);
		assert_true(pm_template_is_empty(t));
		pm_template_free(t);
	}
	pm_template *t = NULL;
	assert_int_equal(pm_template_parse("{{.ID}}", &t, NULL, NULL), 0);
	assert_false(pm_template_is_empty(t));
	pm_template_free(t);
}

static char *header(const char *fmt, const char *const *overrides)
{
	pm_template *t = NULL;
	pm_error *err = NULL;
	char *h = NULL;
	assert_int_equal(pm_template_parse(fmt, &t, NULL, &err), 0);
	assert_int_equal(pm_template_header(t, overrides, &h, &err), 0);
	assert_null(err);
	pm_template_free(t);
	return h;
}

static void test_header(void **state)
{
	static const struct tcase c[] = {
		{"table {{.ID}}\\t{{.Names}}\\t{{.CreatedAt}}\\t{{.Size}}",
		 "ID\tNAMES\tCREATED AT\tSIZE"},
		{"table "
		 "{{.IPAddress}}\\t{{.ImageID}}\\t{{.RunningFor}}\\t{{.PIDs}}\\t{{.GL11Version}}",
		 "IP ADDRESS\tIMAGE ID\tRUNNING FOR\tPI DS\tGL 11 VERSION"},
		{"table {{.Repository | upper}} {{.Tag}}", "REPOSITORY\tTAG"},
		{"table {{if .Repository}}{{.Repository}}{{else}}<none>{{end}}\\t{{.Host.Arch}}",
		 "REPOSITORY\tARCH"},
		{"table {{json .Labels}}\\t{{range .Names}}{{.}}{{end}}\\t{{join .Names \",\"}}",
		 "\"LABELS\"\tNAMES\tNAMES"},
		{"table {{index .Labels \"app\"}}\\t{{.Size | printf \"%10s\"}}",
		 "LABELS\t      SIZE"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		char *h = header(c[i].fmt, NULL);
		if (strcmp(h, c[i].want) != 0)
			fail_msg("header '%s'\n  want '%s'\n  got  '%s'", c[i].fmt, c[i].want, h);
		free(h);
	}
	const char *const overrides[] = {"ID=image id", "Names=name", NULL};
	char *h = header("table {{.ID}}\\t{{.Names}}\\t{{.Tag}}", overrides);
	assert_string_equal(h, "IMAGE ID\tNAME\tTAG");
	free(h);
}

static char *print_table(const char *const *rows)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	pm_table *t = pm_table_new();
	for (const char *const *r = rows; *r; r++)
		pm_table_add_row(t, *r);
	pm_table_print(t, f);
	pm_table_free(t);
	fclose(f);
	return buf;
}

static void test_table(void **state)
{
	/* podman: minwidth 12, padding 2, last cell unpadded */
	const char *const rows1[] = {
		"REPOSITORY\tTAG\tIMAGE ID\tCREATED\tSIZE",
		"localhost/tpltest\tlatest\t2f66832c2691\t1 second ago\t1.99 MB", NULL};
	char *out = print_table(rows1);
	assert_string_equal(out,
			    "REPOSITORY         TAG         IMAGE ID      CREATED       SIZE\n"
			    "localhost/tpltest  latest      2f66832c2691  1 second ago  1.99 MB\n");
	free(out);
	/* trailing tab: the empty last column is padded, as Go does */
	const char *const rows2[] = {"IMAGE ID\tTAG\t", "2f66832c2691\tlatest\t", NULL};
	out = print_table(rows2);
	assert_string_equal(out, "IMAGE ID      TAG         \n2f66832c2691  latest      \n");
	free(out);
	/* a line with fewer cells ends the column block above it */
	const char *const rows3[] = {"IMAGE ID\tSIZE\n\n", "2f66832c2691\t1.99 MB\n\n", NULL};
	out = print_table(rows3);
	assert_string_equal(out, "IMAGE ID    SIZE\n\n2f66832c2691  1.99 MB\n\n");
	free(out);
	const char *const rows4[] = {"ID\tREPOSITORY",
				     "2f6\tlocalhost/tpltest",
				     "2f6\t1\tx",
				     "2f6\tlocalhost/verylongname/xxxxxxxxxxxx",
				     "\u00e9\u00e9\u00e9\tw",
				     NULL};
	out = print_table(rows4);
	assert_string_equal(out, "ID          REPOSITORY\n"
				 "2f6         localhost/tpltest\n"
				 "2f6         1           x\n"
				 "2f6         localhost/verylongname/xxxxxxxxxxxx\n"
				 "\u00e9\u00e9\u00e9         w\n");
	free(out);
	/* multi-line rows, empty cells, empty table */
	const char *const rows5[] = {"a\t\tc\nlong-cell-value-here\t\t", NULL};
	out = print_table(rows5);
	assert_string_equal(out, "a                                 c\n"
				 "long-cell-value-here              \n");
	free(out);
	const char *const rows6[] = {NULL};
	out = print_table(rows6);
	assert_string_equal(out, "");
	free(out);
}

static void test_limits(void **state)
{
	/* format length */
	size_t n = PM_TEMPLATE_MAX_LEN + 1;
	char *big = malloc(n + 1);
	assert_non_null(big);
	memset(big, 'x', n);
	big[n] = 0;
	char *out = render(big, NULL);
	assert_string_equal(out, "ERR template: format too long (65537 bytes, limit 65536)");
	free(out);
	free(big);

	/* nesting */
	char deep[1024] = "{{";
	for (int i = 0; i < 120; i++)
		strcat(deep, "(");
	strcat(deep, ".ID");
	for (int i = 0; i < 120; i++)
		strcat(deep, ")");
	strcat(deep, "}}");
	out = render(deep, NULL);
	assert_string_equal(out, "ERR template: nesting too deep (limit 100)");
	free(out);
	char ifs[2048] = "";
	for (int i = 0; i < 101; i++)
		strcat(ifs, "{{if 1}}");
	out = render(ifs, NULL);
	assert_string_equal(out, "ERR template: nesting too deep (limit 100)");
	free(out);

	/* output size and execution steps are bounded */
	json_t *d = json_array();
	for (int i = 0; i < 100; i++)
		json_array_append_new(d, json_integer(i));
	const char *blowups[] = {
		"{{range .}}{{range $}}{{range $}}{{range "
		"$}}xxxxxxxxxxxxxxxxxxxx{{end}}{{end}}{{end}}{{end}}",
		"{{range .}}{{range $}}{{range $}}{{range $}}{{range "
		"$}}{{end}}{{end}}{{end}}{{end}}{{end}}",
	};
	const char *want[] = {"template: output too large (limit 16777216 bytes)",
			      "template: execution too long"};
	for (size_t i = 0; i < ARRAY_SIZE(blowups); i++) {
		pm_template *t = NULL;
		pm_error *err = NULL;
		char *o = NULL;
		assert_int_equal(pm_template_parse(blowups[i], &t, NULL, &err), 0);
		assert_int_equal(pm_template_render(t, d, &o, &err), -EINVAL);
		assert_null(o);
		assert_string_equal(err->msg, want[i]);
		pm_error_free(err);
		pm_template_free(t);
	}
	json_decref(d);
}

static void test_gofmt_json_floats(void **state)
{
	static const struct tcase c[] = {
		{"{{json 123456789012.0}} {{json 0.000001}} {{json -1e-7}} {{json 1e20}}",
		 "123456789012 0.000001 -1e-7 100000000000000000000"},
		{"{{printf \"%v %v %v %v\" 1e21 1e20 123456.7 1234567.0}}",
		 "1e+21 1e+20 123456.7 1.234567e+06"},
		{"{{printf \"%.0f %.1f %v\" 2.5 0.05 0.1}}", "2 0.1 0.1"},
	};
	run_cases(c, ARRAY_SIZE(c));
}

/* Every corpus file goes through the fuzz target (parse, render, header, table). */
static void test_fuzz_corpus(void **state)
{
	const char *dirs[] = {"tests/fuzz/corpus-template", "../fuzz/corpus-template",
			      "../../tests/fuzz/corpus-template"};
	DIR *d = NULL;
	const char *dir = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(dirs) && !d; i++) {
		d = opendir(dirs[i]);
		dir = dirs[i];
	}
	if (!d)
		fail_msg("corpus tests/fuzz/corpus-template not found (run from the repo root)");
	size_t count = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "re");
		assert_non_null(f);
		static char buf[PM_TEMPLATE_MAX_LEN + 16];
		size_t n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		LLVMFuzzerTestOneInput((const uint8_t *)buf, n);
		count++;
	}
	closedir(d);
	assert_true(count >= 30);
}

/* The fields a template names on its data; NULL: any (the dot or a variable is used). */
static char *root_fields(const char *fmt)
{
	pm_template *t = NULL;
	assert_int_equal(pm_template_parse(fmt, &t, NULL, NULL), 0);
	char **f = NULL;
	bool all = pm_template_root_fields(t, &f);
	pm_template_free(t);
	if (all) {
		assert_null(f);
		return strdup("ALL");
	}
	char *s = f ? pm_strv_join(f, ",") : strdup("");
	pm_strv_free(f);
	return s;
}

static void test_root_fields(void **state)
{
	static const struct tcase c[] = {
		{"{{.Names}}", "Names"},
		{"table {{.ID}}\\t{{.Names}} {{.names}}", "ID,Names"},
		{"{{if .State}}{{.Status}}{{else}}{{.ExitCode}}{{end}}", "State,Status,ExitCode"},
		{"{{range .Mounts}}{{.Source}}{{else}}{{.Pod}}{{end}}", "Mounts,Pod"},
		{"{{with .Labels}}{{.a}}{{$.Image}}{{end}}", "Labels,Image"},
		{"{{index .Labels \"k\"}} {{json .Ports | upper}} {{(.Size)}}",
		 "Labels,Ports,Size"},
		{"{{.Host.Kernel}}", "Host"},
		{"plain", ""},
		{"{{json .}}", "ALL"},
		{"{{.}}", "ALL"},
		{"{{$}}", "ALL"},
		{"{{$x := .Names}}{{$x}}", "ALL"},
		{"{{range .Mounts}}{{$.ID}}{{$}}{{end}}", "ALL"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		char *got = root_fields(c[i].fmt);
		if (strcmp(got, c[i].want) != 0)
			fail_msg("format '%s'\n  want '%s'\n  got  '%s'", c[i].fmt, c[i].want, got);
		free(got);
	}
}

/* Render fmt as podman's named template ("ps" run inside "{{range .}}": col0 11). */
static char *render_named(const char *fmt, const char *name, size_t col0)
{
	json_t *d = load_doc();
	pm_template *t = NULL;
	pm_error *err = NULL;
	char *out = NULL;
	int r = pm_template_parse_named(fmt, name, col0, &t, NULL, &err);
	if (r == 0)
		r = pm_template_render(t, d, &out, &err);
	if (r < 0 && asprintf(&out, "ERR %s", err->msg) < 0)
		fail();
	pm_error_free(err);
	pm_template_free(t);
	json_decref(d);
	return out;
}

/* Go's error text, checked against podman 4.3 (`podman info|ps --format ...`). */
static void test_named_errors(void **state)
{
	static const struct {
		const char *fmt, *name;
		size_t col0;
		const char *want;
	} c[] = {
		{"{{.Foo}}", "info", 0,
		 "ERR template: info:1:2: executing \"info\" at <.Foo>: can't evaluate field Foo"},
		{"{{.Host.Foo}}", "info", 0,
		 "ERR template: info:1:7: executing \"info\" at <.Host.Foo>: can't evaluate field "
		 "Foo"},
		{"{{.Foo}}", "ps", 11,
		 "ERR template: ps:1:13: executing \"ps\" at <.Foo>: can't evaluate field Foo"},
		{"{{.Labels.a}}|{{.Label \"a\"}}", "ps", 11,
		 "ERR template: ps:1:27: executing \"ps\" at <.Label \"a\">: can't give argument "
		 "to "
		 "non-function .Label"},
		{"{{index .Host 1}}", "info", 0,
		 "ERR template: info:1:2: executing \"info\" at <index .Host 1>: error calling "
		 "index: value has type int; should be string"},
		{"a\n{{.ID}}\n  {{.Nope}}", "x", 11,
		 "ERR template: x:3:4: executing \"x\" at <.Nope>: can't evaluate field Nope"},
		{"{{.Foo", "info", 0, "ERR template: info:1: unclosed action"},
		{"{{if}}", "info", 0, "ERR template: info:1: missing value for if"},
		{"x{{end}}", "info", 0, "ERR template: info:1: unexpected {{end}}"},
		{"{{.ID | foo}}", "info", 0, "ERR template: info:1: function \"foo\" not defined"},
		/* maps: exact keys, a missing one is <no value> */
		{"{{.Labels.a}} {{.Labels.A}} {{.Labels.nope}}", "ps", 11,
		 "2 <no value> <no value>"},
		/* Go: a field of a missing key's invalid value is the zero value, no error */
		{"{{.Labels.org.pm.test}}", "ps", 11, "<no value>"},
		{"{{.Labels.a.b}}", "ps", 11,
		 "ERR template: ps:1:20: executing \"ps\" at <.Labels.a.b>: can't evaluate field b "
		 "in type string"},
		{"{{.Host.arch}} {{.Host.Arch}}", "info", 0, "amd64 amd64"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		char *got = render_named(c[i].fmt, c[i].name, c[i].col0);
		if (strcmp(got, c[i].want) != 0)
			fail_msg("format '%s'\n  want '%s'\n  got  '%s'", c[i].fmt, c[i].want, got);
		free(got);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),	       cmocka_unit_test(test_escapes_and_trim),
		cmocka_unit_test(test_functions),      cmocka_unit_test(test_printf),
		cmocka_unit_test(test_control),	       cmocka_unit_test(test_errors),
		cmocka_unit_test(test_range_non_list), cmocka_unit_test(test_table_prefix),
		cmocka_unit_test(test_header),	       cmocka_unit_test(test_table),
		cmocka_unit_test(test_limits),	       cmocka_unit_test(test_gofmt_json_floats),
		cmocka_unit_test(test_fuzz_corpus),    cmocka_unit_test(test_root_fields),
		cmocka_unit_test(test_named_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
