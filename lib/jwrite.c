/* jwrite.c: the streaming JSON writer (lib/jwrite.h): jansson's dump format byte for byte
 * (its separators, indentation and string escapes), into one buffer the caller writes out
 * once. Never prints. Called by engine/ps.c for ps --format json. */
#include <stdlib.h>
#include <string.h>

#include "lib/jwrite.h"
#include "lib/strutil.h"

void pm_jw_init(struct pm_jw *w, unsigned indent)
{
	*w = (struct pm_jw){.indent = indent, .first = true};
}

void pm_jw_clear(struct pm_jw *w)
{
	free(w->buf);
	pm_jw_init(w, w->indent);
}

char *pm_jw_take(struct pm_jw *w)
{
	char *s = w->buf ? w->buf : pm_xstrdup("");
	w->buf = NULL;
	pm_jw_clear(w);
	return s;
}

static char *grow(struct pm_jw *w, size_t n)
{
	if (w->cap - w->len < n + 1) {
		size_t cap = w->cap ? w->cap : 4096;
		while (cap - w->len < n + 1)
			cap *= 2;
		w->buf = pm_xrealloc(w->buf, cap);
		w->cap = cap;
	}
	char *p = w->buf + w->len;
	w->len += n;
	w->buf[w->len] = '\0';
	return p;
}

static void put(struct pm_jw *w, const char *s, size_t n)
{
	memcpy(grow(w, n), s, n);
}

static void putc_(struct pm_jw *w, char c)
{
	*grow(w, 1) = c;
}

/* jansson's dump_indent: a newline and depth * indent spaces, nothing when compact */
static void newline(struct pm_jw *w, unsigned depth)
{
	if (!w->indent)
		return;
	size_t n = (size_t)depth * w->indent;
	char *p = grow(w, n + 1);
	*p = '\n';
	memset(p + 1, ' ', n);
}

/* before a value or a key: the separator from the one before and the indentation */
static void before(struct pm_jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (!w->depth)
		return;
	if (!w->first)
		putc_(w, ',');
	newline(w, w->depth);
	w->first = false;
}

static void open_(struct pm_jw *w, char c)
{
	before(w);
	putc_(w, c);
	w->depth++;
	w->first = true;
}

static void close_(struct pm_jw *w, char c)
{
	w->depth--;
	if (!w->first)
		newline(w, w->depth);
	putc_(w, c);
	w->first = false;
}

void pm_jw_begin_object(struct pm_jw *w)
{
	open_(w, '{');
}

void pm_jw_end_object(struct pm_jw *w)
{
	close_(w, '}');
}

void pm_jw_begin_array(struct pm_jw *w)
{
	open_(w, '[');
}

void pm_jw_end_array(struct pm_jw *w)
{
	close_(w, ']');
}

/* jansson's utf8_check_string: no overlong forms, surrogates or code points past U+10FFFF */
static bool utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t len;
		uint32_t cp;
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (n - i < len)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || (len == 3 && cp < 0x800) ||
		    (len == 4 && cp < 0x10000))
			return false;
		i += len;
	}
	return true;
}

