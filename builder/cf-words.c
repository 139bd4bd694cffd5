/* cf-words.c: the word handling of Containerfiles: splitting a shell-form argument into
 * words (BuildKit's parseWords) and expanding one word (BuildKit's shell lexer,
 * frontend/dockerfile/shell/lex.go). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "builder/cf-internal.h"
#include "builder/containerfile.h"
#include "lib/strutil.h"

/* An expansion larger than this is refused (ENV A=$A$A... doubles at each step). */
#define CF_EXPAND_MAX (1024 * 1024)
/* ${A:-${B:-${C...}}} deeper than this is refused (the lexer recurses). */
#define CF_EXPAND_DEPTH 32
/* ${A%pattern}, ${A#pattern} try every cut: bounded sizes keep that quick. */
#define CF_PATTERN_VALUE_MAX 4096
#define CF_PATTERN_MAX	     64

void pm_cf_buf_add(struct pm_cf_buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 32;
		while (cap < b->n + n + 1)
			cap *= 2;
		b->p = pm_xrealloc(b->p, cap);
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}

void pm_cf_buf_addc(struct pm_cf_buf *b, char c)
{
	pm_cf_buf_add(b, &c, 1);
}

char *pm_cf_buf_take(struct pm_cf_buf *b)
{
	if (!b->p)
		pm_cf_buf_add(b, "", 0);
	char *p = b->p;
	*b = (struct pm_cf_buf){0};
	return p;
}

void pm_cf_strv_add(char ***v, size_t *n, char *s)
{
	/* room for n + 2 pointers; grown when n + 1 is a power of two */
	if (!*v || ((*n + 1) & *n) == 0)
		*v = pm_xrealloc(*v, 2 * (*n + 2) * sizeof(char *));
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
}

bool pm_cf_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

int pm_cf_split_words(const char *text, char escape, char ***ret, size_t *ret_n, pm_error **err)
{
	enum { IN_SPACES, IN_WORD, IN_QUOTE } phase = IN_SPACES;
	char **words = NULL;
	size_t n = 0;
	struct pm_cf_buf w = {0};
	bool blank_ok = false;
	char quote = 0;
	size_t len = strlen(text);

	for (size_t pos = 0; pos <= len; pos++) {
		char ch = pos < len ? text[pos] : 0;
		if (phase == IN_SPACES) {
			if (pos == len)
				break;
			if (pm_cf_is_space(ch))
				continue;
			phase = IN_WORD;
		}
		if (pos == len) {
			if (blank_ok || w.n > 0)
				pm_cf_strv_add(&words, &n, pm_cf_buf_take(&w));
			break;
		}
		if (phase == IN_WORD) {
			if (pm_cf_is_space(ch)) {
				phase = IN_SPACES;
				if (blank_ok || w.n > 0)
					pm_cf_strv_add(&words, &n, pm_cf_buf_take(&w));
				free(w.p);
				w = (struct pm_cf_buf){0};
				blank_ok = false;
				continue;
			}
			if (ch == '\'' || ch == '"') {
				quote = ch;
				blank_ok = true;
				phase = IN_QUOTE;
			}
			if (ch == escape) {
				if (pos + 1 == len)
					continue; /* an escape at the end is dropped */
				/* unquoted: keep the escape and the character, even a quote */
				pm_cf_buf_addc(&w, ch);
				ch = text[++pos];
			}
			pm_cf_buf_addc(&w, ch);
			continue;
		}
		/* IN_QUOTE */
		if (ch == quote)
			phase = IN_WORD;
		if (ch == escape && quote != '\'') {
			if (pos + 1 == len) {
				phase = IN_WORD;
				continue;
			}
			pm_cf_buf_addc(&w, ch);
			ch = text[++pos];
		}
		pm_cf_buf_addc(&w, ch);
	}
	free(w.p);
	if (!words)
		words = pm_xcalloc(1, sizeof(char *));
	*ret = words;
	if (ret_n)
		*ret_n = n;
	(void)err;
	return 0;
}

/* ---- the shell lexer ---- */

struct lex {
	const char *s;
	size_t i, len;
	char esc;
	pm_cf_lookup_fn lookup;
	void *userdata;
	const char *word;
	int depth;
	pm_error **err;
};

static int peek(const struct lex *l)
{
	return l->i < l->len ? (unsigned char)l->s[l->i] : -1;
}

static int next(struct lex *l)
{
	return l->i < l->len ? (unsigned char)l->s[l->i++] : -1;
}

static int lex_fail(struct lex *l, const char *what)
{
	return pm_error_set(l->err, EINVAL, "'%s': %s", l->word, what);
}

