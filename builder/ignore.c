/* ignore.c: .containerignore / .dockerignore as moby/patternmatcher reads and matches them
 * (ignorefile.ReadAll, NewPatternMatcher, MatchesOrParentMatches). A pattern is compiled to
 * a small NFA (what patternmatcher's regexp does) and run in linear time. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "builder/ignore.h"
#include "lib/strutil.h"

#define IG_MAX_FILE (1024 * 1024)
#define IG_MAX_LINE (64 * 1024)

enum tok_type {
	T_LIT,	     /* one character */
	T_ANY,	     /* '?': one character but '/' */
	T_STAR,	     /* '*': any run without '/' */
	T_DSTAR_OPT, /* "**" in the middle: (.*\/)? = this (epsilon) ... */
	T_DSTAR_IN,  /* ... then any run that ends in '/' */
	T_DSTAR_END, /* "**" at the end: anything */
	T_CLASS,     /* [...] */
};

struct tok {
	enum tok_type type;
	unsigned char c;
	uint8_t set[32]; /* T_CLASS: the bytes it takes */
};

struct pattern {
	char *text; /* cleaned, without the '!' */
	bool exclusion;
	bool suffix; /* patternmatcher's suffixMatch: "**" then plain text */
	struct tok *toks;
	size_t n;
};

struct pm_ignore {
	struct pattern *pats;
	size_t n;
	bool exclusions;
};

/* path.Clean: no "//", ".", "x/.."; "." for nothing. */
static char *path_clean(const char *p)
{
	size_t len = strlen(p);
	bool rooted = len > 0 && p[0] == '/';
	char *out = pm_xmalloc(len + 2);
	size_t n = 0, dotdot = 0; /* out[0..dotdot) can't be backtracked */
	if (rooted) {
		out[n++] = '/';
		dotdot = 1;
	}
	size_t i = 0;
	while (i < len) {
		if (p[i] == '/') {
			i++;
		} else if (p[i] == '.' && (i + 1 == len || p[i + 1] == '/')) {
			i++;
		} else if (p[i] == '.' && p[i + 1] == '.' && (i + 2 == len || p[i + 2] == '/')) {
			i += 2;
			if (n > dotdot) {
				n--;
				while (n > dotdot && out[n] != '/')
					n--;
			} else if (!rooted) {
				if (n > 0)
					out[n++] = '/';
				out[n++] = '.';
				out[n++] = '.';
				dotdot = n;
			}
		} else {
			if ((rooted && n != 1) || (!rooted && n != 0))
				out[n++] = '/';
			while (i < len && p[i] != '/')
				out[n++] = p[i++];
		}
	}
	if (n == 0)
		out[n++] = '.';
	out[n] = 0;
	return out;
}

static void set_bit(uint8_t *set, unsigned char c)
{
	set[c / 8] |= (uint8_t)(1u << (c % 8));
}

static bool has_bit(const uint8_t *set, unsigned char c)
{
	return set[c / 8] & (1u << (c % 8));
}

/* filepath.Match's class item: a character or an escaped one; -1 when bad. */
static int class_char(const char *s, size_t *i)
{
	if (!s[*i] || s[*i] == '-' || s[*i] == ']')
		return -1;
	if (s[*i] == '\\') {
		(*i)++;
		if (!s[*i])
			return -1;
	}
	return (unsigned char)s[(*i)++];
}

static void push_tok(struct pattern *pt, struct tok t)
{
	pt->toks = pm_xrealloc(pt->toks, (pt->n + 1) * sizeof(*pt->toks));
	pt->toks[pt->n++] = t;
}

/* patternmatcher's compile(); -EINVAL where filepath.Match reports ErrBadPattern. */
static int compile(struct pattern *pt, const char *s)
{
	enum { EXACT, PREFIX, SUFFIX, REGEXP } type = EXACT;
	size_t i = 0;
	for (size_t k = 0; s[i]; k++) {
		unsigned char ch = (unsigned char)s[i++];
		if (ch == '*') {
			if (s[i] == '*') {
				i++;
				if (s[i] == '/')
					i++;
				if (!s[i]) {
					push_tok(pt, (struct tok){.type = T_DSTAR_END});
					type = type == EXACT ? PREFIX : REGEXP;
				} else {
					push_tok(pt, (struct tok){.type = T_DSTAR_OPT});
					push_tok(pt, (struct tok){.type = T_DSTAR_IN});
					type = REGEXP;
				}
				if (k == 0)
					type = SUFFIX;
			} else {
				push_tok(pt, (struct tok){.type = T_STAR});
				type = REGEXP;
			}
		} else if (ch == '?') {
			push_tok(pt, (struct tok){.type = T_ANY});
			type = REGEXP;
		} else if (ch == '\\') {
			if (!s[i])
				return -EINVAL; /* filepath.Match: a trailing '\\' */
			push_tok(pt, (struct tok){.type = T_LIT, .c = (unsigned char)s[i++]});
			type = REGEXP;
		} else if (ch == '[') {
			struct tok t = {.type = T_CLASS};
			bool neg = s[i] == '^';
			if (neg)
				i++;
			size_t nrange = 0;
			for (;;) {
				if (s[i] == ']' && nrange > 0) {
					i++;
					break;
				}
				int lo = class_char(s, &i);
				if (lo < 0)
					return -EINVAL;
				int hi = lo;
				if (s[i] == '-') {
					i++;
					hi = class_char(s, &i);
					if (hi < 0)
						return -EINVAL;
				}
				for (int c = lo; c <= hi; c++)
					set_bit(t.set, (unsigned char)c);
				nrange++;
			}
			if (neg)
				for (size_t b = 0; b < sizeof(t.set); b++)
					t.set[b] = (uint8_t)~t.set[b];
			push_tok(pt, t);
			type = REGEXP;
		} else {
			if (ch == ']')
				type = REGEXP;
			push_tok(pt, (struct tok){.type = T_LIT, .c = ch});
		}
	}
	pt->suffix = type == SUFFIX;
	return 0;
}

