/* jscan.c: the strict, tree-less JSON object reader (see jscan.h). Validates as it walks;
 * allocates only when a value is decoded. Never prints. Called by engine/container.c and
 * engine/ps.c on the listing path. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jscan.h"
#include "lib/strutil.h"

#define MAX_DEPTH 64

static void skip_ws(const char **pp, const char *end)
{
	const char *p = *pp;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	*pp = p;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hex4(const char *p, unsigned *ret)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
			     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
			     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
						    : 16u;
		if (d == 16)
			return -EBADMSG;
		v = v << 4 | d;
	}
	*ret = v;
	return 0;
}

/* Length of the valid UTF-8 sequence at p (lead byte >= 0x80), or 0. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
	unsigned char c = p[0];
	size_t n;
	unsigned char lo = 0x80, hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if ((size_t)(end - p) < n || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

/* A \u escape at p (pointing at the 'u'): the code point, surrogate pairs joined; *used: the
 * bytes taken after the backslash. No NUL, no lone surrogate (as jansson). */
static int unicode_escape(const char *p, const char *end, unsigned *cp, size_t *used)
{
	unsigned v;
	if (end - p < 5 || hex4(p + 1, &v) < 0)
		return -EBADMSG;
	*used = 5;
	if (v >= 0xdc00 && v <= 0xdfff)
		return -EBADMSG;
	if (v >= 0xd800 && v <= 0xdbff) {
		unsigned lo;
		if (end - p < 11 || p[5] != '\\' || p[6] != 'u' || hex4(p + 7, &lo) < 0 ||
		    lo < 0xdc00 || lo > 0xdfff)
			return -EBADMSG;
		v = 0x10000 + ((v - 0xd800) << 10) + (lo - 0xdc00);
		*used = 11;
	}
	if (v == 0)
		return -EBADMSG;
	*cp = v;
	return 0;
}

/* A string at *pp (on the opening quote): fills v, moves past the closing quote. */
static int scan_string(const char **pp, const char *end, struct pm_jscan_val *v)
{
	const char *p = *pp + 1;
	*v = (struct pm_jscan_val){.type = PM_JSCAN_STRING, .p = p};
	while (p < end) {
		/* the common bytes first: printable ASCII but the quote and the backslash */
		while (p < end && (unsigned char)*p >= 0x20 && (unsigned char)*p < 0x80 &&
		       *p != '"' && *p != '\\')
			p++;
		if (p >= end)
			break;
		unsigned char c = (unsigned char)*p;
		if (c == '"') {
			v->len = (size_t)(p - v->p);
			*pp = p + 1;
			return 0;
		}
		if (c < 0x20)
			return -EBADMSG;
		if (c == '\\') {
			v->escaped = true;
			if (p + 1 >= end)
				return -EBADMSG;
			char e = p[1];
			if (e == 'u') {
				unsigned cp;
				size_t used;
				if (unicode_escape(p + 1, end, &cp, &used) < 0)
					return -EBADMSG;
				p += 1 + used;
				continue;
			}
			if (!e || !strchr("\"\\/bfnrt", e))
				return -EBADMSG;
			p += 2;
			continue;
		}
		if (c >= 0x80) {
			size_t n = utf8_len((const unsigned char *)p, (const unsigned char *)end);
			if (!n)
				return -EBADMSG;
			p += n;
			continue;
		}
		p++;
	}
	return -EBADMSG;
}

/* The integer [-]digits in p[0..end) as int64_t (json_int_t: jansson refuses what does not
 * fit); -EBADMSG on anything else. */
static int parse_int(const char *p, const char *end, int64_t *ret)
{
	bool neg = p < end && *p == '-';
	if (neg)
		p++;
	if (p >= end)
		return -EBADMSG;
	uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, n = 0;
	for (; p < end; p++) {
		if (!is_digit(*p))
			return -EBADMSG; /* a fraction or an exponent: not an integer */
		unsigned d = (unsigned)(*p - '0');
		if (n > (limit - d) / 10)
			return -EBADMSG;
		n = n * 10 + d;
	}
	*ret = neg ? (int64_t)(0 - n) : (int64_t)n;
	return 0;
}

/* Does the real (already checked against the grammar) overflow a double, as jansson's
 * strtod check refuses it? Underflow is accepted, as there. */
