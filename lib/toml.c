/* toml.c: a TOML subset parser into a jansson tree (lib/toml.h). Owns the syntax only: what
 * the keys mean is the callers' business (registry/conf.c for registries.conf). Errors name
 * the file and the line; never prints. One pass over the text, no recursion deeper than
 * TOML_MAX_DEPTH nested arrays or inline tables. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cleanup.h"
#include "lib/fileutil.h"
#include "lib/json.h"
#include "lib/strutil.h"
#include "lib/toml.h"

#define TOML_MAX_DEPTH	   64
#define TOML_MAX_KEY_PARTS 64
#define TOML_MAX_FILE	   (4u << 20)

struct toml {
	const char *p, *end;
	const char *path;
	unsigned line;
	json_t *root, *cur;
	/* tables named by a header, and arrays made by [[...]]: pointers into root */
	json_t **defined;
	size_t n_defined;
	json_t **aot;
	size_t n_aot;
	int depth;
	pm_error **err;
};

struct buf {
	char *s;
	size_t n, cap;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (!b->s)
			abort();
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = 0;
}

static int fail(struct toml *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct toml *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	return pm_error_set(t->err, EINVAL, "%s:%u: %s", t->path, t->line, msg);
}

static bool ptr_in(json_t *const *v, size_t n, const json_t *j)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == j)
			return true;
	return false;
}

static void ptr_add(json_t ***v, size_t *n, json_t *j)
{
	*v = realloc(*v, (*n + 1) * sizeof(**v));
	if (!*v)
		abort();
	(*v)[(*n)++] = j;
}

static bool at_eof(const struct toml *t)
{
	return t->p >= t->end;
}

static bool starts(const struct toml *t, const char *s)
{
	size_t n = strlen(s);
	return (size_t)(t->end - t->p) >= n && memcmp(t->p, s, n) == 0;
}

static void skip_ws(struct toml *t)
{
	while (!at_eof(t) && (*t->p == ' ' || *t->p == '\t'))
		t->p++;
}

static void skip_comment(struct toml *t)
{
	if (!at_eof(t) && *t->p == '#')
		while (!at_eof(t) && *t->p != '\n')
			t->p++;
}

/* A newline ("\n" or "\r\n") at p: consumed, the line counted. */
static bool eat_newline(struct toml *t)
{
	if (starts(t, "\r\n"))
		t->p++;
	if (!at_eof(t) && *t->p == '\n') {
		t->p++;
		t->line++;
		return true;
	}
	return false;
}

/* Blanks, newlines and comments, as between the elements of an array. */
static void skip_space(struct toml *t)
{
	for (;;) {
		skip_ws(t);
		skip_comment(t);
		if (!eat_newline(t))
			return;
	}
}

/* After a key/value or a header: only a comment may follow on the line. */
static int end_of_line(struct toml *t)
{
	skip_ws(t);
	skip_comment(t);
	if (at_eof(t) || eat_newline(t))
		return 0;
	return fail(t, "unexpected '%c' after the value (one key = value per line)", *t->p);
}