static void closure(const struct pattern *pt, bool *st)
{
	for (size_t i = 0; i < pt->n; i++) {
		if (!st[i])
			continue;
		switch (pt->toks[i].type) {
		case T_STAR:
		case T_DSTAR_END:
			st[i + 1] = true;
			break;
		case T_DSTAR_OPT:
			st[i + 1] = true;
			st[i + 2] = true;
			break;
		default:
			break;
		}
	}
}

/* Whether s matches; with parents, also whether one of its parents (s up to a '/') does:
 * one pass for both (patternmatcher's MatchesOrParentMatches matches each parent again). */
static bool nfa_match(const struct pattern *pt, const char *s, size_t len, bool parents)
{
	size_t ns = pt->n + 1;
	bool stack_a[64], stack_b[64];
	bool *cur = ns <= 64 ? stack_a : pm_xcalloc(ns, 1);
	bool *nxt = ns <= 64 ? stack_b : pm_xcalloc(ns, 1);
	memset(cur, 0, ns);
	cur[0] = true;
	closure(pt, cur);
	bool any = true, ok = false;
	for (size_t p = 0; p < len && any; p++) {
		unsigned char c = (unsigned char)s[p];
		if (parents && c == '/' && p > 0 && cur[pt->n]) {
			ok = true;
			break;
		}
		memset(nxt, 0, ns);
		any = false;
		for (size_t i = 0; i < pt->n; i++) {
			if (!cur[i])
				continue;
			const struct tok *t = &pt->toks[i];
			switch (t->type) {
			case T_LIT:
				if (c == t->c)
					nxt[i + 1] = any = true;
				break;
			case T_ANY:
				if (c != '/')
					nxt[i + 1] = any = true;
				break;
			case T_STAR:
				if (c != '/')
					nxt[i] = any = true;
				break;
			case T_DSTAR_OPT:
				break;
			case T_DSTAR_IN:
				nxt[i] = any = true;
				if (c == '/')
					nxt[i + 1] = true;
				break;
			case T_DSTAR_END:
				nxt[i] = any = true;
				break;
			case T_CLASS:
				if (has_bit(t->set, c))
					nxt[i + 1] = any = true;
				break;
			}
		}
		closure(pt, nxt);
		bool *tmp = cur;
		cur = nxt;
		nxt = tmp;
	}
	ok = ok || (any && cur[pt->n]);
	if (ns > 64) {
		free(cur);
		free(nxt);
	}
	return ok;
}

static bool suffix_match(const struct pattern *pt, const char *s, size_t len)
{
	const char *suf = pt->text + 2;
	size_t sl = strlen(suf);
	if (len >= sl && memcmp(s + len - sl, suf, sl) == 0)
		return true;
	return sl > 0 && suf[0] == '/' && len == sl - 1 && memcmp(s, suf + 1, len) == 0;
}

/* The path or one of its parents matches. */
static bool pattern_match(const struct pattern *pt, const char *s, size_t len)
{
	if (!pt->suffix)
		return nfa_match(pt, s, len, true);
	if (suffix_match(pt, s, len))
		return true;
	for (size_t k = 1; k < len; k++)
		if (s[k] == '/' && suffix_match(pt, s, k))
			return true;
	return false;
}