static bool real_overflows(const char *p, size_t len)
{
	char buf[128];
	_cleanup_free_ char *big = NULL;
	char *s = buf;
	if (len >= sizeof(buf))
		s = big = pm_xmalloc(len + 1);
	memcpy(s, p, len);
	s[len] = 0;
	errno = 0;
	double d = strtod(s, NULL);
	return (d == HUGE_VAL || d == -HUGE_VAL) && errno == ERANGE;
}

static int scan_number(const char **pp, const char *end, struct pm_jscan_val *v)
{
	const char *p = *pp;
	bool real = false;
	*v = (struct pm_jscan_val){.type = PM_JSCAN_NUMBER, .p = p};
	if (p < end && *p == '-')
		p++;
	if (p >= end || !is_digit(*p))
		return -EBADMSG;
	if (*p == '0')
		p++;
	else
		while (p < end && is_digit(*p))
			p++;
	if (p < end && *p == '.') {
		real = true;
		p++;
		if (p >= end || !is_digit(*p))
			return -EBADMSG;
		while (p < end && is_digit(*p))
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		real = true;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || !is_digit(*p))
			return -EBADMSG;
		while (p < end && is_digit(*p))
			p++;
	}
	v->len = (size_t)(p - v->p);
	/* what jansson refuses beyond the grammar: an integer outside json_int_t, a real
	 * that overflows a double */
	int64_t unused;
	if (real ? real_overflows(v->p, v->len) : parse_int(v->p, p, &unused) < 0)
		return -EBADMSG;
	*pp = p;
	return 0;
}

static int scan_value(const char **pp, const char *end, struct pm_jscan_val *v, int depth);

/* An array or object at *pp (on its opening bracket), validated and skipped. */
static int scan_container(const char **pp, const char *end, struct pm_jscan_val *v, int depth)
{
	if (depth >= MAX_DEPTH)
		return -EBADMSG;
	const char *p = *pp;
	bool obj = *p == '{';
	char close = obj ? '}' : ']';
	*v = (struct pm_jscan_val){.type = obj ? PM_JSCAN_OBJECT : PM_JSCAN_ARRAY, .p = p};
	p++;
	skip_ws(&p, end);
	if (p < end && *p == close) {
		v->len = (size_t)(p + 1 - v->p);
		*pp = p + 1;
		return 0;
	}
	for (;;) {
		struct pm_jscan_val x;
		if (obj) {
			if (p >= end || *p != '"' || scan_string(&p, end, &x) < 0)
				return -EBADMSG;
			skip_ws(&p, end);
			if (p >= end || *p != ':')
				return -EBADMSG;
			p++;
			skip_ws(&p, end);
		}
		if (scan_value(&p, end, &x, depth + 1) < 0)
			return -EBADMSG;
		skip_ws(&p, end);
		if (p >= end)
			return -EBADMSG;
		if (*p == close) {
			v->len = (size_t)(p + 1 - v->p);
			*pp = p + 1;
			return 0;
		}
		if (*p != ',')
			return -EBADMSG;
		p++;
		skip_ws(&p, end);
	}
}

static int scan_literal(const char **pp, const char *end, const char *lit, enum pm_jscan_type t,
			struct pm_jscan_val *v)
{
	size_t n = strlen(lit);
	if ((size_t)(end - *pp) < n || memcmp(*pp, lit, n) != 0)
		return -EBADMSG;
	*v = (struct pm_jscan_val){.type = t, .p = *pp, .len = n};
	*pp += n;
	return 0;
}

static int scan_value(const char **pp, const char *end, struct pm_jscan_val *v, int depth)
{
	if (*pp >= end)
		return -EBADMSG;
	switch (**pp) {
	case '"':
		return scan_string(pp, end, v);
	case '{':
	case '[':
		return scan_container(pp, end, v, depth);
	case 't':
		return scan_literal(pp, end, "true", PM_JSCAN_TRUE, v);
	case 'f':
		return scan_literal(pp, end, "false", PM_JSCAN_FALSE, v);
	case 'n':
		return scan_literal(pp, end, "null", PM_JSCAN_NULL, v);
	default:
		return scan_number(pp, end, v);
	}
}

int pm_jscan_object(struct pm_jscan *s, const char *buf, size_t len)
{
	*s = (struct pm_jscan){.p = buf, .end = buf + len, .first = true};
	skip_ws(&s->p, s->end);
	if (s->p >= s->end || *s->p != '{')
		return -EBADMSG;
	s->p++;
	return 0;
}

static int finish(struct pm_jscan *s)
{
	s->p++; /* the closing brace */
	skip_ws(&s->p, s->end);
	if (s->p != s->end)
		return -EBADMSG;
	s->done = true;
	return 0;
}