static bool is_bare(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

static void add_utf8(struct buf *b, uint32_t c)
{
	char o[4];
	size_t n;
	if (c < 0x80) {
		o[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		o[0] = (char)(0xc0 | (c >> 6));
		o[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		o[0] = (char)(0xe0 | (c >> 12));
		o[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		o[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		o[0] = (char)(0xf0 | (c >> 18));
		o[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		o[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		o[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	}
	buf_add(b, o, n);
}

static int escape(struct toml *t, struct buf *b)
{
	/* t->p is past the backslash */
	if (at_eof(t))
		return fail(t, "unterminated string");
	char c = *t->p++;
	const char *simple = "b\bt\tn\nf\fr\r\"\"\\\\e\033";
	for (const char *s = simple; *s; s += 2)
		if (c == s[0]) {
			buf_add(b, s + 1, 1);
			return 0;
		}
	if (c != 'u' && c != 'U')
		return fail(t, "invalid escape '\\%c' in a string", c);
	int digits = c == 'u' ? 4 : 8;
	uint32_t v = 0;
	for (int i = 0; i < digits; i++) {
		if (at_eof(t))
			return fail(t, "unterminated string");
		char h = *t->p++;
		int d = h >= '0' && h <= '9'   ? h - '0'
			: h >= 'a' && h <= 'f' ? h - 'a' + 10
			: h >= 'A' && h <= 'F' ? h - 'A' + 10
					       : -1;
		if (d < 0)
			return fail(t, "invalid escape '\\%c': %d hex digits expected", c, digits);
		v = v << 4 | (uint32_t)d;
	}
	if (v == 0 || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return fail(t, "escape '\\%c' names no allowed character (U+%04X)", c, v);
	add_utf8(b, v);
	return 0;
}

/* A string of any of the four kinds, t->p at its opening quote. */
static int parse_string(struct toml *t, bool allow_multi, char **ret)
{
	char q = *t->p;
	bool multi = false;
	if (allow_multi && ((q == '"' && starts(t, "\"\"\"")) || (q == '\'' && starts(t, "'''")))) {
		multi = true;
		t->p += 3;
		eat_newline(t); /* a newline right after the opening quotes is dropped */
	} else {
		t->p++;
	}
	struct buf b = {0};
	buf_add(&b, "", 0);
	int r;
	for (;;) {
		if (at_eof(t)) {
			r = fail(t, "unterminated string");
			goto fail;
		}
		char c = *t->p;
		if (c == q) {
			if (!multi) {
				t->p++;
				break;
			}
			size_t run = 0;
			while (t->p + run < t->end && t->p[run] == q)
				run++;
			if (run >= 3) {
				if (run > 5) {
					r = fail(t, "too many quotes closing a string");
					goto fail;
				}
				buf_add(&b, t->p, run - 3);
				t->p += run;
				break;
			}
			buf_add(&b, t->p, run);
			t->p += run;
			continue;
		}
		if (c == '\n' || starts(t, "\r\n")) {
			if (!multi) {
				r = fail(t, "newline in a string (a missing closing quote?)");
				goto fail;
			}
			eat_newline(t);
			buf_add(&b, "\n", 1);
			continue;
		}
		if ((c >= 0 && c < 0x20 && c != '\t') || c == 0x7f) {
			r = fail(t, "control character 0x%02x in a string", c);
			goto fail;
		}
		t->p++;
		if (c == '\\' && q == '"') {
			if (multi) {
				/* a line-ending backslash trims the blanks and newlines after it */
				const char *s = t->p;
				while (s < t->end && (*s == ' ' || *s == '\t'))
					s++;
				if (s < t->end && (*s == '\n' || *s == '\r')) {
					t->p = s;
					while (!at_eof(t)) {
						if (*t->p == ' ' || *t->p == '\t')
							t->p++;
						else if (!eat_newline(t))
							break;
					}
					continue;
				}
			}
			r = escape(t, &b);
			if (r < 0)
				goto fail;
			continue;
		}
		buf_add(&b, &c, 1);
	}
	*ret = b.s;
	return 0;
fail:
	free(b.s);
	return r;
}

static int parse_key_part(struct toml *t, char **ret)
{
	if (at_eof(t))
		return fail(t, "a key expected at the end of the text");
	if (*t->p == '"' || *t->p == '\'')
		return parse_string(t, false, ret);
	const char *s = t->p;
	while (!at_eof(t) && is_bare(*t->p))
		t->p++;
	if (t->p == s)
		return fail(t, "a key expected, found '%c'", *s);
	*ret = pm_xstrndup(s, (size_t)(t->p - s));
	return 0;
}

/* key or a.b."c": the parts, NULL-terminated. */
static int parse_key(struct toml *t, char ***ret)
{
	_cleanup_strv_ char **parts = NULL;
	size_t n = 0;
	for (;;) {
		char *part = NULL;
		skip_ws(t);
		int r = parse_key_part(t, &part);
		if (r < 0)
			return r;
		parts = realloc(parts, (n + 2) * sizeof(*parts));
		if (!parts)
			abort();
		parts[n++] = part;
		parts[n] = NULL;
		skip_ws(t);
		if (at_eof(t) || *t->p != '.')
			break;
		if (n >= TOML_MAX_KEY_PARTS)
			return fail(t, "a key of more than %d parts", TOML_MAX_KEY_PARTS);
		t->p++;
	}
	*ret = TAKE_PTR(parts);
	return 0;
}

static int parse_value(struct toml *t, json_t **ret);

static int parse_array(struct toml *t, json_t **ret)
{
	_cleanup_json_ json_t *a = json_array();
	t->p++;
	for (;;) {
		skip_space(t);
		if (at_eof(t))
			return fail(t, "unterminated array (a missing ']')");
		if (*t->p == ']')
			break;
		json_t *v = NULL;
		int r = parse_value(t, &v);
		if (r < 0)
			return r;
		json_array_append_new(a, v);
		skip_space(t);
		if (!at_eof(t) && *t->p == ',') {
			t->p++;
			continue;
		}
		if (at_eof(t))
			return fail(t, "unterminated array (a missing ']')");
		if (*t->p != ']')
			return fail(t, "',' or ']' expected in an array");
	}
	t->p++;
	*ret = TAKE_PTR(a);
	return 0;
}

static char *key_text(char *const *parts)
{
	return pm_strv_join(parts, ".");
}

/* Set parts = v in table: the parts before the last are (made) tables. Takes v. */
static int set_key(struct toml *t, json_t *table, char *const *parts, json_t *v)
{
	size_t n = 0;
	while (parts[n])
		n++;
	for (size_t i = 0; i + 1 < n; i++) {
		json_t *c = json_object_get(table, parts[i]);
		if (!c) {
			c = json_object();
			json_object_set_new(table, parts[i], c);
		} else if (!json_is_object(c)) {
			json_decref(v);
			_cleanup_free_ char *k = key_text(parts);
			return fail(t, "key '%s': '%s' is already defined as a value", k, parts[i]);
		}
		table = c;
	}
	if (json_object_get(table, parts[n - 1])) {
		json_decref(v);
		_cleanup_free_ char *k = key_text(parts);
		return fail(t, "key '%s' defined twice", k);
	}
	json_object_set_new(table, parts[n - 1], v);
	return 0;
}

static int parse_inline_table(struct toml *t, json_t **ret)
{
	_cleanup_json_ json_t *o = json_object();
	t->p++;
	skip_ws(t);
	if (!at_eof(t) && *t->p == '}') {
		t->p++;
		*ret = TAKE_PTR(o);
		return 0;
	}
	for (;;) {
		_cleanup_strv_ char **key = NULL;
		int r = parse_key(t, &key);
		if (r < 0)
			return r;
		if (at_eof(t) || *t->p != '=')
			return fail(t, "'=' expected after key '%s'", key[0]);
		t->p++;
		skip_ws(t);
		json_t *v = NULL;
		r = parse_value(t, &v);
		if (r < 0)
			return r;
		r = set_key(t, o, key, v);
		if (r < 0)
			return r;
		skip_ws(t);
		if (!at_eof(t) && *t->p == ',') {
			t->p++;
			continue;
		}
		if (at_eof(t) || *t->p != '}')
			return fail(t, "',' or '}' expected in an inline table (on one line)");
		t->p++;
		*ret = TAKE_PTR(o);
		return 0;
	}
}

static int parse_number(struct toml *t, json_t **ret)
{
	const char *s = t->p;
	while (!at_eof(t) && (is_bare(*t->p) || *t->p == '.' || *t->p == '+' || *t->p == ':'))
		t->p++;
	_cleanup_free_ char *tok = pm_xstrndup(s, (size_t)(t->p - s));
	if (tok[0] == 0)
		return fail(t, "a value expected, found '%c'", *s);
	if (strchr(tok, ':') || (strlen(tok) >= 5 && tok[4] == '-' && tok[0] != '-'))
		return fail(t, "'%s': dates and times are not supported", tok);
	/* digits without underscores, each underscore between two digits */
	_cleanup_free_ char *d = pm_xstrdup(tok);
	size_t n = 0;
	for (size_t i = 0; tok[i]; i++) {
		if (tok[i] == '_') {
			bool ok = i > 0 && tok[i + 1] &&
				  strchr("0123456789abcdefABCDEF", tok[i - 1]) &&
				  strchr("0123456789abcdefABCDEF", tok[i + 1]);
			if (!ok)
				return fail(t, "'%s': an underscore must stand between digits",
					    tok);
			continue;
		}
		d[n++] = tok[i];
	}
	d[n] = 0;
	const char *u = d + (d[0] == '+' || d[0] == '-');
	int base = 10;
	if (u[0] == '0' && (u[1] == 'x' || u[1] == 'o' || u[1] == 'b')) {
		if (u != d)
			return fail(t,
				    "'%s': a sign is not allowed on a hex, octal or binary number",
				    tok);
		base = u[1] == 'x' ? 16 : u[1] == 'o' ? 8 : 2;
		u += 2;
	} else if (strpbrk(u, ".eE") && !strpbrk(u, "xX")) {
		if (!(u[0] >= '0' && u[0] <= '9') || (u[0] == '0' && u[1] >= '0' && u[1] <= '9'))
			return fail(t, "'%s' is not a number", tok);
		const char *dot = strchr(u, '.');
		if (dot && !(dot[1] >= '0' && dot[1] <= '9'))
			return fail(t, "'%s': a digit must follow the decimal point", tok);
		char *e = NULL;
		errno = 0;
		double v = strtod(d, &e);
		if (*e || errno == ERANGE || strpbrk(u, "xXpP") || strstr(u, "inf") ||
		    strstr(u, "nan"))
			return fail(t, "'%s' is not a number", tok);
		*ret = json_real(v);
		return 0;
	}
	if (!*u || (base == 10 && u[0] == '0' && u[1]))
		return fail(t, "'%s' is not a number (leading zeros are not allowed)", tok);
	for (const char *c = u; *c; c++) {
		bool ok = base == 16 ? strchr("0123456789abcdefABCDEF", *c) != NULL
				     : *c >= '0' && *c < '0' + base;
		if (!ok)
			return fail(t, "'%s' is not a number", tok);
	}
	errno = 0;
	char *e = NULL;
	long long v = strtoll(base == 10 ? d : u, &e, base);
	if (errno == ERANGE || *e)
		return fail(t, "'%s' is out of range", tok);
	*ret = json_integer(v);
	return 0;
}

static int parse_value(struct toml *t, json_t **ret)
{
	if (at_eof(t) || *t->p == '\n' || *t->p == '\r' || *t->p == '#')
		return fail(t, "a value expected");
	char c = *t->p;
	if (c == '"' || c == '\'') {
		_cleanup_free_ char *s = NULL;
		int r = parse_string(t, true, &s);
		if (r < 0)
			return r;
		if (!(*ret = json_string(s)))
			return fail(t, "a string that is not valid UTF-8");
		return 0;
	}
	if (c == '[' || c == '{') {
		if (t->depth >= TOML_MAX_DEPTH)
			return fail(t, "arrays or tables nested deeper than %d", TOML_MAX_DEPTH);
		t->depth++;
		int r = c == '[' ? parse_array(t, ret) : parse_inline_table(t, ret);
		t->depth--;
		return r;
	}
	for (int b = 0; b < 2; b++) {
		const char *w = b ? "true" : "false";
		size_t n = strlen(w);
		if (starts(t, w) && (t->p + n == t->end || !is_bare(t->p[n]))) {
			t->p += n;
			*ret = json_boolean(b);
			return 0;
		}
	}
	return parse_number(t, ret);
}

/* [a.b] or [[a.b]], t->p at the first '['. */
static int parse_header(struct toml *t)
{
	bool array = starts(t, "[[");
	t->p += array ? 2 : 1;
	_cleanup_strv_ char **parts = NULL;
	int r = parse_key(t, &parts);
	if (r < 0)
		return r;
	if (!starts(t, array ? "]]" : "]"))
		return fail(t, "'%s' expected to close the table header", array ? "]]" : "]");
	t->p += array ? 2 : 1;
	_cleanup_free_ char *name = key_text(parts);
	json_t *table = t->root;
	for (size_t i = 0; parts[i]; i++) {
		bool last = !parts[i + 1];
		json_t *c = json_object_get(table, parts[i]);
		if (last && array) {
			if (!c) {
				c = json_array();
				json_object_set_new(table, parts[i], c);
				ptr_add(&t->aot, &t->n_aot, c);
			} else if (!ptr_in(t->aot, t->n_aot, c)) {
				return fail(t,
					    "[[%s]]: '%s' is already defined, not as an array of "
					    "tables",
					    name, name);
			}
			json_t *o = json_object();
			json_array_append_new(c, o);
			t->cur = o;
			return 0;
		}
		if (!c) {
			c = json_object();
			json_object_set_new(table, parts[i], c);
		} else if (json_is_array(c) && ptr_in(t->aot, t->n_aot, c) && !last) {
			c = json_array_get(c, json_array_size(c) - 1);
		} else if (!json_is_object(c)) {
			return fail(t, "[%s]: '%s' is already defined as a value", name, parts[i]);
		}
		table = c;
	}
	if (ptr_in(t->defined, t->n_defined, table))
		return fail(t, "table [%s] defined twice", name);
	ptr_add(&t->defined, &t->n_defined, table);
	t->cur = table;
	return 0;
}

int pm_toml_parse(const char *text, size_t len, const char *path, json_t **ret, pm_error **err)
{
	struct toml t = {
		.p = text,
		.end = text + len,
		.path = path ? path : "(text)",
		.line = 1,
		.root = json_object(),
		.err = err,
	};
	t.cur = t.root;
	int r = 0;
	const char *nul = memchr(text, 0, len);
	if (nul) {
		for (const char *c = text; c < nul; c++)
			t.line += *c == '\n';
		r = fail(&t, "a NUL byte in the text");
		goto out;
	}
	for (;;) {
		skip_space(&t);
		if (at_eof(&t))
			break;
		if (*t.p == '[') {
			r = parse_header(&t);
		} else {
			_cleanup_strv_ char **key = NULL;
			r = parse_key(&t, &key);
			if (r < 0)
				goto out;
			if (at_eof(&t) || *t.p != '=') {
				r = fail(&t, "'=' expected after key '%s'", key[0]);
				goto out;
			}
			t.p++;
			skip_ws(&t);
			json_t *v = NULL;
			r = parse_value(&t, &v);
			if (r < 0)
				goto out;
			r = set_key(&t, t.cur, key, v);
		}
		if (r < 0)
			goto out;
		r = end_of_line(&t);
		if (r < 0)
			goto out;
	}
	*ret = TAKE_PTR(t.root);
out:
	free(t.defined);
	free(t.aot);
	if (t.root)
		json_decref(t.root);
	return r;
}

int pm_toml_load_file(const char *path, json_t **ret, pm_error **err)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = pm_read_file(path, TOML_MAX_FILE, &text, &len, err);
	if (r < 0)
		return r;
	return pm_toml_parse(text, len, path, ret, err);
}