struct pm_ignore *pm_ignore_free(struct pm_ignore *ig)
{
	if (!ig)
		return NULL;
	for (size_t i = 0; i < ig->n; i++) {
		free(ig->pats[i].text);
		free(ig->pats[i].toks);
	}
	free(ig->pats);
	free(ig);
	return NULL;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static char *trim(const char *s, size_t n)
{
	while (n > 0 && is_space(*s)) {
		s++;
		n--;
	}
	while (n > 0 && is_space(s[n - 1]))
		n--;
	return pm_xstrndup(s, n);
}

static int add_line(struct pm_ignore *ig, const char *s, size_t n, const char *filename,
		    unsigned line, pm_error **err)
{
	if (n > 0 && s[0] == '#')
		return 0;
	_cleanup_free_ char *t = trim(s, n);
	if (!*t)
		return 0;
	bool invert = t[0] == '!';
	_cleanup_free_ char *p = invert ? trim(t + 1, strlen(t + 1)) : pm_xstrdup(t);
	if (!*p) {
		if (invert)
			return pm_error_set(err, EINVAL, "%s:%u: illegal exclusion pattern: '!'",
					    filename, line);
		return 0;
	}
	char *c = path_clean(p);
	if (strlen(c) > 1 && c[0] == '/')
		memmove(c, c + 1, strlen(c));
	struct pattern pt = {.text = c, .exclusion = invert};
	if (compile(&pt, c) < 0) {
		int r = pm_error_set(err, EINVAL, "%s:%u: bad pattern '%s'", filename, line, t);
		free(pt.text);
		free(pt.toks);
		return r;
	}
	ig->pats = pm_xrealloc(ig->pats, (ig->n + 1) * sizeof(*ig->pats));
	ig->pats[ig->n++] = pt;
	ig->exclusions |= invert;
	return 0;
}

int pm_ignore_parse(const char *buf, size_t len, const char *filename, struct pm_ignore **ret,
		    pm_error **err)
{
	if (!filename)
		filename = ".containerignore";
	if (len > IG_MAX_FILE)
		return pm_error_set(err, EINVAL, "%s: larger than 1 MiB (%zu bytes)", filename,
				    len);
	struct pm_ignore *ig = pm_xcalloc(1, sizeof(*ig));
	size_t pos = 0;
	unsigned line = 0;
	while (pos < len) {
		const char *s = buf + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		pos += n + (nl ? 1 : 0);
		line++;
		int r = 0;
		if (n > IG_MAX_LINE)
			r = pm_error_set(err, EINVAL, "%s:%u: line longer than 64 KiB", filename,
					 line);
		else if (memchr(s, 0, n))
			r = pm_error_set(err, EINVAL, "%s:%u: NUL byte in the line", filename,
					 line);
		if (r == 0 && line == 1 && n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
			s += 3;
			n -= 3;
		}
		if (r == 0 && n > 0 && s[n - 1] == '\r')
			n--;
		if (r == 0)
			r = add_line(ig, s, n, filename, line, err);
		if (r < 0) {
			pm_ignore_free(ig);
			return r;
		}
	}
	*ret = ig;
	return 0;
}

bool pm_ignore_match(const struct pm_ignore *ig, const char *path, bool is_dir)
{
	if (!ig || ig->n == 0)
		return false;
	_cleanup_free_ char *c = path_clean(path);
	const char *p = c;
	while (*p == '/')
		p++;
	size_t len = strlen(p);
	if (strcmp(p, ".") == 0)
		return false; /* the context itself is never left out */
	bool matched = false;
	for (size_t i = 0; i < ig->n; i++) {
		const struct pattern *pt = &ig->pats[i];
		if (pt->exclusion != matched)
			continue;
		if (pattern_match(pt, p, len))
			matched = !pt->exclusion;
	}
	return matched;
}

/* One path component against one pattern component (no '/' in either). */
static bool component_match(const char *pat, size_t pl, const char *s, size_t sl)
{
	_cleanup_free_ char *text = pm_xstrndup(pat, pl);
	struct pattern pt = {.text = text};
	bool ok = true; /* a piece that does not compile alone: assume it may match */
	if (compile(&pt, text) == 0)
		ok = pt.suffix ? true : nfa_match(&pt, s, sl, false);
	free(pt.toks);
	return ok;
}

bool pm_ignore_may_reinclude(const struct pm_ignore *ig, const char *dir)
{
	if (!ig || !ig->exclusions)
		return false;
	_cleanup_free_ char *c = path_clean(dir);
	const char *d = c;
	while (*d == '/')
		d++;
	if (strcmp(d, ".") == 0)
		return true;
	for (size_t i = 0; i < ig->n; i++) {
		const struct pattern *pt = &ig->pats[i];
		if (!pt->exclusion)
			continue;
		const char *ps = pt->text, *ds = d;
		bool may = true;
		while (*ps && *ds) {
			const char *pe = strchr(ps, '/'), *de = strchr(ds, '/');
			size_t pl = pe ? (size_t)(pe - ps) : strlen(ps);
			size_t dl = de ? (size_t)(de - ds) : strlen(ds);
			if (memmem(ps, pl, "**", 2))
				return true;
			if (!component_match(ps, pl, ds, dl)) {
				may = false;
				break;
			}
			ps += pl + (pe ? 1 : 0);
			ds += dl + (de ? 1 : 0);
			if (!pe || !de)
				break;
		}
		if (may)
			return true;
	}
	return false;
}