static void put_string(struct pm_jw *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i = 0; /* the common case: printable ASCII only, copied at once */
	while (i < n && (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x80 && s[i] != '"' &&
	       s[i] != '\\')
		i++;
	char *p = grow(w, i + 2);
	p[0] = '"';
	memcpy(p + 1, s, i);
	if (i == n) {
		p[i + 1] = '"';
		return;
	}
	w->len--; /* the closing quote comes after the rest */
	bool lossy = !utf8_valid((const unsigned char *)s + i, n - i);
	size_t run = 0; /* bytes copied as they are, pending */
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\' && !(lossy && c >= 0x80)) {
			run++;
			continue;
		}
		put(w, s + i - run, run);
		run = 0;
		char esc[6] = {'\\', 0};
		switch (c) {
		case '"':
		case '\\':
			esc[1] = (char)c;
			break;
		case '\b':
			esc[1] = 'b';
			break;
		case '\f':
			esc[1] = 'f';
			break;
		case '\n':
			esc[1] = 'n';
			break;
		case '\r':
			esc[1] = 'r';
			break;
		case '\t':
			esc[1] = 't';
			break;
		default:
			if (c >= 0x80) { /* not UTF-8: the byte as '?' */
				putc_(w, '?');
				continue;
			}
			put(w, (char[]){'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]}, 6);
			continue;
		}
		put(w, esc, 2);
	}
	put(w, s + n - run, run);
	putc_(w, '"');
}

static void keyn(struct pm_jw *w, const char *key, size_t n)
{
	before(w);
	put_string(w, key, n);
	if (w->indent)
		put(w, ": ", 2);
	else
		putc_(w, ':');
	w->after_key = true;
}

void pm_jw_key(struct pm_jw *w, const char *key)
{
	keyn(w, key, strlen(key));
}

void pm_jw_stringn(struct pm_jw *w, const char *s, size_t n)
{
	before(w);
	put_string(w, s ? s : "", s ? n : 0);
}

void pm_jw_string(struct pm_jw *w, const char *s)
{
	pm_jw_stringn(w, s, s ? strlen(s) : 0);
}

void pm_jw_int(struct pm_jw *w, int64_t v)
{
	before(w);
	char d[24], *p = d + sizeof(d);
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	put(w, p, (size_t)(d + sizeof(d) - p));
}

void pm_jw_bool(struct pm_jw *w, bool v)
{
	before(w);
	if (v)
		put(w, "true", 4);
	else
		put(w, "false", 5);
}

void pm_jw_null(struct pm_jw *w)
{
	before(w);
	put(w, "null", 4);
}

void pm_jw_strv(struct pm_jw *w, char *const *v)
{
	pm_jw_begin_array(w);
	for (; v && *v; v++)
		pm_jw_string(w, *v);
	pm_jw_end_array(w);
}

struct kv_ref {
	const char *s;
	size_t klen, pos;
};

static int kv_cmp(const void *a, const void *b)
{
	const struct kv_ref *x = a, *y = b;
	size_t n = x->klen < y->klen ? x->klen : y->klen;
	int c = memcmp(x->s, y->s, n);
	if (c)
		return c;
	if (x->klen != y->klen)
		return x->klen < y->klen ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

void pm_jw_kv_object(struct pm_jw *w, char *const *kv, bool null_if_empty)
{
	size_t n = 0;
	while (kv && kv[n])
		n++;
	if (!n && null_if_empty) {
		pm_jw_null(w);
		return;
	}
	struct kv_ref one = {0}, *refs = n > 1 ? pm_xcalloc(n, sizeof(*refs)) : &one;
	for (size_t i = 0; i < n; i++)
		refs[i] = (struct kv_ref){.s = kv[i], .klen = strcspn(kv[i], "="), .pos = i};
	if (n > 1)
		qsort(refs, n, sizeof(*refs), kv_cmp);
	pm_jw_begin_object(w);
	for (size_t i = 0; i < n; i++) {
		const struct kv_ref *r = &refs[i];
		if (i + 1 < n && refs[i + 1].klen == r->klen &&
		    !memcmp(refs[i + 1].s, r->s, r->klen))
			continue; /* a later value for the same key wins */
		keyn(w, r->s, r->klen);
		pm_jw_string(w, r->s[r->klen] ? r->s + r->klen + 1 : "");
	}
	pm_jw_end_object(w);
	if (refs != &one)
		free(refs);
}

void pm_jw_kstr(struct pm_jw *w, const char *key, const char *s)
{
	pm_jw_key(w, key);
	pm_jw_string(w, s);
}

void pm_jw_kint(struct pm_jw *w, const char *key, int64_t v)
{
	pm_jw_key(w, key);
	pm_jw_int(w, v);
}

void pm_jw_kbool(struct pm_jw *w, const char *key, bool v)
{
	pm_jw_key(w, key);
	pm_jw_bool(w, v);
}
