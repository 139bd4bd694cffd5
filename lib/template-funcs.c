/* template-funcs.c: the function table of lib/template: Go's builtins (and, or, not,
 * eq/ne/lt/le/gt/ge, len, index, slice, print, printf, println, html) and podman's join,
 * json, lower, upper, title, truncate, pad, split. Must not print; value formatting is
 * lib/gofmt.c. Called by template-parse.c (lookup) and template-exec.c (calls). */
#include <errno.h>
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "lib/template-internal.h"

/* ---- functions --------------------------------------------------------------------------- */

static int fail(char **msg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(char **msg, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(msg, fmt, ap) < 0)
		*msg = NULL;
	va_end(ap);
	return -EINVAL;
}

static int want_string(json_t *v, char **msg)
{
	if (json_is_string(v))
		return 0;
	return fail(msg, "wrong type for value; expected string; got %s", pm_gofmt_typename(v));
}

static int want_int(json_t *v, char **msg)
{
	if (json_is_integer(v))
		return 0;
	return fail(msg, "wrong type for value; expected int; got %s", pm_gofmt_typename(v));
}

static int f_not(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)
{
	*ret = xj(json_boolean(!truth(a[0])));
	return 0;
}

static int f_len(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)
{
	size_t len;
	if (json_is_string(a[0]))
		len = json_string_length(a[0]);
	else if (json_is_array(a[0]))
		len = json_array_size(a[0]);
	else if (json_is_object(a[0]))
		len = json_object_size(a[0]);
	else if (json_is_null(a[0]))
		return fail(msg, "error calling len: len of nil pointer");
	else
		return fail(msg, "error calling len: len of type %s", pm_gofmt_typename(a[0]));
	*ret = xj(json_integer((json_int_t)len));
	return 0;
}

static int f_index(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)
{
	json_t *cur = json_incref(a[0]);
	for (size_t i = 1; i < n; i++) {
		json_t *k = a[i], *next = NULL;
		if (x->header && json_is_string(cur)) {
			/* A header cell stays the field's header. */
			continue;
		}
		if (json_is_array(cur) || json_is_string(cur)) {
			if (!json_is_integer(k)) {
				json_decref(cur);
				return fail(msg,
					    "error calling index: cannot index slice/array with "
					    "type %s",
					    pm_gofmt_typename(k));
			}
			json_int_t idx = json_integer_value(k);
			size_t len =
				json_is_array(cur) ? json_array_size(cur) : json_string_length(cur);
			if (idx < 0 || (size_t)idx >= len) {
				json_decref(cur);
				return fail(msg, "error calling index: index out of range: %lld",
					    (long long)idx);
			}
			if (json_is_array(cur))
				next = json_incref(json_array_get(cur, (size_t)idx));
			else
				next = xj(json_integer((unsigned char)json_string_value(cur)[idx]));
		} else if (json_is_object(cur)) {
			if (!json_is_string(k)) {
				json_decref(cur);
				return fail(
					msg,
					"error calling index: value has type %s; should be string",
					pm_gofmt_typename(k));
			}
			json_t *v =
				json_object_getn(cur, json_string_value(k), json_string_length(k));
			/* A missing key gives the zero value (podman's maps hold strings). */
			next = v ? json_incref(v) : jstr("", 0);
		} else if (json_is_null(cur)) {
			json_decref(cur);
			return fail(msg, "error calling index: index of untyped nil");
		} else {
			const char *tn = pm_gofmt_typename(cur);
			json_decref(cur);
			return fail(msg, "error calling index: can't index item of type %s", tn);
		}
		json_decref(cur);
		cur = next;
	}
	*ret = cur;
	return 0;
}