static int lex_add(struct lex *l, struct pm_cf_buf *b, const char *s, size_t n)
{
	if (b->n + n > CF_EXPAND_MAX)
		return pm_error_set(l->err, EINVAL, "'%s': expands to more than 1 MiB", l->word);
	pm_cf_buf_add(b, s, n);
	return 0;
}

static int lex_dollar(struct lex *l, struct pm_cf_buf *out);

static bool is_name_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

static bool is_special_param(int c)
{
	return c == '@' || c == '*' || c == '#' || c == '?' || c == '-' || c == '$' || c == '!' ||
	       c == '0';
}

/* Up to stop ('}', '/' or -1 for the end), quotes removed, $ expanded; raw_escapes keeps an
 * unquoted escape and what follows it (a pattern's "\\*"). */
static int lex_until(struct lex *l, int stop, bool raw_escapes, struct pm_cf_buf *out)
{
	int r;
	if (++l->depth > CF_EXPAND_DEPTH)
		return lex_fail(l, "substitutions nested too deep");
	while (peek(l) != -1) {
		int ch = peek(l);
		if (stop != -1 && ch == stop) {
			next(l);
			l->depth--;
			return 0;
		}
		if (ch == '\'') {
			next(l);
			for (;;) {
				ch = next(l);
				if (ch == -1)
					return lex_fail(l,
							"unexpected end of statement while looking "
							"for matching single-quote");
				if (ch == '\'')
					break;
				char c = (char)ch;
				if ((r = lex_add(l, out, &c, 1)) < 0)
					return r;
			}
			continue;
		}
		if (ch == '"') {
			next(l);
			for (;;) {
				ch = peek(l);
				if (ch == -1)
					return lex_fail(l,
							"unexpected end of statement while looking "
							"for matching double-quote");
				if (ch == '"') {
					next(l);
					break;
				}
				if (ch == '$') {
					if ((r = lex_dollar(l, out)) < 0)
						return r;
					continue;
				}
				ch = next(l);
				if (ch == (unsigned char)l->esc) {
					int p = peek(l);
					if (p == -1)
						continue;
					if (p == '"' || p == '$' || p == (unsigned char)l->esc)
						ch = next(l);
				}
				char c = (char)ch;
				if ((r = lex_add(l, out, &c, 1)) < 0)
					return r;
			}
			continue;
		}
		if (ch == '$') {
			if ((r = lex_dollar(l, out)) < 0)
				return r;
			continue;
		}
		ch = next(l);
		if (ch == (unsigned char)l->esc) {
			if (raw_escapes && (r = lex_add(l, out, &l->esc, 1)) < 0)
				return r;
			ch = next(l);
			if (ch == -1)
				break;
		}
		char c = (char)ch;
		if ((r = lex_add(l, out, &c, 1)) < 0)
			return r;
	}
	if (stop == '/')
		return lex_fail(l, "syntax error: missing '/' in ${}");
	if (stop != -1)
		return lex_fail(l, "syntax error: missing '}'");
	l->depth--;
	return 0;
}

static void lex_name(struct lex *l, struct pm_cf_buf *name)
{
	if (peek(l) >= '0' && peek(l) <= '9') {
		while (peek(l) >= '0' && peek(l) <= '9')
			pm_cf_buf_addc(name, (char)next(l));
		return;
	}
	if (peek(l) != -1 && is_special_param(peek(l))) {
		pm_cf_buf_addc(name, (char)next(l));
		return;
	}
	while (peek(l) != -1 && is_name_char(peek(l)))
		pm_cf_buf_addc(name, (char)next(l));
	if (!name->p)
		pm_cf_buf_add(name, "", 0);
}

/* A pattern of ${A%pat}, ${A#pat}, ${A/pat/s} as BuildKit's convertShellPatternToRegex reads
 * it: '*', '?', '\\' before '*', '?', '\\' (literal) or before '}', '/' (dropped), every
 * other character literal ('[' too). -EINVAL for another escape. */
static int glob_check(const char *p)
{
	for (; *p; p++)
		if (*p == '\\') {
			if (p[1] == '}' || p[1] == '/')
				continue;
			if (p[1] != '*' && p[1] != '?' && p[1] != '\\')
				return -EINVAL;
			p++;
		}
	return 0;
}

/* A pattern as items: -1 '*', -2 '?', else the literal byte. */
static size_t glob_items(const char *p, int *items)
{
	size_t n = 0;
	for (; *p; p++) {
		if (*p == '*')
			items[n++] = -1;
		else if (*p == '?')
			items[n++] = -2;
		else if (*p == '\\' && p[1])
			items[n++] = (unsigned char)*++p;
		else
			items[n++] = (unsigned char)*p;
	}
	return n;
}

/* The lengths L for which items match s[0..L) exactly: the shortest and the longest, -1
 * for none. An NFA run once over s: O(len(s) * items). With rev, items and s are read from
 * their ends (a suffix match, as BuildKit reverses both). */