int pm_jscan_member(struct pm_jscan *s, struct pm_jscan_val *key, struct pm_jscan_val *val)
{
	if (s->done)
		return 0;
	skip_ws(&s->p, s->end);
	if (s->p >= s->end)
		return -EBADMSG;
	if (s->first) {
		s->first = false;
		if (*s->p == '}')
			return finish(s);
	} else {
		if (*s->p == '}')
			return finish(s);
		if (*s->p != ',')
			return -EBADMSG;
		s->p++;
		skip_ws(&s->p, s->end);
	}
	if (s->p >= s->end || *s->p != '"' || scan_string(&s->p, s->end, key) < 0)
		return -EBADMSG;
	skip_ws(&s->p, s->end);
	if (s->p >= s->end || *s->p != ':')
		return -EBADMSG;
	s->p++;
	skip_ws(&s->p, s->end);
	if (scan_value(&s->p, s->end, val, 1) < 0)
		return -EBADMSG;
	return 1;
}

static void put_utf8(char **o, unsigned cp)
{
	char *q = *o;
	if (cp < 0x80) {
		*q++ = (char)cp;
	} else if (cp < 0x800) {
		*q++ = (char)(0xc0 | cp >> 6);
		*q++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*q++ = (char)(0xe0 | cp >> 12);
		*q++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*q++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*q++ = (char)(0xf0 | cp >> 18);
		*q++ = (char)(0x80 | (cp >> 12 & 0x3f));
		*q++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*q++ = (char)(0x80 | (cp & 0x3f));
	}
	*o = q;
}

int pm_jscan_string(const struct pm_jscan_val *v, char **ret)
{
	if (v->type != PM_JSCAN_STRING)
		return -EBADMSG;
	if (!v->escaped) {
		*ret = pm_xstrndup(v->p, v->len);
		return 0;
	}
	/* decoded text is never longer than its escaped form */
	char *out = pm_xmalloc(v->len + 1), *o = out;
	const char *p = v->p, *end = v->p + v->len;
	while (p < end) {
		if (*p != '\\') {
			*o++ = *p++;
			continue;
		}
		char e = p[1];
		if (e == 'u') {
			unsigned cp = 0;
			size_t used = 0;
			/* validated by scan_string */
			if (unicode_escape(p + 1, end, &cp, &used) < 0) {
				free(out);
				return -EBADMSG;
			}
			put_utf8(&o, cp);
			p += 1 + used;
			continue;
		}
		*o++ = e == 'b'	  ? '\b'
		       : e == 'f' ? '\f'
		       : e == 'n' ? '\n'
		       : e == 'r' ? '\r'
		       : e == 't' ? '\t'
				  : e;
		p += 2;
	}
	*o = 0;
	*ret = out;
	return 0;
}

int pm_jscan_int(const struct pm_jscan_val *v, int64_t *ret)
{
	if (v->type != PM_JSCAN_NUMBER || !v->len)
		return -EBADMSG;
	return parse_int(v->p, v->p + v->len, ret);
}

int pm_jscan_bool(const struct pm_jscan_val *v, bool *ret)
{
	if (v->type != PM_JSCAN_TRUE && v->type != PM_JSCAN_FALSE)
		return -EBADMSG;
	*ret = v->type == PM_JSCAN_TRUE;
	return 0;
}

int pm_jscan_strv(const struct pm_jscan_val *v, char ***ret)
{
	if (v->type != PM_JSCAN_ARRAY)
		return -EBADMSG;
	const char *p = v->p + 1, *end = v->p + v->len - 1; /* inside the brackets */
	size_t n = 0, cap = 4;
	char **out = pm_xmalloc(cap * sizeof(char *));
	out[0] = NULL;
	skip_ws(&p, end);
	while (p < end) {
		struct pm_jscan_val s;
		char *str;
		if (*p != '"' || scan_string(&p, end, &s) < 0 || pm_jscan_string(&s, &str) < 0)
			goto bad;
		if (n + 2 > cap) {
			cap *= 2;
			out = pm_xrealloc(out, cap * sizeof(char *));
		}
		out[n++] = str;
		out[n] = NULL;
		skip_ws(&p, end);
		if (p < end) {
			if (*p != ',')
				goto bad;
			p++;
			skip_ws(&p, end);
			if (p >= end)
				goto bad;
		}
	}
	*ret = out;
	return 0;
bad:
	pm_strv_free(out);
	return -EBADMSG;
}