static int f_slice(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)
{
	json_t *v = a[0];
	size_t len;
	if (json_is_string(v))
		len = json_string_length(v);
	else if (json_is_array(v))
		len = json_array_size(v);
	else
		return fail(msg, "error calling slice: can't slice item of type %s",
			    pm_gofmt_typename(v));
	if (n > 3 && json_is_string(v))
		return fail(msg, "error calling slice: cannot 3-index slice a string");
	if (n > 4)
		return fail(msg, "error calling slice: too many slice indexes: %zu", n - 1);
	long long idx[3] = {0, (long long)len, (long long)len};
	for (size_t i = 1; i < n; i++) {
		if (!json_is_integer(a[i]))
			return fail(msg,
				    "error calling slice: cannot index slice/array with type %s",
				    pm_gofmt_typename(a[i]));
		idx[i - 1] = json_integer_value(a[i]);
		if (idx[i - 1] < 0 || idx[i - 1] > (long long)len)
			return fail(msg, "error calling slice: index out of range: %lld",
				    idx[i - 1]);
	}
	if (n == 2)
		idx[1] = (long long)len;
	if (idx[0] > idx[1] || (n == 4 && idx[1] > idx[2]))
		return fail(msg, "error calling slice: invalid slice index: %lld > %lld", idx[0],
			    idx[1]);
	if (json_is_string(v)) {
		*ret = jstr(json_string_value(v) + idx[0], (size_t)(idx[1] - idx[0]));
		return 0;
	}
	json_t *arr = xj(json_array());
	for (long long i = idx[0]; i < idx[1]; i++)
		json_array_append(arr, json_array_get(v, (size_t)i));
	*ret = arr;
	return 0;
}

static int f_print(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)
{
	struct pm_gobuf b = {0};
	pm_gofmt_sprint(&b, a, n, false);
	*ret = jstr(b.s ? b.s : "", b.len);
	pm_gobuf_done(&b);
	return 0;
}

static int f_println(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)
{
	struct pm_gobuf b = {0};
	pm_gofmt_sprint(&b, a, n, true);
	*ret = jstr(b.s, b.len);
	pm_gobuf_done(&b);
	return 0;
}

static int f_printf(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)
{
	if (want_string(a[0], msg) < 0)
		return -EINVAL;
	struct pm_gobuf b = {0};
	pm_gofmt_printf(&b, json_string_value(a[0]), json_string_length(a[0]), a + 1, n - 1);
	*ret = jstr(b.s ? b.s : "", b.len);
	pm_gobuf_done(&b);
	return 0;
}

static int f_html(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)
{
	struct pm_gobuf in = {0}, b = {0};
	if (n == 1 && json_is_string(a[0]))
		pm_gobuf_add(&in, json_string_value(a[0]), json_string_length(a[0]));
	else
		pm_gofmt_sprint(&in, a, n, false);
	for (size_t i = 0; i < in.len; i++) {
		switch (in.s[i]) {
		case '<':
			pm_gobuf_adds(&b, "&lt;");
			break;
		case '>':
			pm_gobuf_adds(&b, "&gt;");
			break;
		case '&':
			pm_gobuf_adds(&b, "&amp;");
			break;
		case '\'':
			pm_gobuf_adds(&b, "&#39;");
			break;
		case '"':
			pm_gobuf_adds(&b, "&#34;");
			break;
		case 0:
			pm_gobuf_adds(&b, "\xef\xbf\xbd");
			break;
		default:
			pm_gobuf_addc(&b, in.s[i]);
		}
	}
	*ret = jstr(b.s ? b.s : "", b.len);
	pm_gobuf_done(&in);
	pm_gobuf_done(&b);
	return 0;
}

/* eq/ne/lt/le/gt/ge over basic kinds. Returns <0, 0, >0, or sets *msg. */
static int compare(json_t *a, json_t *b, bool order, int *res, char **msg)
{
	if (json_is_null(a) || json_is_null(b)) {
		if (order)
			return fail(msg, "error calling compare: invalid type for comparison");
		*res = json_is_null(a) && json_is_null(b) ? 0 : 1;
		return 0;
	}
	if (json_is_array(a) || json_is_object(a) || json_is_array(b) || json_is_object(b))
		return fail(msg, "error calling compare: non-comparable type %s",
			    pm_gofmt_typename(json_is_array(a) || json_is_object(a) ? a : b));
	if (json_is_number(a) && json_is_number(b)) {
		if (json_is_integer(a) && json_is_integer(b)) {
			json_int_t x = json_integer_value(a), y = json_integer_value(b);
			*res = x < y ? -1 : x > y;
		} else {
			double x = json_number_value(a), y = json_number_value(b);
			*res = x < y ? -1 : x > y;
		}
		return 0;
	}
	if (json_is_string(a) && json_is_string(b)) {
		size_t la = json_string_length(a), lb = json_string_length(b);
		int c = memcmp(json_string_value(a), json_string_value(b), la < lb ? la : lb);
		*res = c ? c : (la < lb ? -1 : la > lb);
		return 0;
	}
	if (json_is_boolean(a) && json_is_boolean(b)) {
		if (order)
			return fail(msg, "error calling compare: invalid type for comparison");
		*res = json_is_true(a) != json_is_true(b);
		return 0;
	}
	return fail(msg, "error calling compare: incompatible types for comparison");
}