static void glob_prefix(const int *items, size_t ni, const char *s, size_t n, bool rev,
			ssize_t *ret_short, ssize_t *ret_long)
{
	bool *cur = pm_xcalloc(ni + 1, 1), *nxt = pm_xcalloc(ni + 1, 1);
#define ITEM(k) (items[rev ? ni - 1 - (k) : (k)])
	*ret_short = *ret_long = -1;
	cur[0] = true;
	for (size_t k = 0; k < ni; k++)
		if (cur[k] && ITEM(k) == -1)
			cur[k + 1] = true;
	if (cur[ni])
		*ret_short = *ret_long = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[rev ? n - 1 - i : i];
		bool any = false;
		memset(nxt, 0, ni + 1);
		for (size_t k = 0; k < ni; k++) {
			if (!cur[k])
				continue;
			int it = ITEM(k);
			if (it == -1)
				nxt[k] = any = true;
			else if (it == -2 || it == c)
				nxt[k + 1] = any = true;
		}
		for (size_t k = 0; k < ni; k++)
			if (nxt[k] && ITEM(k) == -1)
				nxt[k + 1] = true;
		bool *t = cur;
		cur = nxt;
		nxt = t;
		if (cur[ni]) {
			if (*ret_short < 0)
				*ret_short = (ssize_t)i + 1;
			*ret_long = (ssize_t)i + 1;
		}
		if (!any)
			break;
	}
#undef ITEM
	free(cur);
	free(nxt);
}

/* ${A%pat}, ${A%%pat}, ${A#pat}, ${A##pat}: the shortest/longest matching suffix/prefix
 * removed. */
static char *trim_pattern(const char *value, const char *pattern, bool suffix, bool longest)
{
	size_t n = strlen(value);
	int *items = pm_xcalloc(strlen(pattern) + 1, sizeof(int));
	size_t ni = glob_items(pattern, items);
	ssize_t sh, lo;
	glob_prefix(items, ni, value, n, suffix, &sh, &lo);
	free(items);
	ssize_t cut = longest ? lo : sh;
	if (cut < 0)
		return pm_xstrdup(value);
	return suffix ? pm_xstrndup(value, n - (size_t)cut) : pm_xstrdup(value + cut);
}

/* ${A/pat/s}, ${A//pat/s}: the leftmost, longest match replaced (every one with //). An
 * empty match replaces nothing. */
static char *replace_pattern(const char *value, const char *pat, const char *repl, bool all)
{
	struct pm_cf_buf out = {0};
	size_t n = strlen(value), i = 0;
	int *items = pm_xcalloc(strlen(pat) + 1, sizeof(int));
	size_t ni = glob_items(pat, items);
	bool done = false;
	while (i < n) {
		ssize_t sh = -1, lo = -1;
		if (!done)
			glob_prefix(items, ni, value + i, n - i, false, &sh, &lo);
		if (lo <= 0) {
			pm_cf_buf_addc(&out, value[i++]);
			continue;
		}
		pm_cf_buf_add(&out, repl, strlen(repl));
		i += (size_t)lo;
		done = !all;
	}
	free(items);
	return pm_cf_buf_take(&out);
}

static int check_pattern(struct lex *l, const char *name, const char *v, const char *pat)
{
	if (glob_check(pat) < 0)
		return pm_error_set(l->err, EINVAL, "'%s': invalid pattern (%s) in substitution",
				    l->word, pat);
	if (strlen(v) > CF_PATTERN_VALUE_MAX || strlen(pat) > CF_PATTERN_MAX)
		return pm_error_set(
			l->err, EINVAL,
			"'%s': %s is too long for a pattern substitution (a value of at "
			"most %d bytes, a pattern of at most %d)",
			l->word, name, CF_PATTERN_VALUE_MAX, CF_PATTERN_MAX);
	return 0;
}