static int f_eq(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)
{
	bool eq = false;
	for (size_t i = 1; i < n && !eq; i++) {
		int c;
		if (compare(a[0], a[i], false, &c, msg) < 0)
			return -EINVAL;
		eq = c == 0;
	}
	*ret = xj(json_boolean(eq));
	return 0;
}

static int f_ne(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)
{
	int c;
	if (compare(a[0], a[1], false, &c, msg) < 0)
		return -EINVAL;
	*ret = xj(json_boolean(c != 0));
	return 0;
}

#define ORDER_FUNC(name, expr)                                                                     \
	static int name(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)            \
	{                                                                                          \
		int c;                                                                             \
		if (compare(a[0], a[1], true, &c, msg) < 0)                                        \
			return -EINVAL;                                                            \
		*ret = xj(json_boolean(expr));                                                     \
		return 0;                                                                          \
	}
ORDER_FUNC(f_lt, c < 0)
ORDER_FUNC(f_le, c <= 0)
ORDER_FUNC(f_gt, c > 0)
ORDER_FUNC(f_ge, c >= 0)

static int f_join(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)
{
	if (want_string(a[1], msg) < 0)
		return -EINVAL;
	if (x->header && json_is_string(a[0])) {
		*ret = json_incref(a[0]);
		return 0;
	}
	if (!json_is_array(a[0]) && !json_is_null(a[0]))
		return fail(msg, "wrong type for value; expected []string; got %s",
			    pm_gofmt_typename(a[0]));
	struct pm_gobuf b = {0};
	size_t i;
	json_t *e;
	json_array_foreach(a[0], i, e) {
		if (i > 0)
			pm_gobuf_add(&b, json_string_value(a[1]), json_string_length(a[1]));
		if (json_is_string(e))
			pm_gobuf_add(&b, json_string_value(e), json_string_length(e));
		else
			pm_gofmt_value(&b, e, false);
	}
	*ret = jstr(b.s ? b.s : "", b.len);
	pm_gobuf_done(&b);
	return 0;
}

static int f_json(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)
{
	struct pm_gobuf b = {0};
	pm_gofmt_json(&b, a[0]);
	*ret = jstr(b.s, b.len);
	pm_gobuf_done(&b);
	return 0;
}

/* Unicode simple case mapping (Go's unicode.ToUpper/ToLower) from glibc's C.UTF-8 tables;
 * ASCII only if that locale is missing. */
static locale_t utf8_locale(void)
{
	static locale_t loc;
	static bool tried;
	if (!tried) {
		tried = true;
		loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	}
	return loc;
}

static int map_rune(int r, int mode)
{
	locale_t loc = utf8_locale();
	if (r < 0x80 || !loc) {
		if (mode == 'l')
			return r >= 'A' && r <= 'Z' ? r - 'A' + 'a' : r;
		return r >= 'a' && r <= 'z' ? r - 'a' + 'A' : r;
	}
	return (int)(mode == 'l' ? towlower_l((wint_t)r, loc) : towupper_l((wint_t)r, loc));
}

static int map_string(json_t *v, int mode, json_t **ret, char **msg)
{
	if (want_string(v, msg) < 0)
		return -EINVAL;
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	struct pm_gobuf b = {0};
	bool sep = true;
	for (size_t i = 0; i < len;) {
		int r;
		size_t l = pm_utf8_decode(s + i, len - i, &r);
		if (r < 0) {
			pm_utf8_encode(&b,
				       0xfffd); /* strings.Map turns invalid bytes into U+FFFD */
			i += l;
			sep = false;
			continue;
		}
		if (mode == 't') {
			/* strings.Title: upper-case letters that follow a separator. */
			pm_utf8_encode(&b, sep ? map_rune(r, 'u') : r);
			if (r < 0x80)
				sep = !(is_ident((char)r) || r == '_');
			else
				sep = utf8_locale() && iswspace_l((wint_t)r, utf8_locale());
		} else {
			pm_utf8_encode(&b, map_rune(r, mode));
		}
		i += l;
	}
	*ret = jstr(b.s ? b.s : "", b.len);
	pm_gobuf_done(&b);
	return 0;
}