static int lex_dollar(struct lex *l, struct pm_cf_buf *out)
{
	int r;
	next(l); /* '$' */
	if (peek(l) != '{') {
		_cleanup_free_ char *name = NULL;
		struct pm_cf_buf nb = {0};
		lex_name(l, &nb);
		name = pm_cf_buf_take(&nb);
		if (!*name)
			return lex_add(l, out, "$", 1);
		const char *v = l->lookup ? l->lookup(name, l->userdata) : NULL;
		return v ? lex_add(l, out, v, strlen(v)) : 0;
	}
	next(l); /* '{' */
	int ch = peek(l);
	if (ch == -1)
		return lex_fail(l, "syntax error: missing '}'");
	if (ch == '{' || ch == '}' || ch == ':')
		return lex_fail(l, "syntax error: bad substitution");

	struct pm_cf_buf nb = {0};
	lex_name(l, &nb);
	_cleanup_free_ char *name = pm_cf_buf_take(&nb);
	const char *v = l->lookup ? l->lookup(name, l->userdata) : NULL;
	bool found = v != NULL;
	if (!v)
		v = "";

	ch = next(l);
	if (ch == '}')
		return lex_add(l, out, v, strlen(v));
	if (ch == -1)
		return lex_fail(l, "syntax error: missing '}'");

	bool colon = ch == ':';
	int mod = colon ? next(l) : ch;
	char chs[3] = {(char)ch, colon && mod > 0 ? (char)mod : 0, 0};
	if (ch == '/') {
		bool all = peek(l) == '/';
		if (all)
			next(l);
		struct pm_cf_buf pb = {0}, rb = {0};
		r = lex_until(l, '/', true, &pb);
		_cleanup_free_ char *pat = pm_cf_buf_take(&pb);
		if (r < 0)
			return r;
		r = lex_until(l, '}', true, &rb);
		_cleanup_free_ char *repl = pm_cf_buf_take(&rb);
		if (r < 0)
			return r;
		if ((r = check_pattern(l, name, v, pat)) < 0)
			return r;
		_cleanup_free_ char *res = replace_pattern(v, pat, repl, all);
		return lex_add(l, out, res, strlen(res));
	}
	if (mod != '+' && mod != '-' && mod != '?' && mod != '%' && mod != '#') {
		if (mod == -1)
			return lex_fail(l, "syntax error: missing '}'");
		if (!colon)
			return pm_error_set(l->err, EINVAL,
					    "'%s': unsupported modifier (%s) in substitution",
					    l->word, chs);
	}
	bool pattern = mod == '%' || mod == '#';
	if (colon && pattern)
		return pm_error_set(l->err, EINVAL,
				    "'%s': unsupported modifier (%s) in substitution", l->word,
				    chs);
	struct pm_cf_buf wb = {0};
	r = lex_until(l, '}', pattern, &wb);
	_cleanup_free_ char *word = pm_cf_buf_take(&wb);
	if (r < 0)
		return r;
	switch (mod) {
	case '+':
		if (colon ? *v != 0 : found)
			return lex_add(l, out, word, strlen(word));
		return 0;
	case '-':
		if (colon ? *v == 0 : !found)
			return lex_add(l, out, word, strlen(word));
		return lex_add(l, out, v, strlen(v));
	case '?':
		if (!found)
			return pm_error_set(l->err, EINVAL, "'%s': %s: %s", l->word, name,
					    *word ? word : "is not allowed to be unset");
		if (colon && !*v)
			return pm_error_set(l->err, EINVAL, "'%s': %s: %s", l->word, name,
					    *word ? word : "is not allowed to be empty");
		return lex_add(l, out, v, strlen(v));
	case '%':
	case '#': {
		/* %% and ## (the word starts with the modifier again): the longest */
		bool longest = word[0] == (char)mod;
		const char *pat = word + (longest ? 1 : 0);
		if ((r = check_pattern(l, name, v, pat)) < 0)
			return r;
		_cleanup_free_ char *res = trim_pattern(v, pat, mod == '%', longest);
		return lex_add(l, out, res, strlen(res));
	}
	default:
		return pm_error_set(l->err, EINVAL,
				    "'%s': unsupported modifier (%s) in substitution", l->word,
				    chs);
	}
}

int pm_cf_expand(const char *word, char escape, pm_cf_lookup_fn lookup, void *userdata, char **ret,
		 pm_error **err)
{
	struct lex l = {
		.s = word,
		.len = strlen(word),
		.esc = escape,
		.lookup = lookup,
		.userdata = userdata,
		.word = word,
		.err = err,
	};
	struct pm_cf_buf out = {0};
	int r = lex_until(&l, -1, false, &out);
	if (r < 0) {
		free(out.p);
		return r;
	}
	*ret = pm_cf_buf_take(&out);
	return 0;
}

char *pm_cf_unquote(const char *word, char escape, bool *ret_quoted)
{
	struct pm_cf_buf out = {0};
	bool quoted = false;
	size_t len = strlen(word);
	for (size_t i = 0; i < len; i++) {
		char ch = word[i];
		if (ch == '\'' || ch == '"') {
			char q = ch;
			quoted = true;
			for (i++; i < len && word[i] != q; i++) {
				if (q == '"' && word[i] == escape && i + 1 < len &&
				    (word[i + 1] == '"' || word[i + 1] == '$' ||
				     word[i + 1] == escape))
					i++;
				pm_cf_buf_addc(&out, word[i]);
			}
			continue;
		}
		if (ch == escape) {
			if (i + 1 == len)
				break;
			ch = word[++i];
		}
		pm_cf_buf_addc(&out, ch);
	}
	if (ret_quoted)
		*ret_quoted = quoted;
	return pm_cf_buf_take(&out);
}