static int f_upper(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)
{
	return map_string(a[0], 'u', ret, msg);
}

static int f_lower(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)
{
	return map_string(a[0], 'l', ret, msg);
}

static int f_title(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)
{
	return map_string(a[0], 't', ret, msg);
}

static int f_truncate(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)
{
	if (want_string(a[0], msg) < 0 || want_int(a[1], msg) < 0)
		return -EINVAL;
	json_int_t l = json_integer_value(a[1]);
	size_t len = json_string_length(a[0]);
	if ((json_int_t)len < l) {
		*ret = json_incref(a[0]);
		return 0;
	}
	if (l < 0)
		return fail(msg, "error calling truncate: slice bounds out of range [:%lld]",
			    (long long)l);
	*ret = jstr(json_string_value(a[0]), (size_t)l);
	return 0;
}

static int f_pad(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)
{
	if (want_string(a[0], msg) < 0 || want_int(a[1], msg) < 0 || want_int(a[2], msg) < 0)
		return -EINVAL;
	json_int_t pre = json_integer_value(a[1]), post = json_integer_value(a[2]);
	if (pre < 0 || post < 0)
		return fail(msg, "error calling pad: negative Repeat count");
	if (pre > 4096 || post > 4096)
		return fail(msg, "error calling pad: padding too large");
	size_t len = json_string_length(a[0]);
	if (len == 0) {
		*ret = json_incref(a[0]);
		return 0;
	}
	struct pm_gobuf b = {0};
	for (json_int_t i = 0; i < pre; i++)
		pm_gobuf_addc(&b, ' ');
	pm_gobuf_add(&b, json_string_value(a[0]), len);
	for (json_int_t i = 0; i < post; i++)
		pm_gobuf_addc(&b, ' ');
	*ret = jstr(b.s, b.len);
	pm_gobuf_done(&b);
	return 0;
}

static int f_split(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)
{
	if (want_string(a[0], msg) < 0 || want_string(a[1], msg) < 0)
		return -EINVAL;
	const char *s = json_string_value(a[0]), *sep = json_string_value(a[1]);
	size_t len = json_string_length(a[0]), slen = json_string_length(a[1]);
	json_t *arr = xj(json_array());
	if (slen == 0) {
		/* strings.Split with "" splits after each UTF-8 sequence. */
		for (size_t i = 0; i < len;) {
			int r;
			size_t l = pm_utf8_decode(s + i, len - i, &r);
			json_array_append_new(arr, jstr(s + i, l));
			i += l;
		}
	} else {
		size_t start = 0;
		for (size_t i = 0; i + slen <= len;) {
			if (memcmp(s + i, sep, slen) == 0) {
				json_array_append_new(arr, jstr(s + start, i - start));
				i += slen;
				start = i;
			} else {
				i++;
			}
		}
		json_array_append_new(arr, jstr(s + start, len - start));
	}
	*ret = arr;
	return 0;
}

static const struct func funcs[] = {
	{"and", 1, -1, NULL},
	{"eq", 2, -1, f_eq},
	{"ge", 2, 2, f_ge},
	{"gt", 2, 2, f_gt},
	{"html", 0, -1, f_html},
	{"index", 1, -1, f_index},
	{"join", 2, 2, f_join},
	{"json", 1, 1, f_json},
	{"le", 2, 2, f_le},
	{"len", 1, 1, f_len},
	{"lower", 1, 1, f_lower},
	{"lt", 2, 2, f_lt},
	{"ne", 2, 2, f_ne},
	{"not", 1, 1, f_not},
	{"or", 1, -1, NULL},
	{"pad", 3, 3, f_pad},
	{"print", 0, -1, f_print},
	{"printf", 1, -1, f_printf},
	{"println", 0, -1, f_println},
	{"slice", 1, -1, f_slice},
	{"split", 2, 2, f_split},
	{"title", 1, 1, f_title},
	{"truncate", 2, 2, f_truncate},
	{"upper", 1, 1, f_upper},
};

const struct func *pm_template_func_lookup(const char *name, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(funcs); i++)
		if (strlen(funcs[i].name) == len && memcmp(funcs[i].name, name, len) == 0)
			return &funcs[i];
	return NULL;
}
